"""`nieuwkomers compare`: every policy side by side, with honest uncertainty.

Runs each policy for the same seeds (common random numbers: run ``i`` uses seed
``i`` in every policy, so every policy starts from the same newcomers,
residents, employers and map), spread over all cores, and writes to ``--out``:

- ``model.parquet``, ``newcomers.parquet``: the raw tables of every run
  (newcomer snapshots every 12 months), with ``policy`` and ``seed`` columns;
- ``summary.csv``: policy × metric × year, mean with 95% CI across seeds;
- ``differences.csv``: the same for each policy minus ``baseline_2013``, paired by seed;
- ``by_years_since_permit.csv``: outcomes by years since the permit (how CBS reports);
- ``by_<group>.csv`` with ``--by``: outcomes per education level, gender (women
  split by care duties) or municipality at the horizon;
- ``summary.md``: the report; ``figures/*.png``: the figures; ``compare.json``:
  settings, versions and timings.

Everything is built in a hidden folder inside ``--out`` and renamed into place
at the end, so an interrupted or failed compare leaves no half-written file.

Python API: `compare` returns a `ComparisonResult` with the same tables;
`experiments.summary.by_years_since_permit` (also importable from here)
summarises any newcomer table::

    from experiments.compare import compare, by_years_since_permit
    result = compare(["baseline_2013", "two_track"], seeds=5, years=5)
    by_years_since_permit(result.newcomers, "share_employed")
"""

from __future__ import annotations

import argparse
import difflib
import multiprocessing
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from experiments import summary as S
from experiments.errors import UsageError
from experiments.inputs import NUMBERS_HELP, number_type, policies_to_compare, split_list
from experiments.run import check_common, parse_overrides
from experiments.runner import run_simulation
from experiments.store import (
    OutputFolder,
    add_out_arguments,
    atomic_write,
    write_json,
    write_parquet,
    write_text,
)
from experiments.summary import by_years_since_permit  # noqa: F401  (part of this module's API)
from model import METRICS, PARAMS, POLICIES, POLICY_INFO, IntegrationModel
from model.outcomes import Metric
from model.parameters import validate_params
from model.policies import unknown_policy_message

HELP = ("Compare policies side by side over the same seeds: summary.csv, summary.md, "
        "figures and the raw tables.")

DEFAULT_SEEDS = 20
DEFAULT_YEARS = 10.0
REPORT_YEARS = (1, 3, 5, 10)
PERMIT_YEARS = (1, 2, 3, 5, 7)
SNAPSHOT_EVERY = 12
MIN_COVERAGE = 0.5  # show a years-since-permit bin only if it holds at least half the largest bin
MIN_PERMIT_SHARE = 0.1  # plot averages over permit holders once this share of newcomers holds a permit
SUBGROUP_METRICS = ("share_employed", "share_fulltime", "share_on_welfare",
                    "share_a2_plus", "share_isolated", "mean_wellbeing")
README_START, README_END = "<!-- compare:start -->", "<!-- compare:end -->"
README_FIGURE = "overview.png"


# --- settings and results ----------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What a comparison runs.

    Attributes:
        policies: Policy names, in report order.
        seeds: Seeds; seed ``i`` is used by every policy (common random numbers).
        years: Horizon in years.
        params: Parameter overrides, the same for every policy.
        by: Subgroup breakdown ("education", "gender", "municipality") or None.
        metrics: Headline metrics of the report and figures (report names).
        reference: The policy others are compared with.
    """

    policies: tuple[str, ...]
    seeds: tuple[int, ...]
    years: float
    params: dict = field(default_factory=dict)
    by: str | None = None
    metrics: tuple[str, ...] = S.REPORT_KEY_METRICS
    reference: str = S.REFERENCE_POLICY

    @property
    def n_newcomers(self) -> int:
        """Newcomers per run: the divisor of the per-newcomer costs."""
        return int(self.params.get("n_newcomers", PARAMS["n_newcomers"].default))

    @property
    def months(self) -> int:
        """Horizon in months."""
        return int(round(12 * self.years))

    @property
    def last_year(self) -> float:
        """The horizon as the ``year`` of the tables (month / 12)."""
        return self.months / 12

    def report_months(self) -> list[int]:
        """Months of the report's columns: years 1, 3, 5, 10 within the horizon, and the horizon."""
        months = [12 * y for y in REPORT_YEARS if 12 * y <= self.months]
        return sorted(set(months) | {self.months})

    def year_months(self) -> list[int]:
        """Months of summary.csv: every whole year, and the horizon."""
        return sorted(set(range(12, self.months + 1, 12)) | {self.months})


