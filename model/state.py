"""How a mechanism declares the state it owns: one `StateColumn` per column, with its label and unit.

Each mechanism module (``asylum``, ``language``, ``labour``, ...) has a
``NEWCOMER_STATE`` dict: the newcomer columns it creates and changes, declared
next to the functions that change them (the Starsim way). `newcomer_columns`
gathers them into the one registry from which `model.population.NewcomerState`
allocates its arrays and `agents.Newcomer` gets one attribute per column.
A column is declared once: two modules declaring the same name is an error.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

import numpy as np

#: Columns of programmes registered from outside the package, by programme (see `model.programmes`).
EXTRA_STATE: dict[str, dict[str, StateColumn]] = {}

#: The modules that own newcomer state, in the order their columns are listed.
OWNERS = ("asylum", "households", "language", "labour", "activities", "scarring", "exam", "welfare",
          "contacts", "wellbeing", "plans", "startpunten", "reception", "modifiers")


@dataclass(frozen=True)
class StateColumn:
    """One column of agent state.

    Attributes:
        dtype: numpy dtype of the column.
        fill: Value of a row before anything has happened to that agent.
        label: What the column holds, in plain words.
        unit: Unit or coding ("months", "EUR", "model month", "row", "0-1", ...).
        width: Values per agent (1 for a plain column; ``MAX_TIES`` for tie slots).
        owner: Module that declares it (filled in by `newcomer_columns`).
    """

    dtype: type
    fill: object
    label: str
    unit: str = ""
    width: int = 1
    owner: str = ""

    def allocate(self, rows: int) -> np.ndarray:
        """An array of ``rows`` agents, every value ``fill``."""
        shape = rows if self.width == 1 else (rows, self.width)
        return np.full(shape, self.fill, dtype=self.dtype)


@cache
def newcomer_columns() -> dict[str, StateColumn]:
    """Every newcomer column, gathered from the ``NEWCOMER_STATE`` of each module in `OWNERS`
    (and the columns of programmes registered from outside, `EXTRA_STATE`).

    Raises:
        ValueError: If two modules declare the same column.
    """
    columns: dict[str, StateColumn] = {}
    declared = [(owner, importlib.import_module(f"model.{owner}").NEWCOMER_STATE) for owner in OWNERS]
    for owner, state in [*declared, *EXTRA_STATE.items()]:
        for name, column in state.items():
            if name in columns:
                raise ValueError(f"newcomer column {name!r} is declared by both "
                                 f"model.{columns[name].owner} and model.{owner}")
            columns[name] = StateColumn(column.dtype, column.fill, column.label, column.unit,
                                        column.width, owner)
    return columns
