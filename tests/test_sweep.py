"""Sweeps: checked sweep files, the same results on every backend, resume after SIGKILL, failures kept."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import TINY_SWEEP_PARAMETERS

from experiments import cli
from experiments.sweep_spec import derive_seed, read_spec, spec_from_dict
from experiments.sweep_task import MODEL_CODE, run_task, simulate
from experiments.sweeping import ResultStore, load_by_group, load_sweep, run_sweep

TINY = TINY_SWEEP_PARAMETERS
KEYS = ["point_id", "replicate", "month"]


def write_sweep(folder: Path, body: str, name: str = "sweep.toml") -> Path:
    """A sweep file with the tiny world, plus ``body``."""
    path = folder / name
    path.write_text(textwrap.dedent(body) + TINY, encoding="utf-8")
    return path


def sorted_results(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "results").sort_values(KEYS).reset_index(drop=True)


def skip_if_model_code_changed(*outs: Path) -> None:
    """Results can only be compared if every run used the same model code.

    In a working tree where someone edits ``model/`` while the tests run, a
    worker started later imports other code; the sweep notices (sweep.json)
    and this test then has nothing to compare. In a clean checkout it never skips.
    """
    for out in outs:
        record = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
        if record["versions"]["model_code"] != MODEL_CODE or record.get("runs_on_other_model_code"):
            pytest.skip(f"the model code changed while the test ran ({out.name}); nothing to compare")


GRID = """
    policy = "baseline_2013"
    years = 1
    seeds = 2
    root_seed = 7
    metrics = ["share_employed", "mean_language_score", "n_housed", "public_cost_eur"]
    years_to_keep = [0.5, 1]

    [grid]
    policy = ["baseline_2013", "two_track"]
    fine_eur = [0, 1250]

    [[figures]]
    metric = "public_cost_eur"
    x = "fine_eur"
    y = "policy"
