"""Activities besides courses and jobs: volunteering and track-1 skills courses.

Volunteering gives practice, ties and purpose. In the reception centre it
exists only as small, often interrupted projects (seed lines 1867-1874);
track 1 (``azc_activities``) organises it together with professional-skills
courses (lines 2192-2215). After the permit some find volunteering work
themselves; a plan or a startpunt's volunteer portal brings more to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.population import Phase

if TYPE_CHECKING:
    from model.model import IntegrationModel

AZC_VOLUNTEER_START = {True: 0.12, False: 0.02}  # by azc_activities
PERMIT_VOLUNTEER_START = 0.01
PLAN_VOLUNTEER_START = 0.08  # the plan pairs volunteering with literacy classes (line 2255)
VOLUNTEER_STOP = 0.05
SKILLS_COURSE_START = 0.08  # monthly, in the azc under track 1


def volunteer_and_train(model: IntegrationModel) -> None:
    """Some start or stop volunteering; under track 1 some take a skills course."""
    nc, rng = model.nc, model.rng
    n = nc.n
    phase = nc.view("phase")
    in_azc = phase <= Phase.AWAITING_HOUSING
    start = np.where(in_azc, AZC_VOLUNTEER_START[bool(model.azc_activities)], PERMIT_VOLUNTEER_START)
    start = np.where(nc.view("has_plan") & ~nc.view("employed"), np.maximum(start, PLAN_VOLUNTEER_START), start)
    start = np.where(phase == Phase.DEPARTED, 0.0, start)
    busy = nc.view("employed") & (nc.view("hours") >= 32)
    starting = ~nc.view("volunteering") & ~busy & (rng.random(n) < start)
    stopping = nc.view("volunteering") & (busy | (rng.random(n) < VOLUNTEER_STOP))
    nc.volunteering[:n] = (nc.view("volunteering") | starting) & ~stopping
    if model.azc_activities:
        trained = in_azc & (rng.random(n) < SKILLS_COURSE_START)
        nc.skills_course[:n] |= trained
