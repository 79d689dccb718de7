"""Search mode: NSGA-II (optuna, ask and tell) over the lever grid, resumable from its journal.

Every candidate package runs on the screen's K posterior draws × S seeds, like
the screen; its objectives (paired differences from ``baseline_2013`` or ``--reference``, oriented
so that more is better) are maximised and its net cost per newcomer minimised,
with ``--budget`` as a constraint (NSGA-II prefers packages within it). The
presets are the first trials. Runs go to the project's one executor
(`experiments.executors`: local processes or a Dask cluster), a generation at a
time, and each package is told to the study as soon as its last run is back.

The study lives in an optuna journal (``search-journal.log`` in ``--out``): a
told trial is on disk, so ``--resume`` after any stop (SIGKILL included) loses
no finished evaluation. A package the sampler proposes again is not run again:
its stored values are told (``user_attrs["evaluated"]`` is False for such a
trial). Trials that were asked but not told when the process died are marked
failed and do not count.

Besides the means it optimises, each trial stores its per-draw scores and costs
(``user_attrs``), from which the command ranks the front with the Monte Carlo
tolerance of `experiments.designing.front` and re-evaluates it on fresh runs,
exactly as in screen mode.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from experiments.designing import evaluate as E
from experiments.designing import front as F
from experiments.designing.space import REFERENCE, Objective, Package, preset_packages
from experiments.errors import UsageError
from experiments.executors import Backend, execute
from model.parameters import DEFAULTS, SEARCHABLE

JOURNAL = "search-journal.log"
STUDY = "design"


def _optuna():
    try:
        import optuna
    except ImportError:  # pragma: no cover - a dependency of the dev and design extras
        raise UsageError("design --mode search needs optuna: pip install 'optuna>=5.0' (a dependency of nieuwkomers)") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def open_study(journal: Path, settings: dict, objectives: tuple[Objective, ...], population: int, seed: int,
               budget: float | None, resume: bool):
    """The study in ``journal``: new, or (``--resume``) the stored one, which must have the same settings.

    Raises:
        UsageError: For a journal without ``--resume``, ``--resume`` without one, or other settings.
    """
    optuna = _optuna()
    if journal.exists() and not resume:
        raise UsageError(f"{journal} exists: add --resume to continue that search, or choose another --out")
    if resume and not journal.exists():
        raise UsageError(f"--resume: {journal} does not exist; nothing to resume")
    storage = journal_storage(journal)

    sampler = optuna.samplers.NSGAIISampler(population_size=population, seed=seed)
    directions = ["maximize"] * len(objectives) + ["minimize"]
    study = optuna.create_study(study_name=STUDY, storage=storage, directions=directions, sampler=sampler,
                                load_if_exists=resume)
    stored = study.user_attrs.get("settings")
    if stored is None:
        study.set_user_attr("settings", settings)
    elif json.dumps(stored, sort_keys=True) != json.dumps(settings, sort_keys=True):
        changed = sorted(k for k in settings if stored.get(k) != settings[k])
        raise UsageError(f"--resume: {journal} holds a search with other settings ({', '.join(changed)}); "
                         "give the same options, or choose another --out")
    return study


def journal_storage(journal: Path):
    """The optuna storage of a search: its journal file, written under a lock the kernel frees when we die.

    optuna's own file locks are files that a killed process leaves behind (then every other
    process waits out a grace period); an ``flock`` ends with its process.
    """
    _optuna()
    import fcntl
    import os

    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    class FlockLock:  # what JournalFileBackend asks of a lock: acquire and release
        def __init__(self, path: str):
            self.path, self.fd = path, None

        def acquire(self) -> bool:
            self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            return True

        def release(self) -> None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)

    return JournalStorage(JournalFileBackend(str(journal), lock_obj=FlockLock(f"{journal}.flock")))


def search(study, space: dict, objectives: tuple[Objective, ...], params: dict, years: float, stage: E.Stage,
           trials: int, population: int, backend: Backend, progress: bool = True,
           reference: Package | None = None) -> list:
    """Ask, run and tell until ``trials`` packages are complete; returns the complete trials in order.

    Every effect is paired with ``reference`` (default: ``baseline_2013``'s levers).
    """
    _optuna()
    from optuna.distributions import CategoricalDistribution
    from optuna.trial import TrialState

    for stale in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study.tell(stale.number, state=TrialState.FAIL)  # asked, never told: its process died
    distributions = {name: CategoricalDistribution(list(values)) for name, values in space.items() if len(values) > 1}
    fixed = {name: values[0] for name, values in space.items() if len(values) == 1}
    if not study.get_trials(deepcopy=False):
        for preset in preset_packages():  # the presets first, those that lie in the space searched
            values = preset.values()
            if all(values[k] in space.get(k, (DEFAULTS[k],)) for k in SEARCHABLE):
                study.enqueue_trial({k: values[k] for k in distributions}, user_attrs={"preset": preset.name})
    baseline = reference or Package(REFERENCE, "preset", tuple((k, DEFAULTS[k]) for k in SEARCHABLE))
    reference = E.run_stage(stage, [replace(baseline, name=REFERENCE)], params, years, objectives, backend, progress=False)
    known = {_key(t.params): t.user_attrs for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))}
    ref, unsearched = baseline.values(), {**DEFAULTS_SEARCHED, **fixed}
    if all(unsearched[k] == ref[k] for k in SEARCHABLE if k not in distributions) and all(
            ref[k] in d.choices for k, d in distributions.items()):  # the reference's runs are a trial's
        known.setdefault(_key({k: ref[k] for k in distributions}),
                         _evaluate([reference.drop(columns=["package", "draw"])], reference, stage, params,
                                   objectives, years))
    done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    bar = tqdm(total=trials, initial=min(done, trials), desc="design search", unit="package", file=sys.stderr,
               disable=not progress, dynamic_ncols=True)
    with bar:
        while done < trials:
            asked = [study.ask(distributions) for _ in range(min(population, trials - done))]
            to_run = []
            for trial in asked:
                stored = known.get(_key(trial.params))
                if stored is not None:  # proposed again: told from the runs already made
                    _tell(study, trial, stored, evaluated=False)
                    bar.update()
                else:
                    to_run.append(trial)
            runs = stage.runs()
            jobs = [({**stage.draws[k], **params, **DEFAULTS_SEARCHED, **fixed, **t.params}, seed, years,
                     E.months_read(objectives, years)) for t in to_run for k, seed in runs]
            tables: dict[int, list] = {}
            for i, table in execute(backend, jobs, E.run_package):
                t = i // len(runs)
                tables.setdefault(t, [None] * len(runs))[i % len(runs)] = table
                if all(x is not None for x in tables[t]):
                    trial = to_run[t]
                    attrs = _evaluate(tables.pop(t), reference, stage, params, objectives, years)
                    _tell(study, trial, attrs, evaluated=True)
                    known[_key(trial.params)] = attrs
                    bar.update()
            done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


DEFAULTS_SEARCHED = {k: DEFAULTS[k] for k in SEARCHABLE}


def _key(params: dict) -> str:
    return json.dumps(params, sort_keys=True)


def _evaluate(tables: list, reference, stage: E.Stage, params: dict, objectives, years: float) -> dict:
    """A trial's per-draw scores and costs from its runs and the baseline's on the same draws and seeds."""
    import pandas as pd

    frame = E.stage_frame(tables, ["candidate"], stage, params)
    both = pd.concat([reference.assign(package=REFERENCE), frame], ignore_index=True)
    effects, costs = E.paired_effects(both, objectives), E.net_cost(both, years)
    scores, cost = F.draw_means(effects, costs, objectives, ["candidate"])
    return {"scores": scores[0].tolist(), "costs": cost[0].tolist(), "net_cost": float(cost[0].mean())}


def _tell(study, trial, attrs: dict, evaluated: bool) -> None:
    for key in ("scores", "costs", "net_cost"):
        trial.set_user_attr(key, attrs[key])
    trial.set_user_attr("evaluated", evaluated)
    budget = study.user_attrs["settings"]["budget"]
    trial.set_constraint("budget", attrs["net_cost"] - budget if budget is not None else 0.0)  # <= 0: within it
    scores = np.asarray(attrs["scores"])
    study.tell(trial, [*scores.mean(axis=0).tolist(), attrs["net_cost"]])


def searched_packages(trials: list, space: dict) -> tuple[list[Package], np.ndarray, np.ndarray]:
    """The complete trials as packages (distinct, in trial order) with their per-draw scores and costs."""
    fixed = {name: values[0] for name, values in space.items() if len(values) == 1}
    packages, scores, costs, seen = [], [], [], set()
    for t in trials:
        values = {**DEFAULTS_SEARCHED, **fixed, **t.params}
        levers = tuple((k, values[k]) for k in SEARCHABLE)
        if levers in seen:
            continue
        seen.add(levers)
        name = t.user_attrs.get("preset") or f"t{t.number:04d}"
        packages.append(Package(name, "preset" if t.user_attrs.get("preset") else "search", levers))
        scores.append(t.user_attrs["scores"])
        costs.append(t.user_attrs["costs"])
    return packages, np.asarray(scores, float), np.asarray(costs, float)
