"""``python -m e2e up|down|run [--aws]``: ``make controlplane-up``, ``controlplane-down``,
``e2e`` and (with ``--aws``) ``controlplane-up-aws`` and ``e2e-aws``.

``up`` leaves everything running (state in .e2e/, kubeconfig at .e2e/kubeconfig);
``down`` stops exactly what ``up`` recorded; ``run`` brings it up, runs the e2e
scenarios with pytest, and tears down whatever happens, Ctrl-C and SIGTERM included.
Without ``--aws`` the scenarios under e2e/ play the provider (e2e/provider.py); with
it the real provider runs against the AWS emulator and the scenarios under e2e/aws/
run instead (docs/e2e.md).
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

from e2e import controlplane, crossplane, procs, provider_aws
from e2e.controlplane import STATE_DIR, State


def _up(real_provider: bool) -> State:
    state = controlplane.up()
    try:
        crossplane.up(state, real_provider)
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


def _run(pytest_args: list[str], real_provider: bool) -> int:
    # Explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    started = time.monotonic()
    state = None
    try:
        state = _up(real_provider)
        print(f"control plane up in {time.monotonic() - started:.0f}s", flush=True)
        sampler = _PeakMemory(state)
        sampler.start()
        scenarios = "e2e/aws" if real_provider else "e2e"
        env = {**os.environ, provider_aws.SCENARIOS_ENV: provider_aws.MODE if real_provider else ""}
        proc = subprocess.Popen([sys.executable, "-m", "pytest", scenarios, *pytest_args], env=env)
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
                f" Crossplane, function, {'provider, emulator, ' if real_provider else ''}"
                f"pytest: {sampler.peak_kib / 1024:.0f} MiB",
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
    up = sub.add_parser("up", help="start and leave running; kubeconfig at .e2e/kubeconfig")
    sub.add_parser("down", help="stop what `up` started")
    run = sub.add_parser(
        "run", help="up, run the e2e scenarios (extra arguments go to pytest), down"
    )
    for command in (up, run):
        command.add_argument(
            "--aws",
            action="store_true",
            help="the real provider against the AWS emulator (make e2e-aws), not the stand-in",
        )
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "up":
        try:
            state = _up(args.aws)
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
    return _run(rest, args.aws)


if __name__ == "__main__":
    sys.exit(main())
