"""The Dutch asylum series 2013-2023 at national scale: time and memory (issue 12).

Runs ``baseline_2013`` with ``arrival_pattern="series"`` over the whole
shipped series (132 months, about 380,000 persons) at 100, 10 and 5 persons
per newcomer agent, each in a fresh process (so its peak memory is its own),
in the default world and, at 5 persons per agent, in the national world of
``bench_core.py`` (300,000 residents, 6,000 employers). Prints wall time,
peak memory, the agents that arrived and the worst month's queues (persons).

Usage: ``python benchmarks/bench_peaks.py [--quick]`` (``--quick``: 100 and 10 persons per agent only).
"""

from __future__ import annotations

import argparse
import sys
import time

from bench_core import NATIONAL, call_in_fresh_process, peak_rss_mb

MONTHS = 132  # 2013-01 to 2023-12
SCALES = (100.0, 10.0, 5.0)


def time_series(persons_per_newcomer: float, world: dict) -> dict:
    """Build and run the series; timings, memory, agents and the worst queues."""
    from model import IntegrationModel

    start = time.perf_counter()
    model = IntegrationModel(policy="baseline_2013", rng=1, arrival_pattern="series",
                             persons_per_newcomer=persons_per_newcomer, **world)
    built = time.perf_counter()
    model.run_for(MONTHS)
    done = time.perf_counter()
    queues = model.queue_table()
    worst = queues.drop(columns="month").max()
    return {"build_s": built - start, "run_s": done - built, "total_s": done - start, "agents": model.nc.n,
            "peak_rss_mb": peak_rss_mb(), "worst_emergency": float(worst["emergency_reception"]),
            "worst_waiting_for_house": float(worst["waiting_for_house"]),
            "worst_waiting_for_decision": float(worst["waiting_for_decision"]),
            "worst_month_emergency": int(queues.loc[queues["emergency_reception"].idxmax(), "month"])}


def in_fresh_process(persons_per_newcomer: float, world: dict) -> dict:
    """`time_series` in a new interpreter."""
    return call_in_fresh_process("bench_peaks", "time_series", persons_per_newcomer, world)


def main() -> int:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 5 persons per agent")
    args = parser.parse_args()
    runs = [(scale, "default world", {}) for scale in (SCALES[:2] if args.quick else SCALES)]
    if not args.quick:
        runs.append((SCALES[-1], "national world", NATIONAL | {"n_newcomers": 1000}))
    print("| persons per agent | world | agents | build + run (s) | peak memory (MB) "
          "| worst month in emergency reception | waiting for a house | waiting for a decision |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for scale, name, world in runs:
        r = in_fresh_process(scale, world)
        print(f"| {scale:g} | {name} | {r['agents']:,} | {r['build_s']:.2f} + {r['run_s']:.2f} "
              f"| {r['peak_rss_mb']:,.0f} | {r['worst_emergency']:,.0f} (month {r['worst_month_emergency']}) "
              f"| {r['worst_waiting_for_house']:,.0f} | {r['worst_waiting_for_decision']:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
