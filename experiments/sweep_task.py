"""The worker's side of a sweep: run one (point, replicate) pair and return its rows.

This module is what worker processes and Dask workers import, so it stays
small: the model, pandas and pyarrow, nothing from the command line.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from experiments.provenance import MODEL_CODE
from experiments.runner import one_collection_per_run, run_model, run_to_columns

MODEL_TABLE_KEYS = ("policy", "seed", "month", "year")


@dataclass
class RunOutcome:
    """What came back from one run.

    Attributes:
        point_id: The point.
        replicate: The replicate.
        table: The kept rows (None if the run failed).
        error: ``"ExceptionType: message"`` if the run raised.
        where: ``file:line in function`` where it raised.
        seconds: Wall-clock time of the run.
        code: Hash of the model code the worker imported (`MODEL_CODE`).
        by_group: With the sweep's ``by``: the run's outcomes per group (rows for ``by_group/``).
    """

    point_id: int
    replicate: int
    table: pa.Table | None
    error: str | None = None
    where: str | None = None
    seconds: float = 0.0
    code: str = ""
    by_group: pa.Table | None = None


def simulate(task) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Build the model of ``task``, run it for its horizon and return the model table.

    With ``task.by``: the model table and the run's outcomes per group
    (`experiments.summary.per_run_by_group` over newcomer snapshots every 12 months,
    calendar years restricted to the months kept).
    """
    if getattr(task, "by", ()):
        from experiments import for_whom as G  # only then: workers of other sweeps stay light
        from experiments import summary as S

        model_table, columns = run_to_columns(task.policy, task.seed, task.years, task.params, 12)
        metrics = [m for m in task.metrics if m in S.NEWCOMER_MEASURES]
        by_group = G.per_run_by_group(columns.frame(list(S.newcomer_summary_columns())), task.by, metrics,
                                      year_months=task.months)
        return model_table, by_group
    return run_model(task.policy, task.seed, int(round(12 * task.years)), task.params).model_table()


def run_task(task, simulate: Callable = simulate) -> RunOutcome:
    """Run one task; never raises for an error inside the run (it is reported instead).

    Args:
        task: An `experiments.sweep_spec.RunTask`.
        simulate: `simulate` or a stand-in (tests swap in one that fails on purpose; it must be
            importable by workers).

    Returns:
        The rows to store: ``point_id``, ``replicate``, the swept values, then the model-table
        columns restricted to the task's metrics and months; with ``task.by`` also ``by_group``,
        the per-group table with the same first columns.
    """
    start = time.perf_counter()
    try:
        with one_collection_per_run():
            result = simulate(task)
        df, groups = result if isinstance(result, tuple) else (result, None)
        df = per_newcomer_costs(df, task)
        if task.months is not None:
            df = df[df["month"].isin(task.months)]
        df = df[[*MODEL_TABLE_KEYS, *task.metrics]].reset_index(drop=True)
        table = _arrow(_with_point_columns(df, task))
        by_group = _arrow(_with_point_columns(groups, task)) if groups is not None and len(groups) else None
    except Exception as err:  # noqa: BLE001 - a failing run is data, not a crash
        return RunOutcome(task.point_id, task.replicate, None, f"{type(err).__name__}: {err}",
                          _where(err), time.perf_counter() - start, MODEL_CODE)
    return RunOutcome(task.point_id, task.replicate, table, seconds=time.perf_counter() - start,
                      code=MODEL_CODE, by_group=by_group)


def per_newcomer_costs(df: pd.DataFrame, task) -> pd.DataFrame:
    """The model table with the cost columns per newcomer, as ``compare`` reports them.

    ``public_cost_eur`` and ``fiscal_return_eur`` are totals over the cohort;
    a sweep that varies ``n_newcomers`` compares them only per newcomer.
    """
    from experiments import summary as S

    wanted = set(task.metrics) - set(df.columns)
    return S.add_per_newcomer(df, S.cohort_size(task.params)) if wanted else df


def _with_point_columns(df: pd.DataFrame, task) -> pd.DataFrame:
    """``point_id``, ``replicate`` and the swept values (those not already a column) in front of ``df``."""
    df = df.reset_index(drop=True)
    front = {"point_id": task.point_id, "replicate": task.replicate}
    front.update({k: v for k, v in task.swept.items() if k not in df.columns})
    for position, (name, value) in enumerate(front.items()):
        df.insert(position, name, value)
    return df


def _arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False, nthreads=1).replace_schema_metadata(None)


def _where(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return ""
    frame = frames[-1]
    return f"{'/'.join(Path(frame.filename).parts[-2:])}:{frame.lineno} in {frame.name}"
