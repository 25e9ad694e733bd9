"""The reference CRDs, read from the Go modules that publish them, at pinned sha256 sums.

Names keep one layout: ``crossplane/`` (Crossplane 2, cluster/crds), ``crossplane/meta/``
(package metadata, cluster/meta), ``crossplane/v1/`` (Crossplane 1.x, cluster/crds) and
``provider-upjet-aws/`` (provider-aws family, package/crds). A file whose sum differs is
a failure, never a skip: the module changed under its version, or the pin was edited
without updating tests/crds.sha256.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import yaml

from tests.toolchain import module_dir, versions

CROSSPLANE = "github.com/crossplane/crossplane/v2"
CROSSPLANE_V1 = "github.com/crossplane/crossplane"
PROVIDER_AWS = "github.com/upbound/provider-aws/v2"

# prefix of the name -> (module, versions.mk pin, folder inside the module)
SOURCES = {
    "crossplane/meta/": (CROSSPLANE, "CROSSPLANE_VERSION", "cluster/meta"),
    "crossplane/v1/": (CROSSPLANE_V1, "CROSSPLANE_V1_VERSION", "cluster/crds"),
    "crossplane/": (CROSSPLANE, "CROSSPLANE_VERSION", "cluster/crds"),
    "provider-upjet-aws/": (PROVIDER_AWS, "PROVIDER_AWS_VERSION", "package/crds"),
}

# name -> sha256, from tests/crds.sha256 (sha256sum's format, keyed by name).
SHA256 = {
    name: digest
    for digest, name in (
        line.split()
        for line in (Path(__file__).with_name("crds.sha256")).read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
}


class ChecksumMismatchError(AssertionError):
    pass


def location(name: str) -> Path:
    """Where the module cache holds the CRD called ``name`` (unchecked)."""
    prefix = next((p for p in SOURCES if name.startswith(p)), None)
    if prefix is None:
        raise KeyError(f"{name}: not under {', '.join(SOURCES)}")
    module, pin, folder = SOURCES[prefix]
    return module_dir(module, versions()[pin]) / folder / name.removeprefix(prefix)


@functools.cache
def path(name: str) -> Path:
    """The CRD called ``name``, after checking it against its pinned sum."""
    if name not in SHA256:
        raise KeyError(f"{name} has no pinned sha256 in tests/crds.sha256")
    file = location(name)
    got = hashlib.sha256(file.read_bytes()).hexdigest()
    if got != SHA256[name]:
        raise ChecksumMismatchError(
            f"{file}: sha256 {got}, pinned {SHA256[name]} (tests/crds.sha256); the module "
            "differs from the one pinned in tools/versions.mk"
        )
    return file


@functools.cache
def load(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(path(name).read_text())
    return doc


def names(prefix: str = "") -> list[str]:
    return sorted(n for n in SHA256 if n.startswith(prefix))


def version_schema(name: str, version: str) -> dict[str, Any]:
    """The openAPIV3Schema that CRD ``name`` serves for ``version``."""
    crd = load(name)
    for v in crd["spec"]["versions"]:
        if v["name"] == version:
            schema: dict[str, Any] = v["schema"]["openAPIV3Schema"]
            return schema
    raise AssertionError(f"{name} serves no version {version}")


@functools.cache
def index() -> dict[tuple[str, str], str]:
    """(apiVersion, kind) -> the name of the CRD serving it; Crossplane 2 before 1.x."""
    served: dict[tuple[str, str], str] = {}
    for name in names():
        crd = load(name)
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for v in crd["spec"]["versions"]:
            if not name.startswith("crossplane/v1/"):
                served.setdefault((f"{group}/{v['name']}", kind), name)
    return served
