"""Under a surge: the front and the reference again, under a steady inflow and under a surge, on the same runs.

After the re-evaluation, every package on the front and the reference run once
more on the re-evaluation's fresh draws and seeds (common random numbers: the
same draw and seed under both inflows and every package), twice: under a
**steady** inflow (``arrival_pattern="continuous"``) and under a **surge**
(``"surge"``: the same inflow, ``surge_factor`` times higher during the
``surge_months`` months from ``surge_start_month`` on), as ``nieuwkomers stress``
runs a policy. ``--inflow surge`` runs the surge alone, ``--inflow steady`` neither
(the PRIM boxes are then over the re-evaluation's draws only).

**What is measured, and why so.** A design's objective ``share_employed@5`` is
the share among the cohort's adult permit holders five years after the cohort
began to arrive (the model table at month 60 of a run in which everyone arrives
in months 1 to ``arrival_months``). Under a steady inflow or a surge people keep
arriving, so the model table at month 60 mixes newcomers of every age and the
surge would change who is counted, not only how they fare. Here each objective
is read for **one cohort: the newcomers who arrive in the surge's months**
(under the steady inflow, those who arrive in the same months), with the
objective's own rule (`model.outcomes.NEWCOMER_MEASURES`) over that cohort's
permit holders aged 18-64, **the objective's years after the surge begins**
(month ``surge_start_month - 1 + 12 * year``). That is the design's objective
applied to the cohort the peak hits, at the same age of the cohort, measured the
same way under both inflows. It is read from the surge's start and not from
each newcomer's permit (as ``stress`` reads its cohorts): a surge's first harm
is the longer wait for a decision and a house, which a clock started at the
permit would not count; a clock started at arrival does, as the design's
objective does. Paired by draw and seed, the steady and the surge reading differ
only by the peak.

**The world's scale.** Capacities (decisions, reception places, houses,
caseworkers, course places) are national numbers divided by
``persons_per_newcomer``; with the design's default of one person per agent a
cohort of 1,000 never fills them, so no surge could. As in ``stress`` and the
app, the steady inflow here stands for `STEADY_PERSONS_PER_YEAR` persons a year
(``persons_per_newcomer`` = that / the agents arriving a year), which fits the
default capacities, and the surge fills them; ``--set persons_per_newcomer=...``
chooses another scale. Capacities that do not bind change nothing (`model.capacity`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.designing import evaluate as E
from experiments.designing import front as F
from experiments.designing.space import REFERENCE, Objective, Package
from experiments.errors import UsageError
from experiments.executors import Backend, run_in_order
from experiments.runner import one_collection_per_run, run_model
from model import IntegrationModel
from model.inflow import STEADY_PERSONS_PER_YEAR, surge_outside_horizon
from model.outcomes import NEWCOMER_MEASURES, newcomer_columns
from model.parameters import PARAMS
from model.population import ADULT_AGE, PENSION_AGE, Phase

INFLOWS = ("both", "surge", "steady")  # --inflow: what the PRIM boxes range over (default both)
STEADY, SURGE = "steady", "surge"
INFLOW_COLUMN = "inflow"  # the scenario table's column: the inflow during the peak months, times the steady level


@dataclass(frozen=True)
class InflowSettings:
    """What the inflow runs are.

    Attributes:
        inflows: ``("steady", "surge")`` or ``("surge",)``.
        params: Parameters of every inflow run besides the arrival pattern (``--set`` and the world's scale).
        factor: The surge's factor.
        start: The surge's first month.
        months: The surge's length in months.
    """

    inflows: tuple[str, ...]
    params: dict
    factor: float
    start: int
    months: int

    @property
    def cohort(self) -> tuple[int, int]:
        """First and last arrival month of the cohort read: the surge's months."""
        return self.start, self.start + self.months - 1

    @property
    def persons_per_newcomer(self) -> float:
        return float(self.params["persons_per_newcomer"])

    @property
    def persons_per_year(self) -> float:
        """The steady inflow in persons a year."""
        n, months = (self.params.get(k, PARAMS[k].default) for k in ("n_newcomers", "arrival_months"))
        return 12 * n / months * self.persons_per_newcomer

    def level(self, inflow: str) -> float:
        """The inflow during the peak months, times the steady level (1 for the steady inflow)."""
        return 1.0 if inflow == STEADY else self.factor

    def run_params(self, inflow: str) -> dict:
        return {**self.params, "arrival_pattern": "continuous" if inflow == STEADY else "surge"}

    def words(self) -> str:
        """``a surge of 3x the steady inflow in months 13-24``."""
        first, last = self.cohort
        return f"a surge of {self.factor:g}x the steady inflow in months {first}-{last}"


def inflow_settings(inflow: str, overrides: dict, objectives: tuple[Objective, ...],
                    years: float) -> InflowSettings | None:
    """Check ``--inflow`` and the surge it asks for; None for ``steady`` (no inflow runs).

    Raises:
        UsageError: For an unknown choice, a surge outside the horizon (``--years``), a surge of
            factor 1, a surge longer than the first objective's year (its cohort would still be
            arriving when it is read), or an objective not measured per newcomer.
    """
    if inflow not in INFLOWS:
        raise UsageError(f"--inflow {inflow!r} is not allowed: expected {' | '.join(INFLOWS)}")
    if inflow == STEADY:
        return None
    params = {k: v for k, v in overrides.items() if k != "arrival_pattern"}

    def value(name: str):
        return params.get(name, PARAMS[name].default)

    if "persons_per_newcomer" not in params:
        agents_per_year = 12 * value("n_newcomers") / value("arrival_months")
        low, high = PARAMS["persons_per_newcomer"].bounds
        params["persons_per_newcomer"] = float(min(max(STEADY_PERSONS_PER_YEAR / agents_per_year, low), high))
    problem = surge_outside_horizon({**params, "arrival_pattern": "surge"}, int(round(12 * years)))
    if problem:
        raise UsageError(f"{problem} (--years {years:g}); or leave the surge out with --inflow steady")
    factor, start, months = float(value("surge_factor")), int(value("surge_start_month")), int(value("surge_months"))
    if factor <= 1:
        raise UsageError(f"surge_factor {factor:g} is the steady inflow: set a factor above 1 "
                         "(--set surge_factor=3) or leave the surge out with --inflow steady")
    first = min(objectives, key=lambda o: o.month)
    if months > first.month:
        raise UsageError(f"surge_months {months}: the surge's cohort is still arriving when {first.name} is read "
                         f"({first.month} months after the surge begins); shorten the surge or read it later")
    unmeasured = [o.name for o in objectives if o.metric not in NEWCOMER_MEASURES]
    if unmeasured:
        raise UsageError(f"--objectives {unmeasured[0]}: not measured per newcomer, so not for the surge's cohort; "
                         "choose outcomes of newcomers or leave the surge out with --inflow steady")
    inflows = (STEADY, SURGE) if inflow == "both" else (SURGE,)
    return InflowSettings(inflows, params, factor, start, months)


def cohort_metrics(model: IntegrationModel, cohort: tuple[int, int], metrics: tuple[str, ...]) -> dict[str, float]:
    """Each metric's rule over the adult permit holders (18-64) who arrived in the months ``cohort``, this month."""
    nc = model.nc
    phase, age = nc.phase, model.ages()
    permit = ((phase == Phase.AWAITING_HOUSING) | (phase == Phase.HOUSED)) & (age >= ADULT_AGE) & (age < PENSION_AGE)
    rows = np.flatnonzero(permit & (nc.arrival_month >= cohort[0]) & (nc.arrival_month <= cohort[1]))
    if rows.size == 0:
        return dict.fromkeys(metrics, float("nan"))
    table = {name: values[rows] for name, values in newcomer_columns(model).arrays.items()}
    return {m: float(np.mean(NEWCOMER_MEASURES[m](table))) for m in metrics}


def run_cohort(params: dict, seed: int, offset: int, months: tuple[int, ...], cohort: tuple[int, int],
               metrics: tuple[str, ...]) -> pd.DataFrame:
    """One run under one inflow: the cohort's metrics ``offset + month`` months into the run, for each month.

    Returns:
        One row per month of ``months`` (the objectives' months, counted from the surge's start):
        ``seed, month`` and each metric.
    """
    rows = []

    def read(model: IntegrationModel) -> None:
        rows.append({"seed": seed, "month": months[len(rows)], **cohort_metrics(model, cohort, metrics)})

    with one_collection_per_run():
        run_model(REFERENCE, seed, offset + months[-1], params, [offset + month for month in months], read)
    return pd.DataFrame(rows)


def run_inflows(settings: InflowSettings, stage: E.Stage, packages: list[Package],
                objectives: tuple[Objective, ...], backend: Backend, progress: bool = True) -> pd.DataFrame:
    """Every package under each inflow on every run of ``stage``, in inflow, package, run order.

    Returns:
        ``inflow, package, draw, seed, month`` (the objective's month: from the surge's start) and each
        objective's metric for the surge's cohort.
    """
    months = tuple(sorted({o.month for o in objectives}))
    metrics = tuple(dict.fromkeys(o.metric for o in objectives))
    runs = stage.runs()
    jobs = [({**stage.draws[k], **settings.run_params(inflow), **p.values()}, seed, settings.start - 1, months,
             settings.cohort, metrics) for inflow in settings.inflows for p in packages for k, seed in runs]
    started = time.perf_counter()
    tables = run_in_order(backend, run_cohort, jobs, "design inflow", unit="run", progress=progress)
    frame = pd.concat(tables, ignore_index=True)
    per_package = len(runs) * len(months)
    frame.insert(0, INFLOW_COLUMN, np.repeat(settings.inflows, len(packages) * per_package))
    frame.insert(1, "package", np.tile(np.repeat([p.name for p in packages], per_package), len(settings.inflows)))
    frame.insert(2, "draw", np.tile(np.repeat([k for k, _ in runs], len(months)), len(packages) * len(settings.inflows)))
    frame.attrs["seconds"] = time.perf_counter() - started
    return frame


def inflow_scores(frame: pd.DataFrame, settings: InflowSettings, names: list[str],
                  objectives: tuple[Objective, ...], reference: str) -> dict[str, np.ndarray]:
    """Inflow -> oriented per-draw means of each package's paired effect, shape (P, K, M) as `front.draw_means`."""
    out = {}
    for inflow in settings.inflows:
        part = frame[frame[INFLOW_COLUMN] == inflow]
        runs = part[["package", "draw", "seed"]].drop_duplicates().assign(cost=0.0)  # no cost under a surge
        out[inflow], _ = F.draw_means(E.paired_effects(part, objectives, reference), runs, objectives, names)
    return out


def inflow_table(scores: dict[str, np.ndarray], settings: InflowSettings, names: list[str],
                 objectives: tuple[Objective, ...]) -> pd.DataFrame:
    """``inflow.csv``: per inflow, package and objective the statistics of `front.package_statistics`.

    Returns:
        ``inflow, level, package, objective, mean, se, p10, p_better, regret`` (regret against the
        best of the front and the reference in the same draw under the same inflow).
    """
    parts = []
    for inflow, s in scores.items():
        stats = F.package_statistics(s, np.zeros(s.shape[:2]), objectives, names, None)
        stats = stats[stats["measure"] != "net_cost"].rename(columns={"measure": "objective"})
        stats.insert(0, INFLOW_COLUMN, inflow)
        stats.insert(1, "level", settings.level(inflow))
        parts.append(stats)
    return pd.concat(parts, ignore_index=True)


def scenario_table(draws: tuple[dict, ...], levels: list[float] | None = None) -> pd.DataFrame:
    """PRIM's scenarios: one row per posterior draw, or per (inflow, draw) with the inflow's ``level`` column."""
    x = pd.DataFrame(list(draws))
    if levels is None:
        return x
    return pd.concat([x.assign(**{INFLOW_COLUMN: level}) for level in levels], ignore_index=True)
