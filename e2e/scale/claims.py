"""Claims applied, and watched: when each turned Ready, and which were refused."""

from __future__ import annotations

import threading
import time
from typing import Any

from e2e.kube import condition, is_true
from e2e.scale.api import Api, keep_watching

GROUP = "aws.project-planton.org"
PATH = f"/apis/{GROUP}/v1/awsdynamodbs"


def key(claim: dict[str, Any]) -> str:
    return f"{claim['metadata']['namespace']}/{claim['metadata']['name']}"


def refused(claim: dict[str, Any]) -> bool:
    accepted = condition(claim, "SpecAccepted")
    return bool(accepted and accepted.get("status") == "False")


class Tracker:
    """Watches every claim: the first time each was seen Ready, and the latest of each."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ready_at: dict[str, float] = {}
        self.latest: dict[str, dict[str, Any]] = {}
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _watch(self) -> None:
        def handle(kind: str, claim: dict[str, Any]) -> None:
            now = time.time()
            with self.lock:
                if kind == "DELETED":
                    self.latest.pop(key(claim), None)
                    return
                self.latest[key(claim)] = claim
                if is_true(claim, "Ready"):
                    self.ready_at.setdefault(key(claim), now)

        keep_watching(self.api, PATH, self.stop, handle, self.errors)

    def ready(self) -> int:
        with self.lock:
            return len(self.ready_at)

    def apply(self, claims: list[dict[str, Any]]) -> None:
        for ns in sorted({c["metadata"]["namespace"] for c in claims}):
            self.api.create(
                "/api/v1/namespaces",
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
            )
        for claim in claims:
            ns = claim["metadata"]["namespace"]
            self.api.create(f"/apis/{GROUP}/v1/namespaces/{ns}/awsdynamodbs", claim)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=1)
