"""The resident: an inhabitant who may meet newcomers, and may use a startpunt."""

from __future__ import annotations

from agents.batch import RowAgent
from agents.state import expose_columns
from model.population import RESIDENT_COLUMNS


@expose_columns("res", RESIDENT_COLUMNS)
class Resident(RowAgent):
    """An inhabitant of a municipality (one agent stands for ~100 adults).

    Residents stay where they live. Newcomers meet them as neighbours,
    colleagues, fellow volunteers or at a startpunt; whether a meeting becomes a
    tie depends on the resident's ``openness``. Low-literate and unemployed
    residents use startpunten too, and gain a course or a placement there
    (study §3.4 II and kader 3.7).

    Every column of `model.population.RESIDENT_COLUMNS` is an attribute.

    Attributes:
        index: Row of this resident in ``model.res``.
    """

