"""Startpunten: low-threshold local hubs open to every inhabitant (study §3.4 II and kader 3.7).

Each month, residents and newcomers visit the nearest startpunt of their
municipality with a chance that halves every ``startpunt_distance_decay``
cells ("they must be where people regularly come", study kader 3.7). Residents come
more when they have a need: low-literate residents (note 76) take a course,
unemployed residents get work guidance and placements. Newcomers who come
find a free course at their level, work guidance, the volunteer portal and
residents to meet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.capacity import in_agents
from model.fastnp import flatnonzero
from model.labour import place
from model.language import start_course, supervised_budget_left, supervised_quality
from model.metric import Metric
from model.population import NO_COURSE, SUPERVISED_COURSE, Phase
from model.state import StateColumn

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "startpunt_capacity", "startpunt_course_uptake", "startpunt_distance_decay",
    "startpunt_guidance", "startpunt_newcomer_visit",
)

RESIDENT_BASE_VISIT = 0.02  # anyone may drop by
RESIDENT_NEED_VISIT = 0.1  # extra for a low-literate or unemployed resident
RESIDENT_COURSE_MONTHS = 6  # a literacy course for a resident (assumption)
RESIDENT_PLACEMENT_CHANCE = 0.04  # a visiting job seeker finds a placement or job (assumption)
VOLUNTEER_PORTAL = 0.15  # a visiting newcomer starts volunteering
PLACEMENT_BROKERING = 0.1  # a visiting job seeker is offered a placement
STARTPUNT_MEETINGS = 2  # residents met per visit
LOOKUP_TABLE_MAX_CELLS = 1_000_000  # above this many (cell, municipality) pairs, distances are computed each time (memory)

# Visits to the startpunt (see model.state).
NEWCOMER_STATE = {
    "used_startpunt": StateColumn(np.bool_, False, "has ever visited a startpunt", "true/false"),
    "visited_startpunt": StateColumn(np.bool_, False, "visited a startpunt this month", "true/false"),
}

#: What the startpunten do for residents, as outcomes (see `model.metric`).
OUTCOMES = (
    Metric("residents_in_course", "Residents in a startpunt course", "count", False, +1,
           of_model=lambda model: int(np.count_nonzero(model.res.course_months > 0))),
    Metric("residents_placed", "Residents placed through a startpunt, cumulative", "count", False, +1,
           of_model=lambda model: int(np.count_nonzero(model.res.placed))),
)


def visit_chance(distance, base: float, decay: float) -> np.ndarray:
    """Monthly chance of a visit: ``base`` next door, halving every ``decay`` cells."""
    return base * 0.5 ** (np.asarray(distance, dtype=float) / decay)


def nearest_startpunt(model: IntegrationModel, x, y, municipality) -> tuple[np.ndarray, np.ndarray]:
    """Index of and distance (cells, Chebyshev) to the nearest startpunt in one's municipality."""
    cells = model.world.startpunt_cells
    owner = model.world.startpunt_municipality
    x, y, municipality = np.asarray(x), np.asarray(y), np.asarray(municipality)
    if len(cells) == 0:
        return np.full(x.size, -1), np.full(x.size, np.inf)
    d = np.maximum(np.abs(x[:, None] - cells[None, :, 0]), np.abs(y[:, None] - cells[None, :, 1])).astype(float)
    d[owner[None, :] != municipality[:, None]] = np.inf
    best = d.argmin(axis=1)
    dist = d[np.arange(x.size), best]
    return np.where(np.isfinite(dist), best, -1), dist


def nearest_startpunt_at(model: IntegrationModel, x, y, municipality) -> tuple[np.ndarray, np.ndarray]:
    """`nearest_startpunt`, looked up in a table of every cell for every municipality.

    Startpunten do not move, so the table is made once, the first time it is
    needed (with `nearest_startpunt` itself, so the answers are the same). On
    very large maps (more than a million cells times municipalities) the
    distances are computed each time instead.
    """
    table = model.world.nearest_startpunt_table
    height = model.world.height
    if table is None and model.world.width * height * len(model.world.municipalities) > LOOKUP_TABLE_MAX_CELLS:
        return nearest_startpunt(model, x, y, municipality)
    if table is None:
        cells = np.arange(model.world.width * height)
        xs, ys = cells // height, cells % height
        parts = [nearest_startpunt(model, xs, ys, np.full(cells.size, m)) for m in range(len(model.world.municipalities))]
        table = model.world.nearest_startpunt_table = (np.concatenate([p[0] for p in parts]),
                                                       np.concatenate([p[1] for p in parts]))
    key = (np.asarray(municipality, dtype=np.int64) * model.world.width + x) * height + y
    return table[0][key], table[1][key]