@dataclass
class ComparisonResult:
    """The tables of a comparison.

    Attributes:
        settings: What was run.
        model: Model tables of every run (one row per policy, seed and month),
            with the per-newcomer cost columns added.
        summary: ``policy, metric, year, mean, ci_low, ci_high, n_seeds`` per whole year.
        differences: The same for each policy minus the reference, paired by seed.
        over_time: Like ``summary`` but monthly, for the report's metrics (figures).
        by_permit: ``policy, metric, years_since_permit, mean, ci_low, ci_high,
            n_seeds, n_newcomers``.
        subgroups: ``policy, metric, group, mean, ...`` at the last snapshot (with ``by``).
        newcomers: Newcomer snapshots of every run (only from `compare`, not the CLI).
        same_population: True if, for every seed, every policy started from the
            same newcomers (checked on their fingerprints at the first snapshot).
        seconds: Wall time of the runs; run_seconds, run_cpu_seconds: per-run wall
            and CPU times (they differ when other processes compete for the cores).
    """

    settings: Settings
    model: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    over_time: pd.DataFrame
    by_permit: pd.DataFrame
    subgroups: pd.DataFrame | None = None
    newcomers: pd.DataFrame | None = None
    same_population: bool = True
    seconds: float = 0.0
    run_seconds: list[float] = field(default_factory=list)
    run_cpu_seconds: list[float] = field(default_factory=list)


def compare(policies: list[str] | None = None, seeds: int = DEFAULT_SEEDS, years: float = DEFAULT_YEARS,
            params: dict | None = None, by: str | None = None, metrics: list[str] | None = None,
            workers: int | None = None, progress: bool = False) -> ComparisonResult:
    """Run every policy for seeds ``0..seeds-1`` and summarise.

    Args:
        policies: Policy names (default: all, in `POLICIES` order).
        seeds: Number of seeds; seed ``i`` is used by every policy.
        years: Horizon in years.
        params: Parameter overrides for every policy (e.g. ``{"n_newcomers": 500}``).
        by: Also summarise by "education", "gender" or "municipality".
        metrics: Headline metrics (default: the key outcomes, costs per newcomer).
        workers: Processes (default: every core; 1 runs in this process).
        progress: Show a progress bar on stderr.

    Returns:
        The tables, the newcomer snapshots included.

    Example:
        >>> result = compare(["baseline_2013", "two_track"], seeds=3, years=3,
        ...                  params={"n_newcomers": 200})            # doctest: +SKIP
        >>> result.summary.query("metric == 'share_employed' and year == 3")  # doctest: +SKIP
    """
    settings = make_settings(policies, seeds, years, params or {}, by, metrics)
    pool = make_pool(_worker_count(workers, settings))
    try:
        with tempfile.TemporaryDirectory(prefix="nieuwkomers-compare-") as tmp:
            result = run_comparison(settings, Path(tmp), pool, progress=progress)
            result.newcomers = pd.read_parquet(Path(tmp) / "newcomers.parquet")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return result


def _worker_count(workers: int | None, settings: Settings) -> int:
    return max(1, min(workers or default_workers(), len(settings.policies) * len(settings.seeds)))


def make_settings(policies: list[str] | None, seeds: int, years: float, params: dict,
                  by: str | None, metrics: list[str] | None = None) -> Settings:
    """Check the inputs of a comparison and return its settings.

    Raises:
        ValueError: Naming the bad policy, metric, subgroup or parameter.
    """
    policies = list(dict.fromkeys(policies or POLICIES))
    for p in policies:
        if p not in POLICIES:
            raise ValueError(unknown_policy_message(p))
    if not isinstance(seeds, int) or not 1 <= seeds <= 10_000:
        raise ValueError(f"seeds={seeds!r} is not allowed: expected an integer in [1, 10000]")
    if not 0 < years <= 50:
        raise ValueError(f"years={years!r} is not allowed: expected a number in (0, 50]")
    if by is not None and by not in S.SUBGROUPS:
        raise ValueError(f"by={by!r} is not allowed; choose one of: {', '.join(S.SUBGROUPS)}")
    metrics = list(dict.fromkeys(metrics or S.REPORT_KEY_METRICS))
    for m in metrics:
        if m not in S.REPORT_METRICS:
            hint = difflib.get_close_matches(m, S.REPORT_METRICS, n=3)
            tail = f"; did you mean {', '.join(hint)}?" if hint else f"; choose from: {', '.join(S.REPORT_METRICS)}"
            raise ValueError(f"unknown metric {m!r}{tail}")
    reference = S.REFERENCE_POLICY if S.REFERENCE_POLICY in policies else policies[0]
    return Settings(tuple(policies), tuple(range(seeds)), float(years), validate_params(params), by,
                    tuple(metrics), reference)


# --- running ------------------------------------------------------------------------


@dataclass
class _RunOutput:
    policy: str
    seed: int
    model: pd.DataFrame
    by_permit: pd.DataFrame
    subgroups: pd.DataFrame | None
    newcomers: pa.Table | None
    population: int
    seconds: float
    cpu_seconds: float


