"""Calibration with ABC-SMC: a real fit end to end, resuming after a kill, Dask, the posterior file, bad input.

The fits here run on a tenth of the default world and on three baseline targets,
so that one simulation takes a fraction of a second; they exercise the same
code as the full calibration (`make calibration`).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import cli
from experiments.calibrate import (
    FIT_SCENARIOS,
    IDENTIFIED,
    BandDistance,
    CalibrationSettings,
    candidate_seed,
    from_unit,
    prior_range,
)
from model.calibration import load_targets
from model.parameters import CALIBRATED, PARAMS, Prior
from model.posterior import Posterior, read_posterior, weighted_quantile, write_posterior

TINY = ["--population", "4", "--scale", "0.1", "--targets", "wait,employed36,welfare30", "--check", "0"]


def calibrate(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.cli", "calibrate", *args],
                          capture_output=True, text=True, timeout=600, **kwargs)


def populations(db: Path) -> pd.DataFrame:
    """Generations stored in a pyabc database: t, particles (straight from SQLite)."""
    with sqlite3.connect(db) as con:
        return pd.read_sql("SELECT populations.t AS t, COUNT(particles.id) AS particles "
                           "FROM populations JOIN models ON models.population_id = populations.id "
                           "JOIN particles ON particles.model_id = models.id "
                           "WHERE populations.t >= 0 GROUP BY populations.id ORDER BY populations.t", con)


def test_a_tiny_calibration_writes_a_history_a_posterior_and_figures(tmp_path):
    out = tmp_path / "fit"
    done = calibrate("--out", str(out), "--generations", "2", "--workers", "1", *TINY)
    assert done.returncode == 0, done.stderr
    assert "generation 1/2" in done.stderr and "generation 2/2" in done.stderr and "ETA" in done.stderr
    pops = populations(out / "calibration.db")
    assert pops["t"].tolist() == [0, 1] and (pops["particles"] == 4).all()
    posterior = read_posterior(out)
    assert posterior.names == IDENTIFIED and len(posterior.rows) == 4
    assert sum(posterior.weights) == pytest.approx(1.0)
    for name in posterior.names:
        low, high = prior_range(name)
        assert all(low <= v <= high for v in posterior.column(name)), name
    meta = posterior.settings
    assert meta["settings"]["targets"] == ["wait", "employed36", "welfare30"]
    assert [g["t"] for g in meta["generations"]] == [0, 1] and meta["code_version"]
    for name in ("epsilon.png", "marginals.png", "pairs.png", "parameters.csv", "generations.csv"):
        assert (out / name).stat().st_size > 0, name
    table = pd.read_csv(out / "parameters.csv")
    assert (table["q05"] <= table["median"]).all() and (table["median"] <= table["q95"]).all()


def test_a_calibration_killed_mid_generation_resumes_without_duplicates(tmp_path):
    out = tmp_path / "fit"
    proc = subprocess.Popen([sys.executable, "-m", "experiments.cli", "calibrate", "--out", str(out),
                             "--generations", "3", "--workers", "1", "--min-epsilon", "-1", *TINY],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    db = out / "calibration.db"
    deadline = time.monotonic() + 300
    try:
        while True:  # the first generation is stored: the second is running
            if db.exists():
                try:
                    if len(populations(db)) >= 1:
                        break
                except (sqlite3.Error, pd.errors.DatabaseError):
                    pass
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no generation finished in time"
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert len(populations(db)) < 3, "the kill came too late to test a resume"
    again = calibrate("--out", str(out), "--generations", "3", "--workers", "1", "--resume", "--min-epsilon", "-1",
                      "--no-figures", *TINY)
    assert again.returncode == 0, again.stderr
    pops = populations(db)
    assert pops["t"].tolist() == [0, 1, 2], "each generation exactly once"
    with sqlite3.connect(db) as con:
        epsilons = [e for (e,) in con.execute("SELECT epsilon FROM populations WHERE t >= 0 ORDER BY t")]
    assert np.isinf(epsilons[0]) and all(np.isfinite(epsilons[1:])), "a resumed fit keeps narrowing"
    assert (pops["particles"] == 4).all()
    done = calibrate("--out", str(out), "--generations", "3", "--workers", "1", "--resume", "--no-figures", *TINY)
    assert done.returncode == 0 and "all 3 generations are done" in done.stderr
    assert populations(db)["t"].tolist() == [0, 1, 2]
    assert {p.name for p in out.iterdir()} >= {"posterior.csv", "parameters.csv", "generations.csv"}
    assert not list(out.glob("*.png")), "--no-figures drew figures"


def test_calibration_runs_on_a_dask_cluster(tmp_path, dask_cluster):
    out = tmp_path / "fit"
    code = cli.main(["calibrate", "--out", str(out), "--generations", "2", "--scheduler", dask_cluster, "--no-figures",
                     *TINY])
    assert code == 0
    assert populations(out / "calibration.db")["t"].tolist() == [0, 1]
    assert len(read_posterior(out).rows) == 4


def test_posterior_file_round_trips_and_draws_reproducibly(tmp_path):
    posterior = Posterior(("hire_rate", "plan_months"), ((0.3, 12.0), (0.4, 20.0), (0.2, 15.0)),
                          (0.5, 0.3, 0.2), {"made": "today"})
    write_posterior(posterior, tmp_path)
    back = read_posterior(tmp_path)
    assert back == posterior
    assert back.median("hire_rate") == 0.3
    assert back.draw(5, seed=1) == back.draw(5, seed=1)
    assert {d["hire_rate"] for d in back.draw(200, seed=2)} == {0.2, 0.3, 0.4}
    assert weighted_quantile([1, 2, 3], [0.1, 0.1, 0.8], 0.5) == 3


@pytest.mark.parametrize("text, problem", [
    ("hire_rate,weight\n0.3\n", "truncated"),
    ("hire_rate,weight\nabc,1\n", "not a number"),
    ("hire_rate\n0.3\n", "expected a header"),
    ("hire_rate,weight\n0.3,-1\n", "weight is negative"),
])
def test_a_malformed_posterior_file_is_refused_with_the_problem_named(tmp_path, text, problem):
    (tmp_path / "posterior.csv").write_text(text)
    with pytest.raises(ValueError, match=problem):
        read_posterior(tmp_path)


def test_the_shipped_posterior_medians_are_the_defaults_of_the_calibrated_parameters():
    posterior = read_posterior()
    assert posterior is not None, "model/data/posterior.csv ships with the project"
    assert set(posterior.names) == set(IDENTIFIED) and set(IDENTIFIED) <= set(CALIBRATED)
    for name in posterior.names:
        p = PARAMS[name]
        expected = round(posterior.median(name)) if p.kind is int else posterior.median(name)
        assert p.default == expected, name
        assert p.hand_value is not None and p.prior.low <= p.default <= p.prior.high
    meta = posterior.settings
    assert meta["simulations"] > 0 and meta["settings"]["population"] >= 32
    assert set(meta["targets"]) == {t.id for t in load_targets() if t.role == "fit"}, \
        "fitted to every target but those kept aside"


def test_band_distance_is_zero_inside_every_band_and_grows_outside():
    targets = {t.id: t for t in load_targets()}
    ids = ("wait", "employed36")
    distance = BandDistance(ids)
    inside = {i: (targets[i].low + targets[i].high) / 2 for i in ids}
    assert distance(inside) == 0
    half = (targets["wait"].high - targets["wait"].low) / 2
    assert distance({**inside, "wait": targets["wait"].high + half}) == pytest.approx(np.sqrt(0.5))
    assert distance({**inside, "wait": float("nan")}) > distance({**inside, "wait": targets["wait"].high + half})


def test_pyabc_works_in_unit_coordinates_mapped_onto_each_prior_range():
    low, high = prior_range("catch_up_months")
    assert from_unit("catch_up_months", 0.0) == low and from_unit("catch_up_months", 1.0) == high
    assert from_unit("hire_rate", 0.5) == pytest.approx(sum(prior_range("hire_rate")) / 2)


def test_fit_all_fits_every_calibrated_parameter(tmp_path):
    from experiments.calibrate import parse_fit

    assert parse_fit("all") == CALIBRATED and parse_fit(None) == IDENTIFIED
    assert parse_fit("hire_rate, plan_months") == ("hire_rate", "plan_months")


def test_a_candidate_always_runs_the_same_seed_and_settings_tell_fits_apart():
    assert candidate_seed({"hire_rate": 0.3}) == candidate_seed({"hire_rate": 0.3})
    assert candidate_seed({"hire_rate": 0.3}) != candidate_seed({"hire_rate": 0.31})
    a = CalibrationSettings(fit=("hire_rate",), targets=("wait",), population=4, generations=2, scale=0.1)
    assert a.same_fit(replace(a, generations=5)) and not a.same_fit(replace(a, population=5))


@pytest.mark.parametrize("args, message", [
    (["--fit", "hire_rat"], "unknown parameter 'hire_rat'; did you mean hire_rate"),
    (["--fit", "fine_eur"], "is not a calibrated parameter"),
    (["--targets", "employed37"], "unknown target 'employed37'"),
    (["--population", "1"], "--population 1 is not allowed"),
    (["--scale", "9"], "--scale 9.0 is not allowed"),
    (["--scheduler", "localhost"], "is not an address"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    assert cli.main(["calibrate", "--out", str(tmp_path / "x"), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x" / "calibration.db").exists()


def test_an_empty_prior_range_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(PARAMS, "hire_rate", replace(PARAMS["hire_rate"], prior=Prior(0.3, 0.3)))
    assert cli.main(["calibrate", "--out", str(tmp_path), "--fit", "hire_rate"]) == 2
    assert "empty prior range [0.3, 0.3]" in capsys.readouterr().err


def test_a_corrupt_or_foreign_database_is_refused_on_resume(tmp_path, capsys):
    settings = {"fit": list(IDENTIFIED), "targets": ["wait", "employed36", "welfare30"], "population": 4,
                "generations": 2, "scale": 0.1, "scenarios": list(FIT_SCENARIOS), "foged_scale": 1, "seed": 0}
    corrupt, foreign = tmp_path / "corrupt", tmp_path / "foreign"
    for folder in (corrupt, foreign):
        folder.mkdir()
        (folder / "settings.json").write_text(json.dumps({"settings": settings}))
    (corrupt / "calibration.db").write_bytes(b"this is not a database" * 100)
    with sqlite3.connect(foreign / "calibration.db") as con:
        con.execute("CREATE TABLE recipes (name TEXT)")
    for folder in (corrupt, foreign):
        code = cli.main(["calibrate", "--out", str(folder), "--resume", "--generations", "2", *TINY])
        err = capsys.readouterr().err.strip()
        assert code == 2 and len(err.splitlines()) == 1, err
        assert "another calibration" in err or "not a readable calibration history" in err, err
