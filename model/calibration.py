"""The facts `baseline_2013` must reproduce, and how each is measured from the model's tables.

Targets come from ``model/data/targets.csv`` (a copy of the project's
calibration targets, with sources). Each target has a measurement function
that reads one run's tables; `experiments.validate` averages them over seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.population import Phase

if TYPE_CHECKING:
    from model.model import IntegrationModel

VALIDATION_MONTHS = 150  # long enough for everyone to reach 9 years after the permit
SNAPSHOT_EVERY = 3  # months between newcomer snapshots used for the windows
FOGED_EXTRA_HOURS = 100.0


@dataclass(frozen=True)
class Target:
    """One calibration target (a row of targets.csv)."""

    id: str
    what: str
    measured_as: str
    low: float
    high: float
    point: float
    source: str

    def contains(self, value: float) -> bool:
        """True if ``value`` lies inside the band."""
        return self.low <= value <= self.high


def load_targets() -> list[Target]:
    """The calibration targets, in file order."""
    with resources.files("model").joinpath("data/targets.csv").open(encoding="utf-8") as f:
        df = pd.read_csv(f)
    return [Target(r.id, r.what, r.measured_as, float(r.low), float(r.high), float(r.point), r.source)
            for r in df.itertuples()]


def _adults_with_permit(newcomers: pd.DataFrame) -> pd.DataFrame:
    return newcomers[(newcomers["status"] == "permit") & (newcomers["age"] >= 18) & (newcomers["age"] < 65)]


def _window(newcomers: pd.DataFrame, low: int, high: int) -> pd.DataFrame:
    """Snapshot rows of adult permit holders with months_since_permit in [low, high]."""
    adults = _adults_with_permit(newcomers)
    msp = adults["months_since_permit"]
    return adults[(msp >= low) & (msp <= high)]


def mean_wait(newcomers: pd.DataFrame) -> float:
    """Mean months from arrival to the decision, among those decided by the last snapshot."""
    last = newcomers[newcomers["month"] == newcomers["month"].max()]
    return float(last.loc[last["status"] != "asylum", "months_in_asylum"].mean())


def relocations_per_year(newcomers: pd.DataFrame) -> float:
    """Moves between reception centres per year spent in them (asylum and waiting for a house)."""
    last = newcomers[newcomers["month"] == newcomers["month"].max()]
    years = last["months_in_azc"].sum() / 12.0
    return float(last["relocations"].sum() / years) if years else float("nan")


def share_in_window(column: str, low: int, high: int):
    """A measurement: share of ``column`` among adult permit holders in a months-since-permit window."""
    def measure(newcomers: pd.DataFrame) -> float:
        return float(_window(newcomers, low, high)[column].mean())
    return measure


def parttime_share_60(newcomers: pd.DataFrame) -> float:
    """Share working < 35 hours among the employed 54-66 months after the permit."""
    employed = _window(newcomers, 54, 66)
    employed = employed[employed["employed"]]
    return float((employed["hours_per_week"] < 35).mean())


def municipal_spread(newcomers: pd.DataFrame) -> float:
    """Median months from permit to first job: slowest municipality over fastest.

    Those who never worked count as later than everyone (the median is taken
    over everyone housed in the municipality).
    """
    last = newcomers[newcomers["month"] == newcomers["month"].max()]
    housed = last[(last["status"] == "permit") & (last["municipality"] != "")]
    medians = []
    for _, group in housed.groupby("municipality"):
        months = group["months_to_first_job"].clip(lower=0).fillna(np.inf).to_numpy()
        medians.append(float(np.median(months)))
    medians = np.array(medians)
    if len(medians) < 2 or not np.all(np.isfinite(medians)) or medians.min() <= 0:
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
        msp = model.month - nc.view("permit_month")
        in_window = (nc.view("permit_month") >= 0) & (msp >= low) & (msp <= high)
        in_window &= nc.view("phase") != Phase.DEPARTED
        treated = nc.view("extra_hours_offered") > 0
        for g, mask in enumerate((~treated & in_window, treated & in_window)):
            sums[g] += (mask.sum(), nc.view("language")[mask].sum(), nc.view("course_hours")[mask].sum())
        all_arrived = model.month >= model.arrival_months
        if all_arrived and model.month > nc.view("decision_month").max() + high:
            break
    control, extra = sums[0, 1:] / sums[0, 0], sums[1, 1:] / sums[1, 0]
    hours = (extra[1] - control[1]) / 100.0
    return float((extra[0] / control[0] - 1.0) / hours) if hours > 0 else float("nan")


MEASURES = {
    "wait": mean_wait,
    "relocations": relocations_per_year,
    "exam36": share_in_window("exam_passed", 33, 39),
    "employed60": share_in_window("employed", 54, 66),
    "parttime60": parttime_share_60,
    "welfare_early": share_in_window("on_welfare", 12, 36),
    "welfare_long": share_in_window("on_welfare", 90, 108),
    "municipal_spread": municipal_spread,
}
