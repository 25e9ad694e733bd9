"""`crossplane xpkg build` (crank, pinned) builds the Function package from package/.

The .xpkg is an image tarball (`docker save` layout): manifest.json names the config
and the layers, and the config labels each layer. The layer labelled "base" holds
package.yaml, every object of the package; the examples layer holds examples/.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import EXAMPLES, ROOT, load_all, load_yaml
from tests.toolchain import tool

PACKAGE = ROOT / "package"
LABEL = "io.crossplane.xpkg:sha256:"


def build(package_root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            tool("crank"),
            "xpkg",
            "build",
            f"--package-root={package_root}",
            f"--examples-root={EXAMPLES}",
            f"--package-file={out}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def layers(xpkg: Path) -> dict[str, dict[str, bytes]]:
    """Each layer's files, by the layer's xpkg label (base, examples, ...)."""
    with tarfile.open(xpkg) as image:

        def read(name: str) -> bytes:
            member = image.extractfile(name)
            assert member is not None, name
            return member.read()

        (manifest,) = json.loads(read("manifest.json"))
        config = json.loads(read(manifest["Config"]))
        labels = {
            digest.removeprefix(LABEL): role
            for digest, role in config["config"]["Labels"].items()
            if digest.startswith(LABEL)
        }
        found: dict[str, dict[str, bytes]] = {}
        for layer in manifest["Layers"]:
            digest = layer.removesuffix(".tar.gz")
            with tarfile.open(fileobj=image.extractfile(layer)) as files:
                found[labels[digest]] = {
                    m.name: files.extractfile(m).read()  # type: ignore[union-attr]
                    for m in files.getmembers()
                    if m.isfile()
                }
    return found


@pytest.fixture(scope="module")
def xpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xpkg") / "function-aws-dynamodb.xpkg"
    done = build(PACKAGE, out)
    assert done.returncode == 0, done.stderr
    return out


def _objects(xpkg: Path) -> list[dict[str, Any]]:
    package_yaml = layers(xpkg)["base"]["package.yaml"].decode()
    return [d for d in yaml.safe_load_all(package_yaml) if d is not None]


def test_package_holds_the_function_meta_and_the_input_crd(xpkg: Path) -> None:
    objects = _objects(xpkg)
    kinds = sorted((o["apiVersion"], o["kind"]) for o in objects)
    assert kinds == [
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("meta.pkg.crossplane.io/v1", "Function"),
    ]
    meta = next(o for o in objects if o["kind"] == "Function")
    assert meta == load_yaml(PACKAGE / "crossplane.yaml")
    # crank writes the CRD back with an empty status; the definition is the file's.
    crd = next(o for o in objects if o["kind"] == "CustomResourceDefinition")
    ours = load_yaml(PACKAGE / "input" / "awsdynamodb.fn.project-planton.org_inputs.yaml")
    assert crd["spec"] == ours["spec"]
    assert crd["metadata"]["name"] == ours["metadata"]["name"]


def test_package_carries_the_examples(xpkg: Path) -> None:
    (examples,) = [files for role, files in layers(xpkg).items() if role != "base"]
    docs = [d for d in yaml.safe_load_all(examples[".up/examples.yaml"]) if d is not None]
    want = [d for p in sorted(EXAMPLES.rglob("*.yaml")) for d in load_all(p)]
    assert sorted(map(json.dumps, docs)) == sorted(map(json.dumps, want))


def test_xpkg_build_refuses_a_function_package_with_an_xrd(tmp_path: Path) -> None:
    # A Function package may hold only its metadata and CRDs: the XRDs live in examples/.
    root = tmp_path / "package"
    (root / "input").mkdir(parents=True)
    for path in PACKAGE.rglob("*.yaml"):
        (root / path.relative_to(PACKAGE)).write_bytes(path.read_bytes())
    (root / "xrd.yaml").write_bytes((EXAMPLES / "xrd.yaml").read_bytes())
    done = build(root, tmp_path / "bad.xpkg")
    assert done.returncode == 1
    assert "failed to lint package: object is not a CRD" in done.stderr, done.stderr
