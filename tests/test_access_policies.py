"""Access policies (issue 24): IAM Policies for the table's users, through the real gRPC server.

The documents are checked whole, as IAM gets them; each Policy against the
pinned provider CRDs of both scopes (jsonschema and crank); and the lifecycle:
nothing while the Table only observes, nothing before the table is Ready, the
same document while it updates, gone when switched off, ARNs reported once AWS
has made the policies.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.api.access import READ_ONLY, READ_WRITE, STREAM_READ
from function.compose import Request, compose
from function.offline import RESOURCE_NAME_ANNOTATION, build_request, response_documents
from function.render import apis
from function.render.access_policies import policy_name
from function.serve.structs import struct_to_dict
from tests import crds
from tests.provider_crds import pinned_schema_errors
from tests.support import (
    EXAMPLES,
    ROOT,
    crossplane_documents,
    load_all,
    load_yaml,
    observed_not_found,
)
from tests.test_crank_validate import crank_validate

EXAMPLE = EXAMPLES / "access"
INPUT = load_yaml(EXAMPLES / "input.yaml")
EXTERNAL_NAME = "crossplane.io/external-name"
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders-ab12c"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
READ = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
]
WRITE = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
]
STREAM = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
]

# The example's documents, written out: what an auditor reads and IAM enforces.
EXAMPLE_DOCUMENTS = {
    "access-read-only": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadItems",
                "Effect": "Allow",
                "Action": READ,
                "Resource": [ARN, f"{ARN}/index/*"],
            },
            {
                "Sid": "UseTableKeys",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [KEY],
            },
        ],
    },
    "access-read-write": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadItems",
                "Effect": "Allow",
                "Action": READ,
                "Resource": [ARN, f"{ARN}/index/*"],
            },
            {"Sid": "WriteItems", "Effect": "Allow", "Action": WRITE, "Resource": [ARN]},
            {
                "Sid": "UseTableKeys",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": [KEY],
            },
        ],
    },
    "access-stream-read": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadStream",
                "Effect": "Allow",
                "Action": STREAM,
                "Resource": [f"{ARN}/stream/*"],
            },
            {
                "Sid": "UseTableKeys",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [KEY],
            },
        ],
    },
}


def _xr() -> dict[str, Any]:
    return load_yaml(EXAMPLE / "xr.yaml")


def _observed(*files: str) -> list[dict[str, Any]]:
    """The example's observed resources: the Ready table, and the policies if named."""
    return [d for f in ("table.yaml", *files) for d in load_all(EXAMPLE / "observed" / f)]


def _namespaced(xr: dict[str, Any], namespace: str = "shop") -> dict[str, Any]:
    xr = copy.deepcopy(xr)
    xr["metadata"] = {"name": xr["metadata"]["name"], "namespace": namespace}
    spec = {k: v for k, v in xr["spec"].items() if k not in {"claimRef", "compositionRef"}}
    xr["spec"] = {**spec, "crossplane": {}}
    return xr


def _run(
    stub: grpcv1.FunctionRunnerServiceStub,
    xr: dict[str, Any],
    observed: list[dict[str, Any]],
    fn_input: dict[str, Any] | None = None,
) -> fnv1.RunFunctionResponse:
    fn_input = INPUT if fn_input is None else fn_input
    xr, observed = crossplane_documents(xr, observed)
    return stub.RunFunction(build_request(xr, observed, fn_input), timeout=10)


