"""`gate notify` end to end: the real CLI on a real git repository, publishing to a moto server on
loopback, and the delivered message read back from an SQS subscriber."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import SEED_CANARY, GitRepo, documented_service, run_gate
from moto_server import (  # the fixtures `aws_env` and `moto` come with their functions
    DUMMY_AWS_ENV,
    REGION,
    Moto,
    aws_env_fixture,  # noqa: F401
    closed_port,
    moto_fixture,  # noqa: F401
    sns_envelope,
)

pytestmark = pytest.mark.e2e

NOW = "2026-11-30T11:00:00Z"
SUBJECT = "Roll out the checkout canary"
KUBECTL = "kubectl -n production rollout undo deployment/checkout-service"


def workload(image: str) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout-service, namespace: production}\n"
        "spec:\n  selector: {matchLabels: {app: checkout}}\n  template:\n    metadata: {labels: {app: checkout}}\n"
        f"    spec:\n      containers: [{{name: app, image: '{image}'}}]\n"
    )


def deployed(tmp_path: Path, message: str = SUBJECT) -> tuple[GitRepo, str]:
    """A repository whose last commit changes a Deployment's image (namespace production) and adds the
    seed's canary for it, in a documented service."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({**documented_service("services/checkout"), "services/checkout/deploy/deployment.yaml": workload("a:1")},
                "Add the checkout service")
    repo.write({"services/checkout/deploy/canary.yaml": SEED_CANARY,
                "services/checkout/deploy/deployment.yaml": workload("a:2")})
    # A file, not -m: a 300 KB message is longer than one command-line argument may be.
    message_file = tmp_path / "message.txt"
    message_file.write_text(message, encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-F", str(message_file))
    return repo, repo.git("rev-parse", "HEAD")


def notify(repo: GitRepo, *extra: str, timeout: float = 60) -> Any:
    return run_gate(
        "notify", "--repo", str(repo.path), "--now", NOW, "--region", REGION, *extra,
        env={**DUMMY_AWS_ENV, "GITHUB_REPOSITORY": "acme/shop"},
        timeout=timeout,
    )


def test_the_sqs_subscriber_receives_exactly_one_notice(moto: Moto, aws_env: dict[str, str], tmp_path: Path) -> None:
    repo, sha = deployed(tmp_path)
    topic, queue = moto.topic_with_queue()

    result = notify(repo, "--endpoint-url", moto.endpoint, "--topic-arn", topic)

    assert result.returncode == 0, result.stderr
    messages = moto.drain(queue)
    assert len(messages) == 1
    envelope = sns_envelope(messages[0])
    assert envelope["TopicArn"] == topic
    assert envelope["Subject"] == f"Deployed acme/shop@{sha[:12]}: {SUBJECT}"
    assert envelope["MessageAttributes"]["gate.verdict"] == {"Type": "String", "Value": "pass"}
    assert envelope["MessageAttributes"]["gate.repository"]["Value"] == "acme/shop"
    delivered = json.loads(envelope["Message"])  # the sqs variant: the report and the notice
    notice, report = delivered["notice"], delivered["report"]
    assert notice["commit"]["subject"] == SUBJECT
    assert notice["commit"]["sha"] == sha
    assert notice["commit"]["author"] == {"name": "Ana Dev", "email": "ana@example.com"}
    commands = [step["code"] for step in notice["rollback"] if step["kind"] == "command"]
    assert commands == [f"git revert --no-edit {sha}", KUBECTL]
    assert notice["canaries"][0]["namespace"] == "production"
    assert notice["canaries"][0]["target"] == "Deployment/checkout-service"
    assert report["version"] == 1
    assert report["head"] == sha
    assert report["verdict"] == "pass"
    assert [s["name"] for s in report["services"]] == ["checkout"]


def test_raw_delivery_gives_the_json_document_itself(moto: Moto, aws_env: dict[str, str], tmp_path: Path) -> None:
    repo, sha = deployed(tmp_path)
    topic, queue = moto.topic_with_queue(raw=True)

    result = notify(repo, "--endpoint-url", moto.endpoint, "--topic-arn", topic)

    assert result.returncode == 0, result.stderr
    (message,) = moto.drain(queue)
    document = json.loads(message["Body"])
    assert document["notice"]["commit"]["sha"] == sha
    assert any(step["code"] == KUBECTL for step in document["notice"]["rollback"])


def test_dry_run_prints_the_chatbot_notification_and_publishes_nothing(moto: Moto, tmp_path: Path) -> None:
    repo, sha = deployed(tmp_path)
    topic, queue = moto.topic_with_queue()
    # No credentials at all: a dry run must not need them.
    no_credentials = dict.fromkeys(DUMMY_AWS_ENV, "") | {"GITHUB_REPOSITORY": "acme/shop"}

    result = run_gate(
        "notify", "--repo", str(repo.path), "--now", NOW, "--dry-run",
        "--endpoint-url", moto.endpoint, "--topic-arn", topic, env=no_credentials,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    chatbot = json.loads(_section(out, "chatbot custom notification (https)"))
    assert chatbot["version"] == "1.0"
    assert chatbot["source"] == "custom"
    assert chatbot["content"]["textType"] == "client-markdown"
    assert SUBJECT in chatbot["content"]["title"]
    assert f"`git revert --no-edit {sha}`" in "\n".join(chatbot["content"]["nextSteps"])
    assert any(KUBECTL in step for step in chatbot["content"]["nextSteps"])
    assert chatbot["metadata"]["threadId"] == "gate/acme/shop/checkout"
    assert "Author:       Ana Dev <ana@example.com>" in _section(out, "email and default (plain text)")
    assert json.loads(_section(out, "json (sqs, lambda)"))["report"]["head"] == sha
    assert moto.drain(queue) == []


def test_an_endpoint_that_is_down_fails_in_time_with_one_line_and_the_full_notice(
    aws_env: dict[str, str], tmp_path: Path
) -> None:
    repo, sha = deployed(tmp_path)
    down = f"http://127.0.0.1:{closed_port()}"

    # The subprocess timeout is the bound: run_gate raises if gate takes longer than 30 s.
    result = notify(repo, "--endpoint-url", down, "--topic-arn", f"arn:aws:sns:{REGION}:123456789012:deploys", timeout=30)

    assert result.returncode == 2
    error_lines = result.stderr.strip().splitlines()
    assert len(error_lines) == 1
    assert error_lines[0].startswith("gate: notify: the deployment notice was not published: cannot reach SNS")
    assert DUMMY_AWS_ENV["AWS_SECRET_ACCESS_KEY"] not in result.stderr + result.stdout
    assert f"Deployed acme/shop@{sha[:12]}: {SUBJECT}" in result.stdout
    assert "Author:       Ana Dev <ana@example.com>" in result.stdout
    assert f"git revert --no-edit {sha}" in result.stdout
    assert KUBECTL in result.stdout


def test_a_300_kb_commit_message_is_trimmed_and_every_command_kept(
    moto: Moto, aws_env: dict[str, str], tmp_path: Path
) -> None:
    body = "\n".join(f"line {n}: " + "why this change matters, at length (café ✓). " * 8 for n in range(1000))
    assert len(body.encode()) > 300_000
    repo, sha = deployed(tmp_path, f"{SUBJECT}\n\n{body}")
    topic, queue = moto.topic_with_queue(raw=True)

    result = notify(repo, "--endpoint-url", moto.endpoint, "--topic-arn", topic)

    assert result.returncode == 0, result.stderr
    (message,) = moto.drain(queue)
    assert len(message["Body"].encode("utf-8")) < 256 * 1024
    notice = json.loads(message["Body"])["notice"]
    assert notice["trimmed_characters"] > 0
    assert "characters trimmed by gate" in notice["commit"]["body"]
    assert notice["commit"]["subject"] == SUBJECT
    codes = [step["code"] for step in notice["rollback"] if step["kind"] == "command"]
    assert codes == [f"git revert --no-edit {sha}", KUBECTL]

    dry = notify(repo, "--dry-run", "--topic-arn", topic)
    envelope = json.loads(_section(dry.stdout, "envelope"))
    assert envelope["bytes"] <= 256 * 1024
    assert f"     git revert --no-edit {sha}" in dry.stdout
    assert f"     {KUBECTL}" in dry.stdout


def test_a_fifo_topic_gets_a_group_and_a_deterministic_deduplication_id(
    moto: Moto, aws_env: dict[str, str], tmp_path: Path
) -> None:
    repo, sha = deployed(tmp_path)
    topic, queue = moto.topic_with_queue(fifo=True, raw=True)

    first = notify(repo, "--endpoint-url", moto.endpoint, "--topic-arn", topic)
    again = notify(repo, "--endpoint-url", moto.endpoint, "--topic-arn", topic)

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    sqs = moto.client("sqs")
    received = sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["MessageGroupId", "MessageDeduplicationId"]
    )["Messages"]
    assert len(received) == 1  # the same commit and event: SQS drops the duplicate
    attributes = received[0]["Attributes"]
    assert attributes["MessageGroupId"] == "acme/shop"
    assert len(attributes["MessageDeduplicationId"]) == 64
    assert json.loads(received[0]["Body"])["notice"]["commit"]["sha"] == sha


# -- throttling --------------------------------------------------------------------------------


class _ThrottlingProxy(BaseHTTPRequestHandler):
    """Answers the first requests with an SNS throttling error, then forwards to moto."""

    server: _ProxyServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests += 1
        if self.server.errors:
            code = self.server.errors.pop(0)
            payload = (
                '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>'
                f"<Code>{code}</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            ).encode()
            self._answer(400, {"Content-Type": "text/xml"}, payload)
            return
        upstream = http.client.HTTPConnection(self.server.upstream, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request("POST", self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self._answer(response.status, {"Content-Type": response.getheader("Content-Type", "text/xml")}, data)
        upstream.close()

    def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _ProxyServer(ThreadingHTTPServer):
    upstream: str
    errors: list[str]
    requests: int


@pytest.fixture
def throttling_proxy(moto: Moto) -> Iterator[_ProxyServer]:
    server = _ProxyServer(("127.0.0.1", 0), _ThrottlingProxy)
    server.upstream = moto.endpoint.removeprefix("http://")
    server.errors, server.requests = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "errors",
    [
        pytest.param(["Throttling", "Throttling"], id="botocore-retries-Throttling"),
        pytest.param(["Throttled"], id="tenacity-retries-SNS-Throttled"),
        pytest.param(["Throttled", "Throttling", "Throttled"], id="both-layers"),
    ],
)
def test_throttling_is_retried_and_the_notice_delivered_once(
    moto: Moto, aws_env: dict[str, str], throttling_proxy: _ProxyServer, tmp_path: Path, errors: list[str]
) -> None:
    repo, _ = deployed(tmp_path)
    topic, queue = moto.topic_with_queue(raw=True)
    throttling_proxy.errors = list(errors)
    proxy = f"http://127.0.0.1:{throttling_proxy.server_address[1]}"

    result = notify(repo, "--endpoint-url", proxy, "--topic-arn", topic)

    assert result.returncode == 0, result.stderr
    assert throttling_proxy.requests == len(errors) + 1
    assert len(moto.drain(queue)) == 1


def test_throttling_that_never_stops_fails_with_one_line(
    moto: Moto, aws_env: dict[str, str], throttling_proxy: _ProxyServer, tmp_path: Path
) -> None:
    repo, sha = deployed(tmp_path)
    topic, queue = moto.topic_with_queue(raw=True)
    throttling_proxy.errors = ["Throttled"] * 50
    proxy = f"http://127.0.0.1:{throttling_proxy.server_address[1]}"

    result = notify(repo, "--endpoint-url", proxy, "--topic-arn", topic, timeout=30)

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "SNS refused the notice: Throttled: Rate exceeded" in line
    assert f"git revert --no-edit {sha}" in result.stdout
    assert moto.drain(queue) == []


def _section(output: str, name: str) -> str:
    """The text under `--- name ---` up to the next header line."""
    start = output.index(f"--- {name} ---\n") + len(name) + 9
    end = output.find("\n--- ", start)
    return output[start : end if end != -1 else None]
