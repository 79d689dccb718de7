"""The employer: jobs by skill level, a language requirement, and a willingness to hire newcomers."""

from __future__ import annotations

from mesa.discrete_space import FixedAgent

from agents.state import Column


class Employer(FixedAgent):
    """A workplace with jobs a newcomer could do.

    Jobs come at three skill levels (low, middle, high), each with a
    language requirement; vacancies open with turnover and local labour
    demand. ``willingness`` scales the chance of hiring a newcomer, and a
    wage-cost subsidy raises it. Employers also offer placements.

    Attributes:
        index: Row of this employer in ``model.emp``.
    """

    willingness = Column("emp")
    hires = Column("emp")

    def __init__(self, model, index: int, cell) -> None:
        """Create the agent for row ``index`` of the model's employer state."""
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def jobs(self) -> list[int]:
        """Jobs open to newcomers by level (low, middle, high)."""
        return self.model.emp.jobs[self.index].tolist()

    @property
    def vacancies(self) -> list[int]:
        """Open vacancies by level (low, middle, high)."""
        return self.model.emp.vacancies[self.index].tolist()
