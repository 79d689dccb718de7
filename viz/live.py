"""What the app runs: the settings a user chose, and the models built from them.

`Settings` holds every value the app's widgets set (policy, seed, population
sizes, every lever, compare mode); it validates each value against the
parameter spec (`model.PARAMS`) as it is set, so the app can only ever hold
valid settings. `LiveRun` builds the chosen policy's model from them and, in
compare mode, a reference policy (`baseline_2013` or the 2021 law) with the
same seed and population, and steps both together; it also records every newcomer's month (`NewcomerHistory`) so
that the app can tell one newcomer's story, and each group's outcomes month by
month (`GroupHistory`) so that the charts can show one line per group.

Mesa's `ModelController` (Reset / Play / Step) rebuilds a `LiveRun` with
``LiveRun(settings=...)`` when Reset is pressed, exactly as SolaraViz rebuilds
a model from its parameters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from model import LEVERS, PARAMS, POLICIES, IntegrationModel
from model.inflow import STEADY_PERSONS_PER_YEAR
from model.outcomes import (
    GROUPINGS,
    NAMED_COLUMNS,
    NEWCOMER_MEASURES,
    NewcomerColumns,
    newcomer_columns,
)
from model.parameters import DEFAULTS, Value
from model.population import ADULT_AGE, PENSION_AGE
from viz.story import NewcomerHistory

BASELINE = "baseline_2013"
#: What compare mode can run beside the chosen policy: the study's frame (the 2013 law, the default) or
#: today's (the law in force since 2022).
REFERENCES = (BASELINE, "wet_inburgering_2021")
HORIZON_MONTHS = 120  # ten years, the model's default horizon
MAX_SEED_DIGITS = 12

# The app narrows two spec bounds so that the map and the charts stay
# responsive in a browser; larger populations are for `nieuwkomers run`.
APP_LIMITS: dict[str, tuple[int, int]] = {
    "n_newcomers": (10, 5_000),
    "n_residents": (100, 50_000),
}
POPULATION = ("n_newcomers", "n_residents")

#: The app's inflow scenarios (their words: ``inflow_<name>`` in `viz.texts.STRINGS`). "cohort" is the
#: model's default (one cohort over a year, nothing binds); the others bring ``n_newcomers`` a year, standing
#: for `STEADY_PERSONS_PER_YEAR` persons (as `nieuwkomers stress`), steadily, with a surge, or by the real
#: Dutch series.
INFLOWS = ("cohort", "steady", "surge", "series")
SERIES_PERSONS_PER_NEWCOMER = 100.0  # the series 2013-2022 is then about 3,300 newcomer agents


def inflow_parameters(inflow: str, n_newcomers: int) -> dict:
    """The model parameters of an inflow scenario, for ``n_newcomers`` agents a year."""
    if inflow == "cohort":
        return {}
    if inflow == "series":
        return {"arrival_pattern": "series", "persons_per_newcomer": SERIES_PERSONS_PER_NEWCOMER}
    return {"arrival_pattern": "continuous" if inflow == "steady" else "surge", "arrival_months": 12,
            "persons_per_newcomer": round(STEADY_PERSONS_PER_YEAR / n_newcomers, 3)}


def bounds(name: str) -> tuple:
    """A widget's bounds: the spec's, narrowed by `APP_LIMITS` where the app needs it."""
    spec = PARAMS[name].bounds
    if name not in APP_LIMITS:
        return spec
    low, high = APP_LIMITS[name]
    return max(spec[0], low), min(spec[1], high)


def check_seed(text: str) -> str:
    """A seed typed in the app, checked (never evaluated): digits only, or empty for a random seed.

    Raises:
        ValueError: If the text is not empty and not a short string of digits.
    """
    text = text.strip()
    if text and not (text.isascii() and text.isdigit() and len(text) <= MAX_SEED_DIGITS):
        raise ValueError(f"seed: type a whole number of at most {MAX_SEED_DIGITS} digits, or leave it empty")
    return text


def policy_levers(policy: str) -> dict[str, Value]:
    """Every lever's value under a policy (the defaults overridden by the preset)."""
    values = {**DEFAULTS, **POLICIES[policy]}
    return {name: values[name] for name in LEVERS}


