"""A moto server on loopback for end-to-end tests of the deployment notice.

Import the fixtures into a test module: `from moto_server import aws_env_fixture, moto_fixture`
(they are named `aws_env` and `moto` for the tests that use them).
The server is started once per session as a subprocess (`python -m moto.server`), waited for,
and always terminated. Each test makes its own topic and queue, so tests do not see each other's
messages.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

REGION = "us-east-1"
DUMMY_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-never-printed",
    "AWS_SESSION_TOKEN": "testing-session-token",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on: connections are refused at once."""
    return free_port()


@dataclass
class Moto:
    endpoint: str

    def client(self, service: str) -> Any:
        import boto3

        return boto3.session.Session(
            aws_access_key_id=DUMMY_AWS_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION,
        ).client(service, endpoint_url=self.endpoint)

    def topic_with_queue(self, *, raw: bool = False, fifo: bool = False) -> tuple[str, str]:
        """A new topic with a new SQS queue subscribed to it: (topic ARN, queue URL)."""
        sns, sqs = self.client("sns"), self.client("sqs")
        name = f"gate-{uuid.uuid4().hex[:12]}" + (".fifo" if fifo else "")
        topic_attributes = {"FifoTopic": "true"} if fifo else {}
        topic_arn = sns.create_topic(Name=name, Attributes=topic_attributes)["TopicArn"]
        queue_attributes = {"FifoQueue": "true"} if fifo else {}
        queue_url = sqs.create_queue(QueueName=name, Attributes=queue_attributes)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        subscription = {"RawMessageDelivery": "true"} if raw else {}
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=subscription)
        return topic_arn, queue_url

    def drain(self, queue_url: str) -> list[dict[str, Any]]:
        """Every message now in the queue (SNS to SQS delivery in moto is synchronous)."""
        sqs = self.client("sqs")
        messages: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return messages
            for message in batch:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            messages.extend(batch)


def _wait_ready(endpoint: str, process: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    stop = time.monotonic() + limit
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server at {endpoint} was not ready within {limit:.0f} s")


@pytest.fixture(scope="session", name="moto")
def moto_fixture() -> Iterator[Moto]:
    pytest.importorskip("moto.server")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **DUMMY_AWS_ENV},
    )
    try:
        _wait_ready(endpoint, process)
        yield Moto(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(name="aws_env")
def aws_env_fixture(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Dummy credentials for this process and for the CLI subprocesses it starts."""
    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return dict(DUMMY_AWS_ENV)


def sns_envelope(message: dict[str, Any]) -> dict[str, Any]:
    """The SNS notification an SQS subscriber without raw delivery receives."""
    body: dict[str, Any] = json.loads(message["Body"])
    return body
