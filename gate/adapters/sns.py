"""Publish a message to SNS with boto3: bounded in time, retried where it helps, never leaking secrets.

- boto3 is imported inside `publish` only, so commands that send nothing (`gate check`) never load it.
- Credentials come from boto3's standard chain (environment, web identity from GitHub's OIDC via
  aws-actions/configure-aws-credentials, profiles, instance roles); gate never reads or prints them.
- botocore retries what it knows to be transient (standard mode, attempts set explicitly); tenacity
  adds the SNS throttling codes botocore does not list. A deadline bounds the whole call, so a
  black-holed endpoint cannot hang a pipeline.
- Errors become `PublishError`, one line that names the cause and never includes a credential.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gate.core.errors import ExternalError, GateError
from gate.core.notice import NoticeError, SnsMessage, deployment_message, deployment_notice, render_text, validate
from gate.core.redact import redact

if TYPE_CHECKING:
    from gate.core.judge import Judgement

# Throttling codes SNS and KMS return that botocore's standard mode does not retry by itself.
EXTRA_RETRYABLE_CODES = frozenset({"Throttled", "KMSThrottling", "KMSThrottlingException"})
_ARN = re.compile(r"arn:aws[a-zA-Z-]*:sns:([a-z0-9-]+):[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")


class PublishError(ExternalError):
    """SNS did not take the message; the text is one line without secrets."""


@dataclass(frozen=True)
class SnsSettings:
    """Where and how to publish: the topic, region and endpoint, with the retry and time bounds."""

    topic_arn: str
    region: str | None = None
    endpoint_url: str | None = None
    max_attempts: int = 4  # botocore's, per call: the first try and three retries
    connect_timeout: float = 3.0
    read_timeout: float = 8.0
    extra_attempts: int = 3  # tenacity's, for EXTRA_RETRYABLE_CODES
    deadline: float = 25.0  # seconds for everything, under the 30 s a pipeline step may wait


@dataclass(frozen=True)
class Delivery:
    """What became of a deployment notice. Never an exception: a notice that could not be sent
    still carries its full text, for the caller to print where people will see it."""

    published: bool
    message_id: str | None
    error: str | None  # one line, no secrets
    rendered: str  # the full notice as plain text, for the log and the job summary


def publish_notice(
    judgement: Judgement, settings: SnsSettings, *, event: str = "push", repository: str | None = None
) -> Delivery:
    """Build the judged change's notice and publish it; AWS or network trouble comes back as an error."""
    try:
        message = deployment_message(judgement, topic_arn=settings.topic_arn, event=event, repository=repository)
    except NoticeError as exc:
        # The notice itself cannot be sent; still show everything gate knows.
        notice = deployment_notice(judgement, event=event, repository=repository)
        return Delivery(False, None, f"the deployment notice cannot be sent: {exc}", render_text(notice))
    try:
        message_id = publish(message, settings)
    except GateError as exc:
        return Delivery(False, None, _clip(str(exc), 500), message.full_text or message.text)
    except Exception as exc:
        rendered = message.full_text or message.text  # the whole notice, when the message left steps out
        return Delivery(False, None, _clip(describe_error(exc, settings).args[0], 500), rendered)
    return Delivery(True, message_id, None, message.full_text or message.text)


def region_of(topic_arn: str) -> str | None:
    match = _ARN.fullmatch(topic_arn)
    return match.group(1) if match else None


def check_topic_arn(topic_arn: str) -> None:
    if not _ARN.fullmatch(topic_arn):
        raise PublishError(
            f"'{_clip(topic_arn, 120)}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)"
        )


