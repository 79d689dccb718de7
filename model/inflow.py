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
import errno
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model.files import read_bounded

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = (
    "arrival_months", "arrival_pattern", "arrival_series", "n_newcomers", "persons_per_newcomer",
    "surge_factor", "surge_months", "surge_start_month",
)

DATA = Path(__file__).resolve().parent / "data"  # the data shipped with the package
SHIPPED_SERIES = {"nl": DATA / "asylum_series_nl.csv"}  # name -> file shipped with the package
MONTH_COLUMN = "month"  # the one column every series needs (YYYY-MM)
NOTE_COLUMNS = ("shape", "note", "source")  # text columns a series may carry, ignored
MONTH_FORMAT = re.compile(r"\d{4}-(0[1-9]|1[0-2])")  # YYYY-MM
FAMILY_COLUMN = "nareizigers"  # a series' column of family members who followed a permit holder
FAMILY_SHARE_OF_REQUESTS = 0.23  # nareizigers among the requests when a series has no such column (CBS: 10,925 of 47,990 in 2022; about 14,000 of 58,880 in 2015)
STEADY_PERSONS_PER_YEAR = 25_000  # steady level of the what-if inflows (stress, the app): a little below the Dutch requests of 2016-2019 (model/data/README.md)
MAX_SERIES_BYTES = 2**20  # a series file is data from a user: at most 1 MB (the shipped one, 132 months, is under 10 kB)
MAX_SERIES_MONTHS = 12_000  # at most a thousand years of months in a series
MAX_MONTHLY_COUNT = 10_000_000  # at most this many a month (the Dutch peak was some 10,000; Europe's about 200,000 in late 2015)
COLUMN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ ()./-]{0,63}")  # what a header cell of a series looks like


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

    The file is read as data from a user: it must be a regular file (not a
    device, a pipe or a folder) of at most `MAX_SERIES_BYTES`, in UTF-8, whose
    first line is a header of column names with ``month`` among them. An error
    names the file, the line and the column, never what the file holds.

    Raises:
        SeriesError: If the file is missing, unreadable, not a regular file, too
            large, not UTF-8 text, lacks the header (a month and a count column),
            has a month not written ``YYYY-MM`` or out of order, a row of the
            wrong length, or a count that is empty, not a number, negative or
            larger than `MAX_MONTHLY_COUNT`.
    """
    where = f"arrival_series {name!r}"
    text = _series_text(series_path(name), where)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise SeriesError(f"{where}: not a CSV text file") from None
    header = [cell.strip() for cell in rows[0]] if rows else []
    if not header or not all(COLUMN_NAME.fullmatch(cell) for cell in header) or MONTH_COLUMN not in header \
            or len(set(header)) != len(header):
        raise SeriesError(f"{where}: its first line is not the header of a series (column names, one "
                          f"of them 'month' in YYYY-MM and at least one count column, e.g. month,first_requests)")
    counts = [c for c in header if c not in (MONTH_COLUMN, FAMILY_COLUMN, *NOTE_COLUMNS)]
    if not counts:
        raise SeriesError(f"{where}: has no count column besides {', '.join(repr(c) for c in header)}")
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if not body:
        raise SeriesError(f"{where}: has a header but no months")
    if len(body) > MAX_SERIES_MONTHS:
        raise SeriesError(f"{where}: has more than {MAX_SERIES_MONTHS:,} months")
    months, persons = [], []
    position = {c: i for i, c in enumerate(header)}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and header[-1] not in NOTE_COLUMNS:  # a last note may hold commas
            raise SeriesError(f"{where}: line {line} has {len(row)} fields, the header {len(header)}")
        row = row + [""] * (len(header) - len(row))
        month = row[position[MONTH_COLUMN]].strip()
        if not MONTH_FORMAT.fullmatch(month) or (months and month <= months[-1]):
            raise SeriesError(f"{where}: line {line}: the month is not written YYYY-MM, or not after the "
                              "previous line's month")
        months.append(month)
        persons.append(sum(_count(row[position[c]], c, line, where) for c in counts))
        if FAMILY_COLUMN in position:
            _count(row[position[FAMILY_COLUMN]], FAMILY_COLUMN, line, where)  # checked, not added
    applicants = np.array(persons, dtype=float)
    return months, applicants if FAMILY_COLUMN in position else applicants * (1.0 - FAMILY_SHARE_OF_REQUESTS)


def _series_text(path: Path, where: str) -> str:
    """The text of a series file, read as data from a user (see `read_series`)."""
    try:
        data = read_bounded(path, MAX_SERIES_BYTES)
    except FileNotFoundError:
        raise SeriesError(f"{where}: no such file") from None
    except OSError as err:
        if err.errno == errno.EINVAL:
            raise SeriesError(f"{where}: not a regular file (expected a CSV file)") from None
        if err.errno == errno.EFBIG:
            raise SeriesError(f"{where}: larger than {MAX_SERIES_BYTES // 1024} kB; a monthly series is a few kB") from None
        raise SeriesError(f"{where}: cannot be read ({err.strerror or errno.errorcode.get(err.errno, err)})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SeriesError(f"{where}: not a UTF-8 text file (expected a CSV file)") from None
    if "\0" in text:
        raise SeriesError(f"{where}: not a text file (it holds NUL bytes)")
    return text


def _count(text: str | None, column: str, line: int, where: str) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise SeriesError(f"{where}: line {line}, column {column!r}: not a number") from None
    if not np.isfinite(value) or not 0 <= value <= MAX_MONTHLY_COUNT:
        raise SeriesError(f"{where}: line {line}, column {column!r}: not a count between 0 and "
                          f"{MAX_MONTHLY_COUNT:,}")
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
