"""Every outcome, gathered: the metric registry and the newcomer table.

Each outcome is declared once, as a `Metric` in the ``OUTCOMES`` of the
mechanism module that owns it (`model.metric` says how); `METRICS` gathers them
in `OUTCOME_OWNERS` order, counts by phase first, then the averages over
permit holders, then values of the whole model (the model table's column
order, fixed by DESIGN). `METRICS` drives the DataCollector's model reporters
(`compute_metrics`), the compare report's columns, figure labels and units,
and the app's charts; `NEWCOMER_MEASURES` holds the per-newcomer rules. Shares
use as denominator the adults 18-64 holding a permit (housed or waiting for a
house), unless the name says otherwise.

The newcomer table's columns are declared once too, in `TABLE` (a metric may
add its own after them); `newcomer_columns` builds the table from them and its
Arrow schema follows from the table. `register` adds an outcome from outside
the package (a study's own measure, a test) through the same path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from model.contacts import active_ties
from model.fastnp import mean
from model.households import HOUSEHOLD_KINDS
from model.language import cefr_level
from model.metric import RULE_ORDER, Metric, TableColumn
from model.population import (
    ADULT_AGE,
    CEFR_NAMES,
    EDUCATION_NAMES,
    NO_COURSE,
    PENSION_AGE,
    Phase,
)

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The modules that declare outcomes (their ``OUTCOMES``), in the order the model table lists them.
OUTCOME_OWNERS = ("population", "labour", "activities", "welfare", "language", "exam", "contacts", "wellbeing",
                  "startpunten")

STATUS_NAMES = np.array(["asylum", "permit", "permit", "departed"])

#: Where a newcomer is on the path, in the order the map and the app use.
PATHS = ("waiting for asylum", "permit, no work", "in a course", "volunteering", "employed", "departed")


def path_codes(phase, employed, volunteering_or_placed, in_course) -> np.ndarray:
    """Index into `PATHS` of each newcomer (works on scalars and arrays alike)."""
    phase = np.asarray(phase)
    return np.select(
        [phase == Phase.DEPARTED, phase == Phase.ASYLUM, np.asarray(employed),
         np.asarray(volunteering_or_placed), np.asarray(in_course)],
        [5, 0, 4, 3, 2], default=1,
    ).astype(np.int8)


#: Age groups on arrival (the "for whom" tables group by age on arrival, so a person keeps their group).
AGE_GROUPS = ("18-24", "25-34", "35-44", "45+")
AGE_GROUP_STARTS = (18.0, 25.0, 35.0, 45.0)


def age_group_codes(age_at_arrival) -> np.ndarray:
    """Index into `AGE_GROUPS` of each age on arrival."""
    return (np.searchsorted(AGE_GROUP_STARTS, np.asarray(age_at_arrival), side="right") - 1).clip(0).astype(np.int8)


# --- the newcomer table's columns ---------------------------------------------------


def _months_in_asylum(model: IntegrationModel) -> np.ndarray:
    nc = model.nc
    decided = nc.phase != Phase.ASYLUM
    end_asylum = np.where(decided, np.minimum(nc.decision_month, model.month), model.month)
    return (end_asylum - nc.arrival_month).astype(np.int32)


def _months_since_permit(model: IntegrationModel) -> np.ndarray:
    permit_month = model.nc.permit_month.astype(float)
    return np.where(permit_month >= 0, model.month - permit_month, np.nan)


def _months_in_azc(model: IntegrationModel) -> np.ndarray:
    nc = model.nc
    left_azc = np.where(nc.phase == Phase.HOUSED, nc.housed_month,
                        np.where(nc.phase == Phase.DEPARTED, nc.departure_month, model.month))
    return (left_azc - nc.arrival_month).astype(np.int32)


def _months_to_first_job(model: IntegrationModel) -> np.ndarray:
    permit_month, first_job = model.nc.permit_month.astype(float), model.nc.first_job_month.astype(float)
    return np.where((permit_month >= 0) & (first_job >= 0), first_job - permit_month, np.nan)


def _municipality(model: IntegrationModel) -> np.ndarray:
    municipality = model.nc.municipality  # -1 stands for the empty name, after the others
    return np.where(municipality >= 0, municipality, len(model.municipality_names))


def _resident_ties(model: IntegrationModel) -> np.ndarray:
    """Active ties with residents: the month's own count (``model.ties``) once the month has made it."""
    ties = model.ties if model.ties.size == model.nc.n else active_ties(model)
    return ties.astype(np.int32)


