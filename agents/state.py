"""A descriptor that lets an agent object read and write its row of the model's state columns."""

from __future__ import annotations


class Column:
    """An agent attribute stored in a column of the model's state.

    ``language = Column("nc", "language")`` on a class makes
    ``agent.language`` read ``agent.model.nc.language[agent.index]`` and
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
        return self.convert(value) if self.convert else value.item()

    def __set__(self, agent, value):
        getattr(getattr(agent.model, self.table), self.column)[agent.index] = value
