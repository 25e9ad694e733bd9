"""CPU seconds and peak memory of the harness's processes, read from /proc.

A process is followed by name (``state.pids``), so a restarted function counts as
one: its CPU is the sum over every process that had the name, each at the last
value read (so read ``read_now`` just before stopping one).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from e2e.controlplane import State

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(stat: str) -> float:
    """utime + stime of a /proc/<pid>/stat line, in seconds."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_kib(status: str) -> int:
    """VmHWM (peak resident memory) of a /proc/<pid>/status text, in KiB."""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def machine_busy(stat: str) -> float:
    """CPU seconds every process on the machine used, from the ``cpu`` line of /proc/stat."""
    ticks = [int(v) for v in stat.splitlines()[0].split()[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / TICKS


class Sampler(threading.Thread):
    """Reads every process of ``state`` (and this one, as "harness") once a second."""

    def __init__(self, state: State) -> None:
        super().__init__(daemon=True)
        self.state = state
        self.lock = threading.Lock()
        self.cpu: dict[tuple[str, int], float] = {}
        self.peak: dict[tuple[str, int], int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            self.read_now()

    def read_now(self) -> None:
        pids = {**self.state.pids, "harness": os.getpid()}
        for name, pid in pids.items():
            with contextlib.suppress(OSError, ValueError, IndexError):
                cpu = cpu_seconds(Path(f"/proc/{pid}/stat").read_text())
                peak = peak_kib(Path(f"/proc/{pid}/status").read_text())
                with self.lock:
                    self.cpu[name, pid] = cpu
                    self.peak[name, pid] = max(peak, self.peak.get((name, pid), 0))

    def totals(self) -> dict[str, float]:
        """CPU seconds per process name, summed over its processes, and the machine's."""
        out = {"machine": machine_busy(Path("/proc/stat").read_text())}
        with self.lock:
            for (name, _), cpu in self.cpu.items():
                out[name] = out.get(name, 0.0) + cpu
        return out

    def peaks(self, name: str) -> list[int]:
        """VmHWM in KiB of each process that had ``name``, in the order they were seen."""
        with self.lock:
            return [kib for (n, _), kib in self.peak.items() if n == name]
