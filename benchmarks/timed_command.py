"""One ``nieuwkomers`` command, timed as a user would run it, with the machine's load around it.

Shared by the benchmarks that time a whole command (``bench_compare.py``,
``bench_design.py``): a fresh process on every core, its wall time, and the
load average before and after, because other processes on the machine take
CPU from the runs and a time means little without the load beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NIEUWKOMERS = [sys.executable, "-c", "import sys; from experiments.cli import main; sys.exit(main())"]


@dataclass(frozen=True)
class TimedCommand:
    """How a command went: its exit code, its error output, wall seconds, cores and load."""

    returncode: int
    stderr: str
    wall: float
    cores: int
    load_before: float
    load_after: float

    def load_line(self) -> str:
        """The report's line on the load average, to read the time by."""
        return (f"  load average         {self.load_before:.1f} before, {self.load_after:.1f} after "
                f"(above {self.cores} means other processes competed for the cores)")


def run_timed(arguments: list[str]) -> TimedCommand:
    """Run ``nieuwkomers *arguments`` from the project root and time it.

    On failure the tail of its error output goes to stderr, so the caller can
    return the exit code.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run([*NIEUWKOMERS, *arguments], cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    timed = TimedCommand(done.returncode, done.stderr, time.perf_counter() - started, cores,
                         load_before, os.getloadavg()[0])
    if timed.returncode != 0:
        print(timed.stderr[-2000:], file=sys.stderr)
    return timed
