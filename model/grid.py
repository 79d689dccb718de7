"""Mesa's `OrthogonalMooreGrid`, built faster.

Mesa connects each of a grid's cells to its neighbours with ``Cell.connect``,
which clears two (class-wide) neighbourhood caches on every one of the 78,804
links of a 100 x 100 grid: most of the time it took to build a model. A new
grid has nothing cached, so `MooreGrid` fills the same ``connections``
dictionaries directly (same keys, same order) and clears the caches once; the
keys are the same eight tuples for every cell, not a new tuple per link, and
an inner cell's eight links are made by one dict display.
The result is an `OrthogonalMooreGrid` with identical cells and links.
"""

from __future__ import annotations

from mesa.discrete_space import OrthogonalMooreGrid

# Mesa's order of the eight neighbours (see OrthogonalMooreGrid._connect_cells_2d).
MOORE_OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


class MooreGrid(OrthogonalMooreGrid):
    """An `OrthogonalMooreGrid` whose cells are linked without clearing caches link by link."""

    def _connect_cells_2d(self) -> None:
        cells, celllist = self._cells, self._celllist
        dim_i, dim_j = self.dimensions
        torus = self.torus
        k0, k1, k2, k3, k4, k5, k6, k7 = MOORE_OFFSETS  # the same eight key tuples for every cell
        for (i, j), cell in cells.items():
            if 0 < i < dim_i - 1 and 0 < j < dim_j - 1:
                # An inner cell: its neighbours sit at fixed offsets in the row-major cell list,
                # and one dict display makes its links in Mesa's order in one go.
                at = i * dim_j + j
                up, down = at - dim_j, at + dim_j
                cell.connections = {k0: celllist[up - 1], k1: celllist[up], k2: celllist[up + 1],
                                    k3: celllist[at - 1], k4: celllist[at + 1],
                                    k5: celllist[down - 1], k6: celllist[down], k7: celllist[down + 1]}
                continue
            connections = cell.connections
            for key in MOORE_OFFSETS:
                ni, nj = i + key[0], j + key[1]
                if torus:
                    ni, nj = ni % dim_i, nj % dim_j
                if 0 <= ni < dim_i and 0 <= nj < dim_j:
                    connections[key] = cells[ni, nj]
        if cells:  # what Cell.connect did on every link: the caches are shared by all cells
            next(iter(cells.values()))._clear_cache()
