"""What a stress test runs: its settings (`make_stress_settings`) and its runs (`run_stress`).

Each policy runs under a steady inflow and under a stressed one (a ``surge`` or
the real Dutch ``series``) with the same seeds; a run sends back small tables:
the queues, each working-age newcomer's outcomes 1, 3 and 5 years after the
permit, the waits and the public cost (`StressRun`). `experiments.stress_report`
summarises them; `experiments.stress` is the command.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments import for_whom as G
from experiments.errors import UsageError
from experiments.executors import run_in_order
from experiments.inputs import REFERENCE, check_reference, policies_to_compare
from experiments.runner import build_model, run_model
from model import POLICIES, IntegrationModel
from model.contacts import active_ties
from model.inflow import STEADY_PERSONS_PER_YEAR, SeriesError, read_series, surge_outside_horizon
from model.outcomes import GROUPINGS, newcomer_columns
from model.policies import unknown_policy_message
from model.population import A2_LEVEL, ADULT_AGE, PENSION_AGE, Phase

INFLOWS = ("surge", "series")
STEADY, STRESSED = "steady", "stressed"
STRESS_AGENTS_PER_YEAR = 500  # newcomer agents a year in a stress test
#: The world of a stress test: 500 agents a year standing for `STEADY_PERSONS_PER_YEAR` (50 persons
#: each), a little below the Dutch asylum requests of 2016-2019 (about 30,000 a year with follow-up
#: requests, model/data/README.md), so that the steady inflow fits the default capacities.
STRESS_WORLD = {"n_newcomers": STRESS_AGENTS_PER_YEAR, "arrival_months": 12,
                "persons_per_newcomer": STEADY_PERSONS_PER_YEAR / STRESS_AGENTS_PER_YEAR}
CHECK_MONTHS = (36, 60)  # months since the permit at which outcomes are read (3 and 5 years)
FIRST_YEAR = 12  # months since the permit at which the start is read (course hours, housed)
COHORT_MONTHS = 12  # width of the before- and after-peak cohorts
COHORTS = ("before", "during", "after")
MONTHS_PER_YEAR = 12
WORKING_AGE = (ADULT_AGE, PENSION_AGE)  # outcomes count adults of working age (model.population)


@dataclass(frozen=True)
class StressSettings:
    """What a stress test runs.

    Attributes:
        policies: Policy names (the reference first).
        seeds: Seeds, the same under every policy and inflow.
        months: Horizon.
        inflow: "surge" or "series".
        params: Parameters of every run (the stress world and ``--set``).
        peak: First and last month of the peak.
        by: Groupings of the for-whom table (``--by``): tuples of `GROUPINGS` names.
        reference: The policy effects are measured against (``--reference``, first in ``policies``).
    """

    policies: tuple[str, ...]
    seeds: tuple[int, ...]
    months: int
    inflow: str
    params: dict = field(default_factory=dict)
    peak: tuple[int, int] = (0, 0)
    by: tuple[tuple[str, ...], ...] = ()
    reference: str = REFERENCE

    @property
    def group_columns(self) -> tuple[str, ...]:
        """The newcomer-table columns the groupings read."""
        return tuple(dict.fromkeys(GROUPINGS[name].column for grouping in self.by for name in grouping))

    def run_params(self, scenario: str) -> dict:
        """Parameters of a run under the steady or the stressed inflow."""
        pattern = "continuous" if scenario == STEADY else self.inflow
        return {**self.params, "arrival_pattern": pattern}


def series_peak(monthly: np.ndarray, months: int) -> tuple[int, int]:
    """The 12 months with most arrivals whose cohort can be followed 5 years after a permit."""
    last_start = max(1, min(len(monthly), months - CHECK_MONTHS[-1] - MONTHS_PER_YEAR) - COHORT_MONTHS + 1)
    sums = [monthly[s - 1: s - 1 + COHORT_MONTHS].sum() for s in range(1, last_start + 1)]
    start = int(np.argmax(sums)) + 1
    return start, start + COHORT_MONTHS - 1


def make_stress_settings(policies: list[str] | None, seeds: int, years: float, inflow: str,
                         overrides: dict, by=None, reference: str | None = None) -> StressSettings:
    """Check the request and fix what runs.

    ``by``: groupings for the for-whom table, as `experiments.for_whom.parse_groupings` reads them.
    ``reference``: the policy effects are measured against (default ``baseline_2013``), always run.

    Raises:
        UsageError: For an unknown policy or grouping, a bad inflow, a series file
            that cannot be used, or a surge outside the horizon.
    """
    reference = check_reference(reference) or REFERENCE
    chosen, _ = policies_to_compare(policies, reference)
    for name in chosen or ():
        if name not in POLICIES:
            raise UsageError(unknown_policy_message(name))
    chosen = [reference, *(p for p in chosen or POLICIES if p != reference)]
    if inflow not in INFLOWS:
        raise UsageError(f"--inflow {inflow!r} is not allowed: expected {' | '.join(INFLOWS)}")
    try:
        by = G.parse_groupings(by)
    except ValueError as err:
        raise UsageError(str(err)) from None
    months = int(round(MONTHS_PER_YEAR * years))
    params = {**STRESS_WORLD, **{k: v for k, v in overrides.items() if k != "arrival_pattern"}}
    check = build_model(params=params)  # parameters that clash fail now
    if inflow == "surge":
        problem = surge_outside_horizon({**params, "arrival_pattern": "surge"}, months)
        if problem:
            raise UsageError(f"{problem} (--years {years:g})")
        peak = (check.surge_start_month, check.surge_start_month + check.surge_months - 1)
    else:
        try:
            _, persons = read_series(check.arrival_series)
        except SeriesError as err:
            raise UsageError(str(err)) from None
        if persons.size == 0:
            raise UsageError(f"arrival_series {check.arrival_series!r} has no months")
        agents = persons[:months] / check.persons_per_newcomer
        params.update(n_newcomers=max(1, int(round(agents.mean() * MONTHS_PER_YEAR))),
                      arrival_months=MONTHS_PER_YEAR)  # the steady twin: the series' mean level
        peak = series_peak(agents, months)
    return StressSettings(tuple(chosen), tuple(range(seeds)), months, inflow, params, peak, by, reference)


@dataclass
class StressRun:
    """What one run sends back (small tables)."""

    policy: str
    scenario: str
    seed: int
    queues: pd.DataFrame
    outcomes: pd.DataFrame  # one row per adult newcomer and check month: arrival, outcomes (and groups with --by)
    waits: pd.DataFrame  # one row per permit holder: arrival, months waiting for decision and house
    public_cost_eur: float
    persons_arrived: float
    seconds: float


def run_stress_one(settings: StressSettings, policy: str, scenario: str, seed: int) -> StressRun:
    """One run, stepped month by month, reading each newcomer's outcomes 3 and 5 years after the permit."""
    started = time.perf_counter()
    checks = []
    model = run_model(policy, seed, settings.months, settings.run_params(scenario), range(1, settings.months + 1),
                      lambda m: checks.append(_outcomes_due(m, settings.group_columns)))
    nc = model.nc
    permit = nc.permit_month >= 0
    housed = nc.phase == Phase.HOUSED
    waits = pd.DataFrame({
        "arrival_month": nc.arrival_month[permit],
        "decision_wait": (nc.decision_month - nc.arrival_month)[permit],
        "house_wait": np.where(housed, nc.housed_month - nc.permit_month, np.nan)[permit],
    })
    return StressRun(policy, scenario, seed, model.queue_table(), pd.concat(checks, ignore_index=True), waits,
                     float(model.costs.public_cost) * model.persons_per_newcomer,
                     float(nc.n) * model.persons_per_newcomer, time.perf_counter() - started)


