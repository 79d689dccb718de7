"""Language: who is in which course, and how much Dutch a month of life adds.

Language is a score on the CEFR scale: 0 = A0, 1 = A1, 2 = A2, 3 = B1, 4 = B2,
5 = C1 (the level is the integer part). A month adds

    course:   rate * effective hours * learnability * exp(-score / (LANGUAGE_SCALE * schooling))
    practice: practice_rate * practice * learnability * exp(-score / PRACTICE_SCALE)

where effective hours are attended hours, with diminishing returns to
intensity within a month, times course quality. Hours count with diminishing
returns over time too (the exp term), sooner for those with little schooling
(``schooling`` is the education factor of `learnability`); the rate is calibrated so that 100
extra course hours give about +8.5% proficiency (Foged & van der Werf 2023).
When courses start and how good they are depends on the regime:

* 2013 (study §3.2 Probleem 1, note 57): only after the permit and the house,
  self-found on a market of uneven quality, paid with a DUO loan that runs out.
* ``language_from_arrival``: lessons in the reception centre for kansrijk
  asylum seekers (study §3.4 I, notes 71–73); a relocation breaks them off.
* ``municipal_direction``: the municipality matches a course to the
  newcomer's level soon after housing and supervises its quality (study §3.4 III).
* ``personal_plan``: tailored from the permit on: literacy classes first for
  those who cannot read, a fast track for the highly educated (study §3.4 I).
* startpunten: a free course at every level for anyone who comes by (study §3.4 II).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.capacity import first_in_line, in_agents
from model.fastnp import clip, flatnonzero
from model.metric import Metric
from model.population import (
    A2_LEVEL,
    AZC_COURSE,
    B1_LEVEL,
    FULL_WEEK_HOURS,
    MARKET_COURSE,
    NO_COURSE,
    SUPERVISED_COURSE,
    Education,
    Phase,
)
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "age_learning_decline", "azc_course_hours_per_month", "course_hours_per_month",
    "course_loan_eur", "course_places", "course_search_months", "language_from_arrival",
    "language_learning_rate", "market_course_quality", "municipal_direction", "practice_daily_life",
    "practice_placement_weight", "practice_rate", "practice_tie_weight",
    "practice_volunteer_weight", "practice_work_weight", "supervised_course_quality",
    "work_course_conflict",
)

LANGUAGE_SCALE = 2.0  # score at which course gains have fallen to 1/e of a beginner's
PRACTICE_SCALE = 5.0  # the same for everyday practice: immersion keeps paying at higher levels
MAX_SCORE = 5.99  # top of C1: the scale ends there
EDUCATION_LEARNABILITY = np.array([0.6, 0.85, 1.0, 1.2])  # by education: none, low, middle, high
ILLITERATE_LEARNABILITY = 0.35  # assumption: without reading, classes teach little
AZC_COURSE_QUALITY = 0.65  # assumption: lessons by COA and volunteers, small groups
MARKET_QUALITY_SPREAD = 0.3  # market quality is uniform in mean +/- this (uneven, study §3.2 Probleem 1)
COURSE_PRICE_EUR_PER_HOUR = 10.0  # assumption: EUR 10,000 loan buys ~1,000 hours
FAST_TRACK_FACTOR = 1.5  # plan: intensive course for the highly educated (study §3.4 I)
LITERACY_MONTHS = {"supervised": 9, "market": 30}  # months of classes to learn to read
EXTRA_HOURS_PER_MONTH = 25.0  # how fast `extra_course_hours` are delivered
INTENSITY_EXPONENT = 0.95  # within a month, hours beyond a regular course count less (fatigue)
REFERENCE_HOURS = 40.0  # hours/month at which an hour counts fully
COURSE_QUALITY_EFFECT = 0.3  # how much a municipality's implementation quality shows in its courses
LEARNING_AGE = 25.0  # learning slows with each year of age after this (Schepens, van Hout & van der Slik 2022)
WELLBEING_LEARNING = (0.5, 0.5)  # learnability factor = a + b * wellbeing: low wellbeing takes up to half
MIN_COURSE_QUALITY = 0.05  # even the worst course teaches a little

# Dutch and the courses that teach it (see model.state).
NEWCOMER_STATE = {
    "language_score": StateColumn(np.float64, 0.0, "Dutch on the CEFR scale, 0 = A0 ... 5 = C1", "score 0-6"),
    "course_kind": StateColumn(np.int8, NO_COURSE, "course now: none, azc, market or supervised", "course kind 0-3"),
    "course_quality": StateColumn(np.float64, 0.0, "quality of the course now", "0-1"),
    "course_start_month": StateColumn(np.int32, -1, "model month a pending course starts (-1: none pending)", "model month"),
    "course_hours": StateColumn(np.float64, 0.0, "course hours attended so far", "hours"),
    "supervised_months": StateColumn(np.int32, 0, "months of publicly paid, supervised courses so far", "months"),
    "loan_hours": StateColumn(np.float64, 0.0, "market-course hours bought with the DUO loan so far", "hours"),
    "loan_eur": StateColumn(np.float64, 0.0, "DUO loan outstanding: forgiven if passed on time, else repayable", "EUR"),
    "extra_hours_left": StateColumn(np.float64, 0.0, "extra course hours offered and not yet taken", "hours"),
    "literacy_progress": StateColumn(np.float64, 0.0, "progress of literacy classes (reads at 1)", "0-1"),
    "followup_months": StateColumn(np.int32, 0, "months left of an incentive follow-up course", "months"),
}

#: Dutch, as outcomes (see `model.metric`).
OUTCOMES = (
    Metric("mean_language_score", "Mean language score (0 = A0 ... 5 = C1)", "score 0-5", False, +1,
           per_newcomer=lambda t: t["language_score"], reads=("language_score",)),
    Metric("share_a2_plus", "Dutch at A2 or higher", "share", True, +1, chart="language",
           per_newcomer=lambda t: t["language_score"] >= A2_LEVEL, reads=("language_score",)),
    Metric("share_b1_plus", "Dutch at B1 or higher", "share", True, +1, chart="language",
           per_newcomer=lambda t: t["language_score"] >= B1_LEVEL, reads=("language_score",)),
)


def cefr_level(score: np.ndarray) -> np.ndarray:
    """CEFR level index 0 (A0) .. 5 (C1) of each score."""
    return clip(np.floor(score), 0, 5).astype(np.int8)


def learnability(education, literate, age, wellbeing, age_decline: float = 0.035) -> np.ndarray:
    """How much a learner takes from an hour of class or practice (1 = typical).

    Higher education helps, not reading hurts a lot, age slows learning, and
    low wellbeing (trauma, stress, debt) takes away up to half (the vicious
    circle in study §3.2 Probleem 3).

    Age: learning speed falls by ``age_decline`` (relative) per year of age
    after `LEARNING_AGE` (``age_learning_decline``): Dutch learners' scores
    decline steadily with age of arrival from about 25 (Schepens, van Hout &
    van der Slik 2022, 56,024 learners of Dutch), and Syrian permit holders
    aged 45 and over rate their Dutch 4 of 10 where those under 25 rate it 7
    (SCP 2020), about -1.85% per year of age.
    """
    edu = EDUCATION_LEARNABILITY[np.asarray(education, dtype=int)]
    lit = np.where(literate, 1.0, ILLITERATE_LEARNABILITY)
    age_factor = np.exp(-age_decline * np.maximum(0.0, np.asarray(age) - LEARNING_AGE))
    return edu * lit * age_factor * (WELLBEING_LEARNING[0] + WELLBEING_LEARNING[1] * np.asarray(wellbeing))


def monthly_language_gain(score, effective_hours, practice, learn, rate, practice_rate,
                          ceiling=1.0) -> np.ndarray:
    """Language gained in one month (score units).

    Args:
        score: Current language score.
        effective_hours: Course hours attended times course quality.
        practice: Everyday practice 0-1 (work, volunteering, ties).
        learn: Learnability (see `learnability`).
        rate: Score per effective course hour for a beginner.
        practice_rate: Score per month of full practice for a beginner.
        ceiling: How far classes carry this learner (1 = typical): the
            course term's scale is ``LANGUAGE_SCALE * ceiling``, so with little
            schooling classes stop paying sooner (B1 is out of reach for many,
            the reason the 2021 law has a Z-route).
    """
    score = np.asarray(score)
    course = rate * effective_hours * np.exp(-score / (LANGUAGE_SCALE * np.asarray(ceiling)))
    everyday = practice_rate * practice * np.exp(-score / PRACTICE_SCALE)
    return (course + everyday) * learn


def supervised_quality(model: IntegrationModel, municipality: np.ndarray) -> np.ndarray:
    """Quality of courses a municipality buys and supervises: better where it implements well."""
    quality = model.quality_of(municipality)
    return clip(model.supervised_course_quality * (1.0 + COURSE_QUALITY_EFFECT * (quality - 1.0)), MIN_COURSE_QUALITY, 1.0)


def supervised_budget_months(model: IntegrationModel) -> float:
    """Months of a regular course that public money buys per person: as much as the DUO loan buys.

    The municipality's course budget per newcomer is the same money as the
    2013 loan (``course_loan_eur``); what changes is who chooses, pays and
    supervises the course, not how many hours there are.
    """
    return model.course_loan_eur / (COURSE_PRICE_EUR_PER_HOUR * max(model.course_hours_per_month, 1e-9))


def supervised_budget_left(model: IntegrationModel) -> np.ndarray:
    """Who still has publicly paid course months (see `supervised_budget_months`)."""
    return model.nc.supervised_months < supervised_budget_months(model)


def intensity_adjusted(hours) -> np.ndarray:
    """Hours in a month as they count for learning: fully up to a regular course, less beyond."""
    hours = np.asarray(hours, dtype=float)
    return REFERENCE_HOURS ** (1 - INTENSITY_EXPONENT) * hours**INTENSITY_EXPONENT


def start_course(model: IntegrationModel, who: np.ndarray, kind, quality) -> None:
    """Put ``who`` in a course of ``kind`` (AZC, market or supervised) of ``quality`` from this month on.

    The one way a course begins: enrolment by regime, a startpunt's free
    course, the follow-up course after an exam passed in time.
    """
    nc = model.nc
    nc.course_kind[who] = kind
    nc.course_quality[who] = quality
    nc.course_start_month[who] = -1


def stop_course(model: IntegrationModel, who: np.ndarray, restart_month: int | None = None) -> None:
    """End the course of ``who``; with ``restart_month``, they may start another from that month.

    The one way a course ends: goal reached or money spent (`end_courses`,
    `learn`), leaving the reception centre or being moved (asylum), departing.
    """
    nc = model.nc
    nc.course_kind[who] = NO_COURSE
    if restart_month is not None:
        nc.course_start_month[who] = restart_month


def enrol(model: IntegrationModel) -> None:
    """Start the courses that are due this month, by regime."""
    nc, month, rng = model.nc, model.month, model.rng
    phase = nc.phase
    idle = (nc.course_kind == NO_COURSE) & ~(nc.exam_passed | nc.exempted)
    due = nc.course_start_month
    ready = idle & (due >= 0) & (due <= month)

    in_azc = phase <= Phase.AWAITING_HOUSING
    # Early language: lessons in the reception centre for those with good prospects,
    # and for permit holders still waiting there.
    if model.language_from_arrival:
        eligible = in_azc & (nc.kansrijk | (phase == Phase.AWAITING_HOUSING)) & ~nc.in_emergency
        start = flatnonzero(idle & eligible & ((due < 0) | (due <= month)) & ~nc.course_arranged)
        start_course(model, start, AZC_COURSE, AZC_COURSE_QUALITY)

    # Courses after the permit: an arranged course (a plan's), a supervised course, or the market.
    start = flatnonzero(ready & (phase >= Phase.AWAITING_HOUSING) & (phase != Phase.DEPARTED))
    start = start[(phase[start] == Phase.HOUSED) | nc.course_arranged[start]]
    supervised = model.municipal_direction | nc.course_arranged[start]
    start = start[~supervised | supervised_budget_left(model)[start]]
    start = within_course_places(model, start[~nc.in_emergency[start]])
    if start.size:
        supervised = model.municipal_direction | nc.course_arranged[start]
        quality = np.where(
            supervised,
            supervised_quality(model, nc.municipality[start]),
            model.market_course_quality + rng.uniform(-MARKET_QUALITY_SPREAD, MARKET_QUALITY_SPREAD, start.size),
        )
        start_course(model, start, np.where(supervised, SUPERVISED_COURSE, MARKET_COURSE), clip(quality, MIN_COURSE_QUALITY, 1.0))


def within_course_places(model: IntegrationModel, start: np.ndarray) -> np.ndarray:
    """Those of ``start`` who find a place in a regular course (``course_places``, national).

    The others stay on the waiting list (their course is still due) and go
    first next month, longest waiting first.
    """
    kind = model.nc.course_kind
    taken = np.count_nonzero((kind == MARKET_COURSE) | (kind == SUPERVISED_COURSE))
    places = in_agents(model, model.course_places) - taken
    if start.size <= places:
        return start
    chosen = first_in_line(model, start, model.nc.course_start_month[start], places)
    model.queue_counts["course_waiting"] = start.size - chosen.size
    return chosen


def schedule_course_after_housing(model: IntegrationModel, housed: np.ndarray) -> None:
    """When a newly housed newcomer's course will start.

    In 2013 they search the market themselves (months, information only in
    Dutch); with municipal direction the municipality places them next month.
    An arranged course (a plan's) already runs from the permit on.
    """
    nc = model.nc
    who = housed[~nc.course_arranged[housed] & ~(nc.exam_passed | nc.exempted)[housed]]
    if model.municipal_direction:
        delay = np.ones(who.size)
    else:
        delay = model.rng.exponential(max(model.course_search_months, 1e-9), who.size)
    nc.course_start_month[who] = model.month + np.rint(delay).astype(np.int32)


def everyday_practice(model: IntegrationModel, ties: np.ndarray) -> np.ndarray:
    """Everyday practice 0-1 of each newcomer: daily life once housed, work, volunteering, a placement, ties."""
    nc = model.nc
    practice = (model.practice_daily_life * (nc.phase == Phase.HOUSED)
                + model.practice_work_weight * nc.hours_per_week / FULL_WEEK_HOURS
                + model.practice_volunteer_weight * nc.volunteering
                + model.practice_placement_weight * (nc.placement_months > 0)
                + model.practice_tie_weight * ties)
    return np.minimum(1.0, practice)


def learn(model: IntegrationModel, attendance: np.ndarray, practice: np.ndarray) -> np.ndarray:
    """One month of lessons and practice for everyone present.

    Those who work miss classes, more the more hours they work
    (``work_course_conflict``): pushing into work early costs language
    (Arendt 2022, the Danish work-first reform).

    Args:
        model: The model.
        attendance: Share of course hours each newcomer attends (0-1).
        practice: Everyday practice 0-1 of each newcomer (see `everyday_practice`).

    Returns:
        Course hours each newcomer attended this month.
    """
    nc = model.nc
    n = nc.n
    kind = nc.course_kind
    hours = np.zeros(n)
    hours[kind == AZC_COURSE] = model.azc_course_hours_per_month
    regular = (kind == MARKET_COURSE) | (kind == SUPERVISED_COURSE)
    hours[regular] = model.course_hours_per_month
    fast = regular & nc.fast_track & (nc.education == Education.HIGH)
    hours[fast] *= FAST_TRACK_FACTOR
    extra = np.where(kind != NO_COURSE, np.minimum(nc.extra_hours_left, EXTRA_HOURS_PER_MONTH), 0.0)
    nc.extra_hours_left -= extra
    at_work = model.work_course_conflict * np.minimum(1.0, nc.hours_per_week / FULL_WEEK_HOURS)
    attended = (hours + extra) * attendance * (1.0 - at_work)
    nc.course_hours += attended
    nc.supervised_months += kind == SUPERVISED_COURSE

    # Market courses are paid with the loan; when it runs out, the course stops.
    market = kind == MARKET_COURSE
    bought = np.where(market, attended, 0.0)
    nc.loan_hours += bought
    nc.loan_eur += bought * COURSE_PRICE_EUR_PER_HOUR
    spent = market & (nc.loan_hours * COURSE_PRICE_EUR_PER_HOUR >= model.course_loan_eur)
    stop_course(model, flatnonzero(spent))

    learn_to_read(model, kind, attendance)
    age = model.ages()
    gain = monthly_language_gain(
        nc.language_score,
        intensity_adjusted(attended) * nc.course_quality * (kind != NO_COURSE),
        practice,
        learnability(nc.education, nc.literate, age, nc.wellbeing, model.age_learning_decline),
        model.language_learning_rate,
        model.practice_rate,
        EDUCATION_LEARNABILITY[nc.education],
    )
    present = nc.phase != Phase.DEPARTED
    nc.language_score[:] = np.minimum(MAX_SCORE, nc.language_score + gain * present)
    return attended


def learn_to_read(model: IntegrationModel, kind: np.ndarray, attendance: np.ndarray) -> None:
    """Literacy classes: supervised and plan courses teach reading first; the market slowly."""
    nc = model.nc
    illiterate = ~nc.literate & (kind != NO_COURSE)
    step = np.where(kind == MARKET_COURSE, 1 / LITERACY_MONTHS["market"], 1 / LITERACY_MONTHS["supervised"])
    nc.literacy_progress += np.where(illiterate, step * attendance, 0.0)
    nc.literate |= nc.literacy_progress >= 1.0


def end_courses(model: IntegrationModel) -> None:
    """Courses end when their goal is reached or their time is up.

    A passed exam (or an exemption) ends the course, unless a follow-up course (positive
    incentives) or a course aiming at B1 (``course_aims_b1``) keeps it going; supervised courses
    end when the person's public course funding is used up.
    """
    nc = model.nc
    kind = nc.course_kind
    running = kind != NO_COURSE
    follow = nc.followup_months > 0
    nc.followup_months -= follow
    aims_higher = nc.course_aims_b1 & (nc.education >= Education.MIDDLE) & (nc.language_score < B1_LEVEL)
    done = running & (nc.exam_passed | nc.exempted) & ~follow & ~aims_higher
    spent = running & (kind == SUPERVISED_COURSE) & ~supervised_budget_left(model)
    stop_course(model, flatnonzero(done | spent))
