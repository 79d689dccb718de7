"""Capacity shared by the mechanisms that run out in a peak: national numbers in agents, and who goes first.

Every capacity parameter is a national number of persons (places, decisions,
houses, caseworkers). The model's newcomer agents each stand for
``persons_per_newcomer`` persons, so a capacity in agents is the national
number divided by it. Where a capacity binds, those who have waited longest go
first, and a couple goes (or waits) together. Nothing here draws a random
number, so a capacity that does not bind changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("persons_per_newcomer",)


def in_agents(model: IntegrationModel, persons: float) -> float:
    """A national number of persons as a number of newcomer agents."""
    return persons / model.persons_per_newcomer


def per_month(rate: float, month: int) -> int:
    """Whole units in ``month`` of a fractional monthly ``rate`` (their running total is exact)."""
    return int(np.floor(rate * month + 1e-9)) - int(np.floor(rate * (month - 1) + 1e-9))


def first_in_line(model: IntegrationModel, candidates: np.ndarray, since: np.ndarray, slots: float) -> np.ndarray:
    """The candidates who get one of ``slots`` places: longest waiting first, couples together.

    Args:
        model: The model (for the partners).
        candidates: Newcomer rows asking for a place, in any order.
        since: For each candidate, the month their wait began (earlier goes first).
        slots: Places free (a fraction counts as none; a couple may take one more).

    Returns:
        The rows that get a place, sorted; all of them when there is room.
    """
    if candidates.size <= slots:
        return np.sort(candidates)
    if slots < 1:
        return candidates[:0]
    partner = model.nc.partner[candidates]
    couple = np.where(partner >= 0, np.minimum(candidates, partner), candidates)  # one key per couple
    order = np.lexsort((candidates, couple, since))
    taken = candidates[order[: int(slots)]]
    keys = np.where(model.nc.partner[taken] >= 0, np.minimum(taken, model.nc.partner[taken]), taken)
    return np.sort(candidates[np.isin(couple, keys)])
