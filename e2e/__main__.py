"""``python -m e2e up|down|run``: ``make controlplane-up``, ``controlplane-down`` and ``e2e``.

``up`` leaves everything running (state in .e2e/, kubeconfig at .e2e/kubeconfig);
``down`` stops exactly what ``up`` recorded; ``run`` brings it up, runs the e2e
scenarios with pytest, and tears down whatever happens, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

from e2e import controlplane, crossplane, procs
from e2e.controlplane import STATE_DIR, State


def _up() -> State:
    state = controlplane.up()
    try:
        crossplane.up(state)
    except AssertionError as exc:
        if os.environ.get("E2E_KEEP"):
            raise procs.HarnessError(f"{exc} (left running: E2E_KEEP is set)") from exc
        controlplane.down(state)
        raise procs.HarnessError(str(exc)) from exc
    except BaseException:
        if not os.environ.get("E2E_KEEP"):
            controlplane.down(state)
        raise
    return state


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


class _PeakMemory(threading.Thread):
    """Samples the resident memory of everything the harness started, plus pytest."""

    def __init__(self, state: State) -> None:
        super().__init__(daemon=True)
        self.state, self.peak_kib = state, 0
        self.extra_pids: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            pids = [*self.state.pids.values(), *self.extra_pids]
            self.peak_kib = max(self.peak_kib, procs.rss_kib(pids))


def _run(pytest_args: list[str]) -> int:
    # Explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    started = time.monotonic()
    state = None
    try:
        state = _up()
        print(f"control plane up in {time.monotonic() - started:.0f}s", flush=True)
        sampler = _PeakMemory(state)
        sampler.start()
        proc = subprocess.Popen([sys.executable, "-m", "pytest", "e2e", *pytest_args])
        sampler.extra_pids.append(proc.pid)
        try:
            return proc.wait()
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(30)
            sampler.done.set()
            print(
                f"e2e: {time.monotonic() - started:.0f}s wall, peak RSS of the control plane,"
                f" Crossplane, function and pytest: {sampler.peak_kib / 1024:.0f} MiB",
                flush=True,
            )
    except procs.HarnessError as exc:
        print(f"e2e: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print(f"e2e: interrupted ({exc}); stopping everything", file=sys.stderr)
        return 130
    finally:
        if state is not None:
            controlplane.down(state)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m e2e")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start and leave running; kubeconfig at .e2e/kubeconfig")
    sub.add_parser("down", help="stop what `up` started")
    sub.add_parser("run", help="up, run the e2e scenarios (extra arguments go to pytest), down")
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "up":
        try:
            state = _up()
        except procs.HarnessError as exc:
            print(f"controlplane-up: {exc}", file=sys.stderr)
            return 1
        print(
            f"control plane up; stop it with `make controlplane-down`.\n"
            f"  export KUBECONFIG={state.kubeconfig}\n"
            f"  .tools/bin/kubectl create namespace shop\n"
            f"  .tools/bin/kubectl apply -f examples/minimal/claim.yaml\n"
            f"logs: {state.logs}/"
        )
        return 0
    if args.command == "down":
        recorded = State.load(STATE_DIR)
        if recorded is None:
            print("no control plane state in .e2e/; nothing to stop")
            return 0
        controlplane.down(recorded)
        print("control plane stopped")
        return 0
    return _run(rest)


if __name__ == "__main__":
    sys.exit(main())
