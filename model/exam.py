"""Exam and sanctions: attendance, the civic-integration exam, the deadline, fines, loans and benefit cuts.

2013 (study §3.2 Probleem 1, note 58): pass the A2 exam within three years
of the permit; the DUO loan becomes a gift only if you pass on time; missing
the deadline brings a fine of up to EUR 1,250 and repayment, then a new term.
As the law was practised (``exam_rules="2013"``, Regeling inburgering 2013
art. 2.4b-2.4c, Besluit inburgering art. 4.13): who shows effort gets more
time (at least 300 course hours and two attempts, a course still running,
literacy classes, or a birth: an extension of up to two years); who has tried hard enough without
passing is exempted (at least 600 hours and four attempts, or 600 hours of
literacy classes); a lasting health problem brings a medical exemption at
any time; an exemption, like a pass in time, writes the loan off. Only who
failed without that effort is fined, so few were (CBS: of the 2014 cohort
after about four years 58% passed, 19% exempted, 21% in term or extended,
2% over the term). The 2021 law (``exam_rules="2021"``) has no exemption
for effort: after 600 hours of lessons the B1 route may be lowered to A2.
Proposals (study §3.4 I and III): fines minimised in favour of positive
incentives (a follow-up course, more time for those who work or study, a social
loan instead of a debt); only proven non-co-operation by someone on welfare
leads to a benefit cut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.fastnp import clip, flatnonzero
from model.language import start_course, supervised_quality
from model.metric import Metric
from model.population import NO_COURSE, SUPERVISED_COURSE, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "benefit_sanction", "exam_attempt_rate", "exam_level", "exam_rules", "fine_eur",
    "health_exemption_rate", "positive_incentives",
)

EXAM_THRESHOLD = {"A2": 2.0, "B1": 3.0}  # language score needed, by exam level
EXAM_SLOPE = 0.1  # pass chance rises over +/- this around the threshold
EXAM_READY_MARGIN = 0.15  # learners sit the exam once this close to the level
COOPERATIVE_ATTENDANCE = 0.85  # share of classes a willing learner attends (assumption)
UNCOOPERATIVE_ATTENDANCE = 0.3  # ... and one who does not co-operate (assumption)
DEADLINE_PRESSURE_MONTHS = 12  # the fine looms in the last year before the deadline
DEADLINE_PRESSURE = 0.15  # extra attendance under a looming EUR 1,250 fine (assumption)
INCENTIVE_MOTIVATION = 0.1  # extra attendance when passing brings a reward (assumption)
NEW_TERM_MONTHS = 24  # after a fine, a new term to pass
EXTENSION_HOURS, EXTENSION_ATTEMPTS = 300.0, 2  # effort for an extension (Regeling inburgering 2013 art. 2.4c)
EXEMPTION_HOURS, EXEMPTION_ATTEMPTS = 600.0, 4  # demonstrable effort for an exemption (art. 2.4b)
EFFORT_EXTENSION_MONTHS = 24  # an extension is for at most two years (art. 2.4c; Wet inburgering art. 7)
BIRTH_EXTENSION_MONTHS = 12  # a child born in the last year: no blame for the delay, more time (Wet inburgering art. 7(3)a)
LOWER_LEVEL_HOURS = 600.0  # Wet inburgering 2021: the B1 route may be lowered to A2 after 600 hours of lessons
EFFORT_ATTEMPT_RATE = 0.25  # monthly chance that a learner far from the level sits the exam to show effort (assumption)
EFFORT_WINDOW_MONTHS = 18  # ... in the last months of the term, until they have the attempts the rules ask (assumption)
EXTENSION_MONTHS = 12  # more time for those who work or study (positive incentives)
FOLLOWUP_MONTHS = 12  # follow-up course for those who pass on time (positive incentives)
ABSENCE_BEFORE_SANCTION = 3  # months of absence that count as proven non-co-operation
BENEFIT_CUT_MONTHS = 3  # length of a benefit cut (Participatiewet practice, assumption)
BENEFIT_CUT_SHARE = 0.3  # share of the benefit withheld during a cut
COMPLY_AFTER_CUT = 0.6  # chance a sanctioned person co-operates afterwards (assumption)
COMPLY_AFTER_FINE = 0.3  # chance a fined person co-operates afterwards (assumption)
DEBT_REPAYMENT_SHARE = 0.1  # share of earnings that goes to paying off debt
EXTENSION_WORK_HOURS = 12.0  # positive incentives: more time for those working this many hours a week (assumption)
WELLBEING_ATTENDANCE = (0.6, 0.4)  # attendance factor = a + b * wellbeing (assumption)
FULL_FINE_EUR = 1250.0  # the 2013 maximum fine: the deadline pressure is full at this fine
CARE_ATTENDANCE = 0.75  # share of classes a parent of a young child without childcare can attend (assumption; Razenberg et al. 2018)

# The exam, its deadline, fines and benefit cuts (see model.state).
NEWCOMER_STATE = {
    "exam_passed": StateColumn(np.bool_, False, "passed the civic-integration exam", "true/false"),
    "exam_pass_month": StateColumn(np.int32, -1, "model month the exam was passed (-1: not yet)", "model month"),
    "exam_deadline_month": StateColumn(np.int32, -1, "model month the exam term ends (-1: no term yet)", "model month"),
    "exam_attempts": StateColumn(np.int32, 0, "exams sat so far", "attempts"),
    "exam_extensions": StateColumn(np.int32, 0, "extensions of the exam term so far", "extensions"),
    "exempted": StateColumn(np.bool_, False, "exempted from the exam (ontheffing: effort, literacy or health)",
                            "true/false"),
    "exemption_month": StateColumn(np.int32, -1, "model month of the exemption (-1: none)", "model month"),
    "fined_count": StateColumn(np.int32, 0, "fines received so far", "fines"),
    "debt_eur": StateColumn(np.float64, 0.0, "debt from fines and repayable loans", "EUR"),
    "benefit_cut_months": StateColumn(np.int32, 0, "months left of a benefit cut", "months"),
    "absent_months": StateColumn(np.int32, 0, "months absent from a course while on welfare", "months"),
}

#: The exam, its fines and debts, as outcomes (see `model.metric`).
OUTCOMES = (
    Metric("share_exam_passed", "Passed the civic-integration exam", "share", True, +1, chart="exam",
           per_newcomer=lambda t: t["exam_passed"], reads=("exam_passed",)),
    Metric("share_exempted", "Exempted from the exam (effort, literacy or health)", "share", False, 0, chart="exam",
           per_newcomer=lambda t: t["exempted"], reads=("exempted",)),
    Metric("share_fined", "Fined at least once", "share", False, -1, chart="exam",
           per_newcomer=lambda t: t["fined_count"] > 0, reads=("fined_count",)),
    Metric("mean_debt_eur", "Mean debt from fines and loans", "EUR", True, -1,
           per_newcomer=lambda t: t["debt_eur"], reads=("debt_eur",)),
)


def pass_probability(score, threshold) -> np.ndarray:
    """Chance of passing an exam sat with this language score."""
    return 1.0 / (1.0 + np.exp(-(np.asarray(score) - threshold) / EXAM_SLOPE))


def attendance(model: IntegrationModel) -> np.ndarray:
    """Share of course hours each newcomer attends this month (0-1).

    Co-operative learners come to most classes, less when they feel bad; a
    looming fine pushes a little in the last year; a reward for passing pulls.
    """
    nc, month = model.nc, model.month
    att = np.where(nc.cooperative, COOPERATIVE_ATTENDANCE, UNCOOPERATIVE_ATTENDANCE)
    att = att * (WELLBEING_ATTENDANCE[0] + WELLBEING_ATTENDANCE[1] * nc.wellbeing)
    att = att * np.where(nc.care_duties, CARE_ATTENDANCE, 1.0)
    deadline = nc.exam_deadline_month
    looming = (deadline >= 0) & (deadline - month <= DEADLINE_PRESSURE_MONTHS) & ~obligation_met(model)
    att = att * (1.0 + np.where(looming, DEADLINE_PRESSURE * min(1.0, model.fine_eur / FULL_FINE_EUR), 0.0))
    if model.positive_incentives:
        att = att * (1.0 + INCENTIVE_MOTIVATION)
    return clip(att, 0.0, 1.0)


def obligation_met(model: IntegrationModel) -> np.ndarray:
    """Who has met the civic-integration obligation: passed the exam, or exempted from it."""
    return model.nc.exam_passed | model.nc.exempted


def exam_threshold(model: IntegrationModel) -> np.ndarray:
    """The language score each newcomer's exam asks for.

    Under the 2021 rules, the B1 route is lowered to A2 for those with at
    least `LOWER_LEVEL_HOURS` of lessons.
    """
    nc = model.nc
    level = np.full(nc.n, EXAM_THRESHOLD[model.exam_level])
    if model.exam_rules == "2021":
        level = np.where(nc.course_hours >= LOWER_LEVEL_HOURS, np.minimum(level, EXAM_THRESHOLD["A2"]), level)
    return level


def sit_exams(model: IntegrationModel) -> np.ndarray:
    """Permit holders close to the level sit the exam now and then; some pass.

    Co-operative learners far from it sit it too in the last `EFFORT_WINDOW_MONTHS`
    of their term, as often as the rules ask for the effort that earns an
    extension (two attempts) or, after one, an exemption (four).

    Returns:
        Indices of newcomers who passed this month.
    """
    nc, rng, month = model.nc, model.rng, model.month
    threshold = exam_threshold(model)
    phase = nc.phase
    obliged = ((phase == Phase.AWAITING_HOUSING) | (phase == Phase.HOUSED)) & ~obligation_met(model)
    near = nc.language_score >= threshold - EXAM_READY_MARGIN
    # The attempts the rules ask: two for an extension in the first term, four for an exemption after it.
    asked = np.where(nc.exam_extensions > 0, EXEMPTION_ATTEMPTS, EXTENSION_ATTEMPTS)
    showing_effort = ((nc.exam_deadline_month - month <= EFFORT_WINDOW_MONTHS) & nc.cooperative
                      & (nc.exam_attempts < asked))
    chance = np.where(near, model.exam_attempt_rate, np.where(showing_effort, EFFORT_ATTEMPT_RATE, 0.0))
    sitting = flatnonzero(obliged & (rng.random(nc.n) < chance))
    nc.exam_attempts[sitting] += 1
    passed = sitting[rng.random(sitting.size) < pass_probability(nc.language_score[sitting], threshold[sitting])]
    nc.exam_passed[passed] = True
    nc.exam_pass_month[passed] = month
    on_time = passed[month <= nc.exam_deadline_month[passed]]
    # The DUO loan becomes a gift only when the exam is passed in time.
    forgive_loans(model, on_time)
    if model.positive_incentives:
        nc.followup_months[on_time] = FOLLOWUP_MONTHS
        idle = on_time[nc.course_kind[on_time] == NO_COURSE]
        start_course(model, idle, SUPERVISED_COURSE, supervised_quality(model, nc.municipality[idle]))
    return passed


def forgive_loans(model: IntegrationModel, who: np.ndarray) -> None:
    """The DUO loans of ``who`` become gifts (a pass in time, or an exemption)."""
    nc = model.nc
    model.costs.loan_forgiven(nc.loan_eur[who])
    nc.loan_eur[who] = 0.0


def exempt(model: IntegrationModel, who: np.ndarray) -> None:
    """``who`` are exempted from the exam: the obligation ends and the loan is written off."""
    nc = model.nc
    nc.exempted[who] = True
    nc.exemption_month[who] = model.month
    forgive_loans(model, who)


def grant_health_exemptions(model: IntegrationModel) -> np.ndarray:
    """Permit holders with a lasting health problem are exempted now and then (a medical exemption).

    Those outside the labour force for illness or disability ask for it and
    are found unable to meet the obligation within five years (Besluit
    inburgering art. 2.8), with ``health_exemption_rate`` a month.

    Returns:
        Indices of newcomers exempted this month.
    """
    nc = model.nc
    phase = nc.phase
    asking = ((phase == Phase.AWAITING_HOUSING) | (phase == Phase.HOUSED)) & ~nc.in_labour_force
    asking &= ~obligation_met(model)
    who = flatnonzero(asking & (model.rng.random(nc.n) < model.health_exemption_rate))
    exempt(model, who)
    return who


def extend(model: IntegrationModel, who: np.ndarray, months: int) -> None:
    """``who`` get ``months`` more to pass, from now (no fine)."""
    model.nc.exam_deadline_month[who] = model.month + months
    model.nc.exam_extensions[who] += 1


def face_deadlines(model: IntegrationModel) -> np.ndarray:
    """At the end of the term: an exemption, more time, or a fine.

    Under the 2013 rules, who tried hard enough is exempted and who shows
    effort, is in literacy classes or had a child gets more time; under
    positive incentives, so does who works or studies. The others are fined
    (if there is a fine) and get a new term.

    Returns:
        Indices of newcomers fined this month.
    """
    nc, rng, month = model.nc, model.rng, model.month
    phase = nc.phase
    due = (nc.exam_deadline_month == month) & ~obligation_met(model) & (phase != Phase.DEPARTED)
    due = flatnonzero(due)
    if due.size == 0:
        return due
    hours, attempts = nc.course_hours[due], nc.exam_attempts[due]
    literacy = nc.literacy_progress[due] > 0  # in (or through) literacy classes
    if model.exam_rules == "2013":
        tried = (hours >= EXEMPTION_HOURS) & ((attempts >= EXEMPTION_ATTEMPTS) | literacy)
        exempt(model, due[tried])
        due = due[~tried]
        hours, attempts, literacy = hours[~tried], attempts[~tried], literacy[~tried]
    # No blame for the delay: enough hours and attempts, still in a course (the exam waits for its
    # end), or literacy classes (Wet inburgering 2013 art. 7(3); CBS 2019).
    effort = ((hours >= EXTENSION_HOURS) & (attempts >= EXTENSION_ATTEMPTS)) | (literacy & ~nc.literate[due])
    effort |= nc.course_kind[due] != NO_COURSE
    extend(model, due[effort], EFFORT_EXTENSION_MONTHS)
    due = due[~effort]
    newborn = nc.carer[due] & (month - nc.youngest_child_month[due] < BIRTH_EXTENSION_MONTHS)
    extend(model, due[newborn], BIRTH_EXTENSION_MONTHS)
    due = due[~newborn]
    if model.positive_incentives:  # more time for those who work or study
        busy = (nc.hours_per_week[due] >= EXTENSION_WORK_HOURS) | (nc.course_kind[due] != NO_COURSE)
        extend(model, due[busy], EXTENSION_MONTHS)
        due = due[~busy]
    nc.exam_deadline_month[due] = month + NEW_TERM_MONTHS
    # Missing the deadline: the loan must be repaid; under positive incentives it
    # becomes a social loan repaid from earnings over a long term, not a debt.
    if not model.positive_incentives:
        nc.debt_eur[due] += nc.loan_eur[due]
        nc.loan_eur[due] = 0.0
    if model.fine_eur <= 0:
        return np.zeros(0, dtype=np.int64)
    nc.debt_eur[due] += model.fine_eur
    nc.fined_count[due] += 1
    wake_up = due[~nc.cooperative[due] & (rng.random(due.size) < COMPLY_AFTER_FINE)]
    nc.cooperative[wake_up] = True
    return due


def sanction_non_cooperation(model: IntegrationModel) -> np.ndarray:
    """Cut the benefit of people on welfare who provably do not co-operate.

    Only with ``benefit_sanction``: three months of staying away from a course
    on welfare count as proof.

    Returns:
        Indices of newcomers whose benefit was cut this month.
    """
    nc, rng = model.nc, model.rng
    absent = ~nc.cooperative & nc.on_welfare & (nc.course_kind != NO_COURSE)
    nc.absent_months[:] = np.where(absent, nc.absent_months + 1, 0)
    nc.benefit_cut_months[:] = np.maximum(0, nc.benefit_cut_months - 1)
    if not model.benefit_sanction:
        return np.zeros(0, dtype=np.int64)
    cut = flatnonzero(nc.absent_months >= ABSENCE_BEFORE_SANCTION)
    nc.benefit_cut_months[cut] = BENEFIT_CUT_MONTHS
    nc.absent_months[cut] = 0
    comply = cut[rng.random(cut.size) < COMPLY_AFTER_CUT]
    nc.cooperative[comply] = True
    return cut


def repay_debt(model: IntegrationModel, earnings: np.ndarray) -> None:
    """People in work pay off part of their debt; debt never goes below zero."""
    nc = model.nc
    nc.debt_eur[:] = np.maximum(0.0, nc.debt_eur - DEBT_REPAYMENT_SHARE * earnings)
