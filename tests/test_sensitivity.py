"""Sensitivity analysis: Morris and Sobol indices for every parameter, a table and a chart."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_SWEEP_PARAMETERS

from experiments import cli
from experiments.sensitivity import analyse
from experiments.sweep_spec import spec_from_dict

TINY = TINY_SWEEP_PARAMETERS

RANGES = """
[sample.ranges]
hire_rate = [0.02, 0.4]
applications_per_month = [0, 5]
personal_plan = [false, true]
"""


def sweep_file(tmp_path, method: str, n: int, extra: str = "") -> str:
    path = tmp_path / f"{method}.toml"
    path.write_text(textwrap.dedent(f"""
        years = 1
        seeds = 1
        metrics = ["share_employed", "mean_language_score", "public_cost_eur"]
        years_to_keep = [1]
        {extra}
        [sample]
        method = "{method}"
        n = {n}
        """) + RANGES + TINY, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("method", "n", "indices"), [
    ("morris", 3, {"mu_star", "sigma", "mu"}),
    ("sobol", 8, {"S1", "ST"}),
])
def test_tiny_design_gives_indices_for_every_parameter(method, n, indices, tmp_path, capsys):
    config = sweep_file(tmp_path, method, n)
    out = tmp_path / "out"
    code = cli.main(["sensitivity", config, "--metric", "mean_language_score", "--year", "1",
                     "--out", str(out), "--workers", "1"])
    assert code == 0, capsys.readouterr().err
    table = pd.read_csv(out / "sensitivity-mean_language_score-year1.csv")
    assert set(table["parameter"]) == {"hire_rate", "applications_per_month", "personal_plan"}
    assert set(table["index"]) == indices
    assert len(table) == 3 * len(indices), "one row per parameter and index"
    assert table["value"].notna().all()
    assert (table["method"] == method).all() and (table["year"] == 1).all()
    assert (out / "sensitivity-mean_language_score-year1.png").stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "hire_rate" in printed and "personal_plan" in printed

    # A second metric reuses the stored runs.
    assert cli.main(["sensitivity", config, "--metric", "public_cost_eur", "--year", "1",
                     "--out", str(out), "--workers", "1"]) == 0
    assert "(0 now," in capsys.readouterr().err
    assert (out / "sensitivity-public_cost_eur-year1.csv").exists()


def test_indices_single_out_the_parameter_that_drives_the_output():
    """On a known function, y = 10 a + 0.5 b + 0 c, the indices rank a >> b > c."""
    ranges = {"hire_rate": [0.0, 1.0], "tie_decay": [0.0, 1.0], "vacancy_rate": [0.0, 1.0]}
    for method, n, lead in (("sobol", 256, "ST"), ("morris", 20, "mu_star")):
        spec = spec_from_dict({"sample": {"method": method, "n": n, "ranges": ranges}})
        points = spec.points
        y = 10 * points["hire_rate"] + 0.5 * points["tie_decay"] + 0 * points["vacancy_rate"]
        table = analyse(spec, y.to_numpy())
        lead_values = table[table["index"] == lead].set_index("parameter")["value"]
        assert lead_values["hire_rate"] > 5 * lead_values["tie_decay"] > 0, method
        assert lead_values["vacancy_rate"] == pytest.approx(0, abs=0.05 * lead_values["hire_rate"]), method
        assert table.loc[table["index"] == lead, "conf"].notna().all(), "a confidence interval per index"


def test_analyse_refuses_missing_or_constant_outputs():
    spec = spec_from_dict({"sample": {"method": "morris", "n": 2,
                                      "ranges": {"hire_rate": [0.0, 1.0], "tie_decay": [0.0, 1.0]}}})
    with pytest.raises(ValueError, match="no value"):
        analyse(spec, np.full(spec.n_points, np.nan))
    with pytest.raises(ValueError, match="same at every point"):
        analyse(spec, np.ones(spec.n_points))


@pytest.mark.parametrize(("args", "expected"), [
    (["--metric", "share_employd", "--year", "1"], "did you mean share_employed"),
    (["--metric", "share_fined", "--year", "1"], "is not a metric of this sweep"),
    (["--metric", "no_such_metric", "--year", "1"], "stored: share_employed"),
    (["--metric", "share_employed", "--year", "0.5"], "not stored by this sweep"),
    (["--metric", "share_employed", "--year", "3"], "--year 3 is not allowed"),
])
def test_bad_metric_or_year_exits_2_before_running(args, expected, tmp_path, capsys):
    config = sweep_file(tmp_path, "morris", 2)
    out = tmp_path / "out"
    assert cli.main(["sensitivity", config, *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_a_grid_or_lhs_sweep_is_refused(tmp_path, capsys):
    config = sweep_file(tmp_path, "lhs", 4)
    assert cli.main(["sensitivity", config, "--metric", "share_employed", "--year", "1",
                     "--out", str(tmp_path / "out")]) == 2
    assert 'needs [sample] method = "morris" or "sobol"' in capsys.readouterr().err
