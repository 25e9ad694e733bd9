"""A platform's own API group and kind: the XRD, the Composition and the function agree.

`function xrd --group platform.example.org --kind Table` and `function composition`
with the same flags print an XRD (claim `Table`, composite `XTable`) and its
Composition, whose Input names the composite's type (compositeTypeRef). Judged by
the real tools: `crossplane beta validate` (Crossplane's CRDs for the XRD and the
Composition, the generated XRD for claims), `function render` and `function
validate` with that Input, and `crossplane render` against the running function for
a Composition whose Input forgot the platform's type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from function.api.rules import RULES
from tests import crds
from tests.support import EXAMPLES, load_yaml, run_function_cli
from tests.test_crank_render import crank_render
from tests.test_crank_validate import crank_validate
from tests.toolchain import tool

GROUP, KIND = "platform.example.org", "Table"
FLAGS = ("--group", GROUP, "--kind", KIND)


def _cli_yaml(*args: str) -> dict[str, Any]:
    run = run_function_cli(*args)
    assert run.returncode == 0, run.stderr
    return dict(yaml.safe_load(run.stdout))


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The platform's XRD, Composition, Input, a claim and its XR, as files."""
    folder = tmp_path_factory.mktemp("platform")
    files = {
        "xrd": _cli_yaml("xrd", *FLAGS),
        "composition": _cli_yaml("composition", *FLAGS),
    }
    files["input"] = files["composition"]["spec"]["pipeline"][0]["input"]
    claim = load_yaml(EXAMPLES / "minimal" / "claim.yaml")
    files["claim"] = {**claim, "apiVersion": f"{GROUP}/v1", "kind": KIND}
    xr = load_yaml(EXAMPLES / "minimal" / "xr.yaml")
    files["xr"] = {**xr, "apiVersion": f"{GROUP}/v1", "kind": f"X{KIND}"}
    paths = {}
    for name, doc in files.items():
        paths[name] = folder / f"{name}.yaml"
        paths[name].write_text(yaml.safe_dump(doc, sort_keys=False))
    return paths


def test_the_xrd_serves_the_platforms_group_and_kinds_with_the_same_schema() -> None:
    ours, theirs = load_yaml(EXAMPLES / "xrd.yaml"), _cli_yaml("xrd", *FLAGS)
    assert theirs["metadata"]["name"] == "xtables.platform.example.org"
    assert theirs["spec"]["group"] == GROUP
    assert theirs["spec"]["names"] == {"kind": "XTable", "plural": "xtables"}
    assert theirs["spec"]["claimNames"] == {"kind": "Table", "plural": "tables"}
    assert theirs["spec"]["defaultCompositionRef"] == {"name": "xtables.platform.example.org"}
    assert theirs["spec"]["versions"] == ours["spec"]["versions"]
    v2 = _cli_yaml("xrd", "--v2", *FLAGS)
    assert v2["spec"]["names"] == theirs["spec"]["names"] and "claimNames" not in v2["spec"]
    assert v2["spec"]["versions"] == load_yaml(EXAMPLES / "xrd-v2.yaml")["spec"]["versions"]


def test_without_flags_the_generators_print_the_checked_in_files() -> None:
    for args, path in ((["composition"], "composition.yaml"), (["xrd"], "xrd.yaml")):
        run = run_function_cli(*args)
        assert run.stdout == (EXAMPLES / path).read_text(), f"make generate: {path} drifted"


def test_the_composition_composes_the_xrds_type_and_its_input_names_it() -> None:
    xrd, comp = _cli_yaml("xrd", *FLAGS), _cli_yaml("composition", *FLAGS)
    ref = {"apiVersion": f"{GROUP}/v1", "kind": "XTable"}
    assert comp["metadata"]["name"] == xrd["spec"]["defaultCompositionRef"]["name"]
    assert comp["spec"]["compositeTypeRef"] == ref
    assert comp["spec"]["pipeline"][0]["input"]["compositeTypeRef"] == ref


# (case, --group and --kind as given, what the error says)
BAD_FLAGS = [
    ("a group without a dot", ["--group", "platform", "--kind", KIND], "DNS subdomain"),
    ("an upper-case group", ["--group", "Platform.example.org", "--kind", KIND], "lower case"),
    ("a lower-case kind", ["--group", GROUP, "--kind", "table"], "CamelCase"),
    ("a group alone", ["--group", GROUP], "--group and --kind go together"),
]


