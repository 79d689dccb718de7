"""Language: courses raise it, relocations interrupt them, regimes decide when and how good."""

from __future__ import annotations

import numpy as np

from model import IntegrationModel, asylum, language
from model.population import AZC_COURSE, MARKET_COURSE, NO_COURSE, SUPERVISED_COURSE, Phase


def test_a_course_raises_language_and_more_hours_raise_it_more():
    score = np.zeros(3)
    gain = language.monthly_language_gain(score, np.array([0.0, 20.0, 40.0]), 0.0, 1.0, 0.01, 0.0)
    assert gain[0] == 0 and 0 < gain[1] < gain[2]


def test_returns_diminish_with_level_and_with_intensity():
    low, high = language.monthly_language_gain(np.array([0.0, 3.0]), 30.0, 0.0, 1.0, 0.01, 0.0)
    assert high < low
    assert np.isclose(language.intensity_adjusted(40.0), 40.0)
    assert language.intensity_adjusted(80.0) < 80.0


def test_learnability_rewards_education_and_reading_and_wellbeing():
    base = language.learnability(2, True, 30.0, 0.6)
    assert language.learnability(3, True, 30.0, 0.6) > base > language.learnability(0, True, 30.0, 0.6)
    assert language.learnability(2, False, 30.0, 0.6) < base
    assert language.learnability(2, True, 55.0, 0.6) < base
    assert language.learnability(2, True, 30.0, 0.2) < base


def test_cefr_levels():
    assert list(language.cefr_level(np.array([0.2, 1.0, 2.5, 3.99, 5.9]))) == [0, 1, 2, 3, 5]


def _learn_one_month(model, who_in_course: bool):
    nc = model.nc
    rows = np.arange(nc.n)
    nc.course_kind[rows] = MARKET_COURSE if who_in_course else NO_COURSE
    nc.course_quality[rows] = 0.6
    before = nc.language_score.copy()
    language.learn(model, np.ones(nc.n), np.zeros(nc.n))
    return nc.language_score - before


def test_course_hours_raise_language_in_the_model(small):
    m = IntegrationModel(rng=1, **small)
    m.run_for(3)
    with_course = _learn_one_month(m, True)
    m2 = IntegrationModel(rng=1, **small)
    m2.run_for(3)
    without = _learn_one_month(m2, False)
    present = m.nc.phase != Phase.DEPARTED
    assert (with_course[present] > without[present]).all()


def test_relocation_interrupts_the_course(small):
    m = IntegrationModel(policy="early_language", rng=2, relocation_rate_per_year=6.0, **small)
    m.run_for(4)
    nc = m.nc
    in_course = np.flatnonzero((nc.course_kind == AZC_COURSE) & (nc.phase == Phase.ASYLUM))
    assert in_course.size > 0
    moved = asylum.relocate(m)
    interrupted = np.intersect1d(moved, in_course)
    assert interrupted.size > 0
    assert (nc.course_kind[interrupted] == NO_COURSE).all()
    assert (nc.course_start_month[interrupted] == m.month + asylum.RELOCATION_COURSE_GAP).all()


def test_baseline_has_no_lessons_before_the_permit_early_language_has(small):
    base = IntegrationModel(rng=3, **small)
    early = IntegrationModel(policy="early_language", rng=3, **small)
    base.run_for(6)
    early.run_for(6)
    asylum_base = base.nc.phase == Phase.ASYLUM
    asylum_early = early.nc.phase == Phase.ASYLUM
    assert (base.nc.course_hours[asylum_base] == 0).all()
    kansrijk = early.nc.kansrijk & asylum_early
    assert early.nc.course_hours[kansrijk].mean() > 0
    assert (early.nc.course_hours[asylum_early & ~early.nc.kansrijk] == 0).all()


def test_market_courses_stop_when_the_loan_runs_out(small):
    m = IntegrationModel(rng=4, course_loan_eur=500.0, **small)
    m.run_for(60)
    nc = m.nc
    assert nc.loan_hours.max() <= 500.0 / language.COURSE_PRICE_EUR_PER_HOUR + 80
    spent = nc.loan_hours * language.COURSE_PRICE_EUR_PER_HOUR >= 500.0
    assert spent.any()
    assert not (nc.course_kind[spent] == MARKET_COURSE).any()


def test_municipal_direction_gives_supervised_courses_soon_after_housing(small):
    m = IntegrationModel(rng=5, municipal_direction=True, **small)
    base = IntegrationModel(rng=5, **small)
    m.run_for(40)
    base.run_for(40)
    kinds = m.nc.course_kind
    assert (kinds[kinds != NO_COURSE] == SUPERVISED_COURSE).all()
    assert not (base.nc.course_kind == SUPERVISED_COURSE).any()
    housed = lambda model: model.nc.phase == Phase.HOUSED  # noqa: E731
    assert (m.nc.course_hours[housed(m)].mean() > base.nc.course_hours[housed(base)].mean())


def test_literacy_classes_teach_reading(small):
    m = IntegrationModel(rng=6, personal_plan=True, **small)
    m.run_for(13)  # everyone has arrived
    illiterate_at_start = ~m.nc.literate.copy()
    m.run_for(50)
    permit = m.nc.phase[: illiterate_at_start.size] == Phase.HOUSED  # (family members arrived since)
    assert illiterate_at_start.any()
    assert m.nc.literate[: permit.size][illiterate_at_start & permit].mean() > 0.5


def test_older_learners_gain_less_from_the_same_course_month_and_only_through_age(small):
    """The call site: `learn` passes each newcomer's age, so age slows learning in the model itself."""
    gains = {}
    for decline in (0.035, 0.0):
        m = IntegrationModel(rng=4, age_learning_decline=decline, **small)
        m.run_for(3)
        nc = m.nc
        present = np.flatnonzero(nc.phase != Phase.DEPARTED)[:20]
        nc.language_score[present] = 1.0  # the same learner in every way but age
        nc.education[present], nc.literate[present], nc.wellbeing[present] = 2, True, 0.6
        nc.age_at_arrival[present] = np.where(np.arange(present.size) % 2 == 0, 22.0, 50.0)
        nc.arrival_month[present] = m.month
        m._ages_at = None  # ages were computed before the state was set by hand
        gain = _learn_one_month(m, True)[present]
        gains[decline] = (gain[0::2].mean(), gain[1::2].mean())
    young, old = gains[0.035]
    assert old < 0.5 * young, "25 years older than learning age 25 at 3.5%/year: about 0.42 of the gain"
    young0, old0 = gains[0.0]
    assert np.isclose(old0, young0, rtol=1e-9), "without the age decline, age makes no difference"