# Who the newcomers are, as opposed to what happens to them: education and literacy are left
# out because courses and schooling change them.
POPULATION_COLUMNS = ("id", "gender", "age", "care_duties", "kansrijk")


def population_fingerprint(newcomers: pd.DataFrame) -> int:
    """A hash of who the newcomers are (not what happens to them), at the first snapshot.

    Equal fingerprints for a seed in every policy confirm the common random
    numbers: the policies start from the same people.
    """
    first = newcomers[newcomers["month"] == newcomers["month"].min()]
    hashes = pd.util.hash_pandas_object(first[list(POPULATION_COLUMNS)], index=False)
    return int(hashes.to_numpy().sum(dtype="uint64"))


def _run_one(settings: Settings, policy: str, seed: int) -> _RunOutput:
    """One run: its model table, its newcomer snapshots (as Arrow) and their small summaries."""
    cpu = time.process_time()
    result = run_simulation(policy, seed, settings.years, settings.params, SNAPSHOT_EVERY)
    newcomers = result.newcomers
    by_permit = S.per_run_by_years_since_permit(newcomers, S.NEWCOMER_MEASURES)
    subgroups = (S.per_run_by_subgroup(newcomers, settings.by, S.NEWCOMER_MEASURES)
                 if settings.by else None)
    table = pa.Table.from_pandas(newcomers, preserve_index=False, nthreads=1)  # a worker has one core to itself
    population = population_fingerprint(newcomers)
    return _RunOutput(policy, seed, result.model, by_permit, subgroups, table, population,
                      result.seconds, time.process_time() - cpu)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_pool(workers: int) -> ProcessPoolExecutor | None:
    """A process pool of ``workers`` processes (None for 1: run in this process).

    On Linux the workers are forked, which is fast and inherits the imported
    model; the pool forks all its workers at the first submit, before any
    thread of ours (the progress bar's) exists.
    """
    if workers <= 1:
        return None
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ignore_sigint)


class _OrderedParquetWriter:
    """Append each run's newcomer table to one Parquet file, in task order, as runs finish."""

    def __init__(self, path: Path):
        self.path = path
        self.pending: dict[int, pa.Table] = {}
        self.next = 0
        self.writer: pq.ParquetWriter | None = None

    def add(self, index: int, table: pa.Table) -> None:
        self.pending[index] = table
        while self.next in self.pending:
            table = self.pending.pop(self.next)
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.path, table.schema)
            self.writer.write_table(table.cast(self.writer.schema))
            self.next += 1

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def run_comparison(settings: Settings, staging: Path, pool: ProcessPoolExecutor | None = None,
                   progress: bool = True) -> ComparisonResult:
    """Run every (policy, seed) and summarise; the newcomer snapshots go to ``staging/newcomers.parquet``.

    Runs are spread over ``pool`` (None: one after the other in this process).
    Newcomer snapshots are appended to the Parquet file as runs finish, in
    policy, seed order; results do not depend on the number of workers, since
    every run is seeded and every table is put in that order.
    """
    started = time.perf_counter()
    tasks = [(p, s) for p in settings.policies for s in settings.seeds]
    writer = _OrderedParquetWriter(staging / "newcomers.parquet")
    outputs: list[_RunOutput | None] = [None] * len(tasks)
    bar = None
    try:
        if pool is None:
            bar = _progress_bar(len(tasks), progress)
            for i, (policy, seed) in enumerate(tasks):
                outputs[i] = _collect(_run_one(settings, policy, seed), i, writer, bar)
        else:
            futures = {pool.submit(_run_one, settings, p, s): i for i, (p, s) in enumerate(tasks)}
            bar = _progress_bar(len(tasks), progress)  # after the submits: workers fork before its thread
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = futures[future]
                    outputs[i] = _collect(future.result(), i, writer, bar)
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)  # running runs finish (about a second), queued ones never start
        raise
    finally:
        writer.close()
        if bar is not None:
            bar.close()
    result = summarise(settings, outputs)
    result.seconds = time.perf_counter() - started
    result.run_seconds = [o.seconds for o in outputs]
    result.run_cpu_seconds = [o.cpu_seconds for o in outputs]
    return result


def _progress_bar(total: int, progress: bool) -> tqdm:
    return tqdm(total=total, desc="compare", unit="run", file=sys.stderr, disable=not progress,
                dynamic_ncols=True)


def _collect(output: _RunOutput, index: int, writer: _OrderedParquetWriter, bar: tqdm) -> _RunOutput:
    writer.add(index, output.newcomers)
    output.newcomers = None
    bar.update()
    return output


# --- summarising ----------------------------------------------------------------------


