"""A real API server accepts our XRD and the Input CRD (CEL cost estimation included),
and Crossplane installs the Function package and the Configuration package (the XRD
and the Composition, both built by `make package`) and serves the Composition."""

from __future__ import annotations

import json

import yaml

from e2e.crossplane import CONFIGURATION, FUNCTION, PACKAGE_TAG
from e2e.kube import Kube, eventually, is_true
from e2e.scenario import ROOT

XRD = "xawsdynamodbs.aws.project-planton.org"
INPUT_CRD = "inputs.awsdynamodb.fn.project-planton.org"


def test_xrd_is_established_and_offers_the_claim(kube: Kube) -> None:
    xrd = kube.get("compositeresourcedefinitions", XRD)
    assert is_true(xrd, "Established"), xrd["status"]
    assert is_true(xrd, "Offered"), xrd["status"]
    for crd in (XRD, "awsdynamodbs.aws.project-planton.org"):
        assert is_true(kube.get("crd", crd), "Established"), crd


def test_the_input_crd_is_accepted_and_established(kube: Kube) -> None:
    # Crossplane 2.2.1 does not create the CRDs a Function package carries (the
    # FunctionRevision lists no objects), so apply it as a platform team would.
    kube.apply(ROOT / "package" / "input" / "awsdynamodb.fn.project-planton.org_inputs.yaml")
    crd = eventually(
        "the Input CRD to be Established",
        lambda: (c := kube.get("crd", INPUT_CRD)) and is_true(c, "Established") and c,
        timeout=60,
    )
    assert crd["spec"]["versions"][0]["name"] == "v1beta1"
    # And the Composition's Input is a valid Input.
    comp = yaml.safe_load((ROOT / "examples" / "composition.yaml").read_text())
    step_input = dict(comp["spec"]["pipeline"][0]["input"], metadata={"name": "composition"})
    kube.run("create", "--dry-run=server", "-n", "default", "-f", "-", stdin=json.dumps(step_input))


def test_function_is_installed_and_healthy_over_mtls(kube: Kube) -> None:
    fn = kube.get("functions.pkg.crossplane.io", FUNCTION)
    assert is_true(fn, "Installed") and is_true(fn, "Healthy"), fn["status"]
    (revision,) = kube.items("functionrevisions.pkg.crossplane.io")
    assert revision["status"]["endpoint"] == f"dns:///{FUNCTION}.crossplane-system:9443"


def test_composition_is_valid(kube: Kube) -> None:
    comp = kube.get("compositions", XRD)
    assert comp["spec"]["pipeline"][0]["functionRef"]["name"] == FUNCTION
    revisions = kube.items("compositionrevisions")
    assert [r["spec"]["compositeTypeRef"]["kind"] for r in revisions] == ["XAwsDynamodb"]


def test_the_configuration_package_installed_the_xrd_and_the_composition(kube: Kube) -> None:
    cfg = kube.get("configurations.pkg.crossplane.io", CONFIGURATION)
    assert is_true(cfg, "Installed") and is_true(cfg, "Healthy"), cfg["status"]
    (revision,) = kube.items("configurationrevisions.pkg.crossplane.io")
    assert revision["spec"]["image"].endswith(f"/project-planton/{CONFIGURATION}:{PACKAGE_TAG}")
    # Crossplane, not the harness, made them: each is controlled by the revision
    # (and owned by the Configuration too).
    for kind in ("compositeresourcedefinitions", "compositions"):
        owners = kube.get(kind, XRD)["metadata"].get("ownerReferences") or []
        controllers = [(o["kind"], o["name"]) for o in owners if o.get("controller")]
        assert controllers == [("ConfigurationRevision", revision["metadata"]["name"])], kind
