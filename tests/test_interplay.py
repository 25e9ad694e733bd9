"""Issue 21: answers the provider would loop on, or act on destructively.

Each reproducer is a YAML fixture under tests/fixtures/interplay/ (the claim's
XR, and what Crossplane observes, or an example's observed state), rendered
through the real gRPC server; tests/golden/ has each one's whole answer.
The provider behaviour each test guards against is quoted from the
terraform-provider-aws fork provider-upjet-aws v2.5.0 compiles, in
docs/table-options.md and docs/autoscaling.md.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.offline import build_request
from function.render.policies import ALL_ACTIONS
from function.serve.structs import struct_to_dict
from tests.support import EXAMPLES, FIXTURES, load_all, load_yaml, schema_errors

INTERPLAY = FIXTURES / "interplay"
INPUT = load_yaml(EXAMPLES / "input.yaml")
REPLICA_REGIONS = ("eu-west-1", "ap-southeast-2")
_SEVERITY = {fnv1.SEVERITY_FATAL: "Fatal", fnv1.SEVERITY_WARNING: "Warning"}


class Rendered:
    """One RunFunction answer: desired resources by composition name, and the results."""

    def __init__(self, rsp: fnv1.RunFunctionResponse) -> None:
        self.resources = {n: struct_to_dict(r.resource) for n, r in rsp.desired.resources.items()}
        self.results = [(_SEVERITY.get(r.severity, "Normal"), r.message) for r in rsp.results]

    def fp(self, name: str) -> dict[str, Any]:
        fp: dict[str, Any] = self.resources[name]["spec"]["forProvider"]
        return fp

    def said(self, severity: str, *texts: str) -> list[str]:
        """Messages of that severity that contain every one of ``texts``."""
        return [m for s, m in self.results if s == severity and all(t in m for t in texts)]

    @property
    def pending(self) -> str:
        return " ".join(m for s, m in self.results if s == "Normal")


def run(
    stub: grpcv1.FunctionRunnerServiceStub, xr: dict[str, Any], observed: Iterable[dict[str, Any]]
) -> Rendered:
    return Rendered(stub.RunFunction(build_request(xr, list(observed), INPUT), timeout=10))


def fixture(name: str, observed_from: Path | None = None) -> tuple[dict[str, Any], list[Any]]:
    """The reproducer's XR, and what Crossplane observes (its observed.yaml, or a folder's)."""
    case = INTERPLAY / name
    paths = sorted(observed_from.glob("*.yaml")) if observed_from else [case / "observed.yaml"]
    observed = [d for p in paths if p.is_file() for d in load_all(p)]
    return load_yaml(case / "xr.yaml"), observed


def named(docs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    key = "crossplane.io/composition-resource-name"
    return next(d for d in docs if d["metadata"]["annotations"][key] == name)


def assert_valid_for_the_provider(rendered: Rendered) -> None:
    for name, body in rendered.resources.items():
        assert schema_errors(body) == [], name


# --- 1. An index's warm throughput never goes below AWS's (updateDiffGSI recreates it) ----


def _warm(read: int, write: int) -> dict[str, int]:
    return {"readUnitsPerSecond": read, "writeUnitsPerSecond": write}


def _gsi(rendered: Rendered, name: str) -> dict[str, Any]:
    """The index as rendered: in forProvider, or in initProvider once AWS has the list."""
    spec = rendered.resources["table"]["spec"]
    (where,) = [
        w for w in ("forProvider", "initProvider") if "globalSecondaryIndex" in spec.get(w, {})
    ]
    return next(g for g in spec[where]["globalSecondaryIndex"] if g["name"] == name)


@pytest.mark.parametrize(
    ("asked", "reported", "rendered", "held"),
    [
        ({"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000}, (20000, 5000), (20000, 5000),
         "readUnitsPerSecond 15000 -> 20000"),
        ({"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000}, (20000, 6000), (20000, 6000),
         "readUnitsPerSecond 15000 -> 20000, writeUnitsPerSecond 5000 -> 6000"),
        ({"readUnitsPerSecond": 25000, "writeUnitsPerSecond": 5000}, (20000, 5000), (25000, 5000),
         None),
        ({"readUnitsPerSecond": 15000}, (20000, 5000), (20000, 5000),
         "readUnitsPerSecond 15000 -> 20000"),
        ({"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000}, None, (15000, 5000), None),
    ],
    ids=[
        "aws-raised-reads-held",
        "aws-raised-both-held",
        "claim-raises-above-aws",
        "half-said-block-says-aws-write-not-0",
        "aws-reports-none-claim-applies",
    ],
)  # fmt: skip
def test_an_index_warm_throughput_is_held_at_the_larger_of_the_claims_and_aws(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
    asked: dict[str, int],
    reported: tuple[int, int] | None,
    rendered: tuple[int, int],
    held: str | None,
) -> None:
    xr, observed = fixture("gsi-warm-throughput")
    xr["spec"]["globalSecondaryIndexes"][0]["warmThroughput"] = asked
    gsi = named(observed, "table")["status"]["atProvider"]["globalSecondaryIndex"][0]
    if reported is None:
        del gsi["warmThroughput"]  # what the provider reports at AWS's baseline
    else:
        gsi["warmThroughput"] = _warm(*reported)
    out = run(stub_v1, xr, observed)

    assert out.said("Fatal") == []
    assert _gsi(out, "by-customer")["warmThroughput"] == _warm(*rendered)
    warned = out.said("Warning", "spec.globalSecondaryIndexes[0].warmThroughput", "'by-customer'")
    if held is None:
        assert warned == []
    else:
        assert len(warned) == 1 and f"({held})" in warned[0]
        assert "delete and rebuild" in warned[0]
    # by-owner asks for reads only: AWS's write is said too (left out, it reads as 0:
    # a decrease), and its reads are the claim's own, so nothing is held.
    assert _gsi(out, "by-owner")["warmThroughput"] == {
        "readUnitsPerSecond": 14000,
        "writeUnitsPerSecond": 4500,
    }
    assert out.said("Warning", "'by-owner'") == []
    assert_valid_for_the_provider(out)


def test_a_new_index_is_created_with_the_claims_warm_throughput(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    """Before AWS reports anything, the claim's numbers are what is rendered."""
    xr, _ = fixture("gsi-warm-throughput")
    out = run(stub_v1, xr, [])
    assert _gsi(out, "by-customer")["warmThroughput"] == {
        "readUnitsPerSecond": 15000,
        "writeUnitsPerSecond": 5000,
    }
    assert _gsi(out, "by-owner")["warmThroughput"] == {"readUnitsPerSecond": 14000}


