"""Generate the instructor solutions of the teaching module from real runs of the model.

    python docs/exercises/generate_solutions.py             # full size: what `make exercises` runs
    python docs/exercises/generate_solutions.py --quick     # small world, few seeds: about two minutes, for trying it out
    python docs/exercises/generate_solutions.py --out DIR   # write somewhere else
    python docs/exercises/generate_solutions.py --only 10   # one sheet (or a list: --only 8,9); the others stay

Writes to ``docs/exercises/solutions/`` (or ``--out``): ``README.md``, one
``NN-name.md`` per exercise answering its "predict first" questions and
discussion prompts, PNG figures ``NN-*.png`` beside them, and ``numbers.json``
with every number the answers quote. Nothing is typed in by hand: every number
and every "higher" or "lower" comes from the runs below, so the answers follow
the model when it changes.

The runs are the ones the sheets ask students to make, with the same seeds:
one comparison of all seven policies over 20 seeds (the sheets' ``compare``
commands are subsets of it: the same seeds give the same runs), the sweep
files in ``docs/exercises/sweeps/`` as they are, and the sheets' Python runs.
Everything is seeded, and results do not depend on the number of workers, so
the output is the same on every run of the same code.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import shlex
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from scipy import stats  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "solutions" / "extension"))
sys.path.insert(0, str(HERE))

from employer_discrimination import DiscriminationModel  # noqa: E402
from solution_08 import exercise_8 as _exercise_8  # noqa: E402
from solution_09 import exercise_9 as _exercise_9  # noqa: E402
from solution_10 import COMMANDS as FOR_WHOM_COMMANDS  # noqa: E402
from solution_10 import exercise_10 as _exercise_10  # noqa: E402
from solution_11 import exercise_11 as _exercise_11  # noqa: E402

from experiments import for_whom as G  # noqa: E402
from experiments import summary as S  # noqa: E402
from experiments.cli import build_parser  # noqa: E402
from experiments.compare import ComparisonResult, compare, permit_years_shown  # noqa: E402
from experiments.comparison.settings import DEFAULT_YEARS  # noqa: E402
from experiments.executors import open_backend  # noqa: E402
from experiments.inputs import parse_overrides, split_list  # noqa: E402
from experiments.sensitivity import sensitivity_of  # noqa: E402
from experiments.sweep import load_sweep, run_sweep  # noqa: E402
from experiments.sweep_spec import SweepSpec, spec_from_dict  # noqa: E402
from model import PARAMS, POLICIES, IntegrationModel  # noqa: E402
from model.calibration import MEASURES, load_targets  # noqa: E402
from model.population import Phase  # noqa: E402
from model.startpunten import nearest_startpunt  # noqa: E402
from viz.figures import POLICY_COLOURS, cost_against_employment  # noqa: E402
from viz.story import NewcomerHistory, story_events, story_facts  # noqa: E402
from viz.sweep_figures import sensitivity_bars  # noqa: E402

SOLUTIONS = HERE / "solutions"
SWEEPS = HERE / "sweeps"
SMALL = {"n_newcomers": 80, "n_residents": 800, "n_employers": 20, "grid_width": 30, "grid_height": 30}
KM_PER_CELL = 0.5  # model.parameters: one cell is about 500 m
STYLE = {"axes.titlesize": 11, "axes.titleweight": "bold", "axes.labelsize": 10, "legend.fontsize": 9}

# The sheets' `nieuwkomers compare` commands, verbatim. The solutions run what they ask for (seeds,
# policies, overrides, metrics): the main comparison of all policies holds the runs of every command
# without --seeds (the same seeds give the same runs); `sheet_run` reads the others. tests/test_solutions.py
# checks that each command is still in its sheet and that the solutions were made from this plan.
SHEET_COMMANDS: dict[str, dict[str, str]] = {
    "02-early-language": {
        "main": "nieuwkomers compare --policies baseline_2013,early_language --by education --metrics "
                "share_a2_plus,share_employed,share_exam_passed,share_isolated --out results/ex2-early-language",
        "no_relocations": "nieuwkomers compare --policies baseline_2013,early_language --set "
                          "relocation_rate_per_year=0 --metrics share_a2_plus,share_employed --out results/ex2-no-moves",
    },
    "03-startpunten": {
        "main": "nieuwkomers compare --policies baseline_2013,startpunten --by municipality --metrics share_isolated,"
                "share_a2_plus,share_employed,residents_in_course,residents_placed --out results/ex3-startpunten",
    },
    "04-fines-or-incentives": {
        "main": "nieuwkomers compare --policies baseline_2013,reduced_fines,wet_inburgering_2021 --years 5 --by "
                "education --metrics mean_debt_eur,share_fined,share_exam_passed,mean_wellbeing,share_a2_plus "
                "--out results/ex4-fines",
    },
    "05-budget": {
        "main": "nieuwkomers compare --metrics share_employed,share_a2_plus,share_isolated,mean_wellbeing,"
                "public_cost_per_newcomer_eur,net_public_cost_per_newcomer_eur --out results/ex5-all",
    },
    "06-robustness": {
        "seeds_study": "nieuwkomers compare --policies baseline_2013,reduced_fines,two_track --seeds 40 --years 5 "
                       "--metrics share_employed,share_isolated --out results/ex6-seeds",
    },
    "08-how-sure": {
        "seeds": "nieuwkomers compare --policies baseline_2013,early_language,two_track,startpunten --seeds 20 "
                 "--years 5 --metrics share_employed,share_a2_plus,share_isolated --out results/ex8-seeds",
        "posterior": "nieuwkomers compare --policies baseline_2013,early_language,two_track,startpunten --seeds 2 "
                     "--posterior 10 --years 5 --metrics share_employed,share_a2_plus,share_isolated "
                     "--out results/ex8-posterior",
    },
    "10-for-whom": FOR_WHOM_COMMANDS,  # kept beside its solution, in solution_10.py
}


def sheet_run(sheet: str, key: str) -> dict:
    """A sheet's compare command, parsed by the command line's own parser: what the solution runs."""
    args = build_parser().parse_args(shlex.split(SHEET_COMMANDS[sheet][key])[1:])
    return {"policies": split_list(args.policies, "--policies"), "seeds": args.seeds, "years": args.years,
            "params": parse_overrides(args.set), "metrics": split_list(args.metrics, "--metrics")}


@dataclass(frozen=True)
class Setup:
    """How big the runs are.

    Attributes:
        name: "full" (the solutions in the repository) or "quick" (a small check).
        params: Size overrides for every run (empty: the model's default size).
        compare_seeds: Seeds of the comparison of all policies (the sheets' compare commands).
        seeds_study: Seeds of exercise 6's comparison (its sheet asks for 40).
        direct_seeds: Seeds of the runs made directly from Python (exercise 7).
        sweep_seeds: Seeds per sweep point (None: as in the sweep file).
        morris_trajectories: Morris trajectories (None: as in the sweep file).
    """

    name: str
    params: dict = field(default_factory=dict)
    compare_seeds: int = 20
    seeds_study: int = 40
    direct_seeds: int = 10
    sweep_seeds: int | None = None
    morris_trajectories: int | None = None

    def describe(self) -> str:
        """One line on the size of the runs."""
        size = ("the model's default size (1,000 newcomers, 10,000 residents, 200 employers, a 100 x 100 grid)"
                if not self.params else ", ".join(f"{k}={v}" for k, v in self.params.items()))
        return size


FULL = Setup("full", compare_seeds=sheet_run("05-budget", "main")["seeds"],
             seeds_study=sheet_run("06-robustness", "seeds_study")["seeds"])
QUICK = Setup("quick", params=SMALL, compare_seeds=2, seeds_study=3, direct_seeds=1, sweep_seeds=1,
             morris_trajectories=2)


def plan(setup: Setup = FULL) -> dict[str, dict]:
    """What each solution rests on, known without running anything: the seeds and counts it quotes.

    Every solution keeps its part under ``plan`` in ``numbers.json``; tests/test_solutions.py compares
    it with ``plan()`` now, so solutions made from other seeds or targets fail before anyone regenerates.
    """
    targets = load_targets()
    facts = sum(t.kind == "fact" for t in targets)
    seeds = {sheet: {key: min(sheet_run(sheet, key)["seeds"],
                              setup.seeds_study if key == "seeds_study" else setup.compare_seeds)
                     for key in commands}
             for sheet, commands in SHEET_COMMANDS.items()}
    return {
        "01-baseline": {"compare_seeds": setup.compare_seeds, "validate_targets": len(targets),
                        "fact_targets": facts, "effect_targets": len(targets) - facts},
        **{sheet: {"compare_seeds": setup.compare_seeds, "sheet_seeds": seeds[sheet]} for sheet in seeds},
    }


# --- formatting: every number goes through a Doc, which records it ------------------------


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return [_plain(v) for v in list(value)]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return None if not math.isfinite(value) else float(f"{value:.6g}")
    return value


def pct(x: float) -> str:
    """0.4131 -> '41.3%'."""
    return "–" if not np.isfinite(x) else f"{100 * x:.1f}%"


def pp(x: float) -> str:
    """A difference of shares in percentage points: 0.054 -> '+5.4 pp'."""
    return "–" if not np.isfinite(x) else f"{100 * x:+.1f} pp"


def eur(x: float, sign: bool = False) -> str:
    """48861.2 -> '€48,861' (sign: '+€3,843' / '-€5,724')."""
    if not np.isfinite(x):
        return "–"
    text = f"€{abs(x):,.0f}"
    return ("-" if x < -0.5 else "+" if sign else "") + text


def num(x: float, digits: int = 1) -> str:
    """A plain number."""
    return "–" if not np.isfinite(x) else f"{x:,.{digits}f}"


def interval(low: float, high: float, fmt) -> str:
    """'[a, b]' in the format of the value."""
    return f"[{fmt(low)}, {fmt(high)}]"


def excludes_zero(low: float, high: float) -> bool:
    """True if a 95% interval lies entirely on one side of zero."""
    return bool(np.isfinite(low) and np.isfinite(high) and (low > 0 or high < 0))


def verdict(low: float, high: float) -> str:
    """Words for a difference's 95% interval."""
    return ("its 95% interval excludes zero" if excludes_zero(low, high)
            else "its 95% interval includes zero: not distinguishable from no effect with these seeds")


def more_or_less(x: float, more: str = "more", less: str = "fewer", same: str = "about as many") -> str:
    """A word for the sign of a difference (|x| < 0.0005 counts as none)."""
    return same if not np.isfinite(x) or abs(x) < 5e-4 else more if x > 0 else less


def mean_ci(values) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if v.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - half, mean + half


def md_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A Markdown table (first column left-aligned, the others right-aligned)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


class Doc:
    """One solution file: its Markdown, the numbers it quotes, its figures."""

    def __init__(self, stem: str, title: str, setup: Setup, out: Path):
        self.stem, self.setup, self.out = stem, setup, out
        self.parts: list[str] = [f"# Solution {title}", ""]
        self.numbers: dict = {"plan": plan(setup).get(stem, {})}
        self.figures: list[str] = []

    def keep(self, key: str, value):
        """Record a number (or a list or table of numbers) under ``key``; return it."""
        self.numbers[key] = _plain(value)
        return value

    def add(self, *blocks: str) -> None:
        """Append Markdown blocks, separated by blank lines."""
        for block in blocks:
            self.parts.extend([block.strip("\n"), ""])

    def figure(self, fig: Figure, name: str, caption: str) -> None:
        """Save a figure beside the solution and show it."""
        file = f"{self.stem}-{name}.png"
        fig.savefig(self.out / file, dpi=110)
        self.figures.append(file)
        self.add(f"![{caption}]({file})")

    def write(self) -> None:
        """Write the Markdown file."""
        text = "\n".join(self.parts).rstrip() + "\n"
        (self.out / f"{self.stem}.md").write_text(text, encoding="utf-8")


def header(doc: Doc, sheet: str, runs: str) -> None:
    """The note at the top of every solution: what it rests on and how to regenerate it."""
    doc.add(f"For the sheet [{sheet}](../{sheet}). Generated by `docs/exercises/generate_solutions.py` "
            f"(`make exercises`) from {runs}, at {doc.setup.describe()}. Do not edit by hand: "
            "regenerate after a model change. Numbers are means across seeds with 95% confidence "
            "intervals (simulation noise only), unless said otherwise.")


# --- running: shared runs, sweeps, direct runs ------------------------------------------------


def _pool(workers: int) -> ProcessPoolExecutor | None:
    if workers <= 1:
        return None
    methods = multiprocessing.get_all_start_methods()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(
        "fork" if "fork" in methods else None))


def run_many(function, jobs: list[tuple], workers: int) -> list:
    """``function(*job)`` for every job, on a process pool; results in job order."""
    pool = _pool(min(workers, len(jobs)))
    if pool is None:
        return [function(*job) for job in jobs]
    with pool:
        return list(pool.map(function, *zip(*jobs, strict=True)))


def sweep_spec(name: str, setup: Setup) -> SweepSpec:
    """A sweep file of docs/exercises/sweeps, as students run it (full) or shrunk (quick)."""
    path = SWEEPS / f"{name}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if setup.params:
        data["parameters"] = {**data.get("parameters", {}), **setup.params}
    if setup.sweep_seeds is not None:
        data["seeds"] = min(data.get("seeds", 1), setup.sweep_seeds)
    if setup.morris_trajectories is not None and data.get("sample", {}).get("method") == "morris":
        data["sample"]["n"] = min(data["sample"]["n"], setup.morris_trajectories)
    data.pop("figures", None)
    return spec_from_dict(data, path=path)


class Runs:
    """Every run the solutions rest on, made once."""

    def __init__(self, setup: Setup, workers: int, scratch: Path):
        self.setup, self.workers, self.scratch = setup, workers, scratch
        self.timings: dict[str, float] = {}
        self._sweeps: dict[str, tuple[SweepSpec, Path]] = {}
        self._backend = None

    def timed(self, label: str, function, *args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        self.timings[label] = time.perf_counter() - started
        print(f"  {label}: {self.timings[label]:.1f} s", file=sys.stderr)
        return result

    def compare(self, policies: list[str] | None, seeds: int, **kwargs) -> ComparisonResult:
        """``nieuwkomers compare`` through its Python API (the same runs as the command)."""
        params = {**self.setup.params, **kwargs.pop("params", {})}
        return compare(policies, seeds=seeds, params=params, workers=self.workers, **kwargs)

    def sweep(self, name: str) -> tuple[SweepSpec, Path]:
        """Run a sweep file once; return its spec and output folder."""
        if name not in self._sweeps:
            spec = sweep_spec(name, self.setup)
            out = self.scratch / name
            if self._backend is None:
                self._backend = open_backend(workers=self.workers)
            self.timed(f"sweep {name} ({spec.n_runs} runs)", run_sweep, spec, out, progress=False,
                       backend=self._backend)
            self._sweeps[name] = (spec, out)
        return self._sweeps[name]

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()


def housed_with_distance(model: IntegrationModel) -> pd.DataFrame:
    """Newcomers with a house and their distance (km) to the nearest startpunt (as in sheet 3, step 3)."""
    table = model.newcomer_table()  # x, y: the grid cell where each newcomer lives
    table["housed"] = [agent.phase is Phase.HOUSED for agent in model.newcomer_agents]  # not still in the azc
    housed = table[table["housed"]].copy()
    municipality = housed["municipality"].map(model.municipality_names.index).to_numpy()
    cells = nearest_startpunt(model, housed["x"].to_numpy(), housed["y"].to_numpy(), municipality)[1]
    housed["distance_km"] = KM_PER_CELL * cells
    return housed


def distance_run(seed: int, params: dict) -> pd.DataFrame:
    """Sheet 3, step 3: one `startpunten` run of five years, housed newcomers with their distance."""
    model = IntegrationModel(policy="startpunten", rng=seed, **params)
    model.run_for(60)
    return housed_with_distance(model)


def discrimination_run(policy: str, seed: int, discrimination: float, hires_to_halve: float,
                       params: dict) -> float:
    """Sheet 7, step 4: share employed after five years with prejudiced employers."""
    model = DiscriminationModel(policy=policy, rng=seed, employer_discrimination=discrimination,
                                hires_to_halve=hires_to_halve, **params)
    model.run_for(60)
    return float(model.model_table()["share_employed"].iloc[-1])


def story(params: dict, seed: int = 42, months: int = 60) -> tuple[list, list, int]:
    """Sheet 1, step 3: the story the app shows for the first newcomer with a permit."""
    model = IntegrationModel(policy="baseline_2013", rng=seed, **params)
    history = NewcomerHistory()
    history.record(model)
    for _ in range(months):
        model.step()
        history.record(model)
    who = history.first_with_permit()
    record = history.of(who)
    return story_facts(record, history.person.loc[who]), story_events(record), who


# --- reading the comparison -------------------------------------------------------------------


def value(table: pd.DataFrame, policy: str, metric: str, year: float) -> tuple[float, float, float]:
    """(mean, ci_low, ci_high) of one row of summary.csv or differences.csv."""
    rows = table[(table["policy"] == policy) & (table["metric"] == metric) & np.isclose(table["year"], year)]
    if rows.empty:
        return float("nan"), float("nan"), float("nan")
    row = rows.iloc[0]
    return float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])