"""


# --- the sweep file ------------------------------------------------------------------


def test_seeds_depend_only_on_root_seed_point_and_replicate():
    seeds = {(p, r): derive_seed(7, p, r) for p in range(4) for r in range(3)}
    assert len(set(seeds.values())) == len(seeds), "every (point, replicate) has its own seed"
    assert all(0 <= s < 2**63 for s in seeds.values())
    assert derive_seed(7, 2, 1) == seeds[2, 1], "the same pair always gets the same seed"
    assert derive_seed(8, 2, 1) != seeds[2, 1], "another root seed gives other seeds"
    assert derive_seed(7, 0, 1, common=True) == derive_seed(7, 3, 1, common=True), \
        "common seeds: replicate r has one seed at every point"


def test_grid_is_every_combination_in_file_order(tmp_path):
    spec = read_spec(write_sweep(tmp_path, GRID))
    assert spec.n_points == 4 and spec.n_runs == 8
    assert spec.points[["policy", "fine_eur"]].values.tolist() == [
        ["baseline_2013", 0.0], ["baseline_2013", 1250.0], ["two_track", 0.0], ["two_track", 1250.0]]
    task = spec.task(3, 1)
    assert task.policy == "two_track" and task.params["fine_eur"] == 1250.0
    assert task.params["n_newcomers"] == 60 and "policy" not in task.params
    assert spec.months == (6, 12)
    pairs = [(t.point_id, t.replicate) for t in spec.tasks()]
    assert pairs[:4] == [(0, 0), (1, 0), (2, 0), (3, 0)], "seed 0 of every point comes first"
    assert [(t.point_id, t.replicate) for t in spec.tasks(skip={(0, 0), (2, 1)})] == [
        p for p in pairs if p not in {(0, 0), (2, 1)}]


def test_sample_draws_integers_booleans_and_choices_within_their_ranges():
    spec = spec_from_dict({"years": 1, "seeds": 1, "sample": {
        "method": "lhs", "n": 40, "ranges": {
            "hire_rate": [0.05, 0.3], "applications_per_month": [1, 4],
            "personal_plan": [False, True], "exam_level": ["A2", "B1"]}}})
    points = spec.points
    assert len(points) == 40 and spec.design.shape == (40, 4)
    assert points["hire_rate"].between(0.05, 0.3).all()
    assert points["applications_per_month"].dtype == "int64"
    assert set(points["applications_per_month"]) == {1, 2, 3, 4}, "every integer, the high end included"
    assert points["personal_plan"].dtype == bool and points["personal_plan"].nunique() == 2
    assert set(points["exam_level"]) == {"A2", "B1"}
    morris = spec_from_dict({"sample": {"method": "morris", "n": 3,
                                        "ranges": {"hire_rate": [0.05, 0.3], "fine_eur": [0, 2500]}}})
    assert morris.n_points == 3 * (2 + 1)
    sobol = spec_from_dict({"sample": {"method": "sobol", "n": 8,
                                       "ranges": {"hire_rate": [0.05, 0.3], "fine_eur": [0, 2500]}}})
    assert sobol.n_points == 8 * (2 + 2)


MALFORMED = {
    "bad TOML": ("years = 1\n[grid\nfine_eur = [0]\n", "not valid TOML"),
    "unknown top-level key": ("yeras = 1\n[grid]\nfine_eur = [0]\n", "'yeras'; did you mean years"),
    "parameter at the top level": ("fine_eur = 0\n[grid]\nhire_rate = [0.1]\n", "put it under [parameters]"),
    "misspelt parameter": ("[grid]\nfine_euro = [0, 1250]\n", "unknown parameter 'fine_euro'; did you mean fine_eur"),
    "misspelt fixed parameter": ("[parameters]\nn_newcomer = 10\n[grid]\nfine_eur = [0]\n",
                                 "[parameters] unknown parameter 'n_newcomer'; did you mean n_newcomers"),
    "empty grid": ("[grid]\n", "[grid] is empty"),
    "empty value list": ("[grid]\nfine_eur = []\n", "fine_eur = [] is empty"),
    "value out of range": ("[grid]\nrecognition_rate = [0.5, 1.5]\n", "recognition_rate=1.5 is not allowed"),
    "low above high": ('[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\nhire_rate = [0.3, 0.1]\n',
                       "hire_rate: low 0.3 > high 0.1"),
    "unknown method": ('[sample]\nmethod = "halton"\nn = 4\n[sample.ranges]\nhire_rate = [0.1, 0.3]\n',
                       "method = 'halton' is not allowed"),
    "sobol n not a power of two": (
        '[sample]\nmethod = "sobol"\nn = 10\n[sample.ranges]\nhire_rate = [0.1, 0.3]\nfine_eur = [0, 10]\n',
        "must be a power of 2"),
    "grid and sample": ('[grid]\nfine_eur = [0]\n[sample]\nmethod = "lhs"\nn = 2\n', "both [grid] and [sample]"),
    "unknown metric": ('metrics = ["share_employd"]\n[grid]\nfine_eur = [0]\n', "did you mean share_employed"),
    "unknown policy": ('policy = "two-track"\n[grid]\nfine_eur = [0]\n', "two-track"),
    "year not in the horizon": ("years = 2\nyears_to_keep = [3]\n[grid]\nfine_eur = [0]\n", "years_to_keep: 3"),
    "seeds zero": ("seeds = 0\n[grid]\nfine_eur = [0]\n", "seeds = 0 is not allowed"),
    "unknown grouping": ('by = ["gender", "religion"]\n[grid]\nfine_eur = [0]\n',
                         "by: unknown grouping 'religion'; choose one or more of: gender, education"),
    "unknown grouping in a crossing": ('by = ["gender,relgion"]\n[grid]\nfine_eur = [0]\n',
                                       "by: unknown grouping 'relgion'"),
    "grouping not in a list": ("by = 3\n[grid]\nfine_eur = [0]\n", "by must be a list of grouping names"),
    "by without a per-newcomer metric": ('metrics = ["n_housed"]\nby = ["gender"]\n[grid]\nfine_eur = [0]\n',
                                         "by needs a metric with a value per newcomer"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_sweep_file_exits_2_with_one_clear_line(case, tmp_path, capsys):
    text, expected = MALFORMED[case]
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(["sweep", str(config), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "bad.toml" in err and expected in err, err
    assert "Traceback" not in err
    assert not out.exists(), "nothing is written before the file is checked"


def test_missing_sweep_file_exits_2(tmp_path, capsys):
    assert cli.main(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "no such sweep file" in capsys.readouterr().err


# --- backends ------------------------------------------------------------------------


def test_same_sweep_gives_identical_results_serially_on_two_workers_and_on_a_dask_cluster(
        tmp_path, dask_cluster, capsys):
    config = write_sweep(tmp_path, GRID)
    assert cli.main(["sweep", str(config), "--out", str(tmp_path / "serial"), "--workers", "1"]) == 0
    assert cli.main(["sweep", str(config), "--out", str(tmp_path / "pool"), "--workers", "2"]) == 0
    assert cli.main(["sweep", str(config), "--out", str(tmp_path / "dask"), "--scheduler", dask_cluster]) == 0
    printed = capsys.readouterr().out
    assert "2 local worker processes" in printed and "Dask cluster at" in printed

    skip_if_model_code_changed(tmp_path / "serial", tmp_path / "pool", tmp_path / "dask")
    serial = sorted_results(tmp_path / "serial")
    pd.testing.assert_frame_equal(serial, sorted_results(tmp_path / "pool"))
    pd.testing.assert_frame_equal(serial, sorted_results(tmp_path / "dask"))

    # The model-table columns plus point_id, replicate and the swept values; only the kept metrics and months.
    assert list(serial.columns) == ["point_id", "replicate", "fine_eur", "policy", "seed", "month", "year",
                                    "n_housed", "share_employed", "mean_language_score", "public_cost_eur"]
    assert sorted(serial["month"].unique()) == [6, 12]
    assert len(serial) == 4 * 2 * 2
    spec = read_spec(config)
    for row in serial.drop_duplicates(["point_id", "replicate"]).itertuples():
        assert row.seed == spec.seed(row.point_id, row.replicate)
    points = pd.read_csv(tmp_path / "serial" / "points.csv")
    assert list(points.columns) == ["point_id", "policy", "fine_eur"] and len(points) == 4
    merged = serial.merge(points, on="point_id", suffixes=("", "_point"))
    assert (merged["policy"] == merged["policy_point"]).all() and (merged["fine_eur"] == merged["fine_eur_point"]).all()
    assert pd.read_csv(tmp_path / "serial" / "failures.csv").empty
    assert (tmp_path / "serial" / "figures" / "public_cost_eur-year1-fine_eur-policy.png").stat().st_size > 10_000

    tidy = load_sweep(tmp_path / "serial", ["share_employed"], years=[1])
    assert set(tidy["metric"]) == {"share_employed"} and set(tidy["month"]) == {12}
    assert len(tidy) == 4 * 2 and {"point_id", "fine_eur", "policy", "value"} <= set(tidy.columns)


def test_a_second_sweep_into_the_same_folder_needs_resume_and_another_sweep_is_refused(tmp_path, capsys):
    base = GRID.split("[[figures]]")[0]
    config = write_sweep(tmp_path, base.replace("seeds = 2", "seeds = 1"))
    out = tmp_path / "out"
    assert cli.main(["sweep", str(config), "--out", str(out), "--workers", "1"]) == 0
    assert cli.main(["sweep", str(config), "--out", str(out), "--workers", "1"]) == 2
    assert "add --resume" in capsys.readouterr().err
    assert cli.main(["sweep", str(config), "--out", str(out), "--workers", "1", "--resume"]) == 0
    assert "4 of 4 runs stored" in capsys.readouterr().out, "nothing left to run"
    more = write_sweep(tmp_path, base, "more.toml")
    assert cli.main(["sweep", str(more), "--out", str(out), "--workers", "1", "--resume"]) == 0, \
        "raising seeds only adds replicates"
    assert "8 of 8 runs stored" in capsys.readouterr().out
    other = write_sweep(tmp_path, base.replace("fine_eur = [0, 1250]", "fine_eur = [0, 500]"), "other.toml")
    assert cli.main(["sweep", str(other), "--out", str(out), "--resume"]) == 2
    assert "holds a different sweep" in capsys.readouterr().err
    assert len(sorted_results(out).drop_duplicates(["point_id", "replicate"])) == 8


# --- resume after SIGKILL --------------------------------------------------------------

KILLABLE = """
    years = 1
    seeds = 5
    root_seed = 3
    metrics = ["share_employed", "mean_wellbeing"]

    [grid]
    hire_rate = [0.05, 0.1, 0.2, 0.4]
    personal_plan = [false, true]

    [storage]
    part_runs = 1
