"""Claims and XRs in the e2e cluster: apply, find what they composed, wait for states."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from e2e import provider
from e2e.kube import Kube, eventually, is_true

ROOT = Path(__file__).resolve().parent.parent
GROUP = "aws.project-planton.org"
CLAIM = f"awsdynamodbs.{GROUP}"
XR = f"xawsdynamodbs.{GROUP}"
MR_KINDS = {
    "cluster": [
        "tables.dynamodb.aws.upbound.io",
        "contributorinsights.dynamodb.aws.upbound.io",
        "targets.appautoscaling.aws.upbound.io",
        "policies.appautoscaling.aws.upbound.io",
        "policies.iam.aws.upbound.io",
    ],
    "namespaced": [
        "tables.dynamodb.aws.m.upbound.io",
        "contributorinsights.dynamodb.aws.m.upbound.io",
        "targets.appautoscaling.aws.m.upbound.io",
        "policies.appautoscaling.aws.m.upbound.io",
        "policies.iam.aws.m.upbound.io",
    ],
}
WAIT = 90.0


def example(path: str) -> dict[str, Any]:
    doc = dict(yaml.safe_load((ROOT / "examples" / path).read_text()))
    # An XR twin may carry the uid Crossplane gave it; the API server refuses one
    # on create ("uid mismatch").
    doc.get("metadata", {}).pop("uid", None)
    return doc


def ensure_namespace(kube: Kube, name: str) -> None:
    if kube.get("namespace", name) is None:
        kube.run("create", "namespace", name)


def apply(kube: Kube, obj: dict[str, Any]) -> None:
    if ns := obj["metadata"].get("namespace"):
        ensure_namespace(kube, ns)
    kube.apply(json.dumps(obj))


def claim_of(example_path: str, name: str, namespace: str, **spec: Any) -> dict[str, Any]:
    doc = example(example_path)
    claim_spec = {k: v for k, v in copy.deepcopy(doc["spec"]).items() if k != "crossplane"}
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "AwsDynamodb",
        "metadata": {"name": name, "namespace": namespace},
        "spec": claim_spec | spec,
    }


def xr_name_of_claim(kube: Kube, name: str, namespace: str, *, timeout: float = WAIT) -> str:
    def probe() -> str | None:
        claim = kube.get(CLAIM, name, namespace) or {}
        return ((claim.get("spec") or {}).get("resourceRef") or {}).get("name")

    return eventually(f"claim {namespace}/{name} to get its XR", probe, timeout=timeout)


def composed(
    kube: Kube, xr: str, scope: str = "cluster", namespace: str | None = None
) -> list[dict[str, Any]]:
    """Every managed resource whose crossplane.io/composite label names ``xr``."""
    found = []
    for kind in MR_KINDS[scope]:
        args = ["get", kind, "-o", "json", "-l", f"crossplane.io/composite={xr}"]
        args += ["-n", namespace] if namespace else []
        found += json.loads(kube.run(*args).stdout)["items"]
    return found


def by_resource_name(mrs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        mr["metadata"]["annotations"]["crossplane.io/composition-resource-name"]: mr for mr in mrs
    }


def wait_composed(
    kube: Kube,
    xr: str,
    names: set[str],
    scope: str = "cluster",
    namespace: str | None = None,
    *,
    timeout: float = WAIT,
) -> dict[str, dict[str, Any]]:
    def probe() -> dict[str, dict[str, Any]] | None:
        mrs = by_resource_name(composed(kube, xr, scope, namespace))
        return mrs if names <= set(mrs) else None

    return eventually(f"{xr} to compose {sorted(names)}", probe, timeout=timeout)


def make_ready(kube: Kube, mrs: list[dict[str, Any]]) -> None:
    """The provider creates each MR in AWS and reports it Ready.

    A Table the function still only observes (tenancy: observe first) is first
    reported absent from AWS, as the provider would; the function then manages it,
    and the managed Table is the one made Ready.
    """
    for mr in mrs:
        provider.make_ready(
            kube, managed_after_absent(kube, mr) if provider.observe_only(mr) else mr
        )


def managed_after_absent(kube: Kube, mr: dict[str, Any]) -> dict[str, Any]:
    """Report an observe-only Table absent; wait until the function manages it."""
    provider.report_absent(kube, mr)
    kind, name = provider.resource_name(mr), mr["metadata"]["name"]
    namespace = mr["metadata"].get("namespace")

    def probe() -> dict[str, Any] | None:
        current = kube.get(kind, name, namespace)
        return current if current and not provider.observe_only(current) else None

    return eventually(f"{kind} {name} to be managed, not only observed", probe, timeout=WAIT)


def wait_ready(
    kube: Kube, kind: str, name: str, namespace: str | None = None, *, timeout: float = WAIT
) -> dict[str, Any]:
    return eventually(
        f"{kind} {namespace or ''}/{name} to be Ready",
        lambda: (obj := kube.get(kind, name, namespace)) and is_true(obj, "Ready") and obj,
        timeout=timeout,
    )


def event_messages(kube: Kube, namespace: str) -> str:
    """Every event's message in ``namespace``, one per line (the JSON escapes ``>``)."""
    events = json.loads(kube.run("get", "events", "-n", namespace, "-o", "json").stdout)
    return "\n".join(str(e.get("message", "")) for e in events.get("items", []))


def delete(kube: Kube, kind: str, name: str, namespace: str | None = None) -> None:
    args = ["delete", kind, name, "--wait=false", "--ignore-not-found"]
    kube.run(*(args + (["-n", namespace] if namespace else [])))
