"""Autoscaling: Targets and Policies per table and GSI, gating, capacity hand-over, validation."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1
from hypothesis import given
from hypothesis import strategies as st

from function.compose import Outcome, Result, compose
from function.offline import build_request, load_documents
from function.render.autoscaling import policy_name, target_name
from function.render.context import EXTERNAL_NAME
from function.safety.ownership import OBSERVING_TAG
from function.serve.structs import struct_to_dict
from tests.support import (
    EXAMPLES,
    FIXTURES,
    ROOT,
    crossplane_request,
    load_all,
    load_yaml,
    reported_tags,
)

CASES = FIXTURES / "autoscaling"
AUTOSCALED_EXAMPLE = EXAMPLES / "autoscaled"


def _xr(name: str) -> dict[str, Any]:
    return load_yaml(CASES / name)


def _ready(body: dict[str, Any], ready: bool = True, **at_provider: Any) -> dict[str, Any]:
    """A desired resource as Crossplane would observe it, Ready or not."""
    observed = copy.deepcopy(body)
    status = "True" if ready else "False"
    observed["status"] = {"conditions": [{"type": "Ready", "status": status}]}
    at_provider = {**reported_tags(body), **at_provider}
    if at_provider:
        observed["status"]["atProvider"] = at_provider
    return observed


def _table_at_provider(xr: dict[str, Any]) -> dict[str, Any]:
    """What AWS reports for the XR's table: an ARN and every GSI it was created with."""
    gsis = xr["spec"].get("globalSecondaryIndexes", [])
    return {
        "arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        "id": "orders",
        "globalSecondaryIndex": [
            {
                "name": g["name"],
                "readCapacity": g["provisionedThroughput"]["readCapacityUnits"],
                "writeCapacity": g["provisionedThroughput"]["writeCapacityUnits"],
            }
            for g in gsis
        ],
    }


def _run(xr: dict[str, Any], observed: Mapping[str, Any] | None = None) -> Outcome:
    outcome = compose(crossplane_request(composite=xr, observed=dict(observed or {})))
    assert not outcome.fatal, [r.message for r in outcome.results]
    return outcome


def _converge(xr: dict[str, Any]) -> tuple[Outcome, dict[str, Any]]:
    """Reconcile until nothing new appears, every composed resource observed Ready."""
    observed: dict[str, Any] = {}
    for _ in range(5):
        outcome = _run(xr, observed)
        # AWS reports the table under the name it was asked about (its id).
        asked = outcome.resources["table"].body["metadata"]["annotations"][EXTERNAL_NAME]
        table_at = {**_table_at_provider(xr), "id": asked}
        fresh = {
            name: _ready(c.body, **(table_at if name == "table" else {}))
            for name, c in outcome.resources.items()
        }
        if fresh.keys() == observed.keys():
            return outcome, observed
        observed = fresh
    raise AssertionError("rendering did not converge")


def _of_kind(outcome: Outcome, kind: str) -> dict[str, dict[str, Any]]:
    return {n: c.body for n, c in outcome.resources.items() if c.body["kind"] == kind}


def _table(outcome: Outcome) -> dict[str, Any]:
    return outcome.resources["table"].body


# --- what is emitted, per table and GSI -------------------------------------------------


