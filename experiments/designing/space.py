"""What a design searches: packages of levers, and the objectives they are judged on.

A package is a value for every searched lever (`model.parameters.SEARCHABLE`,
each with its range and step there); the presets of `model.policies` are
packages too. The screen evaluates the presets plus a Latin hypercube sample of
the grid (space-filling: every value of every lever appears about equally
often), drawn from a fixed seed so that the same settings give the same packages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments import summary as S
from experiments.errors import UsageError
from experiments.inputs import did_you_mean
from model.parameters import DEFAULTS, PARAMS, SEARCHABLE, Value
from model.policies import POLICIES

REFERENCE = S.REFERENCE_POLICY
MAX_OBJECTIVES = 4
DEFAULT_OBJECTIVES = ("share_employed", "share_a2_plus", "share_isolated")  # at year 5 (or the horizon)
COST = S.NET_COST.name  # net public cost per newcomer, cumulative: always reported, limited by --budget
SAMPLE_ROUNDS = 20  # samples in a row that find no new package before giving up


@dataclass(frozen=True)
class Objective:
    """One outcome a package is judged on: a metric's paired difference from the baseline at a year.

    Attributes:
        metric: A report metric with a better direction (`experiments.summary.REPORT_METRICS`).
        year: Years after the start of the run.
    """

    metric: str
    year: float

    @property
    def name(self) -> str:
        """``share_employed@5``."""
        return f"{self.metric}@{self.year:g}"

    @property
    def month(self) -> int:
        return int(round(12 * self.year))

    @property
    def better(self) -> int:
        """+1 if more is better, -1 if less is."""
        return S.REPORT_METRICS[self.metric].better

    @property
    def is_share(self) -> bool:
        return S.REPORT_METRICS[self.metric].is_share

    def words(self) -> str:
        """The metric's label and the year, for the report."""
        return f"{S.REPORT_METRICS[self.metric].label} at year {self.year:g}"


@dataclass(frozen=True)
class Package:
    """A set of lever values.

    Attributes:
        name: A preset's name, or ``p001``, ``p002``, ... for a sampled package.
        source: "preset" or "sample".
        levers: A value for every searched lever.
    """

    name: str
    source: str
    levers: tuple[tuple[str, Value], ...]

    def values(self) -> dict[str, Value]:
        return dict(self.levers)

    def difference(self) -> dict[str, Value]:
        """The levers that differ from the baseline."""
        return {k: v for k, v in self.levers if DEFAULTS[k] != v}

    def describe(self) -> str:
        """The package in a few words: what it changes from the baseline ("plan, early language, fine EUR 0")."""
        return describe(self.difference())


def describe(levers: dict[str, Value]) -> str:
    """Lever values in a few words, with each lever's short name from the parameter spec."""
    words = []
    for name, value in levers.items():
        p = PARAMS[name]
        short = p.search.short if p.search else name
        if p.kind is bool:
            words.append(short if value else f"no {short}")
        elif p.unit.startswith("share"):
            words.append(f"{short} {value:.0%}")
        elif p.kind is str:
            words.append(f"{short} {value}")
        else:
            words.append(f"{short} {value:g}")
    return ", ".join(words) or "as the baseline"


def preset_packages() -> list[Package]:
    """The presets as packages, the baseline first."""
    names = [REFERENCE, *(n for n in POLICIES if n != REFERENCE)]
    return [Package(n, "preset", tuple((k, {**DEFAULTS, **POLICIES[n]}[k]) for k in SEARCHABLE)) for n in names]


def parse_levers(items: list[str] | None) -> dict[str, tuple[Value, ...]]:
    """``--levers``: the values searched per lever (levers not named stay at the baseline).

    Each item is ``NAME`` (its declared grid), ``NAME=VALUE`` (fixed), or
    ``NAME=LOW:HIGH[:STEP]`` (a range within the parameter's bounds; the step
    defaults to the declared one). Without ``--levers``, every searchable lever
    is searched on its declared grid.

    Raises:
        UsageError: For an unknown lever, a bad value, or a range outside the parameter's bounds.
    """
    if items is None:
        return {n: PARAMS[n].search.values(PARAMS[n]) for n in SEARCHABLE}
    space = {}
    for item in items:
        name, _, text = item.partition("=")
        if name not in SEARCHABLE:
            raise UsageError(f"--levers: {name!r} is not a searchable lever"
                             + did_you_mean(name, SEARCHABLE, f"; choose from: {', '.join(SEARCHABLE)}"))
        p = PARAMS[name]
        try:
            if not text:
                space[name] = p.search.values(p)
            elif ":" not in text:
                space[name] = (p.parse(text),)
            else:
                space[name] = _range(p, text)
        except ValueError as err:
            raise UsageError(f"--levers {item}: {err}") from None
    return space


