"""Inflow: how many newcomers arrive each month, by arrival pattern.

- ``cohort``: ``n_newcomers`` arrive over the first ``arrival_months`` months
  (drawn up front, `model.asylum.schedule_arrivals`); nobody after.
- ``continuous``: the same monthly level, ``n_newcomers / arrival_months``,
  for the whole run (the steady inflow).
- ``surge``: the steady level, times ``surge_factor`` during the
  ``surge_months`` months from ``surge_start_month`` on (a what-if peak).
- ``series``: monthly asylum requests read from a CSV (``arrival_series``:
  ``"nl"`` for the shipped Dutch series of ``model/data/asylum_series_nl.csv``,
  or a file's path), divided by ``persons_per_newcomer``; month 1 is the
  series' first month, and nobody arrives after its last.

Deterministic patterns (continuous, surge, series) spread fractions over the
months so that the cumulative count is exact; they draw no random numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.model import IntegrationModel

DATA = Path(__file__).resolve().parent / "data"  # the data shipped with the package
SHIPPED_SERIES = {"nl": DATA / "asylum_series_nl.csv"}  # name -> file shipped with the package
MONTH_COLUMN = "month"  # the one column every series needs (YYYY-MM)
NOTE_COLUMNS = ("shape", "note", "source")  # text columns a series may carry, ignored
MONTH_FORMAT = re.compile(r"\d{4}-(0[1-9]|1[0-2])")  # YYYY-MM
FAMILY_COLUMN = "nareizigers"  # a series' column of family members who followed a permit holder
FAMILY_SHARE_OF_REQUESTS = 0.23  # nareizigers among the requests when a series has no such column (CBS: 10,925 of 47,990 in 2022; about 14,000 of 58,880 in 2015)
STEADY_PERSONS_PER_YEAR = 25_000  # steady level of the what-if inflows (stress, the app): a little below the Dutch requests of 2016-2019 (model/data/README.md)


class SeriesError(ValueError):
    """A series file that cannot be used (missing, wrong columns, bad counts)."""


def surge_outside_horizon(params: Mapping[str, object], months: int) -> str | None:
    """Why the surge that ``params`` ask for cannot happen in a run of ``months`` (None if it can).

    Parameters not in ``params`` take their defaults; without
    ``arrival_pattern="surge"`` there is nothing to check.
    """
    from model.parameters import PARAMS

    def value(name: str):
        return params.get(name, PARAMS[name].default)

    if value("arrival_pattern") != "surge":
        return None
    start, length = int(value("surge_start_month")), int(value("surge_months"))
    if start + length - 1 > months:
        return (f"the surge (months {start} to {start + length - 1}) does not fit in the run's {months} months; "
                "start it earlier (surge_start_month), shorten it (surge_months) or run longer")
    return None


def spread_evenly(per_month: np.ndarray) -> np.ndarray:
    """Whole arrivals per month whose running total follows the fractional one exactly."""
    total = np.floor(np.cumsum(per_month) + 1e-9)
    return np.diff(total, prepend=0.0).astype(np.int64)


def surge_levels(level: float, months: int, factor: float, start: int, length: int) -> np.ndarray:
    """Fractional arrivals in months 1..``months``: ``level``, times ``factor`` during the surge."""
    month = np.arange(1, months + 1)
    in_surge = (month >= start) & (month < start + length)
    return np.where(in_surge, level * factor, level)


def series_path(name: str) -> Path:
    """The file of a shipped series name, or ``name`` read as a path."""
    return SHIPPED_SERIES.get(name, Path(name))


def read_series(name: str) -> tuple[list[str], np.ndarray]:
    """Months (``YYYY-MM``) and asylum applicants arriving in each, from a series file.

    The file has a ``month`` column and one or more count columns (e.g. first
    requests, follow-up requests), which are added up; the text columns in
    `NOTE_COLUMNS` are ignored. Family members who follow a permit holder
    (*nareizigers*) come in the model by its own mechanism (`model.households`),
    so a ``nareizigers`` column is left out, and a series without one is
    taken to hold `FAMILY_SHARE_OF_REQUESTS` of them and reduced by that share.

    Raises:
        SeriesError: If the file is missing or unreadable, lacks a month or a
            count column, has a month not written ``YYYY-MM`` or out of order,
            or a count that is empty, not a number or negative.
    """
    path = series_path(name)
    where = f"arrival_series {name!r}"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            columns = rows[0].keys() if rows else []
    except OSError as err:
        raise SeriesError(f"{where}: cannot read {str(path)!r} ({err.strerror or err})") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise SeriesError(f"{where}: {str(path)!r} is not a CSV text file ({err})") from None
    counts = [c for c in columns if c not in (MONTH_COLUMN, FAMILY_COLUMN, *NOTE_COLUMNS)]
    if MONTH_COLUMN not in columns or not counts:
        raise SeriesError(f"{where}: expected columns 'month' (YYYY-MM) and at least one count column, "
                          f"found {', '.join(map(repr, columns)) or 'none'}")
    months, persons = [], []
    for line, row in enumerate(rows, start=2):
        month = (row[MONTH_COLUMN] or "").strip()
        if not MONTH_FORMAT.fullmatch(month) or (months and month <= months[-1]):
            raise SeriesError(f"{where}: line {line}: month {month!r} is not YYYY-MM after the previous month")
        months.append(month)
        persons.append(sum(_count(row[c], c, line, where) for c in counts))
        if FAMILY_COLUMN in columns:
            _count(row[FAMILY_COLUMN], FAMILY_COLUMN, line, where)  # checked, not added
    applicants = np.array(persons, dtype=float)
    return months, applicants if FAMILY_COLUMN in columns else applicants * (1.0 - FAMILY_SHARE_OF_REQUESTS)


def _count(text: str | None, column: str, line: int, where: str) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise SeriesError(f"{where}: line {line}: {column}={text!r} is not a number") from None
    if not np.isfinite(value) or value < 0:
        raise SeriesError(f"{where}: line {line}: {column}={text!r} is not a count >= 0")
    return value


class Inflow:
    """Arrivals per month of one run, fixed when the model is built.

    Attributes:
        pattern: The arrival pattern.
        schedule: Agents arriving in months 1, 2, ... (``None`` for
            continuous: the level, for ever).
        months: The series' calendar months (``YYYY-MM``) for ``series``, else empty.
    """

    def __init__(self, model: IntegrationModel, cohort: np.ndarray):
        """Fix the arrivals of ``model``'s pattern; ``cohort`` is the cohort's drawn schedule.

        Raises:
            SeriesError: For a series file that cannot be used.
        """
        self.pattern = model.arrival_pattern
        self.months: list[str] = []
        self.level = model.n_newcomers / model.arrival_months  # agents per month, steady
        if self.pattern == "cohort":
            self.schedule = cohort
        elif self.pattern == "surge":
            end = model.surge_start_month + model.surge_months - 1
            self.schedule = spread_evenly(surge_levels(self.level, end, model.surge_factor,
                                                       model.surge_start_month, model.surge_months))
        elif self.pattern == "series":
            self.months, persons = read_series(model.arrival_series)
            self.schedule = spread_evenly(persons / model.persons_per_newcomer)
        else:
            self.schedule = None

    def arrivals(self, month: int) -> int:
        """Agents arriving in ``month`` (1 in the first step)."""
        if self.schedule is None or (self.pattern == "surge" and month > len(self.schedule)):
            return int(np.floor(self.level * month)) - int(np.floor(self.level * (month - 1)))
        return int(self.schedule[month - 1]) if month <= len(self.schedule) else 0

    def expected_total(self, months: int) -> int:
        """Agents who arrive in the first ``months`` months (to size the state up front)."""
        return int(sum(self.arrivals(m) for m in range(1, months + 1)))
