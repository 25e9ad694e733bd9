"""The AWS emulator as the scenarios see it: what it holds, and what the provider called."""

from __future__ import annotations

import json
import time
import urllib.request
from collections import Counter
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from e2e import emulator, provider_aws
from e2e.controlplane import STATE_DIR

# Provider calls that change something in AWS.
WRITES = ("Create", "Update", "Put", "Tag", "Untag", "Delete", "Register", "Deregister", "Enable")
# Polls to watch when a scenario asserts that nothing happens (the provider re-observes
# every resource each provider_aws.POLL, with up to 5% jitter).
QUIET_POLLS = 3
POLL_SECONDS = float(provider_aws.POLL.rstrip("s"))


class Emulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def client(self, service: str) -> Any:
        key, secret = emulator.HARNESS_KEY
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=emulator.REGION,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 2}),
        )

    def table(self, name: str) -> dict[str, Any] | None:
        """DescribeTable's Table, or None when the emulator has no such table."""
        try:
            return dict(self.client("dynamodb").describe_table(TableName=name)["Table"])
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ResourceNotFoundException":
                return None
            raise

    def tags(self, arn: str) -> dict[str, str]:
        found = self.client("dynamodb").list_tags_of_resource(ResourceArn=arn)["Tags"]
        return {t["Key"]: t["Value"] for t in found}

    def provider_calls(self) -> Counter[tuple[str, str]]:
        """(service, action) -> how often the provider (its Secret's key) called it."""
        with urllib.request.urlopen(self.url + emulator.CALLS_PATH, timeout=10) as rsp:
            rows = json.loads(rsp.read())
        return Counter(
            {
                (row["service"], row["action"]): row["count"]
                for row in rows
                if row["key"] == emulator.PROVIDER_KEY[0]
            }
        )

    def provider_writes_while(self, seconds: float) -> Counter[tuple[str, str]]:
        """The provider's write calls made over the next ``seconds``."""
        before = self.provider_calls()
        time.sleep(seconds)
        after = self.provider_calls()
        return Counter(
            {call: n for call, n in (after - before).items() if call[1].startswith(WRITES)}
        )

    def quiet_window(self) -> float:
        return QUIET_POLLS * POLL_SECONDS * 1.1


def provider_updates(resource_name: str) -> int:
    """How often the provider has run an update of managed resource ``resource_name``.

    Counted from its debug log: an update that changes nothing in AWS makes no write
    call the emulator could count, but it is still a loop (provider-upjet-aws #1976).
    """
    log = STATE_DIR / "logs" / "provider-aws.log"
    needle = f'"name": "{resource_name}"'
    with log.open(encoding="utf-8", errors="replace") as lines:
        return sum(
            1 for line in lines if "Updating the external resource" in line and needle in line
        )
