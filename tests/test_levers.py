"""Every policy lever moves its own first outcome, in the stated direction, by more than the seed noise.

One entry per lever of `model.parameters` (``lever=True``): the value that
switches it on, the outcome it acts on first, and the direction. Each runs the
same seeds with and without the lever (common random numbers) and asks that the
paired difference lies in the stated direction by more than four standard
errors. A lever added to the parameter spec without an entry here fails
`test_every_lever_has_a_test`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pytest

from model import IntegrationModel, households, labour
from model.parameters import DEFAULTS, LEVERS
from model.population import NO_COURSE, SUPERVISED_COURSE, Phase

SIZE = {"n_newcomers": 400, "n_residents": 4000, "n_employers": 80, "grid_width": 64, "grid_height": 64}
SEEDS = range(4)
MARGIN_SE = 4.0  # the paired mean must clear zero by this many standard errors


def _permit(m) -> np.ndarray:
    nc = m.nc
    return ((nc.phase == Phase.AWAITING_HOUSING) | (nc.phase == Phase.HOUSED)) & (m.ages() < 65)


def _share(mask: np.ndarray, among: np.ndarray) -> float:
    return float(mask[among].mean()) if among.any() else 0.0


# --- the first outcome of each lever, as a function of a model after a month ------------

def asylum_language(m) -> float:
    """Mean language score of asylum seekers (lessons in the azc are the lever's first effect)."""
    return float(m.nc.language_score[m.nc.phase == Phase.ASYLUM].mean())


def volunteering_in_reception(m) -> float:
    """Share of reception residents who volunteer."""
    return _share(m.nc.volunteering, m.nc.phase <= Phase.AWAITING_HOUSING)


def worked_in_asylum(m) -> float:
    """Share of newcomers who have held a job before any decision on their application."""
    nc = m.nc
    first = nc.first_job_month
    return float(((first >= 0) & ((first < nc.permit_month) | (nc.permit_month < 0))).mean())


def asylum_search_effort(m) -> float:
    """How hard asylum seekers who may work look for it (what they keep of their pay is why they would)."""
    nc = m.nc
    looking = np.flatnonzero(labour.may_work(m) & (nc.phase == Phase.ASYLUM) & ~nc.employed)
    return float(labour.search_effort(m, looking).mean()) if looking.size else 0.0


def permit_holders_in_a_course_before_a_house(m) -> float:
    """Share of permit holders still waiting for a house who are in a course."""
    return _share(m.nc.course_kind != NO_COURSE, m.nc.phase == Phase.AWAITING_HOUSING)


def housed_in_a_supervised_course(m) -> float:
    """Share of housed permit holders in a course the municipality supervises."""
    return _share(m.nc.course_kind == SUPERVISED_COURSE, m.nc.phase == Phase.HOUSED)


def used_a_startpunt(m) -> float:
    """Share of newcomers who have visited a startpunt."""
    return float(m.nc.used_startpunt.mean())


def debt(m) -> float:
    """Mean debt of permit holders."""
    return float(m.nc.debt_eur[_permit(m)].mean())


def course_hours(m) -> float:
    """Mean course hours attended by permit holders."""
    return float(m.nc.course_hours[_permit(m)].mean())


def benefit_cut(m) -> float:
    """Share of permit holders whose benefit is cut."""
    return _share(m.nc.benefit_cut_months > 0, _permit(m))


def reached_a_deadline(m) -> float:
    """Share of permit holders whose exam term has ended at least once (extended or fined)."""
    nc = m.nc
    exempted_for_effort = nc.exempted & nc.in_labour_force  # (a health exemption is not at a deadline)
    return _share((nc.exam_extensions > 0) | (nc.fined_count > 0) | exempted_for_effort, _permit(m))


def exam_passed(m) -> float:
    """Share of permit holders who passed the exam."""
    return _share(m.nc.exam_passed, _permit(m))


def carers_with_childcare(m) -> float:
    """Share of parents of a child under school age who have childcare."""
    young = households.young_child(m, np.arange(m.nc.n)) & (m.nc.phase != Phase.DEPARTED)
    return _share(m.nc.has_childcare, young)


def care_duties(m) -> float:
    """Share of parents of a child under school age who have care duties (no childcare)."""
    young = households.young_child(m, np.arange(m.nc.n)) & (m.nc.phase != Phase.DEPARTED)
    return _share(m.nc.care_duties, young)


def exempted(m) -> float:
    """Share of permit holders exempted from the exam."""
    return _share(m.nc.exempted, _permit(m))


def employment(m) -> float:
    """Share of permit holders with a job."""
    return _share(m.nc.employed, _permit(m))


@dataclass(frozen=True)
class LeverTest:
    """How to see a lever work: the value that switches it on, its first outcome, the direction.

    ``months`` are the months whose outcome is averaged (a window, for outcomes
    that are rare in any one month); ``context`` sets other parameters in both
    runs so that the lever has something to act on; ``size`` is the world
    (``{}``: the default world, for outcomes that are rare).
    """

    value: object
    outcome: Callable
    direction: int
    months: range
    context: dict = field(default_factory=dict)
    size: dict = field(default_factory=lambda: dict(SIZE))


LEVER_TESTS: dict[str, LeverTest] = {
    "language_from_arrival": LeverTest(True, asylum_language, +1, range(6, 11)),
    "azc_activities": LeverTest(True, volunteering_in_reception, +1, range(3, 13)),
    # Few asylum seekers worked (study kader 3.9): the default world, and the whole wait.
    "work_access_month": LeverTest(0, worked_in_asylum, +1, range(12, 19), size={}),
    "asylum_earnings_kept": LeverTest(1.0, asylum_search_effort, +1, range(7, 13)),
    "personal_plan": LeverTest(True, permit_holders_in_a_course_before_a_house, +1, range(8, 19)),
    "plan_gender_attention": LeverTest(True, carers_with_childcare, +1, range(12, 31),
                                       context={"personal_plan": True}),
    "municipal_direction": LeverTest(True, housed_in_a_supervised_course, +1, range(10, 25)),
    "startpunten_per_municipality": LeverTest(2, used_a_startpunt, +1, range(20, 25)),
    "childcare_access": LeverTest(1.0, care_duties, -1, range(12, 31), context={"childcare_access": 0.0}),
    "fine_eur": LeverTest(DEFAULTS["fine_eur"], debt, +1, range(30, 37),
                          context={"fine_eur": 0.0, "exam_deadline_months": 6}),
    "positive_incentives": LeverTest(True, course_hours, +1, range(30, 37)),
    "benefit_sanction": LeverTest(True, benefit_cut, +1, range(18, 49)),
    "exam_deadline_months": LeverTest(60, reached_a_deadline, -1, range(60, 67)),
    "exam_level": LeverTest("B1", exam_passed, -1, range(42, 49)),
    "exam_rules": LeverTest("2021", exempted, -1, range(66, 73)),
    # A stronger response in both runs, so that the effect (not its size, calibrated elsewhere) clears the noise.
    "employer_subsidy": LeverTest(1.0, employment, +1, range(24, 49), context={"subsidy_response": 1.0}),
}


def test_every_lever_has_a_test():
    assert set(LEVER_TESTS) == set(LEVERS), set(LEVERS) ^ set(LEVER_TESTS)


@cache
def _outcome(lever: str, switched_on: bool, seed: int) -> float:
    spec = LEVER_TESTS[lever]
    params = {**spec.size, **spec.context}
    if switched_on:
        params[lever] = spec.value
    m = IntegrationModel(rng=seed, **params)
    values = []
    for month in range(1, spec.months.stop):
        m.step()
        if month in spec.months:
            values.append(spec.outcome(m))
    return float(np.mean(values))


@pytest.mark.parametrize("lever", sorted(LEVER_TESTS))
def test_switching_a_lever_on_moves_its_first_outcome(lever):
    spec = LEVER_TESTS[lever]
    assert spec.value != {**DEFAULTS, **spec.context}[lever], "the test must switch the lever"
    diff = np.array([_outcome(lever, True, s) - _outcome(lever, False, s) for s in SEEDS]) * spec.direction
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    assert diff.mean() > MARGIN_SE * se and diff.mean() > 0, (lever, diff)