def test_two_autoscaled_gsis_give_six_targets_and_six_policies() -> None:
    outcome, _ = _converge(_xr("two-gsis.yaml"))
    targets, policies = _of_kind(outcome, "Target"), _of_kind(outcome, "Policy")
    assert len(targets) == 6
    assert len(policies) == 6

    expected = {
        # resource name -> (resourceId, scalableDimension, min, max)
        "table-read-target": ("table/orders", "dynamodb:table:ReadCapacityUnits", 5, 200),
        "table-write-target": ("table/orders", "dynamodb:table:WriteCapacityUnits", 5, 100),
        "index-by-status-read-target": (
            "table/orders/index/by-status",
            "dynamodb:index:ReadCapacityUnits",
            5,
            200,
        ),
        "index-by-status-write-target": (
            "table/orders/index/by-status",
            "dynamodb:index:WriteCapacityUnits",
            5,
            100,
        ),
        target_name("ByCustomer.v2", "read"): (
            "table/orders/index/ByCustomer.v2",
            "dynamodb:index:ReadCapacityUnits",
            5,
            200,
        ),
        target_name("ByCustomer.v2", "write"): (
            "table/orders/index/ByCustomer.v2",
            "dynamodb:index:WriteCapacityUnits",
            5,
            100,
        ),
    }
    got = {
        name: (
            t["spec"]["forProvider"]["resourceId"],
            t["spec"]["forProvider"]["scalableDimension"],
            t["spec"]["forProvider"]["minCapacity"],
            t["spec"]["forProvider"]["maxCapacity"],
        )
        for name, t in targets.items()
    }
    assert got == expected
    for t in targets.values():
        fp = t["spec"]["forProvider"]
        assert fp["serviceNamespace"] == "dynamodb"
        assert fp["region"] == "eu-west-1"
        # The claim's tags stay on the Table unless the Input asks for them everywhere.
        assert "tags" not in fp
    assert outcome.resources["table"].body["spec"]["forProvider"]["tags"]["team"] == "payments"


def test_each_policy_tracks_its_targets_dimension() -> None:
    outcome, _ = _converge(_xr("two-gsis.yaml"))
    targets, policies = _of_kind(outcome, "Target"), _of_kind(outcome, "Policy")
    for name, policy in policies.items():
        fp = policy["spec"]["forProvider"]
        target = targets[name.removesuffix("-policy") + "-target"]["spec"]["forProvider"]
        for key in ("resourceId", "scalableDimension", "serviceNamespace", "region"):
            assert fp[key] == target[key], (name, key)
        assert fp["policyType"] == "TargetTrackingScaling"
        config = fp["targetTrackingScalingPolicyConfiguration"]
        metric = config["predefinedMetricSpecification"]["predefinedMetricType"]
        read = fp["scalableDimension"].endswith("ReadCapacityUnits")
        assert metric == (
            "DynamoDBReadCapacityUtilization" if read else "DynamoDBWriteCapacityUtilization"
        )
        assert config["targetValue"] == (60 if read else 70)
        assert (config["scaleInCooldown"], config["scaleOutCooldown"]) == (120, 30)
        assert policy["metadata"]["annotations"]["crossplane.io/external-name"] == metric


def test_gsi_override_and_opt_out() -> None:
    outcome, _ = _converge(_xr("override-and-opt-out.yaml"))
    targets, policies = _of_kind(outcome, "Target"), _of_kind(outcome, "Policy")
    assert sorted(targets) == sorted(
        [
            "table-read-target",
            "table-write-target",
            "index-by-status-read-target",
            "index-by-status-write-target",
        ]
    )
    assert len(policies) == 4
    override = targets["index-by-status-read-target"]["spec"]["forProvider"]
    assert (override["minCapacity"], override["maxCapacity"]) == (50, 1000)
    inherited = targets["index-by-status-write-target"]["spec"]["forProvider"]
    assert (inherited["minCapacity"], inherited["maxCapacity"]) == (5, 100)
    config = policies["index-by-status-read-policy"]["spec"]["forProvider"][
        "targetTrackingScalingPolicyConfiguration"
    ]
    assert config["targetValue"] == 50
    assert config["scaleOutCooldown"] == 0
    assert config["scaleInCooldown"] == 60  # neither level sets it: the default


