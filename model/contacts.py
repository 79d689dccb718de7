"""Contacts: ties between newcomers and residents, made in space and kept by meeting.

Newcomers meet residents where they are: neighbours within ``contact_radius``,
colleagues near the workplace, fellow volunteers, and other visitors of a
startpunt. A meeting becomes a tie with a chance that grows with the
resident's openness and the newcomer's Dutch ("language eases contact"). Ties
fade without contact (``tie_decay``); a move weakens them (see `asylum`).
A newcomer without an active tie is isolated (study §3.2 Probleem 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.fastnp import clip, flatnonzero
from model.population import B1_LEVEL, FULL_WEEK_HOURS, MAX_TIES, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

ACTIVE_TIE = 0.2  # strength from which a tie counts as contact
NEW_TIE_STRENGTH = 0.5  # strength of a new tie: active, but fades within months unless kept up
REFRESH_GAIN = 0.3  # strength added when two who know each other meet again (assumption)
TIE_FORMATION = 0.45  # chance a meeting with a fully open resident becomes a tie (calibrated-ish assumption)
REFRESH_CHANCE = 0.4  # monthly chance an existing tie is kept up, at full ease
COLLEAGUE_RATE = 0.8  # meetings a month in a full-time job
VOLUNTEER_RATE = 0.8  # meetings a month while volunteering
PLACEMENT_RATE = 0.6  # meetings a month during a placement (assumption)
SHARED_ACTIVITY = 1.5  # a tie forms more easily over a shared activity
WORKPLACE_RADIUS = 2  # colleagues live and work around the workplace
TIE_LOST_BELOW = 0.05  # a tie weaker than this is no longer a tie (assumption)
EASE_BY_DUTCH = (0.3, 0.7)  # ease of contact = a + b * progress to B1: some contact without Dutch, full ease from B1 (assumption)
REFRESH_SHARE = 0.5  # a tie kept up this month regains this share of REFRESH_GAIN (assumption)

# Ties with residents, one slot per tie (see model.state).
NEWCOMER_STATE = {
    "tie_resident": StateColumn(np.int64, -1, "resident row per tie slot (-1: empty slot)", "row", width=MAX_TIES),
    "tie_strength": StateColumn(np.float64, 0.0, "strength per tie slot", "0-1", width=MAX_TIES),
}


def language_ease(score) -> np.ndarray:
    """How much the newcomer's Dutch eases contact (0.3 with none, 1 from B1)."""
    return EASE_BY_DUTCH[0] + EASE_BY_DUTCH[1] * np.minimum(1.0, np.asarray(score) / B1_LEVEL)


def active_ties(model: IntegrationModel, who: np.ndarray | None = None) -> np.ndarray:
    """Number of active ties with residents of each newcomer (or of ``who``)."""
    strength = model.nc.tie_strength if who is None else model.nc.tie_strength[who]
    return (strength >= ACTIVE_TIE).sum(axis=1)


def form_ties(model: IntegrationModel, newcomer: np.ndarray, resident: np.ndarray,
              boost: float | np.ndarray = 1.0) -> int:
    """Meetings between ``newcomer[i]`` and ``resident[i]`` that may become ties.

    Returns:
        Number of ties formed or refreshed.
    """
    nc, rng = model.nc, model.rng
    met = resident >= 0
    newcomer, resident = newcomer[met], resident[met]
    boost = np.asarray(boost)
    boost = boost[met] if boost.shape == met.shape else np.broadcast_to(boost, met.shape)[met]
    if newcomer.size == 0:
        return 0
    p = TIE_FORMATION * boost * model.res.openness[resident] * language_ease(nc.language_score[newcomer])
    ok = rng.random(newcomer.size) < clip(p, 0, 1)
    newcomer, resident = newcomer[ok], resident[ok]
    # one new tie per newcomer per call keeps the slot update simple and vectorised
    # (np.unique(newcomer, return_index=True), without its Python overhead: a stable sort, first of each run)
    order = np.argsort(newcomer, kind="stable")
    newcomer = newcomer[order]
    first_of_run = np.empty(newcomer.size, dtype=bool)
    first_of_run[:1] = True
    np.not_equal(newcomer[1:], newcomer[:-1], out=first_of_run[1:])
    newcomer = newcomer[first_of_run]
    resident = resident[order[first_of_run]]
    slots = nc.tie_resident[newcomer]
    same = slots == resident[:, None]
    known = same.any(axis=1)
    slot = np.where(known, same.argmax(axis=1), nc.tie_strength[newcomer].argmin(axis=1))
    old = nc.tie_strength[newcomer, slot]
    nc.tie_strength[newcomer, slot] = np.where(known, np.minimum(1.0, old + REFRESH_GAIN),
                                               np.maximum(old, NEW_TIE_STRENGTH))
    replace = ~known & (old < NEW_TIE_STRENGTH)
    nc.tie_resident[newcomer[replace], slot[replace]] = resident[replace]
    return int(newcomer.size)


