"""`nieuwkomers run`: one policy, one or more seeds, written as Parquet tables and a run record.

With ``--by``, also ``by_group.csv``: the outcomes per group of newcomers (for whom),
at every whole year of the run and every whole year since the permit, mean over
the seeds with its 95% interval (`experiments.for_whom.by_group`; no difference:
one policy).
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd
from tqdm import tqdm

from experiments import for_whom as G
from experiments import summary as S
from experiments.errors import UsageError
from experiments.inputs import (
    NUMBERS_HELP,
    add_by_argument,
    check_common,
    check_range,
    check_seed,
    number_type,
    parse_overrides,
)
from experiments.provenance import versions
from experiments.runner import run_simulation
from experiments.store import OutputFolder, add_out_arguments, write_json, write_parquet
from model.inflow import surge_outside_horizon
from model.policies import POLICIES, POLICY_INFO, unknown_policy_message

HELP = "Run one policy for one or more seeds; write model.parquet, newcomers.parquet and run.json."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `run`."""
    parser.add_argument("--policy", required=True, help=f"one of: {', '.join(POLICIES)}")
    seeds = parser.add_mutually_exclusive_group()
    seeds.add_argument("--seeds", type=number_type(int, "--seeds"), help="run seeds 0..N-1 (default: 1 seed)")
    seeds.add_argument("--seed", type=number_type(int, "--seed"), help="run this one seed (default 0)")
    parser.add_argument("--years", type=number_type(float, "--years"), default=10.0,
                        help="horizon in years (default 10)")
    parser.add_argument("--snapshot-months", type=number_type(int, "--snapshot-months"), default=12,
                        help="months between newcomer snapshots (default 12)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override a parameter (repeatable), e.g. --set n_newcomers=500. {NUMBERS_HELP}")
    add_by_argument(parser, "Writes by_group.csv: every per-newcomer outcome per group, at every whole year "
                            "of the run (the snapshots at whole years, and the last) and every whole year "
                            "since the permit, mean over the seeds with its 95%% interval")
    add_out_arguments(parser)


def main(args: argparse.Namespace) -> int:
    """Run and write the tables."""
    if args.policy not in POLICIES:
        raise UsageError(unknown_policy_message(args.policy))
    check_common(args)
    if args.seeds is not None:
        check_range(args.seeds, "--seeds", 1, 10_000)
    if args.seed is not None:
        check_seed(args.seed)
    if args.snapshot_months < 0:
        raise UsageError(f"--snapshot-months {args.snapshot_months} is not allowed: expected an integer >= 0")
    overrides = parse_overrides(args.set)
    args.by = G.parse_groupings(args.by)
    problem = surge_outside_horizon({**POLICIES[args.policy], **overrides}, int(round(12 * args.years)))
    if problem:
        raise UsageError(problem)
    seeds = list(range(args.seeds)) if args.seeds else [args.seed or 0]
    with OutputFolder(args.out, "run", args.force) as folder:
        models = write_tables(args, seeds, overrides, folder.staging)
    out = folder.path
    by_group = f", {out / 'by_group.csv'}" if args.by else ""
    print(f"{args.policy}: " + S.run_result_line(models, S.cohort_size(overrides)))
    print(f"wrote {out / 'model.parquet'}, {out / 'newcomers.parquet'}{by_group} and {out / 'run.json'}")
    return 0


def write_tables(args: argparse.Namespace, seeds: list[int], overrides: dict, out) -> pd.DataFrame:
    """Run every seed, write model.parquet, newcomers.parquet and run.json into ``out``; returns the model tables."""
    started = time.time()
    models, newcomers, timings = [], [], {}
    for seed in tqdm(seeds, desc=f"run {args.policy}", unit="run", file=sys.stderr, disable=len(seeds) == 1):
        result = run_simulation(args.policy, seed, args.years, overrides, args.snapshot_months)
        models.append(result.model)
        newcomers.append(result.newcomers)
        timings[seed] = round(result.seconds, 3)
    models = pd.concat(models, ignore_index=True)
    write_parquet(models, out / "model.parquet")
    newcomers = pd.concat(newcomers, ignore_index=True)
    write_parquet(newcomers, out / "newcomers.parquet")
    if getattr(args, "by", None):
        table = G.by_group(newcomers, args.by, S.NEWCOMER_MEASURES)
        G.as_written(table).to_csv(out / "by_group.csv", index=False)
    write_json({
        "command": "run",
        "policy": args.policy,
        "seeds": seeds,
        "years": args.years,
        "snapshot_months": args.snapshot_months,
        "overrides": overrides,
        "by": [G.grouping_name(g) for g in getattr(args, "by", None) or ()],
        "parameters": {**POLICY_INFO[args.policy].values(), **overrides},
        "versions": versions(),
        "seconds_per_run": timings,
        "wall_seconds": round(time.time() - started, 3),
    }, out / "run.json")
    return models
