"""`crossplane beta validate` (crank, pinned) judges every claim, XR and managed resource.

crank validates with the API server's own code: the structural schema, defaults,
unknown fields and the CEL rules, as Kubernetes evaluates them. Here it judges:

* both XRDs (examples/xrd.yaml as claim and cluster XR, examples/xrd-v2.yaml as
  namespaced XR) against every claim or XR spec the other tests use: the
  admission cases, every claim and XR in examples/ and tests/fixtures/, every
  named fixture case and the autoscaling patch cases. Its verdict must agree
  with the function's: what the function accepts, crank accepts; what the
  function refuses, crank refuses, unless every rule at fault is one the
  function alone can decide (FUNCTION_ONLY, or a rule whose fields come from
  the Composition's Input); a refusal by a mirrored CEL rule carries the
  function's own message.
* every managed resource the function renders (every example, every valid
  fixture case in both scopes) and every observed resource in examples/,
  against provider-aws's CRDs; and the Composition, Function and XRDs against
  Crossplane's own CRDs.

crank wants Crossplane's CRDs from the Crossplane package image; the tests
pre-fill its cache (--cache-dir) with those from the Go module instead, so it
never reaches a registry. Each run batches every document into one file.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from function.api.rules import RULES
from function.compose import Request, compose
from function.generate.cel import CEL_RULES, FUNCTION_ONLY
from tests import crds
from tests.admission import prune_nulls
from tests.rendered import (
    EXAMPLE_DIRS,
    SCOPES,
    VALID_SPECS,
    example_resources,
    observed_resources,
    valid_case_resources,
)
from tests.support import EXAMPLES, ROOT, load_yaml
from tests.test_admission import (
    _AUTOSCALING,
    _PATCH_CASES,
    CASES,
    DEFAULT_INPUT,
    SPEC_SCHEMA,
    _documents,
    _fixture_cases,
    _patched,
)
from tests.toolchain import tool, versions

# A local name that resolves nowhere: crank must find its schemas in the cache.
CROSSPLANE_IMAGE = "crossplane-crds-from-go-module"
GROUP_VERSION = "aws.project-planton.org/v1"
LINE = re.compile(
    r"^\[(?P<mark>x|✓|!)\] (?:(?P<what>schema|CEL) validation error )?"
    r"(?P<gv>[^,]*), Kind=(?P<kind>\w+), (?P<name>[^ ]+)(?: : (?P<error>.*)| validated)"
)


class Case(NamedTuple):
    where: str
    spec: dict[str, Any]
    fn_input: dict[str, Any]


def _cases() -> list[Case]:
    cases = [
        Case(f"admission: {c['name']}", c["spec"], c.get("input", DEFAULT_INPUT)) for c in CASES
    ]
    for where, doc in _documents():
        spec = {k: v for k, v in doc["spec"].items() if k in SPEC_SCHEMA["properties"]}
        cases.append(Case(f"{where}: {doc['metadata']['name']}", spec, DEFAULT_INPUT))
    cases += [Case(w, c["spec"], c.get("input") or {}) for w, c in _fixture_cases()]
    two_gsis = load_yaml(_AUTOSCALING / "two-gsis.yaml")
    for c in _PATCH_CASES:
        cases.append(
            Case(f"autoscaling/validation.yaml: {c['name']}", _patched(two_gsis, c)["spec"], {})
        )
    return cases


CASE_LIST = _cases()
# (XRD file, kind, namespace) of each shape a spec is judged in.
SHAPES = {
    "claim": ("xrd.yaml", "AwsDynamodb", "default"),
    "xr": ("xrd.yaml", "XAwsDynamodb", None),
    "v2-xr": ("xrd-v2.yaml", "XAwsDynamodb", "default"),
}


def _cache(tmp: Path) -> Path:
    """crank's cache with Crossplane's CRDs (from the module) as the Crossplane image's."""
    image = f"{CROSSPLANE_IMAGE}:{versions()['CROSSPLANE_VERSION']}"
    folder = tmp / "cache" / image.replace(":", "@")
    folder.mkdir(parents=True)
    names = crds.names("crossplane/")
    text = "".join(crds.path(n).read_text() + "\n---\n" for n in names if "/v1/" not in n)
    (folder / "package.yaml").write_text(text)
    return tmp / "cache"


