"""kubectl (the one built into .tools/bin) against the e2e control plane, and bounded waits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from e2e import procs

ROOT = Path(__file__).resolve().parent.parent
KUBECTL = ROOT / ".tools" / "bin" / "kubectl"
T = TypeVar("T")


class Kube:
    def __init__(self, kubeconfig: Path) -> None:
        self.kubeconfig = kubeconfig
        # kubectl caches discovery (whether a kind is namespaced) for minutes; an
        # own cache, beside the kubeconfig, can be dropped when an XRD changes scope.
        self.cache_dir = kubeconfig.parent / "kubectl-cache"

    def forget_discovery(self) -> None:
        shutil.rmtree(self.cache_dir, ignore_errors=True)

    def run(
        self, *args: str, stdin: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        argv = [
            str(KUBECTL),
            f"--kubeconfig={self.kubeconfig}",
            f"--cache-dir={self.cache_dir}",
            *args,
        ]
        proc = subprocess.run(
            argv,
            input=stdin,
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "KUBECTL_COMMAND_HEADERS": "false"},
        )
        if check and proc.returncode != 0:
            raise procs.HarnessError(f"kubectl {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc

    def apply(self, manifest: str | Path, *extra: str) -> subprocess.CompletedProcess[str]:
        if isinstance(manifest, Path):
            return self.run(
                "apply", "--server-side", "--force-conflicts", "-f", str(manifest), *extra
            )
        return self.run(
            "apply", "--server-side", "--force-conflicts", "-f", "-", *extra, stdin=manifest
        )

    def get(self, kind: str, name: str | None = None, namespace: str | None = None) -> Any:
        """The object (or list) as JSON, or None when it does not exist."""
        args = ["get", kind, *([name] if name else []), "-o", "json"]
        if namespace:
            args += ["-n", namespace]
        proc = self.run(*args, check=False)
        if proc.returncode != 0:
            if "NotFound" in proc.stderr or "not found" in proc.stderr:
                return None
            raise procs.HarnessError(f"kubectl {' '.join(args)} failed: {proc.stderr.strip()}")
        return json.loads(proc.stdout)

    def items(self, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
        args = ["get", kind, "-o", "json"]
        args += ["-n", namespace] if namespace else ["--all-namespaces"]
        return list(json.loads(self.run(*args).stdout)["items"])

    def patch_status(
        self, kind: str, name: str, patch: dict[str, Any], namespace: str | None = None
    ) -> None:
        args = [
            "patch",
            kind,
            name,
            "--subresource=status",
            "--type=merge",
            "-p",
            json.dumps(patch),
        ]
        if namespace:
            args += ["-n", namespace]
        self.run(*args)


def eventually(
    what: str,
    probe: Callable[[], T | Literal[False] | None],
    timeout: float = 60,
    interval: float = 1.0,
) -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def condition(obj: dict[str, Any] | None, kind: str) -> dict[str, Any] | None:
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return dict(cond)
    return None


def is_true(obj: dict[str, Any] | None, kind: str) -> bool:
    cond = condition(obj, kind)
    return bool(cond and cond.get("status") == "True")


class Rest:
    """Raw API calls over the admin client certificate, for many quick requests."""

    def __init__(self, server: str, context: Any) -> None:
        self.server, self.context = server, context

    def create(self, path: str, body: dict[str, Any], dry_run: bool = True) -> tuple[int, Any]:
        # Strict, as kubectl validates by default: unknown fields are refused, not pruned.
        url = f"{self.server}{path}?fieldValidation=Strict" + ("&dryRun=All" if dry_run else "")
        req = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.context) as rsp:
                return int(rsp.status), json.loads(rsp.read())
        except urllib.error.HTTPError as err:
            return int(err.code), json.loads(err.read() or b"{}")
