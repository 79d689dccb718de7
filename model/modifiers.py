"""Modifiers: what programmes offer a newcomer, as columns the mechanisms read.

A programme (the personal plan, a startpunt, the reception centre's
activities) does not reach into the mechanisms it affects. It writes these
columns in its own module; language, labour and activities read them and never
ask which programme someone is in (as Starsim's modules act on each other
through shared multiplier states). What a plan does is therefore readable in
`model.plans` alone, and a new programme writes the same columns.

Lasting modifiers hold while the programme runs (its module sets and clears
them). Monthly modifiers (``guidance``, ``search_help``) start every month at
nothing (`new_month`) and the programmes met this month add to them.

| column | kind | written by | read by |
|---|---|---|---|
| ``job_coach`` | lasting | `plans` | `labour.brokered` |
| ``course_arranged`` | lasting | `plans` | `language.enrol`, `language.schedule_course_after_housing` |
| ``course_with_work`` | lasting | `plans` | `labour.hours_cap` |
| ``fast_track`` | lasting | `plans` | `language.learn` |
| ``course_aims_b1`` | lasting | `plans` | `language.end_courses` |
| ``volunteer_offer`` | lasting | `plans` | `activities.volunteer_and_train` |
| ``study_offer`` | lasting | `plans` | `activities.go_to_school` |
| ``guidance`` | monthly | `startpunten`, `activities` (skills course) | `labour.know_how` |
| ``search_help`` | monthly | `startpunten` | `labour.search_and_hire` |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

# The modifiers (see model.state).
NEWCOMER_STATE = {
    "job_coach": StateColumn(np.bool_, False, "a job coach brokers work and placements", "true/false"),
    "course_arranged": StateColumn(
        np.bool_, False, "a programme arranges the Dutch course: supervised, starting when it is set (housed or "
        "not), so one does not look for a course oneself", "true/false"),
    "course_with_work": StateColumn(np.bool_, False, "the course is combined with work (it caps no working hours)",
                                    "true/false"),
    "fast_track": StateColumn(np.bool_, False, "a fast-track course is offered to the highly educated", "true/false"),
    "course_aims_b1": StateColumn(np.bool_, False, "the course goes on after the exam until B1 "
                                  "(for those with middle or higher education)", "true/false"),
    "volunteer_offer": StateColumn(np.float64, 0.0, "monthly chance of starting volunteering that a programme "
                                   "offers someone without work (0: none)", "probability"),
    "study_offer": StateColumn(np.float64, 0.0, "monthly chance that a young newcomer starts education with a "
                               "programme's help (0: none)", "probability"),
    "guidance": StateColumn(np.float64, 0.0, "labour-market guidance this month besides a job coach (a startpunt "
                            "visit, a skills course): the share of the know-how gap it fills", "0-1"),
    "search_help": StateColumn(np.bool_, False, "someone helps look for work this month (a startpunt visit)",
                               "true/false"),
}

#: Modifiers that start every month at nothing.
MONTHLY = ("guidance", "search_help")


def new_month(model: IntegrationModel) -> None:
    """The monthly modifiers start at nothing; the programmes met this month add to them."""
    nc = model.nc
    for name in MONTHLY:
        getattr(nc, name)[:] = NEWCOMER_STATE[name].fill