def test_gsi_only_autoscaling_leaves_the_table_alone() -> None:
    outcome, _ = _converge(_xr("gsi-only.yaml"))
    assert sorted(_of_kind(outcome, "Target")) == [
        "index-by-status-read-target",
        "index-by-status-write-target",
    ]
    table = _table(outcome)["spec"]
    assert (table["forProvider"]["readCapacity"], table["forProvider"]["writeCapacity"]) == (10, 5)
    assert "readCapacity" not in table["initProvider"]
    assert [g["name"] for g in table["initProvider"]["globalSecondaryIndex"]] == ["by-status"]


def test_omitted_numbers_take_the_documented_defaults() -> None:
    outcome, _ = _converge(_xr("defaults.yaml"))
    targets, policies = _of_kind(outcome, "Target"), _of_kind(outcome, "Policy")
    read = targets["table-read-target"]["spec"]["forProvider"]
    write = targets["table-write-target"]["spec"]["forProvider"]
    # min = the provisioned capacity; max = 4x that, capped at 40000.
    assert (read["minCapacity"], read["maxCapacity"]) == (12, 48)
    assert (write["minCapacity"], write["maxCapacity"]) == (20000, 40000)
    for policy in policies.values():
        config = policy["spec"]["forProvider"]["targetTrackingScalingPolicyConfiguration"]
        assert config["targetValue"] == 70
        assert (config["scaleInCooldown"], config["scaleOutCooldown"]) == (60, 60)


# --- composition resource names ---------------------------------------------------------

NAME = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        pytest.param(None, "table-read-target", id="table"),
        pytest.param("by-status", "index-by-status-read-target", id="plain-name-kept"),
        pytest.param("gsi1", "index-gsi1-read-target", id="digits-kept"),
    ],
)
def test_plain_names_are_used_as_they_are(index: str | None, expected: str) -> None:
    assert target_name(index, "read") == expected


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(["by-status", "by_status", "By-Status", "by.status"], id="spellings"),
        pytest.param(["a" * 255, "a" * 254 + "b", "a" * 36], id="long-names"),
        pytest.param(["___", "...", "-_-"], id="no-letters"),
    ],
)
def test_awkward_gsi_names_get_distinct_valid_names(names: list[str]) -> None:
    rendered = [target_name(n, d) for n in names for d in ("read", "write")]
    rendered += [policy_name(n, d) for n in names for d in ("read", "write")]
    assert len(set(rendered)) == len(rendered)
    for name in rendered:
        assert NAME.match(name), name
        assert len(name) <= 63, name


@given(st.lists(st.from_regex(r"[A-Za-z0-9_.-]{3,80}", fullmatch=True), unique=True, max_size=20))
def test_resource_names_are_unique_valid_and_stable(names: list[str]) -> None:
    rendered = [
        f(n, d) for n in names for f in (target_name, policy_name) for d in ("read", "write")
    ]
    assert len(set(rendered)) == len(rendered)
    assert all(NAME.match(r) and len(r) <= 63 for r in rendered)
    again = [f(n, d) for n in names for f in (target_name, policy_name) for d in ("read", "write")]
    assert again == rendered


# --- ordering: Table, then Targets, then Policies ----------------------------------------


@dataclass
class GatingCase:
    reason: str
    table: str  # "absent", "unready" or "ready"
    targets: str = "absent"  # "absent", "unready" or "ready"
    policies: bool = False  # observed already
    want_targets: int = 0
    want_policies: int = 0
    want_pending: list[str] = field(default_factory=list)


