"""The provider, played for every managed resource at once (the scenarios play it per test).

One watch per composed kind; each change goes to a queue that keeps only the newest
version of each object, and a few workers answer it as e2e/provider.py does, at
once: an observe-only Table is reported absent from AWS (so the function manages
it), and a managed resource not yet Ready at its generation is reported created
and Ready. The stand-in answers instantly, so a scale run measures Crossplane, the
API server and the function, not AWS. A composed resource deleted during the run
is counted: no scale run deletes one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Literal

from e2e import provider
from e2e.kube import condition
from e2e.scale.api import Api, keep_watching

# Every cluster-scoped kind the function composes for a claim, as (group, plural).
KINDS = [
    ("dynamodb.aws.upbound.io", "tables"),
    ("dynamodb.aws.upbound.io", "contributorinsights"),
    ("dynamodb.aws.upbound.io", "resourcepolicies"),
    ("appautoscaling.aws.upbound.io", "targets"),
    ("appautoscaling.aws.upbound.io", "policies"),
    ("appautoscaling.aws.upbound.io", "scheduledactions"),
    ("cloudwatch.aws.upbound.io", "metricalarms"),
    ("iam.aws.upbound.io", "policies"),
]
WORKERS = 4

Action = Literal["absent", "ready"]


def action(mr: dict[str, Any]) -> Action | None:
    """What the provider would report for ``mr`` now, or None when it has nothing new."""
    if mr["metadata"].get("deletionTimestamp"):
        return None
    if provider.observe_only(mr):
        synced = condition(mr, "Synced")
        reported = synced and synced.get("message") == provider.NOT_FOUND["message"]
        return None if reported else "absent"
    ready = condition(mr, "Ready")
    generation = mr["metadata"].get("generation", 1)
    if ready and ready.get("status") == "True" and ready.get("observedGeneration") == generation:
        return None
    return "ready"


def status_patch(mr: dict[str, Any], what: Action) -> dict[str, Any]:
    """The status the provider writes for ``mr``, stamped with the generation it read."""
    generation = int(mr["metadata"].get("generation", 1))
    if what == "absent":
        at, conditions = {}, [provider.NOT_FOUND]
    else:
        at, conditions = provider.observed(mr), provider.READY
    return {
        "status": {"atProvider": at, "conditions": provider.at_generation(conditions, generation)}
    }


class Latest:
    """A queue of objects that keeps only the newest version of each, in arrival order."""

    def __init__(self) -> None:
        self.items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.ready = threading.Condition()

    def put(self, key: str, obj: dict[str, Any]) -> None:
        with self.ready:
            self.items[key] = obj
            self.ready.notify()

    def take(self, stop: threading.Event) -> tuple[str, dict[str, Any]] | None:
        with self.ready:
            while not self.items:
                if stop.is_set():
                    return None
                self.ready.wait(0.5)
            return self.items.popitem(last=False)


class StandIn:
    """Plays the provider until ``stop``; counts what it reported and what was deleted."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.stop = threading.Event()
        self.queue = Latest()
        self.reported = {"absent": 0, "ready": 0}
        self.deleted: list[str] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for group, plural in KINDS:
            version = self._version(group, plural)
            path = f"/apis/{group}/{version}/{plural}"
            self._thread(self._watch, path)
        for _ in range(WORKERS):
            self._thread(self._work)

    def _thread(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _version(self, group: str, plural: str) -> str:
        """The version the CRD stores: the one the function composes (crossplane.py)."""
        crd = self.api.get(
            f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{plural}.{group}"
        )
        return str(next(v["name"] for v in crd["spec"]["versions"] if v["storage"]))

    def _watch(self, path: str) -> None:
        def handle(kind: str, mr: dict[str, Any]) -> None:
            key = f"{path}/{mr['metadata']['name']}"
            if kind == "DELETED":
                with self.lock:
                    self.deleted.append(key)
            elif action(mr) is not None:
                self.queue.put(key, mr)

        keep_watching(self.api, path, self.stop, handle, self.errors)

    def _work(self) -> None:
        while (item := self.queue.take(self.stop)) is not None:
            key, mr = item
            what = action(mr)
            if what is None:
                continue
            try:
                if self.api.patch_status(key, status_patch(mr, what)) == 200:
                    with self.lock:
                        self.reported[what] += 1
            except Exception as exc:  # reported at the end of the run; tried again
                with self.lock:
                    self.errors.append(f"report {key}: {exc!r}")
                self.queue.put(key, mr)
                self.stop.wait(1)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=1)
