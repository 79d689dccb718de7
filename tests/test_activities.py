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