GATING = [
    GatingCase(
        "nothing observed yet: only the table",
        table="absent",
        want_pending=["autoscaling targets wait for the table to be ready"],
    ),
    GatingCase(
        "table still creating: targets wait",
        table="unready",
        want_pending=["autoscaling targets wait for the table to be ready"],
    ),
    GatingCase(
        "table ready: every target, policies wait for them",
        table="ready",
        want_targets=6,
        want_pending=["table-read-policy waits for table-read-target to be ready"],
    ),
    GatingCase(
        "targets registering: policies still wait",
        table="ready",
        targets="unready",
        want_targets=6,
        want_pending=["index-by-status-write-policy waits for index-by-status-write-target"],
    ),
    GatingCase(
        "targets ready: every policy",
        table="ready",
        targets="ready",
        want_targets=6,
        want_policies=6,
    ),
    GatingCase(
        "table updating after targets exist: targets stay (sticky)",
        table="unready",
        targets="ready",
        want_targets=6,
        want_policies=6,
    ),
    GatingCase(
        "targets unready after policies exist: policies stay (sticky)",
        table="ready",
        targets="unready",
        policies=True,
        want_targets=6,
        want_policies=6,
    ),
    GatingCase(
        "table gone from observed but targets there: targets and policies stay (sticky)",
        table="absent",
        targets="unready",
        policies=True,
        want_targets=6,
        want_policies=6,
    ),
]


@pytest.mark.parametrize("case", GATING, ids=[c.reason for c in GATING])
def test_gating_on_observed_readiness(case: GatingCase) -> None:
    xr = _xr("two-gsis.yaml")
    full, _ = _converge(xr)
    observed: dict[str, Any] = {}
    if case.table != "absent":
        observed["table"] = _ready(
            full.resources["table"].body, case.table == "ready", **_table_at_provider(xr)
        )
    if case.targets != "absent":
        for name, body in _of_kind(full, "Target").items():
            observed[name] = _ready(body, case.targets == "ready")
    if case.policies:
        for name, body in _of_kind(full, "Policy").items():
            observed[name] = _ready(body, False)

    outcome = _run(xr, observed)
    assert len(_of_kind(outcome, "Target")) == case.want_targets
    assert len(_of_kind(outcome, "Policy")) == case.want_policies
    pending = [r.message for r in outcome.results if r.reason == "Pending"]
    if case.want_pending:
        assert len(pending) == 1
        for reason in case.want_pending:
            assert reason in pending[0]
    elif case.want_policies == 6 and case.targets == "ready":
        assert pending == []
    # Every emitted resource rendered so far is also rendered identically now,
    # except a Table not observed: it observes first (safety/ownership.py).
    for name, composed in outcome.resources.items():
        want = full.resources[name].body
        if name == "table" and case.table == "absent":
            # Observing, it names the table it asks about (safety/ownership.py).
            fp = want["spec"]["forProvider"]
            asking = {OBSERVING_TAG: want["metadata"]["annotations"][EXTERNAL_NAME]}
            fp = {**fp, "tags": {**fp["tags"], **asking}}
            want = {
                **want,
                "spec": {**want["spec"], "forProvider": fp, "managementPolicies": ["Observe"]},
            }
        assert composed.body == want


def test_targets_for_an_index_the_table_lacks_wait_for_it() -> None:
    xr = _xr("two-gsis.yaml")
    full, _ = _converge(xr)
    at = _table_at_provider(xr)
    at["globalSecondaryIndex"] = [{"name": "by-status"}]  # ByCustomer.v2 not created (yet)
    outcome = _run(xr, {"table": _ready(full.resources["table"].body, **at)})
    assert target_name("ByCustomer.v2", "read") not in outcome.resources
    assert "index-by-status-read-target" in outcome.resources
    pending = next(r.message for r in outcome.results if r.reason == "Pending")
    assert "waits for index 'ByCustomer.v2' to exist" in pending


# --- the provider must not fight the autoscaler ------------------------------------------

FIXTURE_XRS = ["two-gsis.yaml", "override-and-opt-out.yaml", "gsi-only.yaml", "defaults.yaml"]