def paired_gain(wide: pd.DataFrame, treated, control) -> tuple[float, float, float]:
    """Mean and 95% CI of column ``treated`` minus column ``control``, row by row (paired)."""
    return mean_ci((wide[treated] - wide[control]).to_numpy())


def when(year: int, reference: int) -> str:
    """'later', 'earlier' or 'in the same year' than a reference year."""
    return "later" if year > reference else "earlier" if year < reference else "in the same year"


def sweep_lines(frame: pd.DataFrame, metric: str, x: str, hue: str, year: float, title: str) -> Figure:
    """A swept metric against one parameter, a line per value of another, mean and 95% t-interval.

    (``viz.sweep_figures.metric_over_parameters`` draws the same with seaborn's bootstrap
    intervals, which are random: these figures must come out the same on every run.)
    """
    data = frame[np.isclose(frame["year"], year)]
    unit = "" if metric not in S.REPORT_METRICS else S.REPORT_METRICS[metric].unit
    axes_style, context = _style()
    with axes_style, context:
        fig = Figure(figsize=(7.5, 4.8), layout="constrained")
        ax = fig.subplots()
        colours = sns.color_palette("colorblind", n_colors=data[hue].nunique())
        for colour, (level, group) in zip(colours, data.groupby(hue, sort=True), strict=True):
            cells = group.groupby(x)[metric].apply(lambda v: mean_ci(v.to_numpy()))
            xs = np.array(cells.index, dtype=float)
            mean = np.array([c[0] for c in cells])
            low = np.array([c[1] for c in cells])
            high = np.array([c[2] for c in cells])
            ax.plot(xs, mean, marker="o", color=colour, label=f"{hue} = {level}")
            if np.isfinite(low).all():
                ax.fill_between(xs, low, high, color=colour, alpha=0.18, lw=0)
        ax.set_xticks(sorted(data[x].unique()))
        if unit == "share":
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        elif unit == "EUR":
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: eur(v)))
        ax.set_xlabel(f"{x} ({PARAMS[x].label})" if x in PARAMS else x)
        ax.set_ylabel(S.REPORT_METRICS[metric].label if metric in S.REPORT_METRICS else metric)
        ax.set_title(title, loc="left")
        seeds = data.groupby("point_id").size()
        n = int(seeds.min())
        fig.suptitle(f"year {year:g}; mean of {n} seed{'s' if n != 1 else ''} per point, band: 95% CI", x=0.99, ha="right",
                     fontsize=8, color="0.4")
        ax.legend(frameon=True, fontsize=9)
    return fig


def _style():
    return sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=STYLE)


# --- exercise 1 ---------------------------------------------------------------------------------


