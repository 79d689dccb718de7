"""`nieuwkomers sensitivity`: which parameters move a metric? Morris screening or Sobol indices (SALib).

``nieuwkomers sensitivity CONFIG.toml --metric M --year Y [--out DIR]`` reads a
sweep file whose ``[sample]`` has ``method = "morris"`` or ``"sobol"``, runs
its design as a sweep in ``DIR`` (continuing it if ``DIR`` already holds the
same sweep, so a second metric costs no new runs), averages the metric at year
Y over each point's seeds and writes:

- ``DIR/sensitivity-M-yearY.csv``: one row per parameter and index
  (Sobol: ``S1``, ``ST``; Morris: ``mu_star``, ``sigma``, ``mu``) with
  ``value`` and ``conf`` (half-width of the 95% confidence interval);
- ``DIR/sensitivity-M-yearY.png``: the indices as bars with their intervals.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.errors import UsageError
from experiments.executors import add_backend_arguments
from experiments.inputs import did_you_mean, number_type
from experiments.store import atomic_write
from experiments.sweep_spec import SweepSpec, read_spec
from experiments.sweeping import point_means, run_sweep

HELP = ("Morris screening or Sobol indices (SALib) of one metric at one year, over the "
        "[sample.ranges] of a sweep file; writes a table and a bar chart.")
CONF_LEVEL = 0.95
RESAMPLES = 1000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `sensitivity`."""
    parser.add_argument("config", metavar="CONFIG.toml",
                        help="a sweep file with [sample] method = \"morris\" or \"sobol\"")
    parser.add_argument("--metric", required=True, help="metric to explain, e.g. share_employed")
    parser.add_argument("--year", required=True, type=number_type(float, "--year"),
                        help="year at which to read the metric")
    parser.add_argument("--out", help="output directory, a sweep's folder (default: "
                                      "results/sensitivity/<config name>); the same sweep continues there")
    parser.add_argument("--force", action="store_true",
                        help="delete whatever --out holds first and run the design afresh")
    add_backend_arguments(parser)


def check_request(spec: SweepSpec, metric: str, year: float) -> None:
    """Check that the sweep file, metric and year suit a sensitivity analysis (else `UsageError`)."""
    if spec.method not in ("morris", "sobol"):
        raise UsageError(f"{spec.path.name}: sensitivity needs [sample] method = \"morris\" or "
                         f"\"sobol\" (this file has {spec.method!r})")
    if metric not in spec.metrics:
        raise UsageError(f"--metric {metric!r} is not a metric of this sweep"
                         + did_you_mean(metric, spec.metrics, f"; stored: {', '.join(spec.metrics)}"))
    month = 12 * year
    if not np.isclose(month, round(month)) or not 0 < round(month) <= round(12 * spec.years):
        raise UsageError(f"--year {year:g} is not allowed: expected whole months in (0, {spec.years:g}]")
    if spec.months is not None and int(round(month)) not in spec.months:
        kept = ", ".join(f"{m / 12:g}" for m in spec.months)
        raise UsageError(f"--year {year:g} is not stored by this sweep (years_to_keep: {kept})")


def analyse(spec: SweepSpec, outputs: np.ndarray) -> pd.DataFrame:
    """Sensitivity indices of one output per design point.

    Args:
        spec: A Morris or Sobol sweep.
        outputs: One value per point, in ``point_id`` order.

    Returns:
        One row per parameter and index: ``parameter``, ``index``, ``value``,
        ``conf`` (half-width of the 95% CI, NaN where there is none).

    Raises:
        ValueError: If the outputs do not fit the design or are constant.
    """
    y = np.asarray(outputs, dtype=float)
    if y.shape != (spec.n_points,):
        raise ValueError(f"expected {spec.n_points} outputs (one per point), got {y.shape[0]}")
    if not np.isfinite(y).all():
        raise ValueError(f"{int((~np.isfinite(y)).sum())} of {y.size} points have no value "
                         "(NaN: e.g. nobody in the denominator yet); choose a later year or another metric")
    if np.ptp(y) == 0:
        raise ValueError("the metric is the same at every point: there is no variation to attribute")
    from SALib.analyze import morris, sobol

    seed = spec.root_seed % 2**32
    names = spec.problem["names"]
    rows = []
    if spec.method == "sobol":
        result = sobol.analyze(spec.problem, y, calc_second_order=spec.sample["second_order"],
                               num_resamples=RESAMPLES, conf_level=CONF_LEVEL, seed=seed)
        for index in ("S1", "ST"):
            for name, value, conf in zip(names, result[index], result[f"{index}_conf"], strict=True):
                rows.append((name, index, value, conf))
    else:
        result = morris.analyze(spec.problem, spec.design, y, num_resamples=RESAMPLES,
                                conf_level=CONF_LEVEL, num_levels=spec.sample["levels"], seed=seed)
        for i, name in enumerate(names):
            rows.append((name, "mu_star", result["mu_star"][i], result["mu_star_conf"][i]))
            rows.append((name, "sigma", result["sigma"][i], np.nan))
            rows.append((name, "mu", result["mu"][i], np.nan))
    table = pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])
    table[["value", "conf"]] = table[["value", "conf"]].astype(float)
    return table


