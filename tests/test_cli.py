"""The command line end to end: policies, run, validate; bad input is one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL

from model.calibration import load_targets

SMALL_SET = [arg for k, v in SMALL.items() for arg in ("--set", f"{k}={v}")]


def nieuwkomers(*args: str, check: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "experiments.cli", *args],
                            capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_policies_lists_every_policy_as_a_difference_from_the_baseline():
    out = nieuwkomers("policies", "--levers", check=True).stdout
    for name in ("baseline_2013", "early_language", "two_track", "startpunten", "reduced_fines",
                 "all_proposals", "wet_inburgering_2021", "municipal_levers"):
        assert f"{name}:" in out
    assert "language_from_arrival = True  (baseline False" in out
    assert "fine_eur = 0.0  (baseline 1250.0" in out


def test_run_writes_tables_and_a_run_record(tmp_path: Path):
    out = tmp_path / "run"
    said = nieuwkomers("run", "--policy", "two_track", "--seeds", "2", "--years", "2", "--snapshot-months", "6",
                       *SMALL_SET, "--set", "personal_plan=no", "--out", str(out), check=True).stdout
    model = pd.read_parquet(out / "model.parquet")
    last = model[model["month"] == 24]  # what it came to is said, mean of the seeds
    net = (last["public_cost_eur"] - last["fiscal_return_eur"]).mean() / SMALL["n_newcomers"]
    assert said.startswith(f"two_track: after 2 years (mean of 2 seeds): employed {100 * last['share_employed'].mean():.1f}%;")
    assert f"isolated {100 * last['share_isolated'].mean():.1f}%" in said
    assert f"net public cost per newcomer €{net:,.0f}" in said
    newcomers = pd.read_parquet(out / "newcomers.parquet")
    record = json.loads((out / "run.json").read_text())
    assert len(model) == 2 * 25 and set(model["seed"]) == {0, 1}
    assert sorted(newcomers["month"].unique()) == [6, 12, 18, 24]
    assert set(newcomers["policy"]) == {"two_track"}
    assert record["overrides"]["personal_plan"] is False
    assert record["parameters"]["municipal_direction"] is True
    assert record["seeds"] == [0, 1] and "mesa" in record["versions"]
    assert not newcomers["has_plan"].any()


def test_run_with_one_seed(tmp_path: Path):
    nieuwkomers("run", "--policy", "startpunten", "--seed", "9", "--years", "1", *SMALL_SET,
                "--out", str(tmp_path), check=True)
    assert set(pd.read_parquet(tmp_path / "model.parquet")["seed"]) == {9}


def test_run_by_writes_outcomes_per_group_for_the_runs_seeds(tmp_path: Path):
    from scipy import stats

    out = tmp_path / "run"
    nieuwkomers("run", "--policy", "two_track", "--seeds", "2", "--years", "2", "--by", "gender,household",
                "--by", "education", *SMALL_SET, "--out", str(out), check=True)
    table = pd.read_csv(out / "by_group.csv")
    assert list(table.columns) == ["policy", "grouping", "group", "metric", "horizon_kind", "horizon", "value",
                                   "ci_low", "ci_high", "n_runs", "n_newcomers", "interval"]  # one policy: no difference
    assert set(table["grouping"]) == {"gender,household", "education"}
    assert set(table.loc[table["horizon_kind"] == "year", "horizon"]) == {1, 2}
    assert {0, 1, 2} <= set(table.loc[table["horizon_kind"] == "years_since_permit", "horizon"])
    assert "women, single" in set(table["group"])
    assert json.loads((out / "run.json").read_text())["by"] == ["gender,household", "education"]
    # one cell by hand: the share employed of high-educated permit holders at year 2, per seed, then across seeds
    newcomers = pd.read_parquet(out / "newcomers.parquet")
    mine = newcomers[(newcomers["month"] == 24) & (newcomers["status"] == "permit") & (newcomers["age"] >= 18)
                     & (newcomers["age"] < 65) & (newcomers["education"] == "high")]
    per_seed = mine.groupby("seed")["employed"].mean().to_numpy()
    row = table[(table["grouping"] == "education") & (table["group"] == "high") & (table["metric"] == "share_employed")
                & (table["horizon_kind"] == "year") & (table["horizon"] == 2)].iloc[0]
    half = stats.t.ppf(0.975, 1) * per_seed.std(ddof=1) / np.sqrt(2)
    assert row["value"] == pytest.approx(per_seed.mean())
    assert row["ci_low"] == pytest.approx(max(per_seed.mean() - half, 0.0))
    assert row["ci_high"] == pytest.approx(min(per_seed.mean() + half, 1.0))
    assert row["n_runs"] == 2 and row["interval"] == "seeds"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--policy", "nope"], "unknown policy 'nope'; choose one of: baseline_2013"),
        (["run", "--policy", "baseline_2013", "--set", "n_newcomrs=5"], "did you mean n_newcomers"),
        (["run", "--policy", "baseline_2013", "--set", "fine_eur=-1"], "fine_eur=-1.0 is not allowed: expected a number in [0.0, 5000.0]"),
        (["run", "--policy", "baseline_2013", "--set", "personal_plan=perhaps"], "expected true or false"),
        (["run", "--policy", "baseline_2013", "--set", "exam_level=C1"], "expected 'A2' | 'B1'"),
        (["run", "--policy", "baseline_2013", "--set", "n_newcomers"], "--set expects key=value"),
        (["run", "--policy", "baseline_2013", "--years", "0"], "--years 0.0 is not allowed"),
        (["run", "--policy", "baseline_2013", "--seeds", "0"], "--seeds 0 is not allowed"),
        (["run", "--policy", "baseline_2013", "--seeds", "x"], "invalid int value: 'x'"),
        (["run", "--policy", "baseline_2013", "--bogus"], "unrecognized arguments: --bogus"),
        (["run", "--policy", "baseline_2013", "--by", "gender,religion"],
         "unknown grouping 'religion'; choose one or more of: gender, education, age_group"),
        (["validate", "--seeds", "1"], "--seeds 1 is not allowed"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_is_one_clear_line_exit_2_and_nothing_written(tmp_path: Path, capsys, args, message):
    """In this process, through the console script's own entry point (a process of its own each would
    cost seconds of imports); `test_unwritable_out_is_refused` runs one refusal as a real process."""
    from experiments.cli import main

    out = tmp_path / "out"
    if args[0] == "run":
        args = [*args, "--out", str(out)]
    try:
        code = main(args)  # an exception (a traceback) fails the test
    except SystemExit as exit_:  # argparse refuses bad options this way
        code = exit_.code
    stderr = capsys.readouterr().err
    assert code == 2
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert not out.exists() or not any(out.iterdir())


def test_unwritable_out_is_refused(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = nieuwkomers("run", "--policy", "baseline_2013", "--out", str(blocker / "sub"))
    assert result.returncode == 2 and "is not a writable directory" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


#: Fitted targets the shipped defaults (the medians of a posterior stopped after 3 generations of ABC-SMC,
#: docs/calibration.md) miss at the edge of their band over 20 seeds. Empty once a converged fit ships:
#: then the strict test below passes and its xfail mark must go.
MISSED_AT_THE_EDGE = {"women_men42", "access_gap_narrows", "ceiling_parttime"}


@pytest.fixture(scope="module")
def validation(tmp_path_factory) -> tuple[subprocess.CompletedProcess, pd.DataFrame]:
    """`validate` over 20 seeds at default size (some 6 minutes on 2 cores: behind the slow marker)."""
    out = tmp_path_factory.mktemp("validation")
    result = nieuwkomers("validate", "--seeds", "20", "--out", str(out))
    assert result.returncode in (0, 1), result.stderr  # 1: a band missed, which the tests below judge
    return result, pd.read_csv(out / "validation.csv")


@pytest.mark.slow
def test_validate_prints_every_target_and_the_stored_table_is_this_run(validation):
    """The calibration check over 20 seeds: every target with its source; docs/validation is this run."""
    result, table = validation
    fitted = table["role"] == "fit"
    missed = set(table.loc[fitted & ~table["inside"], "id"])
    assert f"{fitted.sum() - len(missed)} of {fitted.sum()} targets inside their band" in result.stdout
    assert result.returncode == (1 if missed else 0)
    aside = table.loc[~fitted]
    assert set(aside["id"]) == {"women_men84", "isolation_lasts"}
    assert f"kept aside (not fitted): {aside['inside'].sum()} of 2 inside" in result.stdout
    assert (table["ci_low"] <= table["model_mean"]).all() and (table["model_mean"] <= table["ci_high"]).all()
    assert list(table["id"]) == [t.id for t in load_targets()]
    for target in load_targets():  # every source, whole
        assert target.source in result.stdout
    # docs/ODD.md's evaluation table shows this very run (`make validation` regenerates it).
    stored = pd.read_csv(Path(__file__).resolve().parent.parent / "docs" / "validation" / "validation.csv")
    assert list(stored["id"]) == list(table["id"])
    assert np.allclose(stored["model_mean"], table["model_mean"], rtol=1e-9, atol=1e-12, equal_nan=True), \
        "docs/validation is stale: run make validation"


@pytest.mark.slow
def test_the_defaults_miss_no_fitted_band_but_those_documented(validation):
    """No fitted target is missed beyond `MISSED_AT_THE_EDGE`, and each of those lies within a tenth of a band."""
    _, table = validation
    missed = table[(table["role"] == "fit") & ~table["inside"]]
    assert set(missed["id"]) <= MISSED_AT_THE_EDGE, set(missed["id"]) - MISSED_AT_THE_EDGE
    width = missed["high"] - missed["low"]
    outside = np.maximum(missed["low"] - missed["model_mean"], missed["model_mean"] - missed["high"])
    assert (outside <= 0.1 * width).all(), missed[["id", "model_mean", "low", "high"]]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="the shipped posterior is not converged: see MISSED_AT_THE_EDGE")
def test_the_defaults_meet_every_fitted_band(validation):
    _, table = validation
    assert table.loc[table["role"] == "fit", "inside"].all()
