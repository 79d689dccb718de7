"""Queues and capacity, month by month: who waits where, in persons (agents x persons_per_newcomer).

Kept apart from the metric registry (`model.outcomes.METRICS`) so that the
model table stays as it was; `IntegrationModel.queue_table()` gives one row
per month with these columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.population import Phase
from model.reception import in_reception

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("persons_per_newcomer",)

#: Column -> meaning, in persons.
QUEUES: dict[str, str] = {
    "arrivals": "Arrived this month",
    "waiting_for_decision": "Asylum seekers waiting for a decision",
    "decisions_overdue": "Applications due but not decided this month (IND capacity)",
    "regular_reception": "In a regular reception place (azc)",
    "emergency_reception": "In an emergency location (reception full)",
    "waiting_for_house": "Permit holders waiting in reception for a house",
    "houses_overdue": "Permit holders ready to move but without a house this month",
    "plan_waiting": "Permit holders on the waiting list for a personal plan",
    "course_waiting": "Waiting for a place in a language course this month",
    "startpunt_unserved": "Startpunt visitors not served this month (crowding)",
}
#: Columns counted by the mechanisms during the month (the others are read from the state).
QUEUE_COUNTS = ("decisions_overdue", "houses_overdue", "course_waiting", "startpunt_unserved")


def queue_row(model: IntegrationModel) -> dict[str, float]:
    """This month's queues, in persons."""
    nc, scale = model.nc, model.persons_per_newcomer
    phase = nc.phase
    reception = in_reception(model)
    emergency = int(np.count_nonzero(nc.in_emergency & reception))
    counts = {
        "arrivals": int(np.count_nonzero(nc.arrival_month == model.month)) if model.month else 0,
        "waiting_for_decision": int(np.count_nonzero(phase == Phase.ASYLUM)),
        "regular_reception": int(np.count_nonzero(reception)) - emergency,
        "emergency_reception": emergency,
        "waiting_for_house": int(np.count_nonzero(phase == Phase.AWAITING_HOUSING)),
        "plan_waiting": int(np.count_nonzero(nc.plan_waiting)),
        **model.queue_counts,
    }
    return {"month": model.month, **{name: counts[name] * scale for name in QUEUES}}
