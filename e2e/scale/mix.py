"""The claims of a scale run: the examples, in a fixed mix, with names of their own.

Every claim is an example's spec (its claim.yaml, or its XR's spec less what
Crossplane writes there), named ``<example>-<index>`` in one of a few team
namespaces. A fixed ``tableName`` becomes the claim's name, so no two claims ask
for one table (the stand-in provider would not refuse it, but AWS would), and a
resource policy naming the example's table names the new one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
GROUP = "aws.project-planton.org"
# Of every 20 claims: most tables are small and on demand, some provisioned and
# autoscaled, a few global or with options.
MIX = [
    ("minimal", "minimal/claim.yaml", 4),
    ("planton", "planton/claim.yaml", 2),
    ("alarms", "alarms/claim.yaml", 2),
    ("access", "access/claim.yaml", 2),
    ("production", "production/claim.yaml", 2),
    ("autoscaled", "autoscaled/xr.yaml", 3),
    ("provisioned", "provisioned/xr.yaml", 2),
    ("scheduled", "scheduled/xr.yaml", 1),
    ("options", "options/claim.yaml", 1),
    ("global", "global/xr.yaml", 1),
]
NAMESPACES = 10
# What Crossplane writes into an XR's spec; a claim carries none of it.
_NOT_CLAIM_SPEC = {"claimRef", "compositionRef", "crossplane", "resourceRefs"}
_REFUSED_BY_THE_COMPOSITION = {"importTable"}


def _spec(path: str) -> dict[str, Any]:
    doc = yaml.safe_load((ROOT / "examples" / path).read_text())
    left_out = _NOT_CLAIM_SPEC | _REFUSED_BY_THE_COMPOSITION
    return {k: v for k, v in doc["spec"].items() if k not in left_out}


def pattern() -> list[tuple[str, dict[str, Any]]]:
    """One round of the mix: (example, spec) in order, each example as often as its weight."""
    return [(name, _spec(path)) for name, path, weight in MIX for _ in range(weight)]


def claim(example: str, spec: dict[str, Any], index: int, namespace: str) -> dict[str, Any]:
    name = f"{example}-{index:04d}"
    spec = copy.deepcopy(spec)
    if old := spec.get("tableName"):
        spec["tableName"] = name
        if "resourcePolicy" in spec:
            policy = json.dumps(spec["resourcePolicy"]).replace(f"table/{old}", f"table/{name}")
            spec["resourcePolicy"] = json.loads(policy)
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "AwsDynamodb",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def claims(n: int) -> list[dict[str, Any]]:
    """``n`` claims, the mix repeated, spread over ``NAMESPACES`` namespaces (fewer for small n)."""
    round_ = pattern()
    spaces = namespaces(n)
    return [
        claim(round_[i % len(round_)][0], round_[i % len(round_)][1], i, spaces[i % len(spaces)])
        for i in range(n)
    ]


def namespaces(n: int) -> list[str]:
    return [f"team-{i:02d}" for i in range(max(1, min(NAMESPACES, n)))]
