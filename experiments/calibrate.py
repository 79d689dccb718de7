"""`nieuwkomers calibrate`: fit the calibrated parameters with ABC-SMC (pyabc).

Approximate Bayesian computation by sequential Monte Carlo: draw parameter
sets from the priors declared in ``model/parameters.py``, simulate every
calibration target for each (the facts on `baseline_2013`, the effects as
differences between scenarios run with the same seed, the Foged experiment),
keep the sets whose simulated targets lie closest to their bands, and
narrow the threshold generation by generation.

The distance (`BandDistance`), one simulation (`Simulator`: the scenarios of `FIT_SCENARIOS`
and the Foged experiment, one seed per candidate), the history database (``--db``, continued
with ``--resume``) and the runs (``--workers`` or ``--scheduler``) are described in
``docs/calibration.md``.

Writes to ``--out``: the database, ``settings.json``, the last generation's
weighted sample as ``posterior.csv``/``posterior.json`` (the format of
``model/data/``; ``--export DIR`` copies it there), ``generations.csv`` and
figures (`experiments.calibration_figures`; not with ``--no-figures``).

Longer than 400 lines because the fit's parts share its `CalibrationSettings` and must
stay in step for ``--resume`` to be safe (priors, distance, simulator, history,
posterior export); the figures are in `experiments.calibration_figures`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.errors import UsageError
from experiments.executors import Backend, add_backend_arguments, open_backend
from experiments.provenance import code_version
from experiments.store import (
    claim_growing_folder,
    holding,
    write_json,
)
from model.calibration import CEILINGS, load_targets, scenarios_for
from model.parameters import CALIBRATED, PARAMS, close_matches
from model.posterior import SAMPLE_FILE, SETTINGS_FILE, Posterior, write_posterior

HELP = "Fit the calibrated parameters to every target with ABC-SMC (pyabc); resumable, parallel."

#: Scenarios one simulation of the fit runs. The ceilings (highest employment,
#: lowest part-time share over the policies) are taken over the two strongest
#: policies, which reach the highest employment in every seed checked.
FIT_SCENARIOS = ("baseline", "plan", "early_language", "longer_wait", "later_work_access",
                 "two_track", "all_proposals")
#: The parameters `nieuwkomers calibrate` fits by default: those the targets identify. A pilot fit of all
#: 34 calibrated parameters (64 particles, 3 generations, 2026-12-02) degenerated (effective sample size
#: 1.6-2.8 of 64: importance sampling in 34 dimensions needs far more particles than an hour allows);
#: in its prior sample these 14 were the ones whose values moved some target clearly (|Spearman| >= 0.38,
#: against about 0.3 for pure chance over 26 targets). The other 20 keep their hand-calibrated values;
#: `--fit all` fits every calibrated parameter (docs/calibration.md).
IDENTIFIED = ("language_learning_rate", "supervised_course_quality", "hire_rate", "more_hours_rate",
              "share_outside_labour_force", "reintegration_effect", "know_how_at_start", "share_fulltime_offers",
              "idle_weight_with_work_right", "scarring_per_idle_year", "plan_brokerage", "scar_recovery_rate",
              "catch_up_months", "practice_daily_life",
              # the "for whom" patterns (issue 21): women's employment, isolation, the exam as practised, age
              "practice_rate", "share_homemaker", "tie_upkeep", "encounter_rate", "health_exemption_rate", "age_learning_decline")
FIT_FOGED_SCALE = 1  # validate uses 4; one simulation of the fit cannot afford it
MISSING_DISTANCE = 10.0  # half-band widths charged for a target a run could not measure
WORLD_SIZE = ("n_newcomers", "n_residents", "n_employers")
DB_NAME = "calibration.db"
SETTINGS_NAME = "settings.json"


@dataclass(frozen=True)
class CalibrationSettings:
    """What defines a calibration; stored with it and checked on ``--resume``.

    Attributes:
        fit: Fitted parameters.
        targets: Target ids.
        population: Particles per generation.
        generations: Generations in all (including those already done).
        scale: World size relative to the default (newcomers, residents, employers).
        scenarios: Scenarios one simulation runs.
        foged_scale: Size of the Foged experiment's world relative to the fit's world.
        seed: Seed of the sampler's random numbers.
    """

    fit: tuple[str, ...]
    targets: tuple[str, ...]
    population: int
    generations: int
    scale: float
    scenarios: tuple[str, ...] = FIT_SCENARIOS
    foged_scale: int = FIT_FOGED_SCALE
    seed: int = 0

    def world(self) -> dict[str, int]:
        """The world-size overrides for ``scale``."""
        return {name: max(1, int(round(PARAMS[name].default * self.scale))) for name in WORLD_SIZE}

    def same_fit(self, other: CalibrationSettings) -> bool:
        """True if ``other`` describes the same fit (generations may differ)."""
        return replace(self, generations=0) == replace(other, generations=0)


class Simulator:
    """The model as pyabc sees it: parameters in, the targets' simulated values out (picklable, for workers)."""

    def __init__(self, settings: CalibrationSettings) -> None:
        self.settings = settings

    def parameters(self, pars) -> dict:
        """A candidate from pyabc (unit coordinates) as typed model parameters (integers rounded)."""
        values = {}
        for name in self.settings.fit:
            value = from_unit(name, float(pars[name]))
            values[name] = int(round(value)) if PARAMS[name].kind is int else value
        return values

    def __call__(self, pars) -> dict[str, float]:
        """Simulate every target for one candidate (one seed, common to its scenarios)."""
        from experiments.targets import measure_seed

        params = self.parameters(pars)
        seed = candidate_seed(params, self.settings.seed)
        values = measure_seed(seed, {**self.settings.world(), **params}, scenarios=self.settings.scenarios,
                              foged_scale=self.settings.foged_scale, targets=self.settings.targets)
        return {t: float(values.get(t, math.nan)) for t in self.settings.targets}


