"""The personal integration plan (track 2, study §3.4 I, note 74, kader 3.6).

From the permit on, the municipality makes a plan with each newcomer after a
capacity scan. The plan combines language, work and education at the same
time: its course starts at once and does not cap working hours; the highly
educated get a fast-track course, help to have their diplomas recognised and a
placement; those who cannot read start with literacy classes and volunteering.
With gender-specific attention (``plan_gender_attention``, note 74) it
arranges childcare for parents of young children and reaches out to women who
do not look for work (`model.households`). A plan runs for ``plan_months``
(the three-year integration term); then its coach, placements and childcare
stop. What a plan offers, the mechanisms read from the modifier columns
(`model.modifiers`) that `offer` sets and clears here: a job coach, a course
arranged from the permit on that combines with work (fast track for the highly
educated, on to B1 for those with some education), volunteering and education.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.capacity import first_in_line, in_agents
from model.fastnp import flatnonzero
from model.households import arrange_childcare, encourage_work
from model.labour import place
from model.population import Education, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "personal_plan", "plan_caseload", "plan_caseworkers", "plan_gender_attention", "plan_months",
    "recognition_with_help",
)

RECOGNITION_MONTHS = 6  # months from plan to diploma decision (assumption)
ATTENTION_OUTREACH = 0.02  # monthly chance a homemaker in a plan with gender-specific attention starts looking for work (assumption)
PLACEMENT_AFTER_MONTHS = 4  # plan offers a placement after a few months without work
PLAN_VOLUNTEER_START = 0.05  # monthly, the plan pairs volunteering with literacy classes (study §3.4 I)
PLAN_STUDY_START = 0.05  # monthly, with a plan that combines language and education (study §3.4 I)

# The personal plan (see model.state).
NEWCOMER_STATE = {
    "in_plan": StateColumn(np.bool_, False, "a personal plan is running now", "true/false"),
    "plan_end_month": StateColumn(np.int32, -1, "model month the plan ends (-1: never had one)", "model month"),
    "plan_waiting": StateColumn(np.bool_, False, "on the waiting list for a personal plan (caseworkers full)",
                                "true/false"),
}


def start_plans(model: IntegrationModel, new_permits: np.ndarray) -> None:
    """New permit holders get a plan and their course starts next month.

    Caseworkers run at most ``plan_caseworkers x plan_caseload`` plans at a
    time (national); beyond that, permit holders wait for a plan on a waiting
    list, first come first served. While they wait they go the 2013 way
    (a course of their own once housed).
    """
    if not model.personal_plan:
        return
    nc = model.nc
    waiting = flatnonzero(nc.plan_waiting)
    asking = np.concatenate([waiting, new_permits]) if waiting.size else new_permits
    if asking.size == 0:
        return
    slots = in_agents(model, model.plan_caseworkers * model.plan_caseload) - np.count_nonzero(nc.in_plan)
    starting = first_in_line(model, asking, nc.permit_month[asking], slots)
    nc.plan_waiting[asking] = True
    nc.plan_waiting[starting] = False
    if starting.size == 0:
        return
    nc.in_plan[starting] = True
    offer(model, starting, True)
    nc.plan_end_month[starting] = model.month + model.plan_months
    nc.course_start_month[starting] = model.month + 1
    model.costs.plans_started(starting.size)


def follow_plans(model: IntegrationModel) -> None:
    """Plans that have run their term end; a month of casework, diploma recognition and placements for the others."""
    if not model.personal_plan:
        return
    nc, rng, month = model.nc, model.rng, model.month
    ended = nc.in_plan & (nc.plan_end_month <= month)
    nc.in_plan[ended] = False
    offer(model, ended, False)
    model.costs.plan_casework(int(np.count_nonzero(nc.in_plan & (nc.phase == Phase.HOUSED))))
    since = month - nc.permit_month
    plan = nc.in_plan & (nc.phase != Phase.DEPARTED)
    deciding = plan & (since == RECOGNITION_MONTHS) & (nc.education == Education.HIGH)
    who = flatnonzero(deciding & ~nc.diploma_recognised)
    nc.diploma_recognised[who] = rng.random(who.size) < model.recognition_with_help
    ready = plan & (nc.phase == Phase.HOUSED) & ~nc.employed
    ready &= (month - nc.housed_month) >= PLACEMENT_AFTER_MONTHS
    place(model, flatnonzero(ready))
    if model.plan_gender_attention:  # study note 74: childcare, and outreach to women who stay at home
        in_plan = flatnonzero(plan)
        arrange_childcare(model, in_plan)
        encourage_work(model, in_plan, ATTENTION_OUTREACH)


def offer(model: IntegrationModel, who: np.ndarray, running: bool) -> None:
    """What a plan offers (``running``) or no longer offers ``who``, in the modifier columns.

    A job coach; a course that starts from the permit on, supervised, that
    combines with work, in a fast track for the highly educated and on to B1
    for those with some education (study §3.4 I); volunteering paired with
    literacy classes, and help into education (`model.modifiers`).
    """
    nc = model.nc
    for name in ("job_coach", "course_arranged", "course_with_work", "fast_track", "course_aims_b1"):
        getattr(nc, name)[who] = running
    nc.volunteer_offer[who] = PLAN_VOLUNTEER_START if running else 0.0
    nc.study_offer[who] = PLAN_STUDY_START if running else 0.0