@pytest.mark.parametrize("fixture", FIXTURE_XRS)
def test_autoscaled_capacity_is_never_in_for_provider(fixture: str) -> None:
    xr = _xr(fixture)
    outcome, _ = _converge(xr)
    table = _table(outcome)["spec"]
    fp, init = table["forProvider"], table.get("initProvider", {})
    dims = {
        (t["spec"]["forProvider"]["resourceId"], t["spec"]["forProvider"]["scalableDimension"])
        for t in _of_kind(outcome, "Target").values()
    }
    for resource_id, dimension in dims:
        key = "readCapacity" if dimension.endswith("ReadCapacityUnits") else "writeCapacity"
        if "/index/" in resource_id:
            assert "globalSecondaryIndex" not in fp
            index = resource_id.rsplit("/", 1)[1]
            assert any(g["name"] == index and key in g for g in init["globalSecondaryIndex"])
        else:
            assert key not in fp
            assert key in init
    # Late initialization would copy the capacity back into forProvider.
    assert table["managementPolicies"] == ["Observe", "Create", "Update", "Delete"]


def test_opted_out_gsis_keep_fixed_capacity_in_for_provider() -> None:
    xr = _xr("override-and-opt-out.yaml")
    xr["spec"]["globalSecondaryIndexes"][0]["autoScaling"] = {"enabled": False}
    table = _table(_run(xr))["spec"]
    assert [
        (g["name"], g["readCapacity"]) for g in table["forProvider"]["globalSecondaryIndex"]
    ] == [
        ("by-status", 50),
        ("by-customer", 7),
    ]
    assert set(table["initProvider"]) == {"readCapacity", "writeCapacity"}


def test_turning_autoscaling_off_removes_targets_and_policies_and_restores_capacity() -> None:
    xr = _xr("two-gsis.yaml")
    _, observed = _converge(xr)
    assert sum(1 for b in observed.values() if b["kind"] in ("Target", "Policy")) == 12

    xr["spec"]["autoScaling"]["enabled"] = False
    outcome = _run(xr, observed)
    assert set(outcome.resources) == {"table"}
    table = _table(outcome)["spec"]
    # Nothing is handed over any more: only a copy that keeps the object from
    # server-side apply's null (render/apply.py).
    assert table["initProvider"] == {"billingMode": table["forProvider"]["billingMode"]}
    assert (table["forProvider"]["readCapacity"], table["forProvider"]["writeCapacity"]) == (10, 5)
    assert [
        (g["name"], g["readCapacity"], g["writeCapacity"])
        for g in table["forProvider"]["globalSecondaryIndex"]
    ] == [("by-status", 5, 5), ("ByCustomer.v2", 20, 5)]


def test_opting_one_gsi_out_removes_only_its_targets_and_policies() -> None:
    xr = _xr("two-gsis.yaml")
    _, observed = _converge(xr)
    xr["spec"]["globalSecondaryIndexes"][1]["autoScaling"] = {"enabled": False}
    outcome = _run(xr, observed)
    gone = {
        f(n, d)
        for n in ["ByCustomer.v2"]
        for f in (target_name, policy_name)
        for d in ("read", "write")
    }
    assert gone.isdisjoint(outcome.resources)
    assert len(_of_kind(outcome, "Target")) == 4
    assert len(_of_kind(outcome, "Policy")) == 4


def _warnings(outcome: Outcome) -> list[Result]:
    """Warnings about autoscaling; anti-pattern advice (docs/safety.md) is another matter."""
    return [r for r in outcome.results if r.severity == "Warning" and r.reason != "AntiPattern"]


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        pytest.param("add", "adding index 'by-region'", id="index-added"),
        pytest.param("remove", "removing index 'ByCustomer.v2'", id="index-removed"),
    ],
)
def test_gsi_changes_the_provider_would_ignore_are_warned_about(change: str, warning: str) -> None:
    xr = _xr("two-gsis.yaml")
    _, observed = _converge(xr)
    if change == "add":
        xr["spec"]["attributeDefinitions"].append({"name": "region", "type": "S"})
        xr["spec"]["globalSecondaryIndexes"].append(
            {
                "name": "by-region",
                "keySchema": [{"attributeName": "region", "keyType": "HASH"}],
                "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
            }
        )
    else:
        xr["spec"]["attributeDefinitions"].pop()
        xr["spec"]["globalSecondaryIndexes"].pop()
    outcome = _run(xr, observed)
    warnings = [r.message for r in _warnings(outcome)]
    assert len(warnings) == 1
    assert warning in warnings[0]
    assert "autoScaling.enabled: false" in warnings[0]