def candidate_seed(params: dict, salt: int = 0) -> int:
    """A seed derived from the candidate's values: the same candidate always runs the same seed."""
    text = json.dumps([salt, sorted(params.items())])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


class BandDistance:
    """Root mean square of how far each target lies outside its band, in half-band widths."""

    def __init__(self, target_ids: tuple[str, ...]) -> None:
        bands = {t.id: t for t in load_targets()}
        self.ids = target_ids
        self.low = np.array([bands[t].low for t in target_ids])
        self.high = np.array([bands[t].high for t in target_ids])

    def outside(self, x: dict) -> np.ndarray:
        """Per target: distance outside the band in half-widths (0 inside, `MISSING_DISTANCE` if NaN)."""
        value = np.array([x[t] for t in self.ids], dtype=float)
        half = (self.high - self.low) / 2.0
        excess = np.maximum(0.0, np.maximum(self.low - value, value - self.high)) / half
        return np.where(np.isfinite(value), excess, MISSING_DISTANCE)

    def __call__(self, x: dict, x_0: dict | None = None) -> float:
        """The distance of simulated targets ``x`` (``x_0``, the band midpoints, is not needed)."""
        return float(np.sqrt(np.mean(self.outside(x) ** 2)))


def prior(fit: tuple[str, ...]):
    """pyabc's prior: each fitted parameter uniform on [0, 1], which `from_unit` maps to its prior range.

    So pyabc's Gaussian proposal sees parameters of comparable scale (months beside rates of 0.01
    make its covariance ill-conditioned and the importance weights degenerate).
    """
    import pyabc

    return pyabc.Distribution(**{name: pyabc.RV("uniform", 0.0, 1.0) for name in fit})


def from_unit(name: str, u: float) -> float:
    """A unit coordinate as the parameter's value on its prior range."""
    low, high = prior_range(name)
    return low + u * (high - low)


