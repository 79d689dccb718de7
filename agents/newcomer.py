"""The newcomer: a person who arrived to seek asylum, followed month by month."""

from __future__ import annotations

from mesa.discrete_space import CellAgent

from agents.batch import fast_init
from agents.state import Column
from model.contacts import active_ties
from model.language import cefr_level
from model.outcomes import PATHS, path_codes
from model.population import CEFR_NAMES, EDUCATION_NAMES, NO_COURSE, Phase


@fast_init
class Newcomer(CellAgent):
    """A person who arrived to seek asylum.

    A newcomer waits for a decision in a reception centre (and may be moved
    between centres), gets a permit or leaves, waits for a house, then lives
    in a municipality: learning Dutch in a course and from practice, looking
    for work within commuting distance, meeting residents, facing the exam
    deadline, and feeling the weight of all of it.

    All newcomers live each month together: `IntegrationModel.step` runs the
    month's behaviour for everyone at once with the vectorised rules in
    ``model/`` (asylum, language, labour, exam, contacts, wellbeing, welfare),
    which is what makes thousands of runs affordable. This object is the
    newcomer as Mesa, the grid and the app see them; its attributes are views
    of its row in the model's state (``model.nc``), never copies.

    Attributes:
        index: Row of this newcomer in ``model.nc``.
    """

    phase = Column("nc", convert=Phase)
    language = Column("nc")
    employed = Column("nc", convert=bool)
    hours = Column("nc")
    wellbeing = Column("nc")
    volunteering = Column("nc", convert=bool)
    exam_passed = Column("nc", convert=bool)
    fined_count = Column("nc")
    debt = Column("nc")
    relocations = Column("nc")
    has_plan = Column("nc", convert=bool)
    female = Column("nc", convert=bool)
    literate = Column("nc", convert=bool)
    kansrijk = Column("nc", convert=bool)
    care_duties = Column("nc", convert=bool)
    arrival_month = Column("nc")
    permit_month = Column("nc")
    course_kind = Column("nc")
    placement_months = Column("nc")

    def __init__(self, model, index: int, cell) -> None:
        """Create the agent for row ``index`` of the model's newcomer state."""
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def education(self) -> str:
        """Highest completed education: none, low, middle or high."""
        return EDUCATION_NAMES[self.model.nc.education[self.index]]

    @property
    def cefr(self) -> str:
        """CEFR level of Dutch (A0 .. C1)."""
        return CEFR_NAMES[int(cefr_level(self.language))]

    @property
    def resident_ties(self) -> int:
        """Active ties with residents."""
        return int(active_ties(self.model, [self.index])[0])

    @property
    def isolated(self) -> bool:
        """True without any active tie with a resident."""
        return self.resident_ties == 0

    @property
    def in_course(self) -> bool:
        """True while enrolled in a language course."""
        return self.course_kind != NO_COURSE

    @property
    def path(self) -> str:
        """Where this newcomer is on the path, in words (for the map's colours)."""
        code = path_codes(self.phase, self.employed, self.volunteering or self.placement_months > 0,
                          self.in_course)
        return PATHS[int(code)]
