"""Welfare, costs and wellbeing: household bijstand, public money, the vicious circle."""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, welfare, wellbeing


def test_bijstand_tops_up_a_household_to_the_norm():
    top = welfare.welfare_top_up(np.array([0.0, 0.0, 2000.0]), np.array([0.0, 2000.0, 0.0]),
                                 np.array([False, True, True]), True, True, False)
    assert top[0] == welfare.BIJSTAND_NORM_EUR
    assert top[1] == top[2] == 0.0  # a partner's full-time job lifts the household off welfare
    cut = welfare.welfare_top_up(np.array([0.0]), np.array([0.0]), np.array([False]), True, True, True)
    assert cut[0] < welfare.BIJSTAND_NORM_EUR
    assert welfare.welfare_top_up(np.array([0.0]), np.array([0.0]), np.array([False]), False, True, False)[0] == 0


def test_wellbeing_falls_with_waiting_debt_and_isolation_and_rises_with_work():
    target = wellbeing.wellbeing_target
    neutral = target(False, False, False, 0, False, False, False, False, False)
    assert target(False, True, False, 0, False, False, False, False, False) < neutral
    assert target(False, False, False, 4000, False, False, False, False, False) < neutral
    assert target(False, False, False, 0, True, False, False, False, False) < neutral
    assert target(False, False, False, 0, False, True, False, False, False) > neutral
    assert target(True, False, False, 0, False, False, False, False, False) < neutral
    assert target(False, False, False, 0, False, False, True, False, False) > neutral  # volunteering
    assert target(False, False, False, 0, False, False, False, True, False) > neutral  # the exam passed
    assert target(False, False, False, 0, False, False, False, False, True) < neutral  # a benefit cut
    assert target(False, False, True, 0, False, False, False, False, False) < neutral  # waiting for a house


def test_net_cost_by_payer_adds_up_and_gives_each_item_to_its_payer():
    costs = welfare.Costs(reception=100.0, bijstand=200.0, courses=50.0, courses_in_azc=20.0, loans_forgiven=7.0,
                          plans=30.0, fiscal_return=61.0)
    by_payer = welfare.net_cost_by_payer(costs)
    assert set(by_payer) == set(welfare.PAYERS)
    assert sum(by_payer.values()) == costs.public_cost - costs.fiscal_return
    revenue = welfare.COST_PAYERS["fiscal_return"].payer
    expected = {payer: 0.0 for payer in welfare.PAYERS}
    for item in ("reception", "bijstand", "courses", "loans_forgiven", "plans"):
        expected[welfare.COST_PAYERS[item].payer] += getattr(costs, item)
    expected[welfare.COST_PAYERS["courses"].payer] -= 20.0  # the azc lessons move to COA's payer
    expected[welfare.COST_PAYERS["courses_in_azc"].payer] += 20.0
    expected[revenue] -= 61.0
    assert by_payer == expected
    assert welfare.COST_PAYERS["courses"].payer != welfare.COST_PAYERS["courses_in_azc"].payer


def test_public_cost_and_return_accumulate(small):
    m = IntegrationModel(policy="all_proposals", rng=1, **small)
    m.run_for(60)
    df = m.model_table()
    assert (df["public_cost_eur"].diff().dropna() >= 0).all()
    assert (df["fiscal_return_eur"].diff().dropna() >= 0).all()
    c = m.costs
    assert c.reception > 0 and c.bijstand > 0 and c.startpunten > 0 and c.plans > 0 and c.courses > 0
    assert np.isclose(df["public_cost_eur"].iloc[-1], c.public_cost)


def test_low_wellbeing_slows_learning_and_search(small):
    from model import labour, language

    assert language.learnability(2, True, 30, 0.1) < language.learnability(2, True, 30, 0.9)
    m = IntegrationModel(rng=2, **small)
    m.run_for(40)
    who = np.flatnonzero(m.nc.in_labour_force & ~m.nc.homemaker)  # the others never look
    m.nc.wellbeing[: m.nc.n] = 0.9
    high = labour.search_effort(m, who)
    m.nc.wellbeing[: m.nc.n] = 0.1
    low = labour.search_effort(m, who)
    assert (low < high).all()


def test_debt_weighs_on_wellbeing_up_to_its_scale_and_no_more():
    def target(debt):
        return wellbeing.wellbeing_target(False, False, False, debt, False, False, False, False, False)

    scale = wellbeing.DEBT_SCALE_EUR
    assert target(0.0) > target(scale / 2) > target(scale) == target(3 * scale)
    assert np.isclose(target(scale), target(0.0) + wellbeing.DEBT)


