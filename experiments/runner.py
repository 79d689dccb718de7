"""Build and run one model, and collect its tables: the building block of every command.

`run_model` is the one place in `experiments` where a model is built (`build_model`) and run:
run, compare, validate and calibrate, sweep and sensitivity, stress and design all run their
models through it, reading what they need at the months they stop at (`run_to_columns`: the
model table and newcomer snapshots; `run_simulation`: the same as DataFrames).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from model import IntegrationModel
from model.model import gc_paused
from model.outcomes import NewcomerColumns, newcomer_columns


@dataclass
class RunResult:
    """The tables of one run.

    Attributes:
        model: One row per month (the model table: `model.model_table()`).
        newcomers: One row per newcomer per snapshot.
        seconds: Wall-clock time of the run.
    """

    model: pd.DataFrame
    newcomers: pd.DataFrame
    seconds: float


def snapshot_months(months: int, every: int) -> list[int]:
    """Months at which newcomers are snapshotted: every ``every`` months and the last."""
    picks = list(range(every, months + 1, every)) if every > 0 else []
    if months not in picks:
        picks.append(months)
    return picks


def run_simulation(
    policy: str = "baseline_2013",
    seed: int = 0,
    years: float = 10,
    params: dict | None = None,
    snapshot_every: int = 12,
) -> RunResult:
    """Run ``policy`` with ``seed`` for ``years`` (months = round(12 * years)) and collect its tables.

    ``params`` overrides parameters (validated by the model); newcomers are snapshotted every
    ``snapshot_every`` months (0: only at the last month).
    """
    start = time.perf_counter()
    model_table, snapshots = run_to_columns(policy, seed, years, params, snapshot_every)
    return RunResult(model_table, snapshots.frame(), time.perf_counter() - start)


def run_to_columns(
    policy: str = "baseline_2013",
    seed: int = 0,
    years: float = 10,
    params: dict | None = None,
    snapshot_every: int = 12,
    on_snapshot: Callable[[IntegrationModel], None] | None = None,
) -> tuple[pd.DataFrame, NewcomerColumns]:
    """Like `run_simulation`, with every snapshot's newcomer columns concatenated in month order.

    ``on_snapshot(model)``, if given, reads the model at every snapshot month (what the
    tables do not hold, e.g. the cost items by payer); it must not change the model.
    """
    snapshots = []

    def snapshot(model: IntegrationModel) -> None:
        snapshots.append(newcomer_columns(model))
        if on_snapshot is not None:
            on_snapshot(model)

    months = int(round(12 * years))
    model = run_model(policy, seed, months, params, snapshot_months(months, snapshot_every), snapshot)
    return model.model_table(), NewcomerColumns.concat(snapshots)


def build_model(policy: str = "baseline_2013", seed: int = 0, params: dict | None = None) -> IntegrationModel:
    """The model of one run: ``policy``'s levers with ``params`` over them, seeded with ``seed``.

    Commands also build one, unrun, to check their parameters before any run: a clash fails at once.
    """
    return IntegrationModel(policy=policy, rng=seed, **(params or {}))


def run_model(
    policy: str,
    seed: int,
    months: int,
    params: dict | None = None,
    stops: Iterable[int] = (),
    at_stop: Callable[[IntegrationModel], None] | None = None,
) -> IntegrationModel:
    """Build the model of one run (`build_model`), run it for ``months`` months and return it.

    At every month of ``stops`` (ascending, within the horizon) ``at_stop(model)`` reads the model,
    which it must not change: snapshots, a cohort's outcomes, every month's queues.
    """
    model = build_model(policy, seed, params)
    for month in stops:
        model.run_for(month - model.month)
        at_stop(model)
    if model.month < months:
        model.run_for(months - model.month)
    return model


@contextmanager
def one_collection_per_run() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a run, then collect the run's objects once.

    A model is some 60,000 linked objects (cells, agents) that only the cyclic
    collector frees. Left to itself, the collector traverses them several times
    per run (when they are young, again when they are older, and in full passes
    over everything the process holds); runs in a row are much cheaper with one
    pass at the end, which frees the finished model. Everything the run made is
    still in the youngest generation then (nothing was collected, so nothing was
    promoted), so that pass is ``gc.collect(0)``: it never walks the rest of the
    process (the imported libraries). Results are unaffected.
    """
    with gc_paused():
        yield
    if gc.isenabled():
        gc.collect(0)


def freeze_imports() -> None:
    """In a worker process: exempt everything it holds so far (imported libraries) from garbage collection.

    Those objects live as long as the process anyway; `gc.freeze` keeps the
    collector's occasional full passes from traversing them again.
    """
    gc.freeze()
