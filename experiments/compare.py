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
from experiments import uncertainty as U
from experiments.errors import UsageError
from experiments.inputs import NUMBERS_HELP, number_type, policies_to_compare, split_list
from experiments.run import check_common, parse_overrides
from experiments.runner import (
    freeze_imports,
    one_collection_per_run,
    run_to_columns,
)
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
from model.outcomes import Metric, NewcomerColumns
from model.parameters import as_parameters, validate_params
from model.policies import unknown_policy_message
from model.posterior import shipped_posterior

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
        draws: Parameter sets drawn from the calibration's posterior (``--posterior K``);
            empty for a comparison at the default parameters.
        seeds_per_draw: Seeds run on each draw; seed ``i`` runs draw ``i // seeds_per_draw``.
    """

    policies: tuple[str, ...]
    seeds: tuple[int, ...]
    years: float
    params: dict = field(default_factory=dict)
    by: str | None = None
    metrics: tuple[str, ...] = S.REPORT_KEY_METRICS
    reference: str = S.REFERENCE_POLICY
    draws: tuple[dict, ...] = ()
    seeds_per_draw: int = 0

    def run_params(self, seed: int) -> dict:
        """The parameters of seed ``seed``'s runs: its posterior draw, then the overrides."""
        if not self.draws:
            return self.params
        return {**self.draws[seed // self.seeds_per_draw], **self.params}

    def draw_of(self, seed: int) -> int:
        """The posterior draw seed ``seed`` runs (0 without a posterior)."""
        return seed // self.seeds_per_draw if self.draws else 0

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
        uncertainty: With a posterior: each effect per whole year with intervals from seeds
            alone and from seeds plus parameters, the parameters' share of the variance and
            the probability of beating the reference by 1 pp (`experiments.uncertainty`).
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
    uncertainty: pd.DataFrame | None = None
    newcomers: pd.DataFrame | None = None
    same_population: bool = True
    seconds: float = 0.0
    run_seconds: list[float] = field(default_factory=list)
    run_cpu_seconds: list[float] = field(default_factory=list)


def compare(policies: list[str] | None = None, seeds: int = DEFAULT_SEEDS, years: float = DEFAULT_YEARS,
            params: dict | None = None, by: str | None = None, metrics: list[str] | None = None,
            workers: int | None = None, progress: bool = False, posterior: int = 0) -> ComparisonResult:
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
        posterior: Draw this many parameter sets from the shipped posterior and run
            ``seeds`` seeds on each (0: the default parameters only).

    Returns:
        The tables, the newcomer snapshots included.

    Example:
        >>> result = compare(["baseline_2013", "two_track"], seeds=3, years=3,
        ...                  params={"n_newcomers": 200})            # doctest: +SKIP
        >>> result.summary.query("metric == 'share_employed' and year == 3")  # doctest: +SKIP
    """
    settings = make_settings(policies, seeds, years, params or {}, by, metrics, posterior)
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
                  by: str | None, metrics: list[str] | None = None, posterior: int = 0) -> Settings:
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
    draws = posterior_draws(posterior, seeds)
    n_runs = seeds * max(1, len(draws))
    return Settings(tuple(policies), tuple(range(n_runs)), float(years), validate_params(params), by,
                    tuple(metrics), reference, draws, seeds if draws else 0)


POSTERIOR_SEED = 0  # which draws --posterior K takes: the same K sets in every comparison


def posterior_draws(k: int, seeds: int) -> tuple[dict, ...]:
    """``k`` parameter sets from the shipped posterior (none for ``k = 0``).

    Raises:
        ValueError: For a bad ``k``, fewer than 2 seeds per draw, or no shipped posterior.
    """
    if k == 0:
        return ()
    if not isinstance(k, int) or not 2 <= k <= 1000:
        raise ValueError(f"posterior={k!r} is not allowed: expected 0 or an integer in [2, 1000]")
    if seeds < 2:
        raise ValueError("--posterior needs --seeds 2 or more: seed noise is measured within each draw")
    posterior = shipped_posterior()
    return tuple(as_parameters(draw) for draw in posterior.draw(k, POSTERIOR_SEED))


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
    cpu, start = time.process_time(), time.perf_counter()
    with one_collection_per_run():
        model, columns = run_to_columns(policy, seed, settings.years, settings.run_params(seed), SNAPSHOT_EVERY)
        seconds = time.perf_counter() - start
        if settings.draws:
            model["draw"] = settings.draw_of(seed)
        # Every snapshot in one DataFrame, with the columns the summaries read (all with --by).
        newcomers = columns.frame(None if settings.by else list(SUMMARY_COLUMNS))
        by_permit = S.per_run_by_years_since_permit(newcomers, S.NEWCOMER_MEASURES)
        subgroups = (S.per_run_by_subgroup(newcomers, settings.by, S.NEWCOMER_MEASURES)
                     if settings.by else None)
        table = _arrow(columns)
        population = population_fingerprint(newcomers)
    return _RunOutput(policy, seed, model, by_permit, subgroups, table, population,
                      seconds, time.process_time() - cpu)


#: Newcomer-table columns the per-run summaries and the population fingerprint read.
SUMMARY_COLUMNS = ("policy", "seed", "month", "id", "status", "months_since_permit", "age", "gender",
                   "employed", "hours_per_week", "job_matches_education", "volunteering", "on_welfare",
                   "language_score", "exam_passed", "fined_count", "debt_eur", "resident_ties", "wellbeing",
                   "kansrijk", "care_duties")

_newcomer_schema: list[pa.Schema] = []  # the newcomer table's Arrow schema, made once per process


def _arrow(columns: NewcomerColumns) -> pa.Table:
    """A run's newcomer snapshots as Arrow: the table ``pa.Table.from_pandas`` would give, built directly."""
    if len(columns) == 0:
        return pa.Table.from_pandas(columns.frame(), preserve_index=False, nthreads=1)
    if not _newcomer_schema:
        _newcomer_schema.append(columns.arrow_schema())
    return columns.arrow(_newcomer_schema[0])


def _init_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them cleanly, and freeze what they imported."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    freeze_imports()


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
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)


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
    uncertainty = None
    if settings.draws:
        uncertainty = U.effect_uncertainty(model, all_metrics, settings.reference, year_months)
        differences = _with_wider_interval(differences, uncertainty)
        summary = _with_wider_interval(summary, U.level_uncertainty(model, all_metrics, year_months))
        over_time = _with_wider_interval(over_time, U.level_uncertainty(model, shown))
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
        uncertainty=_in_order(uncertainty, settings) if uncertainty is not None else None,
    )


