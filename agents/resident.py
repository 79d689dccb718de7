"""The resident: an inhabitant who may meet newcomers, and may use a startpunt."""

from __future__ import annotations

from mesa.discrete_space import CellAgent

from agents.batch import fast_init
from agents.state import Column


@fast_init
class Resident(CellAgent):
    """An inhabitant of a municipality (one agent stands for ~100 adults).

    Residents stay where they live. Newcomers meet them as neighbours,
    colleagues, fellow volunteers or at a startpunt; whether a meeting becomes a
    tie depends on the resident's ``openness``. Low-literate and unemployed
    residents use startpunten too, and gain a course or a placement there
    (study §3.4 II and kader 3.7).

    Attributes:
        index: Row of this resident in ``model.res``.
    """

    openness = Column("res")
    literate = Column("res", convert=bool)
    employed = Column("res", convert=bool)
    seeking_work = Column("res", convert=bool)
    placed = Column("res", convert=bool)
    ever_in_course = Column("res", convert=bool)

    def __init__(self, model, index: int, cell) -> None:
        """Create the agent for row ``index`` of the model's resident state."""
        super().__init__(model)
        self.index = index
        self.cell = cell