@dataclass(frozen=True)
class Settings:
    """Everything the app's widgets set; every value is valid by construction.

    Attributes:
        policy: The policy whose preset the levers were loaded from.
        seed: The seed as typed (digits), or "" for a random one.
        n_newcomers: Newcomers to simulate.
        n_residents: Resident agents.
        compare: Also run the reference policy with the same seed and population.
        reference: The policy compare mode runs beside the chosen one, one of `REFERENCES`.
        inflow: The inflow scenario, one of `INFLOWS`.
        levers: The value of every lever.
    """

    policy: str = BASELINE
    seed: str = "42"
    n_newcomers: int = PARAMS["n_newcomers"].default
    n_residents: int = PARAMS["n_residents"].default
    compare: bool = False
    reference: str = BASELINE
    inflow: str = "cohort"
    levers: dict[str, Value] = field(default_factory=lambda: policy_levers(BASELINE))

    def with_policy(self, policy: str) -> Settings:
        """The same settings with a policy chosen and its lever values loaded."""
        if policy not in POLICIES:
            raise ValueError(f"policy: {policy!r} is not one of {', '.join(POLICIES)}")
        return dataclasses.replace(self, policy=policy, levers=policy_levers(policy))

    def with_value(self, name: str, value) -> Settings:
        """The same settings with one value changed, after checking it.

        Args:
            name: "seed", "compare", "reference", "inflow", a population size or a lever name.
            value: The new value, as a widget gives it.

        Raises:
            ValueError: If the name is unknown or the value is not allowed.
        """
        if name == "seed":
            return dataclasses.replace(self, seed=check_seed(str(value)))
        if name == "compare":
            return dataclasses.replace(self, compare=bool(value))
        if name == "reference":
            if value not in REFERENCES:
                raise ValueError(f"reference: {value!r} is not one of {', '.join(REFERENCES)}")
            return dataclasses.replace(self, reference=value)
        if name == "inflow":
            if value not in INFLOWS:
                raise ValueError(f"inflow: {value!r} is not one of {', '.join(INFLOWS)}")
            return dataclasses.replace(self, inflow=value)
        if name in POPULATION:
            checked = PARAMS[name].validate(value)
            low, high = bounds(name)
            if not low <= checked <= high:
                raise ValueError(f"{name}={value!r} is not allowed in the app: expected {low}..{high}")
            return dataclasses.replace(self, **{name: checked})
        if name in LEVERS:
            return dataclasses.replace(self, levers={**self.levers, name: PARAMS[name].validate(value)})
        raise ValueError(f"unknown setting {name!r}")

    @property
    def edited(self) -> tuple[str, ...]:
        """Levers that differ from the chosen policy's preset."""
        preset = policy_levers(self.policy)
        return tuple(name for name in LEVERS if self.levers[name] != preset[name])

    @property
    def title(self) -> str:
        """The policy's name, marked when levers were changed by hand."""
        return f"{self.policy} (edited)" if self.edited else self.policy

    def model_kwargs(self) -> dict:
        """Keyword arguments of the chosen policy's `IntegrationModel`: exactly these settings."""
        return {"policy": self.policy, "rng": self.seed or None, "n_newcomers": self.n_newcomers,
                "n_residents": self.n_residents, **self.inflow_parameters, **self.levers}

    def baseline_kwargs(self, seed: int) -> dict:
        """Keyword arguments of the reference model: same seed and population, the reference's levers."""
        return {"policy": self.reference, "rng": seed, "n_newcomers": self.n_newcomers,
                "n_residents": self.n_residents, **self.inflow_parameters}

    @property
    def inflow_parameters(self) -> dict:
        """The model parameters of the chosen inflow scenario."""
        return inflow_parameters(self.inflow, self.n_newcomers)


#: How the charts can be split: "none", then every grouping of `model.outcomes.GROUPINGS` (by name) that
#: reads a named column of the newcomer table (the groups are then known from the first month on).
SPLITS: tuple[str, ...] = ("none", *(name for name, g in GROUPINGS.items() if g.column in NAMED_COLUMNS))


class _Rows(Mapping):
    """Some rows of the newcomer table's columns, cut out when a rule asks for a column."""

    def __init__(self, arrays: Mapping[str, np.ndarray], rows: np.ndarray) -> None:
        self._arrays, self._rows = arrays, rows

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name][self._rows]

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)