def _range(p, text: str) -> tuple[Value, ...]:
    if p.kind not in (int, float):
        raise ValueError(f"{p.name} takes no range; give {p.name} alone or {p.name}=VALUE ({p.allowed()})")
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ValueError("expected LOW:HIGH or LOW:HIGH:STEP")
    low, high = (p.parse(t) for t in parts[:2])  # a value outside the bounds fails here, naming them
    step = float(parts[2]) if len(parts) == 3 else p.search.step
    if not low < high or not step > 0:
        raise ValueError(f"expected LOW < HIGH and a positive STEP, got {text}")
    n = int(np.floor((high - low) / step + 1e-9))
    return tuple(p.validate(p.kind(round(low + i * step, 10))) for i in range(n + 1))


def sample_packages(space: dict[str, tuple[Value, ...]], n: int, seed: int,
                    taken: list[Package] = ()) -> list[Package]:
    """``n`` distinct packages from a Latin hypercube over the lever grid, none equal to one ``taken``.

    Fewer when the grid holds fewer distinct packages.
    """
    searched = [name for name, values in space.items() if len(values) > 1]
    fixed = {name: values[0] for name, values in space.items() if len(values) == 1}
    seen = {p.levers for p in taken}
    out: list[Package] = []
    if not searched or n == 0:
        return out
    rng = np.random.default_rng(seed)
    n = min(n, int(np.prod([float(len(space[name])) for name in searched])))  # the grid may hold fewer
    idle = 0
    from scipy.stats import qmc  # here, not at the top: the command line starts without it

    while idle < SAMPLE_ROUNDS:  # a round that finds nothing new counts towards giving up
        found = len(out)
        for row in qmc.LatinHypercube(d=len(searched), rng=rng).random(n):
            chosen = {name: space[name][min(int(u * len(space[name])), len(space[name]) - 1)]
                      for name, u in zip(searched, row, strict=True)}
            values = {**DEFAULTS, **fixed, **chosen}
            levers = tuple((k, values[k]) for k in SEARCHABLE)
            if levers not in seen:
                seen.add(levers)
                out.append(Package(f"p{len(out) + 1:03d}", "sample", levers))
                if len(out) == n:
                    return out
        idle = idle + 1 if len(out) == found else 0
    return out


def parse_objectives(items: list[str] | None, years: float) -> tuple[Objective, ...]:
    """``--objectives``: ``METRIC`` or ``METRIC@YEAR`` (default year 5, or the horizon if shorter), at most four.

    Raises:
        UsageError: For an unknown metric, one without a better direction, a year outside the
            horizon, a repeated objective or more than four.
    """
    items = list(items or DEFAULT_OBJECTIVES)
    if len(items) > MAX_OBJECTIVES:
        raise UsageError(f"--objectives: {len(items)} given, at most {MAX_OBJECTIVES}: more objectives leave "
                         "almost every package on the front")
    judged = [m for m, metric in S.REPORT_METRICS.items() if metric.better and m != COST]
    objectives = []
    for item in items:
        metric, _, year_text = item.partition("@")
        if metric == COST:
            raise UsageError(f"--objectives: {COST} is always reported and limited by --budget; "
                             "choose outcomes to improve")
        if metric not in judged:
            raise UsageError(f"--objectives: unknown objective {metric!r}"
                             + did_you_mean(metric, judged, f"; choose from: {', '.join(judged)}"))
        try:
            year = float(year_text) if year_text else min(5.0, years)
        except ValueError:
            raise UsageError(f"--objectives {item}: the year after @ must be a number") from None
        if not 0 < round(12 * year) <= round(12 * years):
            raise UsageError(f"--objectives {item}: year {year:g} is outside the horizon (0, {years:g}]")
        objectives.append(Objective(metric, year))
    if len({o.name for o in objectives}) < len(objectives):
        raise UsageError("--objectives: an objective is named twice")
    return tuple(objectives)
