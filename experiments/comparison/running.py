"""Running a comparison: every (policy, seed) on one backend, the newcomer snapshots streamed to Parquet.

Each run returns its small per-run tables (`RunOutput`); `run_comparison`
collects them in task order and hands them to `summarising.summarise`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments import for_whom as G
from experiments import summary as S
from experiments.comparison.settings import SNAPSHOT_EVERY, ComparisonSettings
from experiments.comparison.summarising import ComparisonResult, summarise
from experiments.executors import Backend, run_in_order
from experiments.runner import one_collection_per_run, run_to_columns
from model.outcomes import NewcomerColumns
from model.welfare import net_cost_by_payer


@dataclass
class RunOutput:
    """What one run sends back: its model table, small per-newcomer summaries, and the
    newcomer snapshots as Arrow (written to Parquet, then dropped), with timings."""

    policy: str
    seed: int
    model: pd.DataFrame
    by_permit: pd.DataFrame
    by_group: pd.DataFrame
    costs: pd.DataFrame  # net cost per payer (cumulative EUR) at every snapshot month
    newcomers: pa.Table | None
    population: int
    seconds: float
    cpu_seconds: float


# Who the newcomers are, as opposed to what happens to them: education and literacy are left
# out because courses and schooling change them.
POPULATION_COLUMNS = ("id", "gender", "age", "household", "kansrijk")


def population_fingerprint(newcomers: pd.DataFrame) -> int:
    """A hash of who the newcomers are (not what happens to them), at the first snapshot.

    Equal fingerprints for a seed in every policy confirm the common random
    numbers: the policies start from the same people.
    """
    first = newcomers[newcomers["month"] == newcomers["month"].min()]
    hashes = pd.util.hash_pandas_object(first[list(POPULATION_COLUMNS)], index=False)
    return int(hashes.to_numpy().sum(dtype="uint64"))


def run_one(settings: ComparisonSettings, policy: str, seed: int) -> RunOutput:
    """One run: its model table, its newcomer snapshots (as Arrow) and their small summaries."""
    cpu, start = time.process_time(), time.perf_counter()
    payers: list[dict] = []
    with one_collection_per_run():
        model, columns = run_to_columns(policy, seed, settings.years, settings.run_params(seed), SNAPSHOT_EVERY,
                                        lambda m: payers.append({"month": m.month, **net_cost_by_payer(m.costs)}))
        seconds = time.perf_counter() - start
        if settings.draws:
            model["draw"] = settings.draw_of(seed)
        # Every snapshot in one DataFrame, with the columns the summaries read; the per-group means
        # are taken here, so that the parent holds no newcomer rows.
        newcomers = columns.frame(list(summary_columns()))
        by_permit = S.per_run_by_years_since_permit(newcomers, S.NEWCOMER_MEASURES)
        by_group = G.per_run_by_group(newcomers, settings.groupings, S.NEWCOMER_MEASURES)
        table = _arrow(columns)
        population = population_fingerprint(newcomers)
    costs = pd.DataFrame(payers).assign(policy=policy, seed=seed)
    return RunOutput(policy, seed, model, by_permit, by_group, costs, table, population,
                     seconds, time.process_time() - cpu)


def summary_columns() -> tuple[str, ...]:
    """Newcomer-table columns the per-run summaries (every grouping's column included) and the
    population fingerprint read."""
    return tuple(dict.fromkeys((*S.newcomer_summary_columns(), *POPULATION_COLUMNS)))


_newcomer_schema: dict[tuple[str, ...], pa.Schema] = {}  # the newcomer table's Arrow schema, by its columns


def _arrow(columns: NewcomerColumns) -> pa.Table:
    """A run's newcomer snapshots as Arrow: the table ``pa.Table.from_pandas`` would give, built directly."""
    if len(columns) == 0:
        return pa.Table.from_pandas(columns.frame(), preserve_index=False, nthreads=1)
    names = tuple(columns.arrays)  # a registered outcome may add columns (`model.outcomes.register`)
    if names not in _newcomer_schema:
        _newcomer_schema[names] = columns.arrow_schema()
    return columns.arrow(_newcomer_schema[names])


class OrderedParquetWriter:
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


def run_comparison(settings: ComparisonSettings, staging: Path, backend: Backend, progress: bool = True) -> ComparisonResult:
    """Run every (policy, seed) on ``backend`` and summarise.

    The newcomer snapshots are appended to ``staging/newcomers.parquet`` as runs
    finish, in policy, seed order; results do not depend on the backend or the
    number of workers, since every run is seeded and every table is put in that order.
    """
    started = time.perf_counter()
    jobs = [(settings, p, s) for p in settings.policies for s in settings.seeds]
    writer = OrderedParquetWriter(staging / "newcomers.parquet")

    def keep_small_tables(index: int, output: RunOutput) -> RunOutput:
        writer.add(index, output.newcomers)
        output.newcomers = None
        return output

    try:
        outputs = run_in_order(backend, run_one, jobs, "compare", progress=progress, on_result=keep_small_tables)
    finally:
        writer.close()
    result = summarise(settings, outputs)
    result.seconds = time.perf_counter() - started
    result.run_seconds = [o.seconds for o in outputs]
    result.run_cpu_seconds = [o.cpu_seconds for o in outputs]
    return result
