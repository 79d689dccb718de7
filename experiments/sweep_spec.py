"""The sweep file: reading a TOML sweep, checking every key, and expanding it into points and runs.

A sweep file fixes a base policy, a horizon, a number of seeds per point and
either a ``[grid]`` (every combination of listed values) or a ``[sample]``
(Latin hypercube, Sobol or Morris design over ``[sample.ranges]``)::

    policy = "baseline_2013"
    years = 5
    seeds = 4

    [parameters]            # held fixed at every point
    n_newcomers = 500

    [grid]
    fine_eur = [0, 625, 1250]
    personal_plan = [false, true]

``by = ["gender", "age_group"]`` also stores each run's outcomes per group of newcomers
(``DIR/by_group/``; a name list crossed with commas, ``"gender,education"``, is one grouping).

Everything is checked against the model's parameter spec (`model.parameters`)
before anything runs; a mistake raises `UsageError` with one line naming the
file, the key and, for a misspelt name, its close matches. ``docs/sweeps.md``
describes every key.

Seeds: the seed of (point, replicate) is drawn from
``numpy.random.SeedSequence(root_seed, spawn_key=(point_id, replicate))``, so a
run's seed depends only on the sweep file, never on the backend, the number of
workers or the order in which runs finish.

Longer than 400 lines because every rule of the sweep file and its one-line
message live here, key by key, so the file format has one place to read.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.errors import UsageError
from experiments.for_whom import parse_groupings
from experiments.inputs import (
    MAX_SWEEP_FILE_BYTES,
    check_sweep_numbers,
    check_toml_nesting,
    did_you_mean,
    read_user_text,
)
from experiments.summary import REPORT_METRICS as METRICS
from model.inflow import SeriesError, read_series
from model.outcomes import GROUPINGS, NEWCOMER_MEASURES
from model.parameters import PARAMS, Value, number_text_problem, unknown_parameter_message
from model.policies import POLICIES, unknown_policy_message

METHODS = ("lhs", "sobol", "morris")
TOP_KEYS = ("description", "policy", "years", "seeds", "root_seed", "common_seeds", "metrics",
            "years_to_keep", "by", "parameters", "grid", "sample", "storage", "figures")
SAMPLE_KEYS = ("method", "n", "ranges", "levels", "second_order")
STORAGE_KEYS = ("part_runs", "part_seconds")
FIGURE_KEYS = ("metric", "x", "y", "year", "kind")
MAX_POINTS = 10_000_000
MAX_SEEDS = 100_000
POLICY = "policy"  # the one swept name that is not a model parameter


@dataclass(frozen=True)
class RunTask:
    """One (point, replicate) pair: everything a worker needs to run it.

    Attributes:
        point_id: Row of ``points.csv``.
        replicate: 0 .. seeds-1 within the point.
        seed: The model's seed (`derive_seed`).
        params: Parameter values passed to the model (fixed and swept).
        swept: The swept values of this point, stored as columns.
        policy, years, metrics, months, by: As in `SweepSpec`.
    """

    point_id: int
    replicate: int
    seed: int
    policy: str
    years: float
    params: dict[str, Value]
    swept: dict[str, Value]
    metrics: tuple[str, ...]
    months: tuple[int, ...] | None
    by: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class SweepSpec:
    """A checked sweep file, expanded into its points.

    Attributes:
        path: The sweep file.
        text: Its text (copied into the output folder).
        policy: Base policy.
        years: Horizon in years.
        seeds: Replicates per point.
        root_seed: Root of every run's seed.
        common_seeds: If True, replicate r has the same seed at every point
            (common random numbers); otherwise each (point, replicate) has its own.
        parameters: Values held fixed at every point.
        method: "grid", "lhs", "sobol" or "morris".
        swept: Names of the swept parameters (may include "policy").
        points: One row per point: ``point_id`` and the swept values.
        design: Sample methods only: the raw design in SALib's problem space
            (one row per point), before rounding integers and booleans.
        problem: Sample methods only: the SALib problem (names and bounds).
        sample: Sample methods only: ``n``, ``levels``, ``second_order``.
        metrics: Metrics stored per run.
        months: Months stored per run (None: all).
        part_runs: At most this many runs per Parquet part.
        part_seconds: A part is written at least this often while runs finish.
        figures: Figures drawn when the sweep completes: dicts with ``metric``,
            ``x``, optional ``y``, ``year`` and ``kind`` (``[[figures]]`` tables).
        by: Groupings whose per-group outcomes each run stores in ``DIR/by_group/``
            (``by = [...]``; empty: none): tuples of `model.outcomes.GROUPINGS` names, several
            a crossing.
    """

    path: Path
    text: str
    policy: str
    years: float
    seeds: int
    root_seed: int
    common_seeds: bool
    parameters: dict[str, Value]
    method: str
    swept: tuple[str, ...]
    points: pd.DataFrame
    design: np.ndarray | None
    problem: dict | None
    sample: dict = field(default_factory=dict)
    metrics: tuple[str, ...] = tuple(METRICS)
    months: tuple[int, ...] | None = None
    part_runs: int = 200
    part_seconds: float = 0.0
    figures: tuple[dict, ...] = ()
    by: tuple[tuple[str, ...], ...] = ()

    @property
    def n_points(self) -> int:
        """Number of points."""
        return len(self.points)

    @property
    def n_runs(self) -> int:
        """Number of (point, replicate) pairs."""
        return self.n_points * self.seeds

    def fingerprint(self) -> str:
        """A hash of what determines the stored results (not ``seeds`` or storage settings).

        A resumed sweep must have the same fingerprint; raising ``seeds`` only
        adds replicates, so it is allowed.
        """
        content = {
            "policy": self.policy, "years": self.years, "root_seed": self.root_seed,
            "common_seeds": self.common_seeds, "parameters": self.parameters,
            "method": self.method, "swept": self.swept, "columns": list(self.points.columns),
            "metrics": self.metrics, "months": self.months,
        }
        if self.by:  # only then, so that sweeps without it keep their fingerprint (and can resume)
            content["by"] = [",".join(g) for g in self.by]
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=_plain).encode())
        digest.update(self.points.to_csv(index=False, float_format="%.17g").encode())  # stable across versions
        return digest.hexdigest()[:16]

    def seed(self, point_id: int, replicate: int) -> int:
        """The model seed of one (point, replicate) pair."""
        return derive_seed(self.root_seed, point_id, replicate, self.common_seeds)

    def task(self, point_id: int, replicate: int) -> RunTask:
        """The run of one (point, replicate) pair."""
        row = self.row(point_id)
        policy = row.get(POLICY, self.policy)
        params = {**self.parameters, **{k: v for k, v in row.items() if k != POLICY}}
        return RunTask(point_id, replicate, self.seed(point_id, replicate), policy, self.years,
                       params, dict(row), self.metrics, self.months, self.by)

    def tasks(self, skip: set[tuple[int, int]] = frozenset()) -> Iterator[RunTask]:
        """Every run not in ``skip``, replicate by replicate (seed 0 of every point first).

        Replicate-major order means an interrupted sweep has covered all points
        with fewer seeds rather than a few points with all seeds.
        """
        for replicate in range(self.seeds):
            for point_id in range(self.n_points):
                if (point_id, replicate) not in skip:
                    yield self.task(point_id, replicate)

    def row(self, point_id: int) -> dict[str, Value]:
        """The swept values of one point, as plain Python values."""
        columns = self.__dict__.get("_columns")
        if columns is None:  # numpy columns: light even for millions of points
            columns = {name: self.points[name].to_numpy() for name in self.swept}
            object.__setattr__(self, "_columns", columns)
        return {name: _plain(values[point_id]) for name, values in columns.items()}


def derive_seed(root_seed: int, point_id: int, replicate: int, common: bool = False) -> int:
    """The model seed of (point, replicate) from the sweep's root seed (63 bits, fits int64).

    With ``common`` the seed depends on the replicate only (common random numbers).
    """
    key = (replicate,) if common else (point_id, replicate)
    state = np.random.SeedSequence(root_seed, spawn_key=key).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


# --- reading and checking ------------------------------------------------------------


def read_spec(path: str | Path) -> SweepSpec:
    """Read and check a sweep file, and expand it into points.

    Raises:
        UsageError: For a missing file, bad TOML, an unknown key or a bad value,
            as one line naming the file and the key.
    """
    path = Path(path)
    text = read_user_text(path, "sweep file", MAX_SWEEP_FILE_BYTES)
    check_toml_nesting(text, str(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path}: not valid TOML: {err}") from None
    except RecursionError:
        raise UsageError(f"{path}: lists and tables nest too deep") from None
    check_sweep_numbers(text, path.name)
    return spec_from_dict(data, path=path, text=text)


def spec_from_dict(data: dict[str, Any], path: str | Path = "<sweep>", text: str = "") -> SweepSpec:
    """Check a parsed sweep file and expand it (see `read_spec`)."""
    path = Path(path)

    def fail(message: str) -> UsageError:
        return UsageError(f"{path.name}: {message}")

    for key in data:
        if key not in TOP_KEYS:
            raise fail(_unknown_top_key(key))

    policy = data.get("policy", "baseline_2013")
    if not isinstance(policy, str) or policy not in POLICIES:
        raise fail(f"policy: {unknown_policy_message(str(policy))}")
    years = _number(data.get("years", 10), "years", 0, 50, fail, float, low_open=True)
    months_total = int(round(12 * years))
    if months_total < 1:
        raise fail(f"years = {years!r} is shorter than one month")
    seeds = _number(data.get("seeds", 1), "seeds", 1, MAX_SEEDS, fail)
    root_seed = _number(data.get("root_seed", 0), "root_seed", 0, 2**63 - 1, fail)
    common_seeds = data.get("common_seeds", False)
    if not isinstance(common_seeds, bool):
        raise fail(f"common_seeds = {common_seeds!r} is not allowed: expected true or false")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise fail("description must be a string")

    metrics = _metrics(data.get("metrics"), fail)
    months = _months(data.get("years_to_keep"), years, months_total, fail)
    by = _by(data.get("by"), metrics, fail)
    part_runs, part_seconds = _storage(data.get("storage", {}), fail)

    parameters = _fixed_parameters(data.get("parameters", {}), fail)

    has_grid, has_sample = "grid" in data, "sample" in data
    if has_grid and has_sample:
        raise fail("has both [grid] and [sample]: a sweep is one or the other")
    if not has_grid and not has_sample:
        raise fail("needs a [grid] table (values to combine) or a [sample] table "
                   "(method, n and ranges)")
    if has_grid:
        points, swept = _grid(data["grid"], fail)
        method, design, problem, sample = "grid", None, None, {}
    else:
        method, points, swept, design, problem, sample = _sample(data["sample"], root_seed, fail)
    for name in swept:
        if name in parameters:
            raise fail(f"{name} is both fixed in [parameters] and swept; keep one")
    _check_series_files(parameters, points, swept, fail)
    figures = _figures(data.get("figures", []), swept, metrics, months, years, months_total, fail)

    return SweepSpec(path=path, text=text, policy=policy, years=float(years), seeds=seeds,
                     root_seed=root_seed, common_seeds=common_seeds, parameters=parameters,
                     method=method, swept=swept, points=points, design=design, problem=problem,
                     sample=sample, metrics=metrics, months=months, part_runs=part_runs,
                     part_seconds=part_seconds, figures=figures, by=by)


def _check_series_files(parameters: dict, points: pd.DataFrame, swept: tuple[str, ...], fail) -> None:
    """Every ``arrival_series`` the sweep names is read now, as the command line does: before any run."""
    name = "arrival_series"
    values = [parameters[name]] if name in parameters else []
    if name in swept:
        values += [str(v) for v in pd.unique(points[name])]
    for value in dict.fromkeys(values):
        try:
            read_series(value)
        except SeriesError as err:
            raise fail(str(err)) from None


def _unknown_top_key(key: str) -> str:
    if key in PARAMS:
        return (f"{key!r} at the top level: put it under [parameters] (fixed), [grid] or "
                "[sample.ranges] (swept)")
    return f"unknown key {key!r}" + did_you_mean(key, TOP_KEYS, f"; expected one of: {', '.join(TOP_KEYS)}")


def _check_keys(table: dict, allowed: tuple[str, ...], where: str, fail, parameter_hint: str = "") -> None:
    """Refuse a key of ``table`` that is not ``allowed`` (a parameter's name: ``parameter_hint``, if given)."""
    for key in table:
        if key not in allowed:
            tail = did_you_mean(key, allowed, f"; expected {', '.join(allowed)}", n=2)
            raise fail(f"{where} unknown key {key!r}" + (parameter_hint if parameter_hint and key in PARAMS else tail))


def _number(value: Any, name: str, low: float, high: float, fail, kind: type = int, low_open: bool = False):
    """``value`` if it is an integer (``kind`` float: any number) in [low, high] ((low, high] if ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, kind | int) or not (
            (low < value if low_open else low <= value) and value <= high):
        what = "an integer" if kind is int else "a number"
        bounds = f"{'(' if low_open else '['}{low}, {high}]"
        raise fail(f"{name} = {value!r} is not allowed: expected {what} in {bounds}")
    return value


def _table(value: Any, name: str, fail) -> dict:
    if not isinstance(value, dict):
        raise fail(f"{name} must be a table ([{name}] with key = value lines)")
    return value


def _parameter(name: str, where: str, fail):
    if name == POLICY:
        return None
    if name not in PARAMS:
        raise fail(f"[{where}] {unknown_parameter_message(name)}")
    return PARAMS[name]


def _check_value(name: str, value: Any, where: str, fail) -> Value:
    """One value of a parameter (or a policy name), typed, or a clear error."""
    if name == POLICY:
        if not isinstance(value, str) or value not in POLICIES:
            raise fail(f"[{where}] {unknown_policy_message(str(value))}")
        return value
    param = PARAMS[name]
    problem = number_text_problem(value.strip(), param.kind, param.bounds) if isinstance(value, str) else None
    if problem:
        raise fail(f"[{where}] {name} = {value!r} {problem}")
    try:
        return param.validate(value)
    except ValueError as err:
        raise fail(f"[{where}] {err}") from None


def _fixed_parameters(table: Any, fail) -> dict[str, Value]:
    table = _table(table, "parameters", fail)
    fixed = {}
    for name, value in table.items():
        if name == POLICY:
            raise fail("[parameters] policy: set the base policy at the top level (policy = ...)")
        _parameter(name, "parameters", fail)
        fixed[name] = _check_value(name, value, "parameters", fail)
    return fixed


def _metrics(value: Any, fail) -> tuple[str, ...]:
    if value is None:
        return tuple(METRICS)
    if not isinstance(value, list) or not value:
        raise fail("metrics must be a non-empty list of metric names, e.g. "
                   "metrics = [\"share_employed\"]")
    for name in value:
        if not isinstance(name, str) or name not in METRICS:
            raise fail(f"metrics: unknown metric {name!r}{did_you_mean(name, METRICS)}")
    if len(set(value)) != len(value):
        raise fail("metrics: a metric is listed twice")
    return tuple(m for m in METRICS if m in value)  # the model table's order


def _by(value: Any, metrics: tuple[str, ...], fail) -> tuple[tuple[str, ...], ...]:
    """``by``: groupings whose per-group outcomes each run stores (``"gender"`` or ``["gender", "age_group"]``;
    ``"gender,education"`` is one crossed grouping)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise fail(f"by must be a list of grouping names, e.g. by = [\"gender\", \"age_group\"] "
                   f"(choose from {', '.join(GROUPINGS)})")
    try:
        groupings = parse_groupings(items)
    except ValueError as err:
        raise fail(f"by: {err}") from None
    if not any(m in NEWCOMER_MEASURES for m in metrics):
        raise fail("by needs a metric with a value per newcomer among the stored metrics, e.g. "
                   "\"share_employed\"")
    return groupings


def _months(value: Any, years: float, months_total: int, fail) -> tuple[int, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise fail("years_to_keep must be a non-empty list of years, e.g. years_to_keep = [1, 5, 10]")
    months = set()
    for year in value:
        if isinstance(year, bool) or not isinstance(year, int | float):
            raise fail(f"years_to_keep: {year!r} is not a number")
        month = 12 * year
        if not math.isclose(month, round(month)) or not 0 <= round(month) <= months_total:
            raise fail(f"years_to_keep: {year!r} is not allowed: expected whole months "
                       f"between 0 and years = {years:g}")
        months.add(int(round(month)))
    return tuple(sorted(months))


def _storage(table: Any, fail) -> tuple[int, float]:
    table = _table(table, "storage", fail)
    _check_keys(table, STORAGE_KEYS, "[storage]", fail)
    part_runs = _number(table.get("part_runs", 200), "[storage] part_runs", 1, 100_000, fail)
    part_seconds = _number(table.get("part_seconds", 0.0), "[storage] part_seconds", 0, 3600, fail, float)
    return part_runs, float(part_seconds)


def _figures(value: Any, swept: tuple[str, ...], metrics: tuple[str, ...],
             months: tuple[int, ...] | None, years: float, months_total: int, fail) -> tuple[dict, ...]:
    """``[[figures]]``: a metric over one or two swept parameters, drawn when the sweep completes."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail("figures must be [[figures]] tables with metric, x (and optionally y, year, kind)")
    figures = []
    for i, fig in enumerate(value, start=1):
        where = f"[[figures]] #{i}"
        _check_keys(fig, FIGURE_KEYS, f"{where}:", fail)
        metric = fig.get("metric")
        if metric not in metrics:
            tail = did_you_mean(metric, metrics, f"; stored metrics: {', '.join(metrics)}")
            raise fail(f"{where}: metric {metric!r} is not stored by this sweep{tail}")
        for axis in ("x", "y"):
            name = fig.get(axis)
            if (axis == "x" or name is not None) and name not in swept:
                raise fail(f"{where}: {axis} = {name!r} is not a swept parameter "
                           f"(swept: {', '.join(swept)})")
        if fig.get("y") is not None and fig["y"] == fig["x"]:
            raise fail(f"{where}: x and y are the same parameter")
        year = fig.get("year", years)
        month = 12 * year if isinstance(year, int | float) and not isinstance(year, bool) else -1
        if month < 0 or not math.isclose(month, round(month)) or not 0 <= round(month) <= months_total \
                or (months is not None and int(round(month)) not in months):
            raise fail(f"{where}: year = {year!r} is not a stored year")
        kind = fig.get("kind", "heatmap" if fig.get("y") else "line")
        if kind not in ("line", "heatmap") or (kind == "heatmap" and not fig.get("y")):
            raise fail(f"{where}: kind = {kind!r} is not allowed: expected \"line\", or "
                       "\"heatmap\" with both x and y")
        figures.append({"metric": metric, "x": fig["x"], "y": fig.get("y"), "year": float(year),
                        "kind": kind})
    return tuple(figures)


def _grid(table: Any, fail) -> tuple[pd.DataFrame, tuple[str, ...]]:
    table = _table(table, "grid", fail)
    if not table:
        raise fail("[grid] is empty: list at least one parameter with its values, "
                   "e.g. fine_eur = [0, 1250]")
    axes = {}
    for name, values in table.items():
        _parameter(name, "grid", fail)
        if not isinstance(values, list):
            raise fail(f"[grid] {name} must be a list of values, e.g. {name} = [{_example(name)}]")
        if not values:
            raise fail(f"[grid] {name} = [] is empty: list at least one value")
        typed = [_check_value(name, v, "grid", fail) for v in values]
        if len(set(typed)) != len(typed):
            raise fail(f"[grid] {name} lists a value twice")
        axes[name] = typed
    n_points = math.prod(len(v) for v in axes.values())
    if n_points > MAX_POINTS:
        raise fail(f"[grid] has {n_points:,} points; at most {MAX_POINTS:,} are allowed")
    names = tuple(axes)
    points = pd.DataFrame(list(itertools.product(*axes.values())), columns=list(names))
    return _with_types(points, names), names


def _example(name: str) -> str:
    if name == POLICY:
        return '"baseline_2013", "two_track"'
    p = PARAMS[name]
    if p.kind is bool:
        return "false, true"
    if p.kind is str:  # a text parameter without a list of values (arrival_series) takes any text
        return ", ".join(f'"{v}"' for v in (p.bounds or (p.default, "another value")))
    return f"{p.bounds[0]}, {p.bounds[1]}"


def _sample(table: Any, root_seed: int, fail):
    table = _table(table, "sample", fail)
    _check_keys(table, SAMPLE_KEYS, "[sample]", fail, "; parameter ranges go under [sample.ranges]")
    method = table.get("method")
    if method not in METHODS:
        raise fail(f"[sample] method = {method!r} is not allowed: expected one of "
                   f"{', '.join(repr(m) for m in METHODS)}")
    if "n" not in table:
        raise fail("[sample] needs n (the number of points for lhs, base samples for sobol, "
                   "trajectories for morris)")
    n = _number(table["n"], "[sample] n", 2 if method != "lhs" else 1, 1_000_000, fail)
    if method == "sobol" and n & (n - 1):
        raise fail(f"[sample] n = {n} must be a power of 2 for sobol (e.g. {1 << n.bit_length()})")
    levels = table.get("levels", 4)
    if "levels" in table and method != "morris":
        raise fail("[sample] levels applies to method = \"morris\" only")
    levels = _number(levels, "[sample] levels", 2, 100, fail)
    second_order = table.get("second_order", False)
    if "second_order" in table and method != "sobol":
        raise fail("[sample] second_order applies to method = \"sobol\" only")
    if not isinstance(second_order, bool):
        raise fail(f"[sample] second_order = {second_order!r} is not allowed: expected true or false")

    ranges = _table(table.get("ranges", {}), "sample.ranges", fail)
    if not ranges:
        raise fail("[sample.ranges] is empty: give at least one parameter as name = [low, high]")
    if method == "sobol" and len(ranges) < 2:
        raise fail("[sample.ranges] sobol needs at least two parameters")
    names, bounds, decoders = [], [], []
    for name, value in ranges.items():
        _parameter(name, "sample.ranges", fail)
        low, high, decode = _range(name, value, fail)
        names.append(name)
        bounds.append([low, high])
        decoders.append(decode)
    n_points = sample_points(method, n, len(names), second_order)
    if n_points > MAX_POINTS:
        raise fail(f"[sample] makes {n_points:,} points (method {method}, n = {n:,}, {len(names)} parameters); "
                   f"at most {MAX_POINTS:,} are allowed: lower n")
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    design = _draw(method, problem, n, levels, second_order, root_seed)
    points = pd.DataFrame({name: [decode(x) for x in design[:, i]]
                           for i, (name, decode) in enumerate(zip(names, decoders, strict=True))})
    sample = {"n": n, "levels": levels, "second_order": second_order}
    return method, _with_types(points, tuple(names)), tuple(names), design, problem, sample


def sample_points(method: str, n: int, d: int, second_order: bool = False) -> int:
    """Points of a sample design: ``n`` (lhs), ``n (D + 2)`` or ``n (2D + 2)`` (sobol), ``n (D + 1)`` (morris)."""
    if method == "lhs":
        return n
    if method == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    return n * (d + 1)


def _range(name: str, value: Any, fail):
    """SALib bounds for one parameter and the function that turns a draw into a value.

    Numbers take ``[low, high]``. Integers are drawn on ``[low, high + 1)`` and
    rounded down, so every integer is equally likely. Booleans take
    ``[false, true]`` (a draw of 0.5 or more is true); strings and policies
    take the list of values to choose among.
    """
    where = "sample.ranges"
    kind = str if name == POLICY else PARAMS[name].kind
    if not isinstance(value, list):
        raise fail(f"[{where}] {name} must be a list [low, high], e.g. {name} = [{_example(name)}]")
    if kind is str:
        if len(value) < 2:
            raise fail(f"[{where}] {name} must list at least two values to choose among")
        choices = [_check_value(name, v, where, fail) for v in value]
        if len(set(choices)) != len(choices):
            raise fail(f"[{where}] {name} lists a value twice")
        return 0.0, float(len(choices)), lambda x: choices[min(int(math.floor(x)), len(choices) - 1)]
    if len(value) != 2:
        raise fail(f"[{where}] {name} must be [low, high], got {len(value)} values")
    low, high = (_check_value(name, v, where, fail) for v in value)
    if kind is bool:
        if low is not False or high is not True:
            raise fail(f"[{where}] {name} is a boolean: write {name} = [false, true]")
        return 0.0, 1.0, lambda x: bool(x >= 0.5)
    if low > high:
        raise fail(f"[{where}] {name}: low {low!r} > high {high!r}")
    if low == high:
        raise fail(f"[{where}] {name}: low and high are both {low!r}; fix it under [parameters] instead")
    if kind is int:
        return float(low), float(high + 1), lambda x: min(int(math.floor(x)), high)
    return float(low), float(high), lambda x: min(max(float(x), low), high)


def _draw(method: str, problem: dict, n: int, levels: int, second_order: bool, root_seed: int) -> np.ndarray:
    """The raw design from SALib, seeded from the root seed."""
    from SALib.sample import latin, morris, sobol

    seed = root_seed % 2**32
    if method == "lhs":
        return latin.sample(problem, n, seed=seed)
    if method == "sobol":
        return sobol.sample(problem, n, calc_second_order=second_order, seed=seed)
    return morris.sample(problem, n, num_levels=levels, seed=seed)


def _with_types(points: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """Give each column its parameter's dtype and put ``point_id`` first."""
    dtypes = {bool: "bool", int: "int64", float: "float64", str: "str"}
    for name in names:
        kind = str if name == POLICY else PARAMS[name].kind
        points[name] = points[name].astype(dtypes[kind])
    points.insert(0, "point_id", np.arange(len(points), dtype="int64"))
    return points


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones (for JSON and for the model)."""
    return value.item() if isinstance(value, np.generic) else value
