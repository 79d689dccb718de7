"""The calibration targets measured in runs of the model, for validate and calibrate.

`measure_seed` runs the scenarios of ``model.calibration.SCENARIOS`` that the
targets need with one seed (common random numbers) and the Foged experiment,
and measures each target as ``model.calibration`` defines it; `validate`
averages the measurements over seeds, `posterior_values` over parameter sets
drawn from a posterior. `experiments.validate` prints them; `experiments.calibrate`
fits to them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from experiments.executors import Backend, open_backend, run_in_order
from experiments.runner import build_model, run_simulation
from model.calibration import (
    EXPERIMENT_TARGETS,
    FOGED_EXTRA_HOURS,
    MEASURES,
    REQUIRED_SCENARIOS,
    SCENARIOS,
    SNAPSHOT_EVERY,
    language_gain,
    load_targets,
    scenarios_for,
)
from model.parameters import DEFAULTS, as_parameters
from model.posterior import Posterior, shipped_posterior

FOGED_SCALE = 4  # the Foged experiment runs on a 4x larger world, for precision


def measure_seed(
    seed: int,
    params: dict | None = None,
    scenarios: Iterable[str] | None = None,
    foged_scale: int = FOGED_SCALE,
    targets: Iterable[str] | None = None,
) -> dict[str, float]:
    """Target measurements of one seed: the scenarios they need, and the Foged experiment.

    Args:
        seed: The seed shared by every scenario (common random numbers).
        params: Parameter overrides applied to every scenario (a calibration's
            candidate, a posterior draw, a smaller world); the scenarios' own
            changes come on top.
        scenarios: Scenarios to run (default: every one of ``SCENARIOS``). A
            target whose scenarios are not all run is not measured, except the
            ceilings, which take the highest (lowest) over the policies run.
        foged_scale: How many times larger the world of the Foged experiment is.
        targets: Targets to measure (default: every target).
    """
    params = dict(params or {})
    wanted = list(targets) if targets is not None else [*MEASURES, *EXPERIMENT_TARGETS]
    chosen = set(scenarios) if scenarios is not None else set(SCENARIOS)
    chosen &= {s for t in wanted for s in scenarios_for(t)} | ({"baseline"} if wanted else set())
    runs = {
        name: run_simulation(scenario.policy, seed, scenario.months / 12, scenario.params(params),
                             SNAPSHOT_EVERY).newcomers
        for name, scenario in SCENARIOS.items() if name in chosen
    }
    values = {target: MEASURES[target](runs) for target in wanted
              if target in MEASURES and set(REQUIRED_SCENARIOS.get(target, ("baseline",))) <= runs.keys()}
    if "language_hours" in wanted:
        size = {name: int(round(float(params.get(name, DEFAULTS[name])) * foged_scale))
                for name in ("n_newcomers", "n_residents", "n_employers")}
        big = build_model("baseline_2013", seed, {**params, **size, "extra_course_hours": FOGED_EXTRA_HOURS})
        values["language_hours"] = language_gain(big)
    return values


def confidence_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean (NaNs dropped)."""
    values = values[np.isfinite(values)]
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    from scipy import stats  # here, not at the top: the command line starts without it

    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def validate(seeds: int = 20, workers: int | None = 1, progress: bool = True, params: dict | None = None,
             scheduler: str | None = None) -> pd.DataFrame:
    """Run the calibration check and return the table (one row per target).

    Args:
        seeds: Seeds 0 .. seeds-1.
        workers, scheduler: Where to run (`experiments.executors.open_backend`).
        progress: Show a progress bar on stderr.
        params: Parameter overrides for every scenario (default: the model's defaults).
    """
    per_seed = _measure_all([(seed, params) for seed in range(seeds)], workers, scheduler, progress, "seed")
    rows = []
    for target in load_targets():
        mean, low, high = confidence_interval(np.array([v[target.id] for v in per_seed], dtype=float))
        rows.append({
            "id": target.id, "kind": target.kind, "what": target.what, "low": target.low, "high": target.high,
            "point": target.point, "model_mean": mean, "ci_low": low, "ci_high": high,
            "inside": bool(target.contains(mean)), "n_seeds": seeds, "source": target.source, "role": target.role,
        })
    return pd.DataFrame(rows)


def _measure_all(jobs: list[tuple[int, dict | None]], workers: int | None, scheduler: str | None,
                 progress: bool, unit: str, backend: Backend | None = None) -> list[dict[str, float]]:
    """`measure_seed` for every (seed, params) job on ``backend`` (or one opened here), in job order."""
    if backend is not None:
        return run_in_order(backend, measure_seed, jobs, "validate", unit, progress)
    with open_backend(workers, scheduler, jobs=len(jobs)) as backend:
        return run_in_order(backend, measure_seed, jobs, "validate", unit, progress)


PREDICTIVE = (0.05, 0.95)  # the posterior-predictive interval: 90%


def posterior_check(draws: int = 20, workers: int | None = 1, progress: bool = True,
                    scheduler: str | None = None) -> pd.DataFrame:
    """Each target's posterior-predictive distribution under the shipped posterior (see `posterior_values`).

    A `ValueError` if no posterior ships with the installation.
    """
    return posterior_values(shipped_posterior(), draws, workers, progress, scheduler=scheduler)[0]


def posterior_values(posterior: Posterior, draws: int, workers: int | None = 1, progress: bool = True,
                     base: dict | None = None, scheduler: str | None = None,
                     backend: Backend | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every target under ``draws`` parameter sets drawn from ``posterior``, one seed each.

    Draw ``i`` runs seed ``i``, so the spread holds seed noise as well as
    parameter uncertainty: it is where a new run of the calibrated model lands.

    ``base`` overrides parameters under every draw (e.g. the world size of a calibration); the
    runs go to ``backend`` if given, else to ``workers`` or ``scheduler`` as in `validate`.

    Returns:
        One row per target (band, predictive mean, median and 90% interval, share
        of draws inside the band, ``inside`` when the median is), and the values
        in long form (``draw, id, value``).
    """
    sets = [{**(base or {}), **as_parameters(d)} for d in posterior.draw(draws, seed=0)]
    values = _measure_all(list(enumerate(sets)), workers, scheduler, progress, "draw", backend)
    rows = []
    for target in load_targets():
        v = np.array([x.get(target.id, np.nan) for x in values], dtype=float)
        v = v[np.isfinite(v)]
        some = v.size > 0
        median = float(np.median(v)) if some else float("nan")
        rows.append({
            "id": target.id, "kind": target.kind, "what": target.what, "low": target.low, "high": target.high,
            "point": target.point, "predictive_mean": float(v.mean()) if some else float("nan"),
            "predictive_median": median,
            "predictive_low": float(np.quantile(v, PREDICTIVE[0])) if some else float("nan"),
            "predictive_high": float(np.quantile(v, PREDICTIVE[1])) if some else float("nan"),
            "share_inside": float(np.mean([target.contains(x) for x in v])) if some else float("nan"),
            "inside": bool(target.contains(median)), "n_draws": draws, "source": target.source,
            "role": target.role,
        })
    long = pd.DataFrame([{"draw": i, "id": t, "value": v} for i, x in enumerate(values) for t, v in x.items()])
    return pd.DataFrame(rows), long
