"""The personal plan: caseworkers' capacity and the waiting list, diploma recognition (one month, by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from model import IntegrationModel, plans
from model.population import Education, Phase

CASELOAD = 5  # plans the caseworkers can run at a time, in agents (1 caseworker x 5, one person per agent)


@pytest.fixture
def m(small) -> IntegrationModel:
    """A model with personal plans and room for `CASELOAD` of them; nobody in a plan or waiting yet."""
    model = IntegrationModel(rng=31, personal_plan=True, plan_caseworkers=1.0, plan_caseload=float(CASELOAD),
                             persons_per_newcomer=1.0, **small)
    model.run_for(3)
    nc = model.nc
    assert nc.n >= 20  # rows to set by hand
    nc.in_plan[:] = False
    nc.plan_waiting[:] = False
    nc.partner[:] = -1
    nc.permit_month[:20] = np.arange(20)  # row i has waited since month i
    return model


def test_a_single_new_permit_holder_gets_a_plan_that_ends_after_its_term(m):
    plans.start_plans(m, np.array([7]))
    nc = m.nc
    assert nc.in_plan[7] and not nc.plan_waiting[7]
    assert nc.plan_end_month[7] == m.month + m.plan_months
    assert nc.course_start_month[7] == m.month + 1 and nc.course_arranged[7]


def test_plans_running_take_the_caseworkers_places_and_the_new_permit_holders_wait(m):
    nc = m.nc
    nc.in_plan[10:10 + CASELOAD] = True  # the caseworkers are full
    plans.start_plans(m, np.array([1, 2, 3]))
    assert not nc.in_plan[[1, 2, 3]].any() and nc.plan_waiting[[1, 2, 3]].all()


def test_when_places_run_out_the_longest_waiting_for_a_plan_go_first(m):
    nc = m.nc
    nc.in_plan[10:10 + CASELOAD - 2] = True  # two places left
    plans.start_plans(m, np.array([6, 2, 9, 4]))
    assert list(np.flatnonzero(nc.in_plan[:10])) == [2, 4]  # the earliest permits
    assert list(np.flatnonzero(nc.plan_waiting)) == [6, 9]


def test_the_waiting_list_gets_its_plans_when_places_free_up(m):
    nc = m.nc
    nc.in_plan[10:10 + CASELOAD] = True
    plans.start_plans(m, np.array([1, 2]))
    assert nc.plan_waiting[[1, 2]].all()
    nc.in_plan[10:12] = False  # two plans ended
    plans.start_plans(m, np.array([], dtype=np.int64))  # no new permits this month
    assert nc.in_plan[[1, 2]].all() and not nc.plan_waiting.any()


def test_a_plan_has_the_diplomas_of_the_highly_educated_recognised_after_some_months(m):
    nc = m.nc
    who = np.arange(6)
    nc.phase[who] = Phase.HOUSED
    nc.in_plan[who] = True
    nc.plan_end_month[who] = m.month + 12
    nc.education[who] = Education.HIGH
    nc.education[5] = Education.MIDDLE
    nc.diploma_recognised[who] = False
    nc.permit_month[who] = m.month - plans.RECOGNITION_MONTHS
    nc.permit_month[4] = m.month - plans.RECOGNITION_MONTHS + 1  # not yet
    m.recognition_with_help = 1.0
    plans.follow_plans(m)
    assert list(np.flatnonzero(nc.diploma_recognised[who])) == [0, 1, 2, 3]
