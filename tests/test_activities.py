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