def _path(model: IntegrationModel) -> np.ndarray:
    nc = model.nc
    return path_codes(nc.phase, nc.employed, nc.volunteering | (nc.placement_months > 0), nc.course_kind != NO_COURSE)


#: The newcomer table, one column each, in its order (DESIGN fixes the first 26 names). A column
#: without a value is the newcomer state column of that name; a column with names holds codes.
TABLE: tuple[TableColumn, ...] = (
    TableColumn("policy", lambda m: np.zeros(m.nc.n, np.int8), names=lambda m: (m.policy,)),
    TableColumn("seed", lambda m: np.full(m.nc.n, m.seed, np.int64)),
    TableColumn("month", lambda m: np.full(m.nc.n, m.month, np.int64)),
    TableColumn("id", lambda m: np.arange(m.nc.n)),  # arrival order: the same person under every policy
    TableColumn("status", lambda m: m.nc.phase, names=tuple(STATUS_NAMES)),
    TableColumn("months_in_asylum", _months_in_asylum),
    TableColumn("months_since_permit", _months_since_permit),  # empty (NaN) before a permit
    TableColumn("age", lambda m: np.round(m.ages(), 2)),
    TableColumn("gender", lambda m: m.nc.female.view(np.int8), names=("male", "female")),
    TableColumn("education", names=EDUCATION_NAMES),
    TableColumn("literate"),
    TableColumn("municipality", _municipality, names=lambda m: (*m.municipality_names, "")),
    TableColumn("language_score"),
    TableColumn("cefr", lambda m: cefr_level(m.nc.language_score), names=CEFR_NAMES),
    TableColumn("employed"),
    TableColumn("hours_per_week"),
    TableColumn("job_matches_education"),
    TableColumn("volunteering"),
    TableColumn("on_welfare"),
    TableColumn("exam_passed"),
    TableColumn("fined_count"),
    TableColumn("debt_eur"),
    TableColumn("resident_ties", _resident_ties),
    TableColumn("wellbeing"),
    TableColumn("has_plan", lambda m: m.nc.plan_end_month >= 0),  # has or had a plan (a plan runs plan_months)
    TableColumn("used_startpunt"),
    # beyond the headline outcomes: who they are (the groups of the "for whom" tables) and what
    # validation and the app need
    TableColumn("exempted"),
    TableColumn("age_group", lambda m: age_group_codes(m.nc.age_at_arrival), names=AGE_GROUPS),
    TableColumn("household", lambda m: m.nc.household_kind, names=HOUSEHOLD_KINDS),
    TableColumn("nareiziger"),
    TableColumn("homemaker"),
    TableColumn("housed", lambda m: m.nc.phase == Phase.HOUSED),
    TableColumn("path", _path, names=PATHS),
    TableColumn("x"),
    TableColumn("y"),
    TableColumn("relocations"),
    TableColumn("months_in_azc", _months_in_azc),
    TableColumn("months_to_first_job", _months_to_first_job),  # empty (NaN) without a permit or a job
    TableColumn("course_hours"),
    TableColumn("kansrijk"),
    TableColumn("care_duties"),
)


# --- the registry --------------------------------------------------------------------

#: Every outcome, by name, in the model table's order: the package's, then the registered ones.
METRICS: dict[str, Metric] = {}

#: Each metric that is an average over adult permit holders, as a rule for one newcomer, written
#: over the newcomer table's column names. The same rule runs on this month's state arrays
#: (`compute_metrics`) and on the newcomer table (the compare report's "by years since permit"),
#: so the two cannot disagree.
NEWCOMER_MEASURES: dict[str, Callable[[Mapping], object]] = {}

#: Every column of the newcomer table, by name: `TABLE`, then the columns the metrics add.
TABLE_COLUMNS: dict[str, TableColumn] = {}

#: Outcomes registered from outside the package (`register`), in the order they were registered.
REGISTERED: dict[str, Metric] = {}


def _declared() -> list[Metric]:
    """The package's outcomes: each owner's ``OUTCOMES``, counts by phase first, then averages, then totals."""
    declared = [replace(m, owner=owner) for owner in OUTCOME_OWNERS
                for m in importlib.import_module(f"model.{owner}").OUTCOMES]
    return sorted(declared, key=lambda m: [RULE_ORDER.index(rule) for rule in m.rules])  # stable: owners' order


