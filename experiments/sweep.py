"""`nieuwkomers sweep`: many runs over a grid or a sample of parameters, stored as they finish.

``nieuwkomers sweep CONFIG.toml --out DIR [--workers N | --scheduler ADDRESS] [--resume]``
writes ``DIR/points.csv``, ``DIR/results/`` (a Parquet dataset, one row per point x
replicate x kept month), ``DIR/by_group/`` (with the sweep file's ``by``),
``DIR/failures.csv``, ``DIR/sweep.toml`` and ``DIR/sweep.json``, as ``docs/sweeps.md``
describes. Runs are written in parts as they finish, so a sweep killed at any moment, even
with SIGKILL, keeps every part already written and never leaves a corrupt one; ``--resume``
then runs only the (point, replicate) pairs not stored.

The sweep itself (running, storing, reading back: `run_sweep`, `load_sweep`,
`load_by_group`) is `experiments.sweeping`; the sweep file's rules are in
`experiments.sweep_spec`, the backends in `experiments.executors`.
"""

from __future__ import annotations

import argparse
import os

from experiments.errors import UsageError
from experiments.executors import add_backend_arguments
from experiments.store import add_out_arguments
from experiments.sweep_spec import SweepSpec, read_spec
from experiments.sweeping import load_by_group, load_sweep, run_sweep

__all__ = ["load_by_group", "load_sweep", "run_sweep"]  # the sweep's Python API, as docs/sweeps.md shows it

HELP = ("Run a grid or sample of parameters (from a TOML sweep file) on local cores or a Dask "
        "cluster; results are stored as they finish and a killed sweep can --resume.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `sweep`."""
    parser.add_argument("config", metavar="CONFIG.toml", help="the sweep file (see docs/sweeps.md)")
    add_out_arguments(parser)
    add_backend_arguments(parser)
    parser.add_argument("--resume", action="store_true",
                        help="continue a sweep in --out: run only the (point, seed) pairs not yet stored")


def main(args: argparse.Namespace) -> int:
    """Check the sweep file, then run it."""
    spec = read_spec(args.config)
    summary = run_sweep(spec, args.out, workers=args.workers, scheduler=args.scheduler,
                        resume=args.resume, force=args.force)
    print(summary.line())
    for line in result_lines(spec, args.out):
        print(line)
    return 1 if summary.failed else 0


MAX_RESULT_POINTS = 100_000  # beyond this many points the result lines would read a large store: skipped


def result_lines(spec: SweepSpec, out: str | os.PathLike) -> list[str]:
    """What the sweep came to, one line per headline outcome it stores (`experiments.summary.RESULT_METRICS`).

    At the last stored month, mean over each point's seeds: the range across
    the points, and the point at the better end (the swept values). Empty when
    nothing is stored or the sweep is very large.
    """
    from experiments import summary as S
    from experiments.comparison.formatting import format_value

    metrics = [m for m in S.RESULT_METRICS if m in spec.metrics]
    if not metrics or spec.n_points > MAX_RESULT_POINTS:
        return []
    last = (spec.months[-1] if spec.months else int(round(12 * spec.years))) / 12
    try:
        table = load_sweep(out, metrics=metrics, years=[last], tidy=False)
    except UsageError:
        return []
    if table.empty:
        return []
    means = table.groupby("point_id")[metrics].mean()
    swept = table.drop_duplicates("point_id").set_index("point_id")[list(spec.swept)]
    lines = [f"at {last:g} year{'' if last == 1 else 's'}, mean over each point's seeds, across {len(means)} points:"]
    for m in metrics:
        metric, values = S.REPORT_METRICS[m], means[m].dropna()
        if values.empty:  # e.g. shares of permit holders before anyone has a permit
            lines.append(f"  {S.RESULT_METRICS[m]:<30} no value at any point")
            continue
        best = values.idxmin() if metric.better < 0 else values.idxmax()
        where = ", ".join(f"{k}={swept.loc[best, k]}" for k in swept.columns)
        lines.append(f"  {S.RESULT_METRICS[m]:<30} {format_value(metric, values.min())} .. "
                     f"{format_value(metric, values.max())} (best at point {best}: {where})")
    return lines
