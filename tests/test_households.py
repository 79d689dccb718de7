"""Households and who works: partners, children, care, childcare, the homemaker role, bijstand per household.

Mechanisms are tested as functions and at their call sites in a month of the
model; the scenario tests at the end run the default world with common random
numbers (seed i is the same people in every variant) and check that the
mechanisms add up to what the Dutch studies report.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from model import IntegrationModel, exam, households, labour, welfare
from model.population import Phase


def _housed(model) -> np.ndarray:
    return np.flatnonzero(model.nc.phase == Phase.HOUSED)


def _couple(model) -> tuple[int, int]:
    """A housed couple (woman, man) of the model."""
    nc = model.nc
    women = _housed(model)[nc.female[_housed(model)]]
    partner = nc.partner[women]
    both = (partner >= 0) & (nc.phase[np.maximum(partner, 0)] == Phase.HOUSED)
    woman = int(women[both][0])
    return woman, int(nc.partner[woman])


# --- bijstand is a household benefit -------------------------------------------------


def test_a_household_leaves_welfare_when_one_partner_earns_enough():
    full_time = 38 * 4.33 * 14.0  # a full-time job at a middle wage, gross per month
    top_up = welfare.welfare_top_up(np.array([full_time, 0.0]), np.array([0.0, full_time]),
                                    in_couple=True, housed=True, adult=True, cut=False)
    assert (top_up == 0).all()
    # The same earnings do not lift a couple that has none of them, and a single adult without work gets the norm.
    assert (welfare.welfare_top_up(np.zeros(2), np.zeros(2), True, True, True, False) > 0).all()
    single = welfare.welfare_top_up(np.array([0.0]), np.array([0.0]), False, True, True, False)
    assert single[0] == pytest.approx(welfare.BIJSTAND_NORM_EUR)


def test_the_partner_of_an_earner_is_off_bijstand_and_loses_the_municipal_coach(small):
    m = IntegrationModel(rng=2, municipal_direction=True, **small)
    m.run_for(40)
    woman, man = _couple(m)
    nc = m.nc
    pair = np.array([woman, man])
    labour.lose_jobs(m, pair[nc.employed[pair]])
    nc.studying_months[pair] = 0
    nc.benefit_cut_months[pair] = 0
    earnings = np.zeros(nc.n)
    welfare.pay_and_count(m, earnings, np.zeros(nc.n))
    assert nc.on_welfare[woman] and nc.on_welfare[man]
    assert labour.brokered(m, np.array([woman]))[0]  # coached while the household is on bijstand
    earnings[man] = 38 * 4.33 * 14.0
    welfare.pay_and_count(m, earnings, np.zeros(nc.n))
    assert not nc.on_welfare[woman] and not nc.on_welfare[man]
    assert not labour.brokered(m, np.array([woman]))[0]  # ... and no longer once he earns enough


# --- children, care and childcare ----------------------------------------------------


def _willing_workers(small: dict, seed: int) -> tuple[IntegrationModel, np.ndarray]:
    """A model after 40 months and 20 housed permit holders who would work, with nothing in their way."""
    m = IntegrationModel(rng=seed, **small)
    m.run_for(40)
    who = _housed(m)[:20]
    m.nc.in_labour_force[who] = True
    m.nc.homemaker[who] = False
    m.nc.care_duties[who] = False
    return m, who


def _parents_of_a_toddler_without_childcare(small):
    """Willing workers who care for a one-year-old and have no childcare (care duties set)."""
    m, who = _willing_workers(small, 3)
    nc = m.nc
    nc.carer[who] = True
    nc.has_childcare[who] = False
    nc.youngest_child_month[who] = m.month - 12
    households.tend_children(m)
    return m, who


def test_childcare_lifts_care_duties_and_with_them_the_limits_on_work(small):
    m, who = _parents_of_a_toddler_without_childcare(small)
    nc = m.nc
    nc.course_kind[who] = 0  # no course capping the hours either
    assert nc.care_duties[who].all()
    effort_caring, cap_caring = labour.search_effort(m, who), labour.hours_cap(m, who)
    households.arrange_childcare(m, who)
    assert not nc.care_duties[who].any() and nc.has_childcare[who].all()
    assert (labour.search_effort(m, who) > effort_caring).all()
    assert (labour.hours_cap(m, who) > cap_caring).all()
    # Care ends when the child goes to school (at four), for a parent with a partner.
    nc.has_childcare[who] = False
    nc.partner[who] = np.roll(who, 1)  # (a partner here)
    nc.youngest_child_month[who] = m.month - households.SCHOOL_AGE_MONTHS
    households.tend_children(m)
    assert not nc.care_duties[who].any()


def test_a_homemaker_does_not_look_for_work_until_encouraged(small):
    m, who = _willing_workers(small, 4)
    nc = m.nc
    nc.homemaker[who] = True
    assert (labour.search_effort(m, who) == 0).all()
    started = households.encourage_work(m, who, chance=1.0)
    assert set(started) == set(who)
    assert (labour.search_effort(m, who) > 0).all()


def test_a_plan_with_gender_specific_attention_arranges_childcare_and_reaches_out(small):
    for attention in (False, True):
        m = IntegrationModel(rng=5, personal_plan=True, plan_gender_attention=attention, childcare_access=0.0,
                             **small)
        m.run_for(30)
        nc = m.nc
        young = households.young_child(m, np.arange(nc.n)) & nc.in_plan
        if attention:
            assert young.any() and nc.has_childcare[young].all()
        else:
            assert not nc.has_childcare[young].any()


def test_women_in_a_couple_have_children_here(small):
    m = IntegrationModel(rng=6, **small)
    m.run_for(13)
    m.run_for(48)
    nc = m.nc
    born_here = nc.youngest_child_month > 13
    assert born_here.any()
    assert nc.female[born_here].all() and nc.carer[born_here].all()
    assert (nc.partner[born_here] >= 0).all()
    assert (nc.household_kind[born_here] == households.COUPLE_WITH_CHILDREN).all()


def test_the_arrivals_look_like_the_dutch_asylum_inflow():
    m = IntegrationModel(rng=7)
    m.run_for(13)
    nc = m.nc
    applicants = ~nc.nareiziger
    assert abs(nc.female[applicants].mean() - households.SHARE_FEMALE_APPLICANTS) < 0.05
    kinds = np.bincount(nc.household_kind[applicants], minlength=len(households.HOUSEHOLD_KINDS)) / applicants.sum()
    assert (kinds > 0.02).all()  # every kind of household occurs
    # Women have less schooling than men (SCP 2018): more without any, fewer with a degree.
    assert (nc.education[nc.female] == 0).mean() > (nc.education[~nc.female] == 0).mean()
    assert (nc.education[nc.female] == 3).mean() < (nc.education[~nc.female] == 3).mean()
    m.run_for(36)
    followed = nc.nareiziger
    assert 0.1 < followed.mean() < 0.35
    assert nc.female[followed].mean() > 0.9  # mostly wives who follow their husband


# --- households on arrival, partners who follow, the homemaker role ----------------------------


@pytest.fixture
def arrived(small) -> IntegrationModel:
    """A model after a year: some 150 arrivals whose households can be drawn again by hand."""
    m = IntegrationModel(rng=41, **small)
    m.run_for(12)
    return m


def test_only_a_woman_who_arrived_with_her_partner_takes_the_homemaker_role(arrived):
    m, nc = arrived, arrived.nc
    m.share_homemaker = 1.0  # every woman in a couple who can take it
    rows = slice(0, nc.n)
    households.draw_households(m, rows, nc.female[rows])
    homemaker = nc.homemaker[rows]
    assert homemaker.sum() >= 5
    assert (nc.female[rows] & (nc.partner[rows] >= 0))[homemaker].all()


def test_the_youngest_child_is_up_to_eight_years_old_on_arrival(arrived):
    m, nc = arrived, arrived.nc
    rows = slice(0, nc.n)
    ages = []
    for _ in range(4):  # a few draws of the same arrivals, for enough children
        households.draw_households(m, rows, nc.female[rows])
        youngest = nc.youngest_child_month[rows]
        ages.append(m.month - youngest[youngest != households.NO_CHILD])
    ages = np.concatenate(ages)
    low, high = households.YOUNGEST_CHILD_YEARS
    assert ages.size > 100
    assert ages.min() >= 12 * low and ages.max() <= 12 * high  # months
    assert ages.max() > 12 * high - 6  # over the whole range


def test_a_partner_who_follows_is_an_adult_and_a_carer_only_as_a_mother_of_the_children(arrived):
    m, nc = arrived, arrived.nc
    sponsors, joined = np.arange(0, 12), np.arange(20, 32)
    nc.partner[sponsors] = -1
    nc.female[sponsors], nc.female[joined] = False, True
    nc.female[sponsors[-2:]], nc.female[joined[-2:]] = True, False  # two women whose husbands follow
    nc.age_at_arrival[sponsors] = 18.0  # the youngest sponsors: the partner may be younger still
    nc.arrival_month[sponsors] = m.month
    children = np.arange(12) % 2 == 0
    nc.children_follow[sponsors] = children
    households.join_sponsors(m, slice(20, 32), sponsors)
    age = nc.age_at_arrival[joined]
    assert age.min() == 18.0 and (age >= 18.0).all()  # a partner younger than 18 is 18
    assert list(nc.carer[joined]) == list(children & nc.female[joined])
    assert (nc.youngest_child_month[joined] != households.NO_CHILD).tolist() == children.tolist()


def test_the_homemaker_role_ends_when_the_partner_is_not_here(arrived):
    m, nc = arrived, arrived.nc
    who = np.arange(10)
    nc.phase[who] = Phase.HOUSED
    nc.female[who] = True
    nc.homemaker[who] = True
    nc.partner[who] = np.where(who < 5, -1, who + 20)  # the first five without a partner here
    households.tend_children(m)
    assert not nc.homemaker[who[:5]].any()
    assert nc.homemaker[who[5:]].sum() >= 3  # the others keep it (it loosens by a few percent a year)



# --- scenarios: the default world, common random numbers -------------------------------------

SEEDS = range(6)


@cache
def _employment_by_sex(seed: int, **levers) -> tuple[float, float]:
    """Women's and men's employment, averaged over months 36-72 of the default world."""
    m = IntegrationModel(rng=seed, **levers)
    m.run_for(35)
    women, men = [], []
    for _ in range(37):
        m.step()
        nc = m.nc
        adult = (nc.permit_month >= 0) & (nc.phase != Phase.DEPARTED) & (m.ages() < 65)
        women.append(nc.employed[adult & nc.female].mean())
        men.append(nc.employed[adult & ~nc.female].mean())
    return float(np.mean(women)), float(np.mean(men))


@pytest.mark.scenario
def test_more_childcare_means_more_women_in_work():
    gain = np.array([_employment_by_sex(s, childcare_access=1.0)[0] - _employment_by_sex(s, childcare_access=0.0)[0]
                     for s in SEEDS])
    assert gain.mean() > 0.02 and (gain > 0).all(), gain


@pytest.mark.scenario
def test_a_plan_with_gender_specific_attention_narrows_the_gap():
    def gap(seed, attention):
        women, men = _employment_by_sex(seed, personal_plan=True, plan_gender_attention=attention)
        return men - women

    narrower = np.array([gap(s, False) - gap(s, True) for s in SEEDS])
    assert narrower.mean() > 0.03 and (narrower > 0).all(), narrower


@pytest.mark.scenario
def test_women_work_far_less_than_men_under_the_2013_law():
    ratio = np.array([w / m for w, m in (_employment_by_sex(s) for s in SEEDS)])
    assert 0.2 < ratio.mean() < 0.6, ratio


def test_a_parent_without_childcare_attends_fewer_classes_and_childcare_restores_them(small):
    m, who = _parents_of_a_toddler_without_childcare(small)
    caring = exam.attendance(m)[who]
    households.arrange_childcare(m, who)
    with_childcare = exam.attendance(m)[who]
    assert np.allclose(caring, with_childcare * exam.CARE_ATTENDANCE)