def prior_range(name: str) -> tuple[float, float]:
    """The prior range of a parameter (its declared prior, else its bounds)."""
    p = PARAMS[name]
    low, high = (p.prior.low, p.prior.high) if p.prior else p.bounds
    return float(low), float(high)


# --- input checks -------------------------------------------------------------------


def parse_fit(text: str | None) -> tuple[str, ...]:
    """The ``--fit`` list: the `IDENTIFIED` parameters by default, every calibrated one with ``all``.

    Raises:
        UsageError: For an unknown or uncalibratable parameter, or an empty prior range.
    """
    if not text:
        names = IDENTIFIED
    elif text.strip() == "all":
        names = CALIBRATED
    else:
        names = tuple(n.strip() for n in text.replace(" ", ",").split(",") if n.strip())
    for name in names:
        if name not in PARAMS:
            hint = close_matches(name)
            raise UsageError(f"--fit: unknown parameter {name!r}"
                             + (f"; did you mean {', '.join(hint)}?" if hint else
                                f"; calibrated parameters: {', '.join(CALIBRATED)}"))
        if not PARAMS[name].calibrated:
            raise UsageError(f"--fit: {name!r} is not a calibrated parameter (levers and world sizes are "
                             f"never fitted); calibrated parameters: {', '.join(CALIBRATED)}")
        low, high = prior_range(name)
        if not low < high:
            raise UsageError(f"--fit: {name!r} has an empty prior range [{low}, {high}]")
    if len(set(names)) != len(names):
        raise UsageError("--fit names a parameter twice")
    return names


