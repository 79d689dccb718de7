"""Reception: regular places in reception centres (azc), and emergency locations when they are full.

COA has a number of regular places (``reception_places``, national). Everyone
in reception (waiting for a decision, or with a permit waiting for a house)
takes one, those who came first first; when they are full, the others stay in
emergency locations (sports halls, pavilions, Ter Apel's grass in 2022). There
they move far more often (``emergency_relocation_rate_per_year``), have no
courses and no activities, and their wellbeing suffers more
(``emergency_wellbeing_toll``). Permit holders who wait for a house keep their
place and so block it for new arrivals (`model.housing`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.capacity import first_in_line, in_agents
from model.fastnp import flatnonzero
from model.population import Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "emergency_relocation_rate_per_year", "emergency_wellbeing_toll", "reception_places",
    "relocation_rate_per_year",
)


NEWCOMER_STATE = {
    "in_emergency": StateColumn(np.bool_, False, "in an emergency location, not a regular reception place",
                                "true/false"),
}


def in_reception(model: IntegrationModel) -> np.ndarray:
    """Who is in reception: waiting for a decision or, with a permit, for a house."""
    return model.nc.phase <= Phase.AWAITING_HOUSING


def assign_places(model: IntegrationModel) -> None:
    """Who has a regular place this month and who is in an emergency location.

    Regular places go to those who arrived first (as places free up, the
    longest in emergency locations move in); nobody is moved out of a regular place.
    """
    nc = model.nc
    occupants = flatnonzero(in_reception(model))
    regular = first_in_line(model, occupants, nc.arrival_month[occupants], in_agents(model, model.reception_places))
    nc.in_emergency[:] = False
    if regular.size < occupants.size:
        nc.in_emergency[occupants] = True
        nc.in_emergency[regular] = False


def monthly_relocation_chance(model: IntegrationModel, who: np.ndarray) -> float | np.ndarray:
    """Monthly chance of a move for each of ``who``: the regular rate, or the emergency rate."""
    regular = 1.0 - np.exp(-model.relocation_rate_per_year / 12.0)
    emergency = model.nc.in_emergency[who]
    if not emergency.any():
        return regular
    return np.where(emergency, 1.0 - np.exp(-model.emergency_relocation_rate_per_year / 12.0), regular)


def anyone_in_emergency(model: IntegrationModel) -> bool:
    """True if anyone is in an emergency location this month."""
    return bool(model.nc.in_emergency.any())


def wellbeing_toll(model: IntegrationModel) -> np.ndarray:
    """How much lower each newcomer's target wellbeing is for living in an emergency location."""
    return model.emergency_wellbeing_toll * model.nc.in_emergency
