"""RunFunction over real gRPC on loopback, both protocol versions."""

from __future__ import annotations

from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1
from crossplane.function.proto.v1beta1 import run_function_pb2 as fnv1beta1
from crossplane.function.proto.v1beta1 import run_function_pb2_grpc as grpcv1beta1

from function.offline import build_request
from function.serve.structs import struct_to_dict
from tests.support import EXAMPLES, crossplane_documents, load_yaml, reported_tags


def _minimal_request(tag: str = "t-1") -> fnv1.RunFunctionRequest:
    return build_request(load_yaml(EXAMPLES / "xr.yaml"), tag=tag)


def test_v1_renders_table_copies_tag_and_sets_ttl(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    rsp = stub_v1.RunFunction(_minimal_request("tag-v1"), timeout=10)
    assert rsp.meta.tag == "tag-v1"
    assert rsp.meta.ttl.seconds == 60
    assert [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL] == []
    table = struct_to_dict(rsp.desired.resources["table"].resource)
    assert table["apiVersion"] == "dynamodb.aws.upbound.io/v1beta2"
    assert table["kind"] == "Table"
    assert table["metadata"]["annotations"]["crossplane.io/external-name"] == "orders"
    assert table["spec"]["forProvider"]["hashKey"] == "pk"


def test_v1beta1_is_served_too(stub_v1beta1: grpcv1beta1.FunctionRunnerServiceStub) -> None:
    req = fnv1beta1.RunFunctionRequest()
    req.ParseFromString(_minimal_request("tag-beta").SerializeToString())
    rsp = stub_v1beta1.RunFunction(req, timeout=10)
    assert rsp.meta.tag == "tag-beta"
    assert "table" in rsp.desired.resources


def test_invalid_spec_is_one_fatal_and_desired_passes_through(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr = load_yaml(EXAMPLES / "xr.yaml")
    xr["spec"]["keySchema"] = [{"attributeName": "nope", "keyType": "RANGE"}]
    req = build_request(xr)
    req.desired.resources["from-earlier-step"].resource.update({"apiVersion": "v1", "kind": "X"})
    rsp = stub_v1.RunFunction(req, timeout=10)
    fatal = [r for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert len(fatal) == 1
    assert fatal[0].target == fnv1.TARGET_COMPOSITE_AND_CLAIM
    assert "spec.keySchema: " in fatal[0].message
    assert "[table_key_schema_shape]" in fatal[0].message
    assert rsp.desired == req.desired


def test_composite_is_not_ready_while_resources_are_held_back(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr = load_yaml(EXAMPLES / "xr.yaml")
    xr["spec"]["contributorInsightsEnabled"] = True
    rsp = stub_v1.RunFunction(build_request(xr), timeout=10)
    assert "contributor-insights" not in rsp.desired.resources
    assert rsp.desired.composite.ready == fnv1.READY_FALSE
    pending = [r for r in rsp.results if r.reason == "Pending"]
    assert pending and "contributor insights" in pending[0].message

    observed_table = struct_to_dict(rsp.desired.resources["table"].resource)
    observed_table["metadata"]["annotations"]["crossplane.io/composition-resource-name"] = "table"
    observed_table["status"] = {
        "atProvider": reported_tags(observed_table),
        "conditions": [{"type": "Ready", "status": "True"}],
    }
    rsp = stub_v1.RunFunction(
        build_request(*crossplane_documents(xr, [observed_table])), timeout=10
    )
    assert "contributor-insights" in rsp.desired.resources
    assert rsp.desired.composite.ready == fnv1.READY_UNSPECIFIED
    assert rsp.desired.resources["table"].ready == fnv1.READY_TRUE


def test_the_claim_is_told_whether_its_spec_was_accepted(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    """Crossplane shows a Fatal result only on the XR; a condition reaches the claim too."""
    good = stub_v1.RunFunction(_minimal_request(), timeout=10)
    (accepted,) = [c for c in good.conditions if c.type == "SpecAccepted"]
    assert (accepted.type, accepted.status) == ("SpecAccepted", fnv1.STATUS_CONDITION_TRUE)
    assert accepted.target == fnv1.TARGET_COMPOSITE_AND_CLAIM

    bad_xr = load_yaml(EXAMPLES.parent / "tests" / "fixtures" / "invalid-xr.yaml")
    bad = stub_v1.RunFunction(build_request(bad_xr, tag="t-bad"), timeout=10)
    (fatal,) = [r for r in bad.results if r.severity == fnv1.SEVERITY_FATAL]
    # Only SpecAccepted: what the provider syncs is not known when nothing is applied.
    (refused,) = bad.conditions
    assert (refused.type, refused.status) == ("SpecAccepted", fnv1.STATUS_CONDITION_FALSE)
    assert (refused.reason, refused.message) == (fatal.reason, fatal.message)
    assert refused.target == fnv1.TARGET_COMPOSITE_AND_CLAIM


PROVIDER_ERROR = (
    "connect failed: cannot initialize the Terraform plugin SDK async external client: "
    "cannot get terraform setup: cannot get referenced ProviderConfig: "
    'ProviderConfig.aws.upbound.io "default" not found'
)


def _observed_as_provider_left_it(
    rsp: fnv1.RunFunctionResponse, name: str, conditions: list[dict[str, str]]
) -> dict[str, object]:
    resource = struct_to_dict(rsp.desired.resources[name].resource)
    resource["metadata"]["annotations"]["crossplane.io/composition-resource-name"] = name
    resource["status"] = {"conditions": conditions}
    return resource


def _conditions(rsp: fnv1.RunFunctionResponse) -> dict[str, fnv1.Condition]:
    return {c.type: c for c in rsp.conditions}


def test_a_stuck_table_gives_the_providers_reason_in_the_result_and_the_condition(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    """The observe-only Table fails (no ProviderConfig): not 'waiting: checking ...' alone."""
    xr = load_yaml(EXAMPLES / "xr.yaml")
    first = stub_v1.RunFunction(build_request(xr), timeout=10)
    synced = _conditions(first)["ResourcesSynced"]
    assert (synced.status, synced.reason) == (fnv1.STATUS_CONDITION_TRUE, "Synced")

    table = _observed_as_provider_left_it(
        first,
        "table",
        [
            {
                "type": "Synced",
                "status": "False",
                "reason": "ReconcileError",
                "message": PROVIDER_ERROR,
            }
        ],
    )
    rsp = stub_v1.RunFunction(build_request(xr, observed=[table], tag="t-stuck"), timeout=10)
    (waiting,) = [r for r in rsp.results if r.reason == "Pending"]
    assert waiting.message.startswith(f"waiting: table is not Synced: {PROVIDER_ERROR}; ")
    assert "checking that no table 'orders' exists yet" in waiting.message
    stuck = _conditions(rsp)["ResourcesSynced"]
    assert (stuck.status, stuck.reason) == (fnv1.STATUS_CONDITION_FALSE, "ResourceNotSynced")
    assert stuck.message == f"table is not Synced: {PROVIDER_ERROR}"
    assert stuck.target == fnv1.TARGET_COMPOSITE_AND_CLAIM
    # The spec itself was fine.
    assert _conditions(rsp)["SpecAccepted"].status == fnv1.STATUS_CONDITION_TRUE


def test_a_ready_resource_the_provider_cannot_sync_is_a_warning(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    """Nothing is pending, yet an update the provider cannot make must not go unseen."""
    xr = load_yaml(EXAMPLES / "minimal" / "xr.yaml")
    observed = load_yaml(EXAMPLES / "minimal" / "observed" / "table.yaml")
    refused = (
        "updating DynamoDB Table: AccessDeniedException: not authorized to perform "
        "dynamodb:UpdateTable"
    )
    observed["status"]["conditions"] = [
        {"type": "Ready", "status": "True", "reason": "Available"},
        {"type": "Synced", "status": "False", "reason": "ReconcileError", "message": refused},
    ]
    rsp = stub_v1.RunFunction(build_request(xr, observed=[observed]), timeout=10)
    assert [r.reason for r in rsp.results if r.reason == "Pending"] == []
    (warning,) = [r for r in rsp.results if r.reason == "ResourceNotSynced"]
    assert warning.severity == fnv1.SEVERITY_WARNING
    assert warning.message == f"table is not Synced: {refused}"
    assert _conditions(rsp)["ResourcesSynced"].message == warning.message