def summarise(settings: Settings, outputs: list[_RunOutput]) -> ComparisonResult:
    """The comparison's tables from the runs' small tables."""
    model = pd.concat([o.model for o in outputs], ignore_index=True)
    model = S.add_per_newcomer(model, settings.n_newcomers)
    all_metrics = list(S.REPORT_METRICS)
    year_months = settings.year_months()
    summary = S.summarise_over_time(model, all_metrics, year_months)
    summary["year"] = summary["month"] / 12
    differences = S.paired_differences(model, all_metrics, settings.reference, year_months)
    shown = list(dict.fromkeys([*settings.metrics, *S.REPORT_KEY_METRICS, S.NET_COST.name]))
    over_time = _from_enough_permits(S.summarise_over_time(model, shown), model, settings)
    by_permit = S.summarise_by_years_since_permit(pd.concat([o.by_permit for o in outputs], ignore_index=True),
                                                  settings.reference)
    subgroups = None
    if settings.by:
        subgroups = S.summarise_by_subgroup(pd.concat([o.subgroups for o in outputs], ignore_index=True))
    cols = ["policy", "metric", "year", "mean", "ci_low", "ci_high", "n_seeds"]
    fingerprints = pd.DataFrame([(o.seed, o.population) for o in outputs], columns=["seed", "population"])
    same_population = bool((fingerprints.groupby("seed")["population"].nunique() == 1).all())
    return ComparisonResult(
        same_population=same_population,
        settings=settings,
        model=model,
        summary=_in_order(summary, settings)[cols],
        differences=_in_order(differences, settings)[cols],
        over_time=_in_order(over_time, settings),
        by_permit=_in_order(by_permit, settings),
        subgroups=_in_order(subgroups, settings) if subgroups is not None else None,
    )


def _from_enough_permits(over_time: pd.DataFrame, model: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Drop the first months, when averages over permit holders rest on a handful of people."""
    permits = (model["n_awaiting_housing"] + model["n_housed"]).groupby(model["month"]).mean()
    early = set(permits.index[permits < MIN_PERMIT_SHARE * settings.n_newcomers])
    per_permit_holder = over_time["metric"].isin(list(S.NEWCOMER_MEASURES))
    return over_time[~(per_permit_holder & over_time["month"].isin(early))]


def _in_order(df: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Rows in policy order, then metric order, then time."""
    policy_rank = {p: i for i, p in enumerate(settings.policies)}
    metric_rank = {m: i for i, m in enumerate(S.REPORT_METRICS)}
    keys = [c for c in ("month", "years_since_permit", "group") if c in df.columns]
    return (df.assign(_p=df["policy"].map(policy_rank), _m=df["metric"].map(metric_rank))
            .sort_values(["_p", "_m", *keys], kind="stable").drop(columns=["_p", "_m"])
            .reset_index(drop=True))


def permit_years_shown(by_permit: pd.DataFrame) -> pd.DataFrame:
    """Years-since-permit bins that hold at least half the largest bin's permit holders."""
    size = by_permit.groupby("years_since_permit")["n_newcomers"].mean()
    keep = size.index[size >= MIN_COVERAGE * size.max()]
    return by_permit[by_permit["years_since_permit"].isin(keep)]


# --- formatting -------------------------------------------------------------------------


def format_value(metric: Metric, value: float, difference: bool = False) -> str:
    """A value in its unit: 38.7%, +1.4 pp, €12,345, 0.52."""
    if pd.isna(value):
        return "–"
    sign = "+" if difference else ""
    if metric.is_share:
        return f"{100 * value:{sign}.1f} pp" if difference else f"{100 * value:.1f}%"
    if metric.unit == "EUR":
        text = f"€{abs(value):,.0f}"
        return ("-" if value < 0 else ("+" if difference else "")) + text
    if metric.unit == "count":
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.2f}"


def format_ci(metric: Metric, row: pd.Series, difference: bool = False) -> str:
    """``mean [ci_low, ci_high]`` in the metric's unit (interval without units)."""
    mean = format_value(metric, row["mean"], difference)
    if pd.isna(row["ci_low"]):
        return mean
    scale = 100 if metric.is_share else 1
    if metric.unit == "EUR":
        lo, hi = f"{row['ci_low']:,.0f}", f"{row['ci_high']:,.0f}"
    else:
        digits = 1 if metric.is_share else 2
        lo, hi = f"{scale * row['ci_low']:.{digits}f}", f"{scale * row['ci_high']:.{digits}f}"
    return f"{mean} [{lo}, {hi}]"


def _diff_row(row: pd.Series) -> pd.Series:
    """The paired-difference columns of a by-years-since-permit row, named like a summary row."""
    return pd.Series({"mean": row["diff_mean"], "ci_low": row["diff_ci_low"], "ci_high": row["diff_ci_high"]})


def _significant(row: pd.Series) -> bool:
    return bool(row["ci_low"] > 0 or row["ci_high"] < 0)


def _md_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _year_label(year: float) -> str:
    return f"year {year:g}"