def setup_residents(model: IntegrationModel) -> None:
    """Each resident's nearest startpunt and monthly chance to visit it (fixed: residents do not move)."""
    res = model.res
    res.startpunt[:], res.startpunt_distance[:] = nearest_startpunt(model, res.x, res.y, res.municipality)
    need = ~res.literate | res.seeking_work
    res.visit_chance[:] = visit_chance(
        res.startpunt_distance, RESIDENT_BASE_VISIT + RESIDENT_NEED_VISIT * need, model.startpunt_distance_decay
    )


def open_doors(model: IntegrationModel) -> tuple[np.ndarray, np.ndarray]:
    """One month at the startpunten.

    Newcomers who come are marked (``visited_startpunt``) for work guidance.

    Returns:
        Pairs (newcomer, resident) who met there.
    """
    nc, res, rng = model.nc, model.res, model.rng
    nc.visited_startpunt[:] = False
    res.course_months[:] = np.maximum(0, res.course_months - 1)
    empty = np.zeros(0, dtype=np.int64)
    if len(model.world.startpunt_cells) == 0:
        return empty, empty

    res.visiting[:] = rng.random(res.n) < res.visit_chance
    learners = res.visiting & ~res.literate & (res.course_months == 0)
    res.course_months[learners] = RESIDENT_COURSE_MONTHS
    res.ever_in_course |= learners
    seekers = flatnonzero(res.visiting & res.seeking_work)
    found = seekers[rng.random(seekers.size) < RESIDENT_PLACEMENT_CHANCE]
    res.placed[found] = True
    res.seeking_work[found] = False

    present = flatnonzero(nc.phase != Phase.DEPARTED)
    x, y = nc.x[present], nc.y[present]
    municipality = np.where(nc.municipality[present] >= 0, nc.municipality[present], model.world.region[x, y])
    where, dist = nearest_startpunt_at(model, x, y, municipality)
    came = rng.random(present.size) < visit_chance(dist, model.startpunt_newcomer_visit, model.startpunt_distance_decay)
    visitors, hub = present[came], where[came]
    nc.used_startpunt[visitors] = True
    meeting, meeting_hub = visitors, hub
    visitors, hub = served_visitors(model, visitors, hub)
    nc.visited_startpunt[visitors] = True
    nc.guidance[visitors] += model.startpunt_guidance  # work guidance (model.modifiers)
    nc.search_help[visitors] = True

    idle = visitors[(nc.course_kind[visitors] == NO_COURSE) & ~nc.exam_passed[visitors]
                    & supervised_budget_left(model)[visitors] & ~nc.in_emergency[visitors]]
    idle = idle[rng.random(idle.size) < model.startpunt_course_uptake]
    start_course(model, idle, SUPERVISED_COURSE, supervised_quality(model, nc.municipality[idle]))
    nc.volunteering[visitors] |= rng.random(visitors.size) < VOLUNTEER_PORTAL
    jobless = visitors[~nc.employed[visitors]]
    place(model, jobless[rng.random(jobless.size) < PLACEMENT_BROKERING])
    return _pairs_at_startpunten(model, meeting, meeting_hub)


def served_visitors(model: IntegrationModel, visitors: np.ndarray, hub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The visitors a startpunt can serve this month, and their startpunt.

    A startpunt serves at most ``startpunt_capacity`` newcomer visits a month
    (0: no limit); at a crowded one a random part of the visitors is served
    (course, volunteer portal, placements, work guidance), the others only
    meet people there: a thinner service.
    """
    cap = in_agents(model, model.startpunt_capacity)
    if model.startpunt_capacity <= 0 or visitors.size == 0:
        return visitors, hub
    counts = np.bincount(hub, minlength=len(model.world.startpunt_cells))
    if (counts <= cap).all():
        return visitors, hub
    share = np.minimum(1.0, cap / np.maximum(counts, 1))[hub]  # each visitor's chance to be served
    served = model.rng.random(visitors.size) < share
    model.queue_counts["startpunt_unserved"] = int(visitors.size - np.count_nonzero(served))
    return visitors[served], hub[served]


def _pairs_at_startpunten(model, visitors, hub):
    """Each visiting newcomer meets a few residents who came to the same startpunt."""
    res, rng = model.res, model.rng
    resident_visitors = flatnonzero(res.visiting)
    if resident_visitors.size == 0 or visitors.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    by_hub = res.startpunt[resident_visitors]
    order = np.argsort(by_hub, kind="stable")
    sorted_res, sorted_hub = resident_visitors[order], by_hub[order]
    n_hubs = len(model.world.startpunt_cells)
    start = np.searchsorted(sorted_hub, np.arange(n_hubs))
    count = np.searchsorted(sorted_hub, np.arange(n_hubs), side="right") - start
    who = np.repeat(visitors, STARTPUNT_MEETINGS)
    h = np.repeat(hub, STARTPUNT_MEETINGS)
    c = count[h]
    pick = (rng.random(who.size) * c).astype(np.int64)
    met = np.where(c > 0, sorted_res[np.minimum(start[h] + pick, len(sorted_res) - 1)], -1)
    return who, met
