"""Labour: language, willingness, subsidies, referrals, distance and schedules shape who works."""

from __future__ import annotations

import numpy as np
import pytest

from model import IntegrationModel, labour
from model.population import MARKET_COURSE, NO_COURSE, Phase


def test_hiring_rises_with_language_subsidy_referrals_and_know_how():
    base = labour.hire_probability(0.2, 0.5, 0.0, labour.language_fit(1.0, 1.0), 0, 0.5)
    assert labour.hire_probability(0.2, 0.5, 0.0, labour.language_fit(2.0, 1.0), 0, 0.5) > base
    assert labour.hire_probability(0.2, 0.5, 0.5, labour.language_fit(1.0, 1.0), 0, 0.5) > base
    assert labour.hire_probability(0.2, 0.5, 0.0, labour.language_fit(1.0, 1.0), 2, 0.5) > base
    assert labour.hire_probability(0.2, 0.5, 0.0, labour.language_fit(1.0, 1.0), 0, 0.8) > base
    assert labour.hire_probability(0.2, 0.0, 0.0, 1.0, 0, 1.0) == 0.0


def test_unrecognised_higher_diplomas_limit_the_job_level():
    level = labour.effective_level(np.array([0, 1, 2, 3, 3]), np.array([False, False, False, False, True]))
    assert list(level) == [0, 0, 1, 1, 2]


def test_employers_beyond_commuting_distance_are_out_of_reach(small):
    m = IntegrationModel(rng=1, commute_radius=8, **small)
    m.run_for(30)
    who = np.flatnonzero(m.nc.phase == Phase.HOUSED)
    options = m.employers_within_reach(who, 5)
    assert (options >= 0).any()
    row, col = np.nonzero(options >= 0)
    e = options[row, col]
    dist = np.hypot(m.nc.x[who[row]] - m.emp.x[e], m.nc.y[who[row]] - m.emp.y[e])
    slack = m.commute_index.block / np.sqrt(2)  # distances are measured from the block centre
    assert dist.max() <= 8 + slack
    far = IntegrationModel(rng=1, commute_radius=1, **small)
    far.run_for(30)
    assert (far.employers_within_reach(who, 5) < 0).mean() > (options < 0).mean()


def test_a_2013_course_caps_working_hours_a_course_combined_with_work_does_not(small):
    m = IntegrationModel(rng=2, **small)
    m.run_for(2)
    who = np.arange(m.nc.n)
    m.nc.course_kind[who] = MARKET_COURSE
    m.nc.care_duties[who] = False
    assert (labour.hours_cap(m, who) == labour.COURSE_HOURS_CAP).all()
    m.nc.course_with_work[who] = True  # as a plan's course (model.modifiers)
    assert (labour.hours_cap(m, who) == labour.FULL_TIME_JOB_HOURS[1]).all()
    m.nc.course_with_work[who] = False
    m.nc.course_kind[who] = NO_COURSE
    m.nc.care_duties[who] = True
    assert (labour.hours_cap(m, who) == labour.CARE_HOURS_CAP).all()


def test_losing_a_job_returns_the_vacancy(small):
    m = IntegrationModel(rng=3, **small)
    m.run_for(70)
    employed = np.flatnonzero(m.nc.employed)
    assert employed.size > 0
    who = employed[:1]
    e, lvl = m.nc.employer[who[0]], m.nc.job_level[who[0]]
    before = m.emp.vacancies[e, lvl]
    m.emp.vacancies[e, lvl] = 0
    labour.lose_jobs(m, who)
    assert not m.nc.employed[who[0]] and m.nc.hours_per_week[who[0]] == 0
    assert m.emp.vacancies[e, lvl] == 1
    del before


def test_asylum_seekers_work_only_after_work_access_month(small):
    m = IntegrationModel(rng=4, work_access_month=60, **small)
    m.run_for(12)
    asylum = m.nc.phase == Phase.ASYLUM
    assert not m.nc.employed[asylum].any()
    allowed = labour.may_work(m)
    assert not allowed[asylum].any()


def test_employer_subsidy_raises_the_chance_an_application_succeeds():
    # (Its effect on employment, beyond the seed noise, is the employer_subsidy lever test in test_levers.py.)
    base = labour.hire_probability(0.3, 0.5, 0.0, 0.6, 0, 0.8)
    assert labour.hire_probability(0.3, 0.5, 0.4 * 0.5, 0.6, 0, 0.8) == pytest.approx(base * 1.2)


def test_wages_rise_with_experience():
    assert labour.hourly_wage(0, 60) > labour.hourly_wage(0, 0)
    assert labour.hourly_wage(2, 0) > labour.hourly_wage(0, 0)
    assert labour.hourly_wage(0, 10_000) == labour.WAGE_EUR_PER_HOUR[0] * (1 + labour.WAGE_GROWTH_CAP)
