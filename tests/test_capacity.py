"""Capacity where it binds: longest waiting first, couples together, houses by municipality (one month, by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from model import IntegrationModel, capacity, housing


@pytest.fixture
def m(small) -> IntegrationModel:
    model = IntegrationModel(rng=21, **small)
    model.run_for(3)
    assert model.nc.n >= 12  # rows to set by hand
    model.nc.partner[:] = -1
    return model


def test_a_national_capacity_in_agents_divides_by_the_persons_each_agent_stands_for(small):
    m = IntegrationModel(rng=25, persons_per_newcomer=50.0, **small)
    assert capacity.in_agents(m, 1000.0) == 20.0


def test_per_month_spreads_a_fractional_rate_exactly():
    months = [capacity.per_month(0.4, month) for month in range(1, 11)]
    assert sum(months) == 4 and set(months) <= {0, 1}
    assert capacity.per_month(3.0, 5) == 3


def test_the_longest_waiting_go_first_when_places_run_out(m):
    candidates = np.array([5, 1, 7, 3])
    since = np.array([9, 4, 2, 6])  # row 7 waits longest, then 1, 3, 5
    assert list(capacity.first_in_line(m, candidates, since, 2)) == [1, 7]
    assert list(capacity.first_in_line(m, candidates, since, 10)) == [1, 3, 5, 7]  # room for all
    assert capacity.first_in_line(m, candidates, since, 0.5).size == 0  # a fraction is no place


def test_a_couple_goes_together_or_waits_together(m):
    nc = m.nc
    nc.partner[[2, 8]] = [8, 2]
    candidates = np.array([2, 8, 4, 6])
    since = np.array([1, 1, 3, 3])
    # one place left for the couple who waited longest: both go (a couple may take one more)
    assert list(capacity.first_in_line(m, candidates, since, 1)) == [2, 8]
    later = np.array([5, 5, 3, 3])
    assert list(capacity.first_in_line(m, candidates, later, 2)) == [4, 6]  # the couple waits together


def test_a_partner_who_waited_longer_brings_the_other_and_one_whose_partner_is_not_in_line_goes_alone(m):
    nc = m.nc
    nc.partner[[2, 8]] = [8, 2]
    # row 8 waited longest and takes the one place; row 2, the couple's first row, comes with him
    assert list(capacity.first_in_line(m, np.array([2, 8, 4]), np.array([5, 0, 3]), 1)) == [2, 8]
    nc.partner[[3, 9]] = [9, 3]  # row 3 is not asking (housed already, say)
    assert list(capacity.first_in_line(m, np.array([9, 5, 7]), np.array([1, 4, 6]), 2)) == [5, 9]


def test_houses_go_to_the_longest_waiting_of_each_municipality(m, monkeypatch):
    nc = m.nc
    ready = np.arange(8)
    nc.municipality[ready] = [0, 0, 0, 1, 1, 1, 1, 0]
    nc.permit_month[ready] = [5, 1, 3, 2, 4, 1, 6, 0]
    houses = np.zeros(m.n_municipalities, dtype=int)
    houses[:2] = [2, 1]
    monkeypatch.setattr(housing, "houses_this_month", lambda model: houses)
    assert list(housing.allot_houses(m, ready)) == [1, 5, 7]  # municipality 0: rows 7 and 1; municipality 1: row 5
    houses[:2] = [4, 4]
    assert list(housing.allot_houses(m, ready)) == list(ready)  # enough houses: everyone moves in
    assert housing.allot_houses(m, ready[:0]).size == 0
    houses[:] = 0
    assert housing.allot_houses(m, ready[:1]).size == 0  # no house this month, not even for one


def test_reception_beyond_its_places_puts_the_last_to_arrive_in_emergency_locations(small):
    from model import reception

    m = IntegrationModel(rng=22, reception_places=40.0, persons_per_newcomer=1.0, **small)
    m.run_for(6)
    nc = m.nc
    occupants = np.flatnonzero(reception.in_reception(m))
    assert occupants.size > 40
    assert reception.anyone_in_emergency(m)
    assert np.count_nonzero(nc.in_emergency) in (occupants.size - 40, occupants.size - 41)  # a couple may take one more
    regular = occupants[~nc.in_emergency[occupants]]
    emergency = occupants[nc.in_emergency[occupants]]
    assert nc.arrival_month[regular].max() <= nc.arrival_month[emergency].min()  # first come, first placed
    nc.in_emergency[:] = False
    assert not reception.anyone_in_emergency(m)


def test_a_crowded_startpunt_serves_a_share_of_its_visitors_an_open_one_all(small):
    from model import startpunten

    m = IntegrationModel(rng=23, startpunten_per_municipality=1, startpunt_capacity=3.0, persons_per_newcomer=1.0,
                         **small)
    m.run_for(2)
    hubs = len(m.world.startpunt_cells)
    visitors = np.arange(60)
    hub = np.zeros(60, dtype=np.int64)  # all at the first startpunt
    served, at = startpunten.served_visitors(m, visitors, hub)
    assert 0 < served.size < 20 and (at == 0).all()  # about 3 of 60
    few = np.arange(hubs * 3)
    spread = np.repeat(np.arange(hubs), 3)  # three at each: room for all
    assert list(startpunten.served_visitors(m, few, spread)[0]) == list(few)


def test_the_startpunt_lookup_table_gives_the_direct_answer(small, monkeypatch):
    from model import startpunten

    m = IntegrationModel(rng=24, startpunten_per_municipality=2, **small)
    m.run_for(1)
    x, y = np.arange(0, m.grid_width, 3), np.arange(0, m.grid_width, 3) % m.grid_height
    municipality = m.world.region[x, y]
    direct = startpunten.nearest_startpunt(m, x, y, municipality)
    looked_up = startpunten.nearest_startpunt_at(m, x, y, municipality)
    monkeypatch.setattr(startpunten, "LOOKUP_TABLE_MAX_CELLS", 0)  # a map too big for the table
    m.world.nearest_startpunt_table = None
    computed = startpunten.nearest_startpunt_at(m, x, y, municipality)
    for answer in (looked_up, computed):
        assert np.array_equal(answer[0], direct[0]) and np.allclose(answer[1], direct[1])


def test_permit_holders_waiting_for_a_house_are_in_reception_the_housed_and_departed_not(m):
    from model import reception
    from model.population import Phase

    m.nc.phase[:4] = [Phase.ASYLUM, Phase.AWAITING_HOUSING, Phase.HOUSED, Phase.DEPARTED]
    assert list(reception.in_reception(m)[:4]) == [True, True, False, False]


def test_in_an_emergency_location_one_moves_at_the_emergency_rate_elsewhere_at_the_regular(m):
    from model import reception

    nc = m.nc
    m.relocation_rate_per_year, m.emergency_relocation_rate_per_year = 1.0, 6.0
    regular, emergency = 1.0 - np.exp(-1.0 / 12), 1.0 - np.exp(-6.0 / 12)
    nc.in_emergency[:] = False
    who = np.arange(4)
    assert np.allclose(reception.monthly_relocation_chance(m, who), regular)
    nc.in_emergency[[1, 3]] = True
    assert np.allclose(reception.monthly_relocation_chance(m, who), [regular, emergency, regular, emergency])


def test_each_municipality_delivers_its_quota_share_of_the_national_houses(small):
    m = IntegrationModel(rng=26, housing_delivery_per_month=400.0, persons_per_newcomer=10.0, **small)
    quota = np.asarray(m.municipality_quota)
    delivered = np.zeros(quota.size)
    for month in range(1, 25):  # two years of deliveries, 40 houses a month in agents
        m.month = month
        delivered += housing.houses_this_month(m)
    assert np.allclose(delivered, 24 * 40.0 * quota, atol=1.0)
