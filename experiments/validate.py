"""`nieuwkomers validate`: does `baseline_2013` reproduce the calibration targets?

Runs the baseline for many seeds, measures each target as
``model.calibration`` defines it, and prints target, source, model mean with
its 95% confidence interval across seeds, and whether the mean lies inside the
band. Exits 1 when any target is missed.
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
from experiments.store import prepare_out_dir, write_text
from model import IntegrationModel
from model.calibration import (
    FOGED_EXTRA_HOURS,
    MEASURES,
    SNAPSHOT_EVERY,
    VALIDATION_MONTHS,
    language_gain,
    load_targets,
)

HELP = "Check that baseline_2013 lands inside every calibration band (exit 1 if not)."
FOGED_SCALE = 4  # the Foged experiment runs on a 4x larger world, for precision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `validate`."""
    parser.add_argument("--seeds", type=int, default=20, help="seeds to average over (default 20)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: all cores)")
    parser.add_argument("--out", help="also write the table as DIR/validation.csv and .md")


def measure_seed(seed: int) -> dict[str, float]:
    """All target measurements of one baseline run (and its Foged experiment)."""
    result = run_simulation("baseline_2013", seed, VALIDATION_MONTHS / 12, {}, SNAPSHOT_EVERY)
    values = {target: measure(result.newcomers) for target, measure in MEASURES.items()}
    big = IntegrationModel(
        policy="baseline_2013", rng=seed, extra_course_hours=FOGED_EXTRA_HOURS,
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


def validate(seeds: int = 20, workers: int = 1, progress: bool = True) -> pd.DataFrame:
    """Run the calibration check and return the table (one row per target)."""
    per_seed: list[dict[str, float]] = []
    if workers <= 1:
        for seed in tqdm(range(seeds), desc="validate", unit="seed", file=sys.stderr, disable=not progress):
            per_seed.append(measure_seed(seed))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(measure_seed, seed) for seed in range(seeds)]
            for future in tqdm(as_completed(futures), total=seeds, desc="validate", unit="seed",
                               file=sys.stderr, disable=not progress):
                per_seed.append(future.result())
    rows = []
    for target in load_targets():
        mean, low, high = confidence_interval(np.array([v[target.id] for v in per_seed], dtype=float))
        rows.append({
            "id": target.id, "what": target.what, "low": target.low, "high": target.high,
            "point": target.point, "model_mean": mean, "ci_low": low, "ci_high": high,
            "inside": bool(target.contains(mean)), "n_seeds": seeds, "source": target.source,
        })
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame) -> str:
    """The validation table as aligned text."""
    lines = [f"{'target':17s} {'band':>15s} {'model mean [95% CI]':>28s}  inside  source"]
    for r in table.itertuples():
        band = f"[{r.low:g}, {r.high:g}]"
        model = f"{r.model_mean:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]"
        source = r.source if len(r.source) <= 70 else r.source[:67] + "..."
        lines.append(f"{r.id:17s} {band:>15s} {model:>28s}  {'yes' if r.inside else 'NO ':6s}  {source}")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Run, print, and exit 1 if a target is missed."""
    if not 2 <= args.seeds <= 1000:
        raise UsageError(f"--seeds {args.seeds} is not allowed: expected an integer in [2, 1000]")
    if args.workers < 1:
        raise UsageError(f"--workers {args.workers} is not allowed: expected an integer >= 1")
    out = prepare_out_dir(args.out) if args.out else None
    table = validate(args.seeds, args.workers)
    text = format_table(table)
    print(text)
    missed = table.loc[~table["inside"], "id"].tolist()
    print(f"\n{len(table) - len(missed)} of {len(table)} targets inside their band"
          + (f"; missed: {', '.join(missed)}" if missed else ""))
    if out:
        write_text(table.to_csv(index=False), out / "validation.csv")
        write_text("```\n" + text + "\n```\n", out / "validation.md")
    return 1 if missed else 0