def keep_up_ties(model: IntegrationModel) -> None:
    """Ties fade by ``tie_decay`` a month unless the two meet again; weak ones end."""
    nc, rng = model.nc, model.rng
    n = nc.n
    strength = nc.tie_strength
    has = nc.tie_resident >= 0
    ease = language_ease(nc.language_score)[:, None]
    refreshed = has & (rng.random((n, MAX_TIES)) < REFRESH_CHANCE * ease)
    strength *= 1.0 - model.tie_decay
    strength += np.where(refreshed, REFRESH_GAIN * REFRESH_SHARE, 0.0)
    clip(strength, 0.0, 1.0, out=strength)
    gone = has & (strength < TIE_LOST_BELOW)
    nc.tie_resident[gone] = -1
    strength[gone] = 0.0


def meet_people(model: IntegrationModel, startpunt_pairs: tuple[np.ndarray, np.ndarray]) -> None:
    """This month's meetings: neighbours, colleagues, volunteers, placements, startpunten.

    Each channel gives a number of meetings (Poisson) near a place: home,
    the workplace, the volunteering spot. All meetings of the month are then
    drawn and turned into ties in one pass.
    """
    nc, rng, emp = model.nc, model.rng, model.emp
    present = flatnonzero(nc.phase != Phase.DEPARTED)
    if present.size == 0:
        return
    employed = present[nc.employed[present]]
    volunteers = present[nc.volunteering[present]]
    placed = present[nc.placement_months[present] > 0]
    channels = [  # (who, meetings each, place x, place y, radius, boost)
        (present, rng.poisson(model.encounter_rate, present.size),
         nc.x[present], nc.y[present], model.contact_radius, 1.0),
        (employed, rng.poisson(COLLEAGUE_RATE * nc.hours_per_week[employed] / FULL_WEEK_HOURS),
         emp.x[nc.employer[employed]], emp.y[nc.employer[employed]], WORKPLACE_RADIUS, SHARED_ACTIVITY),
        (volunteers, rng.poisson(VOLUNTEER_RATE, volunteers.size),
         nc.x[volunteers], nc.y[volunteers], model.contact_radius + 2, SHARED_ACTIVITY),
        (placed, rng.poisson(PLACEMENT_RATE, placed.size),
         emp.x[nc.placement_employer[placed]], emp.y[nc.placement_employer[placed]], WORKPLACE_RADIUS,
         SHARED_ACTIVITY),
    ]
    meetings = np.concatenate([c[1] for c in channels])
    sizes = [c[0].size for c in channels]
    rows = np.column_stack([
        np.concatenate([c[0] for c in channels]),
        np.concatenate([c[2] for c in channels]),
        np.concatenate([c[3] for c in channels]),
        np.repeat(np.array([c[4] for c in channels]), sizes),
    ]).repeat(meetings, axis=0)
    boost = np.repeat(np.array([c[5] for c in channels], dtype=float), sizes).repeat(meetings)
    met = model.resident_index.random_resident_near(rng, rows[:, 1:3], rows[:, 3])
    at_hub, hub_resident = startpunt_pairs
    form_ties(model, np.concatenate([rows[:, 0], at_hub]), np.concatenate([met, hub_resident]),
              np.concatenate([boost, np.full(at_hub.size, SHARED_ACTIVITY)]))