def test_each_month_adds_its_bijstand_and_its_placements_to_the_running_costs(small):
    from model.population import Phase

    m = IntegrationModel(rng=3, **small)
    m.run_for(30)
    nc, costs = m.nc, m.costs
    housed = np.flatnonzero(nc.phase == Phase.HOUSED)
    assert housed.size >= 5
    nc.placement_months[:] = 0
    nc.studying_months[housed] = 0
    earnings, hours = np.zeros(nc.n), np.zeros(nc.n)  # nobody earns: the housed are on bijstand
    bijstand, placements = costs.bijstand, costs.placements
    welfare.pay_and_count(m, earnings, hours)
    month = costs.bijstand - bijstand
    assert month > 0 and costs.placements == placements  # nobody in a placement costs nothing
    nc.placement_months[housed[:3]] = 2  # three in a placement
    welfare.pay_and_count(m, earnings, hours)
    assert np.isclose(costs.bijstand - bijstand, 2 * month)
    assert costs.placements - placements == 3 * welfare.PLACEMENT_EUR_PER_MONTH


def _quiet_month(small, **params):
    """A small model six months on, with everyone set by hand to housed, single, idle and earning nothing."""
    from model.population import Phase

    m = IntegrationModel(rng=3, **params, **small)
    m.run_for(6)
    nc = m.nc
    nc.phase[:] = Phase.HOUSED
    nc.partner[:] = -1
    nc.studying_months[:] = 0
    nc.benefit_cut_months[:] = 0
    nc.placement_months[:] = 0
    nc.has_childcare[:] = False
    nc.employed[:] = False
    assert (m.ages() < welfare.PENSION_AGE).all() and nc.n >= 10
    return m, np.zeros(nc.n), np.zeros(nc.n)


def test_reception_is_paid_for_asylum_seekers_and_for_permit_holders_still_waiting_for_a_house(small):
    from model.population import Phase

    m, earnings, hours = _quiet_month(small)
    m.nc.phase[:3] = Phase.ASYLUM
    m.nc.phase[3:5] = Phase.AWAITING_HOUSING  # a permit, but still in the azc
    m.nc.phase[5] = Phase.DEPARTED
    before = m.costs.reception
    welfare.pay_and_count(m, earnings, hours)
    assert m.costs.reception - before == 5 * welfare.RECEPTION_EUR_PER_MONTH


def test_childcare_is_paid_for_a_child_under_school_age_only_while_the_parent_stays(small):
    from model.households import SCHOOL_AGE_MONTHS
    from model.population import Phase

    m, earnings, hours = _quiet_month(small)
    nc = m.nc
    nc.has_childcare[:3] = True
    nc.youngest_child_month[:3] = m.month - 12  # a toddler
    nc.youngest_child_month[1] = m.month - SCHOOL_AGE_MONTHS  # off to school: no childcare
    nc.phase[2] = Phase.DEPARTED  # left the country
    before = m.costs.childcare
    welfare.pay_and_count(m, earnings, hours)
    assert m.costs.childcare - before == welfare.CHILDCARE_EUR_PER_MONTH  # the first one's only


def test_the_wage_subsidy_pays_for_the_first_year_of_a_job_and_not_after(small):
    m, earnings, hours = _quiet_month(small, employer_subsidy=0.5)
    nc = m.nc
    nc.employed[:2] = True
    nc.job_start_month[0] = m.month - 2  # a new job
    nc.job_start_month[1] = m.month - welfare.SUBSIDY_MONTHS  # a year old: no more subsidy
    earnings[:2] = 1000.0
    before = m.costs.subsidies
    welfare.pay_and_count(m, earnings, hours)
    assert np.isclose(m.costs.subsidies - before, 0.5 * 1000.0)


def test_an_asylum_seeker_hands_coa_the_part_of_earnings_not_kept_on_top_of_taxes(small):
    from model.population import Phase

    m, earnings, hours = _quiet_month(small, asylum_earnings_kept=0.25)
    m.nc.phase[0] = Phase.ASYLUM
    earnings[:2] = 1000.0  # one asylum seeker, one housed permit holder
    before = m.costs.fiscal_return
    welfare.pay_and_count(m, earnings, hours)
    asylum_seeker = 1000.0 * (welfare.FISCAL_SHARE + 0.75 * welfare.NET_SHARE)
    assert np.isclose(m.costs.fiscal_return - before, asylum_seeker + 1000.0 * welfare.FISCAL_SHARE)


def test_any_top_up_however_small_counts_as_being_on_welfare(small):
    m, earnings, hours = _quiet_month(small)
    earnings[0] = (welfare.BIJSTAND_NORM_EUR - 0.5) / welfare.NET_SHARE  # 50 cents short of the norm
    earnings[1] = (welfare.BIJSTAND_NORM_EUR + 0.5) / welfare.NET_SHARE  # 50 cents above it
    welfare.pay_and_count(m, earnings, hours)
    assert m.nc.on_welfare[0] and not m.nc.on_welfare[1]
    assert m.nc.on_welfare[2:].all()  # nobody else earns