def test_fixed_capacity_change_of_an_opted_out_gsi_is_warned_about() -> None:
    xr = _xr("override-and-opt-out.yaml")
    _, observed = _converge(xr)
    observed["table"]["status"]["atProvider"]["globalSecondaryIndex"] = [
        {"name": "by-status", "readCapacity": 300, "writeCapacity": 5},  # the autoscaler's
        {"name": "by-customer", "readCapacity": 7, "writeCapacity": 3},
    ]
    assert _warnings(_run(xr, observed)) == []

    xr["spec"]["globalSecondaryIndexes"][1]["provisionedThroughput"]["readCapacityUnits"] = 9
    warnings = [r.message for r in _warnings(_run(xr, observed))]
    assert len(warnings) == 1
    assert warnings[0].startswith("spec.globalSecondaryIndexes[1].provisionedThroughput: ")
    assert "'by-customer' from 7/3 to 9/3" in warnings[0]


def test_no_gsi_warning_while_the_table_is_being_created() -> None:
    outcome = _run(_xr("two-gsis.yaml"))
    assert _warnings(outcome) == []


def test_no_gsi_warning_when_gsis_are_not_autoscaled() -> None:
    xr = _xr("override-and-opt-out.yaml")
    xr["spec"]["globalSecondaryIndexes"][0]["autoScaling"] = {"enabled": False}
    _, observed = _converge(xr)
    xr["spec"]["globalSecondaryIndexes"].pop()
    xr["spec"]["attributeDefinitions"].pop()
    outcome = _run(xr, observed)
    assert _warnings(outcome) == []


# --- validation -------------------------------------------------------------------------

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(i) if i else k for k, i in _PATH_PART.findall(path)]


def _assign(doc: Any, path: str, value: Any) -> None:
    *parents, last = _steps(path)
    for step in parents:
        doc = doc.setdefault(step, {}) if isinstance(step, str) else doc[step]
    doc[last] = value


def _remove(doc: Any, path: str) -> None:
    *parents, last = _steps(path)
    for step in parents:
        doc = doc[step]
    del doc[last]


VALIDATION = load_yaml(CASES / "validation.yaml")


@pytest.mark.parametrize("case", VALIDATION, ids=[c["name"] for c in VALIDATION])
def test_validation_rules(case: dict[str, Any]) -> None:
    xr = _xr("two-gsis.yaml")
    for path, value in case.get("set", {}).items():
        _assign(xr, path, value)
    for path in case.get("unset", []):
        _remove(xr, path)

    outcome = compose(crossplane_request(composite=xr))
    got = [f"{v.path} [{v.rule}]" for v in outcome.violations]
    if case.get("valid"):
        assert got == []
        assert not outcome.fatal
    else:
        assert got == case["violations"]
        fatal = [r for r in outcome.results if r.severity == "Fatal"]
        assert len(fatal) == 1
        assert outcome.resources == {}
        for line in case["violations"]:
            path, rule = line.rsplit(" ", 1)
            assert f"{path}: " in fatal[0].message
            assert rule in fatal[0].message


# --- both scopes (tests/test_crd_conformance.py checks them against the real CRDs) ------


