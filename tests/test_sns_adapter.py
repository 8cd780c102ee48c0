"""The SNS publisher without a server: retries, the time bound, errors as one line without secrets."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from gate.adapters import sns
from gate.core.notice import SnsMessage

TOPIC = "arn:aws:sns:eu-west-1:123456789012:deployments"
SECRET = "wJalrXUtnFEMI-not-a-real-secret"


def message() -> SnsMessage:
    return SnsMessage(subject="Deployed acme/shop@abc: fix", message=json.dumps({"default": "hello"}))


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def stubbed(monkeypatch: pytest.MonkeyPatch, errors: list[str]) -> Any:
    """An SNS client answering `errors` (error codes) in turn, then a MessageId."""
    import boto3
    from botocore.config import Config
    from botocore.stub import Stubber

    # max_attempts=1: the stubber bypasses botocore's retry handler anyway; this isolates tenacity's layer.
    client = boto3.session.Session(region_name="eu-west-1").client(
        "sns", config=Config(retries={"mode": "standard", "max_attempts": 1})
    )
    stubber = Stubber(client)
    for code in errors:
        stubber.add_client_error("publish", service_error_code=code, service_message=f"{code} happened", http_status_code=400)
    stubber.add_response("publish", {"MessageId": "m-1"})
    stubber.activate()
    monkeypatch.setattr(sns, "_client", lambda settings: client)
    return stubber


@pytest.mark.parametrize(
    ("errors", "published"),
    [
        pytest.param([], True, id="first-try"),
        pytest.param(["Throttled"], True, id="sns-throttled-retried"),
        pytest.param(["KMSThrottling", "Throttled"], True, id="kms-then-sns-throttled-retried"),
        pytest.param(["Throttled"] * 3, False, id="gives-up-after-three"),
        pytest.param(["AuthorizationError"], False, id="not-retryable"),
    ],
)
def test_tenacity_retries_the_throttling_botocore_does_not_know(
    monkeypatch: pytest.MonkeyPatch, credentials: None, errors: list[str], published: bool
) -> None:
    stubbed(monkeypatch, errors)
    settings = sns.SnsSettings(topic_arn=TOPIC)
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda seconds: None)
    if published:
        assert sns.publish(message(), settings) == "m-1"
    else:
        with pytest.raises(sns.PublishError, match=f"SNS refused the notice: {errors[-1]}"):
            sns.publish(message(), settings)


def test_an_invalid_message_is_refused_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_client(settings: object) -> None:
        raise AssertionError("no client may be made for a message SNS would reject")

    monkeypatch.setattr(sns, "_client", no_client)
    bad = SnsMessage(subject="two\nlines", message=json.dumps({"default": "x"}))
    with pytest.raises(sns.PublishError, match="one line of printable ASCII"):
        sns.publish(bad, sns.SnsSettings(topic_arn=TOPIC))


def test_the_deadline_bounds_a_call_that_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sns, "_publish_with_retries", lambda *args: time.sleep(30))
    settings = sns.SnsSettings(topic_arn=TOPIC, deadline=0.1)
    with pytest.raises(sns.PublishError, match="did not answer within"):
        sns.publish(message(), settings)


@pytest.mark.parametrize(
    ("topic", "region"),
    [
        pytest.param(TOPIC, "eu-west-1", id="standard"),
        pytest.param("arn:aws:sns:us-east-1:123456789012:deploys.fifo", "us-east-1", id="fifo"),
        pytest.param("arn:aws-us-gov:sns:us-gov-west-1:123456789012:d", "us-gov-west-1", id="gov-partition"),
        pytest.param("arn:aws:sqs:us-east-1:123456789012:d", None, id="not-sns"),
        pytest.param("deployments", None, id="a-name-not-an-arn"),
    ],
)
def test_the_region_comes_from_the_topic_arn(topic: str, region: str | None) -> None:
    assert sns.region_of(topic) == region


def test_a_bad_arn_is_one_clear_line() -> None:
    with pytest.raises(sns.PublishError, match="is not an SNS topic ARN"):
        sns.publish(message(), sns.SnsSettings(topic_arn="deployments"))


def error(name: str, **fields: Any) -> Exception:
    import botocore.exceptions as be

    return getattr(be, name)(**fields)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(lambda: error("NoCredentialsError"), "no AWS credentials found", id="no-credentials"),
        pytest.param(lambda: error("NoRegionError"), "no AWS region", id="no-region"),
        pytest.param(
            lambda: error("EndpointConnectionError", endpoint_url="http://user:pw@127.0.0.1:9"),
            "cannot reach SNS",
            id="unreachable",
        ),
        pytest.param(
            lambda: error(
                "ClientError",
                error_response={"Error": {"Code": "AuthorizationError", "Message": "not\nallowed"}},
                operation_name="Publish",
            ),
            "SNS refused the notice: AuthorizationError: not allowed",
            id="client-error",
        ),
    ],
)
def test_errors_are_one_line_without_secrets(make: Any, expected: str) -> None:
    settings = sns.SnsSettings(topic_arn=TOPIC, endpoint_url="http://user:pw@127.0.0.1:9")
    text = str(sns.describe_error(make(), settings))
    assert expected in text
    assert "\n" not in text
    assert "pw@" not in text and SECRET not in text


def test_credentials_an_sns_error_echoes_are_redacted() -> None:
    settings = sns.SnsSettings(topic_arn=TOPIC)
    echoed = error("ClientError", error_response={"Error": {
        "Code": "InvalidClientTokenId",
        "Message": "The security token AKIAIOSFODNN7EXAMPLE is invalid; aws_secret_access_key=wJalrXUtnFEMI/K7MDENG",
    }}, operation_name="Publish")
    text = str(sns.describe_error(echoed, settings))
    assert "AKIAIOSFODNN7EXAMPLE" not in text and "wJalrXUtnFEMI" not in text
    assert "[redacted]" in text
