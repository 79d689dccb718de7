"""Contacts: ties come from meeting people in space, language eases them, they fade without contact."""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, contacts, startpunten
from model.population import Phase


def test_language_eases_contact():
    assert contacts.language_ease(0.0) < contacts.language_ease(1.5) < contacts.language_ease(3.0) == 1.0


def test_open_residents_become_ties_closed_ones_do_not(small):
    m = IntegrationModel(rng=1, **small)
    m.run_for(2)
    who = np.arange(min(50, m.nc.n))
    m.nc.language_score[who] = 3.0
    m.nc.tie_strength[who] = 0.0
    m.nc.tie_resident[who] = -1
    closed, open_ = 0, 1
    m.res.openness[closed], m.res.openness[open_] = 0.0, 1.0
    contacts.form_ties(m, who, np.full(who.size, closed))
    assert (m.nc.tie_resident[who] == -1).all()
    for _ in range(10):
        contacts.form_ties(m, who, np.full(who.size, open_))
    assert (m.nc.tie_resident[who] == open_).any(axis=1).mean() > 0.9


def test_ties_fade_without_contact(small):
    m = IntegrationModel(rng=2, tie_decay=0.5, **small)
    m.run_for(2)
    who = np.arange(m.nc.n)
    m.nc.tie_resident[who, 0] = 0
    m.nc.tie_strength[who, 0] = 1.0
    m.nc.language_score[who] = 0.0
    for _ in range(12):
        contacts.keep_up_ties(m)
    assert m.nc.tie_strength[who, 0].mean() < contacts.ACTIVE_TIE
    assert (m.nc.tie_resident[who, 0] == -1).mean() > 0.5


def test_startpunt_nearby_raises_contact_chances():
    near, far = startpunten.visit_chance(np.array([0.0, 30.0]), 0.5, 8.0)
    assert near == 0.5 and far < near / 8


def test_startpunten_reduce_isolation_and_reach_residents(small):
    def run(policy):
        isolated, reached = [], []
        for seed in range(3):
            m = IntegrationModel(policy=policy, rng=seed, **small)
            m.run_for(48)
            isolated.append(m.metrics["share_isolated"])
            reached.append(m.res.ever_in_course.sum() + m.res.placed.sum())
        return np.mean(isolated), np.mean(reached)

    base, with_hubs = run("baseline_2013"), run("startpunten")
    assert with_hubs[0] < base[0]
    assert base[1] == 0 and with_hubs[1] > 0


def test_newcomers_near_a_startpunt_visit_it_more(small):
    m = IntegrationModel(policy="startpunten", rng=4, startpunten_per_municipality=1,
                         **{**small, "grid_width": 80, "grid_height": 80})
    m.run_for(40)
    nc = m.nc
    housed = np.flatnonzero(nc.phase == Phase.HOUSED)
    _, dist = startpunten.nearest_startpunt(m, nc.x[housed], nc.y[housed], nc.municipality[housed])
    visits = np.zeros(housed.size)
    for _ in range(12):
        m.step()
        visits += nc.visited_startpunt[housed]
    near = visits[dist <= np.median(dist)].mean()
    far = visits[dist > np.median(dist)].mean()
    assert near > 1.5 * far
