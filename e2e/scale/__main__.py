"""``python -m e2e.scale --claims N``: ``make e2e-scale N=...`` (docs/performance.md, Sizing)."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from e2e import procs
from e2e.scale import report, run


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m e2e.scale")
    parser.add_argument("--claims", type=int, default=1000, help="how many claims (default 1000)")
    parser.add_argument(
        "--steady", type=float, default=120, help="seconds to watch them once all are Ready"
    )
    parser.add_argument("--down", type=float, default=10, help="seconds the function is stopped")
    parser.add_argument(
        "--restart-at",
        type=float,
        default=0.5,
        help="stop the function once this fraction of the claims is Ready (0: never)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=0,
        help="seconds to wait for all (default: 60 + 3 per claim)",
    )
    args = parser.parse_args(argv)
    if args.claims < 1:
        parser.error("--claims must be at least 1")
    options = run.Options(
        claims=args.claims,
        steady=args.steady,
        down=args.down,
        restart_at=args.restart_at,
        timeout=args.timeout or 60 + 3 * args.claims,
    )
    # Explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    try:
        result = run.run(options)
    except procs.HarnessError as exc:
        print(f"e2e-scale: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print(f"e2e-scale: interrupted ({exc}); stopped everything", file=sys.stderr)
        return 130
    print(report.text(result))
    print(f"e2e-scale: figures in {run.save(result)}")
    complete = result["ready"] == args.claims and not result["refused"]
    return 0 if complete and not result["standin"]["deleted"] else 1


if __name__ == "__main__":
    sys.exit(main())
