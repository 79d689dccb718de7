"""Exam and sanctions: attendance, the civic-integration exam, the deadline, fines, loans and benefit cuts.

2013 (study §3.2 Probleem 1, note 58): pass the A2 exam within three years
of the permit; the DUO loan becomes a gift only if you pass on time; missing
the deadline brings a fine of up to EUR 1,250 and repayment, then a new term.
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
from model.population import NO_COURSE, SUPERVISED_COURSE, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

EXAM_THRESHOLD = {"A2": 2.0, "B1": 3.0}  # language score needed, by exam level
EXAM_SLOPE = 0.1  # pass chance rises over +/- this around the threshold
EXAM_READY_MARGIN = 0.15  # learners sit the exam once this close to the level
COOPERATIVE_ATTENDANCE = 0.85  # share of classes a willing learner attends (assumption)
UNCOOPERATIVE_ATTENDANCE = 0.3  # ... and one who does not co-operate (assumption)
DEADLINE_PRESSURE_MONTHS = 12  # the fine looms in the last year before the deadline
DEADLINE_PRESSURE = 0.15  # extra attendance under a looming EUR 1,250 fine (assumption)
INCENTIVE_MOTIVATION = 0.1  # extra attendance when passing brings a reward (assumption)
NEW_TERM_MONTHS = 24  # after a fine, a new term to pass
EFFORT_HOURS = 600.0  # course hours that count as demonstrable effort (Besluit inburgering 2013)
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

# The exam, its deadline, fines and benefit cuts (see model.state).
NEWCOMER_STATE = {
    "exam_passed": StateColumn(np.bool_, False, "passed the civic-integration exam", "true/false"),
    "exam_pass_month": StateColumn(np.int32, -1, "model month the exam was passed (-1: not yet)", "model month"),
    "exam_deadline_month": StateColumn(np.int32, -1, "model month the exam term ends (-1: no term yet)", "model month"),
    "fined_count": StateColumn(np.int32, 0, "fines received so far", "fines"),
    "debt_eur": StateColumn(np.float64, 0.0, "debt from fines and repayable loans", "EUR"),
    "benefit_cut_months": StateColumn(np.int32, 0, "months left of a benefit cut", "months"),
    "absent_months": StateColumn(np.int32, 0, "months absent from a course while on welfare", "months"),
}


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
    deadline = nc.exam_deadline_month
    looming = (deadline >= 0) & (deadline - month <= DEADLINE_PRESSURE_MONTHS) & ~nc.exam_passed
    att = att * (1.0 + np.where(looming, DEADLINE_PRESSURE * min(1.0, model.fine_eur / FULL_FINE_EUR), 0.0))
    if model.positive_incentives:
        att = att * (1.0 + INCENTIVE_MOTIVATION)
    return clip(att, 0.0, 1.0)


def sit_exams(model: IntegrationModel) -> np.ndarray:
    """Permit holders close to the level sit the exam now and then; some pass.

    Returns:
        Indices of newcomers who passed this month.
    """
    nc, rng, month = model.nc, model.rng, model.month
    threshold = EXAM_THRESHOLD[model.exam_level]
    phase = nc.phase
    ready = ((phase == Phase.AWAITING_HOUSING) | (phase == Phase.HOUSED)) & ~nc.exam_passed
    ready &= nc.language_score >= threshold - EXAM_READY_MARGIN
    sitting = flatnonzero(ready & (rng.random(nc.n) < model.exam_attempt_rate))
    passed = sitting[rng.random(sitting.size) < pass_probability(nc.language_score[sitting], threshold)]
    nc.exam_passed[passed] = True
    nc.exam_pass_month[passed] = month
    on_time = passed[month <= nc.exam_deadline_month[passed]]
    # The DUO loan becomes a gift only when the exam is passed in time.
    model.costs.loan_forgiven(nc.loan_eur[on_time])
    nc.loan_eur[on_time] = 0.0
    if model.positive_incentives:
        nc.followup_months[on_time] = FOLLOWUP_MONTHS
        idle = on_time[nc.course_kind[on_time] == NO_COURSE]
        start_course(model, idle, SUPERVISED_COURSE, supervised_quality(model, nc.municipality[idle]))
    return passed


def face_deadlines(model: IntegrationModel) -> np.ndarray:
    """Those whose deadline is up and who have not passed get a fine (or more time).

    Returns:
        Indices of newcomers fined this month.
    """
    nc, rng, month = model.nc, model.rng, model.month
    phase = nc.phase
    due = (nc.exam_deadline_month == month) & ~nc.exam_passed & (phase != Phase.DEPARTED)
    due = flatnonzero(due)
    if due.size == 0:
        return due
    # 2013 rules: who has demonstrably tried (enough course hours) gets a new term without a fine.
    tried = nc.course_hours[due] >= EFFORT_HOURS
    nc.exam_deadline_month[due[tried]] = month + NEW_TERM_MONTHS
    due = due[~tried]
    if model.positive_incentives:  # more time for those who work or study
        busy = (nc.hours_per_week[due] >= EXTENSION_WORK_HOURS) | (nc.course_kind[due] != NO_COURSE)
        nc.exam_deadline_month[due[busy]] = month + EXTENSION_MONTHS
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
