"""`function render` of a claim renders what Crossplane composes for it, and
`function render` refuses what is neither a claim nor a composite of this API.

Through examples/xrd.yaml Crossplane makes a cluster-scoped XAwsDynamodb of each
AwsDynamodb claim, named CLAIM-<5 random characters>, with the claim's name and
namespace as labels and a claimRef; the function then renders the cluster-scoped
kinds (*.aws.upbound.io) with a ProviderConfig, never the namespaced .m. twins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import EXAMPLES, run_function_cli

TAKES = (
    "function render takes an AwsDynamodb claim or an XAwsDynamodb composite "
    "(aws.project-planton.org/v1)"
)


_function = run_function_cli


def _docs(out: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(out) if d is not None]


def test_a_claim_renders_as_the_cluster_composite_crossplane_makes_of_it() -> None:
    run = _function(
        "render", EXAMPLES / "minimal" / "claim.yaml", "--input", EXAMPLES / "input.yaml"
    )
    assert run.returncode == 0, run.stderr
    xr, table, *results = _docs(run.stdout)
    assert (xr["apiVersion"], xr["kind"]) == ("aws.project-planton.org/v1", "XAwsDynamodb")
    assert "namespace" not in xr["metadata"]
    assert xr["metadata"]["name"] == "orders-xxxxx"
    assert xr["metadata"]["labels"] == {
        "crossplane.io/claim-name": "orders",
        "crossplane.io/claim-namespace": "shop",
    }
    # The cluster-scoped kind and config, as through examples/xrd.yaml; the table
    # takes the composite's name, and the claim owns it.
    assert table["apiVersion"] == "dynamodb.aws.upbound.io/v1beta2"
    assert "namespace" not in table["metadata"]
    assert table["spec"]["providerConfigRef"] == {"name": "default"}
    assert table["metadata"]["annotations"]["crossplane.io/external-name"] == "orders-xxxxx"
    assert table["spec"]["forProvider"]["tags"]["awsdynamodb.fn.project-planton.org/owner"] == (
        "shop/orders"
    )
    assert [r["reason"] for r in results] == ["Pending"]
    assert "rendering claim shop/orders as Crossplane does" in run.stderr
    assert "orders-xxxxx" in run.stderr


def test_a_claim_renders_as_its_xr_twin_would_but_for_the_name(tmp_path: Path) -> None:
    """The claim's spec goes to the composite, less the fields Crossplane keeps on the claim."""
    claim = yaml.safe_load((EXAMPLES / "minimal" / "claim.yaml").read_text())
    claim["metadata"]["labels"] = {"team": "shop", "app.kubernetes.io/name": "orders"}
    claim["spec"]["writeConnectionSecretToRef"] = {"name": "orders-table"}
    claim["spec"]["tableName"] = "shop-orders"
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump(claim))
    run = _function("render", path, "--input", EXAMPLES / "input.yaml")
    assert run.returncode == 0, run.stderr
    xr, table, *_ = _docs(run.stdout)
    # kubernetes.io labels stay on the claim, as Crossplane does.
    assert xr["metadata"]["labels"]["team"] == "shop"
    assert "app.kubernetes.io/name" not in xr["metadata"]["labels"]
    assert table["metadata"]["annotations"]["crossplane.io/external-name"] == "shop-orders"


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        pytest.param(
            {"apiVersion": "apiextensions.crossplane.io/v1", "kind": "Composition",
             "metadata": {"name": "x"}},
            "its kind is Composition (apiextensions.crossplane.io/v1); " + TAKES,
            id="a-composition",
        ),
        pytest.param(
            {"apiVersion": "aws.project-planton.org/v2", "kind": "AwsDynamodb",
             "metadata": {"name": "x", "namespace": "y"}, "spec": {}},
            "its kind is AwsDynamodb (aws.project-planton.org/v2); " + TAKES,
            id="unknown-version",
        ),
        pytest.param(
            {"apiVersion": "example.org/v1", "kind": "XAwsDynamodb", "metadata": {"name": "x"}},
            "its kind is XAwsDynamodb (example.org/v1); " + TAKES,
            id="another-group",
        ),
        pytest.param(
            {"metadata": {"name": "x"}},
            "its kind is not set (no apiVersion); " + TAKES,
            id="no-kind",
        ),
        pytest.param(
            {"apiVersion": "aws.project-planton.org/v1", "kind": "AwsDynamodb",
             "metadata": {"name": "x"}, "spec": {}},
            "an AwsDynamodb claim lives in a namespace: set metadata.namespace",
            id="claim-without-namespace",
        ),
    ],
)  # fmt: skip
def test_render_refuses_what_is_neither_claim_nor_composite(
    tmp_path: Path, doc: dict[str, Any], says: str
) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(doc))
    run = _function("render", path)
    assert run.returncode == 1
    assert run.stdout == ""
    assert f"Error: {path}: {says}" in run.stderr
    assert (
        "function render takes an AwsDynamodb claim or an XAwsDynamodb composite" in (run.stderr)
        or "namespace" in says
    )
    assert "Traceback" not in run.stderr


def test_render_warns_about_observed_documents_it_ignores(tmp_path: Path) -> None:
    observed = tmp_path / "observed"
    observed.mkdir()
    table = yaml.safe_load((EXAMPLES / "minimal" / "observed" / "table.yaml").read_text())
    unnamed = dict(table)
    unnamed["metadata"] = {"name": "hand-written"}
    (observed / "table.yaml").write_text(yaml.safe_dump(table))
    (observed / "other.yaml").write_text(yaml.safe_dump(unnamed))
    run = _function("render", EXAMPLES / "minimal" / "xr.yaml", "--observed", observed)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {observed / 'other.yaml'}: ignoring Table/hand-written: it has no "
        "crossplane.io/composition-resource-name annotation, so it is no composed resource "
        "Crossplane would observe"
    ]
