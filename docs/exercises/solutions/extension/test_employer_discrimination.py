"""Exercise 7, a worked example: the claims about employer discrimination, as tests.

Run from the project folder:

    python -m pytest -q docs/exercises/solutions/extension

(``tests/test_exercises.py`` runs these too, so the worked example cannot rot.)
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from employer_discrimination import DiscriminationModel, willingness_with_prejudice  # noqa: E402

from model import IntegrationModel  # noqa: E402

SMALL = dict(n_newcomers=150, n_residents=1500, n_employers=40, grid_width=40, grid_height=40)
SEEDS = range(4)


def employed_after(months: int, seed: int, **mechanism) -> float:
    model = DiscriminationModel(policy="baseline_2013", rng=seed, **mechanism, **SMALL)
    model.run_for(months)
    return float(model.model_table()["share_employed"].iloc[-1])


def test_without_discrimination_the_model_is_unchanged():
    plain = IntegrationModel(policy="baseline_2013", rng=3, **SMALL)
    extended = DiscriminationModel(policy="baseline_2013", rng=3, employer_discrimination=0.0, **SMALL)
    plain.run_for(36)
    extended.run_for(36)
    assert plain.model_table().equals(extended.model_table())


def test_prejudiced_employers_hire_fewer_newcomers():
    # The same seeds with and without the mechanism (common random numbers): the
    # difference is the mechanism's, and it must hold in every seed, not on average.
    for seed in SEEDS:
        fair = employed_after(60, seed)
        prejudiced = employed_after(60, seed, employer_discrimination=0.9, share_prejudiced=1.0,
                                    hires_to_halve=math.inf)
        assert prejudiced < fair, f"seed {seed}: {prejudiced:.3f} employed with prejudice, {fair:.3f} without"


def test_only_prejudiced_employers_are_less_willing():
    base = np.array([0.8, 0.8, 0.4])
    prejudiced = np.array([True, False, True])
    after = willingness_with_prejudice(base, prejudiced, 0.5, hires=np.zeros(3), hires_to_halve=math.inf)
    assert after.tolist() == [0.4, 0.8, 0.2]


def test_prejudice_halves_with_every_hires_to_halve_hires():
    base, prejudiced = np.ones(3), np.ones(3, dtype=bool)
    after = willingness_with_prejudice(base, prejudiced, 0.8, hires=np.array([0, 2, 4]), hires_to_halve=2.0)
    assert after == pytest.approx([1 - 0.8, 1 - 0.4, 1 - 0.2])


def test_hiring_newcomers_makes_employers_less_prejudiced():
    model = DiscriminationModel(policy="baseline_2013", rng=1, employer_discrimination=0.9,
                                share_prejudiced=1.0, hires_to_halve=1.0, **SMALL)
    start = model.emp.willingness.copy()
    model.run_for(60)
    hired = model.emp.hires > 0
    assert hired.any()
    assert np.all(model.emp.willingness[hired] > start[hired])
    assert np.all(model.emp.willingness[~hired] == start[~hired])


@pytest.mark.parametrize("bad", [{"employer_discrimination": 1.5}, {"share_prejudiced": -0.1},
                                 {"hires_to_halve": 0}, {"employer_discrimination": True}])
def test_bad_values_are_refused_by_name(bad):
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        DiscriminationModel(policy="baseline_2013", rng=0, **bad, **SMALL)
