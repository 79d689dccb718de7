"""Activities besides courses and jobs: volunteering, regular education, and track-1 skills courses.

Volunteering gives practice, ties and purpose. In the reception centre it
exists only as small, often interrupted projects (study §3.2 Probleem 1);
track 1 (``azc_activities``) organises it together with professional-skills
courses (study §3.4 I, notes 71–73). After the permit some find volunteering work
themselves; a plan or a startpunt's volunteer portal brings more to it.

Young permit holders may go (back) to school: a transition year and then
vocational or higher education, on student finance instead of bijstand. A
plan combines language with education (study §3.4 I) and so sends more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.fastnp import flatnonzero
from model.metric import Metric
from model.population import Education, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("azc_activities", "skills_course_guidance")

AZC_VOLUNTEER_START = {True: 0.12, False: 0.02}  # by azc_activities
PERMIT_VOLUNTEER_START = 0.01  # monthly, finding volunteering work on one's own (assumption)
VOLUNTEER_STOP = 0.05  # monthly chance of stopping (assumption)
SKILLS_COURSE_START = 0.08  # monthly, in the azc under track 1
STUDY_MAX_AGE = 30.0  # student finance and school mostly for the young (assumption)
STUDY_START = 0.03  # monthly chance for an eligible young permit holder (assumption)
STUDY_MONTHS = 36  # a transition year plus a vocational programme (assumption)
NO_TIME_TO_VOLUNTEER_HOURS = 32.0  # a job of this many hours a week leaves no time to volunteer (assumption)

# Volunteering, skills courses and school (see model.state).
NEWCOMER_STATE = {
    "skills_course": StateColumn(np.bool_, False, "took a track-1 professional-skills course", "true/false"),
    "volunteering": StateColumn(np.bool_, False, "volunteers now", "true/false"),
    "studying_months": StateColumn(np.int32, 0, "months left in regular education (student finance)", "months"),
}

#: Volunteering, as an outcome (see `model.metric`).
OUTCOMES = (
    Metric("share_volunteering", "Volunteering", "share", False, +1,
           per_newcomer=lambda t: t["volunteering"], reads=("volunteering",)),
)


def volunteer_and_train(model: IntegrationModel) -> None:
    """Some start or stop volunteering; under track 1 some take a skills course."""
    nc, rng = model.nc, model.rng
    n = nc.n
    phase = nc.phase
    in_azc = phase <= Phase.AWAITING_HOUSING
    start = np.where(in_azc, AZC_VOLUNTEER_START[bool(model.azc_activities)], PERMIT_VOLUNTEER_START)
    start = np.where(~nc.employed, np.maximum(start, nc.volunteer_offer), start)  # what a programme offers
    start = np.where((phase == Phase.DEPARTED) | nc.in_emergency, 0.0, start)  # no activities in emergency locations
    busy = nc.employed & (nc.hours_per_week >= NO_TIME_TO_VOLUNTEER_HOURS)
    starting = ~nc.volunteering & ~busy & (rng.random(n) < start)
    stopping = nc.volunteering & (busy | (rng.random(n) < VOLUNTEER_STOP))
    nc.volunteering[:] = (nc.volunteering | starting) & ~stopping
    go_to_school(model)
    if model.azc_activities:
        trained = in_azc & ~nc.in_emergency & (rng.random(n) < SKILLS_COURSE_START)
        nc.skills_course |= trained
        nc.guidance += np.where(nc.skills_course, model.skills_course_guidance, 0.0)  # what the course taught lasts


def go_to_school(model: IntegrationModel) -> None:
    """Young permit holders start regular education (a transition year first); students finish.

    Finishing gives a Dutch diploma one level up (recognised by employers).
    """
    nc, rng = model.nc, model.rng
    n = nc.n
    studying = nc.studying_months > 0
    nc.studying_months -= studying
    finished = flatnonzero(studying & (nc.studying_months == 0))
    nc.education[finished] = np.minimum(nc.education[finished] + 1, Education.HIGH)
    nc.diploma_recognised[finished] = True
    eligible = (nc.phase == Phase.HOUSED) & ~studying & ~nc.employed
    eligible &= model.ages() < STUDY_MAX_AGE
    eligible &= (nc.education < Education.HIGH) | ~nc.diploma_recognised
    chance = np.maximum(STUDY_START, nc.study_offer)  # on one's own, or with a programme's help
    start = flatnonzero(eligible & (rng.random(n) < chance))
    nc.studying_months[start] = STUDY_MONTHS