def _gather() -> None:
    """Fill `METRICS`, `NEWCOMER_MEASURES` and `TABLE_COLUMNS` from the declarations (in place:
    who imported them sees every change).

    Raises:
        ValueError: If an outcome has no rule or several, reads a column the table lacks,
            or takes a name already taken; the registry is then left as it was.
    """
    metrics: dict[str, Metric] = {}
    columns = {c.name: c for c in TABLE}
    for m in [*_declared(), *REGISTERED.values()]:
        if m.name in metrics:
            raise ValueError(f"outcome {m.name!r} is declared twice")
        if len(m.rules) != 1:
            raise ValueError(f"outcome {m.name!r} needs one rule of {', '.join(RULE_ORDER)}; it has "
                             f"{', '.join(m.rules) or 'none'}")
        for c in m.columns:
            if c.name in columns:
                raise ValueError(f"outcome {m.name!r}: newcomer-table column {c.name!r} exists already")
            columns[c.name] = c
        missing = [name for name in m.reads if name not in columns]
        if missing or (m.per_newcomer is not None and not m.reads):
            raise ValueError(f"outcome {m.name!r} reads {', '.join(missing) or 'no columns'}: name the "
                             f"newcomer-table columns its rule reads (reads=...), adding any the table lacks "
                             f"(columns=...)")
        metrics[m.name] = m
    for registry, gathered in ((METRICS, metrics), (TABLE_COLUMNS, columns), (NEWCOMER_MEASURES, {
            m.name: m.per_newcomer for m in metrics.values() if m.per_newcomer is not None})):
        registry.clear()
        registry.update(gathered)


def register(metric: Metric) -> None:
    """Add an outcome from outside the package: a column of the model table (after the package's),
    and its rule's own newcomer-table columns, for as long as the process runs (or `unregister`).

    Raises:
        ValueError: If its name is taken, or it is not a well-formed outcome (see `_gather`).
    """
    if metric.name in METRICS:
        raise ValueError(f"outcome {metric.name!r} is declared already")
    REGISTERED[metric.name] = metric
    try:
        _gather()
    except ValueError:
        del REGISTERED[metric.name]
        _gather()
        raise


def unregister(name: str) -> None:
    """Remove a registered outcome and its columns (nothing happens for an unknown name)."""
    if REGISTERED.pop(name, None) is not None:
        _gather()


@contextmanager
def registered(*metrics: Metric) -> Iterator[tuple[Metric, ...]]:
    """Register ``metrics`` for a block, and remove them afterwards whatever happens."""
    done: list[str] = []
    try:
        for metric in metrics:
            register(metric)
            done.append(metric.name)
        yield metrics
    finally:
        for name in done:
            unregister(name)


_gather()

#: The headline outcomes (the package's only).
KEY_METRICS: tuple[str, ...] = tuple(name for name, m in METRICS.items() if m.key)

#: The newcomer table's columns (the package's; a registered outcome adds its own after them).
NEWCOMER_TABLE_COLUMNS: tuple[str, ...] = tuple(TABLE_COLUMNS)

#: Columns of the newcomer table that hold names; `newcomer_columns` gives them as codes.
NAMED_COLUMNS: tuple[str, ...] = tuple(c.name for c in TABLE if c.names is not None)


def measure_columns() -> tuple[str, ...]:
    """The newcomer-table columns the per-newcomer rules read (`Metric.reads`), in the metrics' order."""
    return tuple(dict.fromkeys(name for m in METRICS.values() for name in m.reads))


def compute_metrics(model: IntegrationModel) -> dict[str, float]:
    """All model-level metrics for the current month, in one pass over the state."""
    nc = model.nc
    phase = nc.phase
    age = model.ages()
    permit = ((phase == Phase.AWAITING_HOUSING) | (phase == Phase.HOUSED)) & (age >= ADULT_AGE) & (age < PENSION_AGE)
    n_permit = int(np.count_nonzero(permit))
    by_phase = np.bincount(phase, minlength=len(Phase)) if phase.size else np.zeros(len(Phase), np.int64)
    columns: dict[str, np.ndarray] = {}
    if n_permit:  # the rules on the permit holders' rows only (the same numbers, fewer of them)
        rows = permit.nonzero()[0]
        columns = {name: TABLE_COLUMNS[name].of(model)[rows] for name in measure_columns()}
    metrics: dict[str, float] = {}
    for name, m in METRICS.items():
        if m.phase is not None:
            metrics[name] = int(by_phase[m.phase])
        elif m.per_newcomer is not None:
            metrics[name] = mean(m.per_newcomer(columns)) if n_permit else float("nan")
        else:
            metrics[name] = m.of_model(model)
    return metrics


