"""Wellbeing: waiting, moves, debt, isolation and work move it; it feeds back into learning and search.

Wellbeing (0-1) moves each month a step towards a target set by the
newcomer's situation, plus shocks when something happens (a relocation, a
fine, a benefit cut). Low wellbeing slows learning (`language.learnability`)
and job search (`labour.search_effort`): the vicious circle of the study's
§3.2 Probleem 3 and Probleem 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import reception
from model.fastnp import clip
from model.metric import Metric
from model.population import Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

ADJUSTMENT = 0.15  # share of the gap to the target closed each month
BASE = 0.65  # target wellbeing of someone settled but without work (assumption)
TRAUMA = -0.15  # mental-health problems lower it (Pharos 2016)
ASYLUM_WAIT = -0.12  # uncertainty while waiting for a decision
AWAITING_HOUSE = -0.05  # permit but still in the azc (study §3.2 Probleem 1)
DEBT = -0.15  # at EUR 3,000 of debt or more
DEBT_SCALE_EUR = 3000.0  # debt at which the full weight of DEBT applies (assumption)
ISOLATED = -0.1  # no contact with residents (study §3.2 Probleem 3)
EMPLOYED = 0.12  # work gives income, purpose and contact (study §3.2 Probleem 3)
VOLUNTEERING = 0.05  # purpose and contact (assumption)
PASSED = 0.04  # relief of having passed the exam (assumption)
BENEFIT_CUT = -0.08  # while the benefit is cut (assumption)
RELOCATION_SHOCK = -0.06  # a move breaks off what one had built (study §3.2 Probleem 1, note 56)
FINE_SHOCK = -0.06  # a fine and status uncertainty (study §3.2 Probleem 1)

# How they feel (see model.state).
NEWCOMER_STATE = {
    "wellbeing": StateColumn(np.float64, 0.6, "wellbeing", "0-1"),
}

#: Wellbeing, as an outcome (see `model.metric`).
OUTCOMES = (
    Metric("mean_wellbeing", "Mean wellbeing", "0-1", True, +1, chart="wellbeing",
           per_newcomer=lambda t: t["wellbeing"], reads=("wellbeing",)),
)


def wellbeing_target(trauma, asylum, awaiting, debt, isolated, employed, volunteering, passed, cut) -> np.ndarray:
    """Where wellbeing tends to, given one's situation."""
    target = (
        BASE
        + TRAUMA * np.asarray(trauma)
        + ASYLUM_WAIT * np.asarray(asylum)
        + AWAITING_HOUSE * np.asarray(awaiting)
        + DEBT * np.minimum(1.0, np.asarray(debt) / DEBT_SCALE_EUR)
        + ISOLATED * np.asarray(isolated)
        + EMPLOYED * np.asarray(employed)
        + VOLUNTEERING * np.asarray(volunteering)
        + PASSED * np.asarray(passed)
        + BENEFIT_CUT * np.asarray(cut)
    )
    return clip(target, 0.0, 1.0)


def feel(model: IntegrationModel, relocated: np.ndarray, fined: np.ndarray, isolated: np.ndarray) -> None:
    """Move everyone's wellbeing a month towards their target, after this month's shocks."""
    nc = model.nc
    phase = nc.phase
    target = wellbeing_target(
        nc.trauma, phase == Phase.ASYLUM, phase == Phase.AWAITING_HOUSING, nc.debt_eur,
        isolated, nc.employed, nc.volunteering, nc.exam_passed,
        nc.benefit_cut_months > 0,
    )
    target = target - reception.wellbeing_toll(model)  # an emergency location weighs on top
    w = nc.wellbeing
    w += ADJUSTMENT * (target - w)
    w[relocated] += RELOCATION_SHOCK
    w[fined] += FINE_SHOCK
    clip(w, 0.0, 1.0, out=nc.wellbeing)
