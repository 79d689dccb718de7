"""Agent state, held column-wise so that a month of every newcomer is a few numpy operations.

This is the one source of truth for agent state. The agent objects in
``agents/`` read and write these columns through properties (``newcomer.language``
is ``state.language[newcomer.index]``), so Mesa's views (``AgentSet``, the grid,
the app) and the vectorised submodels always see the same numbers.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

MAX_TIES = 8  # tie slots per newcomer; the weakest is replaced when a new tie forms


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

# name -> (dtype, fill value). Every newcomer column lives here and nowhere else.
NEWCOMER_COLUMNS: dict[str, tuple[type, object]] = {
    "uid": (np.int64, -1),
    "phase": (np.int8, Phase.ASYLUM),
    "arrival_month": (np.int32, 0),
    "decision_month": (np.int32, -1),
    "permit_month": (np.int32, -1),
    "housed_month": (np.int32, -1),
    "departure_month": (np.int32, -1),
    "partner": (np.int64, -1),  # row of the partner who arrived with them, -1 if single
    "age_at_arrival": (np.float64, 30.0),
    "female": (np.bool_, False),
    "education": (np.int8, 0),
    "literate": (np.bool_, True),
    "care_duties": (np.bool_, False),
    "trauma": (np.bool_, False),
    "kansrijk": (np.bool_, False),
    "will_be_recognised": (np.bool_, True),
    "cooperative": (np.bool_, True),
    "in_labour_force": (np.bool_, True),  # would work if they could (see share_outside_labour_force)
    "diploma_recognised": (np.bool_, False),
    "x": (np.int32, 0),
    "y": (np.int32, 0),
    "azc": (np.int32, -1),
    "municipality": (np.int32, -1),
    "relocations": (np.int32, 0),
    # language
    "language": (np.float64, 0.0),
    "course_kind": (np.int8, NO_COURSE),
    "course_quality": (np.float64, 0.0),
    "course_start_month": (np.int32, -1),  # month a pending course starts (-1: none pending)
    "course_hours": (np.float64, 0.0),  # cumulative course hours attended
    "supervised_months": (np.int32, 0),  # months of publicly paid, supervised courses so far
    "loan_hours": (np.float64, 0.0),  # market-course hours bought with the DUO loan (never reset)
    "loan_eur": (np.float64, 0.0),  # loan outstanding: forgiven if passed on time, else repayable
    "extra_hours_offered": (np.float64, 0.0),  # built-in experiment: see parameter extra_course_hours
    "extra_hours_left": (np.float64, 0.0),
    "literacy_progress": (np.float64, 0.0),
    "followup_months": (np.int32, 0),  # months left of an incentive follow-up course
    # work
    "employed": (np.bool_, False),
    "hours": (np.float64, 0.0),
    "job_level": (np.int8, -1),
    "employer": (np.int32, -1),
    "job_matches": (np.bool_, False),
    "job_start_month": (np.int32, -1),
    "first_job_month": (np.int32, -1),
    "months_worked": (np.int32, 0),  # work experience in the Netherlands
    "placement_months": (np.int32, 0),
    "placement_employer": (np.int32, -1),
    "skills_course": (np.bool_, False),  # took a track-1 professional-skills course
    "idle_scar": (np.float64, 0.0),  # months of idleness not yet made good (see model.scarring)
    "volunteering": (np.bool_, False),
    "studying_months": (np.int32, 0),  # months left in regular education (student finance)
    # exam and sanctions
    "exam_passed": (np.bool_, False),
    "exam_pass_month": (np.int32, -1),
    "exam_deadline": (np.int32, -1),
    "fined_count": (np.int32, 0),
    "debt": (np.float64, 0.0),
    "on_welfare": (np.bool_, False),
    "benefit_cut_months": (np.int32, 0),
    "absent_months": (np.int32, 0),
    # contacts, wellbeing, plans
    "wellbeing": (np.float64, 0.6),
    "has_plan": (np.bool_, False),  # a personal plan is running now
    "plan_end_month": (np.int32, -1),  # month the plan ends (-1: never had one)
    "used_startpunt": (np.bool_, False),
    "visited_startpunt": (np.bool_, False),  # this month
}


class NewcomerState:
    """Columns of newcomer state that grow as newcomers arrive.

    Every column in `NEWCOMER_COLUMNS` is an attribute holding the rows of the
    newcomers who have arrived, and nothing else: ``nc.wellbeing.mean()`` is
    the mean over newcomers. Room for later arrivals is kept out of sight and
    the attributes are re-pointed when newcomers arrive (`add`), so do not keep
    a column across months: read ``nc.x`` when you need it.

    Attributes:
        n: Number of newcomers who have arrived (rows in use).
        tie_resident: Resident index per tie slot, -1 for an empty slot, shape (n, MAX_TIES).
        tie_strength: Strength 0-1 per tie slot, shape (n, MAX_TIES).
    """

    def __init__(self, capacity: int):
        self.n = 0
        self._full: dict[str, np.ndarray] = {}
        self._grow(max(capacity, 16))

    def _grow(self, capacity: int) -> None:
        full = {name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in NEWCOMER_COLUMNS.items()}
        full["tie_resident"] = np.full((capacity, MAX_TIES), -1, dtype=np.int64)
        full["tie_strength"] = np.zeros((capacity, MAX_TIES))
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


class ResidentState:
    """Columns of resident state (fixed in number)."""

    def __init__(self, n: int):
        self.n = n
        self.x = np.zeros(n, np.int32)
        self.y = np.zeros(n, np.int32)
        self.municipality = np.zeros(n, np.int32)
        self.openness = np.zeros(n)
        self.literate = np.ones(n, bool)
        self.employed = np.ones(n, bool)
        self.seeking_work = np.zeros(n, bool)
        self.startpunt = np.full(n, -1, np.int32)  # nearest startpunt in own municipality
        self.startpunt_distance = np.full(n, np.inf)
        self.visit_chance = np.zeros(n)  # monthly chance to visit that startpunt
        self.course_months = np.zeros(n, np.int32)  # months left of a startpunt course
        self.ever_in_course = np.zeros(n, bool)
        self.placed = np.zeros(n, bool)  # found a placement/job through a startpunt
        self.visiting = np.zeros(n, bool)  # at a startpunt this month


class EmployerState:
    """Columns of employer state. Jobs come in three skill levels: low, middle, high."""

    def __init__(self, n: int):
        self.n = n
        self.x = np.zeros(n, np.int32)
        self.y = np.zeros(n, np.int32)
        self.municipality = np.zeros(n, np.int32)
        self.jobs = np.zeros((n, 3), np.int32)  # jobs a newcomer could hold, by level
        self.vacancies = np.zeros((n, 3), np.int32)
        self.language_requirement = np.zeros((n, 3))  # score needed, by level
        self.willingness = np.zeros(n)
        self.placement_slots = np.zeros(n, np.int32)
        self.placements_used = np.zeros(n, np.int32)
        self.hires = np.zeros(n, np.int32)