def exercise_1(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    setup = runs.setup
    doc = Doc("01-baseline", "1 — The baseline: one newcomer's story", setup, out)
    header(doc, "01-baseline.md", f"`baseline_2013` runs: seed 42 (the app's default), seeds 0–4 "
                                  f"(step 4) and seeds 0–{setup.compare_seeds - 1} (the comparison)")
    nc = main.newcomers
    base = nc[nc["policy"] == "baseline_2013"]

    facts, events, who = runs.timed("story", story, setup.params)
    doc.add("## The story in the app (steps 2 and 3)",
            f"`baseline_2013`, seed 42, five years on: newcomer #{doc.keep('story_newcomer', who)}, the first to "
            "arrive who holds a permit (the one the app shows first).")
    doc.add(md_table(["", ""], [[k, v] for k, v in facts], "ll"))
    doc.add("\n".join(f"- month {m} (year {m / 12:.1f}): {text}" for m, text in events))
    doc.keep("story_events", len(events))
    doc.add("Students who clicked other newcomers will have other stories; the point of step 4 is "
            "how typical this one is.")

    # Step 4: seeds 0-4, five years on.
    step4 = base[(base["seed"] < 5) & (base["month"] == 60) & (base["status"] == "permit")]
    housed = step4[step4["municipality"] != ""]
    wait = doc.keep("months_in_asylum_median", float(step4["months_in_asylum"].median()))
    wait_mean = doc.keep("months_in_asylum_mean", float(step4["months_in_asylum"].mean()))
    house = doc.keep("months_waiting_for_a_house_mean",
                     float((housed["months_in_azc"] - housed["months_in_asylum"]).mean()))
    moves = doc.keep("relocations_mean", float(step4["relocations"].mean()))
    first_job = doc.keep("months_to_first_job_median", float(step4["months_to_first_job"].median()))
    never = doc.keep("share_never_worked", float(step4["months_to_first_job"].isna().mean()))
    hours = doc.keep("course_hours_median", float(step4["course_hours"].median()))
    search = PARAMS["course_search_months"].default

    by_permit = main.by_permit[main.by_permit["policy"] == "baseline_2013"].set_index(["metric", "years_since_permit"])
    employed5 = by_permit.loc[("share_employed", 5)]
    fulltime5 = by_permit.loc[("share_fulltime", 5)]
    doc.keep("employed_5_years_after_permit", [employed5["mean"], employed5["ci_low"], employed5["ci_high"]])
    parttime_of_employed = doc.keep("parttime_share_of_employed_5_years_after_permit",
                                    1 - fulltime5["mean"] / employed5["mean"])
    targets = {t.id: t for t in load_targets()}

    doc.add("## Predict first", "**1. Months of waiting.** Five years on, the permit holders of step 4 "
            f"had waited a median {num(wait)} months (mean {num(wait_mean)}) for the asylum decision, and "
            f"those with a house another {num(house)} months on average in the reception centre for it. "
            f"They were moved between centres {num(moves, 2)} times on average. After the house comes the "
            f"search for a course on the market (in the model {num(search)} months on average, "
            "`course_search_months`). Most students underestimate the second wait and forget the third.")
    doc.add(f"**2. Work five years after the permit.** {pct(employed5['mean'])} of permit holders aged "
            f"18–64 work five years after their permit "
            f"{interval(employed5['ci_low'], employed5['ci_high'], pct)} (the study: about half; CBS, for the "
            "2014 cohort: 19% at three years and 43% at about six, which is what the model is fitted to; the "
            f"calibration band is {pct(targets['employed60'].low)}–{pct(targets['employed60'].high)}). Of "
            f"those with a job, {pct(parttime_of_employed)} work part-time (under 35 hours a week): "
            f"full-time work is the exception ({pct(fulltime5['mean'])} of all permit holders).")

    by_edu = step4.groupby("education")[["employed", "exam_passed"]].mean()
    order = [e for e in ("none", "low", "middle", "high") if e in by_edu.index]
    by_edu = by_edu.loc[order]
    doc.keep("year5_by_education", by_edu.round(4).to_dict())
    best_job, worst_job = by_edu["employed"].idxmax(), by_edu["employed"].idxmin()
    best_exam, worst_exam = by_edu["exam_passed"].idxmax(), by_edu["exam_passed"].idxmin()
    doc.add(f"**3. Education.** Five years on (step 4), employment is highest among newcomers with "
            f"education *{best_job}* ({pct(by_edu.loc[best_job, 'employed'])}) and lowest among *{worst_job}* "
            f"({pct(by_edu.loc[worst_job, 'employed'])}); the exam is passed most by *{best_exam}* "
            f"({pct(by_edu.loc[best_exam, 'exam_passed'])}) and least by *{worst_exam}* "
            f"({pct(by_edu.loc[worst_exam, 'exam_passed'])}). Language follows schooling (literacy, "
            "learnability), but jobs do not simply follow language: the highly educated compete for "
            "middle- and high-skill jobs that ask for more Dutch, and their diplomas are rarely "
            "recognised (`diploma_recognition_rate`), while low-skill jobs ask for little Dutch.")
    doc.add(md_table(["education", "employed", "exam passed"],
                     [[e, pct(r.employed), pct(r.exam_passed)] for e, r in by_edu.iterrows()]))

    doc.add("## Where the time goes (step 4)",
            md_table(["five years on, permit holders (seeds 0–4)", "value"], [
                ["months waiting for the asylum decision (median)", num(wait)],
                ["months in the azc after the permit, waiting for a house (mean, housed)", num(house)],
                ["relocations between reception centres (mean)", num(moves, 2)],
                ["months from permit to first job (median, of those who worked)", num(first_job)],
                ["never worked yet", pct(never)],
                ["course hours received (median)", num(hours, 0)],
            ]))
    doc.add(f"`months_to_first_job` is empty for the {pct(never)} who never worked, so `describe()` "
            "summarises only the others: the median of those who found work flatters the cohort.")

    # The facts are measured on the baseline alone; the effects need validate's scenario runs.
    measured = {k: [f({"baseline": base[base["seed"] == s]}) for s in sorted(base["seed"].unique())]
                for k, f in MEASURES.items() if targets[k].kind == "fact"}
    rows = []
    for key, values in measured.items():
        mean, low, high = mean_ci(values)
        t = targets[key]
        doc.keep(f"calibration_{key}", [mean, low, high])
        rows.append([t.what, f"{t.low:g}–{t.high:g}", f"{mean:.3g} [{low:.3g}, {high:.3g}]",
                     "yes" if t.contains(mean) else "no"])
    counts = doc.numbers["plan"]
    doc.add("## The model against the facts (step 6)",
            f"`nieuwkomers validate` prints all {counts['validate_targets']} targets: the "
            f"{counts['fact_targets']} facts of the Dutch record below and {counts['effect_targets']} policy "
            "effects measured by evaluations, each beside the model's (docs/ODD.md, section 10a). The "
            f"{len(rows)} Dutch facts measured on the comparison's "
            f"{setup.compare_seeds} baseline runs (yearly snapshots, where `validate` uses 3-monthly ones, "
            "so the windows hold fewer people):",
            md_table(["target", "band", "model [95% CI]", "inside"], rows, "lrrl"))

    fig = where_the_time_goes_figure(main, targets["employed60"])
    doc.figure(fig, "where-the-time-goes", "The 2013 cohort month by month, and outcomes by years since permit")

    by_place = base[(base["month"] == 60) & (base["status"] == "permit") & (base["municipality"] != "")]
    place = by_place.groupby("municipality")["employed"].mean().sort_values()
    doc.keep("year5_employed_by_municipality", place.to_dict())
    relocation = runs.timed("ex1 no relocations", runs.compare, ["baseline_2013"], 5,
                            params={"relocation_rate_per_year": 0.0}, years=5)
    no_moves = relocation.model[relocation.model["month"] == 60].set_index("seed")
    with_moves = main.model[(main.model["policy"] == "baseline_2013") & (main.model["month"] == 60)
                            & (main.model["seed"] < 5)].set_index("seed")
    moves_a2 = doc.keep("no_relocations_gain_a2_year5", paired_gain(
        pd.DataFrame({"no": no_moves["share_a2_plus"], "yes": with_moves["share_a2_plus"]}), "no", "yes"))
    moves_job = doc.keep("no_relocations_gain_employed_year5", paired_gain(
        pd.DataFrame({"no": no_moves["share_employed"], "yes": with_moves["share_employed"]}), "no", "yes"))

    doc.add("## Questions to discuss: notes for the instructor",
            f"1. **Wasted time.** Under the 2013 rules nothing in the model happens in the asylum months "
            f"but waiting and moving: no course, little work (asylum seekers may work after "
            f"{PARAMS['work_access_month'].default} months, for 24 weeks a year, handing most earnings to "
            f"COA). A policy can shorten the wait (asylum procedure, housing) or *use* it (lessons, "
            "volunteering, work: exercise 2). Relocations cost twice: they break off what was started "
            "and lower wellbeing. Switching them off (things to try) changes Dutch at A2+ five years on "
            f"by {pp(moves_a2[0])} {interval(moves_a2[1], moves_a2[2], pp)} and employment by "
            f"{pp(moves_job[0])} {interval(moves_job[1], moves_job[2], pp)} (seeds 0–4, paired); "
            "under the 2013 law there are no lessons in the azc to break off, so the effect works through "
            "wellbeing and contacts.")
    doc.add("2. **Same education, different paths.** Municipality (labour demand and implementation "
            "quality differ; employment five years on ranges from "
            f"{pct(place.iloc[0])} in *{place.index[0]}* to {pct(place.iloc[-1])} in *{place.index[-1]}*), distance to employers, the length of one's own asylum wait, trauma, "
            "care duties, prospects (kansrijk), who one happens to meet, and luck in applications. An "
            "agent-based model makes this heterogeneity visible; averages hide it.")
    doc.add("3. **Calibration is not validation of policy effects.** The baseline was tuned to land in "
            "these bands; many other sets of assumptions would too. The levers were never calibrated: "
            "what a policy does in the model follows from mechanisms (course hours, brokers, contact "
            "chances) that the targets do not test. Exercise 6 asks which assumptions the conclusions "
            "hinge on.")
    doc.add("4. **Who is missing.** Children and schooling, family reunification (people arriving "
            "later into an existing household), secondary migration to the cities, rejected applicants "
            "who stay. For employment and language of adult permit holders the first years are covered; "
            "for isolation and wellbeing the family matters a lot.")
    return doc


def where_the_time_goes_figure(main: ComparisonResult, target) -> Figure:
    model = main.model[main.model["policy"] == "baseline_2013"]
    counts = model.groupby("month")[["n_asylum", "n_awaiting_housing", "n_housed", "n_departed"]].mean()
    by_permit = main.by_permit[main.by_permit["policy"] == "baseline_2013"]
    by_permit = permit_years_shown(by_permit)
    axes_style, context = _style()
    with axes_style, context:
        fig = Figure(figsize=(12, 4.6), layout="constrained")
        left, right = fig.subplots(1, 2)
        colours = ["#de8f05", "#ca9161", "#0173b2", "#949494"]
        labels = ["waiting for asylum", "permit, waiting for a house", "housed", "refused and left"]
        left.stackplot(counts.index / 12, counts.T.to_numpy(), labels=labels, colors=colours, alpha=0.85)
        left.set_xlabel("years since the first arrivals")
        left.set_ylabel("newcomers (mean across seeds)")
        left.set_title("Where the cohort is, month by month", loc="left")
        left.legend(loc="lower right", frameon=True)
        left.set_xlim(0, counts.index.max() / 12)
        names = {"share_employed": "employed", "share_fulltime": "full-time", "share_a2_plus": "Dutch A2+",
                 "share_exam_passed": "exam passed"}
        for (metric, label), colour in zip(names.items(), ["#029e73", "#0173b2", "#cc78bc", "#d55e00"],
                                           strict=True):
            d = by_permit[by_permit["metric"] == metric].sort_values("years_since_permit")
            right.plot(d["years_since_permit"], d["mean"], marker="o", color=colour, label=label)
            right.fill_between(d["years_since_permit"].astype(float), d["ci_low"], d["ci_high"],
                               color=colour, alpha=0.15, lw=0)
        right.errorbar([5], [target.point], yerr=[[target.point - target.low], [target.high - target.point]],
                       fmt="s", color="black", capsize=4, label="fact: employed 5 years after permit")
        right.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        right.set_ylim(0, 1)
        right.set_xlabel("years since the residence permit")
        right.set_title("Permit holders aged 18–64, by years since permit", loc="left")
        right.legend(loc="upper left", frameon=True)
        fig.suptitle("baseline_2013: mean and 95% CI across seeds", x=0.99, ha="right", fontsize=8,
                     color="0.4")
    return fig


# --- exercise 2 ---------------------------------------------------------------------------------


def exercise_2(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    setup = runs.setup
    doc = Doc("02-early-language", "2 — Early language: when does it pay off, and for whom?", setup, out)
    header(doc, "02-early-language.md", f"`baseline_2013` and `early_language` over seeds "
                                        f"0–{setup.compare_seeds - 1}, and the sweep "
                                        "`sweeps/early_language_wait.toml`")
    D = main.differences
    a2 = doc.keep("gain_a2_year5", value(D, "early_language", "share_a2_plus", 5))
    job = doc.keep("gain_employed_year5", value(D, "early_language", "share_employed", 5))
    exam = doc.keep("gain_exam_year5", value(D, "early_language", "share_exam_passed", 5))
    doc.add("## Predict first",
            f"**1. Five years after arrival**, early language changes the share at A2 or higher by "
            f"**{pp(a2[0])}** {interval(a2[1], a2[2], pp)} and the share employed by **{pp(job[0])}** "
            f"{interval(job[1], job[2], pp)} ({verdict(job[1], job[2])}); exam passes by {pp(exam[0])}. "
            + ("The job gain is a fraction of the language gain: most jobs open to newcomers ask for little "
               "Dutch, and the 2013 course still caps working hours." if abs(job[0]) < abs(a2[0]) else
               "The job gain is as large as the language gain: Dutch opens doors here."))

    bp = permit_years_shown(main.by_permit)
    gain = bp[(bp["policy"] == "early_language")].pivot_table(index="years_since_permit", columns="metric",
                                                               values="diff_mean")
    a2_by_year = gain["share_a2_plus"].dropna()
    job_by_year = gain["share_employed"].dropna()
    peak = int(a2_by_year.idxmax())
    last = int(a2_by_year.index.max())
    doc.keep("gain_a2_by_years_since_permit", a2_by_year.to_dict())
    doc.keep("gain_employed_by_years_since_permit", job_by_year.to_dict())
    trend = ("stays close to that" if abs(a2_by_year.loc[last] - a2_by_year.max()) < 0.25 * a2_by_year.max()
             else "shrinks")
    doc.add(f"**2. Over the years.** By years since the permit, the gain in A2+ peaks "
            f"{peak} year{'s' if peak != 1 else ''} after the permit ({pp(a2_by_year.max())}) and "
            f"{trend} by year {last} ({pp(a2_by_year.loc[last])}). Early lessons are a head start: the "
            "2013 learners catch up partly, but those who reach A2 sooner also pass the exam sooner, "
            "escape the fine, find work sooner and practise more — part of the head start lasts. "
            f"The gain in jobs peaks {when(int(job_by_year.idxmax()), peak)} "
            f"({int(job_by_year.idxmax())} years after the permit, {pp(job_by_year.max())}).")
    doc.add(md_table(["years since permit", "Δ A2+", "Δ employed"],
                     [[str(int(y)), pp(a2_by_year.get(y, np.nan)), pp(job_by_year.get(y, np.nan))]
                      for y in a2_by_year.index]))

    nc = main.newcomers
    sel = nc[nc["policy"].isin(["baseline_2013", "early_language"]) & (nc["status"] == "permit")
             & (nc["month"] == 36)]
    kansrijk = sel.groupby(["kansrijk", "policy"])["language_score"].mean().unstack()
    kansrijk["gain"] = kansrijk["early_language"] - kansrijk["baseline_2013"]
    doc.keep("language_score_month36_by_kansrijk", kansrijk.round(4).to_dict())
    last = main.settings.last_year  # by_group.csv at the last year of the run, as the sheet reads it
    at_last = G.at_horizon(main.by_group, "year", last)
    sub = at_last[(at_last["grouping"] == "education") & (at_last["metric"] == "share_a2_plus")
                  & at_last["policy"].isin(["baseline_2013", "early_language"])]
    edu = sub.pivot_table(index="group", columns="policy", values="value")
    edu = edu.loc[[e for e in ("none", "low", "middle", "high") if e in edu.index]]
    gain = sub[sub["policy"] == "early_language"].set_index("group")  # paired by seed, within the group
    edu["gain"] = gain["difference"]
    edu["gain_ci_low"] = gain["diff_ci_low"]
    edu["gain_ci_high"] = gain["diff_ci_high"]
    doc.keep("a2_year10_by_education", edu.round(4).to_dict())
    k_gain = kansrijk["gain"].get(True, np.nan)
    n_gain = kansrijk["gain"].get(False, np.nan)
    most, least = edu["gain"].idxmax(), edu["gain"].idxmin()
    apart = edu.loc[most, "gain_ci_low"] > edu.loc[least, "gain_ci_high"]
    doc.add(f"**3. For whom.** Three years on, kansrijk permit holders gain {num(k_gain, 2)} points of "
            f"language score (0 = A0 … 5 = C1), the others {num(n_gain, 2)}: the lessons during the asylum "
            "wait go to the kansrijk; the others get azc lessons only between their permit and their house, "
            "and gain through what follows (a sooner exam, work, contacts). "
            f"By education, at year {last:g}, the gain in A2+ is largest for *{most}* "
            f"({pp(edu.loc[most, 'gain'])} {interval(edu.loc[most, 'gain_ci_low'], edu.loc[most, 'gain_ci_high'], pp)}) "
            f"and smallest for *{least}* ({pp(edu.loc[least, 'gain'])} "
            f"{interval(edu.loc[least, 'gain_ci_low'], edu.loc[least, 'gain_ci_high'], pp)}): "
            + ("the two intervals do not overlap, so the difference between the groups is more than seed noise. "
               if apart else "the two intervals overlap: with these seeds the groups are not clearly apart. ")
            + ("Those with much schooling reach A2 without the head start; those with little need every month "
               "of lessons they can get." if list(edu.index).index(most) < list(edu.index).index(least) else
               "Here the head start helps those with more schooling most: they turn lessons into a level sooner."))
    doc.add(md_table(["", "2013", "early language", "gain"],
                     [[("kansrijk" if k else "not kansrijk") + ", language score at month 36",
                       num(r.baseline_2013, 2), num(r.early_language, 2), f"{r.gain:+.2f}"]
                      for k, r in kansrijk.iterrows()]
                     + [[f"education {e}, A2+ at year {last:g}", pct(r.baseline_2013), pct(r.early_language),
                         f"{pp(r.gain)} {interval(r.gain_ci_low, r.gain_ci_high, pp)}"] for e, r in edu.iterrows()]))

    spec, folder = runs.sweep("early_language_wait")
    wait = load_sweep(folder, metrics=["share_a2_plus"], years=[3, 10], tidy=False)
    rows, gains = [], {3: {}, 10: {}}
    for year in (3, 10):
        wide = wait[wait["year"] == year].pivot_table(index=["asylum_wait_months", "replicate"],
                                                      columns="language_from_arrival", values="share_a2_plus")
        for months, group in wide.groupby(level=0):
            g = paired_gain(group, True, False)
            gains[year][float(months)] = g
            rows.append([f"{months:g} months", f"year {year}", pct(group[False].mean()), pct(group[True].mean()),
                         f"{pp(g[0])} {interval(g[1], g[2], pp)}"])
    doc.keep("gain_a2_by_wait", {f"year {y}": {k: list(v) for k, v in g.items()} for y, g in gains.items()})
    waits = sorted(gains[3])

    def shape(year: int) -> str:
        g = [gains[year][w][0] for w in waits]
        if np.all(np.diff(g) > 0):
            return "grows with the wait"
        if g[-1] > g[0]:
            return "is larger with a long wait than with a short one, though not steadily"
        return "does not grow with the wait"
    doc.add(f"**4. When it pays off.** At year 3, the gain in A2+ is {pp(gains[3][waits[0]][0])} with a "
            f"{waits[0]:g}-month wait and {pp(gains[3][waits[-1]][0])} with a {waits[-1]:g}-month wait "
            f"({spec.seeds} seeds per point, paired): it {shape(3)}. At year 10 it is "
            f"{pp(gains[10][waits[0]][0])} and {pp(gains[10][waits[-1]][0])}: it {shape(10)}. Two things "
            "move at once. A longer wait gives more months of lessons to use; but it also delays the permit, "
            "and shares are of permit holders: at year 3, those who waited long have held a permit only "
            "briefly, and the 2013 learners among them have barely started. The prediction that the gain "
            "simply grows with the wait is the common one; the sweep shows why the year you look at matters.")
    doc.add(md_table(["mean asylum wait", "when", "A2+, 2013", "with early language", "gain [95% CI]"], rows))
    fig = sweep_lines(wait, "share_a2_plus", "asylum_wait_months", "language_from_arrival", 3,
                      "Dutch at A2 or higher after three years, by asylum wait")
    doc.figure(fig, "wait", "Dutch at A2+ after three years against the asylum wait, with and without early language")
    doc.figure(gain_by_permit_figure(bp, "early_language"), "gain-by-years-since-permit",
               "Gain from early language by years since permit")

    cost3 = doc.keep("extra_cost_year3", value(D, "early_language", "public_cost_per_newcomer_eur", 3))
    net10 = doc.keep("net_cost_difference_year10", value(D, "early_language", "net_public_cost_per_newcomer_eur", 10))
    no_moves = sheet_run("02-early-language", "no_relocations")
    no_moves_seeds = doc.numbers["plan"]["sheet_seeds"]["no_relocations"]
    moves = runs.timed("ex2 no relocations", runs.compare, no_moves["policies"], no_moves_seeds,
                       params=no_moves["params"], metrics=no_moves["metrics"])
    m_a2 = doc.keep("no_relocations_gain_a2_year5", value(moves.differences, "early_language", "share_a2_plus", 5))
    m_job = doc.keep("no_relocations_gain_employed_year5",
                     value(moves.differences, "early_language", "share_employed", 5))
    doc.add("## Questions to discuss: notes for the instructor",
            f"1. **Worth doing alone?** Gross public cost per newcomer in the first three years changes by "
            f"{eur(cost3[0], sign=True)}; by year 10 the net public cost (cost minus taxes and premiums) "
            f"changes by {eur(net10[0], sign=True)} {interval(net10[1], net10[2], lambda v: eur(v, True))}. "
            "Cheap, and it moves language a lot; but after the permit it meets the same course market, "
            "the same fines and the same cap on hours. Natural additions: a plan that combines course and "
            "work (two tracks), fewer relocations.")
    doc.add(f"2. **Early language and relocations.** With relocations switched off for both policies "
            f"({no_moves_seeds} seeds, as the sheet's command runs), the gain from early language at year 5 is "
            f"{pp(m_a2[0])} {interval(m_a2[1], m_a2[2], pp)} in A2+ and {pp(m_job[0])} "
            f"{interval(m_job[1], m_job[2], pp)} in employment, against {pp(a2[0])} and {pp(job[0])} with "
            "relocations. Note what this comparison is: early language *given* no relocations, not the "
            "effect of stopping relocations (both arms have none).")
    doc.add("3. **Skills taken home.** The model stops following rejected applicants when they leave, so "
            "any benefit to them (and to return co-operation) is outside every number here. A comparison "
            "that counts only permit holders undervalues policies that also help the rejected.")
    doc.add("4. **Long waits.** Whatever the shape, early language uses a wait that exists; it is no "
            "argument for keeping the wait long — the wait itself costs wellbeing, reception costs and "
            "years of working life.")
    return doc


def gain_by_permit_figure(by_permit: pd.DataFrame, policy: str) -> Figure:
    d = by_permit[by_permit["policy"] == policy]
    axes_style, context = _style()
    with axes_style, context:
        fig = Figure(figsize=(8.5, 4.6), layout="constrained")
        ax = fig.subplots()
        for metric, label, colour in [("share_a2_plus", "Dutch at A2 or higher", "#56b4e9"),
                                      ("share_employed", "employed", "#029e73")]:
            m = d[d["metric"] == metric].sort_values("years_since_permit")
            ax.plot(m["years_since_permit"], m["diff_mean"], marker="o", color=colour, label=label)
            ax.fill_between(m["years_since_permit"].astype(float), m["diff_ci_low"], m["diff_ci_high"],
                            color=colour, alpha=0.2, lw=0)
        ax.axhline(0, color="0.3", lw=1)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: f"{100 * v:+.0f} pp"))
        ax.set_xlabel("years since the residence permit")
        ax.set_ylabel(f"{policy} minus baseline_2013")
        ax.set_title(f"Gain from {policy}, by years since permit (paired; band: 95% CI)", loc="left")
        ax.legend(frameon=True)
    return fig