"""


def test_sweep_killed_with_sigkill_then_resumed_equals_an_uninterrupted_sweep(tmp_path):
    config = write_sweep(tmp_path, KILLABLE)
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "sweep", str(config), "--out", str(killed), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((killed / "results").glob("part-*.parquet"))) < 4:
            assert process.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no parts written within 60 s"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the sweep and its worker processes, at once
        process.wait()
    parts = sorted((killed / "results").glob("part-*.parquet"))
    for part in parts:
        pq.read_table(part)  # every part left behind is complete
    stored = pd.read_parquet(killed / "results")[["point_id", "replicate"]].drop_duplicates()
    assert 4 <= len(stored) < 40, "killed in the middle"
    skip_if_model_code_changed(killed)

    assert cli.main(["sweep", str(config), "--out", str(killed), "--workers", "1", "--resume"]) == 0
    whole = tmp_path / "whole"
    assert cli.main(["sweep", str(config), "--out", str(whole), "--workers", "1"]) == 0

    resumed = sorted_results(killed)
    assert not resumed.duplicated(KEYS).any(), "no (point, seed) stored twice"
    pairs = set(map(tuple, resumed[["point_id", "replicate"]].drop_duplicates().values.tolist()))
    assert pairs == {(p, r) for p in range(8) for r in range(5)}, "no (point, seed) missing"
    skip_if_model_code_changed(killed, whole)
    pd.testing.assert_frame_equal(resumed, sorted_results(whole))
    assert not list((killed / "results").glob(".*")), "no temporary file left"


def test_sigterm_writes_what_finished_and_marks_the_sweep_interrupted(tmp_path):
    config = write_sweep(tmp_path, KILLABLE.replace("seeds = 5", "seeds = 50"))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "sweep", str(config), "--out", str(out), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list((out / "results").glob("part-*.parquet")):
            assert process.poll() is None and time.monotonic() < deadline, "no part written"
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130 and b"interrupted" in err
    record = (out / "sweep.json").read_text()
    assert '"status": "interrupted"' in record
    assert 1 <= len(pd.read_parquet(out / "results")) < 400 * 13


# --- failures ----------------------------------------------------------------------------


def fail_when_fine_is_500(task):
    """A run that raises inside the model for one parameter value (importable by workers)."""
    if task.params.get("fine_eur") == 500.0:
        raise RuntimeError("deliberate failure for fine_eur=500")
    return simulate(task)


def die_on_point_1(task):
    """A run whose worker process dies (like an out-of-memory kill)."""
    if task.point_id == 1 and task.replicate == 0:
        os._exit(3)
    return simulate(task)


FAILING = """
    years = 0.5
    seeds = 2
    metrics = ["share_employed"]

    [grid]
    fine_eur = [0, 500, 1250]
