"""Exam and sanctions: fines become debt and hurt, loans are forgiven only on time, cuts only for proof."""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, exam, wellbeing
from model.population import MARKET_COURSE, Phase


def _permit_holders(model):
    return np.flatnonzero(model.nc.phase == Phase.HOUSED)


def test_fines_raise_debt_and_lower_wellbeing(small):
    m = IntegrationModel(rng=1, **small)
    m.run_for(40)
    who = _permit_holders(m)[:20]
    nc = m.nc
    nc.exam_passed[who] = False
    nc.course_hours[who] = 0.0  # no demonstrable effort
    nc.exam_deadline_month[who] = m.month
    debt = nc.debt_eur[who].copy()
    fined = exam.face_deadlines(m)
    assert set(who) <= set(fined)
    assert (nc.debt_eur[who] >= debt + m.fine_eur).all()
    assert (nc.fined_count[who] >= 1).all()
    wb = nc.wellbeing.copy()
    wellbeing.feel(m, np.zeros(0, int), fined, np.zeros(nc.n, bool))
    assert (nc.wellbeing[who] < wb[who] + wellbeing.ADJUSTMENT).all()
    assert wellbeing.wellbeing_target(False, False, False, 5000, False, False, False, False, False) < \
        wellbeing.wellbeing_target(False, False, False, 0, False, False, False, False, False)


def test_demonstrable_effort_earns_a_new_term_without_a_fine(small):
    m = IntegrationModel(rng=2, **small)
    m.run_for(40)
    who = _permit_holders(m)[:10]
    m.nc.exam_passed[who] = False
    m.nc.course_hours[who] = exam.EFFORT_HOURS
    m.nc.exam_deadline_month[who] = m.month
    debt = m.nc.debt_eur[who].copy()
    assert exam.face_deadlines(m).size == 0
    assert (m.nc.debt_eur[who] == debt).all()
    assert (m.nc.exam_deadline_month[who] == m.month + exam.NEW_TERM_MONTHS).all()


def test_no_fine_without_a_fine_lever(small):
    m = IntegrationModel(policy="reduced_fines", rng=3, **small)
    m.run_for(120)
    assert m.nc.fined_count.max() == 0
    assert m.nc.debt_eur.max() == 0


def test_the_loan_is_forgiven_only_when_passed_on_time(small):
    m = IntegrationModel(rng=4, **small)
    m.run_for(30)
    who = _permit_holders(m)[:2]
    nc = m.nc
    nc.language_score[who] = 4.0
    nc.loan_eur[who] = 3000.0
    nc.exam_deadline_month[who[0]] = m.month + 10  # on time
    nc.exam_deadline_month[who[1]] = m.month - 1  # too late
    nc.exam_passed[who] = False
    forgiven = m.costs.loans_forgiven
    m.exam_attempt_rate = 1.0
    exam.sit_exams(m)
    assert nc.exam_passed[who].all()
    assert m.costs.loans_forgiven >= forgiven + 3000.0
    assert nc.loan_eur[who[0]] == 0 and nc.loan_eur[who[1]] == 3000.0


def test_pass_chance_rises_with_language():
    assert exam.pass_probability(2.3, 2.0) > 0.9 > exam.pass_probability(2.0, 2.0) > 0.1 > exam.pass_probability(1.7, 2.0)


def test_benefit_cut_only_for_proven_non_cooperation_on_welfare(small):
    for sanction in (False, True):
        m = IntegrationModel(rng=5, benefit_sanction=sanction, **small)
        m.run_for(40)
        who = _permit_holders(m)[:6]
        nc = m.nc
        nc.cooperative[who] = False
        nc.on_welfare[who] = True
        nc.course_kind[who] = MARKET_COURSE
        nc.on_welfare[who[:3]] = False  # not on welfare: never cut
        for _ in range(exam.ABSENCE_BEFORE_SANCTION):
            cut = exam.sanction_non_cooperation(m)
        assert set(cut) == (set(who[3:]) if sanction else set())


def test_incentives_and_looming_fines_move_attendance(small):
    base = IntegrationModel(rng=6, **small)
    nudged = IntegrationModel(rng=6, positive_incentives=True, **small)
    base.run_for(20)
    nudged.run_for(20)
    assert nudged.nc.n == base.nc.n
    nudged.nc.wellbeing[: nudged.nc.n] = base.nc.wellbeing
    nudged.nc.exam_deadline_month[: nudged.nc.n] = base.nc.exam_deadline_month
    assert (exam.attendance(nudged) >= exam.attendance(base)).all()