def crank_validate(
    tmp: Path, extensions: list[Path], docs: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """Every document's errors by metadata.name (empty: valid), from one crank run."""
    crank = tool("crank")
    tmp.mkdir(parents=True, exist_ok=True)
    resources = tmp / "resources.yaml"
    # JSON documents: Go reads them exactly as written (no YAML 1.1 surprises).
    resources.write_text("".join(f"---\n{json.dumps(d)}\n" for d in docs))
    done = subprocess.run(
        [
            crank,
            "beta",
            "validate",
            ",".join(map(str, extensions)),
            resources,
            "--cache-dir",
            _cache(tmp),
            "--crossplane-image",
            f"{CROSSPLANE_IMAGE}:{versions()['CROSSPLANE_VERSION']}",
            "--error-on-missing-schemas",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "downloading" not in done.stdout, done.stdout
    errors: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        m = LINE.match(line)
        if m is None:
            continue
        assert m["mark"] != "!", line
        errors.setdefault(m["name"], [])
        if m["mark"] == "x":
            errors[m["name"]].append(f"{m['what']}: {m['error']}")
    assert set(errors) == {d["metadata"]["name"] for d in docs}, done.stdout + done.stderr
    return errors


def _function_rules(case: Case) -> set[str]:
    xr = {"apiVersion": GROUP_VERSION, "kind": "XAwsDynamodb"}
    xr |= {"metadata": {"name": "orders"}, "spec": prune_nulls(case.spec)}
    return {v.rule for v in compose(Request(composite=xr, input=case.fn_input)).violations}


# What the API server enforces but crank v2.2.1's validator does not (docs/package.md).
CRANK_DOES_NOT_CHECK = {
    # x-kubernetes-list-type: set: the API server refuses duplicates (e2e/test_2_admission.py).
    "non_key_attributes_unique",
}


def _decidable(rules: set[str], spec: Any) -> set[str]:
    """The rules at fault that the XRD can decide for this spec (as in test_admission)."""
    needs = {c.rule: c.needs for c in CEL_RULES}
    return {
        r
        for r in rules
        if r not in FUNCTION_ONLY
        and r not in CRANK_DOES_NOT_CHECK
        and all(isinstance(spec, dict) and spec.get(n) is not None for n in needs.get(r, ()))
    }


@functools.cache
def _verdicts(shape: str, tmp: Path) -> dict[str, list[str]]:
    xrd, kind, namespace = SHAPES[shape]
    docs = []
    for i, case in enumerate(CASE_LIST):
        meta: dict[str, Any] = {"name": f"case-{i}"}
        if namespace:
            meta["namespace"] = namespace
        spec = prune_nulls(case.spec)
        docs.append({"apiVersion": GROUP_VERSION, "kind": kind, "metadata": meta, "spec": spec})
    return crank_validate(tmp / shape, [EXAMPLES / xrd], docs)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crank-validate")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("index", range(len(CASE_LIST)), ids=[c.where for c in CASE_LIST])
def test_crank_and_the_function_agree_on_every_spec(shape: str, index: int, workdir: Path) -> None:
    case = CASE_LIST[index]
    refusals = _verdicts(shape, workdir)[f"case-{index}"]
    rules = _function_rules(case)
    if not rules:
        assert refusals == [], "crank refuses a spec the function accepts"
    decidable = _decidable(rules, case.spec)
    if decidable:
        assert refusals, f"crank accepts a spec the function refuses for {sorted(decidable)}"
    cel = [r for r in refusals if r.startswith("CEL: ")]
    for rule in decidable & {c.rule for c in CEL_RULES}:
        if cel and len(cel) == len(refusals):
            assert any(RULES[rule].message in r for r in cel), (rule, refusals)
    # The API server skips CEL after a type error (crank does not); otherwise every
    # rule must evaluate, e.g. a missing required list is one "Required value".
    if not any("must be of type" in r for r in refusals):
        assert [r for r in refusals if "evaluating rule" in r] == []


SOURCES = [f"examples/{n}" for n in EXAMPLE_DIRS] + [
    f"specs/valid.yaml:{c['name']} {scope}" for c in VALID_SPECS for scope in SCOPES
]
CROSSPLANE_OBJECTS = ["composition.yaml", "functions.yaml", "xrd.yaml", "xrd-v2.yaml"]


def _managed(source: str) -> list[dict[str, Any]]:
    """The managed resources a source renders (and, for an example, observes)."""
    if source.startswith("examples/"):
        name = source.removeprefix("examples/")
        return [*example_resources(name), *observed_resources(name)]
    case, scope = source.removeprefix("specs/valid.yaml:").rsplit(" ", 1)
    return [body for _, body in valid_case_resources(case, scope)]


@functools.cache
def _managed_verdicts(tmp: Path) -> dict[str, list[str]]:
    """crank's errors for every managed resource, by "SOURCE #N", and each Crossplane object."""
    docs = []
    for source in SOURCES:
        for i, body in enumerate(_managed(source)):
            meta = {k: v for k, v in body.get("metadata", {}).items() if k != "generateName"}
            docs.append({**body, "metadata": {**meta, "name": f"mr-{len(docs)}"}})
            docs[-1]["_id"] = f"{source} #{i}"
    ids = {d["metadata"]["name"]: d.pop("_id") for d in docs}
    for path in CROSSPLANE_OBJECTS:
        doc = load_yaml(EXAMPLES / path)
        docs.append({**doc, "metadata": {**doc["metadata"], "name": path}})
    extensions = [crds.path(n) for n in crds.names("provider-upjet-aws/")]
    verdicts = crank_validate(tmp / "managed", extensions, docs)
    return {ids.get(name, name): errors for name, errors in verdicts.items()}


@pytest.mark.parametrize("source", SOURCES)
def test_crank_accepts_every_managed_resource_against_the_provider_crds(
    source: str, workdir: Path
) -> None:
    verdicts = _managed_verdicts(workdir)
    mine = {k: v for k, v in verdicts.items() if k.startswith(f"{source} #")}
    assert len(mine) == len(_managed(source)) > 0
    assert {k: v for k, v in mine.items() if v} == {}


@pytest.mark.parametrize("path", CROSSPLANE_OBJECTS)
def test_crank_accepts_the_crossplane_objects_against_crossplanes_crds(
    path: str, workdir: Path
) -> None:
    assert _managed_verdicts(workdir)[path] == []


def test_crank_refuses_a_claim_in_a_v2_xrd(workdir: Path) -> None:
    xrd = load_yaml(EXAMPLES / "xrd-v2.yaml")
    xrd["spec"]["claimNames"] = {"kind": "AwsDynamodb", "plural": "awsdynamodbs"}
    # crank needs one extension; the Input's CRD is beside the point here.
    extension = ROOT / "package" / "input" / "awsdynamodb.fn.project-planton.org_inputs.yaml"
    errors = crank_validate(workdir / "v2-claim", [extension], [xrd])[xrd["metadata"]["name"]]
    claims = "Claims aren't supported in apiextensions.crossplane.io/v2"
    assert errors == [f"CEL: spec: Invalid value: {claims}"]
