"""`nieuwkomers validate`: does the model reproduce the Dutch record and the measured policy effects?

For many seeds, runs every scenario of ``model.calibration.SCENARIOS``
(`baseline_2013`, a personal plan alone, a longer asylum wait, a later right to
work, and every policy), measures each target as ``model.calibration``
defines it (effects as differences from the baseline with the same seed), and
prints target, band, model mean with its 95% confidence interval across
seeds, whether the mean lies inside the band, and the source. Exits 1 when
a fitted target is missed; the patterns kept aside from the fit (role
``check`` in ``targets.csv``) are reported on their own line, out-of-sample,
and do not change the exit code.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

import numpy as np
import pandas as pd

from experiments.errors import UsageError
from experiments.executors import Backend, add_backend_arguments, open_backend, run_in_order
from experiments.runner import run_simulation
from experiments.store import OutputFolder, add_out_arguments, write_text
from model import IntegrationModel
from model.calibration import (
    EXPERIMENT_TARGETS,
    FOGED_EXTRA_HOURS,
    MEASURES,
    REQUIRED_SCENARIOS,
    SCENARIOS,
    SNAPSHOT_EVERY,
    language_gain,
    load_targets,
    scenarios_for,
)
from model.parameters import DEFAULTS, as_parameters
from model.posterior import Posterior, shipped_posterior

HELP = ("Check the baseline against the Dutch record and the policies against measured effects "
        "(exit 1 if a fitted target's band is missed; patterns kept aside are reported).")
FOGED_SCALE = 4  # the Foged experiment runs on a 4x larger world, for precision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `validate`."""
    parser.add_argument("--seeds", type=int, default=20, help="seeds to average over (default 20)")
    parser.add_argument("--posterior", type=int, default=0, metavar="K",
                        help="instead, run K parameter sets drawn from the calibration's posterior (one seed "
                             "each) and show each target's posterior-predictive 90%% interval beside its band")
    add_out_arguments(parser, required=False, help="also write the table as DIR/validation.csv and .md")
    add_backend_arguments(parser)


def measure_seed(
    seed: int,
    params: dict | None = None,
    scenarios: Iterable[str] | None = None,
    foged_scale: int = FOGED_SCALE,
    targets: Iterable[str] | None = None,
) -> dict[str, float]:
    """Target measurements of one seed: the scenarios they need, and the Foged experiment.

    Args:
        seed: The seed shared by every scenario (common random numbers).
        params: Parameter overrides applied to every scenario (a calibration's
            candidate, a posterior draw, a smaller world); the scenarios' own
            changes come on top.
        scenarios: Scenarios to run (default: every one of ``SCENARIOS``). A
            target whose scenarios are not all run is not measured, except the
            ceilings, which take the highest (lowest) over the policies run.
        foged_scale: How many times larger the world of the Foged experiment is.
        targets: Targets to measure (default: every target).
    """
    params = dict(params or {})
    wanted = list(targets) if targets is not None else [*MEASURES, *EXPERIMENT_TARGETS]
    chosen = set(scenarios) if scenarios is not None else set(SCENARIOS)
    chosen &= {s for t in wanted for s in scenarios_for(t)} | ({"baseline"} if wanted else set())
    runs = {
        name: run_simulation(scenario.policy, seed, scenario.months / 12, scenario.params(params),
                             SNAPSHOT_EVERY).newcomers
        for name, scenario in SCENARIOS.items() if name in chosen
    }
    values = {target: MEASURES[target](runs) for target in wanted
              if target in MEASURES and set(REQUIRED_SCENARIOS.get(target, ("baseline",))) <= runs.keys()}
    if "language_hours" in wanted:
        size = {name: int(round(float(params.get(name, DEFAULTS[name])) * foged_scale))
                for name in ("n_newcomers", "n_residents", "n_employers")}
        big = IntegrationModel(policy="baseline_2013", rng=seed,
                               **{**params, **size, "extra_course_hours": FOGED_EXTRA_HOURS})
        values["language_hours"] = language_gain(big)
    return values