def sensitivity_of(spec: SweepSpec, out: str | Path, metric: str, year: float) -> pd.DataFrame:
    """Indices of ``metric`` at ``year`` from the sweep stored in ``out``.

    Raises:
        RuntimeError: If some points have no stored run (see failures.csv).
    """
    means = point_means(out, metric, year).set_index("point_id")
    missing = spec.n_points - len(means)
    if missing:
        raise RuntimeError(f"{missing} of {spec.n_points} points have no stored run (see "
                           f"{Path(out) / 'failures.csv'}); fix them and run again to resume")
    table = analyse(spec, means["mean"].reindex(range(spec.n_points)).to_numpy())
    table.insert(0, "metric", metric)
    table.insert(1, "year", year)
    table.insert(2, "method", spec.method)
    return table


def main(args: argparse.Namespace) -> int:
    """Run (or finish) the design, then compute, write and print the indices."""
    spec = read_spec(args.config)
    check_request(spec, args.metric, args.year)
    out = Path(args.out) if args.out else Path("results") / "sensitivity" / spec.path.stem
    summary = run_sweep(spec, out, workers=args.workers, scheduler=args.scheduler, resume=True,
                        force=args.force)
    print(summary.line(), file=sys.stderr)
    try:
        table = sensitivity_of(spec, out, args.metric, args.year)
    except (RuntimeError, ValueError) as err:
        print(f"nieuwkomers sensitivity: {err}", file=sys.stderr)
        return 1
    stem = f"sensitivity-{args.metric}-year{args.year:g}"
    atomic_write(out / f"{stem}.csv", lambda tmp: table.to_csv(tmp, index=False))
    from viz.sweep_figures import sensitivity_bars, years_text

    what = "Sobol indices" if spec.method == "sobol" else "Morris screening"
    fig = sensitivity_bars(table, title=f"{what} of {args.metric} after {years_text(args.year)}\n"
                                        f"{spec.n_points} points × {spec.seeds} seeds")
    atomic_write(out / f"{stem}.png", lambda tmp: fig.savefig(tmp, format="png", dpi=130))
    _print(table)
    print(f"wrote {out / (stem + '.csv')} and {out / (stem + '.png')}")
    return 0


def _print(table: pd.DataFrame) -> None:
    wide = table.pivot_table(index="parameter", columns="index", values=["value", "conf"], sort=False)
    lead = "ST" if "ST" in set(table["index"]) else "mu_star"
    order = table[table["index"] == lead].sort_values("value", ascending=False)["parameter"]
    indices = [i for i in ("S1", "ST", "mu_star", "sigma", "mu") if i in set(table["index"])]
    header = f"{'parameter':32s}" + "".join(f"{i:>18s}" for i in indices)
    print(header)
    for name in order:
        cells = []
        for index in indices:
            value = wide.loc[name, ("value", index)]
            conf = wide.loc[name, ("conf", index)] if ("conf", index) in wide.columns else np.nan
            cells.append(f"{value:10.4g} ± {conf:<5.2g}" if np.isfinite(conf) else f"{value:18.4g}")
        print(f"{name:32s}" + "".join(f"{c:>18s}" for c in cells))
