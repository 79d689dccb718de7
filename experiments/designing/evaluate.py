"""Running packages: every package on the same posterior draws and seeds, its effects paired with the baseline.

A stage is K posterior draws × S seeds: run ``k * S + j`` (plus the stage's first
seed) runs draw ``k`` with seed ``first_seed + k * S + j``. The screen is exactly
``compare --posterior K --seeds S`` (the same draws, `POSTERIOR_SEED`, and the
same seeds 0..K·S-1), so a preset's numbers are compare's. The re-evaluation
takes other draws (`FRESH_DRAW_SEED`) and seeds no screen uses (from `FRESH_SEED`
on): the front is judged on runs the search never saw.

Every package runs as ``baseline_2013`` with its lever values given explicitly,
which is what the model does with a preset's levers (``{defaults, preset, given}``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments import summary as S
from experiments import uncertainty as U
from experiments.comparison.settings import POSTERIOR_SEED, posterior_draws
from experiments.designing.space import COST, REFERENCE, Objective, Package
from experiments.executors import Backend, run_in_order
from experiments.runner import one_collection_per_run, run_model
from model import METRICS
from model.parameters import as_parameters
from model.posterior import shipped_posterior

FRESH_DRAW_SEED = POSTERIOR_SEED + 1  # the re-evaluation's draws: not the screen's
FRESH_SEED = 1_000_000  # the re-evaluation's first seed: far above any screen's (at most 10,000 x 1,000 runs)


@dataclass(frozen=True)
class Stage:
    """K posterior draws × S seeds, the same for every package.

    Attributes:
        name: "screen" or "re-evaluation".
        draws: The parameter sets.
        seeds_per_draw: S.
        first_seed: The seed of the first run.
    """

    name: str
    draws: tuple[dict, ...]
    seeds_per_draw: int
    first_seed: int

    def runs(self) -> list[tuple[int, int]]:
        """(draw, seed) of every run."""
        s = self.seeds_per_draw
        return [(k, self.first_seed + k * s + j) for k in range(len(self.draws)) for j in range(s)]

    @property
    def seeds(self) -> list[int]:
        return [seed for _, seed in self.runs()]


def screen_stage(draws: int, seeds: int) -> Stage:
    """The screen: the draws and seeds of ``compare --posterior draws --seeds seeds``."""
    return Stage("screen", posterior_draws(draws, seeds), seeds, 0)


def fresh_stage(draws: int, seeds: int) -> Stage:
    """The re-evaluation: other draws, and seeds the screen never ran."""
    sets = shipped_posterior().draw(draws, FRESH_DRAW_SEED)
    return Stage("re-evaluation", tuple(as_parameters(d) for d in sets), seeds, FRESH_SEED)


def run_package(params: dict, seed: int, years: float, months: tuple[int, ...]) -> pd.DataFrame:
    """One run of one package: its model table at ``months`` (the objectives' months and the horizon)."""
    with one_collection_per_run():
        model = run_model(REFERENCE, seed, int(round(12 * years)), params).model_table()
    return model[model["month"].isin(months)][["seed", "month", "year", *METRICS]].reset_index(drop=True)


def months_read(objectives: tuple[Objective, ...], years: float) -> tuple[int, ...]:
    """The months a package's runs are read at: the objectives' and the horizon."""
    return tuple(sorted({o.month for o in objectives} | {int(round(12 * years))}))


def stage_frame(tables: list[pd.DataFrame], names: list[str], stage: Stage, overrides: dict) -> pd.DataFrame:
    """`run_package`'s tables of the packages ``names`` on every run of ``stage`` (in package, run order)
    as one frame with ``package, draw`` in front and the per-newcomer costs."""
    frame = pd.concat(tables, ignore_index=True)
    runs = stage.runs()
    per_run = len(frame) // (len(names) * len(runs))
    frame.insert(0, "package", np.repeat(names, len(runs) * per_run))
    frame.insert(1, "draw", np.tile(np.repeat([k for k, _ in runs], per_run), len(names)))
    return S.add_per_newcomer(frame, S.cohort_size(overrides))


def run_stage(stage: Stage, packages: list[Package], overrides: dict, years: float,
              objectives: tuple[Objective, ...], backend: Backend, progress: bool = True) -> pd.DataFrame:
    """Every package on every run of the stage (`stage_frame`; the same on every backend)."""
    months = months_read(objectives, years)
    jobs = [({**stage.draws[k], **overrides, **p.values()}, seed, years, months)
            for p in packages for k, seed in stage.runs()]
    started = time.perf_counter()
    tables = run_in_order(backend, run_package, jobs, f"design {stage.name}", unit="run", progress=progress)
    frame = stage_frame(tables, [p.name for p in packages], stage, overrides)
    frame.attrs["seconds"] = time.perf_counter() - started
    return frame


def paired_effects(frame: pd.DataFrame, objectives: tuple[Objective, ...], reference: str = REFERENCE) -> pd.DataFrame:
    """Each package's effect per objective and run: its value minus ``reference``'s on the same draw and seed.

    Returns:
        ``package, objective, draw, seed, effect`` (in the metric's units; not oriented).
    """
    parts = []
    for o in objectives:
        at = frame[frame["month"] == o.month][["package", "draw", "seed", o.metric]]
        ref = at[at["package"] == reference][["draw", "seed", o.metric]].rename(columns={o.metric: "ref"})
        part = at.merge(ref, on=["draw", "seed"])
        parts.append(pd.DataFrame({"package": part["package"], "objective": o.name, "draw": part["draw"],
                                   "seed": part["seed"], "effect": part[o.metric] - part["ref"]}))
    return pd.concat(parts, ignore_index=True)


def net_cost(frame: pd.DataFrame, years: float) -> pd.DataFrame:
    """Net public cost per newcomer at the horizon, per package and run: ``package, draw, seed, cost``."""
    last = frame[frame["month"] == int(round(12 * years))]
    return last[["package", "draw", "seed", COST]].rename(columns={COST: "cost"}).reset_index(drop=True)


def compare_intervals(frame: pd.DataFrame, objectives: tuple[Objective, ...],
                      reference: str = REFERENCE) -> pd.DataFrame:
    """The effects as ``compare --posterior`` reports them (`experiments.uncertainty.effect_uncertainty`).

    Returns:
        ``package, objective, mean, ci_low, ci_high, p_beats`` (intervals from seeds plus parameters).
    """
    parts = []
    for o in objectives:
        table = frame[frame["month"] == o.month].rename(columns={"package": "policy"})
        out = U.effect_uncertainty(table, [o.metric], reference, [o.month])
        parts.append(out.rename(columns={"policy": "package"}).assign(objective=o.name)[
            ["package", "objective", "mean", "ci_low", "ci_high", "p_beats"]])
    return pd.concat(parts, ignore_index=True)
