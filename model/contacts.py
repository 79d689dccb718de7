"""Contacts: ties between newcomers and residents, made in a setting and kept up while it lasts.

Newcomers meet residents where they are: neighbours within ``contact_radius``,
colleagues near the workplace, fellow volunteers, people at a placement,
teachers and volunteer language coaches in a course, and other visitors of a
startpunt. A meeting becomes a tie with a chance that grows with the
resident's openness and the newcomer's Dutch ("language eases contact").

A tie remembers the setting that carries it. While the setting lasts (the
same job, still volunteering, still in a course, still living nearby, a
visit to the startpunt this month) the two meet again often; once it ends,
only a private effort keeps the tie up (``tie_upkeep``, a few times a year),
and a tie not kept up fades (``tie_decay``) and lapses: weak, setting-bound
ties decay within months of the setting ending (Burt 2002, "Bridge decay"),
kept-up friendships much more slowly (Roberts & Dunbar 2015). A move weakens
every tie at once (see `asylum`).

A newcomer without an active tie is isolated. An active tie (strength at
least ``ACTIVE_TIE``) stands for contact about weekly: the model's
``share_isolated`` is what the SCP measured as "no weekly contact with Dutch
friends or acquaintances" (SCP 2020; ``docs/ODD.md`` compares the two).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.fastnp import clip, flatnonzero
from model.metric import Metric
from model.population import B1_LEVEL, FULL_WEEK_HOURS, MAX_TIES, NO_COURSE, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("contact_radius", "encounter_rate", "tie_decay", "tie_upkeep")

ACTIVE_TIE = 0.2  # strength from which a tie counts as contact
NEW_TIE_STRENGTH = 0.5  # strength of a new tie: active, but fades within months unless kept up
REFRESH_GAIN = 0.3  # strength added when two who know each other meet again (assumption)
TIE_FORMATION = 0.45  # chance a meeting with a fully open resident becomes a tie (calibrated-ish assumption)
COURSE_RATE = 0.3  # meetings a month with teachers and volunteer language coaches in a course (assumption)
COLLEAGUE_RATE = 0.8  # meetings a month in a full-time job
VOLUNTEER_RATE = 0.8  # meetings a month while volunteering
PLACEMENT_RATE = 0.6  # meetings a month during a placement (assumption)
SHARED_ACTIVITY = 1.5  # a tie forms more easily over a shared activity
WORKPLACE_RADIUS = 2  # colleagues live and work around the workplace
TIE_LOST_BELOW = 0.05  # a tie weaker than this is no longer a tie (assumption)
EASE_BY_DUTCH = (0.3, 0.7)  # ease of contact = a + b * progress to B1: some contact without Dutch, full ease from B1 (assumption)
REFRESH_SHARE = 0.5  # a tie kept up this month regains this share of REFRESH_GAIN (assumption)

NEIGHBOURHOOD, WORK, VOLUNTEERING, PLACEMENT, STARTPUNT, COURSE = range(6)  # settings that carry a tie
SETTING_NAMES = ("neighbourhood", "work", "volunteering", "placement", "startpunt", "course")  # their names, in that order
# Monthly chance a tie is kept up while its setting lasts, at full ease, by setting:
REFRESH_WHILE_SHARED = np.array([0.15, 0.5, 0.4, 0.4, 0.4, 0.3])  # colleagues and fellow volunteers meet every week, neighbours now and then (assumption)

# Ties with residents, one slot per tie (see model.state).
NEWCOMER_STATE = {
    "tie_resident": StateColumn(np.int64, -1, "resident row per tie slot (-1: empty slot)", "row", width=MAX_TIES),
    "tie_strength": StateColumn(np.float64, 0.0, "strength per tie slot", "0-1", width=MAX_TIES),
    "tie_setting": StateColumn(np.int8, NEIGHBOURHOOD, "setting that carries the tie, per slot "
                               "(neighbourhood, work, volunteering, placement, startpunt, course)", "setting 0-5",
                               width=MAX_TIES),
    "tie_place": StateColumn(np.int32, -1, "employer row of a work or placement tie, per slot (-1: none)", "row",
                             width=MAX_TIES),
}

#: Ties with residents, as outcomes (see `model.metric`; ``resident_ties`` counts the active ties).
OUTCOMES = (
    Metric("share_isolated", "Isolated (no active tie with a resident)", "share", True, -1, chart="isolation",
           per_newcomer=lambda t: t["resident_ties"] == 0, reads=("resident_ties",)),
    Metric("mean_resident_ties", "Mean active ties with residents", "ties", False, +1,
           per_newcomer=lambda t: t["resident_ties"], reads=("resident_ties",)),
)


def language_ease(score) -> np.ndarray:
    """How much the newcomer's Dutch eases contact (0.3 with none, 1 from B1)."""
    return EASE_BY_DUTCH[0] + EASE_BY_DUTCH[1] * np.minimum(1.0, np.asarray(score) / B1_LEVEL)


