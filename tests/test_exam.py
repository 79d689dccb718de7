"""Exam and sanctions: fines become debt and hurt, loans are forgiven only on time, cuts only for proof."""

from __future__ import annotations

import numpy as np
import pytest

from model import IntegrationModel, exam, wellbeing
from model.population import MARKET_COURSE, NO_COURSE, Phase


def _permit_holders(model):
    return np.flatnonzero(model.nc.phase == Phase.HOUSED)


def _at_deadline(model, who, hours=0.0, attempts=0):
    """``who`` reach the end of their term now, not passed, with this much effort and nothing else."""
    nc = model.nc
    nc.exam_passed[who] = False
    nc.exempted[who] = False
    nc.course_hours[who] = hours
    nc.exam_attempts[who] = attempts
    nc.course_kind[who] = NO_COURSE
    nc.literacy_progress[who] = 0.0
    nc.carer[who] = False  # no newborn
    nc.exam_extensions[who] = 0
    nc.exam_deadline_month[who] = model.month


def test_fines_raise_debt_and_lower_wellbeing(small):
    m = IntegrationModel(rng=1, **small)
    m.run_for(40)
    who = _permit_holders(m)[:20]
    nc = m.nc
    _at_deadline(m, who)  # no effort at all
    debt = nc.debt_eur[who].copy()
    fined = exam.face_deadlines(m)
    assert set(who) <= set(fined)
    assert (nc.debt_eur[who] >= debt + m.fine_eur).all()
    assert (nc.fined_count[who] >= 1).all()
    # The same month felt with and without the fine: the fine costs wellbeing (from mid-scale, so no bound hides it).
    nc.wellbeing[who] = 0.5
    before = nc.wellbeing.copy()
    wellbeing.feel(m, np.zeros(0, int), fined, np.zeros(nc.n, bool))
    with_fine = nc.wellbeing.copy()
    nc.wellbeing[:] = before
    wellbeing.feel(m, np.zeros(0, int), np.zeros(0, int), np.zeros(nc.n, bool))
    without = nc.wellbeing
    assert (with_fine[who] < without[who] - 0.02).all()  # felt (0.02 on the 0-1 scale), whatever FINE_SHOCK says
    assert with_fine[who] == pytest.approx(without[who] + wellbeing.FINE_SHOCK)  # once, by the stated shock
    assert wellbeing.wellbeing_target(False, False, False, 5000, False, False, False, False, False) < \
        wellbeing.wellbeing_target(False, False, False, 0, False, False, False, False, False)


def test_effort_earns_an_extension_without_a_fine(small):
    m = IntegrationModel(rng=2, **small)
    m.run_for(40)
    who = _permit_holders(m)[:10]
    _at_deadline(m, who, hours=exam.EXTENSION_HOURS, attempts=exam.EXTENSION_ATTEMPTS)
    debt = m.nc.debt_eur[who].copy()
    assert exam.face_deadlines(m).size == 0
    assert (m.nc.debt_eur[who] == debt).all()
    assert (m.nc.exam_deadline_month[who] == m.month + exam.EFFORT_EXTENSION_MONTHS).all()
    assert (m.nc.exam_extensions[who] == 1).all() and not m.nc.exempted[who].any()
    # One attempt short of the rule is a fine.
    _at_deadline(m, who, hours=exam.EXTENSION_HOURS, attempts=exam.EXTENSION_ATTEMPTS - 1)
    assert set(who) <= set(exam.face_deadlines(m))


def test_enough_effort_earns_an_exemption_that_writes_the_loan_off(small):
    m = IntegrationModel(rng=2, **small)
    m.run_for(40)
    who = _permit_holders(m)[:10]
    _at_deadline(m, who, hours=exam.EXEMPTION_HOURS, attempts=exam.EXEMPTION_ATTEMPTS)
    m.nc.loan_eur[who] = 2000.0
    forgiven = m.costs.loans_forgiven
    assert exam.face_deadlines(m).size == 0
    assert m.nc.exempted[who].all() and (m.nc.exemption_month[who] == m.month).all()
    assert (m.nc.loan_eur[who] == 0).all() and m.costs.loans_forgiven == forgiven + 2000.0 * who.size
    assert exam.obligation_met(m)[who].all()