def parse_targets(text: str | None) -> tuple[str, ...]:
    """The ``--targets`` list: by default every target whose role is "fit" (the "check" ones are kept aside).

    Raises:
        UsageError: For an unknown target.
    """
    targets = load_targets()
    known = [t.id for t in targets]
    if not text:
        return tuple(t.id for t in targets if t.role == "fit")
    names = tuple(n.strip() for n in text.replace(" ", ",").split(",") if n.strip())
    for name in names:
        if name not in known:
            raise UsageError(f"--targets: unknown target {name!r}; targets: {', '.join(known)}")
    return names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `calibrate`."""
    parser.add_argument("--out", required=True,
                        help="folder for the database, posterior and figures: new or empty, or an earlier "
                             "calibration's (to --resume it, or to start again once its database is gone)")
    parser.add_argument("--population", type=int, default=64, help="particles per generation (default 64)")
    parser.add_argument("--generations", type=int, default=6,
                        help="generations in all, including those already done (default 6)")
    parser.add_argument("--max-minutes", type=float, default=60.0,
                        help="stop after the generation running when this many minutes have passed (default 60)")
    parser.add_argument("--min-acceptance", type=float, default=0.02,
                        help="stop when a generation accepts less than this share (default 0.02)")
    parser.add_argument("--min-epsilon", type=float, default=0.0,
                        help="stop when a generation's epsilon is at most this (default 0: every band met; "
                             "a negative value runs every generation)")
    parser.add_argument("--patience", type=int, default=2,
                        help="stop when epsilon has improved by less than --min-improvement in each of this many "
                             "generations in a row (default 2; 0: never)")
    parser.add_argument("--min-improvement", type=float, default=0.02,
                        help="relative fall of epsilon that counts as an improvement (default 0.02)")
    parser.add_argument("--fit", help="comma-separated parameters to fit, or 'all' (default: the 14 the targets "
                                      "identify; the others keep their values)")
    parser.add_argument("--targets", help="comma-separated target ids (default: every target)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="world size relative to the default, for quick trials (default 1)")
    parser.add_argument("--db", help="SQLAlchemy database URL (default: sqlite:///OUT/calibration.db)")
    parser.add_argument("--resume", action="store_true", help="continue the calibration stored in the database")
    parser.add_argument("--check", type=int, default=20,
                        help="posterior draws for the posterior-predictive check of every target (default 20; 0: none)")
    parser.add_argument("--export", metavar="DIR",
                        help="also write posterior.csv/.json to DIR (model/data ships it with the project)")
    parser.add_argument("--kernel-scale", type=float, default=1.0,
                        help="widen pyabc's proposal kernel by this factor (its covariance; default 1). Wider kernels "
                             "overlap more and keep the importance weights even, at the cost of acceptance")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampler and of the simulations (default 0)")
    parser.add_argument("--no-figures", dest="figures", action="store_false",
                        help="write the posterior and its tables (parameters.csv, generations.csv, "
                             "posterior_check.csv) without drawing figures (a quick trial spends longer on them "
                             "than on its runs)")
    add_backend_arguments(parser)


def check_arguments(args: argparse.Namespace) -> CalibrationSettings:
    """Every option checked before anything runs (a `UsageError` names the option and the allowed values)."""
    for name, allowed, expected in (
            ("population", lambda v: 2 <= v <= 100_000, "an integer in [2, 100000]"),
            ("generations", lambda v: 1 <= v <= 100, "an integer in [1, 100]"),
            ("scale", lambda v: 0.02 <= v <= 4, "a number in [0.02, 4]"),
            ("max_minutes", lambda v: v > 0, "a number > 0"),
            ("min_acceptance", lambda v: 0 <= v < 1, "a number in [0, 1)"),
            ("kernel_scale", lambda v: 0.25 <= v <= 25, "a number in [0.25, 25]"),
            ("patience", lambda v: 0 <= v <= 100, "an integer in [0, 100]"),
            ("min_improvement", lambda v: 0 <= v < 1, "a number in [0, 1)"),
            ("check", lambda v: 0 <= v <= 1000, "an integer in [0, 1000]"),
            ("seed", lambda v: 0 <= v < 2**32, "an integer in [0, 2**32 - 1]"),
            *((name, math.isfinite, "a finite number") for name in (
                "max_minutes", "min_acceptance", "min_epsilon", "min_improvement", "scale", "kernel_scale"))):
        value = getattr(args, name)
        if not allowed(value):
            raise UsageError(f"--{name.replace('_', '-')} {value} is not allowed: expected {expected}")
    return CalibrationSettings(fit=parse_fit(args.fit), targets=parse_targets(args.targets), population=args.population,
                    generations=args.generations, scale=args.scale, seed=args.seed)


# --- running ------------------------------------------------------------------------


def _sampler(backend: Backend):
    """pyabc's sampler on the backend every many-runs command uses.

    One process runs pyabc's single-core sampler, which draws every particle
    from the seeded ``numpy`` stream, so the fit is reproducible with ``--seed``.
    A process pool or Dask cluster gets pyabc's sampler for any
    ``concurrent.futures`` executor; pyabc reseeds each job there, so a
    parallel fit differs from run to run (each simulation is still seeded by
    its candidate, `candidate_seed`).
    """
    import pyabc

    if backend.kind == "serial":
        return pyabc.sampler.SingleCoreSampler()
    return pyabc.sampler.ConcurrentFutureSampler(cfuture_executor=backend.executor,
                                                 client_max_jobs=backend.slots())


def _open_history_settings(db: str, out: Path, settings: CalibrationSettings) -> None:
    """On ``--resume``: refuse (`UsageError`) a folder whose settings are missing, unreadable or another fit's."""
    stored_path = out / SETTINGS_NAME
    if not stored_path.exists():
        raise UsageError(f"--resume: {stored_path} is missing; nothing to resume in {out}")
    try:
        stored = json.loads(stored_path.read_text(encoding="utf-8"))
        stored = CalibrationSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in stored["settings"].items()})
    except (ValueError, KeyError, TypeError) as err:
        raise UsageError(f"--resume: {stored_path} is not a calibration's settings ({err})") from None
    if not stored.same_fit(settings):
        raise UsageError(f"--resume: {out} holds another calibration (fit, targets, population, scale or seed "
                         "differ); use the same options, or another --out")