def active_ties(model: IntegrationModel, who: np.ndarray | None = None) -> np.ndarray:
    """Number of active ties with residents of each newcomer (or of ``who``)."""
    strength = model.nc.tie_strength if who is None else model.nc.tie_strength[who]
    return (strength >= ACTIVE_TIE).sum(axis=1)


def form_ties(model: IntegrationModel, newcomer: np.ndarray, resident: np.ndarray,
              boost: float | np.ndarray = 1.0, setting: int | np.ndarray = NEIGHBOURHOOD,
              place: int | np.ndarray = -1) -> int:
    """Meetings between ``newcomer[i]`` and ``resident[i]`` that may become ties.

    Args:
        model: The model.
        newcomer: Newcomer row of each meeting.
        resident: Resident row of each meeting (-1: nobody was there).
        boost: How much easier a tie forms (a shared activity), per meeting or for all.
        setting: Where they met (`SETTING_NAMES`), per meeting or for all.
        place: The employer of a work or placement meeting (-1 otherwise).

    Returns:
        Number of ties formed or refreshed.
    """
    nc, rng = model.nc, model.rng
    met = resident >= 0
    newcomer, resident = newcomer[met], resident[met]
    boost, setting, place = (_per_meeting(v, met) for v in (boost, setting, place))
    if newcomer.size == 0:
        return 0
    p = TIE_FORMATION * boost * model.res.openness[resident] * language_ease(nc.language_score[newcomer])
    ok = rng.random(newcomer.size) < clip(p, 0, 1)
    newcomer, resident, setting, place = newcomer[ok], resident[ok], setting[ok], place[ok]
    # one new tie per newcomer per call keeps the slot update simple and vectorised
    # (np.unique(newcomer, return_index=True), without its Python overhead: a stable sort, first of each run)
    order = np.argsort(newcomer, kind="stable")
    newcomer = newcomer[order]
    first_of_run = np.empty(newcomer.size, dtype=bool)
    first_of_run[:1] = True
    np.not_equal(newcomer[1:], newcomer[:-1], out=first_of_run[1:])
    newcomer = newcomer[first_of_run]
    first = order[first_of_run]
    resident, setting, place = resident[first], setting[first], place[first]
    slots = nc.tie_resident[newcomer]
    same = slots == resident[:, None]
    known = same.any(axis=1)
    slot = np.where(known, same.argmax(axis=1), nc.tie_strength[newcomer].argmin(axis=1))
    old = nc.tie_strength[newcomer, slot]
    nc.tie_strength[newcomer, slot] = np.where(known, np.minimum(1.0, old + REFRESH_GAIN),
                                               np.maximum(old, NEW_TIE_STRENGTH))
    # The tie now rests on the setting where they met last (a new one, or a known one met again).
    renewed = known | (old < NEW_TIE_STRENGTH)
    nc.tie_resident[newcomer[renewed], slot[renewed]] = resident[renewed]
    nc.tie_setting[newcomer[renewed], slot[renewed]] = setting[renewed]
    nc.tie_place[newcomer[renewed], slot[renewed]] = place[renewed]
    return int(newcomer.size)


def _per_meeting(value, met: np.ndarray) -> np.ndarray:
    """A per-meeting array (or one value for all) as an array over the meetings that took place."""
    value = np.asarray(value)
    return value[met] if value.shape == met.shape else np.full(int(np.count_nonzero(met)), value)


