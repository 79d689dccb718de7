"""Waiting costs, programmes fade, work comes first in small jobs, and nobody exceeds the ceiling.

Unit tests pin each mechanism on a small model; the scenario tests run the
default-size world over several seeds with common random numbers and check
the patterns of the effect bands of ``model/data/targets.csv`` by months since the permit.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from experiments.runner import run_simulation
from model import IntegrationModel, labour, scarring
from model.calibration import SCENARIOS, _window
from model.population import Phase

SEEDS = range(6)


# --- mechanisms ----------------------------------------------------------------


def test_idle_months_scar_and_a_work_ban_scars_most(small):
    m = IntegrationModel(rng=3, work_access_month=60, idle_weight_with_work_right=0.25, **small)
    m.run_for(4)
    nc = m.nc
    asylum = (nc.phase == Phase.ASYLUM) & ~scarring.active(m)
    assert asylum.any()
    before = nc.idle_scar.copy()
    m.work_access_month = 0  # the ban is lifted: an idle month now counts a quarter
    scarring.accumulate(m, np.zeros(0, dtype=np.int64))
    lifted = nc.idle_scar - before
    assert np.allclose(lifted[asylum], 0.25)
    m.work_access_month = 60
    before = nc.idle_scar.copy()
    scarring.accumulate(m, np.zeros(0, dtype=np.int64))
    banned = nc.idle_scar - before
    assert np.allclose(banned[asylum & scarring.barred_from_work(m)], 1.0)


def test_activity_heals_the_scar_and_the_scar_lowers_employability(small):
    m = IntegrationModel(rng=3, scar_recovery_rate=0.5, **small)
    m.run_for(2)
    nc = m.nc
    who = np.arange(nc.n)
    nc.idle_scar[who] = 6.0
    nc.volunteering[who] = True
    scarring.accumulate(m, np.zeros(0, dtype=np.int64))
    present = nc.phase != Phase.DEPARTED
    assert np.allclose(nc.idle_scar[present], 5.5)
    nc.idle_scar[who[:2]] = [0.0, 24.0]
    fresh, scarred = scarring.employability(m, who[:2])
    assert fresh == 1.0 and scarred == pytest.approx(np.exp(-2 * m.scarring_per_idle_year))


def test_know_how_catches_up_and_a_broker_cannot_lift_it_above_full(small):
    m = IntegrationModel(rng=2, catch_up_months=24, know_how_at_start=0.2, plan_brokerage=1.0, **small)
    m.run_for(30)
    nc = m.nc
    housed = np.flatnonzero(nc.phase == Phase.HOUSED)
    assert housed.size
    own = labour.know_how(m, housed)
    settled = m.month - nc.housed_month[housed]
    assert np.allclose(own, 0.2 + 0.8 * np.minimum(1.0, settled / 24))
    nc.job_coach[housed] = True  # what a plan offers (model.modifiers)
    nc.on_welfare[housed] = True  # a coach works with those on bijstand once housed
    coached = labour.know_how(m, housed)
    assert (coached >= own).all() and (coached <= 1.0 + 1e-12).all()
    # The broker's lift shrinks with time settled: gone once one knows one's way.
    lift = coached - own
    assert lift[settled >= 24].max(initial=0.0) == pytest.approx(0.0)
    assert lift[settled < 6].min() > lift[settled >= 24].max(initial=0.0)


def test_brokered_jobs_are_part_time_more_often(small):
    def fulltime_share(brokered: bool) -> float:
        m = IntegrationModel(rng=5, brokered_fulltime_factor=0.2, **small)
        m.run_for(24)
        nc = m.nc
        who = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.employed)
        nc.course_kind[who] = 0
        nc.care_duties[who] = False
        labour.start_jobs(m, who, np.zeros(who.size, dtype=np.int64), np.zeros(who.size, dtype=np.int64), brokered)
        return float((nc.hours_per_week[who] >= 35).mean())

    assert fulltime_share(True) < 0.6 * fulltime_share(False)


def test_working_costs_course_hours(small):
    m = IntegrationModel(rng=4, work_course_conflict=0.5, **small)
    m.run_for(20)
    nc = m.nc
    who = np.flatnonzero(nc.course_kind != 0)
    assert who.size >= 2
    nc.hours_per_week[who] = 0.0
    nc.hours_per_week[who[0]] = 38.0
    attended = m.nc.course_hours[who].copy()
    from model import language

    language.learn(m, np.ones(nc.n), np.zeros(nc.n))
    got = nc.course_hours[who] - attended
    others = got[1:][got[1:] > 0]
    assert others.size, "nobody else attended a class this month"
    assert got[0] / others.mean() == pytest.approx(0.5, rel=0.3)


def test_those_outside_the_labour_force_never_look_for_work(small):
    m = IntegrationModel(rng=6, share_outside_labour_force=0.5, **small)
    m.run_for(60)
    nc = m.nc
    outside = ~nc.in_labour_force
    assert 0.35 < outside.mean() < 0.65
    assert not nc.employed[outside].any()


# --- measured effect patterns, default size, common random numbers ---------------


@cache
def employment(scenario: str, low: int, high: int) -> np.ndarray:
    """Share employed among adult permit holders low..high months after the permit, per seed.

    ``scenario`` is one of validate's (`model.calibration.SCENARIOS`), run for as long as validate runs it.
    """
    return np.array([_window(tables(scenario, seed), low, high)["employed"].mean() for seed in SEEDS])


@cache
def tables(scenario: str, seed: int) -> pd.DataFrame:
    s = SCENARIOS[scenario]
    return run_simulation(s.policy, seed, s.months / 12, s.params({}), 6).newcomers


@pytest.mark.scenario
def test_a_longer_asylum_wait_lowers_employment_three_to_five_years_later():
    # The shipped defaults put this cost at the mild end of its band (wait_cost, -0.016 over 20 seeds in
    # docs/validation); on 6 seeds the test asks for the direction, the slow validate test for the band.
    gap = employment("longer_wait", 36, 60) - employment("baseline", 36, 60)
    assert gap.mean() < 0 and (gap < 0).sum() >= 3, gap


@pytest.mark.scenario
def test_a_later_right_to_work_lowers_employment():
    early = employment("later_work_access", 36, 72) - employment("baseline", 36, 72)
    assert early.mean() < 0 and (early < 0).sum() >= 4, early  # at the mild end of its band, as the wait


@pytest.mark.xfail(strict=True, reason="access_gap_narrows is missed by the shipped, unconverged posterior "
                                       "(docs/ODD.md 10a; tests/test_cli.py MISSED_AT_THE_EDGE)")
def test_the_gap_of_a_later_right_to_work_narrows():
    early = employment("later_work_access", 36, 72) - employment("baseline", 36, 72)
    late = employment("later_work_access", 96, 120) - employment("baseline", 96, 120)
    assert late.mean() > early.mean()


@pytest.mark.scenario
def test_a_plans_advantage_fades_as_the_others_catch_up():
    years_2_3 = employment("plan", 24, 36) - employment("baseline", 24, 36)
    years_7_9 = employment("plan", 84, 108) - employment("baseline", 84, 108)
    assert years_2_3.mean() > 0.05
    assert years_7_9.mean() < years_2_3.mean() - 0.05
