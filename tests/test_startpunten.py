"""Startpunten: what a month at a startpunt does for residents and newcomers, and its capacity (by hand).

More startpunt tests sit with what they are about: contacts made there in tests/test_contacts.py, a
crowded startpunt and the lookup of the nearest one in tests/test_capacity.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import IntegrationModel, startpunten
from model.population import NO_COURSE, SUPERVISED_COURSE, Phase


@pytest.fixture
def m(small) -> IntegrationModel:
    """A model with a startpunt in every municipality that every newcomer visits and where each takes a course."""
    model = IntegrationModel(rng=51, startpunten_per_municipality=1, startpunt_newcomer_visit=1.0,
                             startpunt_distance_decay=100.0, startpunt_course_uptake=1.0, **small)
    model.run_for(6)
    return model


def test_the_startpunt_starts_a_course_for_visitors_without_one_not_in_an_emergency_location_or_after_the_exam(m):
    nc = m.nc
    here = np.flatnonzero(nc.phase != Phase.DEPARTED)
    nc.course_kind[here] = NO_COURSE
    nc.exam_passed[here] = False
    nc.in_emergency[here] = True
    startpunten.open_doors(m)
    assert not (nc.course_kind[here] == SUPERVISED_COURSE).any()
    nc.in_emergency[here] = False
    nc.exam_passed[here[::2]] = True
    startpunten.open_doors(m)
    started = nc.course_kind[here] == SUPERVISED_COURSE
    assert started.sum() >= 5 and not (started & nc.exam_passed[here]).any()


def test_a_startpunt_with_room_for_a_single_visit_a_month_serves_about_one(small):
    m = IntegrationModel(rng=52, startpunten_per_municipality=1, startpunt_capacity=1.0, persons_per_newcomer=1.0,
                         **small)
    m.run_for(1)
    served, at = startpunten.served_visitors(m, np.arange(60), np.zeros(60, dtype=np.int64))
    assert served.size <= 6 and (at == 0).all()
    assert m.queue_counts["startpunt_unserved"] == 60 - served.size  # the queue the outcomes report


def test_visitors_meet_residents_who_came_to_the_same_startpunt_each_their_own(m):
    res = m.res
    res.visiting[:] = True
    visitors = np.arange(30)
    newcomer, resident = startpunten._pairs_at_startpunten(m, visitors, np.zeros(30, dtype=np.int64))
    assert list(newcomer) == list(np.repeat(visitors, startpunten.STARTPUNT_MEETINGS))
    assert (resident >= 0).all() and (res.startpunt[resident] == 0).all()
    assert np.unique(resident).size > 20  # drawn one by one, not one resident for all


def test_each_job_seeker_finds_work_at_the_startpunt_by_their_own_luck_about_one_in_25(m):
    res = m.res
    res.visit_chance[:] = 1.0
    res.seeking_work[:] = True
    res.placed[:] = False
    startpunten.open_doors(m)
    expected = startpunten.RESIDENT_PLACEMENT_CHANCE * res.n
    assert 0.5 * expected < res.placed.sum() < 1.5 * expected  # neither all of them nor none
    assert (res.placed == ~res.seeking_work).all()  # who found it stops looking


def test_a_newcomer_who_comes_to_a_startpunt_is_remembered_as_having_used_it(m):
    nc = m.nc
    nc.used_startpunt[:] = False
    startpunten.open_doors(m)
    assert nc.visited_startpunt.sum() >= 10
    assert nc.used_startpunt[nc.visited_startpunt].all()


def test_someone_standing_at_a_startpunt_is_zero_cells_from_it(m):
    cells = m.world.startpunt_cells
    where, dist = startpunten.nearest_startpunt(m, cells[:, 0], cells[:, 1], m.world.startpunt_municipality)
    assert list(where) == list(range(len(cells))) and (dist == 0).all()


def test_low_literate_residents_visit_the_startpunt_more_even_when_not_looking_for_work(m):
    res = m.res
    res.seeking_work[:] = False
    res.literate[:] = True
    startpunten.setup_residents(m)
    literate = res.visit_chance.copy()
    res.literate[:] = False
    startpunten.setup_residents(m)
    reach = np.isfinite(res.startpunt_distance)
    assert reach.sum() > 100 and (res.visit_chance[reach] > literate[reach]).all()
