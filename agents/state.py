"""A descriptor that lets an agent object read and write its row of the model's state columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.state import StateColumn


class Column:
    """An agent attribute stored in a column of the model's state.

    ``language_score = Column("nc")`` on a class makes
    ``agent.language_score`` read ``agent.model.nc.language_score[agent.index]`` and
    assignment write it, so there is one source of truth for agent state.
    """

    def __init__(self, table: str, column: str | None = None, convert=None):
        self.table, self.column, self.convert = table, column, convert

    def __set_name__(self, owner, name):
        self.column = self.column or name

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = getattr(getattr(agent.model, self.table), self.column)[agent.index]
        if self.convert:
            return self.convert(value)
        return value.tolist()  # a Python number, or a list for a column with several values per agent

    def __set__(self, agent, value):
        getattr(getattr(agent.model, self.table), self.column)[agent.index] = value


def expose_columns(table: str, columns: Mapping[str, StateColumn]):
    """Class decorator: one `Column` attribute per column of ``columns`` the class does not define itself.

    So an agent shows every column of its state (``newcomer.course_quality``,
    ``employer.vacancies``) without a list to keep in step by hand; a class
    attribute of the same name (a property, or a `Column` with a conversion)
    wins. True/false columns read as ``bool``.
    """

    def expose(cls):
        for name, column in columns.items():
            if any(name in klass.__dict__ for klass in cls.__mro__):
                continue
            convert = bool if np.dtype(column.dtype) == np.bool_ else None
            attribute = Column(table, name, convert)
            attribute.__set_name__(cls, name)
            setattr(cls, name, attribute)
        return cls

    return expose
