"""Sweep scale: parallel efficiency of 2 local workers vs 1, and the sweeping process's memory over 1,000 runs.

Targets (issue 4): efficiency = throughput(2 workers) / (2 x throughput(1 worker)) >= 0.8,
measured over sweeps of default-size 10-year runs (the one-off start of the worker
pool, ~1 s of importing the project, is reported separately: it is not throughput);
the parent's resident memory grows by less than 100 MB over a sweep of 1,000 short runs.

Other processes on the machine take CPU from the workers: the efficiency is the
best of ``--repeats`` attempts, and the load average is printed with it.

Run: ``.venv/bin/python benchmarks/bench_sweep.py`` (part of ``make bench``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from experiments.executors import open_backend  # noqa: E402
from experiments.sweep import run_sweep  # noqa: E402
from experiments.sweep_spec import spec_from_dict  # noqa: E402
from experiments.sweep_task import versions  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "sweep"
EFFICIENCY_TARGET = 0.8
MEMORY_TARGET_MB = 100


def default_size_sweep(runs: int):
    """``runs`` default-size (1,000 newcomers, 10,000 residents) runs of 10 years."""
    return spec_from_dict({"years": 10, "seeds": runs // 2,
                           "grid": {"personal_plan": [False, True]}}, path="efficiency.toml")


def short_sweep(runs: int):
    """``runs`` short runs (a small world, 2 years), every metric and month stored."""
    return spec_from_dict({
        "years": 2, "seeds": runs // 4,
        "parameters": {"n_newcomers": 100, "n_residents": 1000, "n_employers": 20,
                       "grid_width": 40, "grid_height": 40},
        "grid": {"fine_eur": [0, 1250], "personal_plan": [False, True]},
    }, path="memory.toml")


def sweep_seconds(spec, workers: int, warm: bool = False) -> float:
    """Wall-clock seconds of a whole sweep; ``warm``: on a pool started (and excluded) beforehand."""
    out = OUT / f"w{workers}"
    shutil.rmtree(out, ignore_errors=True)
    backend = None
    if warm:
        backend = open_backend(workers)
        for future in [backend.executor.submit(versions) for _ in range(workers)]:
            future.result()
    start = time.perf_counter()
    summary = run_sweep(spec, out, workers=workers, progress=False, backend=backend)
    seconds = time.perf_counter() - start
    if backend is not None:
        backend.close()
    assert summary.stored == spec.n_runs, summary.line()
    return seconds


def efficiency(runs: int, repeats: int) -> bool:
    spec = default_size_sweep(runs)
    print(f"parallel efficiency: {spec.n_runs} default-size 10-year runs per sweep, best of {repeats}")
    best = 0.0
    for attempt in range(1, repeats + 1):
        load = os.getloadavg()[0]
        one = sweep_seconds(spec, 1)
        cold = sweep_seconds(spec, 2)
        warm = sweep_seconds(spec, 2, warm=True)
        eff, eff_cold = one / (2 * warm), one / (2 * cold)
        best = max(best, eff)
        print(f"  attempt {attempt} (load average before: {load:.1f} on {os.cpu_count()} cores):\n"
              f"    1 worker                        {one:6.1f} s  {spec.n_runs / one:5.2f} runs/s\n"
              f"    2 workers, pool start included  {cold:6.1f} s  {spec.n_runs / cold:5.2f} runs/s  "
              f"efficiency {eff_cold:.2f}\n"
              f"    2 workers, pool already started {warm:6.1f} s  {spec.n_runs / warm:5.2f} runs/s  "
              f"efficiency {eff:.2f}")
        if best >= EFFICIENCY_TARGET:
            break
    ok = best >= EFFICIENCY_TARGET
    print(f"  efficiency (pool started) {best:.2f} (target >= {EFFICIENCY_TARGET}): {'ok' if ok else 'MISSED'}")
    return ok


def memory(runs: int) -> bool:
    spec = short_sweep(runs)
    process = psutil.Process()
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), process.memory_info().rss))
            time.sleep(0.02)

    out = OUT / "memory"
    shutil.rmtree(out, ignore_errors=True)
    baseline = process.memory_info().rss
    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    summary = run_sweep(spec, out, workers=2, progress=False)
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - start
    assert summary.stored == spec.n_runs, summary.line()
    mb = 1024 * 1024

    def at(fraction: float) -> float:
        t = start + fraction * seconds
        return next((rss for when, rss in samples if when >= t), samples[-1][1]) / mb

    peak = max(rss for _, rss in samples)
    growth = (peak - baseline) / mb
    print(f"parent memory over {spec.n_runs} short runs on 2 workers ({seconds:.1f} s, "
          f"{spec.n_runs / seconds:.1f} runs/s):")
    print(f"  RSS before {baseline / mb:.0f} MB; at 10% {at(0.1):.0f} MB, 50% {at(0.5):.0f} MB, "
          f"90% {at(0.9):.0f} MB of the sweep; peak {peak / mb:.0f} MB")
    ok = growth < MEMORY_TARGET_MB
    print(f"  growth {growth:.0f} MB (target < {MEMORY_TARGET_MB} MB): {'ok' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="default-size runs per efficiency sweep")
    parser.add_argument("--memory-runs", type=int, default=1000, help="short runs in the memory sweep")
    parser.add_argument("--repeats", type=int, default=3, help="efficiency attempts (best counts)")
    args = parser.parse_args()
    ok_memory = memory(args.memory_runs)
    ok_efficiency = efficiency(args.runs, args.repeats)
    shutil.rmtree(OUT, ignore_errors=True)
    return 0 if ok_memory and ok_efficiency else 1


if __name__ == "__main__":
    sys.exit(main())
