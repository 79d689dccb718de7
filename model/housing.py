"""Housing: municipalities house permit holders by their task, at a limited rate.

Each municipality's housing task (taakstelling) is its share of the
population times the national inflow of permit holders: in the model, permit
holders are assigned to municipalities by that share (`model.asylum.decide`).
Municipalities deliver houses at a limited rate, ``housing_delivery_per_month``
nationally, split by the same share. A permit holder whose house would be
ready (after the usual matching time, ``housing_wait_months``) moves in only
if one of this month's houses is left; otherwise they wait in reception,
longest-waiting first, keeping their place there (`model.reception`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.capacity import first_in_line, in_agents, per_month

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("housing_delivery_per_month",)


def houses_this_month(model: IntegrationModel) -> np.ndarray:
    """Houses (for one newcomer agent each) each municipality delivers this month."""
    national = in_agents(model, model.housing_delivery_per_month)
    return np.array([per_month(national * share, model.month) for share in model.municipality_quota])


def allot_houses(model: IntegrationModel, ready: np.ndarray) -> np.ndarray:
    """Those of ``ready`` who get a house this month (all of them while houses suffice).

    Args:
        model: The model.
        ready: Permit holders whose matching time is over (sorted rows).

    Returns:
        The rows who move in, sorted; the others wait a month longer.
    """
    nc = model.nc
    houses = houses_this_month(model)
    municipality = nc.municipality[ready]
    if ready.size == 0 or (np.bincount(municipality, minlength=houses.size) <= houses).all():
        return ready
    parts = [first_in_line(model, ready[municipality == m], nc.permit_month[ready[municipality == m]], houses[m])
             for m in range(houses.size)]
    return np.sort(np.concatenate(parts))
