"""Agent state, held column-wise so that a month of every newcomer is a few numpy operations.

This is the one source of truth for agent state. The agent objects in
``agents/`` read and write these columns through properties (``newcomer.language_score``
is ``state.language_score[newcomer.index]``), so Mesa's views (``AgentSet``, the grid,
the app) and the vectorised submodels always see the same numbers.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from model.metric import Metric
from model.state import StateColumn, newcomer_columns

MAX_TIES = 8  # tie slots per newcomer; the weakest is replaced when a new tie forms
JOB_LEVELS = 3  # skill levels of jobs: low, middle, high


class Phase(IntEnum):
    """Where a newcomer is on the path; everyone who arrived is in exactly one."""

    ASYLUM = 0
    AWAITING_HOUSING = 1  # permit granted, still in the reception centre
    HOUSED = 2  # permit, living in a municipality
    DEPARTED = 3  # rejected and left


class Education(IntEnum):
    """Highest completed education."""

    NONE = 0
    LOW = 1
    MIDDLE = 2
    HIGH = 3


EDUCATION_NAMES = ("none", "low", "middle", "high")  # names used in the tables
CEFR_NAMES = ("A0", "A1", "A2", "B1", "B2", "C1")  # level k is score in [k, k+1)
A2_LEVEL = 2.0  # language score at which A2 begins (the 2013 exam level)
B1_LEVEL = 3.0  # language score at which B1 begins (the 2022 exam level)
ADULT_AGE = 18  # outcomes count adults from this age (CBS labour statistics)
PENSION_AGE = 65  # no paid work, job search or bijstand duties from this age (assumption: near the AOW age)
FULLTIME_HOURS = 35.0  # CBS definition: full-time is this many hours a week or more, part-time less
FULL_WEEK_HOURS = 38.0  # a standard working week: hours / this is the share of a week spent at work
# Course kinds (what a newcomer is enrolled in, if anything)
NO_COURSE, AZC_COURSE, MARKET_COURSE, SUPERVISED_COURSE = 0, 1, 2, 3

#: The newcomers in each phase (see `model.metric`).
OUTCOMES = (
    Metric("n_asylum", "Asylum seekers waiting for a decision", "count", phase=Phase.ASYLUM),
    Metric("n_awaiting_housing", "Permit holders waiting for a house", "count", phase=Phase.AWAITING_HOUSING),
    Metric("n_housed", "Permit holders housed in a municipality", "count", phase=Phase.HOUSED),
    Metric("n_departed", "Rejected applicants who left", "count", phase=Phase.DEPARTED),
)


class NewcomerState:
    """Columns of newcomer state that grow as newcomers arrive.

    Each mechanism module declares the columns it owns (its ``NEWCOMER_STATE``,
    gathered by `model.state.newcomer_columns`). Every column is an attribute holding the rows of the
    newcomers who have arrived, and nothing else: ``nc.wellbeing.mean()`` is
    the mean over newcomers. Room for later arrivals is kept out of sight and
    the attributes are re-pointed when newcomers arrive (`add`), so do not keep
    a column across months: read ``nc.x`` when you need it.

    Attributes:
        n: Number of newcomers who have arrived (rows in use).
        tie_resident: Resident index per tie slot, -1 for an empty slot, shape (n, MAX_TIES).
        tie_strength: Strength 0-1 per tie slot, shape (n, MAX_TIES).
        (and one attribute per column of `model.state.newcomer_columns`)
    """

    def __init__(self, capacity: int):
        self.n = 0
        self._full: dict[str, np.ndarray] = {}
        self._grow(max(capacity, 16))

    def _grow(self, capacity: int) -> None:
        full = {name: column.allocate(capacity) for name, column in newcomer_columns().items()}
        for name, old in self._full.items():
            full[name][: self.n] = old[: self.n]
        self._full = full
        self._show_rows_in_use()

    def _show_rows_in_use(self) -> None:
        for name, column in self._full.items():
            setattr(self, name, column[: self.n])

    @property
    def capacity(self) -> int:
        """Rows allocated (in use and spare)."""
        return len(self._full["uid"])

    def add(self, k: int) -> slice:
        """Make room for ``k`` new arrivals; returns the slice of their rows."""
        if self.n + k > self.capacity:
            self._grow(max(2 * self.capacity, self.n + k))
        rows = slice(self.n, self.n + k)
        self.n += k
        self._show_rows_in_use()
        return rows


#: Resident columns (see model.state). Residents are placed by the model, visit startpunten
#: (model.startpunten) and meet newcomers (model.contacts).
RESIDENT_COLUMNS = {
    "x": StateColumn(np.int32, 0, "grid column where they live", "cell"),
    "y": StateColumn(np.int32, 0, "grid row where they live", "cell"),
    "municipality": StateColumn(np.int32, 0, "municipality they live in", "row"),
    "openness": StateColumn(np.float64, 0.0, "how readily a meeting with a newcomer becomes a tie", "0-1"),
    "literate": StateColumn(np.bool_, True, "can read and write well", "true/false"),
    "employed": StateColumn(np.bool_, True, "has a job", "true/false"),
    "seeking_work": StateColumn(np.bool_, False, "unemployed and looking for work", "true/false"),
    "startpunt": StateColumn(np.int32, -1, "nearest startpunt in their municipality (-1: none)", "row"),
    "startpunt_distance": StateColumn(np.float64, np.inf, "distance to that startpunt", "cells"),
    "visit_chance": StateColumn(np.float64, 0.0, "monthly chance to visit that startpunt", "probability"),
    "course_months": StateColumn(np.int32, 0, "months left of a startpunt course", "months"),
    "ever_in_course": StateColumn(np.bool_, False, "has taken a startpunt course", "true/false"),
    "placed": StateColumn(np.bool_, False, "found a placement or job through a startpunt", "true/false"),
    "visiting": StateColumn(np.bool_, False, "at a startpunt this month", "true/false"),
}

#: Employer columns (see model.state), set and changed by model.labour. Jobs come in three
#: skill levels: low, middle, high.
EMPLOYER_COLUMNS = {
    "x": StateColumn(np.int32, 0, "grid column of the workplace", "cell"),
    "y": StateColumn(np.int32, 0, "grid row of the workplace", "cell"),
    "municipality": StateColumn(np.int32, 0, "municipality of the workplace", "row"),
    "jobs": StateColumn(np.int32, 0, "jobs a newcomer could hold, by level", "jobs", width=JOB_LEVELS),
    "vacancies": StateColumn(np.int32, 0, "open jobs, by level", "jobs", width=JOB_LEVELS),
    "language_requirement": StateColumn(np.float64, 0.0, "language score needed, by level", "score 0-6",
                                        width=JOB_LEVELS),
    "willingness": StateColumn(np.float64, 0.0, "willingness to hire a newcomer", "0-1"),
    "placement_slots": StateColumn(np.int32, 0, "work placements it offers", "placements"),
    "placements_used": StateColumn(np.int32, 0, "placements taken", "placements"),
    "hires": StateColumn(np.int32, 0, "newcomers hired so far", "hires"),
}


class FixedState:
    """Columns of agents whose number is fixed when the model is built: one attribute per column."""

    def __init__(self, n: int, columns: dict[str, StateColumn]):
        self.n = n
        for name, column in columns.items():
            setattr(self, name, column.allocate(n))


class ResidentState(FixedState):
    """Columns of resident state (`RESIDENT_COLUMNS`)."""

    def __init__(self, n: int):
        super().__init__(n, RESIDENT_COLUMNS)


class EmployerState(FixedState):
    """Columns of employer state (`EMPLOYER_COLUMNS`)."""

    def __init__(self, n: int):
        super().__init__(n, EMPLOYER_COLUMNS)