def report_markdown(result: ComparisonResult, figures: list[str]) -> str:
    """The readable report, ``summary.md``."""
    st = result.settings
    metrics = S.REPORT_METRICS
    years = [m / 12 for m in st.report_months()]
    summary = result.summary.set_index(["policy", "metric", "year"])
    diffs = result.differences.set_index(["policy", "metric", "year"])
    overrides = ", ".join(f"`{k}={v}`" for k, v in st.params.items()) or "none"
    out = [
        "# Policy comparison",
        "",
        f"{len(st.policies)} policies × {len(st.seeds)} seeds × {st.years:g} years, "
        f"{st.n_newcomers:,} newcomers per run; parameter overrides: {overrides}.",
        "",
        _crn_text(result),
        "",
        f"**Uncertainty.** Each cell is the mean across seeds with its 95% confidence interval "
        f"(Student t, n = {len(st.seeds)}) in brackets. A difference from `{st.reference}` is "
        "taken seed by seed (paired) and then averaged, with its own 95% interval; **bold** "
        "differences have an interval that excludes zero. Shares are of permit holders aged "
        "18–64 (housed or waiting for a house); costs are cumulative from the first arrival "
        "and divided by the number of newcomers. The intervals show simulation noise only, "
        "not uncertainty in the model's assumptions (see `docs/ODD.md`).",
        "",
        "## Policies",
        "",
    ]
    for p in st.policies:
        out.append(f"- `{p}`: {POLICY_INFO[p].title}.")
    out += ["", f"## Key outcomes by year (difference from `{st.reference}`)", ""]
    for name in st.metrics:
        m = metrics[name]
        out += [f"### {m.label}", ""]
        header = ["policy"]
        for y in years:
            header += [_year_label(y), f"Δ {_year_label(y)}"]
        rows = []
        for p in st.policies:
            row = [f"`{p}`"]
            for y in years:
                row.append(format_ci(m, summary.loc[(p, name, y)]))
                if p == st.reference:
                    row.append("")
                else:
                    d = diffs.loc[(p, name, y)]
                    text = format_ci(m, d, difference=True)
                    row.append(f"**{text}**" if _significant(d) else text)
            rows.append(row)
        out += [_md_table(header, rows), ""]

    shown = permit_years_shown(result.by_permit)
    permit_years = [y for y in PERMIT_YEARS if y in set(shown["years_since_permit"])]
    bp = result.by_permit.set_index(["policy", "metric", "years_since_permit"])
    out += [
        "## By years since permit",
        "",
        "The way CBS reports it: each newcomer counted at the snapshot (every 12 months) "
        "nearest to *k* whole years after their residence permit (so year 5 is 4.5–5.5 years "
        "after it); permit holders aged 18–64; mean across seeds with 95% CI. Years in which "
        "fewer than half of the permit holders can be observed within the horizon are left out.",
        "",
    ]
    if permit_years:
        header = ["policy"]
        for y in permit_years:
            header += [f"{y} y after permit", f"Δ {y} y"]
        for name in [n for n in st.metrics if n in S.NEWCOMER_MEASURES]:
            m = metrics[name]
            rows = []
            for p in st.policies:
                row = [f"`{p}`"]
                for y in permit_years:
                    if (p, name, y) not in bp.index:
                        row += ["–", ""]
                        continue
                    cell = bp.loc[(p, name, y)]
                    row.append(format_ci(m, cell))
                    if p == st.reference:
                        row.append("")
                    else:
                        d = _diff_row(cell)
                        text = format_ci(m, d, difference=True)
                        row.append(f"**{text}**" if _significant(d) else text)
                rows.append(row)
            out += [f"### {m.label}", "", _md_table(header, rows), ""]
    else:
        out += ["(The horizon is too short to report outcomes by years since permit.)", ""]

    if result.subgroups is not None:
        sub = result.subgroups
        groups = S.subgroup_order(st.by, sub["group"])
        idx = sub.set_index(["policy", "metric", "group"])
        out += [f"## By {st.by} at year {st.last_year:g}", "",
                "Permit holders aged 18–64 at the last snapshot; mean across seeds with 95% CI.", ""]
        for name in SUBGROUP_METRICS:
            m = metrics[name]
            rows = [[f"`{p}`", *[format_ci(m, idx.loc[(p, name, g)]) if (p, name, g) in idx.index else "–"
                                 for g in groups]] for p in st.policies]
            out += [f"### {m.label}", "", _md_table(["policy", *groups], rows), ""]

    out += ["## Figures", ""]
    for f in figures:
        out.append(f"- [`figures/{f}`](figures/{f})")
    out += ["", "![Key outcomes over time](figures/overview.png)", "",
            "Files: `summary.csv` (every metric, every year), `differences.csv`, "
            "`by_years_since_permit.csv`, `model.parquet`, `newcomers.parquet`, `compare.json`.", ""]
    return "\n".join(out)