def open_history(db: str):
    """pyabc's History of ``db``, checked to hold one ABC-SMC run.

    Raises:
        UsageError: If the database is corrupt or not a pyabc history.
    """
    import pyabc
    from sqlalchemy.exc import SQLAlchemyError

    try:
        history = pyabc.History(db, create=False)
        history.id = 1
        history.max_t  # noqa: B018 - reading it checks the tables
        names = set(history.get_distribution(m=0, t=history.max_t)[0].columns) if history.max_t >= 0 else set()
    except (SQLAlchemyError, AssertionError, ValueError, KeyError, IndexError, TypeError) as err:
        raise UsageError(f"--db {db}: not a readable calibration history ({type(err).__name__}: "
                         f"{str(err).splitlines()[0][:120]})") from None
    return history, names


def run_calibration(args: argparse.Namespace, settings: CalibrationSettings, db: str, backend: Backend) -> tuple:
    """Run (or continue) the ABC-SMC loop on ``backend``, one progress line per generation on stderr.

    Returns the history and the wall time in seconds of this call.
    """
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("Sampler").setLevel(logging.WARNING)
    np.random.seed(settings.seed)
    abc = pyabc.ABCSMC(
        Simulator(settings), prior(settings.fit), BandDistance(settings.targets),
        population_size=settings.population, sampler=_sampler(backend),
        transitions=pyabc.MultivariateNormalTransition(scaling=args.kernel_scale),
        # A new fit starts from the prior (epsilon infinite: no calibration sample wasted); a resumed
        # one takes the median distance of its last stored generation.
        eps=pyabc.QuantileEpsilon(alpha=0.5, **({} if args.resume else {"initial_epsilon": math.inf})),
    )
    midpoints = {t.id: (t.low + t.high) / 2 for t in load_targets() if t.id in settings.targets}
    if args.resume:
        abc.load(db, 1)
    else:
        abc.new(db, midpoints, meta_info={"settings": json.dumps(asdict(settings))})
    done = abc.history.max_t + 1
    todo = settings.generations - done
    start = time.perf_counter()
    if todo <= 0:
        print(f"calibrate: all {settings.generations} generations are done", file=sys.stderr)
        return abc.history, 0.0
    t = abc.initialize_components_before_run(
        minimum_epsilon=0.0, max_nr_populations=todo, min_acceptance_rate=0.0,
        max_total_nr_simulations=np.inf, max_walltime=None, min_eps_diff=0.0)
    times = []
    while t < settings.generations:
        gen_start = time.perf_counter()
        try:
            result = abc.run_generation(t=t)
        except (AssertionError, ValueError, FloatingPointError) as err:  # e.g. degenerate weights
            print(f"calibrate: generation {t + 1} failed ({type(err).__name__}: {str(err)[:100]}); "
                  f"keeping the {t} generations done", file=sys.stderr)
            break
        if not result["successful"]:
            break
        times.append(time.perf_counter() - gen_start)
        pops = abc.history.get_all_populations()
        row = pops[pops["t"] == t].iloc[0]
        ess = effective_sample_size(abc.history, t)
        left = settings.generations - t - 1
        eta = f"{left * times[-1] / 60:.0f} min" if left else "done"
        print(f"calibrate: generation {t + 1}/{settings.generations}  epsilon {row['epsilon']:.3f}  "
              f"accepted {settings.population}/{int(row['samples'])} ({result['acceptance_rate']:.0%})  "
              f"ESS {ess:.0f}  "
              f"{times[-1]:.0f} s  ETA {eta}", file=sys.stderr, flush=True)
        elapsed = (time.perf_counter() - start) / 60
        why = next((text for stop, text in (
            (result["acceptance_rate"] < args.min_acceptance,
             f"acceptance {result['acceptance_rate']:.1%} < --min-acceptance"),
            (elapsed + times[-1] / 60 > args.max_minutes,
             f"another generation would pass --max-minutes {args.max_minutes:g}"),
            (row["epsilon"] <= args.min_epsilon,
             f"epsilon {row['epsilon']:.3f} <= --min-epsilon {args.min_epsilon:g}"),
            (stalled(list(pops.sort_values("t")["epsilon"]), args.patience, args.min_improvement),
             f"epsilon improved by less than {args.min_improvement:.0%} in each of the last "
             f"{args.patience} generations"),
        ) if stop), None)
        if why:
            print(f"calibrate: stopping: {why}", file=sys.stderr)
            break
        t += 1
    return abc.history, time.perf_counter() - start


