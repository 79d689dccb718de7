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