def _crn_text(result: ComparisonResult) -> str:
    st = result.settings
    seeds = f"seeds {st.seeds[0]}–{st.seeds[-1]}" if len(st.seeds) > 1 else f"seed {st.seeds[0]}"
    text = (f"**Common random numbers.** Run *i* of every policy uses seed *i* ({seeds}), so that "
            "every policy starts from the same newcomers, residents, employers and map, and "
            "differences between policies are not noise from different populations. ")
    if result.same_population:
        return text + ("Checked: for each seed, the newcomers (who arrives when, their age, gender, care "
                       "duties and prospects) are identical in every policy.")
    return text + ("**Warning:** for at least one seed the newcomers differ between policies, so the "
                   "differences below also include noise from different populations.")


def _short(name: str) -> str:
    """A column header from a metric name: ``share_job_matches_education`` -> ``job matches education``."""
    for prefix in ("share_", "mean_"):
        name = name.removeprefix(prefix)
    return name.removesuffix("_eur").replace("_per_newcomer", "/newcomer").replace("_", " ")


def _header_lines(name: str, width: int = 11) -> list[str]:
    """A policy name split after underscores into lines of about ``width`` characters."""
    lines: list[str] = []
    for word in name.split("_"):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += "_" + word
        elif lines:
            lines[-1] += "_"
            lines.append(word)
        else:
            lines.append(word)
    return lines


def headline_text(result: ComparisonResult, year: float | None = None) -> str:
    """The headline table for the terminal: key outcomes at the horizon, one column per policy."""
    st = result.settings
    year = st.last_year if year is None else year
    summary = result.summary.set_index(["policy", "metric", "year"])
    diffs = result.differences.set_index(["policy", "metric", "year"])
    heads = [_header_lines(p) for p in st.policies]
    depth = max(len(h) for h in heads)
    columns = []
    for p, head in zip(st.policies, heads, strict=True):
        cells = []
        for n in st.metrics:
            m = S.REPORT_METRICS[n]
            text = format_value(m, summary.loc[(p, n, year), "mean"])
            if p != st.reference:
                text += "*" if _significant(diffs.loc[(p, n, year)]) else " "
            cells.append(text)
        columns.append((head + [""] * (depth - len(head)), cells))
    labels = [_short(n) for n in st.metrics]
    first = max(len(x) for x in labels)
    widths = [max(len(x) for x in head + cells) for head, cells in columns]
    lines = [f"Key outcomes at year {year:g}, mean of {len(st.seeds)} seeds per policy "
             f"(* = differs from {st.reference}: the 95% CI of the paired difference excludes 0)", ""]
    for i in range(depth):
        lines.append(" " * first + "".join("  " + head[i].rjust(w) for (head, _), w in zip(columns, widths, strict=True)))
    for j, label in enumerate(labels):
        lines.append(label.ljust(first) + "".join("  " + cells[j].rjust(w)
                                                  for (_, cells), w in zip(columns, widths, strict=True)))
    return "\n".join(lines)


def readme_block(result: ComparisonResult, image: str) -> str:
    """The README section: one figure and a few lines of the headline table."""
    st = result.settings
    year = st.last_year
    summary = result.summary.set_index(["policy", "metric", "year"])
    diffs = result.differences.set_index(["policy", "metric", "year"])
    names = ["share_employed", "share_fulltime", "share_on_welfare", "share_a2_plus", "share_isolated",
             S.NET_COST.name]
    names = [n for n in names if n in S.REPORT_METRICS]
    rows = []
    for p in st.policies:
        row = [f"`{p}`"]
        for n in names:
            m = S.REPORT_METRICS[n]
            text = format_value(m, summary.loc[(p, n, year), "mean"])
            if p != st.reference:
                d = diffs.loc[(p, n, year)]
                delta = format_value(m, d["mean"], difference=True)
                text += f" ({'**' + delta + '**' if _significant(d) else delta})"
            row.append(text)
        rows.append(row)
    header = ["policy", *[S.REPORT_METRICS[n].label for n in names]]
    return "\n".join([
        README_START,
        "## What the comparison shows",
        "",
        f"`make demo` runs every policy for {len(st.seeds)} seeds over {st.years:g} years "
        "(the same seeds in every policy) and writes a report with 95% confidence intervals and "
        f"figures to `results/compare/`. At year {year:g} (mean across seeds; in brackets the "
        f"difference from `{st.reference}`, **bold** where its 95% CI excludes zero):",
        "",
        _md_table(header, rows),
        "",
        f"![Key outcomes over time by policy]({image})",
        "",
        "Generated, not typed: `nieuwkomers compare --out results/compare --readme README.md` "
        "reruns the comparison and rewrites this section and its figure "
        "(`docs/img/compare_overview.png`); the full report is `results/compare/summary.md`.",
        README_END,
    ])


# --- figures ------------------------------------------------------------------------------


