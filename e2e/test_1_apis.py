"""A real API server accepts our XRD and the Input CRD (CEL cost estimation included),
and Crossplane installs the Function package and serves the Composition."""

from __future__ import annotations

from e2e.crossplane import FUNCTION
from e2e.kube import Kube, is_true

XRD = "xawsdynamodbs.aws.project-planton.org"


def test_xrd_is_established_and_offers_the_claim(kube: Kube) -> None:
    xrd = kube.get("compositeresourcedefinitions", XRD)
    assert is_true(xrd, "Established"), xrd["status"]
    assert is_true(xrd, "Offered"), xrd["status"]
    for crd in (XRD, "awsdynamodbs.aws.project-planton.org"):
        assert is_true(kube.get("crd", crd), "Established"), crd


def test_the_input_crd_from_the_package_is_established(kube: Kube) -> None:
    crd = kube.get("crd", "inputs.awsdynamodb.fn.project-planton.org")
    assert crd is not None, "Crossplane did not install the package's Input CRD"
    assert is_true(crd, "Established")


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
