"""The one /etc/hosts line that points the Function Service's DNS name at 127.0.0.1.

Crossplane resolves ``<service>.crossplane-system`` with the system resolver; with no
cluster DNS, /etc/hosts is the one place both the Go and the C resolver read. The
line carries a marker with the state directory, so ``remove`` deletes exactly it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from e2e.procs import HarnessError

if TYPE_CHECKING:
    from e2e.controlplane import State

HOSTS = Path("/etc/hosts")


def _marker(state: State) -> str:
    return f"# function-aws-dynamodb e2e {state.dir}"


def add(name: str, state: State) -> None:
    line = f"127.0.0.1 {name} {_marker(state)}\n"
    try:
        text = HOSTS.read_text()
        if line not in text:
            HOSTS.write_text(text + ("" if text.endswith("\n") or not text else "\n") + line)
    except OSError as exc:
        raise HarnessError(
            f"cannot add '{line.strip()}' to {HOSTS} ({exc}); the harness must run as root"
        ) from exc
    state.extra["hosts"] = name
    state.save()


def remove(state: State) -> None:
    marker = _marker(state)
    try:
        text = HOSTS.read_text()
    except OSError:
        return
    kept = [line for line in text.splitlines(keepends=True) if not line.rstrip().endswith(marker)]
    if len(kept) != len(text.splitlines(keepends=True)):
        # Rewrite in place: /etc/hosts may be a bind mount that cannot be replaced.
        HOSTS.write_text("".join(kept))
