"""Places on the map that do not act: reception centres and startpunten."""

from __future__ import annotations

from mesa.discrete_space import FixedAgent


class ReceptionCentre(FixedAgent):
    """An asylum reception centre (azc) run by COA."""

    def __init__(self, model, index: int, cell) -> None:
        """Create reception centre ``index`` on ``cell``."""
        super().__init__(model)
        self.index = index
        self.cell = cell


class Startpunt(FixedAgent):
    """A local hub open to every inhabitant (study §3.4 II and kader 3.7)."""

    def __init__(self, model, index: int, municipality: int, cell) -> None:
        """Create startpunt ``index`` of ``municipality`` on ``cell``."""
        super().__init__(model)
        self.index = index
        self.municipality = municipality
        self.cell = cell
