"""Asylum: waiting, recognition by prospects, relocations, couples, housing by quota."""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, asylum
from model.population import Phase


def test_recognition_by_prospects_averages_to_the_rate():
    kansrijk = np.array([True] * 60 + [False] * 40)
    chance = asylum.recognition_chance(kansrijk, 0.75, 0.6)
    assert np.isclose(chance.mean(), 0.75)
    assert chance[0] > chance[-1]


def test_rejected_applicants_leave_with_what_they_learned(small):
    m = IntegrationModel(policy="early_language", rng=1, recognition_rate=0.5, **small)
    m.run_for(36)
    departed = m.nc.phase == Phase.DEPARTED
    assert departed.any()
    assert m.nc.language_score[departed].max() > 0
    assert not m.nc.employed[departed].any()
    assert (m.nc.tie_resident[: m.nc.n][departed] == -1).all()


def test_relocations_happen_about_as_often_as_set(small):
    m = IntegrationModel(rng=2, relocation_rate_per_year=2.0, asylum_wait_months=24.0,
                         housing_wait_months=0.0, **small)
    m.run_for(36)
    table = m.newcomer_table()
    rate = table["relocations"].sum() / (table["months_in_azc"].sum() / 12)
    assert 1.5 < rate < 2.5


def test_couples_share_procedure_centre_and_house(small):
    m = IntegrationModel(rng=3, **small)
    m.run_for(40)
    nc = m.nc
    partner = nc.partner
    couples = np.flatnonzero((partner > np.arange(nc.n)) & ~nc.nareiziger)
    couples = couples[~nc.nareiziger[partner[couples]]]  # arrived together: one procedure
    assert couples.size > 0
    other = partner[couples]
    assert (nc.decision_month[couples] == nc.decision_month[other]).all()
    assert (nc.phase[couples] == nc.phase[other]).all()
    housed = couples[nc.phase[couples] == Phase.HOUSED]
    assert (nc.x[housed] == nc.x[partner[housed]]).all() and (nc.y[housed] == nc.y[partner[housed]]).all()
    assert (nc.female[couples] != nc.female[other]).all()


def test_a_partner_who_follows_arrives_after_the_permit_and_moves_in(small):
    m = IntegrationModel(rng=3, **small)
    m.run_for(60)
    nc = m.nc
    joined = np.flatnonzero(nc.nareiziger)
    assert joined.size > 5
    sponsor = nc.partner[joined]
    assert (nc.partner[sponsor] == joined).all()
    # They come after the sponsor's permit, with a permit of their own on arrival, and no asylum wait.
    assert (nc.arrival_month[joined] > nc.permit_month[sponsor]).all()
    assert (nc.permit_month[joined] == nc.arrival_month[joined]).all()
    assert (nc.female[joined] != nc.female[sponsor]).all()
    # Once both are housed they live together, in the sponsor's municipality.
    both = (nc.phase[joined] == Phase.HOUSED) & (nc.phase[sponsor] == Phase.HOUSED)
    assert both.any()
    assert (nc.x[joined[both]] == nc.x[sponsor[both]]).all() and (nc.y[joined[both]] == nc.y[sponsor[both]]).all()
    assert (nc.municipality[joined] == nc.municipality[sponsor]).all()


def test_nobody_follows_a_rejected_applicant(small):
    m = IntegrationModel(rng=5, recognition_rate=0.0, share_kansrijk=0.0, **small)
    m.run_for(60)
    assert not m.nc.nareiziger.any()
    assert (m.nc.partner_follows_months >= 0).any()  # some had a partner who would have come


def test_housing_follows_the_quota(small):
    m = IntegrationModel(rng=4, n_newcomers=600, **{k: v for k, v in small.items() if k != "n_newcomers"})
    m.run_for(60)
    housed = m.nc.phase == Phase.HOUSED
    shares = np.bincount(m.nc.municipality[housed], minlength=m.n_municipalities) / housed.sum()
    assert np.abs(shares - m.municipality_quota).max() < 0.08
    region = m.world.region[m.nc.x[housed], m.nc.y[housed]]
    assert (region == m.nc.municipality[housed]).all()


def test_applications_beyond_the_inds_capacity_wait_a_month_longer_oldest_first_decided(small):
    m = IntegrationModel(rng=8, decisions_per_month=3.0, persons_per_newcomer=1.0, **small)
    m.run_for(3)
    nc = m.nc
    due = np.arange(8)
    nc.partner[:] = -1
    nc.arrival_month[due] = [2, 0, 3, 1, 2, 3, 0, 1]
    decided = asylum.take_decisions(m, due)
    assert list(decided) == [1, 3, 6]  # three a month, those who arrived first
    waiting = np.setdiff1d(due, decided)
    assert (nc.decision_month[waiting] == m.month + 1).all()
    assert m.queue_counts["decisions_overdue"] == 5


def test_arrivals_of_one_month_differ_in_education(small):
    m = IntegrationModel(rng=6, **small)
    m.run_for(3)
    nc = m.nc
    for month in range(1, 3):
        cohort = nc.arrival_month[: nc.n] == month
        assert cohort.sum() >= 5
        assert np.unique(nc.education[: nc.n][cohort]).size >= 2  # each draws their own


def test_the_houses_overdue_are_the_permit_holders_ready_to_move_who_got_none(small):
    m = IntegrationModel(rng=7, asylum_wait_months=1.0, **small)
    m.run_for(6)
    nc = m.nc
    nc.partner[:] = -1  # nobody joins a partner's home: all need a house of their own
    waiting = np.flatnonzero(nc.phase == Phase.AWAITING_HOUSING)
    assert waiting.size >= 5
    nc.housed_month[waiting] = m.month  # all ready this month
    housed = asylum.house(m)
    left = np.count_nonzero(nc.phase[waiting] == Phase.AWAITING_HOUSING)
    assert m.queue_counts["houses_overdue"] == left == waiting.size - housed.size


def test_residents_of_an_emergency_location_are_moved_on_even_when_regular_relocations_are_off(small):
    m = IntegrationModel(rng=8, relocation_rate_per_year=0.0, emergency_relocation_rate_per_year=12.0, **small)
    m.run_for(4)
    nc = m.nc
    in_azc = np.flatnonzero(nc.phase <= Phase.AWAITING_HOUSING)
    nc.partner[:] = -1
    nc.in_emergency[:] = False
    emergency = in_azc[:20]
    nc.in_emergency[emergency] = True
    moved = asylum.relocate(m)
    assert moved.size >= 5 and set(moved) <= set(emergency)  # about 63% of them (12 a year), nobody else
