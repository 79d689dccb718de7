"""Scarring: what idle waiting and sitting at home do to skills, health and motivation.

The study calls the asylum wait "costly, wasted time" (study §3.2 Probleem 1, notes 54 and 55):
months without work, lessons or anything to do wear down skills, health and
the will to start again, and a work ban does so most (Marbach, Hainmueller &
Hangartner 2018 find the demotivation of a longer ban in employment five
years on). Each newcomer carries ``idle_scar``: months of idleness not yet
made good. It grows by one for a month idle under a work ban, by
``idle_weight_with_work_right`` for a month idle while one may work, and by
``relocation_scar_months`` for each move between reception centres. Each
month of activity (a job, a course, volunteering, a placement, school) makes
good ``scar_recovery_rate`` months of it. The scar lowers search effort
(motivation, health) and the chance that an application succeeds (skills an
employer sees), each by ``exp(-scarring_per_idle_year * scar / 12)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.population import NO_COURSE, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "idle_weight_with_work_right", "relocation_scar_months", "scar_recovery_rate",
    "scarring_per_idle_year", "work_access_month",
)

# Ground lost while idle (see model.state).
NEWCOMER_STATE = {
    "idle_scar": StateColumn(np.float64, 0.0, "months of idleness not yet made good", "months"),
}


def barred_from_work(model: IntegrationModel) -> np.ndarray:
    """Asylum seekers still under the work ban (before ``work_access_month``)."""
    nc = model.nc
    return (nc.phase == Phase.ASYLUM) & (model.month - nc.arrival_month < model.work_access_month)


def active(model: IntegrationModel) -> np.ndarray:
    """Who has something to do this month: a job, a course, volunteering, a placement or school."""
    nc = model.nc
    return (nc.employed | (nc.course_kind != NO_COURSE) | nc.volunteering
            | (nc.placement_months > 0) | (nc.studying_months > 0))


def accumulate(model: IntegrationModel, relocated: np.ndarray) -> None:
    """Add this month's idleness (and moves) to the scar; activity makes some of it good."""
    nc = model.nc
    present = nc.phase != Phase.DEPARTED
    busy = active(model)
    weight = np.where(barred_from_work(model), 1.0, model.idle_weight_with_work_right)
    scar = nc.idle_scar + np.where(present & ~busy, weight, 0.0)
    scar[relocated] += model.relocation_scar_months
    scar -= np.where(busy, model.scar_recovery_rate, 0.0)
    np.maximum(scar, 0.0, out=nc.idle_scar)


def employability(model: IntegrationModel, who: np.ndarray) -> np.ndarray:
    """Factor 0-1 on search effort and on hiring chance of each of ``who``, from their scar."""
    return np.exp(-model.scarring_per_idle_year * model.nc.idle_scar[who] / 12.0)
