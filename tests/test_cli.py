"""The `function` command line, run as a user runs it: as a subprocess."""

from __future__ import annotations

import yaml

from tests.support import EXAMPLES, FIXTURES, load_yaml, run_function_cli

XR = EXAMPLES / "xr.yaml"


_function = run_function_cli


def test_render_prints_the_composite_status_and_the_table() -> None:
    run = _function("render", str(EXAMPLES / "xr.yaml"))
    assert run.returncode == 0, run.stderr
    docs = list(yaml.safe_load_all(run.stdout))
    assert docs[0]["kind"] == "XAwsDynamodb"
    assert docs[0]["status"]["outputs"]["tableName"] == "orders"
    tables = [d for d in docs if d.get("kind") == "Table"]
    assert len(tables) == 1
    assert (
        tables[0]["metadata"]["annotations"]["crossplane.io/composition-resource-name"] == "table"
    )


def test_render_of_an_invalid_xr_exits_non_zero_with_every_message_on_stderr() -> None:
    run = _function("render", str(FIXTURES / "invalid-xr.yaml"))
    assert run.returncode == 1
    for rule in (
        "provisioned_requires_throughput",
        "stream_view_requires_enabled",
        "ttl_attribute_when_enabled",
    ):
        assert f"[{rule}]" in run.stderr
    assert "Traceback" not in run.stderr
    results = [d for d in yaml.safe_load_all(run.stdout) if d.get("kind") == "Result"]
    assert [r["severity"] for r in results] == ["Fatal"]
    assert not [d for d in yaml.safe_load_all(run.stdout) if d.get("kind") == "Table"]


def test_render_reads_input_and_observed_resources(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fn_input = tmp_path / "input.yaml"
    fn_input.write_text(
        "apiVersion: awsdynamodb.fn.project-planton.org/v1beta1\n"
        "kind: Input\n"
        "providerConfigName: aws\n"
    )
    observed = tmp_path / "observed"
    observed.mkdir()
    (observed / "table.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "dynamodb.aws.upbound.io/v1beta2",
                "kind": "Table",
                "metadata": {
                    "annotations": {"crossplane.io/composition-resource-name": "table"},
                    # What Crossplane composed for the XR: controlled by it.
                    "ownerReferences": [
                        {"controller": True, "uid": load_yaml(XR)["metadata"]["uid"]}
                    ],
                },
                "spec": {
                    "managementPolicies": ["Observe", "Create", "Update", "Delete"],
                    "providerConfigRef": {"name": "aws"},
                },
                "status": {
                    "atProvider": {"arn": "arn:aws:dynamodb:us-east-1:1:table/orders"},
                    "conditions": [{"type": "Ready", "status": "True"}],
                },
            }
        )
    )
    run = _function("render", str(XR), "--input", str(fn_input), "--observed", str(observed))
    assert run.returncode == 0, run.stderr
    docs = list(yaml.safe_load_all(run.stdout))
    assert docs[0]["status"]["outputs"]["tableArn"] == "arn:aws:dynamodb:us-east-1:1:table/orders"
    table = next(d for d in docs if d.get("kind") == "Table")
    assert table["spec"]["providerConfigRef"] == {"name": "aws"}


def test_validate_lists_every_problem_and_exits_1() -> None:
    run = _function("validate", str(FIXTURES / "invalid-xr.yaml"), str(EXAMPLES / "xr.yaml"))
    assert run.returncode == 1
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 3
    assert all(
        line.startswith(f"{FIXTURES / 'invalid-xr.yaml'}: XAwsDynamodb/orders: spec.")
        for line in lines
    )


def test_validate_accepts_a_good_file() -> None:
    run = _function("validate", str(EXAMPLES / "xr.yaml"))
    assert run.returncode == 0, run.stdout
    assert "1 document(s) valid" in run.stdout


def test_validate_reports_unreadable_yaml_without_a_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("spec: [unclosed\n")
    run = _function("validate", str(bad))
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert "bad.yaml" in run.stderr + run.stdout


def test_validate_judges_claims_xrs_and_the_input_and_names_what_it_skips() -> None:
    # The options example's Input: the Composition's, plus the bucket that claim imports
    # from (a claim may import only from buckets the platform lists).
    run = _function("validate", "--input", str(EXAMPLES / "options" / "input.yaml"), str(EXAMPLES))
    assert run.returncode == 0, run.stdout
    # Every claim and XR of examples/ and its folders, the two Inputs and the
    # Composition (with its Input), beside XRDs, Functions, a DeploymentRuntimeConfig,
    # the Configuration, provider configs and observed resources.
    claims_and_xrs = len(list(EXAMPLES.rglob("claim.yaml"))) + len(list(EXAMPLES.rglob("xr.yaml")))
    assert run.stdout.strip() == f"{claims_and_xrs + 3} document(s) valid"
    assert "skipped 72 document(s)" in run.stderr
    for skipped in ("2 CompositeResourceDefinition", "2 Function", "1 Configuration", "11 Table"):
        assert skipped in run.stderr


def test_validate_reports_a_bad_input_document(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "input.yaml"
    bad.write_text(
        "apiVersion: awsdynamodb.fn.project-planton.org/v1beta1\nkind: Input\nregoin: x\n"
    )
    run = _function("validate", str(bad))
    assert run.returncode == 1
    assert run.stdout.strip() == (
        f"{bad}: Input/?: input.regoin: is not a field of this API; check its spelling "
        "(did you mean region?) [unknown_field]"
    )


def test_validate_of_files_without_a_claim_says_so() -> None:
    run = _function("validate", str(EXAMPLES / "xrd.yaml"))
    assert run.returncode == 1
    assert "no claim (AwsDynamodb), composite (XAwsDynamodb) or function Input found" in run.stderr


def test_validate_judges_the_input_of_a_composition() -> None:
    run = _function("validate", str(EXAMPLES / "composition.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == "1 document(s) valid\n"


def test_validate_reports_a_schema_error_and_a_cross_field_problem_in_one_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    claim = tmp_path / "claim.yaml"
    claim.write_text(
        "apiVersion: aws.project-planton.org/v1\nkind: AwsDynamodb\nmetadata: {name: orders}\n"
        "spec:\n  region: us-east-1\n  tableClass: COLD\n"
        "  attributeDefinitions: [{name: pk, type: S}]\n"
        "  keySchema: [{attributeName: pk, keyType: HASH}, {attributeName: sk, keyType: RANGE}]\n"
    )
    run = _function("validate", str(claim))
    assert run.returncode == 1
    lines = run.stdout.strip().splitlines()
    assert [line.rsplit("[", 1)[1] for line in lines] == ["enum]", "key_attribute_defined]"]