def _with_wider_interval(table: pd.DataFrame, wider: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its interval replaced by the seeds-plus-parameters one of ``wider``."""
    keys = ["policy", "metric", "month"]
    if "month" not in table.columns:
        table = table.assign(month=(table["year"] * 12).round().astype(int))
    merged = table.drop(columns=["ci_low", "ci_high"]).merge(
        wider[[*keys, "ci_low", "ci_high"]], on=keys, how="left")
    return merged[[*table.columns]]


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
    return f"{mean} {format_interval(metric, row['ci_low'], row['ci_high'])}"


def format_interval(metric: Metric, low: float, high: float) -> str:
    """``[low, high]`` in the metric's unit, without units (percentage points for shares)."""
    if pd.isna(low):
        return "–"
    scale = 100 if metric.is_share else 1
    if metric.unit == "EUR":
        return f"[{low:,.0f}, {high:,.0f}]"
    digits = 1 if metric.is_share else 2
    return f"[{scale * low:.{digits}f}, {scale * high:.{digits}f}]"


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


def _uncertainty_text(st: Settings) -> str:
    common = ("Shares are of permit holders aged 18–64 (housed or waiting for a house); costs are "
              "cumulative from the first arrival and divided by the number of newcomers.")
    if not st.draws:
        return (f"**Uncertainty.** Each cell is the mean across seeds with its 95% confidence interval "
                f"(Student t, n = {len(st.seeds)}) in brackets. A difference from `{st.reference}` is "
                "taken seed by seed (paired) and then averaged, with its own 95% interval; **bold** "
                f"differences have an interval that excludes zero. {common} The intervals show "
                "simulation noise only, not uncertainty in the model's calibrated parameters: add "
                "`--posterior K` for that (`docs/calibration.md`).")
    k, s = len(st.draws), st.seeds_per_draw
    return (f"**Uncertainty: seeds and parameters.** Every policy ran on the same {k} parameter sets "
            f"drawn from the calibration's posterior (`model/data/posterior.csv`), {s} seeds each "
            f"(the same seeds in every policy), {k * s} runs per policy. Each cell is the mean over "
            "those runs; its 95% interval in brackets includes both seed noise and the uncertainty "
            "of the calibrated parameters (`docs/calibration.md`); **bold** differences have such "
            "an interval that excludes zero. The section *How sure are we?* separates the two. "
            + common)


def uncertainty_section(result: ComparisonResult, years: list[float]) -> list[str]:
    """The report's table of effects with seed-only and seed-plus-parameter intervals."""
    st = result.settings
    u = result.uncertainty.assign(year=result.uncertainty["month"] / 12).set_index(["policy", "metric", "year"])
    out = [
        "## How sure are we? Seeds alone, and seeds plus parameters",
        "",
        f"For each effect (difference from `{st.reference}`, run by run): its 95% interval if the "
        "parameters were known (seeds alone), its 95% interval given the posterior of the "
        "calibrated parameters (seeds plus parameters), the share of that interval's variance "
        "due to the parameters, and the probability that the policy beats the reference by at "
        "least 1 percentage point in the better direction (shares only). How these are "
        "computed: `experiments/uncertainty.py`.",
        "",
    ]
    header = ["policy", "year", "effect", "seeds alone", "seeds + parameters", "from parameters",
              "P(≥ 1 pp better)"]
    for name in st.metrics:
        m = S.REPORT_METRICS[name]
        rows = []
        for p in st.policies:
            if p == st.reference:
                continue
            for y in years:
                if (p, name, y) not in u.index:
                    continue
                r = u.loc[(p, name, y)]
                chance = "–" if pd.isna(r["p_beats"]) else f"{r['p_beats']:.0%}"
                rows.append([f"`{p}`", f"{y:g}", format_value(m, r["mean"], difference=True),
                             format_interval(m, r["ci_low_seeds"], r["ci_high_seeds"]),
                             format_interval(m, r["ci_low"], r["ci_high"]),
                             f"{r['param_share']:.0%}", chance])
        out += [f"### {m.label}", "", _md_table(header, rows, "llrrrrr"), ""]
    return out


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
        _uncertainty_text(st),
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

    if result.uncertainty is not None:
        out += uncertainty_section(result, years)
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
    if st.draws:
        lines = [f"Key outcomes at year {year:g}, mean of {len(st.seeds)} runs per policy ({len(st.draws)} posterior "
                 f"parameter sets x {st.seeds_per_draw} seeds; * = differs from {st.reference}: the 95% interval "
                 "of the paired difference from seeds and parameters excludes 0)", ""]
    else:
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
    if st.draws:
        runs = (f"every policy on {len(st.draws)} parameter sets drawn from the calibration's posterior, "
                f"{st.seeds_per_draw} seeds each ({len(st.seeds)} runs per policy, the same in every policy)")
        intervals = "its 95% interval from seeds and parameters"
    else:
        runs = f"every policy for {len(st.seeds)} seeds (the same seeds in every policy)"
        intervals = "its 95% CI"
    return "\n".join([
        README_START,
        "## What the comparison shows",
        "",
        f"`make demo` runs {runs} over {st.years:g} years and writes a report with 95% intervals and "
        f"figures to `results/compare/`. At year {year:g} (mean across runs; in brackets the "
        f"difference from `{st.reference}`, **bold** where {intervals} excludes zero):",
        "",
        _md_table(header, rows),
        "",
        *(_readme_uncertainty(result, year) if result.uncertainty is not None else []),
        f"![Key outcomes over time by policy]({image})",
        "",
        "Generated, not typed: `nieuwkomers compare --out results/compare "
        + (f"--posterior {len(st.draws)} --seeds {st.seeds_per_draw} " if st.draws else "")
        + "--readme README.md` "
        "reruns the comparison and rewrites this section and its figure "
        "(`docs/img/compare_overview.png`); the full report is `results/compare/summary.md`.",
        README_END,
    ])


def _readme_uncertainty(result: ComparisonResult, year: float) -> list[str]:
    """The README's "how sure" table: each policy's employment effect with both intervals."""
    st = result.settings
    u = result.uncertainty.assign(year=result.uncertainty["month"] / 12).set_index(["policy", "metric", "year"])
    m = S.REPORT_METRICS["share_employed"]
    rows = []
    for p in st.policies:
        if p == st.reference or (p, m.name, year) not in u.index:
            continue
        r = u.loc[(p, m.name, year)]
        rows.append([f"`{p}`", format_value(m, r["mean"], difference=True),
                     format_interval(m, r["ci_low_seeds"], r["ci_high_seeds"]),
                     format_interval(m, r["ci_low"], r["ci_high"]), f"{r['param_share']:.0%}",
                     f"{r['p_beats']:.0%}"])
    header = ["policy", "employment effect", "95% interval, seeds alone", "95% interval, seeds + parameters",
              "share from parameters", "P(≥ 1 pp better)"]
    return [f"How sure: the employment effect at year {year:g}, with the uncertainty of the calibrated "
            "parameters and without it ([docs/calibration.md](docs/calibration.md)):", "",
            _md_table(header, rows), ""]


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
    parser.add_argument("--posterior", type=number_type(int, "--posterior"), default=0, metavar="K",
                        help="also run every policy on K parameter sets drawn from the calibration's "
                             "posterior, --seeds seeds each, and report how much of the uncertainty "
                             "is due to the parameters (default 0: the calibrated medians only)")
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
    if args.posterior and not 2 <= args.posterior <= 1000:
        raise UsageError(f"--posterior {args.posterior} is not allowed: expected 0 or an integer in [2, 1000]")
    policies, note = policies_to_compare(split_list(args.policies, "--policies"))
    settings = make_settings(policies, args.seeds, args.years, parse_overrides(args.set),
                             args.by, split_list(args.metrics, "--metrics"), args.posterior)
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
        if result.uncertainty is not None:
            result.uncertainty.assign(year=result.uncertainty["month"] / 12, reference=settings.reference).drop(
                columns="month").pipe(_whole_years).to_csv(staging / "uncertainty.csv", index=False)
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
    optional = [f"by_{by}.csv" for by in S.SUBGROUPS] + ["uncertainty.csv"]
    for name in optional:  # left by an earlier compare, it would not match this one
        if staging / name not in files:
            (out / name).unlink(missing_ok=True)
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
        "posterior": ({"draws": len(settings.draws), "seeds_per_draw": settings.seeds_per_draw,
                       "draw_seed": POSTERIOR_SEED, "parameter_sets": list(settings.draws)}
                      if settings.draws else None),
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
