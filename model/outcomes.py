"""Every outcome, declared once: the metric registry and the newcomer table.

`METRICS` drives the DataCollector's model reporters, the compare report's
columns, figure labels and units, and the app's charts. Shares use as
denominator the adults 18-64 holding a permit (housed or waiting for a house),
unless the name says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from model.contacts import ACTIVE_TIE
from model.fastnp import mean
from model.households import HOUSEHOLD_KINDS
from model.language import cefr_level
from model.population import (
    A2_LEVEL,
    ADULT_AGE,
    B1_LEVEL,
    CEFR_NAMES,
    EDUCATION_NAMES,
    FULLTIME_HOURS,
    NO_COURSE,
    PENSION_AGE,
    Phase,
)

if TYPE_CHECKING:
    from model.model import IntegrationModel



@dataclass(frozen=True)
class Metric:
    """One model-level outcome.

    Attributes:
        name: Column name in the model table.
        label: Plain-language label for reports, figures and the app.
        unit: "share", "count", "EUR", "score 0-5", "ties", "0-1".
        key: Shown in the headline report and the app's charts.
        better: +1 if higher is better, -1 if lower is better, 0 if neither.
    """

    name: str
    label: str
    unit: str
    key: bool = False
    better: int = 0

    @property
    def is_share(self) -> bool:
        """True for shares (between 0 and 1)."""
        return self.unit == "share"


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("n_asylum", "Asylum seekers waiting for a decision", "count"),
        Metric("n_awaiting_housing", "Permit holders waiting for a house", "count"),
        Metric("n_housed", "Permit holders housed in a municipality", "count"),
        Metric("n_departed", "Rejected applicants who left", "count"),
        Metric("share_employed", "Employed (any hours)", "share", True, +1),
        Metric("share_fulltime", "Employed full-time (35+ h/week)", "share", True, +1),
        Metric("share_parttime", "Employed part-time (< 35 h/week)", "share", False, 0),
        Metric("share_job_matches_education", "In a job that matches their education", "share", True, +1),
        Metric("share_volunteering", "Volunteering", "share", False, +1),
        Metric("share_on_welfare", "On welfare (bijstand)", "share", True, -1),
        Metric("mean_language_score", "Mean language score (0 = A0 ... 5 = C1)", "score 0-5", False, +1),
        Metric("share_a2_plus", "Dutch at A2 or higher", "share", True, +1),
        Metric("share_b1_plus", "Dutch at B1 or higher", "share", True, +1),
        Metric("share_exam_passed", "Passed the civic-integration exam", "share", True, +1),
        Metric("share_exempted", "Exempted from the exam (effort, literacy or health)", "share", False, 0),
        Metric("share_fined", "Fined at least once", "share", False, -1),
        Metric("mean_debt_eur", "Mean debt from fines and loans", "EUR", True, -1),
        Metric("share_isolated", "Isolated (no active tie with a resident)", "share", True, -1),
        Metric("mean_resident_ties", "Mean active ties with residents", "ties", False, +1),
        Metric("mean_wellbeing", "Mean wellbeing", "0-1", True, +1),
        Metric("public_cost_eur", "Public cost, cumulative", "EUR", True, -1),
        Metric("fiscal_return_eur", "Taxes and premiums from newcomers' earnings, cumulative", "EUR", True, +1),
        Metric("residents_in_course", "Residents in a startpunt course", "count", False, +1),
        Metric("residents_placed", "Residents placed through a startpunt, cumulative", "count", False, +1),
    ]
}

KEY_METRICS: tuple[str, ...] = tuple(name for name, m in METRICS.items() if m.key)

NEWCOMER_TABLE_COLUMNS: tuple[str, ...] = (
    "policy", "seed", "month", "id", "status", "months_in_asylum", "months_since_permit",
    "age", "gender", "education", "literate", "municipality", "language_score", "cefr",
    "employed", "hours_per_week", "job_matches_education", "volunteering", "on_welfare",
    "exam_passed", "fined_count", "debt_eur", "resident_ties", "wellbeing", "has_plan",
    "used_startpunt",
    # beyond the headline outcomes: who they are (the groups of the "for whom" tables) and what
    # validation and the app need
    "exempted", "age_group", "household", "nareiziger", "homemaker",
    "housed", "path", "x", "y", "relocations", "months_in_azc", "months_to_first_job", "course_hours", "kansrijk",
    "care_duties",
)



#: Each metric that is an average over adult permit holders, as a rule for one
#: newcomer, written over the newcomer table's column names. The same rule runs
#: on this month's state arrays (`compute_metrics`) and on the newcomer table
#: (the compare report's "by years since permit"), so the two cannot disagree.
NEWCOMER_MEASURES: dict[str, Callable[[Mapping], object]] = {
    "share_employed": lambda t: t["employed"],
    "share_fulltime": lambda t: t["employed"] & (t["hours_per_week"] >= FULLTIME_HOURS),
    "share_parttime": lambda t: t["employed"] & (t["hours_per_week"] < FULLTIME_HOURS),
    "share_job_matches_education": lambda t: t["employed"] & t["job_matches_education"],
    "share_volunteering": lambda t: t["volunteering"],
    "share_on_welfare": lambda t: t["on_welfare"],
    "mean_language_score": lambda t: t["language_score"],
    "share_a2_plus": lambda t: t["language_score"] >= A2_LEVEL,
    "share_b1_plus": lambda t: t["language_score"] >= B1_LEVEL,
    "share_exam_passed": lambda t: t["exam_passed"],
    "share_exempted": lambda t: t["exempted"],
    "share_fined": lambda t: t["fined_count"] > 0,
    "mean_debt_eur": lambda t: t["debt_eur"],
    "share_isolated": lambda t: t["resident_ties"] == 0,
    "mean_resident_ties": lambda t: t["resident_ties"],
    "mean_wellbeing": lambda t: t["wellbeing"],
}


def compute_metrics(model: IntegrationModel) -> dict[str, float]:
    """All model-level metrics for the current month, in one pass over the state."""
    nc = model.nc
    phase = nc.phase
    age = model.ages()
    permit = ((phase == Phase.AWAITING_HOUSING) | (phase == Phase.HOUSED)) & (age >= ADULT_AGE) & (age < PENSION_AGE)
    ties = model.ties if model.ties.size == nc.n else (nc.tie_strength >= ACTIVE_TIE).sum(axis=1)
    columns = {
        "employed": nc.employed, "hours_per_week": nc.hours_per_week,
        "job_matches_education": nc.job_matches_education, "volunteering": nc.volunteering,
        "on_welfare": nc.on_welfare, "language_score": nc.language_score,
        "exam_passed": nc.exam_passed, "exempted": nc.exempted, "fined_count": nc.fined_count,
        "debt_eur": nc.debt_eur, "resident_ties": ties, "wellbeing": nc.wellbeing,
    }
    n_permit = int(np.count_nonzero(permit))
    by_phase = np.bincount(phase, minlength=len(Phase)) if phase.size else np.zeros(len(Phase), np.int64)
    metrics: dict[str, float] = {
        "n_asylum": int(by_phase[Phase.ASYLUM]),
        "n_awaiting_housing": int(by_phase[Phase.AWAITING_HOUSING]),
        "n_housed": int(by_phase[Phase.HOUSED]),
        "n_departed": int(by_phase[Phase.DEPARTED]),
    }
    if n_permit:  # the same rules on the permit holders' rows only (the same numbers, fewer of them)
        rows = permit.nonzero()[0]
        columns = {name: column[rows] for name, column in columns.items()}
    for name, rule in NEWCOMER_MEASURES.items():
        metrics[name] = mean(rule(columns)) if n_permit else float("nan")
    metrics.update({
        "public_cost_eur": model.costs.public_cost,
        "fiscal_return_eur": model.costs.fiscal_return,
        "residents_in_course": int(np.count_nonzero(model.res.course_months > 0)),
        "residents_placed": int(np.count_nonzero(model.res.placed)),
    })
    return {name: metrics[name] for name in METRICS}


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


#: Columns of the newcomer table that hold names; `newcomer_columns` gives them as codes.
NAMED_COLUMNS: tuple[str, ...] = ("policy", "status", "gender", "education", "municipality", "cefr", "path",
                                   "age_group", "household")

#: Age groups on arrival (the "for whom" tables group by age on arrival, so a person keeps their group).
AGE_GROUPS = ("18-24", "25-34", "35-44", "45+")
AGE_GROUP_STARTS = (18.0, 25.0, 35.0, 45.0)


def age_group_codes(age_at_arrival) -> np.ndarray:
    """Index into `AGE_GROUPS` of each age on arrival."""
    return (np.searchsorted(AGE_GROUP_STARTS, np.asarray(age_at_arrival), side="right") - 1).clip(0).astype(np.int8)


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
        arrays: Column name -> array, for every name in `NEWCOMER_TABLE_COLUMNS`;
            the `NAMED_COLUMNS` hold integer codes into ``names``.
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
        """The newcomer table as a DataFrame (``columns``, default `NEWCOMER_TABLE_COLUMNS`)."""
        columns = list(NEWCOMER_TABLE_COLUMNS) if columns is None else columns
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
    """One row per newcomer who has arrived, as they are this month.

    Columns are `NEWCOMER_TABLE_COLUMNS`; ``months_since_permit`` and
    ``months_to_first_job`` are empty (NaN) where they do not apply.
    """
    return newcomer_columns(model).frame()


def newcomer_columns(model: IntegrationModel) -> NewcomerColumns:
    """The newcomer table as arrays (names as codes), cheap to concatenate over snapshots."""
    nc, month = model.nc, model.month
    n = nc.n
    phase = nc.phase
    permit_month = nc.permit_month.astype(float)
    has_permit = permit_month >= 0
    decision = nc.decision_month
    decided = phase != Phase.ASYLUM
    end_asylum = np.where(decided, np.minimum(decision, month), month)
    left_azc = np.where(phase == Phase.HOUSED, nc.housed_month,
                        np.where(phase == Phase.DEPARTED, nc.departure_month, month))
    first_job = nc.first_job_month.astype(float)
    municipality = nc.municipality
    no_municipality = len(model.municipality_names)  # -1 stands for the empty name after the others
    ties = (nc.tie_strength >= ACTIVE_TIE).sum(axis=1)
    arrays = {
        "policy": np.zeros(n, np.int8),
        "seed": np.full(n, model.seed, np.int64),
        "month": np.full(n, month, np.int64),
        "id": np.arange(n),  # arrival order: the same person under every policy
        "status": phase.copy(),
        "months_in_asylum": (end_asylum - nc.arrival_month).astype(np.int32),
        "months_since_permit": np.where(has_permit, month - permit_month, np.nan),
        "age": np.round(model.ages(), 2),
        "gender": nc.female.view(np.int8),
        "education": nc.education.copy(),
        "literate": nc.literate.copy(),
        "municipality": np.where(municipality >= 0, municipality, no_municipality),
        "language_score": nc.language_score.copy(),
        "cefr": cefr_level(nc.language_score),
        "employed": nc.employed.copy(),
        "hours_per_week": nc.hours_per_week.copy(),
        "job_matches_education": nc.job_matches_education.copy(),
        "volunteering": nc.volunteering.copy(),
        "on_welfare": nc.on_welfare.copy(),
        "exam_passed": nc.exam_passed.copy(),
        "fined_count": nc.fined_count.copy(),
        "debt_eur": nc.debt_eur.copy(),
        "resident_ties": ties.astype(np.int32),
        "wellbeing": nc.wellbeing.copy(),
        "has_plan": nc.plan_end_month >= 0,  # has or had a plan (a plan runs plan_months)
        "used_startpunt": nc.used_startpunt.copy(),
        "exempted": nc.exempted.copy(),
        "age_group": age_group_codes(nc.age_at_arrival),
        "household": nc.household_kind.copy(),
        "nareiziger": nc.nareiziger.copy(),
        "homemaker": nc.homemaker.copy(),
        "housed": phase == Phase.HOUSED,
        "path": path_codes(phase, nc.employed, nc.volunteering | (nc.placement_months > 0),
                           nc.course_kind != NO_COURSE),
        "x": nc.x.copy(),
        "y": nc.y.copy(),
        "relocations": nc.relocations.copy(),
        "months_in_azc": (left_azc - nc.arrival_month).astype(np.int32),
        "months_to_first_job": np.where(has_permit & (first_job >= 0), first_job - permit_month, np.nan),
        "course_hours": nc.course_hours.copy(),
        "kansrijk": nc.kansrijk.copy(),
        "care_duties": nc.care_duties.copy(),
    }
    names = {"policy": (model.policy,), "status": tuple(STATUS_NAMES), "gender": ("male", "female"),
             "education": EDUCATION_NAMES, "municipality": (*model.municipality_names, ""),
             "cefr": CEFR_NAMES, "path": PATHS, "age_group": AGE_GROUPS, "household": HOUSEHOLD_KINDS}
    return NewcomerColumns(arrays, names)
