"""How a mechanism declares the outcomes it owns: one `Metric` per outcome, with its label, unit and rule.

Each mechanism module that owns an outcome has an ``OUTCOMES`` tuple, next to
the functions that change what it measures (the way ``NEWCOMER_STATE``
declares its state, `model.state`). `model.outcomes` gathers them into the
one registry, `model.outcomes.METRICS`, from which the DataCollector's
reporters, the model table, the compare report's columns, figure labels and
the app's charts are made. A metric is measured by one of three rules:

- ``phase``: the number of newcomers in that phase (``n_asylum``);
- ``per_newcomer``: a rule for one newcomer, written over the newcomer table's
  columns, averaged over the adult permit holders (``share_employed``). The
  same rule runs on this month's state and on the newcomer table, so the
  model table and the compare report's "by years since permit" cannot disagree;
- ``of_model``: a value of the whole model (a cumulative cost, residents placed).

This module imports nothing of the model, so every mechanism can import it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The model table lists counts by phase first, then averages over permit holders, then
#: values of the whole model; within each, in the order `model.outcomes.OUTCOME_OWNERS` gives.
RULE_ORDER = ("phase", "per_newcomer", "of_model")


@dataclass(frozen=True)
class TableColumn:
    """One column of the newcomer table (one row per newcomer).

    Attributes:
        name: Column name.
        value: The column's values this month, from the model; None: the newcomer state
            column of the same name. May return the state's own array: the table copies it.
        names: For a column of names: the names its integer codes stand for (a tuple, or
            a function of the model for names that depend on the run).
    """

    name: str
    value: Callable[[IntegrationModel], np.ndarray] | None = None
    names: tuple[str, ...] | Callable[[IntegrationModel], tuple[str, ...]] | None = None

    def of(self, model: IntegrationModel) -> np.ndarray:
        """This column's values this month (possibly the state's own array: copy before keeping it)."""
        return getattr(model.nc, self.name) if self.value is None else self.value(model)

    def names_of(self, model: IntegrationModel) -> tuple[str, ...]:
        """The names behind this column's codes in ``model``'s run."""
        return self.names(model) if callable(self.names) else self.names


@dataclass(frozen=True)
class Metric:
    """One model-level outcome: a column of the model table.

    Attributes:
        name: Column name in the model table.
        label: Plain-language label for reports, figures and the app.
        unit: "share", "count", "EUR", "score 0-5", "ties", "0-1".
        key: Shown in the headline report.
        better: +1 if higher is better, -1 if lower is better, 0 if neither.
        phase: Rule: the number of newcomers in this phase (a `model.population.Phase`).
        per_newcomer: Rule: this, for one newcomer, over the newcomer table's columns (arrays
            in, an array out), averaged over the adult permit holders.
        reads: The newcomer-table columns ``per_newcomer`` reads.
        of_model: Rule: this value of the whole model.
        chart: The app chart that draws it (metrics with the same chart share one; empty: none).
        columns: Newcomer-table columns this metric adds (after the table's own), for a
            ``per_newcomer`` rule that reads what the table does not yet have.
        owner: Module that declares it (filled in by `model.outcomes`; empty for a registered one).
    """

    name: str
    label: str
    unit: str
    key: bool = False
    better: int = 0
    phase: int | None = None
    per_newcomer: Callable[[Mapping], object] | None = None
    reads: tuple[str, ...] = ()
    of_model: Callable[[IntegrationModel], float] | None = None
    chart: str = ""
    columns: tuple[TableColumn, ...] = ()
    owner: str = ""

    @property
    def is_share(self) -> bool:
        """True for shares (between 0 and 1)."""
        return self.unit == "share"

    @property
    def rules(self) -> list[str]:
        """Which rules measure it (in `RULE_ORDER`): one for a model outcome, none for a metric a report derives."""
        return [kind for kind in RULE_ORDER if getattr(self, kind) is not None]

    def __reduce__(self):
        """Pickled (for a worker process) by its module and name, as its rules are lambdas; one
        without a module field by field."""
        if self.owner:
            return _declared, (self.owner, self.name)
        return Metric, tuple(getattr(self, f.name) for f in fields(self))


def _declared(owner: str, name: str) -> Metric:
    """The outcome ``name`` of the ``OUTCOMES`` of ``model.<owner>``, as `model.outcomes` gathers it."""
    declared = importlib.import_module(f"model.{owner}").OUTCOMES
    return replace(next(m for m in declared if m.name == name), owner=owner)
