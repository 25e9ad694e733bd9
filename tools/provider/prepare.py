"""Lays out the source tree `make tools-provider` builds the real provider from.

The published provider-aws module carries no build tags (upstream tags its tree with a
build-time tool), so any of its `main` packages compiles every API group and controller:
the monolith, about 5,400 packages. This script copies the pinned module out of the Go
module cache and keeps only what the function composes:

- the API groups in GROUPS, plus every group their packages (and the provider's config
  and client code) import, registered in the scheme;
- the controllers of GROUPS and the provider's own config controllers (ProviderConfig,
  ProviderConfigUsage, ClusterProviderConfig), cluster-scoped and namespaced;
- one `main` (cmd/provider/function-dynamodb), the DynamoDB family's own main with its
  controller setup swapped for ours.

It also copies the Terraform AWS provider fork the provider pins (its go.mod replace),
applies the patches under tools/provider/patches/ (each says where it comes from), and
points the copied provider at that copy. Only the standard library is used, so it runs
before any virtualenv exists.

Usage: prepare.py OUT_DIR PROVIDER_VERSION [--no-patches]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PROVIDER_MODULE = "github.com/upbound/provider-aws/v2"
TF_MODULE = "github.com/hashicorp/terraform-provider-aws"
# The groups the function composes (docs/e2e.md); `config` is the provider's own.
GROUPS = ("dynamodb", "appautoscaling", "cloudwatch", "iam")
SCOPES = ("cluster", "namespaced")
MAIN_NAME = "function-dynamodb"
PATCHES = Path(__file__).resolve().parent / "patches"
# Directories of the fork that no build reads: docs, the website, changelog entries.
TF_SKIP = shutil.ignore_patterns("website", "docs", "examples", ".changelog", ".ci", "*_test.go", "testdata")


def go_env() -> dict[str, str]:
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", GOSUMDB="off")
    proxy = subprocess.run(["go", "env", "GOPROXY"], capture_output=True, text=True, check=True).stdout.strip()
    env["GOPROXY"] = re.sub(r"[,|]direct", "", proxy) or "off"
    return env


def module_dir(path: str, version: str) -> Path:
    out = subprocess.run(
        ["go", "mod", "download", "-json", f"{path}@{version}"],
        capture_output=True,
        text=True,
        check=True,
        env=go_env(),
    ).stdout
    return Path(json.loads(out)["Dir"])


def copy_tree(src: Path, dst: Path, ignore=None) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(src, dst, ignore=ignore, copy_function=shutil.copy)
    for root, dirs, files in os.walk(dst):
        for name in dirs + files:
            p = os.path.join(root, name)
            os.chmod(p, os.stat(p).st_mode | 0o200)


def api_imports(files: list[Path], scope: str) -> set[str]:
    """The API groups of `scope` that the given Go files import."""
    pattern = re.compile(rf'"{re.escape(PROVIDER_MODULE)}/apis/{scope}/([a-z0-9]+)/v[0-9a-z]+"')
    found: set[str] = set()
    for f in files:
        found.update(pattern.findall(f.read_text()))
    return found


def resolver_groups(root: Path, scope: str) -> set[str]:
    """The API groups the references of GROUPS name: their resolvers look the kind up in the
    scheme by group name (apisresolver.GetManagedResource), not by a Go import, and fail
    when it is not registered, even with no reference set (a MetricAlarm's SNS topics)."""
    suffix = r"\.aws\.m\.upbound\.io" if scope == "namespaced" else r"\.aws\.upbound\.io"
    pattern = re.compile(rf'GetManagedResource\("([a-z0-9]+){suffix}"')
    found: set[str] = set()
    for group in GROUPS:
        for f in (root / "apis" / scope / group).rglob("zz_generated.resolvers.go"):
            found.update(pattern.findall(f.read_text()))
    return found


def kept_groups(root: Path, scope: str) -> set[str]:
    """GROUPS, the groups their references name, and every API group of `scope` reachable
    from those or the provider's code by a Go import."""
    seeds = [p for d in ("config", "internal/clients", "internal/apis") for p in (root / d).rglob("*.go")]
    keep = set(GROUPS) | resolver_groups(root, scope)
    keep |= api_imports([p for p in seeds if not p.name.endswith("_test.go")], scope)
    todo = list(keep)
    while todo:
        group = todo.pop()
        files = [p for p in (root / "apis" / scope / group).rglob("*.go") if not p.name.endswith("_test.go")]
        for new in api_imports(files, scope) - keep:
            keep.add(new)
            todo.append(new)
    return keep


def prune_register(root: Path, scope: str, keep: set[str]) -> None:
    """Registers only the kept groups (and the provider's own config APIs) in the scheme."""
    path = root / "apis" / scope / "zz_register.go"
    text = path.read_text()
    alias_re = re.compile(rf'^\t(\w+) "{re.escape(PROVIDER_MODULE)}/apis/{scope}/(?:([a-z0-9]+)/)?v[0-9a-z]+"$')
    dropped: set[str] = set()
    lines = []
    for line in text.splitlines():
        m = alias_re.match(line)
        if m and m.group(2) is not None and m.group(2) not in keep:
            dropped.add(m.group(1))
            continue
        m2 = re.match(r"^\t\t(\w+)\.SchemeBuilder\.AddToScheme,$", line)
        if m2 and m2.group(1) in dropped:
            continue
        lines.append(line)
    path.write_text("\n".join(lines) + "\n")


def prune_controllers(root: Path, scope: str) -> None:
    """Keeps the setup files of GROUPS and config; adds Setup_function / SetupGated_function."""
    ctrl = root / "internal" / "controller" / scope
    wanted = {f"zz_{g}_setup.go" for g in (*GROUPS, "config")}
    for f in ctrl.glob("zz_*_setup.go"):
        if f.name not in wanted:
            f.unlink()
    for gated in ("", "Gated"):
        calls = "\n".join(
            f"\tif err := Setup{gated}_{g}(mgr, o); err != nil {{\n\t\treturn err\n\t}}" for g in ("config", *GROUPS)
        )
        body = (
            f"// Setup{gated}_function sets up the controllers of the groups function-aws-dynamodb composes.\n"
            f"func Setup{gated}_function(mgr ctrl.Manager, o controller.Options) error {{\n{calls}\n\treturn nil\n}}\n"
        )
        (ctrl / f"zz_function{gated.lower()}_setup.go").write_text(
            "// Written by tools/provider/prepare.py.\n\npackage controller\n\nimport (\n"
            '\tctrl "sigs.k8s.io/controller-runtime"\n\n\t"github.com/crossplane/upjet/v2/pkg/controller"\n)\n\n' + body
        )


def write_main(root: Path) -> None:
    src = (root / "cmd" / "provider" / "dynamodb" / "zz_main.go").read_text()
    out = src.replace("_dynamodb(mgr,", "_function(mgr,")
    assert out.count("_function(mgr,") == 4, "the DynamoDB family's main changed shape"
    out = out.replace("provider-aws-dynamodb", "provider-aws-function-dynamodb")
    dst = root / "cmd" / "provider" / MAIN_NAME
    dst.mkdir(parents=True)
    (dst / "zz_main.go").write_text(out)


def fork_of(root: Path) -> tuple[str, str]:
    m = re.search(rf"^replace {re.escape(TF_MODULE)} => (\S+) (\S+)$", (root / "go.mod").read_text(), re.M)
    if not m:
        sys.exit(f"{root}/go.mod has no replace of {TF_MODULE}")
    return m.group(1), m.group(2)


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        sys.exit(__doc__)
    out, version = Path(argv[0]).resolve(), argv[1]
    patched = "--no-patches" not in argv[2:]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    provider_src = module_dir(PROVIDER_MODULE, version)
    provider = out / "provider-aws"
    provider.mkdir()
    for name in ("go.mod", "go.sum", "LICENSE"):
        shutil.copy(provider_src / name, provider / name)
    for name in ("apis", "config", "hack", "internal"):
        copy_tree(provider_src / name, provider / name, ignore=shutil.ignore_patterns("*_test.go", "testdata"))
    (provider / "cmd" / "provider" / "dynamodb").mkdir(parents=True)
    shutil.copy(provider_src / "cmd/provider/dynamodb/zz_main.go", provider / "cmd/provider/dynamodb/zz_main.go")
    for p in (provider / "go.mod", provider / "go.sum", provider / "cmd/provider/dynamodb/zz_main.go"):
        os.chmod(p, 0o644)
    for scope in SCOPES:
        prune_register(provider, scope, kept_groups(provider, scope))
        prune_controllers(provider, scope)
    write_main(provider)

    fork_path, fork_version = fork_of(provider)
    fork = out / "terraform-provider-aws"
    copy_tree(module_dir(fork_path, fork_version), fork, ignore=TF_SKIP)
    if patched:
        for patch in sorted(PATCHES.glob("*.patch")):
            subprocess.run(["patch", "-p1", "--forward", "--quiet", "-i", str(patch)], cwd=fork, check=True)
    subprocess.run(["go", "mod", "edit", f"-replace={TF_MODULE}=../terraform-provider-aws"], cwd=provider, check=True)
    print(f"{provider}: groups {', '.join(GROUPS)}; fork {fork_version}{' patched' if patched else ''}")


if __name__ == "__main__":
    main(sys.argv[1:])