def stalled(epsilons: list[float], patience: int, min_improvement: float) -> bool:
    """True when each of the last ``patience`` generations lowered epsilon by less than ``min_improvement``.

    ``epsilons`` are the generations' thresholds in order (the first, from the
    prior, may be infinite); ``patience`` 0 never stops.
    """
    finite = [e for e in epsilons if math.isfinite(e)]
    if patience <= 0 or len(finite) <= patience:
        return False
    recent = finite[-patience - 1:]
    return all(later > earlier * (1.0 - min_improvement) for earlier, later in zip(recent[:-1], recent[1:], strict=True))


def effective_sample_size(history, t: int) -> float:
    """Kish's effective sample size of generation ``t``'s weights (the population size when all are equal)."""
    _, w = history.get_distribution(m=0, t=t)
    return float(1.0 / np.sum((w / w.sum()) ** 2))


def narrowing(history, t: int, fit: tuple[str, ...]) -> dict[str, float]:
    """Each parameter's weighted 90% interval in generation ``t`` as a share of 90% of its prior range.

    The fit samples every parameter on [0, 1] mapped onto its prior, so the
    prior's 90% interval is 0.9 wide: 1.0 means not narrowed at all.
    """
    sample, weights = history.get_distribution(m=0, t=t)
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    out = {}
    for name in fit:
        values = np.asarray(sample[name], dtype=float)
        order = np.argsort(values)
        cumulative = np.cumsum(w[order])
        low, high = (values[order][np.searchsorted(cumulative, q)] for q in (0.05, 0.95))
        out[name] = round(float((high - low) / 0.9), 3)
    return out


def posterior_of(history, settings: CalibrationSettings, wall_seconds: float) -> Posterior:
    """The last generation's weighted sample, with how it was made."""
    sample, weights = history.get_distribution(m=0, t=history.max_t)
    sample = pd.DataFrame({name: [from_unit(name, u) for u in sample[name]] for name in settings.fit})
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    bands = {t.id: t for t in load_targets()}
    meta = {
        "made": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code_version": code_version(),
        "method": "ABC-SMC (pyabc), uniform priors, band distance (RMS of half-widths outside the band), "
                  "epsilon = median of the previous generation's distances",
        "settings": asdict(settings),
        "world": settings.world(),
        "generations": [{"t": int(r.t), "epsilon": float(r.epsilon), "simulations": int(r.samples),
                         "effective_sample_size": round(effective_sample_size(history, int(r.t)), 1),
                         "narrowed_to": narrowing(history, int(r.t), settings.fit)}
                        for r in pops.itertuples()],
        "simulations": int(pops["samples"].sum()),
        "wall_seconds_last_call": round(wall_seconds, 1),
        "wall_seconds_generations": round(float(pops["wall_time"].fillna(0).sum()), 1),
        "priors": {name: {"low": prior_range(name)[0], "high": prior_range(name)[1],
                          "reason": PARAMS[name].prior.reason if PARAMS[name].prior else "bounds"}
                   for name in settings.fit},
        "targets": {t: {"low": bands[t].low, "high": bands[t].high, "kind": bands[t].kind}
                    for t in settings.targets},
        "ceilings_over": [s for s in settings.scenarios if s in scenarios_for(CEILINGS[0])],
    }
    return Posterior(tuple(settings.fit), tuple(tuple(float(v) for v in row) for row in sample.to_numpy()),
                     tuple(float(w) for w in weights / weights.sum()), meta)


