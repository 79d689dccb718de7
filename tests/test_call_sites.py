"""Call sites: one month of a mechanism with the state set by hand, checking the connection, not the formula.

A unit test of a formula passes when the formula is right but its call swaps
two arguments or drops one; these tests put two identical models (same seed,
same history) in states that differ in one thing and run the calling function
on both with the same random stream (issue 26).
"""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, exam, labour, scarring, welfare, wellbeing
from model.population import Phase


def _twins(small, months: int, **params) -> tuple[IntegrationModel, IntegrationModel]:
    a, b = IntegrationModel(rng=11, **params, **small), IntegrationModel(rng=11, **params, **small)
    a.run_for(months)
    b.run_for(months)
    return a, b


def test_better_dutch_gets_more_hires_from_the_same_employers(small):
    low, high = _twins(small, 30)
    for m, score in ((low, 0.3), (high, 3.5)):
        m.nc.language_score[:] = score
    hired_low, hired_high = labour.search_and_hire(low), labour.search_and_hire(high)
    assert hired_high.size > 1.5 * max(hired_low.size, 1), (hired_low.size, hired_high.size)


def test_a_full_time_earner_leaves_the_benefit_and_a_jobless_one_stays(small):
    m = IntegrationModel(rng=12, **small)
    m.run_for(30)
    nc = m.nc
    housed = np.flatnonzero((nc.phase == Phase.HOUSED) & (m.ages() >= 18) & (nc.partner < 0)
                            & (nc.studying_months == 0))
    assert housed.size >= 10
    earnings = np.zeros(nc.n)
    rich, poor = housed[: housed.size // 2], housed[housed.size // 2:]
    earnings[rich] = 3 * welfare.BIJSTAND_NORM_EUR
    welfare.pay_and_count(m, earnings, np.zeros(nc.n))
    assert not nc.on_welfare[rich].any()
    assert nc.on_welfare[poor].all()


def test_a_fine_lowers_wellbeing_through_the_month(small):
    calm, fined = _twins(small, 30)
    who = np.flatnonzero(fined.nc.phase == Phase.HOUSED)
    none = np.zeros(0, dtype=np.int64)
    for m, hit in ((calm, none), (fined, who)):  # as in IntegrationModel.step: rows moved, rows fined, isolated
        wellbeing.feel(m, none, hit, np.zeros(m.nc.n, dtype=bool))
    assert (fined.nc.wellbeing[who] < calm.nc.wellbeing[who]).all()


def test_a_fine_is_debt_and_the_deadline_brings_it(small):
    m = IntegrationModel(rng=13, fine_eur=1000.0, **small)
    m.run_for(24)
    nc = m.nc
    due = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.exam_passed & ~nc.exempted)
    assert due.size
    # nothing that earns more time: no course, no hours, no attempts, no literacy classes, no newborn
    nc.course_kind[due], nc.course_hours[due], nc.exam_attempts[due] = 0, 0.0, 0
    nc.literacy_progress[due], nc.carer[due] = 0.0, False
    nc.exam_deadline_month[due] = m.month
    debt = nc.debt_eur.copy()
    fined = exam.face_deadlines(m)
    assert sorted(fined) == sorted(due)
    assert (nc.debt_eur[due] >= debt[due] + 1000.0 - 1e-9).all()
    assert (nc.exam_deadline_month[due] > m.month).all()  # and a new term


def test_a_move_in_reception_adds_a_scar(small):
    calm, moved = _twins(small, 6)
    waiting = np.flatnonzero(moved.nc.phase <= Phase.AWAITING_HOUSING)
    assert waiting.size
    none = np.zeros(0, dtype=np.int64)
    scarring.accumulate(calm, none)
    scarring.accumulate(moved, waiting)  # as in IntegrationModel.step: the rows relocated this month
    gain = moved.nc.idle_scar[waiting] - calm.nc.idle_scar[waiting]
    # the move's months in full, or what is left of them where activity healed the scar to zero this month
    assert (gain > 0).all() and (gain <= moved.relocation_scar_months + 1e-9).all()
    assert np.isclose(np.median(gain), moved.relocation_scar_months)


def test_a_placement_for_each_who_asks_while_slots_last(small):
    m = IntegrationModel(rng=15, **small)
    m.run_for(30)
    nc = m.nc
    seekers = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.employed & (nc.placement_months == 0))
    assert seekers.size >= 5
    m.emp.placements_used[:] = 0
    labour.place(m, seekers)
    placed = seekers[nc.placement_months[seekers] > 0]
    assert placed.size >= min(5, int(m.emp.placement_slots.sum()))
    assert (m.emp.placements_used <= m.emp.placement_slots).all()


def test_a_job_matches_education_one_level_below_the_diploma(small):
    m = IntegrationModel(rng=16, **small)
    m.run_for(30)
    nc = m.nc
    who = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.employed)[:4]
    assert who.size == 4
    nc.education[who] = [0, 1, 2, 3]
    labour.start_jobs(m, who, np.zeros(4, dtype=np.int64), np.array([0, 0, 1, 2]))
    assert list(nc.job_matches_education[who]) == [True, True, True, True]
    labour.start_jobs(m, who, np.zeros(4, dtype=np.int64), np.array([1, 1, 0, 1]))
    assert list(nc.job_matches_education[who]) == [False, False, False, False]


def test_a_municipality_that_implements_well_buys_better_courses(small):
    from model import language

    m = IntegrationModel(rng=17, municipality_quality_spread=0.3, **small)
    quality = m.quality_of(np.arange(m.n_municipalities))
    courses = language.supervised_quality(m, np.arange(m.n_municipalities))
    order = np.argsort(quality)
    assert quality[order[-1]] > quality[order[0]]
    assert courses[order[-1]] > courses[order[0]] and (np.diff(courses[order]) >= 0).all()
