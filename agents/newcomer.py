"""The newcomer: a person who arrived to seek asylum, followed month by month."""

from __future__ import annotations

from agents.batch import RowAgent
from agents.state import Column, expose_columns
from model.contacts import active_ties
from model.language import cefr_level
from model.outcomes import PATHS, path_codes
from model.population import CEFR_NAMES, EDUCATION_NAMES, NO_COURSE, Phase
from model.state import newcomer_columns


@expose_columns("nc", newcomer_columns())
class Newcomer(RowAgent):
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

    Every column of the newcomer state is an attribute (``language_score``,
    ``employed``, ``hours_per_week``, ``course_kind``, ...: the list with labels
    and units is `model.state.newcomer_columns`, declared by the module that
    changes each column). ``phase`` reads as a `Phase`, ``education`` as its name.

    Attributes:
        index: Row of this newcomer in ``model.nc``.
    """

    phase = Column("nc", convert=Phase)


    @property
    def education(self) -> str:
        """Highest completed education: none, low, middle or high."""
        return EDUCATION_NAMES[self.model.nc.education[self.index]]

    @property
    def cefr(self) -> str:
        """CEFR level of Dutch (A0 .. C1)."""
        return CEFR_NAMES[int(cefr_level(self.language_score))]

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
