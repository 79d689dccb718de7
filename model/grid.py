"""Mesa's `OrthogonalMooreGrid`, built faster.

Mesa connects each of a grid's cells to its neighbours with ``Cell.connect``,
which clears two (class-wide) neighbourhood caches on every one of the 78,804
links of a 100 x 100 grid: most of the time it took to build a model. A new
grid has nothing cached, so `MooreGrid` fills the same ``connections``
dictionaries directly (same keys, same order) and clears the caches once; the
keys are the same eight tuples for every cell, not a new tuple per link.
The result is an `OrthogonalMooreGrid` with identical cells and links.
"""

from __future__ import annotations

from mesa.discrete_space import OrthogonalMooreGrid

# Mesa's order of the eight neighbours (see OrthogonalMooreGrid._connect_cells_2d).
MOORE_OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


class MooreGrid(OrthogonalMooreGrid):
    """An `OrthogonalMooreGrid` whose cells are linked without clearing caches link by link."""

    def _connect_cells_2d(self) -> None:
        cells = self._cells
        dim_i, dim_j = self.dimensions
        torus = self.torus
        for (i, j), cell in cells.items():
            connections = cell.connections
            for key in MOORE_OFFSETS:  # the same eight key tuples for every cell: 4 MB less than a new one per link
                ni, nj = i + key[0], j + key[1]
                if torus:
                    ni, nj = ni % dim_i, nj % dim_j
                if 0 <= ni < dim_i and 0 <= nj < dim_j:
                    connections[key] = cells[ni, nj]
        if cells:  # what Cell.connect did on every link: the caches are shared by all cells
            next(iter(cells.values()))._clear_cache()