"""


def test_a_failing_run_lands_in_failures_csv_the_sweep_goes_on_and_resume_retries_it(tmp_path):
    spec = read_spec(write_sweep(tmp_path, FAILING))
    out = tmp_path / "out"
    summary = run_sweep(spec, out, workers=2, run=partial(run_task, simulate=fail_when_fine_is_500),
                        progress=False)
    assert (summary.stored, summary.failed) == (4, 2)
    failures = pd.read_csv(out / "failures.csv")
    assert failures[["point_id", "replicate"]].values.tolist() == [[1, 0], [1, 1]]
    assert (failures["fine_eur"] == 500.0).all() and (failures["policy"] == "baseline_2013").all()
    assert failures["error"].str.fullmatch("RuntimeError: deliberate failure for fine_eur=500").all()
    assert failures["where"].str.contains("test_sweep.py").all()
    assert list(failures["seed"]) == [spec.seed(1, 0), spec.seed(1, 1)]
    assert set(pd.read_parquet(out / "results")["point_id"]) == {0, 2}

    summary = run_sweep(spec, out, workers=1, resume=True, progress=False)
    assert (summary.already, summary.stored, summary.failed) == (4, 2, 0)
    assert pd.read_csv(out / "failures.csv").empty, "a retried run that succeeds leaves failures.csv"


def test_a_worker_process_that_dies_fails_its_runs_and_the_sweep_goes_on(tmp_path):
    spec = read_spec(write_sweep(tmp_path, FAILING))
    out = tmp_path / "out"
    summary = run_sweep(spec, out, workers=2, run=partial(run_task, simulate=die_on_point_1), progress=False)
    failures = pd.read_csv(out / "failures.csv")
    assert [1, 0] in failures[["point_id", "replicate"]].values.tolist()
    assert summary.stored + summary.failed == 6 and summary.stored >= 1
    assert failures["error"].str.contains("BrokenProcessPool|worker process died").all()
    run_sweep(spec, out, workers=1, resume=True, progress=False)
    results = sorted_results(out)
    assert len(results.drop_duplicates(["point_id", "replicate"])) == 6 and not results.duplicated(KEYS).any()


def test_runs_reproduce_the_model_run_alone(tmp_path):
    """A stored run equals the same model built and run directly with its seed."""
    from model import IntegrationModel

    spec = read_spec(write_sweep(tmp_path, FAILING))
    run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    stored = sorted_results(tmp_path / "out")
    row = stored[(stored["point_id"] == 2) & (stored["replicate"] == 1)]
    model = IntegrationModel(policy="baseline_2013", rng=spec.seed(2, 1), **spec.task(2, 1).params)
    model.run_for(6)
    alone = model.model_table()
    np.testing.assert_allclose(row["share_employed"].to_numpy(), alone["share_employed"].to_numpy())


@pytest.mark.parametrize("example", sorted((Path(__file__).parent.parent / "docs" / "sweeps").glob("*.toml")),
                         ids=lambda p: p.name)
def test_example_sweep_files_in_the_docs_are_valid(example):
    spec = read_spec(example)
    assert spec.n_runs > 0 and spec.swept


@pytest.mark.slow
def test_default_size_sweep_is_identical_on_local_workers_and_on_a_cluster(tmp_path, dask_cluster):
    config = tmp_path / "default.toml"
    config.write_text('years = 10\nseeds = 2\n[grid]\npersonal_plan = [false, true]\n', encoding="utf-8")
    spec = read_spec(config)
    run_sweep(spec, tmp_path / "pool", workers=2, progress=False)
    run_sweep(spec, tmp_path / "dask", scheduler=dask_cluster, progress=False)
    skip_if_model_code_changed(tmp_path / "pool", tmp_path / "dask")
    pd.testing.assert_frame_equal(sorted_results(tmp_path / "pool"), sorted_results(tmp_path / "dask"))
    assert len(sorted_results(tmp_path / "pool")) == 4 * 121


# --- for whom: outcomes per group ----------------------------------------------------------

BY_GROUP = """
    years = 2
    seeds = 2
    metrics = ["share_employed", "share_isolated", "n_housed"]
    years_to_keep = [1, 2]
    by = ["gender", "education,age_group"]

    [grid]
    fine_eur = [0, 1250]