@pytest.mark.parametrize("namespace", [None, "team-a"], ids=["cluster", "namespaced"])
@pytest.mark.parametrize("fixture", FIXTURE_XRS)
def test_every_emitted_resource_has_its_scopes_api_version(
    fixture: str, namespace: str | None
) -> None:
    xr = _xr(fixture)
    if namespace:
        xr["metadata"]["namespace"] = namespace
    outcome, _ = _converge(xr)
    kinds = {c.body["kind"] for c in outcome.resources.values()}
    assert {"Table", "Target", "Policy"} <= kinds
    for composed in outcome.resources.values():
        body = composed.body
        assert body["apiVersion"].startswith(
            ("dynamodb.aws.m.", "appautoscaling.aws.m.")
            if namespace
            else ("dynamodb.aws.u", "appa")
        )
        if namespace:
            assert body["metadata"]["namespace"] == namespace


def test_namespaced_api_versions() -> None:
    xr = _xr("two-gsis.yaml")
    xr["metadata"]["namespace"] = "team-a"
    outcome, _ = _converge(xr)
    bodies = [c.body for c in outcome.resources.values()]
    assert {(b["apiVersion"], b["kind"]) for b in bodies} == {
        ("dynamodb.aws.m.upbound.io/v1beta1", "Table"),
        ("appautoscaling.aws.m.upbound.io/v1beta1", "Target"),
        ("appautoscaling.aws.m.upbound.io/v1beta1", "Policy"),
    }


# --- through the real server and the real CLI ------------------------------------------


def _example_request() -> fnv1.RunFunctionRequest:
    xr = load_yaml(AUTOSCALED_EXAMPLE / "xr.yaml")
    return build_request(xr, load_documents([AUTOSCALED_EXAMPLE / "observed"]), tag="as-1")


def test_grpc_renders_the_autoscaled_example(stub_v1: grpcv1.FunctionRunnerServiceStub) -> None:
    rsp = stub_v1.RunFunction(_example_request(), timeout=10)
    assert [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL] == []
    bodies = {n: struct_to_dict(r.resource) for n, r in rsp.desired.resources.items()}
    kinds = sorted(b["kind"] for b in bodies.values())
    assert kinds == ["Policy"] * 6 + ["Table"] + ["Target"] * 6
    # Observed Targets are Ready, so they are reported ready; the new Policies are not yet.
    for name, resource in rsp.desired.resources.items():
        want = fnv1.READY_FALSE if bodies[name]["kind"] == "Policy" else fnv1.READY_TRUE
        assert resource.ready == want, name
    table = bodies["table"]["spec"]
    assert "readCapacity" not in table["forProvider"]
    assert table["initProvider"]["readCapacity"] == 10


def test_cli_renders_the_autoscaled_example_in_full() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "function.main",
            "render",
            str(AUTOSCALED_EXAMPLE / "xr.yaml"),
            "--observed",
            str(AUTOSCALED_EXAMPLE / "observed"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    kinds = [d["kind"] for d in docs]
    assert kinds.count("Table") == 1
    assert kinds.count("Target") == 6
    assert kinds.count("Policy") == 6
    # Anti-pattern advice (docs/safety.md) is not about autoscaling.
    results = [d for d in docs if d["kind"] == "Result" and d.get("reason") != "AntiPattern"]
    assert not [d for d in results if d["severity"] != "Normal"]
    xr = docs[0]
    assert xr["status"]["outputs"]["streamArn"].startswith("arn:aws:dynamodb:")


def test_example_observed_names_match_what_the_function_renders() -> None:
    observed = load_all(AUTOSCALED_EXAMPLE / "observed" / "targets.yaml")
    names = {
        d["metadata"]["annotations"]["crossplane.io/composition-resource-name"] for d in observed
    }
    xr = load_yaml(AUTOSCALED_EXAMPLE / "xr.yaml")
    indexes = [None, *(g["name"] for g in xr["spec"]["globalSecondaryIndexes"])]
    assert names == {target_name(i, d) for i in indexes for d in ("read", "write")}


def test_example_without_observed_renders_only_the_table() -> None:
    outcome = _run(load_yaml(AUTOSCALED_EXAMPLE / "xr.yaml"))
    assert set(outcome.resources) == {"table"}