@dataclass(frozen=True)
class Grouping:
    """A way to split newcomers into groups, for the "for whom" tables, figures and the app.

    Attributes:
        name: The grouping's name (``--by gender``).
        label: In plain words, for titles ("age on arrival").
        column: The newcomer-table column it reads.
        order: Its groups in their natural order (empty: whatever occurs, sorted).
        names: Group name shown for a column value, where they differ ("female" -> "women").
    """

    name: str
    label: str
    column: str
    order: tuple[str, ...] = ()
    names: Mapping[str, str] | None = None

    def groups(self, table: Mapping) -> np.ndarray:
        """The group of each row of a newcomer table (or of its columns as arrays)."""
        values = np.asarray(table[self.column]).astype(str)
        if self.names:
            values = np.array([self.names.get(v, v) for v in values.tolist()], dtype=object)
        return values.astype(object)

    def ordered(self, groups) -> list[str]:
        """The groups that occur, in the natural order."""
        present = list(dict.fromkeys(str(g) for g in groups))
        if not self.order:
            return sorted(present)
        return [g for g in self.order if g in present] + sorted(g for g in present if g not in self.order)


#: Every grouping, by name: who a policy works for.
GROUPINGS: dict[str, Grouping] = {g.name: g for g in [
    Grouping("gender", "gender", "gender", ("men", "women"), {"male": "men", "female": "women"}),
    Grouping("education", "education", "education", EDUCATION_NAMES),
    Grouping("age_group", "age on arrival", "age_group", AGE_GROUPS),
    Grouping("household", "household", "household", HOUSEHOLD_KINDS),
    Grouping("municipality", "municipality", "municipality"),
]}


def unknown_grouping_message(name: str) -> str:
    """One line naming an unknown grouping and the valid ones."""
    return f"unknown grouping {name!r}; choose one or more of: {', '.join(GROUPINGS)} (several: gender,education)"


@dataclass
class NewcomerColumns:
    """The newcomer table as plain arrays: one snapshot, or several concatenated.

    Attributes:
        arrays: Column name -> array, for every column of the table (`TABLE_COLUMNS`), in order;
            the columns with names hold integer codes into ``names``.
        names: Named column -> the names its codes stand for.
    """

    arrays: dict[str, np.ndarray]
    names: dict[str, tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.arrays["id"])

    def named(self, name: str) -> np.ndarray:
        """The names of a named column, one per row."""
        return np.array(self.names[name])[self.arrays[name]]

    def frame(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The newcomer table as a DataFrame (``columns``, default all)."""
        columns = list(self.arrays) if columns is None else columns
        data = {name: self.named(name) if name in self.names else self.arrays[name] for name in columns}
        return pd.DataFrame(data, columns=columns)

    def arrow(self, schema: pa.Schema) -> pa.Table:
        """The newcomer table as Arrow, the table ``pa.Table.from_pandas(self.frame())`` gives.

        ``schema`` is that table's schema (see `arrow_schema`); names become
        strings through a dictionary (fast), NaN becomes null as in ``from_pandas``.
        """
        arrays = []
        for field in schema:
            values = self.arrays[field.name]
            if field.name in self.names:
                names = pa.array(self.names[field.name], type=field.type)
                arrays.append(pa.DictionaryArray.from_arrays(pa.array(values, type=pa.int32()), names)
                              .cast(field.type))
            else:
                arrays.append(pa.array(values, type=field.type, from_pandas=True))
        return pa.Table.from_arrays(arrays, schema=schema)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema (with pandas metadata) of this table's DataFrame."""
        head = NewcomerColumns({name: values[:1] for name, values in self.arrays.items()}, self.names)
        return pa.Schema.from_pandas(head.frame(), preserve_index=False)

    @staticmethod
    def concat(parts: list[NewcomerColumns]) -> NewcomerColumns:
        """Several snapshots (with the same names) as one, rows in order."""
        if len(parts) == 1:
            return parts[0]
        arrays = {name: np.concatenate([p.arrays[name] for p in parts]) for name in parts[0].arrays}
        return NewcomerColumns(arrays, parts[0].names)


def newcomer_table(model: IntegrationModel) -> pd.DataFrame:
    """One row per newcomer who has arrived, as they are this month (the columns of `TABLE_COLUMNS`)."""
    return newcomer_columns(model).frame()


def newcomer_columns(model: IntegrationModel) -> NewcomerColumns:
    """The newcomer table as arrays (names as codes), cheap to concatenate over snapshots."""
    arrays = {name: np.array(column.of(model)) for name, column in TABLE_COLUMNS.items()}  # copies: a snapshot
    names = {name: column.names_of(model) for name, column in TABLE_COLUMNS.items() if column.names is not None}
    return NewcomerColumns(arrays, names)