def figure_jobs(result: ComparisonResult) -> list[tuple[str, str, dict]]:
    """(file name, function name in `viz.figures`, keyword arguments) for every figure."""
    st = result.settings
    metrics = S.REPORT_METRICS
    n = len(st.seeds)
    jobs = []
    for name in st.metrics:
        data = result.over_time[result.over_time["metric"] == name]
        jobs.append((f"over_time_{name}.png", "over_time",
                     {"over_time": data, "metric": name, "metrics": metrics, "n_seeds": n}))
    jobs.append(("overview.png", "overview",
                 {"over_time": result.over_time[result.over_time["metric"].isin(st.metrics)],
                  "metric_names": list(st.metrics), "metrics": metrics}))
    permit_metrics = [m for m in st.metrics if m in S.NEWCOMER_MEASURES]
    shown = permit_years_shown(result.by_permit)
    if permit_metrics and not shown.empty:
        jobs.append(("by_years_since_permit.png", "by_years_since_permit",
                     {"by_permit": shown[shown["metric"].isin(permit_metrics)],
                      "metric_names": permit_metrics, "metrics": metrics}))
    if len(st.policies) > 1:
        wanted = ["share_employed", S.NET_COST.name]
        jobs.append(("cost_vs_employment.png", "cost_against_employment",
                     {"differences": result.differences[result.differences["metric"].isin(wanted)],
                      "year": st.last_year, "employment": "share_employed", "cost": S.NET_COST.name,
                      "metrics": metrics, "reference": st.reference}))
    if result.subgroups is not None:
        groups = S.subgroup_order(st.by, result.subgroups["group"])
        jobs.append((f"by_{st.by}.png", "by_subgroup",
                     {"subgroups": result.subgroups, "by": st.by, "metric_names": list(SUBGROUP_METRICS),
                      "groups": groups, "metrics": metrics, "year": st.last_year}))
    return jobs


def _render(function: str, kwargs: dict, path: Path) -> None:
    from viz import figures

    fig = getattr(figures, function)(**kwargs)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))


def render_figures(result: ComparisonResult, folder: Path, pool: ProcessPoolExecutor | None = None) -> list[str]:
    """Draw every figure into ``folder`` (in parallel on ``pool`` if given); returns the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = figure_jobs(result)
    if pool is None:
        for name, fn, kwargs in jobs:
            _render(fn, kwargs, folder / name)
    else:
        slow_first = sorted(jobs, key=lambda job: job[1] == "over_time")  # small multiples take longest
        for future in [pool.submit(_render, fn, kwargs, folder / name) for name, fn, kwargs in slow_first]:
            future.result()
    return [name for name, _, _ in jobs]


# --- the command ------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `compare`."""
    parser.add_argument("--policies", metavar="A,B,..", nargs="+",
                        help=f"policies to compare, separated by commas or spaces (default: all; one "
                             f"policy is compared with baseline_2013): {', '.join(POLICIES)}")
    parser.add_argument("--seeds", type=number_type(int, "--seeds"), default=DEFAULT_SEEDS, metavar="N",
                        help=f"seeds 0..N-1, the same in every policy (default {DEFAULT_SEEDS})")
    parser.add_argument("--years", type=number_type(float, "--years"), default=DEFAULT_YEARS, metavar="Y",
                        help=f"horizon in years (default {DEFAULT_YEARS:g})")
    parser.add_argument("--by", choices=S.SUBGROUPS, help="also break outcomes down by this subgroup")
    parser.add_argument("--metrics", metavar="M,N,..", nargs="+",
                        help="headline metrics of the report and figures (default: the key outcomes)")
    parser.add_argument("--workers", type=number_type(int, "--workers"), metavar="N",
                        help="processes (default: every core)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override a parameter for every policy (repeatable). {NUMBERS_HELP}")
    parser.add_argument("--readme", metavar="README.md",
                        help=f"rewrite the block between {README_START} and {README_END} in this "
                             "file with the headline table and a figure")
    add_out_arguments(parser)


def _check_readme(path: str) -> Path:
    readme = Path(path)
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"--readme {path!r} cannot be read ({err.strerror or err})") from None
    if README_START not in text or README_END not in text:
        raise UsageError(f"--readme {path!r} has no {README_START} ... {README_END} block")
    if not os.access(readme.parent, os.W_OK):
        raise UsageError(f"--readme {path!r}: its folder is not writable")
    return readme


def update_readme(readme: Path, result: ComparisonResult, figures_dir: Path) -> Path:
    """Rewrite the README's compare block and copy its figure to ``docs/img/`` beside it."""
    image_dir = readme.parent / "docs" / "img"
    image_dir.mkdir(parents=True, exist_ok=True)
    image = image_dir / "compare_overview.png"
    atomic_write(image, lambda tmp: shutil.copyfile(figures_dir / README_FIGURE, tmp))
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    block = readme_block(result, image.relative_to(readme.parent).as_posix())
    write_text(head + block + tail, readme)
    return image