def main(args: argparse.Namespace) -> int:
    """Check input, calibrate, write the posterior and figures."""
    try:
        import pyabc  # noqa: F401
    except ImportError:
        raise UsageError("calibrate needs pyabc: pip install 'nieuwkomers[calibrate]'") from None
    settings = check_arguments(args)
    with open_backend(args.workers, args.scheduler) as backend:
        if not args.resume and args.db is None and (Path(args.out) / DB_NAME).exists():
            raise UsageError(f"{Path(args.out) / DB_NAME} exists: add --resume to continue it, or choose another --out")
        out = claim_growing_folder(args.out, "calibrate", args.resume, "calibration")
        db = args.db or f"sqlite:///{(out / DB_NAME).resolve()}"
        check_database(db, args.resume)
        with holding(out, "calibrate"):  # --force of another command cannot take the folder meanwhile
            return _calibrate(args, settings, out, db, backend)


def check_database(db: str, resume: bool) -> None:
    """Refuse (`UsageError`, in one line) an SQLite database that exists and is not one, or none to resume."""
    if not db.startswith("sqlite:///"):
        return
    path = Path(db[len("sqlite:///"):])
    if not path.exists():
        if resume:
            raise UsageError(f"--resume: {path} does not exist; nothing to resume")
        return
    import sqlite3

    try:
        with path.open("rb") as handle:
            head = handle.read(16)
        if head and head != b"SQLite format 3\x00":
            raise sqlite3.DatabaseError("file is not a database")
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.execute("PRAGMA schema_version").fetchone()
        finally:
            connection.close()
    except (OSError, sqlite3.Error) as err:
        raise UsageError(f"--db {path}: not a readable calibration history (not an SQLite database: {err})") from None


def _calibrate(args: argparse.Namespace, settings: CalibrationSettings, out: Path, db: str, backend: Backend) -> int:
    """The calibration proper, once the folder and database are checked (see `main`)."""
    from sqlalchemy.exc import SQLAlchemyError

    if args.resume:
        _open_history_settings(db, out, settings)
        _, names = open_history(db)
        if names and names != set(settings.fit):
            raise UsageError(f"--db {db}: holds a calibration of other parameters")
    else:
        write_json({"settings": asdict(settings), "db": db}, out / SETTINGS_NAME)
    print(f"calibrate: fitting {len(settings.fit)} parameters to {len(settings.targets)} targets; "
          f"{settings.population} particles x up to {settings.generations} generations; "
          f"world x{settings.scale:g}; {backend.description}", file=sys.stderr, flush=True)
    try:
        history, seconds = run_calibration(args, settings, db, backend)
    except SQLAlchemyError as err:
        raise UsageError(f"--db {db}: not a usable calibration database ({type(err).__name__}: "
                         f"{str(err).splitlines()[0][:120]})") from None
    if history.max_t < 0:
        raise UsageError("no generation finished; nothing to write")
    posterior = posterior_of(history, settings, seconds)
    posterior.settings["kernel_scale_last_call"] = args.kernel_scale
    write_posterior(posterior, out)
    if args.export:
        export_posterior(posterior, Path(args.export))
    from experiments.calibration_figures import write_figures

    write_figures(out, posterior, {name: prior_range(name) for name in posterior.names}, settings,
                  check=args.check, backend=backend, figures=args.figures)
    print(f"calibrate: {history.max_t + 1} generations, {posterior.settings['simulations']} simulations, "
          f"{seconds / 60:.1f} min; posterior in {out}", file=sys.stderr)
    return 0


def export_posterior(posterior: Posterior, folder: Path) -> None:
    """Write ``posterior.csv`` and ``.json`` to ``folder`` so that each file is replaced whole or not at all."""
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".posterior-", ignore_cleanup_errors=True) as staging:
        write_posterior(posterior, Path(staging))
        for name in (SETTINGS_FILE, SAMPLE_FILE):  # the sample last: it is what is read first
            os.replace(Path(staging, name), folder / name)
