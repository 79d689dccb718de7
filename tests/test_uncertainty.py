"""Parameter uncertainty in comparisons: the decomposition, `compare --posterior`, `validate --posterior`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL

from experiments import cli
from experiments.compare import compare
from experiments.targets import posterior_values
from experiments.uncertainty import decompose, effect_uncertainty
from model.calibration import load_targets
from model.posterior import read_posterior

SMALL_SET = [arg for k, v in SMALL.items() for arg in ("--set", f"{k}={v}")]


def runs(draw_effects: list[float], noise: float, seeds: int, rng: int = 0) -> pd.DataFrame:
    """Synthetic per-run values: a draw's own effect plus seed noise."""
    gen = np.random.default_rng(rng)
    rows = [{"g": "x", "draw": k, "seed": k * seeds + s, "value": effect + noise * gen.standard_normal()}
            for k, effect in enumerate(draw_effects) for s in range(seeds)]
    return pd.DataFrame(rows)


def test_without_parameter_spread_the_parameters_explain_nothing():
    out = decompose(runs([0.05] * 10, noise=0.02, seeds=20), ["g"]).iloc[0]
    assert out["param_share"] < 0.2
    assert out["ci_low_seeds"] < 0.05 < out["ci_high_seeds"]
    assert out["n_draws"] == 10 and out["n_seeds"] == 20


def test_without_seed_noise_all_uncertainty_is_the_parameters_and_the_wide_interval_covers_the_draws():
    effects = list(np.linspace(0.0, 0.1, 10))
    out = decompose(runs(effects, noise=0.0, seeds=2), ["g"]).iloc[0]
    assert out["param_share"] == pytest.approx(1.0)
    assert out["ci_high_seeds"] - out["ci_low_seeds"] == pytest.approx(0.0)
    assert out["ci_low"] < 0.02 and out["ci_high"] > 0.08
    assert out["mean"] == pytest.approx(0.05)


def test_more_seeds_narrow_only_the_seed_part():
    effects = list(np.random.default_rng(1).normal(0.05, 0.03, 10))
    few = decompose(runs(effects, noise=0.05, seeds=2), ["g"]).iloc[0]
    many = decompose(runs(effects, noise=0.05, seeds=200), ["g"]).iloc[0]
    assert (many["ci_high_seeds"] - many["ci_low_seeds"]) < 0.2 * (few["ci_high_seeds"] - few["ci_low_seeds"])
    assert (many["ci_high"] - many["ci_low"]) > 0.5 * (few["ci_high"] - few["ci_low"])
    assert many["param_share"] > few["param_share"]


def test_probability_of_beating_the_reference_looks_in_the_better_direction():
    rows = []
    for policy, shift in (("baseline_2013", 0.0), ("better", 0.05)):
        for draw in range(4):
            for seed in range(2):
                run = draw * 2 + seed
                rows.append({"policy": policy, "draw": draw, "seed": run, "month": 12, "year": 1.0,
                             "share_employed": 0.5 + shift + 0.001 * seed,
                             "share_isolated": 0.2 - shift + 0.001 * draw})
    out = effect_uncertainty(pd.DataFrame(rows), ["share_employed", "share_isolated"], "baseline_2013")
    p = out.set_index("metric")["p_beats"]
    assert p["share_employed"] > 0.99 and p["share_isolated"] > 0.99, "less isolation is better"


def test_compare_with_the_posterior_runs_the_same_draws_in_every_policy_and_reports_both_intervals(tmp_path):
    out = tmp_path / "cmp"
    code = cli.main(["compare", "--policies", "baseline_2013,two_track", "--seeds", "2", "--posterior", "2",
                     "--years", "2", "--workers", "1", "--no-figures", *SMALL_SET, "--out", str(out)])
    assert code == 0
    u = pd.read_csv(out / "uncertainty.csv")
    assert {"ci_low_seeds", "ci_high_seeds", "ci_low", "ci_high", "param_share", "p_beats"} <= set(u.columns)
    assert set(u["policy"]) == {"two_track"} and set(u["year"]) == {1, 2}
    assert (u["n_draws"] == 2).all() and (u["n_seeds"] == 2).all()
    assert u["param_share"].between(0, 1).all()
    model = pd.read_parquet(out / "model.parquet")
    assert model.groupby("policy")["seed"].nunique().tolist() == [4, 4]
    record = json.loads((out / "compare.json").read_text())
    assert record["posterior"]["draws"] == 2 and record["posterior"]["seeds_per_draw"] == 2
    draws = record["posterior"]["parameter_sets"]
    assert draws[0] != draws[1] and set(draws[0]) == set(read_posterior().names)
    report = (out / "summary.md").read_text()
    assert "How sure are we?" in report and "seeds + parameters" in report
    diffs = pd.read_csv(out / "differences.csv")
    both = diffs.merge(u, on=["policy", "metric", "year"], suffixes=("", "_u"))
    assert np.allclose(both["ci_low"], both["ci_low_u"], equal_nan=True), "the report's intervals are the wider ones"


def test_the_same_posterior_draws_give_the_same_runs():
    a = compare(["baseline_2013"], seeds=2, years=1, params=dict(SMALL), workers=1, posterior=2)
    b = compare(["baseline_2013"], seeds=2, years=1, params=dict(SMALL), workers=1, posterior=2)
    pd.testing.assert_frame_equal(a.model, b.model)
    assert a.model["draw"].tolist().count(1) == a.model["draw"].tolist().count(0)


@pytest.mark.parametrize("args, says", [
    (["--posterior", "1"], "--posterior 1 is not allowed"),
    (["--posterior", "2", "--seeds", "1"], "--posterior needs --seeds 2 or more"),
])
def test_bad_posterior_options_are_one_line_and_exit_2(tmp_path, capsys, args, says):
    assert cli.main(["compare", *args, "--out", str(tmp_path / "x"), *SMALL_SET]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_validate_posterior_gives_each_target_a_predictive_interval_on_a_small_world():
    posterior = read_posterior()
    table, values = posterior_values(posterior, 2, progress=False, base=dict(SMALL))
    assert list(table["id"]) == [t.id for t in load_targets()] and set(values["draw"]) == {0, 1}
    measured = table.dropna(subset=["predictive_median"])
    assert (measured["predictive_low"] <= measured["predictive_high"]).all()
    assert measured["share_inside"].between(0, 1).all()


def test_validate_rejects_a_posterior_of_one_draw(capsys):
    assert cli.main(["validate", "--posterior", "1"]) == 2
    assert "--posterior 1 is not allowed" in capsys.readouterr().err


def test_readme_block_shows_the_how_sure_table(tmp_path):
    from experiments.compare import readme_block

    result = compare(["baseline_2013", "two_track"], seeds=2, years=1, params=dict(SMALL), workers=1, posterior=2)
    block = readme_block(result, "x.png")
    assert "seeds + parameters" in block and "--posterior 2 --seeds 2" in block
    assert Path("x.png").name in block