def main(args: argparse.Namespace) -> int:
    """Run the comparison and write the report, figures and tables."""
    check_common(args)
    if not 1 <= args.seeds <= 10_000:
        raise UsageError(f"--seeds {args.seeds} is not allowed: expected an integer in [1, 10000]")
    if args.workers is not None and not 1 <= args.workers <= 256:
        raise UsageError(f"--workers {args.workers} is not allowed: expected an integer in [1, 256]")
    policies, note = policies_to_compare(split_list(args.policies, "--policies"))
    settings = make_settings(policies, args.seeds, args.years, parse_overrides(args.set),
                             args.by, split_list(args.metrics, "--metrics"))
    IntegrationModel(policy=settings.policies[0], rng=0, **settings.params)  # parameters that clash fail now
    readme = _check_readme(args.readme) if args.readme else None
    folder = OutputFolder(args.out, "compare", args.force)  # written whole, swapped in at the end
    out = folder.staging
    if note:
        print(note, file=sys.stderr)
    workers = _worker_count(args.workers, settings)
    import viz.figures  # noqa: F401  (imported once here, inherited by the forked workers that draw)

    staging = Path(tempfile.mkdtemp(dir=out, prefix=".compare-"))
    pool = make_pool(workers)
    try:
        result = run_comparison(settings, staging, pool, progress=True)
        started = time.perf_counter()
        write_parquet(result.model[["policy", "seed", "month", "year", *METRICS]], staging / "model.parquet")
        _whole_years(result.summary).to_csv(staging / "summary.csv", index=False)
        _whole_years(result.differences).assign(reference=settings.reference).to_csv(
            staging / "differences.csv", index=False)
        result.by_permit.to_csv(staging / "by_years_since_permit.csv", index=False)
        if result.subgroups is not None:
            result.subgroups.assign(by=settings.by).to_csv(staging / f"by_{settings.by}.csv", index=False)
        figures = render_figures(result, staging / "figures", pool)
        (staging / "summary.md").write_text(report_markdown(result, figures), encoding="utf-8")
        write_json(_record(settings, result, workers, time.perf_counter() - started), staging / "compare.json")
        _move_into_place(staging, out)
        shutil.rmtree(staging, ignore_errors=True)
        out = folder.commit()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(staging, ignore_errors=True)
        folder.discard()
    if readme is not None:
        image = update_readme(readme, result, out / "figures")
        print(f"updated {readme} and {image}", file=sys.stderr)

    if not result.same_population:
        print("nieuwkomers compare: warning: for some seed the newcomers differ between policies "
              "(common random numbers do not hold; see summary.md)", file=sys.stderr)
    print(headline_text(result))
    print()
    print(f"Report:  {out / 'summary.md'}")
    print(f"Figures: {out / 'figures'}/ ({len(figures)} PNG)")
    print(f"Tables:  {out / 'summary.csv'}, {out / 'model.parquet'}, {out / 'newcomers.parquet'}")
    return 0


def _whole_years(df: pd.DataFrame) -> pd.DataFrame:
    """Years as integers in the CSV when they all are whole."""
    year = df["year"]
    return df.assign(year=year.astype(int)) if (year == year.round()).all() else df


def _move_into_place(staging: Path, out: Path) -> None:
    """Rename every finished file from the staging folder into ``out`` (figures/ as a whole)."""
    files = sorted(item for item in staging.iterdir() if item.is_file())
    for by in S.SUBGROUPS:  # a breakdown left by an earlier compare would not match this one
        if staging / f"by_{by}.csv" not in files:
            (out / f"by_{by}.csv").unlink(missing_ok=True)
    for item in files:
        os.replace(item, out / item.name)
    new_figures, figures = staging / "figures", out / "figures"
    if figures.is_dir():
        os.replace(figures, staging / "old-figures")
    os.replace(new_figures, figures)


def _record(settings: Settings, result: ComparisonResult, workers: int, report_seconds: float) -> dict:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "unknown"

    return {
        "command": "compare",
        "policies": list(settings.policies),
        "seeds": list(settings.seeds),
        "common_random_numbers": {"same_seeds_in_every_policy": True,
                                  "same_newcomers_in_every_policy": result.same_population},
        "years": settings.years,
        "snapshot_months": SNAPSHOT_EVERY,
        "overrides": settings.params,
        "n_newcomers": settings.n_newcomers,
        "reference": settings.reference,
        "by": settings.by,
        "metrics": list(settings.metrics),
        "workers": workers,
        "versions": {"nieuwkomers": version("nieuwkomers"), "mesa": version("mesa"),
                     "numpy": version("numpy"), "python": platform.python_version()},
        "run_seconds_total": round(sum(result.run_seconds), 3),
        "run_cpu_seconds_total": round(sum(result.run_cpu_seconds), 3),
        "wall_seconds_runs": round(result.seconds, 3),
        "wall_seconds_report": round(report_seconds, 3),
    }
