"""`--reference POLICY`: effects measured against another policy than the 2013 law (issue 24)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from experiments.cli import main as cli
from experiments.compare import compare
from experiments.comparison.settings import make_settings
from experiments.stress_runs import make_stress_settings

TINY = {"n_newcomers": 60, "n_residents": 300, "n_employers": 10, "grid_width": 20, "grid_height": 20}


def test_default_reference_is_the_2013_law():
    assert make_settings(["two_track", "baseline_2013"], 2, 1, {}).reference == "baseline_2013"


def test_a_reference_not_asked_for_is_added_in_front():
    st = make_settings(["two_track"], 2, 1, {}, reference="wet_inburgering_2021")
    assert st.policies == ("wet_inburgering_2021", "two_track")
    assert st.reference == "wet_inburgering_2021"


def test_stress_measures_effects_against_the_reference():
    st = make_stress_settings(["two_track", "baseline_2013"], 2, 10, "surge", {}, reference="wet_inburgering_2021")
    assert st.policies[0] == st.reference == "wet_inburgering_2021"
    assert set(st.policies) == {"wet_inburgering_2021", "two_track", "baseline_2013"}


def test_differences_are_taken_against_the_reference():
    result = compare(["baseline_2013", "two_track"], seeds=2, years=1, params=TINY, workers=1,
                     reference="wet_inburgering_2021")
    assert set(result.differences["policy"]) == {"baseline_2013", "two_track"}
    s = result.summary.set_index(["policy", "metric", "year"])["mean"]
    d = result.differences.set_index(["policy", "metric", "year"])["mean"]
    key = ("two_track", "share_on_welfare", 1.0)
    assert d[key] == pytest.approx(s[key] - s[("wet_inburgering_2021", "share_on_welfare", 1.0)])


@pytest.mark.parametrize("command", ["compare", "stress"])
def test_an_unknown_reference_is_one_line_and_exit_2(tmp_path: Path, command):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli([command, "--reference", "wet_2021", "--out", str(tmp_path / "out")])
    assert code == 2
    assert len(err.getvalue().strip().splitlines()) == 1
    assert "'wet_2021' is not a policy; choose one of: baseline_2013" in err.getvalue()
    assert not (tmp_path / "out").exists()


def test_help_says_what_the_reference_is(capsys):
    with pytest.raises(SystemExit):
        cli(["compare", "--help"])
    assert "--reference POLICY" in capsys.readouterr().out