@pytest.mark.parametrize(
    ("flags", "says"), [c[1:] for c in BAD_FLAGS], ids=[c[0] for c in BAD_FLAGS]
)
@pytest.mark.parametrize("command", ["xrd", "composition"])
def test_a_bad_group_or_kind_is_a_usage_error(command: str, flags: list[str], says: str) -> None:
    run = run_function_cli(command, *flags)
    assert run.returncode == 2
    assert says in run.stderr and "Traceback" not in run.stderr


def test_crossplane_accepts_the_xrd_and_composition_and_judges_claims_by_the_xrd(
    platform: dict[str, Path], tmp_path: Path
) -> None:
    tool("crank")
    objects = [load_yaml(platform["xrd"]), load_yaml(platform["composition"])]
    extensions = [crds.path(n) for n in crds.names("provider-upjet-aws/")][:1]
    assert crank_validate(tmp_path / "objects", extensions, objects) == {
        "xtables.platform.example.org": []
    }
    good = load_yaml(platform["claim"])
    bad = {**good, "metadata": {**good["metadata"], "name": "bad"}}
    bad["spec"] = {**good["spec"], "streamEnabled": True}
    verdicts = crank_validate(tmp_path / "claims", [platform["xrd"]], [good, bad])
    assert verdicts["orders"] == []
    side = RULES["stream_view_requires_enabled"].says("enabled")
    assert len(verdicts["bad"]) == 1 and verdicts["bad"][0].endswith(side), verdicts["bad"]


def test_render_and_validate_take_the_platforms_claim_with_its_input(
    platform: dict[str, Path],
) -> None:
    run = run_function_cli("render", platform["claim"], "--input", platform["input"])
    assert run.returncode == 0, run.stderr
    docs = list(yaml.safe_load_all(run.stdout))
    assert (docs[0]["apiVersion"], docs[0]["kind"]) == (f"{GROUP}/v1", "XTable")
    assert docs[0]["metadata"]["name"] == "orders-xxxxx"
    assert [d["kind"] for d in docs[1:]] == ["Table", "Result"]
    assert "as the cluster-scoped XTable orders-xxxxx" in run.stderr
    checked = run_function_cli("validate", platform["claim"], platform["composition"])
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_validate_names_the_platforms_kinds_when_it_skips_or_finds_nothing(
    platform: dict[str, Path],
) -> None:
    # The project's own claim is not the platform's API: skipped, and nothing is left.
    run = run_function_cli(
        "validate", EXAMPLES / "minimal" / "claim.yaml", "--input", platform["input"]
    )
    assert run.returncode == 1
    assert "not a claim (Table), a composite (XTable), a function Input" in run.stderr
    assert "no claim (Table), composite (XTable) or function Input found" in run.stderr


def test_render_refuses_the_projects_claim_with_the_platforms_input(
    platform: dict[str, Path],
) -> None:
    run = run_function_cli(
        "render", EXAMPLES / "minimal" / "claim.yaml", "--input", platform["input"]
    )
    assert run.returncode == 1
    assert (
        "function render takes a Table claim or an XTable composite (platform.example.org/v1) "
        "(the function Input's compositeTypeRef)"
    ) in run.stderr
    # And the platform's claim without it: not the project's API, so not this Input's.
    alone = run_function_cli("render", platform["claim"], "--input", EXAMPLES / "input.yaml")
    assert alone.returncode == 1
    assert "takes an AwsDynamodb claim or an XAwsDynamodb composite" in alone.stderr


def test_the_function_refuses_a_composite_its_input_does_not_name(
    platform: dict[str, Path], server_address: str, tmp_path: Path
) -> None:
    """The platform's Composition with the project's Input (no compositeTypeRef): refused,
    through crossplane render and the running function, with nothing composed."""
    comp = load_yaml(platform["composition"])
    del comp["spec"]["pipeline"][0]["input"]["compositeTypeRef"]
    forgot = tmp_path / "composition.yaml"
    forgot.write_text(yaml.safe_dump(comp))
    done = crank_render(tool("crank"), server_address, platform["xr"], forgot)
    assert done.returncode == 1
    assert done.stdout == ""
    assert (
        "invalid composite, 1 problem: apiVersion: "
        + RULES["composite_type"].message
        + " (got platform.example.org/v1 XTable; the Input names aws.project-planton.org/v1 "
        "XAwsDynamodb) [composite_type]"
    ) in done.stderr
    # With the Input the generator wrote, the same XR composes its Table.
    ok = crank_render(tool("crank"), server_address, platform["xr"], platform["composition"])
    assert ok.returncode == 0, ok.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(ok.stdout) if d]
    assert kinds[0] == "XTable" and "Table" in kinds