def test_the_2021_rules_lower_the_level_after_effort_instead_of_exempting(small):
    m = IntegrationModel(policy="wet_inburgering_2021", rng=2, **small)
    m.run_for(40)
    who = _permit_holders(m)[:10]
    _at_deadline(m, who, hours=exam.EXEMPTION_HOURS, attempts=exam.EXEMPTION_ATTEMPTS)
    exam.face_deadlines(m)
    assert not m.nc.exempted[who].any()
    assert (m.nc.exam_deadline_month[who] > m.month).all()  # more time, not an exemption
    level = exam.exam_threshold(m)
    assert (level[who] == exam.EXAM_THRESHOLD["A2"]).all()
    m.nc.course_hours[who] = exam.LOWER_LEVEL_HOURS - 1
    assert (exam.exam_threshold(m)[who] == exam.EXAM_THRESHOLD["B1"]).all()


def test_a_birth_in_the_last_year_earns_more_time(small):
    m = IntegrationModel(rng=7, **small)
    m.run_for(40)
    who = _permit_holders(m)[:10]
    _at_deadline(m, who)
    m.nc.carer[who] = True
    m.nc.youngest_child_month[who] = m.month - 3
    assert exam.face_deadlines(m).size == 0
    assert (m.nc.exam_deadline_month[who] == m.month + exam.BIRTH_EXTENSION_MONTHS).all()


def test_a_lasting_health_problem_brings_an_exemption_and_nothing_else_does(small):
    m = IntegrationModel(rng=8, health_exemption_rate=0.5, **small)
    m.run_for(30)
    nc = m.nc
    permit = (nc.phase == Phase.HOUSED) & ~exam.obligation_met(m)
    nc.in_labour_force[permit] = np.arange(nc.n)[permit] % 2 == 0
    exempted = exam.grant_health_exemptions(m)
    assert exempted.size > 0
    assert not nc.in_labour_force[exempted].any()
    ill = permit & ~nc.in_labour_force
    assert 0.3 < nc.exempted[ill].mean() < 0.7


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
        nc.absent_months[who] = 0  # a clean record: the proof is the months that follow
        nc.benefit_cut_months[who] = 0
        for month in range(1, exam.ABSENCE_BEFORE_SANCTION + 1):
            cut = exam.sanction_non_cooperation(m)
            if month < exam.ABSENCE_BEFORE_SANCTION:
                assert not set(cut) & set(who), "cut before the proof was complete"
        # The six by name; anyone else the random stream kept away from a course is checked by the rule.
        assert set(cut) & set(who) == (set(who[3:]) if sanction else set())
        assert nc.on_welfare[cut].all() and (nc.course_kind[cut] != NO_COURSE).all()
        assert (nc.benefit_cut_months[who[3:]] > 0).all() == sanction and not nc.benefit_cut_months[who[:3]].any()


def test_incentives_and_looming_fines_move_attendance(small):
    base = IntegrationModel(rng=6, **small)
    nudged = IntegrationModel(rng=6, positive_incentives=True, **small)
    base.run_for(20)
    nudged.run_for(20)
    assert nudged.nc.n == base.nc.n
    for column in ("wellbeing", "exam_deadline_month", "cooperative", "care_duties", "exam_passed", "exempted"):
        getattr(nudged.nc, column)[:] = getattr(base.nc, column)
    assert (exam.attendance(nudged) > exam.attendance(base)).all()
    # A fine that looms in the last year pushes attendance; without a fine it does not.
    base.nc.exam_deadline_month[:] = base.month + 6
    base.nc.exam_passed[:] = False
    base.nc.exempted[:] = False
    pushed = exam.attendance(base)
    base.fine_eur = 0.0
    assert (pushed > exam.attendance(base)).all()


def test_who_has_left_the_country_is_not_fined_at_the_deadline(small):
    m = IntegrationModel(rng=7, **small)
    m.run_for(3)
    nc = m.nc
    who = np.arange(4)
    _at_deadline(m, who)
    nc.phase[who] = [Phase.HOUSED, Phase.DEPARTED, Phase.HOUSED, Phase.DEPARTED]
    fined = exam.face_deadlines(m)
    assert set(fined) & set(who) == {0, 2}