def _outcomes_due(model: IntegrationModel, group_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Outcomes of the working-age newcomers whose permit is exactly 12, 36 or 60 months old this month,
    and the newcomer-table columns ``group_columns`` (who they are, for the for-whom table)."""
    nc = model.nc
    since = model.month - nc.permit_month
    age = model.ages()
    due = (nc.permit_month >= 0) & np.isin(since, (FIRST_YEAR, *CHECK_MONTHS)) & (age >= WORKING_AGE[0]) & (age < WORKING_AGE[1])
    rows = np.flatnonzero(due)
    ties = active_ties(model, rows)
    outcomes = pd.DataFrame({
        "arrival_month": nc.arrival_month[rows], "months_since_permit": since[rows],
        "employed": nc.employed[rows], "a2_plus": nc.language_score[rows] >= A2_LEVEL,
        "on_welfare": nc.on_welfare[rows], "isolated": ties == 0, "wellbeing": nc.wellbeing[rows],
        "course_hours": nc.course_hours[rows], "housed": nc.phase[rows] == Phase.HOUSED,
    })
    if group_columns:
        columns = newcomer_columns(model)
        for name in group_columns:
            outcomes[name] = columns.named(name)[rows] if name in columns.names else columns.arrays[name][rows]
    return outcomes


def run_stress(settings: StressSettings, backend, progress: bool = True) -> list[StressRun]:
    """Every (policy, inflow, seed) on ``backend``, in that order."""
    jobs = [(settings, p, sc, s) for p in settings.policies for sc in (STEADY, STRESSED) for s in settings.seeds]
    return run_in_order(backend, run_stress_one, jobs, "stress", progress=progress)
