"""`nieuwkomers validate`: does the model reproduce the Dutch record and the measured policy effects?

For many seeds, runs every scenario of ``model.calibration.SCENARIOS``
(`baseline_2013`, a personal plan alone, a longer asylum wait, a later right to
work, and every policy), measures each target as ``model.calibration``
defines it (effects as differences from the baseline with the same seed), and
prints target, band, model mean with its 95% confidence interval across
seeds, whether the mean lies inside the band, and the source. Exits 1 when
any target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import tqdm

from experiments.errors import UsageError
from experiments.runner import run_simulation
from experiments.store import OutputFolder, add_out_arguments, check_out_dir, write_text
from model import IntegrationModel
from model.calibration import (
    FOGED_EXTRA_HOURS,
    MEASURES,
    SCENARIOS,
    SNAPSHOT_EVERY,
    language_gain,
    load_targets,
)

HELP = ("Check the baseline against the Dutch record and the policies against measured effects "
        "(exit 1 if a band is missed).")
FOGED_SCALE = 4  # the Foged experiment runs on a 4x larger world, for precision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `validate`."""
    parser.add_argument("--seeds", type=int, default=20, help="seeds to average over (default 20)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: all cores)")
    add_out_arguments(parser, required=False, help="also write the table as DIR/validation.csv and .md")


def measure_seed(seed: int, params: dict | None = None) -> dict[str, float]:
    """All target measurements of one seed: every scenario, and the Foged experiment.

    Args:
        seed: The seed shared by every scenario (common random numbers).
        params: Parameter overrides applied to every scenario (a calibration's
            candidate); the scenarios' own changes come on top.
    """
    params = dict(params or {})
    runs = {
        name: run_simulation(scenario.policy, seed, scenario.months / 12, scenario.params(params),
                             SNAPSHOT_EVERY).newcomers
        for name, scenario in SCENARIOS.items()
    }
    values = {target: measure(runs) for target, measure in MEASURES.items()}
    big = IntegrationModel(
        policy="baseline_2013", rng=seed, **{**params, "extra_course_hours": FOGED_EXTRA_HOURS},
        n_newcomers=1000 * FOGED_SCALE, n_residents=10_000 * FOGED_SCALE, n_employers=200 * FOGED_SCALE,
    )
    values["language_hours"] = language_gain(big)
    return values


def confidence_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean (NaNs dropped)."""
    values = values[np.isfinite(values)]
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def validate(seeds: int = 20, workers: int = 1, progress: bool = True, params: dict | None = None) -> pd.DataFrame:
    """Run the calibration check and return the table (one row per target).

    Args:
        seeds: Seeds 0 .. seeds-1.
        workers: Worker processes.
        progress: Show a progress bar on stderr.
        params: Parameter overrides for every scenario (default: the model's defaults).
    """
    per_seed: list[dict[str, float]] = []
    if workers <= 1:
        for seed in tqdm(range(seeds), desc="validate", unit="seed", file=sys.stderr, disable=not progress):
            per_seed.append(measure_seed(seed, params))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(measure_seed, seed, params) for seed in range(seeds)]
            for future in tqdm(as_completed(futures), total=seeds, desc="validate", unit="seed",
                               file=sys.stderr, disable=not progress):
                per_seed.append(future.result())
    rows = []
    for target in load_targets():
        mean, low, high = confidence_interval(np.array([v[target.id] for v in per_seed], dtype=float))
        rows.append({
            "id": target.id, "kind": target.kind, "what": target.what, "low": target.low, "high": target.high,
            "point": target.point, "model_mean": mean, "ci_low": low, "ci_high": high,
            "inside": bool(target.contains(mean)), "n_seeds": seeds, "source": target.source,
        })
    return pd.DataFrame(rows)


KIND_TITLES = {"fact": "The Dutch record under the 2013 regime (baseline_2013)",
               "effect": "Measured effects of programmes and rules (difference from baseline_2013, same seeds)"}


def format_table(table: pd.DataFrame) -> str:
    """The validation table as aligned text: one line per target, its whole source on the next."""
    lines = []
    for kind, rows in table.groupby("kind", sort=False):
        lines += ["" if lines else None, KIND_TITLES.get(kind, kind),
                  f"  {'target':23s} {'band':>16s} {'model mean [95% CI]':>28s}  inside  what"]
        for r in rows.itertuples():
            band = f"[{r.low:g}, {r.high:g}]"
            model = f"{r.model_mean:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]"
            lines.append(f"  {r.id:23s} {band:>16s} {model:>28s}  {'yes' if r.inside else 'NO ':6s}  {r.what}")
            lines.append(f"  {'':23s} source: {r.source}")
    return "\n".join(line for line in lines if line is not None)


def main(args: argparse.Namespace) -> int:
    """Run, print, and exit 1 if a target is missed."""
    if not 2 <= args.seeds <= 1000:
        raise UsageError(f"--seeds {args.seeds} is not allowed: expected an integer in [2, 1000]")
    if args.workers < 1:
        raise UsageError(f"--workers {args.workers} is not allowed: expected an integer >= 1")
    out = check_out_dir(args.out, "validate", args.force) if args.out else None
    table = validate(args.seeds, args.workers)
    text = format_table(table)
    print(text)
    missed = table.loc[~table["inside"], "id"].tolist()
    print(f"\n{len(table) - len(missed)} of {len(table)} targets inside their band"
          + (f"; missed: {', '.join(missed)}" if missed else ""))
    if out:
        with OutputFolder(out, "validate", args.force) as folder:
            write_text(table.to_csv(index=False), folder.staging / "validation.csv")
            write_text("```\n" + text + "\n```\n", folder.staging / "validation.md")
    return 1 if missed else 0