def _policies(rsp: fnv1.RunFunctionResponse) -> dict[str, dict[str, Any]]:
    return {
        d["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION]: d
        for d in response_documents(rsp)[1:]
        if d.get("kind") == "Policy" and d["apiVersion"].startswith("iam.")
    }


def _documents(rsp: fnv1.RunFunctionResponse) -> dict[str, Any]:
    return {n: json.loads(p["spec"]["forProvider"]["policy"]) for n, p in _policies(rsp).items()}


def _results(rsp: fnv1.RunFunctionResponse, severity: int) -> list[str]:
    return [r.message for r in rsp.results if r.severity == severity]


def _outputs(rsp: fnv1.RunFunctionResponse) -> dict[str, Any]:
    xr = struct_to_dict(rsp.desired.composite.resource)
    outputs: dict[str, Any] = xr.get("status", {}).get("outputs", {})
    return outputs


def _ready_table(body: dict[str, Any], arn: str = ARN, ready: bool = True) -> dict[str, Any]:
    """A rendered Table as observed once AWS made it (with its tags, so it is this claim's)."""
    table = copy.deepcopy(body)
    fp = table["spec"]["forProvider"]
    status = "True" if ready else "False"
    table["status"] = {
        "atProvider": {"arn": arn, "id": arn.rsplit("/", 1)[-1], "tags": fp.get("tags", {})},
        "conditions": [{"type": "Ready", "status": status, "reason": "Available"}],
    }
    return table


def _converge(
    stub: grpcv1.FunctionRunnerServiceStub,
    xr: dict[str, Any],
    fn_input: dict[str, Any] | None = None,
    arn: str = ARN,
) -> fnv1.RunFunctionResponse:
    """First reconcile, the table free, then created and Ready: the answer with its policies."""
    first = _run(stub, xr, [], fn_input)
    table = struct_to_dict(first.desired.resources["table"].resource)
    table["metadata"].setdefault("annotations", {})[RESOURCE_NAME_ANNOTATION] = "table"
    managing = _run(stub, xr, [observed_not_found(table)], fn_input)
    table = struct_to_dict(managing.desired.resources["table"].resource)
    table["metadata"].setdefault("annotations", {})[RESOURCE_NAME_ANNOTATION] = "table"
    return _run(stub, xr, [_ready_table(table, arn)], fn_input)


def test_example_documents_are_exactly_least_privilege(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    rsp = _run(stub_v1, _xr(), _observed())
    assert _results(rsp, fnv1.SEVERITY_FATAL) == []
    assert _documents(rsp) == EXAMPLE_DOCUMENTS
    for name, policy in _policies(rsp).items():
        slug = name.removeprefix("access-")
        assert policy["apiVersion"] == "iam.aws.upbound.io/v1beta1"
        assert policy["metadata"]["annotations"][EXTERNAL_NAME] == policy_name(
            "orders-ab12c",
            "us-east-1",
            next(a for a in (READ_ONLY, READ_WRITE, STREAM_READ) if a.slug == slug),
        )
        fp = policy["spec"]["forProvider"]
        assert fp["path"] == "/dynamodb/shop/"
        assert "region" not in fp
        assert fp["tags"] == {"managed-by": "crossplane"}


def test_global_table_documents_name_every_replica_and_its_key(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr = load_yaml(EXAMPLES / "global" / "xr.yaml")
    xr["spec"]["accessPolicies"] = {"readWrite": True, "streamRead": True}
    observed = [
        d for p in sorted((EXAMPLES / "global" / "observed").glob("*.yaml")) for d in load_all(p)
    ]
    documents = _documents(_run(stub_v1, xr, observed))
    table = "arn:aws:dynamodb:{}:123456789012:table/sessions-global"
    key = "arn:aws:kms:{}:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]
    tables = [table.format(r) for r in regions]
    keys = [key.format(r) for r in regions]
    assert documents["access-read-write"]["Statement"] == [
        {
            "Sid": "ReadItems",
            "Effect": "Allow",
            "Action": READ,
            "Resource": [r for t in tables for r in (t, f"{t}/index/*")],
        },
        {"Sid": "WriteItems", "Effect": "Allow", "Action": WRITE, "Resource": tables},
        {
            "Sid": "UseTableKeys",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            "Resource": keys,
        },
    ]
    assert documents["access-stream-read"]["Statement"] == [
        {
            "Sid": "ReadStream",
            "Effect": "Allow",
            "Action": STREAM,
            "Resource": [f"{t}/stream/*" for t in tables],
        },
        {"Sid": "UseTableKeys", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": keys},
    ]


@pytest.mark.parametrize(
    "sse",
    [None, {"enabled": False}, {"enabled": True}],
    ids=["default", "aws-owned-key", "aws-managed-key"],
)
def test_no_kms_statement_without_a_customer_managed_key(
    stub_v1: grpcv1.FunctionRunnerServiceStub, sse: dict[str, Any] | None
) -> None:
    xr = _xr()
    del xr["spec"]["serverSideEncryption"]
    if sse is not None:
        xr["spec"]["serverSideEncryption"] = sse
    documents = _documents(_converge(stub_v1, xr))
    assert set(documents) == set(EXAMPLE_DOCUMENTS)
    for name, document in documents.items():
        assert [s["Sid"] for s in document["Statement"]] == [
            s["Sid"] for s in EXAMPLE_DOCUMENTS[name]["Statement"] if s["Sid"] != "UseTableKeys"
        ]
        assert "kms:" not in json.dumps(document)


def _scopes(stub: grpcv1.FunctionRunnerServiceStub) -> list[dict[str, Any]]:
    cluster = _policies(_converge(stub, _xr()))
    namespaced = _policies(_converge(stub, _namespaced(_xr())))
    assert len(cluster) == len(namespaced) == 3
    return [*cluster.values(), *namespaced.values()]


def test_every_policy_fits_the_pinned_crds_of_both_scopes(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    policies = _scopes(stub_v1)
    assert {p["apiVersion"] for p in policies} == {
        "iam.aws.upbound.io/v1beta1",
        "iam.aws.m.upbound.io/v1beta1",
    }
    for policy in policies:
        assert pinned_schema_errors(policy) == []
        # The CRD's CEL rule (jsonschema does not run it): policy is required.
        assert policy["spec"]["forProvider"]["policy"]
        if policy["apiVersion"].startswith("iam.aws.m."):
            assert policy["metadata"]["namespace"] == "shop"
            assert policy["spec"]["providerConfigRef"]["kind"] == "ClusterProviderConfig"


def test_crank_accepts_every_policy_of_both_scopes(
    stub_v1: grpcv1.FunctionRunnerServiceStub, tmp_path: Path
) -> None:
    docs = []
    for i, policy in enumerate(_scopes(stub_v1)):
        meta = {k: v for k, v in policy["metadata"].items() if k != "generateName"}
        docs.append({**policy, "metadata": {**meta, "name": f"policy-{i}"}})
    extensions = [
        crds.path("provider-upjet-aws/iam.aws.upbound.io_policies.yaml"),
        crds.path("provider-upjet-aws/iam.aws.m.upbound.io_policies.yaml"),
    ]
    assert crank_validate(tmp_path, extensions, docs) == {d["metadata"]["name"]: [] for d in docs}


def test_every_kind_the_function_composes_is_pinned_and_installed_by_e2e() -> None:
    """Each ApiKind's CRD, in both scopes, is in tests/crds.sha256 and e2e.mk's PROVIDER_CRDS."""
    listed = re.search(
        r"^PROVIDER_CRDS :=(.*?)\n\n", (ROOT / "e2e" / "e2e.mk").read_text(), re.M | re.S
    )
    assert listed is not None
    installed = set(listed.group(1).replace("\\", " ").split())
    kinds = [k for k in vars(apis).values() if isinstance(k, apis.ApiKind)]
    assert apis.IAM_POLICY in kinds
    for kind in kinds:
        for namespaced in (False, True):
            name = crds.index().get((kind.api_version(namespaced), kind.kind))
            assert name is not None, (kind, namespaced)
            assert Path(name).stem in installed, name


@pytest.mark.parametrize(
    ("spec_change", "refused"),
    [
        ({"streamEnabled": False, "streamViewType": None}, True),
        ({"streamEnabled": None, "streamViewType": None}, True),
        ({}, False),
    ],
    ids=["streams-off", "streams-left-out", "streams-on"],
)
def test_stream_read_without_streams_is_refused_and_nothing_is_composed(
    stub_v1: grpcv1.FunctionRunnerServiceStub, spec_change: dict[str, Any], refused: bool
) -> None:
    xr = _xr()
    for key, value in spec_change.items():
        if value is None:
            xr["spec"].pop(key, None)
        else:
            xr["spec"][key] = value
    rsp = _run(stub_v1, xr, _observed("policies.yaml"))
    fatal = _results(rsp, fnv1.SEVERITY_FATAL)
    if not refused:
        assert fatal == []
        return
    assert len(fatal) == 1
    assert (
        "spec.accessPolicies.streamRead: accessPolicies.streamRead needs streamEnabled" in fatal[0]
    )
    assert "[stream_read_requires_streams]" in fatal[0]
    # Only the existing Table, carried forward as observed: no policy is built or kept.
    assert list(rsp.desired.resources) == ["table"]


def test_no_policy_while_the_table_only_observes(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr = _xr()
    first = _run(stub_v1, xr, [])
    assert _policies(first) == {}
    pending = _results(first, fnv1.SEVERITY_NORMAL)
    assert any(
        "access policies wait until the table is known to be this claim's" in m for m in pending
    )
    # The observe-only Table not observed yet, beside policies observed from before
    # (say, the Table was recreated): nothing is composed until ownership is settled.
    table = struct_to_dict(first.desired.resources["table"].resource)
    table["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION] = "table"
    rsp = _run(stub_v1, xr, [table, *load_all(EXAMPLE / "observed" / "policies.yaml")])
    assert _results(rsp, fnv1.SEVERITY_FATAL) == []
    assert rsp.desired.resources["table"].resource["spec"]["managementPolicies"] == ["Observe"]
    assert _policies(rsp) == {}
    assert not {"readOnlyPolicyArn", "readWritePolicyArn", "streamReadPolicyArn"} & set(
        _outputs(rsp)
    )


def test_a_foreign_table_gets_no_policy(stub_v1: grpcv1.FunctionRunnerServiceStub) -> None:
    xr = _xr()
    first = _run(stub_v1, xr, [])
    table = struct_to_dict(first.desired.resources["table"].resource)
    table["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION] = "table"
    # AWS has it, without this claim's ownership tags (the observe-only Table keeps the
    # tag that says which name it observes).
    ready = _ready_table(table)
    ready["status"]["atProvider"]["tags"] = {}
    rsp = _run(stub_v1, xr, [ready])
    assert len(_results(rsp, fnv1.SEVERITY_FATAL)) == 1
    assert list(rsp.desired.resources) == ["table"]
    assert _policies(rsp) == {}


def test_policies_wait_for_a_ready_table_then_stay_while_it_updates(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    table = load_yaml(EXAMPLE / "observed" / "table.yaml")
    creating = copy.deepcopy(table)
    creating["status"]["conditions"][0]["status"] = "False"
    rsp = _run(stub_v1, _xr(), [creating])
    assert _policies(rsp) == {}
    assert any(
        "access-read-only waits for the table's ARN" in m
        for m in _results(rsp, fnv1.SEVERITY_NORMAL)
    )
    # Composed once: kept while the table updates, with the ARN it reports...
    policies = load_all(EXAMPLE / "observed" / "policies.yaml")
    assert _documents(_run(stub_v1, _xr(), [creating, *policies])) == EXAMPLE_DOCUMENTS
    # ...and with the document applied before if the observation lacks the ARN.
    del creating["status"]["atProvider"]["arn"]
    assert _documents(_run(stub_v1, _xr(), [creating, *policies])) == EXAMPLE_DOCUMENTS


def test_a_policy_switched_off_leaves_desired_state(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr = _xr()
    xr["spec"]["accessPolicies"] = {"readOnly": True, "readWrite": False}
    rsp = _run(stub_v1, xr, _observed("policies.yaml"))
    assert set(_policies(rsp)) == {"access-read-only"}
    assert set(_outputs(rsp)) >= {"readOnlyPolicyArn"}
    assert not {"readWritePolicyArn", "streamReadPolicyArn"} & set(_outputs(rsp))
    del xr["spec"]["accessPolicies"]
    rsp = _run(stub_v1, xr, _observed("policies.yaml"))
    assert _policies(rsp) == {}
    assert "access-" not in " ".join(rsp.desired.resources)


def test_arns_are_outputs_and_connection_details_once_aws_made_the_policies(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    waiting = _run(stub_v1, _xr(), _observed())
    assert set(_policies(waiting)) == set(EXAMPLE_DOCUMENTS)
    assert not {"readOnlyPolicyArn", "readWritePolicyArn", "streamReadPolicyArn"} & set(
        _outputs(waiting)
    )
    rsp = _run(stub_v1, _xr(), _observed("policies.yaml"))
    base = "arn:aws:iam::123456789012:policy/dynamodb/shop/orders-ab12c"
    digest = policy_name("orders-ab12c", "us-east-1", READ_ONLY).rsplit("-", 1)[1]
    want = {
        "readOnlyPolicyArn": f"{base}-read-only-{digest}",
        "readWritePolicyArn": f"{base}-read-write-{digest}",
        "streamReadPolicyArn": f"{base}-stream-read-{digest}",
    }
    outputs = _outputs(rsp)
    assert {k: outputs.get(k) for k in want} == want
    details = dict(rsp.desired.composite.connection_details)
    assert {k: details.get(k) for k in want} == {k: v.encode() for k, v in want.items()}
    assert all(r.ready == fnv1.READY_TRUE for n, r in rsp.desired.resources.items())


def test_policy_names_are_unique_per_table_and_region_whatever_the_case() -> None:
    names = {
        policy_name(table, region, access)
        for table in ("orders", "Orders", "ORDERS", "orders-read-only")
        for region in ("us-east-1", "eu-west-1")
        for access in (READ_ONLY, READ_WRITE, STREAM_READ)
    }
    assert len({n.lower() for n in names}) == 4 * 2 * 3
    assert policy_name("orders", "us-east-1", READ_ONLY).startswith("orders-read-only-")
    long = "t" * 255
    a, b = (
        policy_name(long, "us-east-1", READ_WRITE),
        policy_name(long + "x", "us-east-1", READ_WRITE),
    )
    assert len(a) == len(b) == 128 and a != b
    assert re.fullmatch(r"[\w+=,.@-]+", a)


def test_path_is_the_tenants_namespace(stub_v1: grpcv1.FunctionRunnerServiceStub) -> None:
    namespaced = _policies(_converge(stub_v1, _namespaced(_xr(), "web")))
    assert {p["spec"]["forProvider"]["path"] for p in namespaced.values()} == {"/dynamodb/web/"}
    cluster = _xr()
    del cluster["spec"]["claimRef"]
    cluster["metadata"]["labels"] = {}
    policies = _policies(_converge(stub_v1, cluster))
    assert {p["spec"]["forProvider"]["path"] for p in policies.values()} == {"/dynamodb/"}


def test_input_defaults_apply_field_by_field_and_stream_read_only_with_streams(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    fn_input = {**INPUT, "accessPolicies": {"readOnly": True, "streamRead": True}}
    xr = _xr()
    del xr["spec"]["accessPolicies"]
    assert set(_policies(_converge(stub_v1, xr, fn_input))) == {
        "access-read-only",
        "access-stream-read",
    }
    xr["spec"]["accessPolicies"] = {"readOnly": False, "readWrite": True}
    assert set(_policies(_converge(stub_v1, xr, fn_input))) == {
        "access-read-write",
        "access-stream-read",
    }
    for key in ("streamEnabled", "streamViewType"):
        del xr["spec"][key]
    rsp = _converge(stub_v1, xr, fn_input)
    assert _results(rsp, fnv1.SEVERITY_FATAL) == []
    assert set(_policies(rsp)) == {"access-read-write"}


def test_input_condition_is_on_every_statement_and_off_switch_composes_none(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    condition = {"StringEquals": {"aws:SourceVpce": ["vpce-1a2b3c4d"]}}
    fn_input = {**INPUT, "accessPolicies": {"condition": condition}}
    documents = _documents(_run(stub_v1, _xr(), _observed(), fn_input))
    assert set(documents) == set(EXAMPLE_DOCUMENTS)
    for name, document in documents.items():
        assert document["Statement"] == [
            {**s, "Condition": condition} for s in EXAMPLE_DOCUMENTS[name]["Statement"]
        ]
    off = {**INPUT, "accessPolicies": {"enabled": False}}
    rsp = _run(stub_v1, _xr(), _observed("policies.yaml"), off)
    fatal = _results(rsp, fnv1.SEVERITY_FATAL)
    assert len(fatal) == 1 and fatal[0].count("[access_policies_disabled]") == 3
    xr = _xr()
    del xr["spec"]["accessPolicies"]
    rsp = _run(
        stub_v1,
        xr,
        _observed("policies.yaml"),
        {**off, "accessPolicies": {"enabled": False, "readOnly": True}},
    )
    assert _results(rsp, fnv1.SEVERITY_FATAL) == []
    assert _policies(rsp) == {}


def test_a_bad_input_condition_is_an_input_fatal_naming_the_field(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    fn_input = {**INPUT, "accessPolicies": {"condition": {"StringEquals": "vpce-1a2b3c4d"}}}
    fatal = _results(_run(stub_v1, _xr(), _observed(), fn_input), fnv1.SEVERITY_FATAL)
    assert len(fatal) == 1
    assert fatal[0].startswith(
        "invalid function Input, 1 problem: input.accessPolicies.condition.StringEquals"
    )


def _doc_blocks(language: str) -> list[str]:
    text = (ROOT / "docs" / "access.md").read_text()
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)


def test_the_docs_show_the_document_the_function_renders(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    [shown] = _doc_blocks("json")
    rendered = _policies(_run(stub_v1, _xr(), _observed()))["access-read-only"]
    assert json.loads(shown) == EXAMPLE_DOCUMENTS["access-read-only"]
    assert json.loads(rendered["spec"]["forProvider"]["policy"]) == json.loads(shown)
    # Its name and path make the ARN the attachment example uses.
    fp, annotations = rendered["spec"]["forProvider"], rendered["metadata"]["annotations"]
    arn = f"arn:aws:iam::123456789012:policy{fp['path']}{annotations[EXTERNAL_NAME]}"
    assert arn.replace("read-only", "read-write") in (ROOT / "docs" / "access.md").read_text()


def test_the_docs_attachment_example_fits_the_pinned_crd() -> None:
    attachments = [
        d
        for block in _doc_blocks("yaml")
        if (d := yaml.safe_load(block)).get("kind") == "RolePolicyAttachment"
    ]
    assert len(attachments) == 1
    assert pinned_schema_errors(attachments[0]) == []


def test_the_docs_input_example_is_a_valid_input() -> None:
    [block] = [b for b in _doc_blocks("yaml") if b.startswith("accessPolicies:")]
    fn_input = {**INPUT, **yaml.safe_load(block)}
    outcome = compose(Request(composite=_xr(), observed={}, input=fn_input))
    assert outcome.results and not outcome.fatal
