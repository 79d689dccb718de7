"""The employer: jobs by skill level, a language requirement, and a willingness to hire newcomers."""

from __future__ import annotations

from mesa.discrete_space import FixedAgent

from agents.state import expose_columns
from model.population import EMPLOYER_COLUMNS


@expose_columns("emp", EMPLOYER_COLUMNS)
class Employer(FixedAgent):
    """A workplace with jobs a newcomer could do.

    Jobs come at three skill levels (low, middle, high), each with a
    language requirement; vacancies open with turnover and local labour
    demand. ``willingness`` scales the chance of hiring a newcomer, and a
    wage-cost subsidy raises it. Employers also offer placements.

    Every column of `model.population.EMPLOYER_COLUMNS` is an attribute
    (``jobs`` and ``vacancies`` as lists by level: low, middle, high).

    Attributes:
        index: Row of this employer in ``model.emp``.
    """

    def __init__(self, model, index: int, cell) -> None:
        """Create the agent for row ``index`` of the model's employer state."""
        super().__init__(model)
        self.index = index
        self.cell = cell