# --- 2. Contributor Insights keep their mode (the provider has no Update for it) ---------


def test_a_changed_insights_mode_is_kept_with_a_warning_that_says_how_to_change_it(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr, observed = fixture("insights-mode")

    # The claim changed both modes; the existing resources keep theirs.
    out = run(stub_v1, xr, observed)
    assert out.fp("contributor-insights")["mode"] == "ACCESSED_AND_THROTTLED_KEYS"
    assert out.fp("index-by-customer-insights")["mode"] == "THROTTLED_KEYS"
    (table_warning,) = out.said("Warning", "spec.contributorInsightsMode:")
    assert "keeps ACCESSED_AND_THROTTLED_KEYS instead of THROTTLED_KEYS" in table_warning
    assert "set spec.contributorInsightsEnabled: false" in table_warning
    (index_warning,) = out.said("Warning", "spec.globalSecondaryIndexes[0].contributorInsightsMode")
    assert "index-by-customer-insights keeps THROTTLED_KEYS" in index_warning
    assert "spec.globalSecondaryIndexes[0].contributorInsightsEnabled: false" in index_warning

    # Step one of the change: insights off. The table's resource goes (Crossplane deletes it).
    off = copy.deepcopy(xr)
    del off["spec"]["contributorInsightsMode"]
    off["spec"]["contributorInsightsEnabled"] = False
    out = run(stub_v1, off, observed)
    assert "contributor-insights" not in out.resources
    assert out.said("Warning", "spec.contributorInsightsMode") == []

    # Step two, once it is gone: on again, created with the new mode; nothing to warn about.
    gone = [d for d in observed if d is not named(observed, "contributor-insights")]
    out = run(stub_v1, xr, gone)
    assert out.fp("contributor-insights")["mode"] == "THROTTLED_KEYS"
    assert out.said("Warning", "spec.contributorInsightsMode") == []
    assert_valid_for_the_provider(out)


def test_insights_whose_mode_aws_reports_differently_keep_aws_mode(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    """Changed outside Crossplane: AWS's mode is rendered, so the provider sees no diff."""
    xr, observed = fixture("insights-mode")
    insights = named(observed, "contributor-insights")
    insights["status"]["atProvider"]["mode"] = "THROTTLED_KEYS"
    out = run(stub_v1, xr, observed)
    assert out.fp("contributor-insights")["mode"] == "THROTTLED_KEYS"
    assert out.said("Warning", "spec.contributorInsightsMode:") == []


def test_an_unchanged_insights_mode_warns_about_nothing(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr, observed = fixture("insights-mode")
    xr["spec"]["contributorInsightsMode"] = "ACCESSED_AND_THROTTLED_KEYS"
    xr["spec"]["globalSecondaryIndexes"][0]["contributorInsightsMode"] = "THROTTLED_KEYS"
    out = run(stub_v1, xr, observed)
    assert out.said("Warning", "contributorInsightsMode") == []


# --- 3. Warm throughput must ask for more than AWS's baseline ------------------------------


@pytest.mark.parametrize(
    ("warm", "refused"),
    [
        ({"readUnitsPerSecond": 12000, "writeUnitsPerSecond": 4000}, True),
        ({"readUnitsPerSecond": 12000}, True),
        ({"writeUnitsPerSecond": 4000}, True),
        ({"readUnitsPerSecond": 12000, "writeUnitsPerSecond": 4001}, False),
        ({"readUnitsPerSecond": 12001}, False),
        ({}, False),
    ],
    ids=["both-at-baseline", "reads-at-baseline", "writes-at-baseline", "writes-above",
         "reads-above", "empty-block-renders-nothing"],
)  # fmt: skip
def test_warm_throughput_at_the_baseline_is_refused(
    stub_v1: grpcv1.FunctionRunnerServiceStub, warm: dict[str, int], refused: bool
) -> None:
    xr, _ = fixture("warm-baseline")
    xr["spec"]["warmThroughput"] = warm
    xr["spec"]["globalSecondaryIndexes"][0]["warmThroughput"] = {"readUnitsPerSecond": 13000}
    fatal = run(stub_v1, xr, []).said("Fatal", "[warm_throughput_above_baseline]")
    assert bool(fatal) == refused
    if refused:
        assert "spec.warmThroughput: warmThroughput must ask for more than" in fatal[0]


def test_the_baseline_reproducer_is_refused_naming_both_fields(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr, _ = fixture("warm-baseline")
    out = run(stub_v1, xr, [])
    (fatal,) = out.said("Fatal")
    assert "2 problems" in fatal
    assert "spec.warmThroughput: " in fatal
    assert "spec.globalSecondaryIndexes[0].warmThroughput: " in fatal
    assert out.resources == {}


# --- 4. Write schedules of a global table run in every replica region ----------------------


def _global() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return fixture("global-table", EXAMPLES / "global" / "observed")


def test_write_schedules_run_in_every_replica_region(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr, observed = _global()
    out = run(stub_v1, xr, observed)
    assert out.said("Fatal") == []
    for region in ("us-east-1", *REPLICA_REGIONS):
        suffix = "" if region == "us-east-1" else f"-{region}"
        target = out.resources[f"table-write-target{suffix}"]
        # Bounds the schedules move: applied at registration only, never late-initialised.
        assert target["spec"]["initProvider"] == {"minCapacity": 10, "maxCapacity": 200}
        assert "minCapacity" not in target["spec"]["forProvider"]
        assert target["spec"]["managementPolicies"] == [
            a for a in ALL_ACTIONS if a != "LateInitialize"
        ]
        for name, bound in (("weekday-peak", "50"), ("weekday-evening", "10")):
            action = out.fp(f"table-write-schedule-{name}{suffix}")
            assert action["region"] == region
            assert action["resourceId"] == "table/sessions-global"
            assert action["scalableDimension"] == "dynamodb:table:WriteCapacityUnits"
            assert action["scalableTargetAction"] == {"minCapacity": bound}
    # Read capacity is each region's own: read schedules stay in the table's region.
    assert "table-read-schedule-weekday-peak" in out.resources
    for region in REPLICA_REGIONS:
        assert f"table-read-schedule-weekday-peak-{region}" not in out.resources
        assert out.fp(f"table-read-target-{region}")["minCapacity"] == 20
    assert_valid_for_the_provider(out)


def test_a_replica_regions_write_schedule_waits_for_its_target(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr, observed = _global()
    target = named(observed, "table-write-target-eu-west-1")
    target["status"]["conditions"] = [{"type": "Ready", "status": "False", "reason": "Creating"}]
    out = run(stub_v1, xr, observed)
    assert "table-write-schedule-weekday-peak-eu-west-1" not in out.resources
    assert (
        "table-write-schedule-weekday-peak-eu-west-1 waits for table-write-target-eu-west-1 "
        "to be ready" in out.pending
    )
    assert "table-write-schedule-weekday-peak-ap-southeast-2" in out.resources


# --- 5. Replicas keep 35 days of point-in-time recovery ------------------------------------


@pytest.mark.parametrize(
    ("period", "warned"),
    [(7, True), (35, False), (None, False)],
    ids=["seven-days-warned", "thirty-five-days", "default-window"],
)
def test_a_short_recovery_window_warns_that_replicas_keep_35_days(
    stub_v1: grpcv1.FunctionRunnerServiceStub, period: int | None, warned: bool
) -> None:
    xr, observed = _global()
    if period is None:
        del xr["spec"]["pointInTimeRecoveryPeriodDays"]
    else:
        xr["spec"]["pointInTimeRecoveryPeriodDays"] = period
    out = run(stub_v1, xr, observed)
    said = out.said("Warning", "spec.pointInTimeRecoveryPeriodDays")
    assert bool(said) == warned
    if warned:
        # ap-southeast-2 has recovery off: it keeps no window at all.
        assert "the replicas in eu-west-1 keep 35 days of point-in-time recovery, not 7" in said[0]
        assert "ap-southeast-2" not in said[0]
    assert out.fp("table")["pointInTimeRecovery"]["recoveryPeriodInDays"] == (period or 35)


def test_no_replica_with_recovery_no_warning(stub_v1: grpcv1.FunctionRunnerServiceStub) -> None:
    xr, observed = _global()
    xr["spec"]["replicas"][0]["pointInTimeRecoveryEnabled"] = False
    out = run(stub_v1, xr, observed)
    assert out.said("Warning", "spec.pointInTimeRecoveryPeriodDays") == []


# --- 6. A scheduled Target's bound no schedule sets is never applied: say so ---------------


def _scheduled() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return fixture("scheduled-max-change", EXAMPLES / "scheduled" / "observed")


def test_a_max_capacity_change_on_a_scheduled_dimension_is_warned(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr, observed = _scheduled()
    out = run(stub_v1, xr, observed)
    (said,) = out.said("Warning", "spec.autoScaling.read.maxCapacity")
    assert "table-read-target keeps maxCapacity 400 in AWS, not 600" in said
    assert "none of them sets maxCapacity" in said
    # The schedules set minCapacity (the evening one restores the claim's 30): no warning.
    assert out.said("Warning", "minCapacity:") == []
    # The index's launch schedule sets maxCapacity itself.
    assert out.said("Warning", "spec.globalSecondaryIndexes") == []
    # The bounds stay in initProvider all the same: the schedules own them.
    assert out.resources["table-read-target"]["spec"]["initProvider"] == {
        "minCapacity": 30,
        "maxCapacity": 600,
    }


def test_the_unchanged_scheduled_example_warns_about_nothing(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    _, observed = _scheduled()
    out = run(stub_v1, load_yaml(EXAMPLES / "scheduled" / "xr.yaml"), observed)
    assert out.said("Warning", "Capacity") == []
