"""The facts the model must reproduce, and how each is measured from the model's tables.

Targets come from ``model/data/targets.csv`` (a copy of the project's
calibration targets and of the measured policy effects, with sources). There
are two kinds:

* ``fact``: the Dutch record under the 2013 regime (CBS trajectory of the 2014
  cohort, waiting times, the exam, welfare), measured on `baseline_2013`;
* ``effect``: what evaluations measured a programme or a rule to do (an RCT,
  a natural experiment), measured as the difference between a scenario and
  `baseline_2013` run with the same seed (common random numbers).

Each target has a measurement function that reads the newcomer tables of one
seed's scenarios; `experiments.targets` runs the scenarios and averages the
measurements over seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.parameters import DEFAULTS
from model.policies import POLICIES
from model.population import ADULT_AGE, FULLTIME_HOURS, PENSION_AGE, Phase

if TYPE_CHECKING:
    from model.model import IntegrationModel

#: The parameters of `model.parameters` this module reads (a test keeps the list exact).
PARAMETERS: tuple[str, ...] = ("arrival_months",)

VALIDATION_MONTHS = 150  # long enough for everyone to reach 9 years after the permit
SNAPSHOT_EVERY = 3  # months between newcomer snapshots used for the windows
FOGED_EXTRA_HOURS = 100.0
YEAR_10 = 120  # model month of the "year 10" figures in the README's table


@dataclass(frozen=True)
class Target:
    """One calibration target (a row of targets.csv).

    ``role`` is "fit" for the patterns `nieuwkomers calibrate` fits to, and
    "check" for those kept aside to test the fitted model (`validate` reports both).
    """

    id: str
    kind: str
    what: str
    measured_as: str
    low: float
    high: float
    point: float
    source: str
    role: str = "fit"

    def contains(self, value: float) -> bool:
        """True if ``value`` lies inside the band."""
        return self.low <= value <= self.high


def load_targets() -> list[Target]:
    """The calibration targets, in file order."""
    with resources.files("model").joinpath("data/targets.csv").open(encoding="utf-8") as f:
        df = pd.read_csv(f)
    return [Target(r.id, r.kind, r.what, r.measured_as, float(r.low), float(r.high), float(r.point), r.source,
                   r.role) for r in df.itertuples()]


@dataclass(frozen=True)
class Scenario:
    """A run that validation needs: a policy, and changes relative to the parameters in force.

    Attributes:
        policy: Policy name.
        set: Parameters set to a value.
        shift: Parameters shifted by an amount (added to the value in force).
        extra_months: Months to run beyond `VALIDATION_MONTHS` (a longer wait needs them).
    """

    policy: str = "baseline_2013"
    set: Mapping[str, object] = field(default_factory=dict)
    shift: Mapping[str, float] = field(default_factory=dict)
    extra_months: int = 0

    def params(self, base: Mapping[str, object]) -> dict[str, object]:
        """The parameters of this scenario, given the overrides ``base`` used for every scenario."""
        values = {**base, **self.set}
        for name, amount in self.shift.items():
            current = values.get(name, POLICIES[self.policy].get(name, DEFAULTS[name]))
            values[name] = type(DEFAULTS[name])(current + amount)
        return values

    @property
    def months(self) -> int:
        """How long the scenario runs."""
        return VALIDATION_MONTHS + self.extra_months


LONGER_WAIT_MONTHS = 12  # one more year of asylum wait (Hainmueller et al. 2016 measure per year)
LATER_ACCESS_MONTHS = 7  # seven more months of employment ban (Marbach et al. 2018)

#: Every run validation needs, by name. Each effect compares one with "baseline".
SCENARIOS: dict[str, Scenario] = {
    "baseline": Scenario(),
    "plan": Scenario(set={"personal_plan": True}),
    "longer_wait": Scenario(shift={"asylum_wait_months": LONGER_WAIT_MONTHS}, extra_months=LONGER_WAIT_MONTHS),
    "later_work_access": Scenario(shift={"work_access_month": LATER_ACCESS_MONTHS}),
    **{name: Scenario(policy=name) for name in POLICIES if name != "baseline_2013"},
}

Tables = Mapping[str, pd.DataFrame]  # scenario name -> newcomer snapshots of one seed


def _asylum_applicants(newcomers: pd.DataFrame) -> pd.DataFrame:
    """Those who came to ask for asylum themselves (not family members who followed a permit holder)."""
    return newcomers[~newcomers["nareiziger"].astype(bool)]


def _adults_with_permit(newcomers: pd.DataFrame) -> pd.DataFrame:
    return newcomers[(newcomers["status"] == "permit") & (newcomers["age"] >= ADULT_AGE) & (newcomers["age"] < PENSION_AGE)]


def _window(newcomers: pd.DataFrame, low: int, high: int) -> pd.DataFrame:
    """Snapshot rows of adult permit holders with months_since_permit in [low, high]."""
    adults = _adults_with_permit(newcomers)
    msp = adults["months_since_permit"]
    return adults[(msp >= low) & (msp <= high)]


def _last(newcomers: pd.DataFrame) -> pd.DataFrame:
    return newcomers[newcomers["month"] == newcomers["month"].max()]


def mean_wait(newcomers: pd.DataFrame) -> float:
    """Mean months from arrival to the decision, among applicants decided by the last snapshot."""
    last = _asylum_applicants(_last(newcomers))
    return float(last.loc[last["status"] != "asylum", "months_in_asylum"].mean())


def relocations_per_year(newcomers: pd.DataFrame) -> float:
    """Moves between reception centres per year applicants spent in them (asylum and waiting for a house)."""
    last = _asylum_applicants(_last(newcomers))
    years = last["months_in_azc"].sum() / 12.0
    return float(last["relocations"].sum() / years) if years else float("nan")


def share_in_window(newcomers: pd.DataFrame, column: str, low: int, high: int) -> float:
    """Share of ``column`` among adult permit holders in a months-since-permit window."""
    return float(_window(newcomers, low, high)[column].mean())


def ratio_between_groups(newcomers: pd.DataFrame, column: str, grouping: str, numerator: str,
                         denominator: str, low: int, high: int) -> float:
    """Mean of ``column`` in one group over its mean in another, among adult permit holders in a window.

    For example women's employment over men's (``grouping="gender"``), or the
    Dutch of those who arrived at 45+ over those who arrived at 18-24.
    """
    window = _window(newcomers, low, high)
    by_group = window.groupby(grouping, observed=True)[column].mean()
    if numerator not in by_group or denominator not in by_group or by_group[denominator] == 0:
        return float("nan")
    return float(by_group[numerator] / by_group[denominator])


def isolated_share(newcomers: pd.DataFrame, low: int, high: int) -> float:
    """Share without an active tie with a resident among adult permit holders in a window."""
    return float((_window(newcomers, low, high)["resident_ties"] == 0).mean())


def parttime_share(newcomers: pd.DataFrame, low: int = 54, high: int = 66) -> float:
    """Share working < `FULLTIME_HOURS` (35) hours among the employed ``low``-``high`` months after the permit."""
    employed = _window(newcomers, low, high)
    employed = employed[employed["employed"]]
    return float((employed["hours_per_week"] < FULLTIME_HOURS).mean())


def employed_at_month(newcomers: pd.DataFrame, month: int = YEAR_10) -> float:
    """Share employed among adult permit holders in model month ``month`` (the README's year 10)."""
    return float(_adults_with_permit(newcomers[newcomers["month"] == month])["employed"].mean())


def municipal_spread(newcomers: pd.DataFrame) -> float:
    """Median months from permit to first job: slowest municipality over fastest.

    Those who never worked count as later than everyone (the median is taken
    over everyone housed in the municipality).
    """
    last = _last(newcomers)
    housed = last[(last["status"] == "permit") & (last["municipality"] != "")]
    medians = []
    for _, group in housed.groupby("municipality"):
        months = group["months_to_first_job"].clip(lower=0).fillna(np.inf).to_numpy()
        medians.append(float(np.median(months)))
    medians = np.array(medians)
    if len(medians) <= 1 or not np.all(np.isfinite(medians)) or medians.min() <= 0:
        return float("nan")
    return float(medians.max() / medians.min())


def language_gain(model: IntegrationModel, low: int = 33, high: int = 39) -> float:
    """Relative gain in language score per +100 course hours received (the Foged check).

    Runs ``model`` (built with ``extra_course_hours > 0``, which offers the
    extra hours to a random half of newcomers) until every permit holder has
    passed the window, and compares the two halves among adults with
    ``low`` <= months since permit <= ``high``, month by month. The gain is
    divided by the extra hours actually received, because learners who reach
    the level sooner stop sooner: a dose-response per 100 hours of instruction,
    as Foged & van der Werf (2023) estimate it.
    """
    sums = np.zeros((2, 3))  # group x (person-months, language, hours)
    while True:
        model.step()
        nc = model.nc
        msp = model.month - nc.permit_month
        in_window = (nc.permit_month >= 0) & (msp >= low) & (msp <= high)
        in_window &= nc.phase != Phase.DEPARTED
        treated = nc.extra_hours_offered > 0
        for g, mask in enumerate((~treated & in_window, treated & in_window)):
            sums[g] += (mask.sum(), nc.language_score[mask].sum(), nc.course_hours[mask].sum())
        all_arrived = model.month >= model.arrival_months
        if all_arrived and model.month > nc.decision_month.max() + high:
            break
    control, extra = sums[0, 1:] / sums[0, 0], sums[1, 1:] / sums[1, 0]
    hours = (extra[1] - control[1]) / 100.0
    return float((extra[0] / control[0] - 1.0) / hours) if hours > 0 else float("nan")


# --- the measurements, by target id ------------------------------------------------


def _fact(measure: Callable[[pd.DataFrame], float]) -> Callable[[Tables], float]:
    """A fact about the Dutch record: measured on the baseline run."""
    return lambda runs: measure(runs["baseline"])


def _employed(low: int, high: int) -> Callable[[Tables], float]:
    return _fact(lambda t: share_in_window(t, "employed", low, high))


def _welfare(low: int, high: int) -> Callable[[Tables], float]:
    return _fact(lambda t: share_in_window(t, "on_welfare", low, high))


def employment_effect(runs: Tables, scenario: str, low: int, high: int) -> float:
    """Employment in ``scenario`` minus baseline, adult permit holders ``low``-``high`` months after the permit."""
    return (share_in_window(runs[scenario], "employed", low, high)
            - share_in_window(runs["baseline"], "employed", low, high))


def _effect(scenario: str, low: int, high: int) -> Callable[[Tables], float]:
    return lambda runs: employment_effect(runs, scenario, low, high)


def _late_minus_early(scenario: str, early: tuple[int, int], late: tuple[int, int]) -> Callable[[Tables], float]:
    """How the employment effect of ``scenario`` changes from an early to a late window."""
    return lambda runs: employment_effect(runs, scenario, *late) - employment_effect(runs, scenario, *early)


def highest_employment_at_year_10(runs: Tables) -> float:
    """The highest share employed in model month 120 over every policy."""
    return max(employed_at_month(runs[name]) for name in ["baseline", *POLICIES] if name in runs)


def lowest_parttime_share(runs: Tables) -> float:
    """The lowest part-time share among the employed at 54-66 months over every policy."""
    return min(parttime_share(runs[name]) for name in ["baseline", *POLICIES] if name in runs)


MEASURES: dict[str, Callable[[Tables], float]] = {
    "wait": _fact(mean_wait),
    "relocations": _fact(relocations_per_year),
    "exam36": _fact(lambda t: share_in_window(t, "exam_passed", 33, 39)),
    "employed18": _employed(15, 21),
    "employed30": _employed(27, 33),
    "employed36": _employed(33, 39),
    "employed60": _employed(54, 66),
    "employed72": _employed(66, 78),
    "employed96": _employed(90, 102),
    "parttime60": _fact(parttime_share),
    "welfare18": _welfare(15, 21),
    "welfare30": _welfare(27, 33),
    "welfare_early": _welfare(12, 36),
    "welfare_long": _welfare(90, 108),
    "municipal_spread": _fact(municipal_spread),
    "women_men42": _fact(lambda t: ratio_between_groups(t, "employed", "gender", "female", "male", 36, 54)),
    "women_men84": _fact(lambda t: ratio_between_groups(t, "employed", "gender", "female", "male", 72, 96)),
    "isolated48": _fact(lambda t: isolated_share(t, 36, 60)),
    "isolation_lasts": _fact(lambda t: isolated_share(t, 84, 108) - isolated_share(t, 36, 60)),
    "exam48": _fact(lambda t: share_in_window(t, "exam_passed", 45, 57)),
    "exempt48": _fact(lambda t: share_in_window(t, "exempted", 45, 57)),
    "fined48": _fact(lambda t: float((_window(t, 45, 57)["fined_count"] > 0).mean())),
    "language_age": _fact(lambda t: ratio_between_groups(t, "language_score", "age_group", "45+", "18-24", 36, 60)),
    "plan_early": _effect("plan", 12, 36),
    "plan_fade": _effect("plan", 60, 96),
    "job_search": _effect("plan", 9, 15),
    "language_late": _effect("early_language", 60, 96),
    "language_late_vs_early": _late_minus_early("early_language", (6, 24), (60, 96)),
    "wait_cost": _effect("longer_wait", 36, 60),
    "access_cost": _effect("later_work_access", 36, 72),
    "access_gap_narrows": _late_minus_early("later_work_access", (36, 72), (96, 120)),
    "ceiling_employed": highest_employment_at_year_10,
    "ceiling_parttime": lowest_parttime_share,
}
#: Measured by `language_gain` on a separate, larger world (not from the scenario tables).
EXPERIMENT_TARGETS = ("language_hours",)

#: Scenarios each measurement reads, beyond "baseline" (which every target needs).
#: The ceilings read every policy that was run; they need at least the baseline.
REQUIRED_SCENARIOS: dict[str, tuple[str, ...]] = {
    **{target: ("baseline",) for target in MEASURES},
    "plan_early": ("baseline", "plan"),
    "plan_fade": ("baseline", "plan"),
    "job_search": ("baseline", "plan"),
    "language_late": ("baseline", "early_language"),
    "language_late_vs_early": ("baseline", "early_language"),
    "wait_cost": ("baseline", "longer_wait"),
    "access_cost": ("baseline", "later_work_access"),
    "access_gap_narrows": ("baseline", "later_work_access"),
    "language_hours": (),
}
CEILINGS = ("ceiling_employed", "ceiling_parttime")


def scenarios_for(target: str) -> tuple[str, ...]:
    """Every scenario whose run ``target``'s measurement uses (the ceilings: every policy)."""
    if target in CEILINGS:
        return ("baseline", *(name for name in SCENARIOS if name in POLICIES))
    return REQUIRED_SCENARIOS[target]
