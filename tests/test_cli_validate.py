"""`function validate` judges what render judges, with the Input a platform uses.

Run as a user runs it (a subprocess): it finds the function's Input among the files
(an Input, or a Composition's step input) unless --input names one, reads folders
with their subfolders, runs render's Input checks too, prints warnings, and names
the file in every line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support import EXAMPLES, run_function_cli

CLAIM = EXAMPLES / "minimal" / "claim.yaml"
BAD_TOPIC = "arn:aws:sns:us-east-1:123456789012"  # no topic name: render refuses it


_function = run_function_cli


def _input(tmp_path: Path, **fields: object) -> Path:
    doc = yaml.safe_load((EXAMPLES / "input.yaml").read_text()) | fields
    path = tmp_path / "input.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_a_claim_alone_lacks_the_inputs_region_and_validate_says_where_it_comes_from() -> None:
    run = _function("validate", CLAIM)
    assert run.returncode == 1
    assert run.stdout.startswith(f"{CLAIM}: AwsDynamodb/orders: spec.region: no region")
    assert "no function Input given or found" in run.stderr
    assert "give --input" in run.stderr


def test_a_claim_is_judged_with_the_input_found_among_the_files(tmp_path: Path) -> None:
    for extra in (EXAMPLES / "input.yaml", EXAMPLES / "composition.yaml"):
        run = _function("validate", CLAIM, extra)
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stdout == "2 document(s) valid\n"
        assert f"judged with the function Input of {extra}" in run.stderr


def test_validate_reads_folders_with_their_subfolders(tmp_path: Path) -> None:
    # examples/ without the options example, whose own Input (listing the bucket it
    # imports from) would be a second Input among the files: the Composition's is found.
    tree = tmp_path / "examples"
    shutil.copytree(EXAMPLES, tree, ignore=shutil.ignore_patterns("options"))
    run = _function("validate", tree)
    assert run.returncode == 0, run.stdout + run.stderr
    judged = len(list(tree.rglob("claim.yaml"))) + len(list(tree.rglob("xr.yaml")))
    assert judged > 10
    assert run.stdout == f"{judged + 2} document(s) valid\n"


def test_validate_refuses_an_input_render_refuses(tmp_path: Path) -> None:
    bad = _input(tmp_path, alarms={"alarmActions": [BAD_TOPIC]})
    render = _function("render", EXAMPLES / "xr.yaml", "--input", bad)
    assert render.returncode == 1
    run = _function("validate", bad)
    assert run.returncode == 1
    assert run.stdout.startswith(f"{bad}: Input/?: input.alarms.alarmActions[0]: ")
    # The same sentence render refuses it with.
    assert run.stdout.split(": ", 3)[3].strip() in render.stderr


def test_different_inputs_among_the_files_are_for_the_user_to_choose(tmp_path: Path) -> None:
    other = _input(tmp_path, region="eu-west-1")
    run = _function("validate", CLAIM, EXAMPLES / "input.yaml", other)
    assert run.returncode == 1
    assert "the files hold 2 different function Inputs" in run.stderr
    assert "Traceback" not in run.stderr
    chosen = _function("validate", CLAIM, EXAMPLES / "input.yaml", other, "--input", other)
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr


def test_validate_prints_warnings_with_their_file() -> None:
    claim = EXAMPLES / "planton" / "claim.yaml"
    run = _function("validate", claim, "--input", EXAMPLES / "input.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    warnings = [line for line in run.stderr.splitlines() if ": warning: " in line]
    assert warnings, run.stderr
    assert all(line.startswith(f"{claim}: AwsDynamodb/orders: warning: ") for line in warnings)
    assert any("BILLING_MODE_PAY_PER_REQUEST is an older spelling" in line for line in warnings)


def test_messages_suggest_the_field_meant_and_say_what_was_given(tmp_path: Path) -> None:
    claim = tmp_path / "claim.yaml"
    claim.write_text(
        "apiVersion: aws.project-planton.org/v1\nkind: AwsDynamodb\n"
        "metadata: {name: orders, namespace: shop}\n"
        "spec:\n  billingmode: PROVISIONED\n"
        "  provisionedThroughput: {readCapacityUnits: '10', writeCapacityUnits: 5}\n"
        "  attributeDefinitions: [{name: pk, type: S, nmae: x}]\n"
        "  keySchema: [{attributeName: pk, keyType: HASH}]\n"
        "  tags: {team: web, teem: x}\n"
    )
    run = _function("validate", claim, "--input", EXAMPLES / "input.yaml")
    assert run.returncode == 1
    problems = {line.split(": ")[2]: line for line in run.stdout.splitlines()}
    assert problems["spec.billingmode"].endswith(
        "is not a field of this API; check its spelling (did you mean billingMode?) [unknown_field]"
    )
    # The closest field of the object it is in: an attribute definition's `name`.
    assert "(did you mean name?)" in problems["spec.attributeDefinitions[0].nmae"]
    assert problems["spec.provisionedThroughput.readCapacityUnits"].endswith(
        "must be a valid integer (got '10') [type]"
    )
    # Tags are free-form keys: nothing misspelt there.
    assert not any("spec.tags" in p for p in problems)


def test_a_yaml_error_names_the_file_not_a_string(tmp_path: Path) -> None:
    bad = tmp_path / "claim.yaml"
    bad.write_text("spec: [unclosed\n")
    for command in ("validate", "render"):
        run = _function(command, bad)
        assert run.returncode == 1
        assert f'in "{bad}", line 1, column 7' in run.stderr
        assert "<unicode string>" not in run.stderr