class GroupHistory:
    """Each group's outcomes month by month, for every grouping: the charts' split view.

    Each month, every measure of `model.outcomes.NEWCOMER_MEASURES` is averaged
    over the adults 18-64 holding a permit in each group: the rule and the
    denominator of the model's own metric, so the groups, weighted by their
    size, add up to the line for everyone. Every grouping is recorded from the
    first month on (a few milliseconds a month for 1,000 newcomers), so a
    split chosen at any time shows each group's whole line.

    Attributes:
        months: The month of each record.
        groups: Grouping name (each of `SPLITS` but "none") -> its groups in their natural order (fixed for the run;
            newcomers outside them, such as those without a municipality yet, are left out).
        counts: Grouping name -> one array per month: permit holders aged 18-64 in each group.
        values: (grouping, metric) -> one array per month: the measure in each group (NaN where it is empty).
    """

    def __init__(self) -> None:
        """Start an empty history (the groups are read from the first record)."""
        self.months: list[int] = []
        self.groups: dict[str, tuple[str, ...]] = {}
        self.counts: dict[str, list[np.ndarray]] = {name: [] for name in SPLITS[1:]}
        self.values: dict[tuple[str, str], list[np.ndarray]] = {
            (name, metric): [] for name in SPLITS[1:] for metric in NEWCOMER_MEASURES}
        self._codes: dict[str, np.ndarray] = {}

    def _learn_groups(self, columns: NewcomerColumns) -> None:
        """Each grouping's groups, and a look-up from the column's codes to the group's position."""
        for name in SPLITS[1:]:
            grouping = GROUPINGS[name]
            values = columns.names[grouping.column]  # the names the column's codes stand for
            named = [str(g) for g in grouping.groups({grouping.column: list(values)})]
            groups = tuple(g for g in grouping.ordered(named) if g)
            self.groups[name] = groups
            self._codes[name] = np.array([groups.index(g) if g in groups else -1 for g in named], dtype=np.int64)

    def record(self, model, columns: NewcomerColumns | None = None) -> None:
        """Record each group's outcomes in ``model`` this month.

        Args:
            model: The model.
            columns: Its newcomer table this month (`model.outcomes.newcomer_columns`), if already made.
        """
        columns = newcomer_columns(model) if columns is None else columns
        if not self.groups:
            self._learn_groups(columns)
        permit = (np.asarray(columns.names["status"]) == "permit")[columns.arrays["status"]]
        age = model.ages()
        rows = np.flatnonzero(permit & (age >= ADULT_AGE) & (age < PENSION_AGE))
        table = _Rows(columns.arrays, rows)
        measures = {metric: np.asarray(rule(table), dtype=float) for metric, rule in NEWCOMER_MEASURES.items()}
        for name, groups in self.groups.items():
            k = len(groups)
            codes = self._codes[name][columns.arrays[GROUPINGS[name].column][rows]]
            inside = codes >= 0
            codes = codes[inside]
            counts = np.bincount(codes, minlength=k)
            self.counts[name].append(counts)
            for metric, values in measures.items():
                sums = np.bincount(codes, weights=values[inside], minlength=k)
                self.values[(name, metric)].append(np.divide(sums, counts, out=np.full(k, np.nan),
                                                             where=counts > 0))
        self.months.append(model.month)

    def series(self, grouping: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
        """Years, and the measure in each group: an array of months x groups."""
        years = np.asarray(self.months, dtype=float) / 12.0
        return years, np.array(self.values[(grouping, metric)], dtype=float).reshape(len(years), -1)

    def now(self, grouping: str) -> np.ndarray:
        """How many permit holders aged 18-64 are in each group this month."""
        return self.counts[grouping][-1]


class LiveRun:
    """The models the app shows, stepping together one month at a time.

    Attributes:
        settings: What the models were built from.
        main: The chosen policy's model.
        baseline: The reference policy (`Settings.reference`, by default
            `baseline_2013`) with the same seed and population, in compare
            mode; otherwise None.
        history: Every newcomer's month in ``main``, for the story panel.
        groups: Each group's outcomes month by month in ``main``, for the split charts.
        baseline_groups: The same for ``baseline`` in compare mode; otherwise None.
        running: False once the ten-year horizon is reached (Mesa's controls
            then disable Play and Step).
    """

    def __init__(self, *, settings: Settings | None = None) -> None:
        """Build the models (the model re-validates every value)."""
        self.settings = settings or Settings()
        self.main = IntegrationModel(**self.settings.model_kwargs())
        self.baseline = (IntegrationModel(**self.settings.baseline_kwargs(self.main.seed))
                         if self.settings.compare else None)
        self.history = NewcomerHistory()
        self.groups = GroupHistory()
        self.baseline_groups = GroupHistory() if self.baseline is not None else None
        self._record()
        self.running = True

    def _record(self) -> None:
        """Record this month: every newcomer (for the story and the map) and every group (for the charts)."""
        columns = newcomer_columns(self.main)
        self.history.record(self.main, columns)
        self.groups.record(self.main, columns)
        if self.baseline is not None:
            self.baseline_groups.record(self.baseline)

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return self.main.month

    def step(self) -> None:
        """One month for both models."""
        if not self.running:
            return
        self.main.step()
        if self.baseline is not None:
            self.baseline.step()
        self._record()
        self.running = self.main.month < HORIZON_MONTHS
