"""Programme effects as modifiers: programmes write declared columns, mechanisms read them (issue 23).

Each test sets a modifier by hand on newcomers in no programme at all and
checks the mechanism that reads it responds: the connection holds without
any mechanism asking which programme someone is in.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from model import IntegrationModel, activities, labour, language, modifiers, plans
from model.population import MARKET_COURSE, NO_COURSE, Education, Phase

ROOT = Path(__file__).resolve().parent.parent


def test_only_the_plan_asks_who_is_in_a_plan():
    readers = sorted(path.name for path in (ROOT / "model").glob("*.py")
                     if re.search(r"\bin_plan\b", path.read_text(encoding="utf-8")))
    assert readers == ["plans.py"]


def test_every_modifier_is_declared_with_a_reader_and_a_writer_in_the_table():
    doc = modifiers.__doc__
    for name in modifiers.NEWCOMER_STATE:
        row = next((line for line in doc.splitlines() if line.startswith(f"| ``{name}``")), None)
        assert row is not None, f"{name} is missing from the table in model/modifiers.py"
        kind = row.split("|")[2].strip()
        assert kind == ("monthly" if name in modifiers.MONTHLY else "lasting")


@pytest.fixture
def housed_model(small) -> IntegrationModel:
    """A small baseline model (no plan, no startpunt) with permit holders housed."""
    m = IntegrationModel(rng=4, **small)
    m.run_for(30)
    assert not m.nc.in_plan.any()
    return m


def test_a_plan_sets_its_offer_when_it_starts_and_clears_it_when_it_ends(small):
    m = IntegrationModel(policy="two_track", rng=1, plan_months=6, **small)
    m.run_for(30)
    nc = m.nc
    running, ended = nc.in_plan, (nc.plan_end_month >= 0) & ~nc.in_plan
    assert running.any() and ended.any()
    for name in ("job_coach", "course_arranged", "course_with_work", "fast_track", "course_aims_b1"):
        column = getattr(nc, name)
        assert column[running].all() and not column[ended].any(), name
    assert (nc.volunteer_offer[running] == plans.PLAN_VOLUNTEER_START).all()
    assert (nc.study_offer[running] == plans.PLAN_STUDY_START).all()
    assert (nc.volunteer_offer[ended] == 0.0).all() and (nc.study_offer[ended] == 0.0).all()


def test_a_job_coach_adds_know_how_and_makes_a_job_a_brokered_one(housed_model):
    m, nc = housed_model, housed_model.nc
    who = np.flatnonzero(nc.phase == Phase.HOUSED)
    nc.on_welfare[who] = True
    nc.housed_month[who] = m.month  # just housed: much to learn
    before, coached_before = labour.know_how(m, who), labour.brokered(m, who)
    assert not coached_before.any()
    nc.job_coach[who] = True
    assert labour.brokered(m, who).all()
    assert (labour.know_how(m, who) > before).all()


def test_guidance_adds_know_how_and_starts_each_month_at_nothing(housed_model):
    m, nc = housed_model, housed_model.nc
    who = np.flatnonzero(nc.phase == Phase.HOUSED)
    nc.housed_month[who] = m.month
    before = labour.know_how(m, who)
    nc.guidance[who] = 0.5
    nc.search_help[who] = True
    assert (labour.know_how(m, who) > before).all()
    modifiers.new_month(m)
    assert not nc.guidance.any() and not nc.search_help.any()


def test_a_course_combined_with_work_lifts_the_cap_on_hours(housed_model):
    m, nc = housed_model, housed_model.nc
    who = np.flatnonzero(nc.phase == Phase.HOUSED)
    nc.course_kind[who], nc.care_duties[who] = MARKET_COURSE, False
    assert (labour.hours_cap(m, who) == labour.COURSE_HOURS_CAP).all()
    nc.course_with_work[who] = True
    assert (labour.hours_cap(m, who) == labour.FULL_TIME_JOB_HOURS[1]).all()


def test_an_arranged_course_starts_before_housing_and_is_supervised(small):
    m = IntegrationModel(rng=2, **small)
    m.run_for(6)
    nc = m.nc
    waiting = np.flatnonzero((nc.phase == Phase.AWAITING_HOUSING) & (nc.course_kind == NO_COURSE)
                             & ~nc.in_emergency & ~nc.exam_passed)
    assert waiting.size
    nc.course_start_month[waiting] = m.month + 1
    m.month += 1
    language.enrol(m)
    assert (nc.course_kind[waiting] == NO_COURSE).all()  # on one's own: only once housed
    nc.course_arranged[waiting] = True
    language.enrol(m)
    started = waiting[nc.course_kind[waiting] != NO_COURSE]
    assert started.size and (nc.course_kind[started] != MARKET_COURSE).all()


def test_a_fast_track_gives_the_highly_educated_more_hours(housed_model):
    m, nc = housed_model, housed_model.nc
    who = np.flatnonzero(nc.phase == Phase.HOUSED)
    nc.course_kind[who], nc.education[who], nc.hours_per_week[who] = MARKET_COURSE, Education.HIGH, 0.0
    nc.extra_hours_left[who] = 0.0
    nc.loan_hours[who], nc.loan_eur[who] = 0.0, 0.0
    attendance = np.ones(nc.n)
    slow = language.learn(m, attendance, np.zeros(nc.n))[who]
    nc.course_kind[who], nc.loan_hours[who], nc.loan_eur[who] = MARKET_COURSE, 0.0, 0.0
    nc.fast_track[who] = True
    fast = language.learn(m, attendance, np.zeros(nc.n))[who]
    assert fast == pytest.approx(slow * language.FAST_TRACK_FACTOR)


def test_a_course_aiming_at_b1_goes_on_after_the_exam(housed_model):
    m, nc = housed_model, housed_model.nc
    who = np.flatnonzero(nc.phase == Phase.HOUSED)
    nc.course_kind[who], nc.exam_passed[who], nc.followup_months[who] = MARKET_COURSE, True, 0
    nc.education[who], nc.language_score[who] = Education.MIDDLE, 1.0
    keep = who[: who.size // 2]
    nc.course_aims_b1[keep] = True
    language.end_courses(m)
    assert (nc.course_kind[keep] == MARKET_COURSE).all()
    assert (nc.course_kind[np.setdiff1d(who, keep)] == NO_COURSE).all()


def test_offers_of_volunteering_and_study_are_taken_up(housed_model):
    m, nc = housed_model, housed_model.nc
    who = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.employed & ~nc.volunteering & ~nc.in_emergency)
    assert who.size >= 20
    nc.volunteer_offer[who] = 1.0
    activities.volunteer_and_train(m)
    # all start (a few stop again in the same month, at VOLUNTEER_STOP)
    assert nc.volunteering[who].mean() > 1.0 - 3 * activities.VOLUNTEER_STOP
    young = np.flatnonzero((nc.phase == Phase.HOUSED) & ~nc.employed & (nc.studying_months == 0)
                           & (m.ages() < activities.STUDY_MAX_AGE) & (nc.education < Education.HIGH))
    assert young.size >= 5
    nc.study_offer[young] = 1.0
    activities.go_to_school(m)
    assert (nc.studying_months[young] == activities.STUDY_MONTHS).all()