def setting_lasts(model: IntegrationModel) -> np.ndarray:
    """Whether the setting that carries each tie is still shared this month, shape (n, MAX_TIES).

    Neighbours still live within ``contact_radius``; colleagues and placement
    employers are still the same; volunteering and courses still go on; a
    startpunt tie is shared in a month of visiting.
    """
    nc, res = model.nc, model.res
    lasts = np.zeros(nc.tie_resident.shape, dtype=bool)
    who, slot = np.nonzero(nc.tie_resident >= 0)  # only the slots that hold a tie
    setting, resident = nc.tie_setting[who, slot], nc.tie_resident[who, slot]
    going_on = np.empty((len(SETTING_NAMES), who.size), dtype=bool)  # is that kind of setting part of their month
    going_on[NEIGHBOURHOOD] = np.maximum(np.abs(res.x[resident] - nc.x[who]),
                                         np.abs(res.y[resident] - nc.y[who])) <= model.contact_radius
    place = nc.tie_place[who, slot]
    going_on[WORK] = nc.employed[who] & (nc.employer[who] == place)
    going_on[VOLUNTEERING] = nc.volunteering[who]
    going_on[PLACEMENT] = (nc.placement_months[who] > 0) & (nc.placement_employer[who] == place)
    going_on[STARTPUNT] = nc.visited_startpunt[who]
    going_on[COURSE] = nc.course_kind[who] != NO_COURSE
    lasts[who, slot] = going_on[setting, np.arange(who.size)]
    return lasts


def keep_up_ties(model: IntegrationModel) -> None:
    """Ties fade by ``tie_decay`` a month unless the two meet again; weak ones end.

    They meet again often while their setting lasts (`setting_lasts`), and
    only with ``tie_upkeep`` once it has ended.
    """
    nc, rng = model.nc, model.rng
    n = nc.n
    strength = nc.tie_strength
    has = nc.tie_resident >= 0
    ease = language_ease(nc.language_score)[:, None]
    chance = np.where(setting_lasts(model), REFRESH_WHILE_SHARED[nc.tie_setting], model.tie_upkeep)
    refreshed = has & (rng.random((n, MAX_TIES)) < chance * ease)
    strength *= 1.0 - model.tie_decay
    strength += np.where(refreshed, REFRESH_GAIN * REFRESH_SHARE, 0.0)
    clip(strength, 0.0, 1.0, out=strength)
    gone = has & (strength < TIE_LOST_BELOW)
    nc.tie_resident[gone] = -1
    strength[gone] = 0.0


def meet_people(model: IntegrationModel, startpunt_pairs: tuple[np.ndarray, np.ndarray]) -> None:
    """This month's meetings: neighbours, colleagues, volunteers, placements, courses, startpunten.

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
    learning = present[nc.course_kind[present] != NO_COURSE]
    channels = [  # (who, meetings each, place x, place y, radius, boost, setting, employer)
        (present, rng.poisson(model.encounter_rate, present.size),
         nc.x[present], nc.y[present], model.contact_radius, 1.0, NEIGHBOURHOOD, -1),
        (employed, rng.poisson(COLLEAGUE_RATE * nc.hours_per_week[employed] / FULL_WEEK_HOURS),
         emp.x[nc.employer[employed]], emp.y[nc.employer[employed]], WORKPLACE_RADIUS, SHARED_ACTIVITY,
         WORK, nc.employer[employed]),
        (volunteers, rng.poisson(VOLUNTEER_RATE, volunteers.size),
         nc.x[volunteers], nc.y[volunteers], model.contact_radius + 2, SHARED_ACTIVITY, VOLUNTEERING, -1),
        (placed, rng.poisson(PLACEMENT_RATE, placed.size),
         emp.x[nc.placement_employer[placed]], emp.y[nc.placement_employer[placed]], WORKPLACE_RADIUS,
         SHARED_ACTIVITY, PLACEMENT, nc.placement_employer[placed]),
        (learning, rng.poisson(COURSE_RATE, learning.size),
         nc.x[learning], nc.y[learning], model.contact_radius + 2, SHARED_ACTIVITY, COURSE, -1),
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
    setting = np.repeat(np.array([c[6] for c in channels], dtype=np.int8), sizes).repeat(meetings)
    place = np.concatenate([c[7] if np.ndim(c[7]) else np.full(c[0].size, c[7]) for c in channels]).repeat(meetings)
    met = model.resident_index.random_resident_near(rng, rows[:, 1:3], rows[:, 3])
    at_hub, hub_resident = startpunt_pairs
    form_ties(model, np.concatenate([rows[:, 0], at_hub]), np.concatenate([met, hub_resident]),
              np.concatenate([boost, np.full(at_hub.size, SHARED_ACTIVITY)]),
              np.concatenate([setting, np.full(at_hub.size, STARTPUNT, dtype=np.int8)]),
              np.concatenate([place, np.full(at_hub.size, -1)]))