"""


def test_a_sweep_with_by_stores_each_runs_outcomes_per_group(tmp_path):
    from experiments.runner import run_to_columns

    spec = read_spec(write_sweep(tmp_path, BY_GROUP))
    assert spec.by == (("gender",), ("education", "age_group"))
    run_sweep(spec, tmp_path / "with", workers=1, progress=False)
    plain = read_spec(write_sweep(tmp_path, BY_GROUP.replace('by = ["gender", "education,age_group"]', ""),
                                  "plain.toml"))
    run_sweep(plain, tmp_path / "without", workers=1, progress=False)
    pd.testing.assert_frame_equal(sorted_results(tmp_path / "with"), sorted_results(tmp_path / "without"))
    assert not (tmp_path / "without" / "by_group").exists()

    groups = load_by_group(tmp_path / "with")
    assert list(groups.columns) == ["point_id", "replicate", "fine_eur", "policy", "seed", "grouping", "group",
                                    "metric", "horizon_kind", "horizon", "value", "n_newcomers"]
    assert set(groups["metric"]) == {"share_employed", "share_isolated"}  # n_housed has no value per newcomer
    assert set(groups["grouping"]) == {"gender", "education,age_group"}
    assert set(groups.loc[groups["horizon_kind"] == "year", "horizon"]) == {1.0, 2.0}
    assert len(groups.drop_duplicates(["point_id", "replicate"])) == spec.n_runs
    assert json.loads((tmp_path / "with" / "sweep.json").read_text())["by"] == ["gender", "education,age_group"]
    # one run by hand: the share employed of women permit holders (18-64) at year 2
    task = spec.task(1, 1)
    _, columns = run_to_columns(task.policy, task.seed, task.years, task.params, 12)
    people = columns.frame()
    women = people[(people["month"] == 24) & (people["status"] == "permit") & (people["age"] >= 18)
                   & (people["age"] < 65) & (people["gender"] == "female")]
    row = groups[(groups["point_id"] == 1) & (groups["replicate"] == 1) & (groups["group"] == "women")
                 & (groups["metric"] == "share_employed") & (groups["horizon_kind"] == "year")
                 & (groups["horizon"] == 2)]
    assert len(row) == 1 and row["seed"].iloc[0] == task.seed
    assert row["value"].iloc[0] == pytest.approx(women["employed"].mean())
    assert row["n_newcomers"].iloc[0] == len(women)


def test_resume_drops_a_per_group_part_whose_results_part_was_never_written(tmp_path):
    spec = read_spec(write_sweep(tmp_path, BY_GROUP))
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1, progress=False)
    parts = sorted(p.name for p in (out / "by_group").glob("part-*.parquet"))
    assert parts == sorted(p.name for p in (out / "results").glob("part-*.parquet"))
    (out / "results" / parts[-1]).unlink()  # killed between the per-group part and its results part
    done = ResultStore(out, spec).prepare(resume=True)
    assert len(done) == spec.n_runs - 1
    assert sorted(p.name for p in (out / "by_group").glob("part-*.parquet")) == parts[:-1]
    run_sweep(spec, out, workers=1, resume=True, progress=False)
    groups = load_by_group(out)
    assert not groups.duplicated(["point_id", "replicate", "grouping", "group", "metric", "horizon_kind",
                                  "horizon"]).any()
    assert len(groups.drop_duplicates(["point_id", "replicate"])) == spec.n_runs


# --- what a sweep stores and says about its results (issue 24) --------------------------------------------------


def test_a_sweep_stores_the_cost_per_newcomer_as_compare_reports_it_and_says_what_it_came_to(tmp_path: Path, capsys):
    config = write_sweep(tmp_path, """
        years = 1
        seeds = 2
        years_to_keep = [1]
        metrics = ["share_employed", "share_isolated", "public_cost_eur", "fiscal_return_eur",
                   "net_public_cost_per_newcomer_eur"]
        [grid]
        fine_eur = [0, 1250]
        """)
    out = tmp_path / "out"
    assert cli.main(["sweep", str(config), "--out", str(out), "--workers", "1"]) == 0
    said = capsys.readouterr().out
    wide = load_sweep(out, tidy=False)
    net = (wide["public_cost_eur"] - wide["fiscal_return_eur"]) / 60  # n_newcomers of the tiny world
    np.testing.assert_allclose(wide["net_public_cost_per_newcomer_eur"], net)
    means = wide.groupby("point_id")[["share_isolated", "net_public_cost_per_newcomer_eur"]].mean()
    assert "at 1 year, mean over each point's seeds, across 2 points:" in said
    isolated = next(line for line in said.splitlines() if line.strip().startswith("isolated"))
    low, high = means["share_isolated"].min(), means["share_isolated"].max()
    assert f"{100 * low:.1f}% .. {100 * high:.1f}%" in isolated
    assert f"best at point {means['share_isolated'].idxmin()}" in isolated  # fewer isolated is better
    cost = next(line for line in said.splitlines() if "net public cost per newcomer" in line)
    assert f"€{means['net_public_cost_per_newcomer_eur'].min():,.0f}" in cost


def test_a_sweep_names_the_per_newcomer_costs_among_its_metrics(tmp_path: Path):
    config = write_sweep(tmp_path, """
        metrics = ["net_public_cost_per_newcomr_eur"]
        [grid]
        fine_eur = [0, 1250]
        """)
    with pytest.raises(Exception, match="did you mean net_public_cost_per_newcomer_eur"):
        read_spec(config)