# --- exercise 3 ---------------------------------------------------------------------------------


def exercise_3(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    setup = runs.setup
    doc = Doc("03-startpunten", "3 — Startpunten and space", setup, out)
    header(doc, "03-startpunten.md", f"`baseline_2013` and `startpunten` over seeds 0–{setup.compare_seeds - 1}, "
                                     "three five-year `startpunten` runs (seeds 0–2, step 3) and the sweep "
                                     "`sweeps/startpunten_space.toml`")
    D, M = main.differences, main.summary
    iso = doc.keep("gain_isolated_year5", value(D, "startpunten", "share_isolated", 5))
    a2 = doc.keep("gain_a2_year5", value(D, "startpunten", "share_a2_plus", 5))
    job = doc.keep("gain_employed_year5", value(D, "startpunten", "share_employed", 5))
    iso_base = doc.keep("isolated_year5_baseline", value(M, "baseline_2013", "share_isolated", 5))
    doc.add("## Predict first",
            f"**1. Effects five years on.** Isolation changes by **{pp(iso[0])}** "
            f"{interval(iso[1], iso[2], pp)} (from {pct(iso_base[0])} under the 2013 law), Dutch at A2+ by "
            f"{pp(a2[0])} {interval(a2[1], a2[2], pp)}, employment by {pp(job[0])} "
            f"{interval(job[1], job[2], pp)}. A startpunt is not only a meeting place: newcomers who come "
            "and have no course get a supervised one there, and work guidance and placements — so "
            "language and jobs move too.")

    tables = runs.timed("ex3 distance runs", run_many, distance_run, [(s, setup.params) for s in range(3)],
                        runs.workers)
    housed = pd.concat(tables, ignore_index=True)
    housed["isolated"] = housed["resident_ties"] == 0
    bands = [0, 1, 2.5, 5, 10, 100]
    housed["distance"] = pd.cut(housed["distance_km"], bands, include_lowest=True)
    by_band = housed.groupby("distance", observed=False)[["used_startpunt", "isolated", "language_score",
                                                          "employed"]].mean()
    by_band["newcomers"] = housed.groupby("distance", observed=False).size()
    labels = ["up to 1 km", "1–2.5 km", "2.5–5 km", "5–10 km", "over 10 km"]
    by_band.index = labels
    doc.keep("by_distance_band", by_band.round(4).to_dict())
    near = housed[housed["distance_km"] <= 2.5]
    far = housed[housed["distance_km"] > 5]
    doc.keep("isolated_near_far", [float(near["isolated"].mean()), float(far["isolated"].mean())])
    doc.add(f"**2. Distance.** In the three runs of step 3, {pct(near['isolated'].mean())} of newcomers living "
            f"within 2.5 km of a startpunt are isolated five years on, against {pct(far['isolated'].mean())} of "
            f"those living more than 5 km away. Almost everyone has come at least once "
            f"({pct(housed['used_startpunt'].mean())}): distance decides how *often*, and so how many "
            "residents one meets there and how much guidance one gets.")
    doc.add(md_table(["distance to the nearest startpunt", "came at least once", "isolated", "language score",
                      "employed", "newcomers (3 runs)"],
                     [[b, pct(r.used_startpunt), pct(r.isolated), num(r.language_score, 2), pct(r.employed),
                       str(int(r.newcomers))] for b, r in by_band.iterrows()]))
    housed["near_or_far"] = np.where(housed["distance_km"] <= 2.5, "within 2.5 km",
                                     np.where(housed["distance_km"] > 5, "over 5 km", "2.5–5 km"))
    within = housed.pivot_table(index="municipality", columns="near_or_far", values="isolated", aggfunc="mean")
    within = within.reindex(columns=["within 2.5 km", "2.5–5 km", "over 5 km"])
    share_far = housed.groupby("municipality")["distance_km"].apply(lambda d: float((d > 5).mean()))
    doc.keep("isolated_by_municipality_and_distance", within.round(4).to_dict())
    doc.keep("share_over_5km_by_municipality", share_far.to_dict())
    gradient = within["over 5 km"] > within["within 2.5 km"]
    gradient = gradient[within[["over 5 km", "within 2.5 km"]].notna().all(axis=1)]
    doc.add("The confounder: places far from a startpunt are different places. Share living more than "
            "5 km away, and isolation by distance *within* each municipality. "
            + (f"Within every municipality with people at both distances ({len(gradient)}), those over 5 km away "
               "are more isolated than those within 2.5 km: the gradient is not only a matter of place."
               if len(gradient) and gradient.all() else
               "Within municipalities the gradient is mixed: part of it is a matter of place."),
            md_table(["municipality", "lives over 5 km away", "isolated: within 2.5 km", "2.5–5 km", "over 5 km"],
                     [[m, pct(share_far[m]), *[pct(v) for v in within.loc[m]]] for m in within.index]))

    spec, folder = runs.sweep("startpunten_space")
    space = load_sweep(folder, years=[5], tidy=False)
    grid = space.groupby(["startpunten_per_municipality", "startpunt_distance_decay"])[
        ["share_isolated", "residents_in_course"]].mean()
    doc.keep("sweep_isolated_year5", {f"{h}|{d:g}": v for (h, d), v in grid["share_isolated"].items()})
    decays = sorted(space["startpunt_distance_decay"].unique())
    hubs = sorted(space["startpunten_per_municipality"].unique())
    doc.add("**The experiment (step 4).** Isolation five years on, and residents in a startpunt course, "
            f"by number of startpunten per municipality and how fast visits fall with distance ({spec.seeds} "
            "seeds per point, the same seeds everywhere):",
            md_table(["startpunten per municipality"]
                     + [f"isolated, visits halve every {d:g} cells ({d * KM_PER_CELL:g} km)" for d in decays]
                     + [f"residents in a course ({d:g} cells)" for d in decays],
                     [[str(h)] + [pct(grid.loc[(h, d), "share_isolated"]) for d in decays]
                      + [num(grid.loc[(h, d), "residents_in_course"], 0) for d in decays] for h in hubs]))
    short, long_ = decays[0], decays[-1]
    top = hubs[-1]
    doc.add(f"With {top} startpunten per municipality, isolation is {pct(grid.loc[(top, short), 'share_isolated'])} "
            f"when people do not travel far and {pct(grid.loc[(top, long_), 'share_isolated'])} when they do; "
            f"without startpunten it is {pct(grid.loc[(0, short), 'share_isolated'])}. "
            + ("Distance matters causally in the model, not only as a correlate of place: the same people, "
               "on the same map, are less isolated when reaching a startpunt is easier. That is what step 3 "
               "could not show." if grid.loc[(top, long_), "share_isolated"] < grid.loc[(top, short), "share_isolated"]
               else "Here the distance decay makes little difference: look at how many live far away at all."))
    fig = sweep_lines(space, "share_isolated", "startpunten_per_municipality", "startpunt_distance_decay", 5,
                      "Isolated after five years, by number of startpunten")
    doc.figure(fig, "space", "Isolation after five years by number of startpunten and distance decay")

    course5 = doc.keep("residents_in_course_year5", value(M, "startpunten", "residents_in_course", 5))
    placed10 = doc.keep("residents_placed_year10", value(M, "startpunten", "residents_placed", 10))
    n_hubs = POLICIES["startpunten"]["startpunten_per_municipality"] * int(
        setup.params.get("n_municipalities", PARAMS["n_municipalities"].default))
    n_res = int(setup.params.get("n_residents", PARAMS["n_residents"].default))
    doc.add(f"**3. Residents.** Five years on, {num(course5[0], 0)} resident agents (of {n_res:,}) are in a "
            f"startpunt course at any moment, {num(course5[0] / n_hubs, 0)} per startpunt; by year 10, "
            f"{num(placed10[0], 0)} resident agents found a placement or job through one. They are the "
            "low-literate and the unemployed, who come more often because they need something. Each resident "
            "agent stands for many inhabitants (`docs/ODD.md`), so in people these numbers are much larger "
            "than the newcomer numbers.")
    net = doc.keep("net_cost_difference_year10", value(D, "startpunten", "net_public_cost_per_newcomer_eur", 10))
    gross = doc.keep("gross_cost_difference_year10", value(D, "startpunten", "public_cost_per_newcomer_eur", 10))
    doc.add(f"**4. Do they pay for themselves?** By year 10, gross public cost per newcomer changes by "
            f"{eur(gross[0], sign=True)} and the net cost (minus taxes and premiums) by "
            f"**{eur(net[0], sign=True)}** {interval(net[1], net[2], lambda v: eur(v, True))}: "
            + ("they pay for themselves within ten years, counted on newcomers alone. "
               if net[2] < 0 else "they do not pay for themselves within ten years, counted on newcomers "
               "alone. ")
            + "Their whole cost is charged to the newcomers here, while residents use them too: see "
            "exercise 5.")

    doc.add("## Questions to discuss: notes for the instructor",
            "1. **Correlation and experiment.** Step 3 compares people who live at different distances; "
            f"they also live in different municipalities (the share living over 5 km away ranges from "
            f"{pct(share_far.min())} in *{share_far.idxmin()}* to {pct(share_far.max())} in "
            f"*{share_far.idxmax()}*), with "
            "different neighbours and employers. Step 4 changes only the startpunten and keeps people, "
            "map and seeds: that is the policy question. They can disagree when distance stands in for "
            "place — look at the within-municipality table above.",
            "2. **Where to put one startpunt.** The model places startpunten where many people live "
            "(density-weighted). To answer the question you would need a lever for the location, and an "
            "objective: the most newcomers within reach, or the most residents too.",
            "3. **Good for everyone — shown or assumed?** Residents' courses and placements are rules in "
            "`model/startpunten.py` with assumed chances (`RESIDENT_PLACEMENT_CHANCE` and others): the "
            "model *assumes* the spill-over exists and shows how big it is under those assumptions. "
            "What it does show is the interaction: newcomers meet residents who come for their own reasons.",
            "4. **Success or failure?** A matter of the objective: as a place to meet, residents are the "
            "point; as a course provider, serving low-literate Dutch adults is a second public good the "
            "budget should count (exercise 5).")
    return doc


# --- exercise 4 ---------------------------------------------------------------------------------


def exercise_4(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    setup = runs.setup
    doc = Doc("04-fines-or-incentives", "4 — Fines or incentives?", setup, out)
    header(doc, "04-fines-or-incentives.md", f"`baseline_2013`, `reduced_fines` and `wet_inburgering_2021` over "
                                             f"seeds 0–{setup.compare_seeds - 1} (read at year 5, as the "
                                             "sheet's `--years 5`), and the sweep `sweeps/fines_incentives.toml`")
    D, M = main.differences, main.summary
    exam = doc.keep("gain_exam_year5", value(D, "reduced_fines", "share_exam_passed", 5))
    bp = main.by_permit
    exam_by = bp[(bp["metric"] == "share_exam_passed") & bp["policy"].isin(["baseline_2013", "reduced_fines"])]
    exam_by = exam_by.pivot_table(index="years_since_permit", columns="policy", values="mean")
    exam3 = doc.keep("exam_3_years_after_permit", exam_by.loc[3].to_dict() if 3 in exam_by.index else {})
    doc.add("## Predict first",
            f"**1. Exam passes without fines.** Five years on, `reduced_fines` changes the share who passed "
            f"by **{pp(exam[0])}** {interval(exam[1], exam[2], pp)} ({verdict(exam[1], exam[2])}). Three "
            f"years after the permit (the deadline): {pct(exam3.get('baseline_2013', np.nan))} under the "
            f"2013 law, {pct(exam3.get('reduced_fines', np.nan))} under `reduced_fines`. Removing the fine "
            "removes a little pressure in the last year before the deadline (`DEADLINE_PRESSURE` in "
            "`model/exam.py`); the incentives pull (`INCENTIVE_MOTIVATION`), and no debt means better "
            "wellbeing, which raises attendance. "
            + ("In the model the pull wins." if exam[0] > 0 else "In the model the lost pressure weighs more."))

    nc = main.newcomers
    regimes = ["baseline_2013", "reduced_fines", "wet_inburgering_2021"]
    metrics = ["mean_debt_eur", "share_fined", "share_exam_passed", "mean_wellbeing"]
    at5 = G.at_horizon(main.by_group, "year", 5)  # by_group.csv at year 5, the sheet's last year
    edu = at5[(at5["grouping"] == "education") & at5["policy"].isin(regimes) & at5["metric"].isin(metrics)]
    order = [e for e in ("none", "low", "middle", "high") if e in set(edu["group"])]
    pivots = {m: edu[edu["metric"] == m].pivot_table(index="group", columns="policy", values="value")
              .loc[order, regimes] for m in metrics}
    gains = {m: edu[(edu["metric"] == m) & (edu["policy"] == "reduced_fines")].set_index("group").loc[order]
             for m in metrics}  # the change from the 2013 law within each group, paired by seed
    for m, p in pivots.items():
        g = gains[m]
        doc.keep(f"year5_{m}_by_education", p.assign(reduced_fines_gain=g["difference"],
                                                     reduced_fines_gain_ci_low=g["diff_ci_low"],
                                                     reduced_fines_gain_ci_high=g["diff_ci_high"]).round(4).to_dict())
    debt = pivots["mean_debt_eur"]
    wb = pivots["mean_wellbeing"]
    wb_gain = gains["mean_wellbeing"]
    wb_most, wb_least = wb_gain["difference"].idxmax(), wb_gain["difference"].idxmin()
    wb_apart = wb_gain.loc[wb_most, "diff_ci_low"] > wb_gain.loc[wb_least, "diff_ci_high"]
    spread = debt["baseline_2013"].max() / max(debt["baseline_2013"].min(), 1.0) - 1
    doc.add(f"**2. Who carries the debt.** Under the 2013 law, five years on, mean debt is highest among "
            f"newcomers with education *{debt['baseline_2013'].idxmax()}* "
            f"({eur(debt['baseline_2013'].max())}) and lowest among *{debt['baseline_2013'].idxmin()}* "
            f"({eur(debt['baseline_2013'].min())})"
            + (": about the same for every level of education. " if spread < 0.15 else ". ")
            + "Debt is not simply a matter of learning slowly: the fine "
            "and the loan fall on those who neither pass nor show 600 hours of effort by the deadline, so "
            "attendance matters as much as schooling. Wellbeing gains most under "
            f"`reduced_fines` for *{wb_most}* ({wb_gain.loc[wb_most, 'difference']:+.3f} on a 0–1 scale, "
            f"[{wb_gain.loc[wb_most, 'diff_ci_low']:+.3f}, {wb_gain.loc[wb_most, 'diff_ci_high']:+.3f}]) and "
            f"least for *{wb_least}* ({wb_gain.loc[wb_least, 'difference']:+.3f} "
            f"[{wb_gain.loc[wb_least, 'diff_ci_low']:+.3f}, {wb_gain.loc[wb_least, 'diff_ci_high']:+.3f}]): "
            + ("the intervals do not overlap." if wb_apart else
               "the intervals overlap, so the ranking of the groups is not clear with these seeds."))
    doc.add(md_table(["education", "debt, 2013", "debt, reduced fines", "debt, 2021 law", "fined, 2013",
                      "exam passed, 2013", "exam passed, reduced fines", "wellbeing, 2013",
                      "wellbeing, reduced fines"],
                     [[e, eur(debt.loc[e, "baseline_2013"]), eur(debt.loc[e, "reduced_fines"]),
                       eur(debt.loc[e, "wet_inburgering_2021"]), pct(pivots["share_fined"].loc[e, "baseline_2013"]),
                       pct(pivots["share_exam_passed"].loc[e, "baseline_2013"]),
                       pct(pivots["share_exam_passed"].loc[e, "reduced_fines"]),
                       num(wb.loc[e, "baseline_2013"], 3), num(wb.loc[e, "reduced_fines"], 3)] for e in order]))
    doc.figure(by_education_figure(pivots, order), "by-education", "Debt and wellbeing by education, year 5")

    spec, folder = runs.sweep("fines_incentives")
    levers = load_sweep(folder, years=[5], tidy=False)
    keys = ["fine_eur", "positive_incentives", "benefit_sanction"]
    wide_metrics = ["mean_debt_eur", "share_exam_passed", "mean_wellbeing", "share_a2_plus"]
    by_rep = levers.set_index([*keys, "replicate"])[wide_metrics]
    reference = (1250.0, False, False)
    configs = [("2013 rules (fine €1,250)", reference), ("no fine", (0.0, False, False)),
               ("positive incentives", (1250.0, True, False)), ("benefit sanction", (1250.0, False, True)),
               ("all three (= reduced_fines)", (0.0, True, True)), ("double fine (€2,500)", (2500.0, False, False))]
    base_rows = by_rep.xs(reference, level=keys)
    effects, rows = {}, []
    for label, config in configs:
        rows_c = by_rep.xs(config, level=keys)
        cells = [label]
        for m in wide_metrics:
            mean = rows_c[m].mean()
            if config == reference:
                cells.append(eur(mean) if m == "mean_debt_eur" else pct(mean) if m.startswith("share")
                             else num(mean, 3))
                continue
            g = mean_ci((rows_c[m] - base_rows[m]).to_numpy())
            effects[f"{label}|{m}"] = g
            cells.append(eur(g[0], sign=True) if m == "mean_debt_eur" else pp(g[0]) if m.startswith("share")
                         else f"{g[0]:+.3f}")
        rows.append(cells)
    doc.keep("lever_effects_year5", {k: list(v) for k, v in effects.items()})
    singles = ["no fine", "positive incentives", "benefit sanction"]
    biggest_debt = min(singles, key=lambda s: effects[f"{s}|mean_debt_eur"][0])
    biggest_exam = max(singles, key=lambda s: effects[f"{s}|share_exam_passed"][0])
    biggest_wb = max(singles, key=lambda s: effects[f"{s}|mean_wellbeing"][0])
    fine_effect = doc.keep("fine_size_effect_on_exam_year5", max(
        abs(effects["no fine|share_exam_passed"][0]), abs(effects["double fine (€2,500)|share_exam_passed"][0])))
    doc.add(f"**3. Which lever.** Switched on one at a time from the 2013 rules ({spec.seeds} seeds per "
            f"combination, paired, year 5): debt falls most with *{biggest_debt}*, exam passes rise most "
            f"with *{biggest_exam}*, wellbeing rises most with *{biggest_wb}*. Debt has two sources — the "
            "fine, and the loan that turns into debt at a missed deadline — and only positive incentives "
            "(a social loan) remove the second.",
            md_table(["year 5, difference from the 2013 rules", "debt", "exam passed", "wellbeing", "A2+"], rows))
    fig = sweep_lines(levers, "mean_debt_eur", "fine_eur", "positive_incentives", 5,
                      "Mean debt after five years, by fine (pooled over benefit sanction)")
    doc.figure(fig, "levers", "Debt after five years by fine and positive incentives")

    fined = doc.keep("wet2021_fined_difference_year5", value(D, "wet_inburgering_2021", "share_fined", 5))
    w_exam = doc.keep("wet2021_exam_difference_year5", value(D, "wet_inburgering_2021", "share_exam_passed", 5))
    w_b1 = doc.keep("wet2021_b1_year5", value(M, "wet_inburgering_2021", "share_b1_plus", 5))
    at3 = nc[S.permit_adults(nc) & (S.years_since_permit(nc["months_since_permit"]) == 3)]
    effort = doc.keep("share_600_hours_3_years_after_permit",
                      (at3["course_hours"] >= 600).groupby(at3["policy"]).mean().to_dict())
    doc.add(f"**4. The 2021 law.** Five years on, the share ever fined changes by {pp(fined[0])} "
            f"{interval(fined[1], fined[2], pp)} against 2013, and exam passes by {pp(w_exam[0])} — "
            f"with the exam at B1 ({pct(w_b1[0])} reach B1 by then). Three years after the permit, "
            f"{pct(effort.get('wet_inburgering_2021', np.nan))} have had the 600 course hours that count as "
            f"effort, against {pct(effort.get('baseline_2013', np.nan))} under the 2013 law. "
            + ("Fewer fines despite the harder exam: under the municipality's plan people start supervised "
               "courses sooner, and the hours spare them the fine. " if fined[0] < 0 else
               "More fines: the harder exam outweighs the better courses. ")
            + "Whether a B1 target is reasonable for those who cannot read is the real question (the law's "
            "'Z-route' is not modelled).")

    doc.add("## Questions to discuss: notes for the instructor",
            "1. **Finding or assumption?** In `model/exam.py`, a looming fine raises attendance by "
            "`DEADLINE_PRESSURE` in the last year only, a fine makes an uncooperative person co-operate with "
            "chance `COMPLY_AFTER_FINE`, and wellbeing (`model/wellbeing.py`) drops with a fine and with "
            "debt. These are assumptions (marked as such), following the study's argument (Probleem 2) that "
            "fines slow integration. "
            f"The model's result — the size of the fine moves exam passes by at most {pp(fine_effect)} at year 5 "
            "(the lever table) — follows from them; settling it needs evidence on how fines change attendance — e.g. the Algemene Rekenkamer's 2017 evaluation, "
            "or a comparison of cohorts before and after a change in sanctions.",
            f"2. **Fairness.** Those with education *{pivots['share_exam_passed']['baseline_2013'].idxmin()}* "
            "are the least likely to pass; the 2013 effort rule "
            "(600 hours) spares those who attend. Discuss whether the debt is a penalty for not trying or "
            "for not being able to.",
            "3. **Does more time delay learning?** Positive incentives extend the deadline for those who "
            "work or study; compare A2+ between 'positive incentives' and the 2013 rules in the lever table "
            "above.",
            f"4. **Minister in 2021.** In the model, the size of the fine moves exam passes by at most "
            f"{pp(fine_effect)}; the 2021 package changes the share fined by {pp(fined[0])} and passes by "
            f"{pp(w_exam[0])}, at the harder B1 level. The choice is between a higher target for those who can "
            "reach it and a reachable one for everyone"
            + ("; in the model the first costs passes, not fines." if w_exam[0] < 0 and fined[0] <= 0 else "."))
    return doc


def by_education_figure(pivots: dict[str, pd.DataFrame], order: list[str]) -> Figure:
    axes_style, context = _style()
    with axes_style, context:
        fig = Figure(figsize=(11, 4.4), layout="constrained")
        axes = fig.subplots(1, 2)
        for ax, metric, title in [(axes[0], "mean_debt_eur", "Mean debt from fines and loans (EUR)"),
                                  (axes[1], "mean_wellbeing", "Mean wellbeing (0–1)")]:
            p = pivots[metric]
            long = p.reset_index().melt(id_vars="group", var_name="policy", value_name="value")
            sns.barplot(long, x="group", y="value", hue="policy", order=order, ax=ax,
                        palette={k: POLICY_COLOURS[k] for k in p.columns})
            ax.set_xlabel("education")
            ax.set_ylabel("")
            ax.set_title(title, loc="left")
            if metric == "mean_wellbeing":
                ax.set_ylim(max(0.0, float(long["value"].min()) - 0.1), min(1.0, float(long["value"].max()) + 0.05))
                ax.get_legend().remove()
            else:
                ax.set_ylim(0, max(1.0, float(long["value"].max())) * 1.35)  # room for the legend
                ax.legend(title=None, frameon=True, loc="upper right", ncols=3, fontsize=8)
        fig.suptitle("Five years on, permit holders aged 18–64 (mean across seeds)", x=0.99, ha="right",
                     fontsize=8, color="0.4")
    return fig


# --- exercise 5 ---------------------------------------------------------------------------------

BUDGET_EUR = 7500.0  # sheet 5: extra public spending per newcomer over years 1-3
PACKAGE_LEVERS = ["language_from_arrival", "personal_plan", "startpunten_per_municipality", "employer_subsidy"]


def package_name(row) -> str:
    """A package's levers in words."""
    parts = [label for lever, label in [("language_from_arrival", "early language"), ("personal_plan", "plan"),
                                        ("startpunten_per_municipality", "startpunten"),
                                        ("employer_subsidy", "subsidy")] if row[lever]]
    return " + ".join(parts) if parts else "none (2013 law)"


def exercise_5(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    setup = runs.setup
    doc = Doc("05-budget", "5 — A budget: choose a package and defend it", setup, out)
    header(doc, "05-budget.md", f"all seven policies over seeds 0–{setup.compare_seeds - 1} and the sweep "
                                "`sweeps/packages.toml`")
    D, M = main.differences, main.summary
    named = pd.DataFrame({p: {
        "extra_cost_years_1_3": 0.0 if p == "baseline_2013" else value(D, p, "public_cost_per_newcomer_eur", 3)[0],
        "employed_year_5": value(M, p, "share_employed", 5)[0],
        "isolated_year_5": value(M, p, "share_isolated", 5)[0],
        "net_cost_year_10": value(M, p, "net_public_cost_per_newcomer_eur", 10)[0],
    } for p in main.settings.policies}).T
    named["within_budget"] = named["extra_cost_years_1_3"] <= BUDGET_EUR
    named = named.sort_values("employed_year_5", ascending=False)
    doc.keep("named_policies", named.to_dict(orient="index"))
    fits = [p for p in named.index if named.loc[p, "within_budget"]]
    best = fits[0]
    doc.add("## Predict first",
            f"**1. Which policies fit.** With at most {eur(BUDGET_EUR)} of extra gross public spending per "
            f"newcomer over years 1–3: {', '.join(f'`{p}`' for p in fits)}. "
            + ("The study's full package `all_proposals` fits. " if named.loc["all_proposals", "within_budget"]
               else f"The study's full package `all_proposals` does not: it costs "
                    f"{eur(named.loc['all_proposals', 'extra_cost_years_1_3'], sign=True)} per newcomer in the "
                    "first three years. "),
            md_table(["policy", "extra cost, years 1–3", "employed, year 5", "isolated, year 5",
                      "net cost per newcomer, year 10", "within budget"],
                     [[f"`{p}`", eur(r.extra_cost_years_1_3, sign=True), pct(r.employed_year_5),
                       pct(r.isolated_year_5), eur(r.net_cost_year_10), "yes" if r.within_budget else "no"]
                      for p, r in named.iterrows()]))
    b_job = doc.keep("best_named_gain_employed_year5", value(D, best, "share_employed", 5))
    doc.add(f"**2. Most employment within the budget** among the named policies: `{best}`, "
            f"{pct(named.loc[best, 'employed_year_5'])} employed five years on, {pp(b_job[0])} "
            f"{interval(b_job[1], b_job[2], pp)} against the 2013 law.")
    costly = named["extra_cost_years_1_3"].idxmax()
    net_rank = named["net_cost_year_10"].rank(ascending=False).astype(int)
    cheapest10 = named["net_cost_year_10"].idxmin()
    doc.keep("most_expensive_years_1_3", costly)
    doc.add(f"**3. Cost now and later.** The policy that costs most in years 1–3, `{costly}`, ranks "
            f"{net_rank[costly]} of {len(named)} by net cost at year 10 (1 = most expensive); the lowest net cost at year 10 is "
            f"`{cheapest10}`'s ({eur(named.loc[cheapest10, 'net_cost_year_10'])} per newcomer). Spending "
            "that gets people into work sooner comes back as taxes paid and welfare not paid — within the "
            "ten years for some policies, not for others.")

    spec, folder = runs.sweep("packages")
    packages = load_sweep(folder, tidy=False)
    n = int(spec.parameters.get("n_newcomers", PARAMS["n_newcomers"].default))
    packages["cost_per_newcomer"] = packages["public_cost_eur"] / n
    packages["net_cost_per_newcomer"] = (packages["public_cost_eur"] - packages["fiscal_return_eur"]) / n
    means = packages.groupby([*PACKAGE_LEVERS, "year"])[["cost_per_newcomer", "net_cost_per_newcomer",
                                                        "share_employed", "share_isolated"]].mean().reset_index()
    y3, y5, y10 = (means[means["year"] == y].set_index(PACKAGE_LEVERS) for y in (3, 5, 10))
    none = (False, False, 0, 0.0)
    choice = pd.DataFrame({
        "extra_cost_years_1_3": y3["cost_per_newcomer"] - y3["cost_per_newcomer"].loc[none],
        "employed_year_5": y5["share_employed"],
        "isolated_year_5": y5["share_isolated"],
        "net_cost_year_10": y10["net_cost_per_newcomer"],
    })
    choice["within_budget"] = choice["extra_cost_years_1_3"] <= BUDGET_EUR
    choice = choice.sort_values("employed_year_5", ascending=False).reset_index()
    choice["package"] = choice.apply(package_name, axis=1)
    doc.keep("packages", choice.set_index("package")[["extra_cost_years_1_3", "employed_year_5",
                                                      "isolated_year_5", "net_cost_year_10",
                                                      "within_budget"]].to_dict(orient="index"))
    in_budget = choice[choice["within_budget"]]
    top = in_budget.iloc[0]
    everything = choice[choice[PACKAGE_LEVERS].astype(bool).all(axis=1)].iloc[0]
    dropped = [label for lever, label in [("language_from_arrival", "early language"), ("personal_plan", "the plan"),
                                          ("startpunten_per_municipality", "the startpunten"),
                                          ("employer_subsidy", "the subsidy")] if not top[lever]]
    doc.add(f"**4. What to drop.** Of the {len(choice)} packages ({spec.seeds} seeds each), the one with the most "
            f"employment five years on within the budget is **{top['package']}** "
            f"({pct(top['employed_year_5'])} employed, {eur(top['extra_cost_years_1_3'], sign=True)} in years 1–3, "
            f"net {eur(top['net_cost_year_10'])} per newcomer by year 10); all four levers together reach "
            f"{pct(everything['employed_year_5'])} at {eur(everything['extra_cost_years_1_3'], sign=True)}. "
            + (f"It drops {' and '.join(dropped)}. " if dropped else "")
            + f"Packages within a few points of each other are not reliably different with {spec.seeds} seeds: "
            "students who pick a close second are not wrong. The packages and the named policies were run "
            f"on different seeds ({spec.seeds} against {setup.compare_seeds}): compare packages with "
            "packages and policies with policies (the package with no lever on is the 2013 law).",
            md_table(["package", "extra cost, years 1–3", "employed, year 5", "isolated, year 5",
                      "net cost, year 10", "within budget"],
                     [[r.package, eur(r.extra_cost_years_1_3, sign=True), pct(r.employed_year_5),
                       pct(r.isolated_year_5), eur(r.net_cost_year_10), "yes" if r.within_budget else "no"]
                      for r in choice.itertuples()]))
    doc.keep("best_package", top["package"])
    doc.figure(budget_figure(choice, named, spec.seeds), "budget", "Extra cost in years 1-3 against employment in year 5")
    fig = cost_against_employment(D, 10.0, "share_employed", "net_public_cost_per_newcomer_eur",
                                  metrics=S.REPORT_METRICS)
    doc.figure(fig, "cost-vs-employment", "Net cost against employment gained by year 10, as in the compare report")

    gain = value(D, best, "share_employed", 5)
    net = value(D, best, "net_public_cost_per_newcomer_eur", 10)
    doc.add("## A model brief (one possible answer)",
            f"*Objective: the most newcomers in work five years on, within the budget.* Implement `{best}`. "
            f"Over {setup.compare_seeds} simulated cohorts it raises employment five years on by {pp(gain[0])} "
            f"{interval(gain[1], gain[2], pp)} against the 2013 law, costs "
            f"{eur(named.loc[best, 'extra_cost_years_1_3'], sign=True)} per newcomer more in the first three "
            f"years and changes the net public cost by year 10 by {eur(net[0], sign=True)} "
            f"{interval(net[1], net[2], lambda v: eur(v, True))}. "
            "Caveats for the minister: the intervals show simulation noise only; many cost figures are "
            "assumptions (`model/welfare.py`); implementation quality differs by municipality and is "
            "assumed, not known; the model has no children, families or secondary migration.")
    doc.add("## Questions to discuss: notes for the instructor",
            "1. **Objectives.** Rankings by employment, isolation and net cost differ (compare the columns). "
            "A package that is best on every outcome rarely exists; making the trade-off explicit is the "
            "learning goal.",
            "2. **Invest now, save later.** A package with a higher up-front cost and a lower net cost by year "
            "10 is an investment; the savings fall partly to the national budget (welfare, taxes) and the "
            "costs partly to municipalities (plans, startpunten) — a classic reason for under-investment.",
            "3. **Shared costs.** Charging part of the startpunten to adult education or employment services "
            "lowers their price per newcomer: recompute the table with, say, half the startpunt cost "
            "(`STARTPUNT_EUR_PER_MONTH` in `model/welfare.py` sets it).",
            "4. **What the model cannot say.** Implementation, political feasibility, the quality of courses "
            "beyond one number, effects on children, long-run effects beyond ten years.")
    return doc


def budget_figure(choice: pd.DataFrame, named: pd.DataFrame, seeds: int) -> Figure:
    axes_style, context = _style()
    with axes_style, context:
        fig = Figure(figsize=(9.5, 6), layout="constrained")
        ax = fig.subplots()
        ax.axvspan(BUDGET_EUR, max(BUDGET_EUR * 1.05, float(max(choice["extra_cost_years_1_3"].max(),
                                                                 named["extra_cost_years_1_3"].max())) * 1.08),
                   color="0.9", zorder=0)
        ax.axvline(BUDGET_EUR, color="0.3", lw=1, ls="--")
        ax.text(BUDGET_EUR, 0.02, " over budget", transform=ax.get_xaxis_transform(), fontsize=9, color="0.3")
        ax.scatter(choice["extra_cost_years_1_3"], choice["employed_year_5"], s=30, color="0.45",
                   label=f"packages (sweep, {seeds} seeds)", zorder=2)
        for r in choice.itertuples():
            ax.annotate(r.package, (r.extra_cost_years_1_3, r.employed_year_5), xytext=(4, -9),
                        textcoords="offset points", fontsize=7, color="0.35")
        for p, r in named.iterrows():
            ax.scatter([r.extra_cost_years_1_3], [r.employed_year_5], s=90, marker="D",
                       color=POLICY_COLOURS.get(p, "black"), label=p, zorder=3, edgecolor="white")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: eur(v, sign=True)))
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("extra gross public cost per newcomer over years 1–3, against the 2013 law")
        ax.set_ylabel("employed five years on (permit holders 18–64)")
        ax.set_title(f"The budget: at most {eur(BUDGET_EUR)} extra per newcomer in years 1–3", loc="left")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    return fig


# --- exercise 6 ---------------------------------------------------------------------------------

SEED_COUNTS = [2, 3, 5, 10, 20, 40]


def exercise_6(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    setup = runs.setup
    doc = Doc("06-robustness", "6 — Robustness: how many seeds, and which assumptions drive the conclusions?",
              setup, out)
    header(doc, "06-robustness.md", f"`baseline_2013`, `reduced_fines` and `two_track` over seeds "
                                    f"0–{setup.seeds_study - 1} (five years), the sweeps "
                                    "`sweeps/robustness_morris.toml` and `sweeps/robustness_hire_rate.toml`, "
                                    f"and the comparison of all policies over {setup.compare_seeds} seeds")
    command = sheet_run("06-robustness", "seeds_study")
    study = runs.timed("ex6 seeds study", runs.compare, command["policies"],
                       doc.numbers["plan"]["sheet_seeds"]["seeds_study"], years=command["years"],
                       metrics=command["metrics"])
    year5 = study.model[study.model["month"] == 60].pivot_table(index="seed", columns="policy",
                                                                values="share_employed")
    counts = [n for n in SEED_COUNTS if n <= len(year5)]
    table = {}
    for policy in ["reduced_fines", "two_track"]:
        rows = []
        for n in counts:
            s = year5.iloc[:n]
            gain = s[policy] - s["baseline_2013"]
            t = stats.t.ppf(0.975, n - 1) / np.sqrt(n)
            rows.append((n, float(gain.mean()), float(t * gain.std(ddof=1)),
                         float(t * np.sqrt(s[policy].var(ddof=1) + s["baseline_2013"].var(ddof=1)))))
        table[policy] = rows
    doc.keep("seed_study", {p: {"seeds": [r[0] for r in rows], "gain": [r[1] for r in rows],
                                "paired": [r[2] for r in rows], "unpaired": [r[3] for r in rows]}
                            for p, rows in table.items()})

    def enough(rows, column):
        """Fewest seeds from which on every interval excludes zero (None: never)."""
        for i, r in enumerate(rows):
            if all(abs(x[1]) > x[column] for x in rows[i:]):
                return r[0]
        return None

    small, big = table["reduced_fines"], table["two_track"]
    n_small, n_big = enough(small, 2), enough(big, 2)
    ratio = {p: rows[-1][3] / rows[-1][2] if rows[-1][2] > 0 else float("nan") for p, rows in table.items()}
    doc.keep("seeds_needed_paired", {"reduced_fines": n_small, "two_track": n_big})
    doc.keep("unpaired_over_paired", ratio)

    def needed(n):
        return f"{n} seeds" if n else f"more than {counts[-1]} seeds"

    doc.add("## Predict first",
            f"**1. How many seeds.** Five years on, `two_track` changes employment by {pp(big[-1][1])} and "
            f"`reduced_fines` by {pp(small[-1][1])} ({counts[-1]} seeds). With common random numbers, the "
            f"95% interval of the large gain excludes zero from {needed(n_big)} on; for the small gain "
            f"from {needed(n_small)} on. The interval's half-width shrinks with the square root of the "
            "number of seeds.",
            f"**2. What pairing buys.** At {counts[-1]} seeds, the interval is {num(ratio['reduced_fines'], 1)} "
            f"times as wide unpaired as paired for `reduced_fines`, and {num(ratio['two_track'], 1)} times for "
            "`two_track`. Each seed's cohort, map and employers are shared, so much of the luck cancels out in "
            "the difference — most for a policy that changes little, whose runs stay close to the baseline's.",
            md_table(["seeds", "reduced_fines: gain", "paired ±", "unpaired ±", "two_track: gain", "paired ±",
                      "unpaired ±"],
                     [[str(a[0]), pp(a[1]), num(100 * a[2], 1) + " pp", num(100 * a[3], 1) + " pp", pp(b[1]),
                       num(100 * b[2], 1) + " pp", num(100 * b[3], 1) + " pp"] for a, b in zip(small, big,
                                                                                                strict=True)]))
    doc.figure(seeds_figure(table), "seeds", "Width of the 95% interval against the number of seeds")

    spec, folder = runs.sweep("robustness_morris")
    morris = {m: sensitivity_of(spec, folder, m, 5) for m in ("share_employed", "share_isolated")}
    employ = morris["share_employed"]
    mu = employ[employ["index"] == "mu_star"].set_index("parameter")
    sigma = employ[employ["index"] == "sigma"].set_index("parameter")["value"]
    ranking = mu["value"].sort_values(ascending=False)
    doc.keep("morris_share_employed_mu_star", ranking.to_dict())
    doc.keep("morris_share_isolated_mu_star", morris["share_isolated"].query("index == 'mu_star'")
             .set_index("parameter")["value"].sort_values(ascending=False).to_dict())
    policy_rank = list(ranking.index).index("policy") + 1
    first_assumption = next(p for p in ranking.index if p != "policy")
    doc.add(f"**3. Which assumptions matter.** Morris screening of employment at year 5 ({spec.n_points} points × "
            f"{spec.seeds} seeds): the policy ranks **{policy_rank}** of {len(ranking)} by μ\\*; the most "
            f"influential assumption is `{first_assumption}`. Parameters with a large σ relative to μ\\* act "
            "through interactions (their effect depends on the policy and the other assumptions).",
            md_table(["parameter", "μ* (employment, year 5)", "95% ±", "σ"],
                     [[f"`{p}`", num(100 * mu.loc[p, 'value'], 1) + " pp", num(100 * mu.loc[p, 'conf'], 1) + " pp",
                       num(100 * sigma.loc[p], 1) + " pp"] for p in ranking.index]))
    fig = sensitivity_bars(employ, title=f"Morris screening of share employed after 5 years\n"
                                         f"{spec.n_points} points × {spec.seeds} seeds")
    doc.figure(fig, "morris", "Morris screening of employment after five years")

    spec2, folder2 = runs.sweep("robustness_hire_rate")
    grid = load_sweep(folder2, metrics=["share_employed"], years=[5], tidy=False)
    wide = grid.pivot_table(index=["hire_rate", "replicate"], columns="policy", values="share_employed")
    gains = {float(h): paired_gain(g, "two_track", "baseline_2013") for h, g in wide.groupby(level=0)}
    doc.keep("two_track_gain_by_hire_rate", {k: list(v) for k, v in gains.items()})
    rates = sorted(gains)
    low, mid, high = gains[rates[0]], gains[rates[len(rates) // 2]], gains[rates[-1]]
    word = ("grows" if low[0] > mid[0] + 0.01 else "shrinks" if low[0] < mid[0] - 0.01 else "stays about the same")
    survives = all(g[0] > 0 for g in gains.values())
    doc.add(f"**4. A harder labour market.** The two-track gain in employment at year 5 is {pp(low[0])} "
            f"{interval(low[1], low[2], pp)} at a hire rate of {rates[0]:g}, {pp(mid[0])} at "
            f"{rates[len(rates) // 2]:g}"
            f"{' (the default)' if rates[len(rates) // 2] == PARAMS['hire_rate'].default else ''} and "
            f"{pp(high[0])} at {rates[-1]:g}: it {word} when "
            "jobs are harder to get. "
            + ("The conclusion 'two tracks beat the 2013 law' survives the whole range; its size depends on "
               "the assumption." if survives else "The conclusion 'two tracks beat the 2013 law' does not "
               "hold at every hire rate here: look at the intervals before concluding anything."),
            md_table(["hire rate", "2013 law", "two_track", "gain [95% CI]"],
                     [[f"{h:g}", pct(g["baseline_2013"].mean()), pct(g["two_track"].mean()),
                       f"{pp(gains[float(h)][0])} {interval(gains[float(h)][1], gains[float(h)][2], pp)}"]
                      for h, g in wide.groupby(level=0)]))
    fig = sweep_lines(grid, "share_employed", "hire_rate", "policy", 5, "Employed after five years, by hire rate")
    doc.figure(fig, "hire-rate", "Employment after five years by hire rate and policy")

    D = main.differences
    year = main.settings.last_year
    unclear = []
    total = 0
    for policy in main.settings.policies:
        if policy == main.settings.reference:
            continue
        for metric in S.REPORT_KEY_METRICS:
            m, lo, hi = value(D, policy, metric, year)
            total += 1
            if not excludes_zero(lo, hi):
                unclear.append(f"`{policy}`: {S.REPORT_METRICS[metric].label}")
    doc.keep("readme_differences_not_excluding_zero", len(unclear))
    doc.add("## Questions to discuss: notes for the instructor",
            f"1. **Is 20 enough?** In the comparison of all policies ({setup.compare_seeds} seeds, year "
            f"{year:g}), {len(unclear)} of {total} headline differences from the 2013 law have an interval "
            "that includes zero" + (": " + "; ".join(unclear[:8]) + (f"; and {len(unclear) - 8} more"
                                                                      if len(unclear) > 8 else "") + "."
                                    if unclear else ".")
            + " Those need more seeds before anyone writes them up — or are too small to matter.",
            "2. **Who is right?** Both analyses are valid; the colleague's is less powerful. With common "
            "random numbers the difference is measured on the same cohorts, so a small effect can be "
            "detected with far fewer runs. Neither says anything about the assumptions.",
            f"3. **If the calibration target were wrong.** `{first_assumption}` is the most influential "
            "assumption for the *level* of employment. "
            + ("The policy ranking survived a wide range of hire rates above; the size of the gain moved. "
               "Conclusions about *which* policy is better are more robust than about *how much*."
               if survives else "The ranking did not survive every hire rate above: a conclusion that "
               "depends on a calibrated number is only as good as the calibration target."),
            "4. **Other assumptions.** Good candidates: the practice rate (language from work and contacts), "
            "diploma recognition (`recognition_with_help`), the effect of a plan's coach (`plan_brokerage`), "
            "scarring from idle months (`scarring_per_idle_year`), startpunt visit chances, "
            "and the cost constants in `model/welfare.py`. Ranges should come from literature or from the "
            "width of the calibration bands.")
    return doc


def seeds_figure(table: dict) -> Figure:
    axes_style, context = _style()
    with axes_style, context:
        fig = Figure(figsize=(8.5, 4.8), layout="constrained")
        ax = fig.subplots()
        for policy, rows in table.items():
            n = [r[0] for r in rows]
            colour = POLICY_COLOURS.get(policy, "black")
            ax.plot(n, [r[2] for r in rows], marker="o", color=colour, label=f"{policy}: paired (same seeds)")
            ax.plot(n, [r[3] for r in rows], marker="s", ls="--", color=colour,
                    label=f"{policy}: unpaired (own seeds)")
            ax.axhline(abs(rows[-1][1]), color=colour, lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks([r[0] for r in next(iter(table.values()))])
        ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: f"{100 * v:g} pp"))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("seeds per policy")
        ax.set_ylabel("half-width of the 95% interval of the gain")
        ax.set_title("Gain in employment at year 5 over baseline_2013: how precise?", loc="left")
        ax.text(0.99, 0.97, "dotted: size of the gain; below it, the interval excludes zero",
                transform=ax.transAxes, ha="right", va="top", fontsize=8, color="0.4")
        ax.legend(frameon=True, fontsize=8)
    return fig


# --- exercise 7 ---------------------------------------------------------------------------------


def exercise_7(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    setup = runs.setup
    doc = Doc("07-extension", "7 — Extension: employer discrimination", setup, out)
    seeds = list(range(setup.direct_seeds))
    header(doc, "07-extension.md", f"`DiscriminationModel` runs of five years, seeds 0–{seeds[-1]} per setting")
    doc.add("## The worked example",
            "- [`extension/employer_discrimination.py`](extension/employer_discrimination.py): the mechanism "
            "as a subclass of `IntegrationModel`, with the rule as a tested function, and prejudice that fades "
            "as an employer hires newcomers (step 5's first option). `hires_to_halve=math.inf` is the sheet's "
            "fixed version.",
            "- [`extension/test_employer_discrimination.py`](extension/test_employer_discrimination.py): the "
            "claims as tests, including the one students write in step 3 "
            "(`test_prejudiced_employers_hire_fewer_newcomers`: every seed, not only on average). Run with "
            "`python -m pytest -q docs/exercises/solutions/extension`.")
    settings = [(0.0, math.inf), (0.5, math.inf), (0.9, math.inf), (0.5, 2.0), (0.9, 2.0)]
    order = {(d, "fixed" if math.isinf(h) else "fades"): i for i, (d, h) in enumerate(settings)}
    jobs = [(p, s, d, h, setup.params) for p in ("baseline_2013", "two_track") for d, h in settings for s in seeds]
    values = runs.timed(f"ex7 discrimination runs ({len(jobs)})", run_many, discrimination_run, jobs, runs.workers)
    frame = pd.DataFrame([(p, s, d, h, v) for (p, s, d, h, _), v in zip(jobs, values, strict=True)],
                         columns=["policy", "seed", "discrimination", "hires_to_halve", "share_employed"])
    frame["prejudice"] = np.where(np.isinf(frame["hires_to_halve"]), "fixed", "fades")

    plain = main.model[(main.model["month"] == 60)].set_index(["policy", "seed"])["share_employed"]
    zero = frame[frame["discrimination"] == 0].set_index(["policy", "seed"])["share_employed"]
    common = [i for i in zero.index if i in plain.index]
    identical = bool(common) and bool(np.allclose(zero.loc[common].to_numpy(), plain.loc[common].to_numpy()))
    doc.keep("identical_without_discrimination", identical)

    wide = frame.pivot_table(index=["discrimination", "prejudice", "seed"], columns="policy",
                             values="share_employed")
    none = wide.xs((0.0, "fixed"), level=["discrimination", "prejudice"])
    rows, effects = [], {}
    groups = sorted(wide.groupby(level=["discrimination", "prejudice"]), key=lambda item: order[item[0]])
    for (d, kind), group in groups:
        g = group.droplevel(["discrimination", "prejudice"])
        drop_b = mean_ci((g["baseline_2013"] - none["baseline_2013"]).to_numpy())
        drop_t = mean_ci((g["two_track"] - none["two_track"]).to_numpy())
        gain = paired_gain(g, "two_track", "baseline_2013")
        effects[f"{d:g}|{kind}"] = {"baseline_2013": g["baseline_2013"].mean(), "two_track": g["two_track"].mean(),
                                    "drop_baseline": drop_b[0], "drop_two_track": drop_t[0], "gain": gain[0]}
        rows.append([f"{d:g}" + ("" if d == 0 else f", prejudice {kind}"), pct(g["baseline_2013"].mean()),
                     pp(drop_b[0]) if d else "", pct(g["two_track"].mean()), pp(drop_t[0]) if d else "",
                     f"{pp(gain[0])} {interval(gain[1], gain[2], pp)}"])
    doc.keep("employed_year5", effects)
    half = effects["0.5|fixed"]
    strong = effects["0.9|fixed"]
    base_gain = effects["0|fixed"]["gain"]
    doc.add("## Predict first",
            f"**1. How much lower.** With half of all employers 50% less willing (fixed prejudice), employment "
            f"five years on changes by {pp(half['drop_baseline'])} under the 2013 law and by "
            f"{pp(half['drop_two_track'])} under `two_track` ({len(seeds)} seeds, paired); with a 90% cut, by "
            f"{pp(strong['drop_baseline'])} and {pp(strong['drop_two_track'])}. Job seekers apply to several "
            "employers within reach, and those who are not prejudiced still hire: prejudice redirects "
            "applications as well as refusing them.",
            f"**2. The two-track advantage** is {pp(base_gain)} without discrimination and "
            f"{pp(strong['gain'])} with a 90% cut: it "
            + ("grows" if strong["gain"] > base_gain + 0.005 else "shrinks" if strong["gain"] < base_gain - 0.005
               else "stays about the same")
            + ". Two mechanisms pull in opposite directions: two tracks bring more job seekers to employers "
            "sooner (more applications meet prejudice), but lean more on brokers and placements, and a "
            "placement that ends in a job (`progress_placements`) does not ask for willingness.",
            "**3. Untouched routes.** Placements brokered by a plan or a startpunt (`place`) and turned into "
            "jobs at their end (`progress_placements`) ignore willingness; so does keeping a job once hired. "
            "Only applications (`search_and_hire` → `hire_probability`) meet prejudice.",
            md_table(["discrimination", "employed, 2013 law", "change", "employed, two_track", "change",
                      "two_track gain [95% CI]"], rows))
    doc.add(f"With `employer_discrimination=0` the extended model reproduced the plain model's runs exactly "
            f"(checked against the comparison's runs: {'yes' if identical else 'NO — investigate'}): the "
            "mechanism draws from its own random stream, so common random numbers hold.")
    doc.figure(discrimination_figure(frame), "discrimination", "Employment after five years against discrimination")
    fading = effects["0.9|fades"]
    doc.add("## Questions to discuss: notes for the instructor",
            f"1. **Who loses most.** See the table: the 2013 law relies on applications alone; two tracks add "
            f"brokers and placements. When prejudice fades with hires (halving every 2 hires), the 90% case "
            f"changes employment by {pp(fading['drop_baseline'])} (2013) and {pp(fading['drop_two_track'])} "
            f"(two tracks), against {pp(strong['drop_baseline'])} and {pp(strong['drop_two_track'])} when it "
            "is fixed" + (": policies that get newcomers *into* firms also erode prejudice."
                          if fading["drop_two_track"] > strong["drop_two_track"] + 0.005 else
                          ": fading makes little difference within five years."),
            "2. **Finding or assumption?** That placements route around prejudice is an assumption of the "
            "base model (`placement_hire_chance` ignores willingness). Real prejudiced employers may offer "
            "fewer placements too; a field study of placement offers would settle it. Good students test "
            "their result's dependence on it: make `place` skip prejudiced employers and rerun.",
            "3. **Should it be in the model?** A missing mechanism biases a comparison when policies differ "
            "in how much they rely on it — exactly the case here. It need not be a lever to matter.",
            f"4. **Calibration.** With a 90% cut, the baseline's employment five years on changes by "
            f"{pp(strong['drop_baseline'])}; where that leaves the calibration band, recalibrating the hire "
            "rate upward would restore it and hide the mechanism in the baseline, while still changing "
            "policy comparisons. Calibration constrains levels, not mechanisms.")
    return doc


def discrimination_figure(frame: pd.DataFrame) -> Figure:
    axes_style, context = _style()
    with axes_style, context:
        fig = Figure(figsize=(8.5, 4.8), layout="constrained")
        ax = fig.subplots()
        for policy in ("baseline_2013", "two_track"):
            for kind, style in (("fixed", "-"), ("fades", "--")):
                d = frame[(frame["policy"] == policy) & ((frame["prejudice"] == kind) | (frame["discrimination"] == 0))]
                m = d.groupby("discrimination")["share_employed"].agg(["mean", "std", "count"])
                half = stats.t.ppf(0.975, np.maximum(m["count"] - 1, 1)) * m["std"].fillna(0) / np.sqrt(m["count"])
                ax.errorbar(m.index, m["mean"], yerr=half, ls=style, marker="o", capsize=3,
                            color=POLICY_COLOURS[policy], label=f"{policy}, prejudice {kind}")
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("employer_discrimination (cut in a prejudiced employer's willingness; half are prejudiced)")
        ax.set_ylabel("employed after five years")
        ax.set_title("Employer discrimination: employment after five years", loc="left")
        ax.legend(frameon=True, fontsize=8)
    return fig


# --- putting it together ------------------------------------------------------------------------

def exercise_8(runs: Runs, main: ComparisonResult, out: Path) -> Doc:
    """Sheet 8 ("How sure are we?"), written in `solution_08.py` with this file's formatting helpers."""
    return _exercise_8(runs, main, out, Doc, header, md_table, pct, pp, interval)


def exercise_9(runs: Runs, main: ComparisonResult | None, out: Path) -> Doc:
    """Sheet 9 ("Peaks"), written in `solution_09.py` from the sheet's stress commands."""
    return _exercise_9(runs, main, out, Doc, header, md_table, pct, pp, interval)


def exercise_10(runs: Runs, main: ComparisonResult | None, out: Path) -> Doc:
    """Sheet 10 ("For whom does it work?"), written in `solution_10.py` from the sheet's compare commands."""
    return _exercise_10(runs, main, out, Doc, header, md_table, pct, pp, interval, eur, mean_ci)


def exercise_11(runs: Runs, main: ComparisonResult | None, out: Path) -> Doc:
    """Sheet 11 ("Spend the money"), written in `solution_11.py` from the sheet's design command."""
    return _exercise_11(runs, main, out, Doc, header, md_table, pct, pp, eur)


EXERCISES = [exercise_1, exercise_2, exercise_3, exercise_4, exercise_5, exercise_6, exercise_7, exercise_8,
             exercise_9, exercise_10, exercise_11]
WITHOUT_MAIN = {9, 10, 11}  # sheets that do not read the comparison of all policies


def index(out: Path, setup: Setup) -> str:
    """The solutions' README: how they were made, and a link to every solution in ``out``."""
    lines = ["# Instructor solutions", "",
             "Answers to the \"predict first\" questions and notes for the discussion of every exercise, with "
             "the numbers and figures they rest on. Generated by `docs/exercises/generate_solutions.py` "
             "(`make exercises`) from runs of the model; never edited by hand. `numbers.json` holds every "
             "number quoted, by exercise.", "",
             f"- Size: {setup.describe()}.",
             f"- Comparison of all policies: {len(POLICIES)} policies × {setup.compare_seeds} seeds "
             f"(seeds 0–{setup.compare_seeds - 1}, the same in every policy) × {DEFAULT_YEARS:g} years.",
             "- Sweeps: the files in `docs/exercises/sweeps/`, "
             + ("as they are." if setup.sweep_seeds is None else f"at most {setup.sweep_seeds} seeds per point."),
             f"- Mode: `{setup.name}`" + (" (a small check, not for teaching)." if setup.name != "full" else "."),
             ""]
    for path in sorted(out.glob("[0-9][0-9]-*.md")):
        title = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# Solution ")
        lines.append(f"- [{title}]({path.name})")
    return "\n".join(lines) + "\n"


def generate(setup: Setup, out: Path, workers: int, only: set[int] | None = None) -> dict[str, float]:
    """Run everything (or the sheets in ``only``) and write the solutions to ``out``; return the timings."""
    out.mkdir(parents=True, exist_ok=True)
    chosen = [(n, make) for n, make in enumerate(EXERCISES, start=1) if only is None or n in only]
    for n, _ in chosen:
        for old in [*out.glob(f"{n:02d}-*.md"), *out.glob(f"{n:02d}-*.png")]:
            old.unlink()
    with tempfile.TemporaryDirectory(prefix="nieuwkomers-exercises-") as scratch:
        runs = Runs(setup, workers, Path(scratch))
        try:
            print(f"generate_solutions ({setup.name}): running", file=sys.stderr)
            main = None
            if any(n not in WITHOUT_MAIN for n, _ in chosen):
                main = runs.timed(f"compare all policies ({len(POLICIES)} x {setup.compare_seeds} seeds)",
                                  runs.compare, None, setup.compare_seeds, by="education")
            docs = []
            for _, make in chosen:
                doc = make(runs, main, out)
                doc.write()
                docs.append(doc)
        finally:
            runs.close()
    (out / "README.md").write_text(index(out, setup), encoding="utf-8")
    stored = out / "numbers.json"
    numbers = json.loads(stored.read_text(encoding="utf-8")) if only is not None and stored.exists() else {}
    numbers.update({d.stem: d.numbers for d in docs})
    (out / "numbers.json").write_text(json.dumps(numbers, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return runs.timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small world and few seeds (about two minutes on 2 cores; not for teaching)")
    parser.add_argument("--out", type=Path, default=SOLUTIONS, help=f"output folder (default {SOLUTIONS})")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--only", metavar="N,M", help="regenerate only these sheets (numbers, e.g. 9 or 8,9); "
                                                     "the other solutions stay as they are")
    args = parser.parse_args(argv)
    only = None
    if args.only:
        try:
            only = {int(n) for n in args.only.replace(",", " ").split()}
        except ValueError:
            parser.error(f"--only {args.only!r}: expected sheet numbers such as 9 or 8,9")
        if not only or not only <= set(range(1, len(EXERCISES) + 1)):
            parser.error(f"--only {args.only!r}: sheets are numbered 1 to {len(EXERCISES)}")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    started = time.perf_counter()
    generate(QUICK if args.quick else FULL, args.out, max(1, args.workers or cores), only)
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
