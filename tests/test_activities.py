"""Activities: volunteering, the skills course and school, one month at a time with the state set by hand."""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, activities
from model.population import Phase


def test_no_one_starts_volunteering_in_an_emergency_location_or_after_leaving(small):
    m = IntegrationModel(rng=6, azc_activities=True, **small)
    m.run_for(8)
    nc = m.nc
    here = np.flatnonzero((nc.phase != Phase.DEPARTED) & ~nc.employed)
    assert here.size >= 20
    nc.volunteering[:] = False
    nc.volunteer_offer[here] = 1.0  # everyone would start, were it not for where they are
    half = here[: here.size // 2]
    nc.in_emergency[half] = True
    activities.volunteer_and_train(m)
    assert not nc.volunteering[half].any()
    assert nc.volunteering[np.setdiff1d(here, half)].mean() > 0.8
    nc.volunteering[:] = False
    nc.in_emergency[:] = False
    nc.phase[half] = Phase.DEPARTED
    activities.volunteer_and_train(m)
    assert not nc.volunteering[half].any()


def test_a_long_working_week_leaves_no_time_to_volunteer(small):
    m = IntegrationModel(rng=7, **small)
    m.run_for(30)
    nc = m.nc
    housed = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.in_emergency)
    nc.volunteer_offer[housed] = 1.0
    nc.volunteering[housed] = True
    nc.employed[housed] = True
    nc.hours_per_week[housed] = activities.NO_TIME_TO_VOLUNTEER_HOURS
    activities.volunteer_and_train(m)
    assert not nc.volunteering[housed].any()  # those who volunteered stop


def test_finishing_school_gives_a_recognised_diploma_one_level_up(small):
    m = IntegrationModel(rng=8, **small)
    m.run_for(30)
    nc = m.nc
    who = np.flatnonzero((nc.phase == Phase.HOUSED) & (nc.education < 3))[:10]
    assert who.size
    education = nc.education[who].copy()
    nc.studying_months[who], nc.diploma_recognised[who] = 1, False
    activities.go_to_school(m)
    assert (nc.studying_months[who] == 0).all()
    assert (nc.education[who] == education + 1).all() and nc.diploma_recognised[who].all()


def test_a_skills_course_in_reception_lasts_as_guidance_and_not_in_an_emergency_location(small):
    m = IntegrationModel(rng=9, azc_activities=True, skills_course_guidance=0.3, **small)
    m.run_for(4)
    nc = m.nc
    in_azc = np.flatnonzero(nc.phase <= Phase.AWAITING_HOUSING)
    assert in_azc.size >= 10
    nc.skills_course[:] = False
    nc.in_emergency[in_azc[::2]] = True
    for _ in range(30):  # many months of the course's monthly chance
        nc.guidance[:] = 0.0
        activities.volunteer_and_train(m)
    assert not nc.skills_course[in_azc[::2]].any()
    trained = in_azc[1::2][nc.skills_course[in_azc[1::2]]]
    assert trained.size and np.allclose(nc.guidance[trained], 0.3)
    assert (nc.guidance[~nc.skills_course] == 0.0).all()


def test_in_the_azc_each_starts_a_skills_course_by_their_own_chance(small):
    m = IntegrationModel(rng=9, azc_activities=True, **small)
    m.run_for(12)
    nc = m.nc
    everyone = np.arange(nc.n)
    nc.phase[everyone] = Phase.ASYLUM
    nc.in_emergency[:] = False
    nc.skills_course[:] = False
    activities.volunteer_and_train(m)
    started = np.count_nonzero(nc.skills_course[everyone])
    assert 0 < started < everyone.size / 4  # about SKILLS_COURSE_START of them, not all or none


def test_only_the_young_and_housed_go_to_school(small):
    m = IntegrationModel(rng=10, **small)
    m.run_for(30)
    nc = m.nc
    here = np.flatnonzero(nc.phase != Phase.DEPARTED)
    age = m.ages()[here]
    old, young = here[age > activities.STUDY_MAX_AGE + 1][:15], here[age < activities.STUDY_MAX_AGE - 1][:20]
    assert old.size == 15 and young.size == 20
    azc, young = young[10:], young[:10]
    who = np.concatenate([old, young, azc])
    nc.employed[who], nc.studying_months[who] = False, 0
    nc.education[who], nc.diploma_recognised[who] = 0, False
    nc.study_offer[who] = 1.0  # every eligible one starts this month
    nc.phase[old], nc.phase[young], nc.phase[azc] = Phase.HOUSED, Phase.HOUSED, Phase.ASYLUM
    activities.go_to_school(m)
    assert (nc.studying_months[young] == activities.STUDY_MONTHS).all()
    assert (nc.studying_months[old] == 0).all()  # too old for school
    assert (nc.studying_months[azc] == 0).all()  # not before the permit and a house


def test_a_programme_offer_starts_volunteering_and_a_month_later_most_still_volunteer(small):
    m = IntegrationModel(rng=11, **small)
    m.run_for(30)
    nc = m.nc
    housed = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.in_emergency)
    assert housed.size >= 20
    nc.employed[housed] = False
    nc.volunteering[housed] = False
    nc.volunteer_offer[housed] = 1.0
    activities.volunteer_and_train(m)
    assert nc.volunteering[housed].all()  # all start
    activities.volunteer_and_train(m)
    assert nc.volunteering[housed].mean() > 0.8  # few stop (VOLUNTEER_STOP a month)


def test_a_skills_course_adds_to_guidance_from_elsewhere_and_keeps_what_others_have(small):
    m = IntegrationModel(rng=12, azc_activities=True, skills_course_guidance=0.3, **small)
    m.run_for(4)
    nc = m.nc
    who = np.flatnonzero(nc.phase != Phase.DEPARTED)[:20]
    assert who.size == 20
    nc.guidance[who] = 0.4  # from a programme, say
    took, others = who[:10], who[10:]
    nc.skills_course[took] = True
    nc.skills_course[others] = False
    nc.phase[others] = Phase.HOUSED  # out of the azc: no course for them this month
    activities.volunteer_and_train(m)
    assert np.allclose(nc.guidance[took], 0.4 + 0.3)
    assert np.allclose(nc.guidance[others], 0.4)
