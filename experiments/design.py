"""`nieuwkomers design`: which package of measures, for what money, robust over the posterior.

Screen mode (the default): the presets plus a space-filling
sample of packages (`experiments.designing.space`) all run on the same K
posterior draws × S seeds (``compare --posterior K --seeds S``'s, so a preset's
numbers are compare's); each objective is the paired difference from
``baseline_2013`` (or ``--reference``, another preset) on the same draw and seed.
Non-dominated sorting with a
tolerance of twice the Monte Carlo error (`experiments.designing.front`) keeps
the packages no other beats within the budget; those are **re-evaluated on
fresh draws and seeds** (`experiments.designing.evaluate.fresh_stage`) before
anything is reported, since the screen's own runs flatter its winners.
Search mode (``--mode search``, for a cluster): NSGA-II proposes the packages
instead (`experiments.designing.search`), resumable from its journal in ``--out``
(``--resume``); the same ranking and re-evaluation follow. Then the front and the
reference run again under a steady inflow and under a surge on the re-evaluation's
draws and seeds (`experiments.designing.inflow`, ``--inflow``), and PRIM finds where in
the posterior and the inflow each front package stops beating the reference
(`experiments.designing.discovery`).

Writes to ``--out`` (staged, marked, swapped in whole like every command):
``packages.csv`` (every package, both stages, tidy), ``pareto.csv`` (the
re-evaluated finalists, one row each, ``on_front`` for the front),
``prim.csv`` (when does the choice fail: PRIM boxes over the posterior's parameters and the
inflow), ``inflow.csv`` (the front and the reference under a steady inflow and under a surge,
`experiments.designing.inflow`; not with ``--inflow steady``), ``summary.md`` (the front in plain
words), ``figures/*.png`` and ``design.json``; with
``--readme``, the README's generated block (`experiments.designing.readme`).

The command's arguments, its checks of bad input (one line each) and the order of its stages
are here, each stage in `experiments.designing`.

Python API::

    from experiments.design import design
    result = design(budget=60_000, draws=4, seeds=2, samples=8, params={"n_newcomers": 200})
    result.pareto
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.designing import discovery as D
from experiments.designing import evaluate as E
from experiments.designing import front as F
from experiments.designing import inflow as INF
from experiments.designing import readme as RM
from experiments.designing import search as SEARCH
from experiments.designing.report import DesignResult, render_figures, summary_markdown
from experiments.designing.space import (
    REFERENCE,
    Package,
    parse_levers,
    parse_objectives,
    preset_packages,
    sample_packages,
)
from experiments.errors import UsageError
from experiments.executors import add_backend_arguments, open_backend
from experiments.inputs import (
    NUMBERS_HELP,
    add_reference_argument,
    check_common,
    check_range,
    check_readme,
    check_reference,
    number_type,
    parse_overrides,
    split_list,
)
from experiments.runner import build_model
from experiments.store import (
    OutputFolder,
    add_out_arguments,
    claim_growing_folder,
    holding,
    move_in,
    write_json,
)
from model.parameters import SEARCHABLE

HELP = ("Find the packages of measures no other beats on every objective within a budget, robust over "
        "the calibration's posterior: packages.csv, pareto.csv, summary.md and figures.")
DEFAULT_SAMPLES, DEFAULT_DRAWS, DEFAULT_SEEDS = 32, 8, 3
DEFAULT_FINAL_DRAWS, DEFAULT_FINAL_SEEDS, DEFAULT_FINALISTS = 16, 3, 10
DEFAULT_YEARS = None  # the latest objective's year: the cost is counted to where the effects are measured
MAX_YEARS = 50.0  # the longest horizon of any command (`experiments.inputs.check_common`)
DEFAULT_TRIALS, DEFAULT_POPULATION = 200, 20  # search mode: packages evaluated, and per generation


def design(budget: float | None = None, objectives: list[str] | None = None, levers: list[str] | None = None,
           samples: int = DEFAULT_SAMPLES, draws: int = DEFAULT_DRAWS, seeds: int = DEFAULT_SEEDS,
           final_draws: int = DEFAULT_FINAL_DRAWS, final_seeds: int = DEFAULT_FINAL_SEEDS,
           finalists: int = DEFAULT_FINALISTS, years: float | None = DEFAULT_YEARS, params: dict | None = None,
           sample_seed: int = 0, workers: int | None = None, scheduler: str | None = None,
           progress: bool = False, mode: str = "screen", trials: int = DEFAULT_TRIALS,
           population: int = DEFAULT_POPULATION, journal: Path | None = None, resume: bool = False,
           reference: str | None = None, inflow: str = "both") -> DesignResult:
    """Screen (or search) packages, then re-evaluate the front on fresh draws and seeds.

    Args:
        mode: "screen" (the presets and ``samples`` sampled packages) or "search" (NSGA-II,
            ``trials`` packages in generations of ``population``, its study in ``journal``).
        reference: The preset the objectives are paired differences from (default ``baseline_2013``).
        inflow: "both" (the front and the reference again under a steady inflow and a surge, the PRIM
            boxes over both), "surge" (under the surge only) or "steady" (no inflow runs; the boxes
            over the re-evaluation's draws), `experiments.designing.inflow`.

    Raises:
        UsageError: For bad settings, or a budget below every package's net cost (naming the cheapest).
    """
    params = check_params(params)
    years = horizon(objectives, years)
    checked = parse_objectives(objectives, years)
    space = parse_levers(levers)
    surge = INF.inflow_settings(inflow, params, checked, years)
    screen, fresh = E.screen_stage(draws, seeds), E.fresh_stage(final_draws, final_seeds)
    reference = check_reference(reference) or REFERENCE
    base = next(p for p in preset_packages() if p.name == reference)
    with open_backend(workers, scheduler) as backend:
        if mode == "search":
            screen = replace(screen, name="search")
            settings = {"objectives": [o.name for o in checked], "space": {k: list(v) for k, v in space.items()},
                        "draws": draws, "seeds": seeds, "years": years, "params": params, "budget": budget,
                        "population": population, "sample_seed": sample_seed}
            if reference != REFERENCE:  # a journal from before --reference resumes as it was
                settings["reference"] = reference
            study = SEARCH.open_study(journal, settings, checked, population, sample_seed, budget, resume)
            found = SEARCH.search(study, space, checked, params, years, screen, trials, population, backend, progress,
                                  reference=base)
            packages, scores, cost = SEARCH.searched_packages(found, space)
            names = [p.name for p in packages]
            s_table, ranks = _rank(scores, cost, names, checked, budget)
            s_table = s_table.assign(ci_low=float("nan"), ci_high=float("nan"), p_beats=float("nan"))
            seconds = {}
        else:
            presets = preset_packages()
            packages = presets + sample_packages(space, samples, sample_seed, presets)
            names = [p.name for p in packages]
            first = E.run_stage(screen, packages, params, years, checked, backend, progress)
            s_table, scores, cost, ranks = _judge(first, names, checked, years, budget, reference=reference)
            seconds = {"screen": first.attrs["seconds"]}
        problem = F.cheapest_message(cost, names, [p.describe() for p in packages], budget)
        if problem:
            raise UsageError(problem)
        chosen = [packages[i] for i in F.finalists(scores, cost, ranks, finalists)]
        again = chosen if any(p.levers == base.levers for p in chosen) else [base, *chosen]
        second = E.run_stage(fresh, again, params, years, checked, backend, progress)
        ref_package = next(p for p in again if p.levers == base.levers)
        ref_name = ref_package.name
        seconds["re-evaluation"] = second.attrs["seconds"]
        f_table, f_scores, f_cost, f_ranks = _judge(second, [p.name for p in again], checked, years, budget,
                                                    ranked=[p.name for p in chosen], reference=ref_name)
        front = [i for i, p in enumerate(again) if f_ranks[i] == 1 and p.levers != base.levers]
        scenarios = INF.scenario_table(fresh.draws)
        scores = {again[i].name: f_scores[i, :, 0] for i in front}
        inflow_table = None
        if surge is not None and front:
            judged = [ref_package, *(again[i] for i in front)]
            runs = INF.run_inflows(surge, fresh, judged, checked, backend, progress)
            seconds["inflow"] = runs.attrs["seconds"]
            names = [p.name for p in judged]
            by_inflow = INF.inflow_scores(runs, surge, names, checked, ref_name)
            inflow_table = INF.inflow_table(by_inflow, surge, names, checked)
            levels = [surge.level(i) for i in surge.inflows]
            scenarios = INF.scenario_table(fresh.draws, levels)
            scores = {n: np.concatenate([by_inflow[i][j, :, 0] for i in surge.inflows])
                      for j, n in enumerate(names) if j > 0}
    table = pd.concat([_tidy(s_table, packages, screen), _tidy(f_table, again, fresh)], ignore_index=True)
    pareto = _pareto(f_table, again, chosen, checked)
    prim = D.discover(scenarios, scores, checked[0])
    return DesignResult(packages, checked, budget, years, table, pareto, (screen, fresh), seconds, mode, prim,
                        reference, inflow_table, surge)


def check_params(params: dict | None) -> dict:
    """Overrides for every package: any parameter but a searched lever (`UsageError`; set by ``--levers``)."""
    params = dict(params or {})
    clash = sorted(set(params) & set(SEARCHABLE))
    if clash:
        raise UsageError(f"--set {clash[0]}: a searched lever; fix it with --levers {clash[0]}=VALUE instead")
    return params


def _rank(scores, cost, names: list[str], objectives, budget, ranked=None) -> tuple[pd.DataFrame, np.ndarray]:
    """Statistics and front ranks from per-draw scores and costs."""
    stats = F.package_statistics(scores, cost, objectives, names, budget)
    keep = [i for i, n in enumerate(names) if ranked is None or n in ranked]
    ranks = pd.Series(0, index=names)
    ranks.iloc[keep] = F.front_ranks(scores[keep], cost[keep], budget)
    stats["rank"] = stats["package"].map(ranks)
    stats["within_budget"] = stats["package"].map(pd.Series(F.within_budget(cost, budget), index=names))
    return stats, ranks.to_numpy()


def _judge(frame: pd.DataFrame, names: list[str], objectives, years: float, budget, ranked=None,
           reference: str = REFERENCE):
    """Statistics, per-draw scores, costs and front ranks of one stage's runs."""
    effects, costs = E.paired_effects(frame, objectives, reference), E.net_cost(frame, years)
    scores, cost = F.draw_means(effects, costs, objectives, names)
    stats, ranks = _rank(scores, cost, names, objectives, budget, ranked)
    compare_style = E.compare_intervals(frame, objectives, reference).rename(
        columns={"objective": "measure", "mean": "compare_mean"})
    stats = stats.merge(compare_style, on=["package", "measure"], how="left")
    return stats, scores, cost, ranks


def _tidy(stats: pd.DataFrame, packages: list[Package], stage: E.Stage) -> pd.DataFrame:
    """One row per package and measure, with the stage, the package's words and its lever values."""
    info = pd.DataFrame([{"package": p.name, "source": p.source, "description": p.describe(), **p.values()}
                         for p in packages])
    out = stats.drop(columns="compare_mean", errors="ignore").merge(info, on="package")
    out.insert(1, "stage", stage.name)
    out.insert(2, "draws", len(stage.draws))
    out.insert(3, "seeds_per_draw", stage.seeds_per_draw)
    out.insert(4, "first_seed", stage.first_seed)
    return out


def _pareto(stats: pd.DataFrame, again: list[Package], chosen: list[Package], objectives) -> pd.DataFrame:
    """The finalists as re-evaluated, one row each: cost, every objective's statistics, the levers."""
    rows = []
    for p in chosen:
        mine = stats[stats["package"] == p.name].set_index("measure")
        row = {"package": p.name, "source": p.source, "description": p.describe(),
               "on_front": bool(mine["rank"].iloc[0] == 1), "rank": int(mine["rank"].iloc[0]),
               "net_cost_mean": mine.loc["net_cost", "mean"], "net_cost_p90": mine.loc["net_cost", "p10"]}
        for o in objectives:
            for stat in ("mean", "p10", "p_better", "regret"):
                row[f"{o.name} {stat}"] = mine.loc[o.name, stat]
        rows.append({**row, **p.values()})
    return pd.DataFrame(rows).sort_values(["on_front", "net_cost_mean"], ascending=[False, True],
                                          kind="stable").reset_index(drop=True)


def horizon(objectives: list[str] | None, years: float | None) -> float:
    """The years to run: ``years`` if given, else the latest objective's year (5 for the defaults).

    The net cost per newcomer is counted to the same horizon, so that the budget
    buys what the objectives measure; ``--years 10`` counts ten years of cost
    (and of the benefits that come back) whatever the objectives' year.
    """
    return years if years is not None else max(o.year for o in parse_objectives(objectives, MAX_YEARS))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `design`."""
    parser.add_argument("--budget", type=number_type(float, "--budget"), metavar="EUR",
                        help="the most a package may cost: net public cost per newcomer (cost minus taxes and "
                             "premiums), cumulative to --years (default: no limit; the cost is always reported)")
    parser.add_argument("--objectives", nargs="+", metavar="M[@YEAR],..",
                        help="at most four outcomes to improve, each as its paired difference from the reference "
                             "(default: share_employed@5, share_a2_plus@5, share_isolated@5)")
    add_reference_argument(parser, "objectives (paired differences, P(better), the PRIM boxes)")
    parser.add_argument("--levers", nargs="+", metavar="NAME[=V|=LOW:HIGH[:STEP]],..",
                        help="levers to search (default: all, on their declared grids; the others stay at the "
                             f"baseline): {', '.join(SEARCHABLE)}")
    for flag, default, what in (("--samples", DEFAULT_SAMPLES, "sampled packages besides the presets"),
                                ("--draws", DEFAULT_DRAWS, "posterior draws in the screen"),
                                ("--seeds", DEFAULT_SEEDS, "seeds per draw in the screen"),
                                ("--final-draws", DEFAULT_FINAL_DRAWS, "fresh posterior draws to re-evaluate the front"),
                                ("--final-seeds", DEFAULT_FINAL_SEEDS, "fresh seeds per draw to re-evaluate the front"),
                                ("--finalists", DEFAULT_FINALISTS, "at most this many front packages re-evaluated"),
                                ("--sample-seed", 0, "seed of the packages' sample")):
        parser.add_argument(flag, type=number_type(int, flag), default=default, metavar="N",
                            help=f"{what} (default {default})")
    parser.add_argument("--years", type=number_type(float, "--years"), default=DEFAULT_YEARS, metavar="Y",
                        help="horizon in years; the cost is counted to it (default: the latest objective's year, "
                             "5 for the default objectives)")
    parser.add_argument("--inflow", choices=INF.INFLOWS, default="both",
                        help="when does the choice fail: both (default) runs the front and the reference again "
                             "under a steady inflow and under a surge (surge_factor, surge_start_month, surge_months; "
                             "--set) and finds the PRIM boxes over the posterior and the inflow; surge: under the "
                             "surge only; steady: no extra runs, the boxes over the re-evaluation's draws")
    parser.add_argument("--mode", choices=("screen", "search"), default="screen",
                        help="screen: the presets and a space-filling sample (default; fits 2 cores); search: "
                             "NSGA-II over the lever grid (optuna), for a cluster, resumable with --resume")
    parser.add_argument("--trials", type=number_type(int, "--trials"), default=DEFAULT_TRIALS, metavar="N",
                        help=f"search mode: packages to evaluate, the presets included (default {DEFAULT_TRIALS})")
    parser.add_argument("--population", type=number_type(int, "--population"), default=DEFAULT_POPULATION,
                        metavar="N", help=f"search mode: packages per generation (default {DEFAULT_POPULATION})")
    parser.add_argument("--resume", action="store_true",
                        help=f"search mode: continue the search stored in --out ({SEARCH.JOURNAL})")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override a parameter that is not searched (repeatable). {NUMBERS_HELP}")
    parser.add_argument("--readme", metavar="README.md",
                        help=f"rewrite the block between {RM.README_START} and {RM.README_END} in this file with "
                             f"the front in plain words and its figure (copied to {RM.README_IMAGE.as_posix()})")
    add_out_arguments(parser)
    add_backend_arguments(parser)


def _check(args: argparse.Namespace) -> None:
    check_common(args)
    for flag, low, high in (("samples", 0, 10_000), ("trials", 1, 100_000), ("population", 2, 10_000), ("draws", 2, 1000), ("seeds", 2, 1000),
                            ("final_draws", 2, 1000), ("final_seeds", 2, 1000), ("finalists", 1, 1000),
                            ("sample_seed", 0, 2**32 - 1)):
        check_range(getattr(args, flag), f"--{flag.replace('_', '-')}", low, high)
    if args.budget is not None and not args.budget > 0:
        raise UsageError(f"--budget {args.budget:g} is not allowed: expected a positive amount of euros")


def main(args: argparse.Namespace) -> int:
    """Screen, re-evaluate and write the report."""
    args.years = horizon(split_list(args.objectives, "--objectives"), args.years)
    _check(args)
    readme = check_readme(args.readme, RM.README_START, RM.README_END) if getattr(args, "readme", None) else None
    params = check_params(parse_overrides(args.set))
    objectives, levers = split_list(args.objectives, "--objectives"), split_list(args.levers, "--levers")
    parse_levers(levers)  # bad input fails before any run
    INF.inflow_settings(args.inflow, params, parse_objectives(objectives, args.years), args.years)
    build_model(params=params)  # parameters that clash fail now
    started = time.perf_counter()
    settings = (args.budget, objectives, levers, args.samples, args.draws, args.seeds, args.final_draws,
                args.final_seeds, args.finalists, args.years, params, args.sample_seed, args.workers, args.scheduler)
    reference = check_reference(args.reference)
    if args.mode == "search":
        out = claim_growing_folder(args.out, "design", args.resume, "design")
        with holding(out, "design"):  # another command cannot take the folder meanwhile
            result = design(*settings, progress=True, mode="search", trials=args.trials,
                            population=args.population, journal=out / SEARCH.JOURNAL, resume=args.resume,
                            reference=reference, inflow=args.inflow)
            with tempfile.TemporaryDirectory(dir=out, prefix=".design-report-",
                                             ignore_cleanup_errors=True) as staging:
                write_design(result, Path(staging), time.perf_counter() - started, args)
                move_in(Path(staging), out)
    else:
        if args.resume:
            raise UsageError("--resume continues a search: add --mode search")
        with OutputFolder(args.out, "design", args.force) as folder:
            result = design(*settings, progress=True, reference=reference, inflow=args.inflow)
            write_design(result, folder.staging, time.perf_counter() - started, args)
        out = folder.path
    if readme is not None:
        defaults = argparse.ArgumentParser(add_help=False)
        add_arguments(defaults)
        image = RM.update_readme(readme, result, out, RM.command(args, defaults.parse_args(["--out", "X"])), args.out)
        print(f"updated {readme} and {image}", file=sys.stderr)
    print((out / "summary.md").read_text(encoding="utf-8").split("\n## ", 2)[1].split("\n", 1)[1].strip())
    print()
    print(f"Report:  {out / 'summary.md'}")
    print(f"Tables:  {out / 'packages.csv'}, {out / 'pareto.csv'}")
    return 0


def write_design(result: DesignResult, folder: Path, seconds: float, args=None) -> None:
    """packages.csv, pareto.csv, summary.md, figures/ and design.json into ``folder``."""
    result.table.to_csv(folder / "packages.csv", index=False)
    result.pareto.to_csv(folder / "pareto.csv", index=False)
    result.prim.to_csv(folder / "prim.csv", index=False)
    if result.inflow is not None:
        result.inflow.to_csv(folder / "inflow.csv", index=False)
    figures = render_figures(result, folder / "figures")
    (folder / "summary.md").write_text(summary_markdown(result, figures), encoding="utf-8")
    write_json({"command": "design", "mode": result.mode, "budget": result.budget, "years": result.years,
                "reference": result.reference,
                "objectives": [o.name for o in result.objectives],
                "packages": len(result.packages),
                "inflow": None if result.surge is None else {
                    "inflows": list(result.surge.inflows), "surge_factor": result.surge.factor,
                    "surge_months": list(result.surge.cohort), "persons_per_newcomer": result.surge.persons_per_newcomer,
                    "read": "the surge's cohort, each objective's years after the surge begins"},
                "stages": [{"name": s.name, "draws": len(s.draws), "seeds_per_draw": s.seeds_per_draw,
                            "seeds": s.seeds, "parameter_sets": list(s.draws)} for s in result.stages],
                "arguments": {k: v for k, v in vars(args).items() if not k.startswith("_")} if args else None,
                "wall_seconds_runs": {k: round(v, 3) for k, v in result.seconds.items()},
                "wall_seconds_total": round(seconds, 3)}, folder / "design.json")
    if sys.stderr.isatty():
        print(f"nieuwkomers design: {len(result.packages)} packages in {seconds:.0f} s", file=sys.stderr)