def confidence_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean (NaNs dropped)."""
    values = values[np.isfinite(values)]
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    from scipy import stats  # here, not at the top: the command line starts without it

    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def validate(seeds: int = 20, workers: int | None = 1, progress: bool = True, params: dict | None = None,
             scheduler: str | None = None) -> pd.DataFrame:
    """Run the calibration check and return the table (one row per target).

    Args:
        seeds: Seeds 0 .. seeds-1.
        workers: Worker processes (None: every core).
        progress: Show a progress bar on stderr.
        params: Parameter overrides for every scenario (default: the model's defaults).
        scheduler: A Dask scheduler's address, instead of local workers.
    """
    per_seed = _measure_all([(seed, params) for seed in range(seeds)], workers, scheduler, progress, "seed")
    rows = []
    for target in load_targets():
        mean, low, high = confidence_interval(np.array([v[target.id] for v in per_seed], dtype=float))
        rows.append({
            "id": target.id, "kind": target.kind, "what": target.what, "low": target.low, "high": target.high,
            "point": target.point, "model_mean": mean, "ci_low": low, "ci_high": high,
            "inside": bool(target.contains(mean)), "n_seeds": seeds, "source": target.source, "role": target.role,
        })
    return pd.DataFrame(rows)


def _measure_all(jobs: list[tuple[int, dict | None]], workers: int | None, scheduler: str | None,
                 progress: bool, unit: str, backend: Backend | None = None) -> list[dict[str, float]]:
    """`measure_seed` for every (seed, params) job on ``backend`` (or one opened here), in job order."""
    if backend is not None:
        return run_in_order(backend, measure_seed, jobs, "validate", unit, progress)
    with open_backend(workers, scheduler, jobs=len(jobs)) as backend:
        return run_in_order(backend, measure_seed, jobs, "validate", unit, progress)


PREDICTIVE = (0.05, 0.95)  # the posterior-predictive interval: 90%


def posterior_check(draws: int = 20, workers: int | None = 1, progress: bool = True,
                    scheduler: str | None = None) -> pd.DataFrame:
    """Each target's posterior-predictive distribution under the shipped posterior (see `posterior_values`).

    Raises:
        ValueError: If no posterior ships with the installation.
    """
    posterior = shipped_posterior()
    return posterior_values(posterior, draws, workers, progress, scheduler=scheduler)[0]


def posterior_values(posterior: Posterior, draws: int, workers: int | None = 1, progress: bool = True,
                     base: dict | None = None, scheduler: str | None = None,
                     backend: Backend | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every target under ``draws`` parameter sets drawn from ``posterior``, one seed each.

    Draw ``i`` runs seed ``i``, so the spread holds seed noise as well as
    parameter uncertainty: it is where a new run of the calibrated model lands.

    Args:
        posterior: The posterior to draw from.
        draws: Parameter sets.
        workers: Worker processes (None: every core).
        progress: Show a progress bar.
        base: Overrides under every draw (e.g. the world size of a calibration).
        scheduler: A Dask scheduler's address, instead of local workers.
        backend: An open backend to run on (then ``workers`` and ``scheduler`` are ignored).

    Returns:
        One row per target (band, predictive mean, median and 90% interval, share
        of draws inside the band, ``inside`` when the median is), and the values
        in long form (``draw, id, value``).
    """
    sets = [{**(base or {}), **as_parameters(d)} for d in posterior.draw(draws, seed=0)]
    values = _measure_all(list(enumerate(sets)), workers, scheduler, progress, "draw", backend)
    rows = []
    for target in load_targets():
        v = np.array([x.get(target.id, np.nan) for x in values], dtype=float)
        v = v[np.isfinite(v)]
        some = v.size > 0
        median = float(np.median(v)) if some else float("nan")
        rows.append({
            "id": target.id, "kind": target.kind, "what": target.what, "low": target.low, "high": target.high,
            "point": target.point, "predictive_mean": float(v.mean()) if some else float("nan"),
            "predictive_median": median,
            "predictive_low": float(np.quantile(v, PREDICTIVE[0])) if some else float("nan"),
            "predictive_high": float(np.quantile(v, PREDICTIVE[1])) if some else float("nan"),
            "share_inside": float(np.mean([target.contains(x) for x in v])) if some else float("nan"),
            "inside": bool(target.contains(median)), "n_draws": draws, "source": target.source,
            "role": target.role,
        })
    long = pd.DataFrame([{"draw": i, "id": t, "value": v} for i, x in enumerate(values) for t, v in x.items()])
    return pd.DataFrame(rows), long


KIND_TITLES = {"fact": "The Dutch record under the 2013 regime (baseline_2013)",
               "effect": "Measured effects of programmes and rules (difference from baseline_2013, same seeds)",
               "check": "Kept aside: patterns not used to fit the calibrated parameters (baseline_2013)"}


def _grouped(table: pd.DataFrame, model_header: str, third: str, row_lines) -> str:
    """Targets grouped by kind under a title: a header line, then ``row_lines(row)`` for each target."""
    lines = []
    role = table["role"] if "role" in table else pd.Series("fit", index=table.index)
    section = table["kind"].where(role != "check", "check")
    for kind, rows in table.groupby(section, sort=False):
        lines += ["" if lines else None, KIND_TITLES.get(kind, kind),
                  f"  {'target':23s} {'band':>16s} {model_header:>28s}  {third}  what"]
        for r in rows.itertuples():
            lines += row_lines(r, f"[{r.low:g}, {r.high:g}]")
    return "\n".join(line for line in lines if line is not None)


def format_posterior_table(table: pd.DataFrame) -> str:
    """The posterior-predictive table as aligned text, grouped like `format_table`."""
    def row(r, band: str) -> list[str]:
        model = f"{r.predictive_median:.3f} [{r.predictive_low:.3f}, {r.predictive_high:.3f}]"
        return [f"  {r.id:23s} {band:>16s} {model:>28s}  {r.share_inside:6.0%}   {r.what}"]

    return _grouped(table, "median [90% predictive]", "in band", row)


def format_table(table: pd.DataFrame) -> str:
    """The validation table as aligned text: one line per target, its whole source on the next."""
    def row(r, band: str) -> list[str]:
        model = f"{r.model_mean:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]"
        return [f"  {r.id:23s} {band:>16s} {model:>28s}  {'yes' if r.inside else 'NO ':6s}  {r.what}",
                f"  {'':23s} source: {r.source}"]

    return _grouped(table, "model mean [95% CI]", "inside", row)


def main(args: argparse.Namespace) -> int:
    """Run, print, and exit 1 if a target is missed."""
    if not 2 <= args.seeds <= 1000:
        raise UsageError(f"--seeds {args.seeds} is not allowed: expected an integer in [2, 1000]")
    if args.posterior and not 2 <= args.posterior <= 1000:
        raise UsageError(f"--posterior {args.posterior} is not allowed: expected 0 or an integer in [2, 1000]")
    folder = OutputFolder(args.out, "validate", args.force) if args.out else None  # checked and locked now
    try:
        if args.posterior:
            table = posterior_check(args.posterior, args.workers, scheduler=args.scheduler)
            text = format_posterior_table(table)
            name = "posterior_check"
            summary = "targets whose posterior-predictive median lies inside their band"
        else:
            table = validate(args.seeds, args.workers, scheduler=args.scheduler)
            text = format_table(table)
            name = "validation"
            summary = "targets inside their band"
        print(text)
        fitted = table["role"] != "check"
        missed = table.loc[fitted & ~table["inside"], "id"].tolist()
        print(f"\n{int(fitted.sum()) - len(missed)} of {int(fitted.sum())} {summary}"
              + (f"; missed: {', '.join(missed)}" if missed else ""))
        if not fitted.all():  # patterns kept aside are reported, but do not make the check fail
            aside, outside = table.loc[~fitted], table.loc[~fitted & ~table["inside"], "id"].tolist()
            print(f"kept aside (not fitted): {len(aside) - len(outside)} of {len(aside)} inside"
                  + (f"; outside: {', '.join(outside)}" if outside else ""))
        if folder is not None:
            write_text(table.to_csv(index=False), folder.staging / f"{name}.csv")
            write_text("```\n" + text + "\n```\n", folder.staging / f"{name}.md")
            folder.commit()
    finally:
        if folder is not None:
            folder.discard()
    return 1 if missed else 0
