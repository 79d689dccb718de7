"""The world: a grid split into municipalities, where people live, work and meet.

Municipalities are regions of the grid around a centre (a weighted Voronoi
split, so the city is larger). Residents live with a density that falls off
from each municipality's centre; employers cluster where labour demand is;
reception centres (azc) stand outside the centres; startpunten stand where
residents regularly come (the densest spots, study kader 3.7).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.fastnp import clip

# Kinds of municipality, in the order they are created: one city, towns, a rural area.
# (size weight of the region, population weight, density fall-off in cells, labour demand)
CITY = ("city", 2.2, 3.0, 9.0, 1.25)  # large, dense, most jobs (assumption)
TOWN = ("town", 1.3, 1.0, 6.0, 1.0)  # average (assumption)
RURAL = ("rural", 1.0, 0.45, 14.0, 0.7)  # spread out, fewer jobs (assumption)
STARTPUNT_MIN_SEPARATION = 8  # cells; two startpunten of one municipality are not side by side
CENTRE_MARGIN = 0.15  # municipality centres keep this share of the grid from its edges
CENTRE_CANDIDATES = 40  # random candidates per centre; the one farthest from the others wins
BACKGROUND_DENSITY = 0.02  # relative resident density of the countryside between towns (assumption)
AZC_DENSITY_QUANTILE = 0.9  # reception centres avoid the densest tenth of cells, the town centres (assumption)


@dataclass
class MunicipalityPlan:
    """What the world builder decides about one municipality."""

    index: int
    kind: str
    centre: tuple[int, int]
    labour_demand: float
    quality: float
    quota_share: float = 0.0


@dataclass
class World:
    """The static geography of one model run.

    Attributes:
        width: Grid width in cells.
        height: Grid height in cells.
        region: Municipality index of every cell, shape (width, height).
        density: Relative resident density of every cell, shape (width, height).
        municipalities: One plan per municipality.
        azc_cells: (x, y) of each reception centre, shape (n, 2).
        startpunt_cells: (x, y) of each startpunt, shape (k, 2).
        startpunt_municipality: Municipality of each startpunt, shape (k,).
        nearest_startpunt_table: For every (municipality, cell), the index of and
            distance to the nearest startpunt; made on first use by
            `model.startpunten.nearest_startpunt_at` (startpunten never move).
    """

    width: int
    height: int
    region: np.ndarray
    density: np.ndarray
    municipalities: list[MunicipalityPlan]
    azc_cells: np.ndarray
    startpunt_cells: np.ndarray
    startpunt_municipality: np.ndarray
    nearest_startpunt_table: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def sample_cells(self, rng: np.random.Generator, n: int, weight: np.ndarray) -> np.ndarray:
        """Draw ``n`` cells with probability proportional to ``weight``; returns (n, 2)."""
        return CellSampler(weight).draw(rng, n)

    def municipality_at(self, xy: np.ndarray) -> np.ndarray:
        """Municipality of each (x, y) row."""
        return self.region[xy[:, 0], xy[:, 1]]


def municipality_kinds(n: int) -> list[tuple]:
    """The kinds of ``n`` municipalities: a city first, a rural area last, towns between."""
    if n == 1:
        return [CITY]
    return [CITY] + [TOWN] * (n - 2) + [RURAL]  # n - 2 towns: none for two municipalities


def _place_centres(rng: np.random.Generator, n: int, width: int, height: int) -> np.ndarray:
    """Municipality centres spread over the grid (best of many random candidates)."""
    margin_x, margin_y = width * CENTRE_MARGIN, height * CENTRE_MARGIN
    centres = [np.array([width / 2, height / 2])]  # the city sits in the middle
    for _ in range(n - 1):
        cand = np.column_stack(
            [rng.uniform(margin_x, width - margin_x, CENTRE_CANDIDATES),
             rng.uniform(margin_y, height - margin_y, CENTRE_CANDIDATES)]
        )
        dist = np.min(np.linalg.norm(cand[:, None, :] - np.array(centres)[None], axis=2), axis=1)
        centres.append(cand[np.argmax(dist)])
    return np.array(centres)


def build_world(
    rng: np.random.Generator,
    width: int,
    height: int,
    n_municipalities: int,
    n_reception_centres: int,
    startpunten_per_municipality: int,
    quality_spread: float,
) -> World:
    """Build the geography of one run.

    Args:
        rng: The model's random generator.
        width: Grid width.
        height: Grid height.
        n_municipalities: Number of municipalities.
        n_reception_centres: Number of reception centres.
        startpunten_per_municipality: Startpunten in every municipality.
        quality_spread: Municipalities' implementation quality lies evenly in
            ``1 +/- quality_spread`` (shuffled, so the city is not always best).

    Returns:
        The world.
    """
    kinds = municipality_kinds(n_municipalities)
    centres = _place_centres(rng, n_municipalities, width, height)
    xs, ys = np.meshgrid(np.arange(width), np.arange(height), indexing="ij")
    dist = np.sqrt((xs[None] - centres[:, 0, None, None]) ** 2 + (ys[None] - centres[:, 1, None, None]) ** 2)
    size_weight = np.array([k[1] for k in kinds])[:, None, None]
    region = np.argmin(dist / size_weight, axis=0)

    density = np.full((width, height), BACKGROUND_DENSITY)
    for i, kind in enumerate(kinds):
        _, _, pop, falloff, _ = kind
        density += np.where(region == i, pop * np.exp(-dist[i] / falloff), 0.0)

    offsets = np.linspace(-1.0, 1.0, n_municipalities) if n_municipalities > 1 else np.zeros(1)
    quality = 1.0 + quality_spread * rng.permutation(offsets)
    municipalities = [
        MunicipalityPlan(i, kinds[i][0], (int(centres[i, 0]), int(centres[i, 1])), kinds[i][4], float(quality[i]))
        for i in range(n_municipalities)
    ]

    world = World(width, height, region, density, municipalities,
                  np.zeros((0, 2), int), np.zeros((0, 2), int), np.zeros(0, int))
    # Reception centres stand on the edge of towns: moderate density, not the centre.
    azc_weight = np.sqrt(density) * (density < np.quantile(density, AZC_DENSITY_QUANTILE))
    world.azc_cells = world.sample_cells(rng, n_reception_centres, azc_weight)
    world.startpunt_cells, world.startpunt_municipality = _place_startpunten(
        region, density, n_municipalities, startpunten_per_municipality
    )
    return world


def _place_startpunten(region, density, n_municipalities, per_municipality):
    """Startpunten at each municipality's busiest spots, a minimum distance apart."""
    cells, owners = [], []
    for m in range(n_municipalities):
        own = np.where(region == m, density, -1.0)
        order = np.argsort(own.ravel())[::-1]
        chosen: list[tuple[int, int]] = []
        separation = STARTPUNT_MIN_SEPARATION
        while len(chosen) < per_municipality and separation >= 1:  # small regions: relax the spacing
            for flat in order:
                if len(chosen) == per_municipality or own.ravel()[flat] < 0:
                    break
                xy = (int(flat // own.shape[1]), int(flat % own.shape[1]))
                if all(max(abs(xy[0] - c[0]), abs(xy[1] - c[1])) >= separation for c in chosen):
                    chosen.append(xy)
            separation //= 2
        cells += chosen
        owners += [m] * len(chosen)
    return np.array(cells, dtype=int).reshape(-1, 2), np.array(owners, dtype=int)


class CellSampler:
    """Draws cells with probability proportional to a weight, many times, cheaply."""

    def __init__(self, weight: np.ndarray):
        self.shape = weight.shape
        self.cumulative = np.cumsum(weight.ravel(), dtype=float)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` cells as rows of (x, y)."""
        u = rng.random(n) * self.cumulative[-1]
        flat = np.minimum(np.searchsorted(self.cumulative, u, side="right"), self.cumulative.size - 1)
        return np.column_stack(np.unravel_index(flat, self.shape))


class SpatialIndex:
    """Residents by cell, for fast 'who lives in this cell' look-ups.

    Mesa's ``cell.get_neighborhood(radius)`` walks Python objects; for tens of
    thousands of encounters a month we keep a compressed index instead:
    residents sorted by cell, with each cell's start and count.
    """

    def __init__(self, xy: np.ndarray, width: int, height: int):
        self.width, self.height = width, height
        cell_id = xy[:, 0] * height + xy[:, 1]
        self.order = np.argsort(cell_id, kind="stable")
        counts = np.bincount(cell_id, minlength=width * height)
        self.count = counts
        self.start = np.concatenate([[0], np.cumsum(counts)[:-1]])

    def random_resident_near(
        self, rng: np.random.Generator, xy: np.ndarray, radius: int | np.ndarray
    ) -> np.ndarray:
        """For each (x, y) row, a random resident in a random cell within ``radius``.

        Returns resident indices, -1 where the drawn cell is empty (so sparse
        areas give fewer encounters, as they should).
        """
        n = len(xy)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        span = 2 * np.asarray(radius) + 1
        dx = (rng.random(n) * span).astype(np.int64) - radius
        dy = (rng.random(n) * span).astype(np.int64) - radius
        x = clip(xy[:, 0] + dx, 0, self.width - 1)
        y = clip(xy[:, 1] + dy, 0, self.height - 1)
        cell = x * self.height + y
        count = self.count[cell]
        pick = (rng.random(n) * count).astype(np.int64)
        found = count > 0
        out = np.full(n, -1, dtype=np.int64)
        out[found] = self.order[self.start[cell[found]] + pick[found]]
        return out


class CommuteIndex:
    """Employers within commuting distance, by block of cells.

    The grid is cut into square blocks of ``block`` cells; each block lists
    the employers within ``radius`` of its centre (so distances are exact up
    to half a block). Looking up "an employer I could commute to" is then a
    constant-time draw from a short list, which keeps the cost of job search
    linear in the number of people, whatever the size of the country.
    """

    def __init__(self, employer_xy: np.ndarray, width: int, height: int, radius: float):
        from scipy.spatial import cKDTree

        self.block = max(1, int(radius) // 4)
        self.blocks_y = -(-height // self.block)
        bx, by = np.meshgrid(np.arange(-(-width // self.block)), np.arange(self.blocks_y), indexing="ij")
        centres = np.column_stack([bx.ravel(), by.ravel()]) * self.block + (self.block - 1) / 2
        if len(employer_xy):
            lists = cKDTree(employer_xy).query_ball_point(centres, r=radius)
        else:
            lists = [[] for _ in range(len(centres))]
        self.count = np.array([len(x) for x in lists], dtype=np.int64)
        self.start = np.concatenate([[0], np.cumsum(self.count)[:-1]])
        self.employers = np.array([e for x in lists for e in sorted(x)], dtype=np.int64)

    def draw(self, rng: np.random.Generator, xy: np.ndarray, k: int) -> np.ndarray:
        """For each (x, y) row, ``k`` random employers within reach (-1 where there is none)."""
        block = (xy[:, 0] // self.block) * self.blocks_y + xy[:, 1] // self.block
        count = self.count[block][:, None]
        pick = (rng.random((len(xy), k)) * count).astype(np.int64)
        if self.employers.size == 0:
            return np.full((len(xy), k), -1, dtype=np.int64)
        at = np.minimum(self.start[block][:, None] + pick, self.employers.size - 1)  # (only used where count > 0)
        return np.where(count > 0, self.employers[at], -1)