def publish(message: SnsMessage, settings: SnsSettings) -> str:
    """Publish and return the MessageId; raises PublishError within `settings.deadline` seconds."""
    check_topic_arn(settings.topic_arn)
    try:
        validate(message, topic_arn=settings.topic_arn)
    except ValueError as exc:
        raise PublishError(f"the notice is not a message SNS accepts: {exc}") from None
    outcome: dict[str, Any] = {}

    def attempt() -> None:
        try:
            outcome["id"] = _publish_with_retries(message, settings, time.monotonic() + settings.deadline)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    # A worker thread and a join with a timeout give a hard bound even if a socket ignores its timeouts;
    # the thread is a daemon, so an abandoned call cannot keep the process alive.
    worker = threading.Thread(target=attempt, name="gate-sns-publish", daemon=True)
    worker.start()
    worker.join(settings.deadline * 1.05 + 0.05)  # a little grace for a call finishing at the edge
    if worker.is_alive():
        raise PublishError(f"SNS did not answer within {settings.deadline:.0f} s ({_where(settings)})")
    if "error" in outcome:
        raise describe_error(outcome["error"], settings) from None
    return str(outcome["id"])


def _publish_with_retries(message: SnsMessage, settings: SnsSettings, deadline: float) -> str:
    import tenacity

    client = _client(settings)
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(_is_extra_retryable),
        stop=tenacity.stop_after_attempt(settings.extra_attempts)
        | tenacity.stop_before_delay(max(0.0, deadline - time.monotonic())),
        wait=tenacity.wait_exponential(multiplier=0.5, max=4),
        reraise=True,
    )
    response = retrying(client.publish, **message.publish_arguments(settings.topic_arn))
    return str(response["MessageId"])


def _client(settings: SnsSettings) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": settings.max_attempts},
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        user_agent_extra="gate-deployment-notice",
    )
    region = settings.region or region_of(settings.topic_arn)
    session = boto3.session.Session()
    return session.client("sns", region_name=region, endpoint_url=settings.endpoint_url, config=config)


def _is_extra_retryable(exc: BaseException) -> bool:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    code = response.get("Error", {}).get("Code")
    return code in EXTRA_RETRYABLE_CODES


def describe_error(exc: BaseException, settings: SnsSettings) -> PublishError:
    """One line a person can act on. Only the error's code and message are kept: botocore's own
    text can quote request parameters, and nothing from the credential chain is ever included."""
    if isinstance(exc, PublishError):
        return exc
    name = type(exc).__name__
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        code = _clip(str(response["Error"].get("Code", "Unknown")), 80)
        text = response["Error"].get("Message", "")
        return PublishError(f"SNS refused the notice: {code}: {_clip(text, 200)} ({_where(settings)})")
    if name in ("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"):
        return PublishError(
            "no AWS credentials found: configure them for the job (e.g. aws-actions/configure-aws-credentials "
            "with an OIDC role) or use --dry-run"
        )
    if name == "NoRegionError":
        return PublishError("no AWS region: pass --region, use a topic ARN with its region, or set AWS_REGION")
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError", "ProxyConnectionError"):
        return PublishError(f"cannot reach SNS ({_where(settings)}): {name}")
    if name in ("ReadTimeoutError",):
        return PublishError(f"SNS did not answer in time ({_where(settings)})")
    if name == "ParamValidationError":
        return PublishError(f"the publish request is invalid: {_clip(str(exc), 200)}")
    return PublishError(f"publishing to SNS failed ({_where(settings)}): {name}: {_clip(str(exc), 200)}")


def _where(settings: SnsSettings) -> str:
    region = settings.region or region_of(settings.topic_arn) or "default region"
    endpoint = _strip_userinfo(settings.endpoint_url) if settings.endpoint_url else f"region {region}"
    return f"topic {settings.topic_arn} via {endpoint}"


def _strip_userinfo(url: str) -> str:
    # An endpoint URL may carry user:password@; it never reaches a message.
    return re.sub(r"//[^/@]*@", "//", url)


def _clip(text: str, limit: int) -> str:
    """Text from AWS as one line: credentials an error may echo redacted before it is cut."""
    single = redact(" ".join(str(text).split()))
    return single if len(single) <= limit else single[: limit - 3] + "..."
