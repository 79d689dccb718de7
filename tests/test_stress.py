"""`nieuwkomers stress` end to end on a small world; bad input is one line, exit 2, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import SMALL

from experiments.cli import main
from experiments.comparison.formatting import translate_phrases
from model.queues import QUEUES

WORLD = [arg for k, v in {**SMALL, "persons_per_newcomer": 160}.items() for arg in ("--set", f"{k}={v}")]


def stress(*args: str) -> int:
    return main(["stress", "--workers", "1", *WORLD, *args])


def test_stress_writes_the_report_the_tables_and_the_figures(tmp_path: Path, capsys):
    out = tmp_path / "stress"
    assert stress("--policies", "two_track", "--seeds", "2", "--years", "7", "--by", "gender",
                  "--by", "education,age_group", "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert "Peak cohorts under baseline_2013" in printed
    for name in ("summary.md", "queues.csv", "cohorts.csv", "waits.csv", "effects.csv", "cost.csv",
                 "stress.json", "figures/queues.png", "figures/cohorts.png"):
        assert (out / name).is_file(), name
    queues = pd.read_csv(out / "queues.csv")
    assert set(queues["inflow"]) == {"steady", "stressed"} and set(queues["policy"]) == {"baseline_2013", "two_track"}
    worst = queues.groupby("inflow")["emergency_reception"].max()
    assert worst["stressed"] > worst["steady"]
    cohorts = pd.read_csv(out / "cohorts.csv")
    assert set(cohorts["cohort"]) == {"before", "during", "after"} and set(cohorts["years_since_permit"]) >= {3}
    report = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Verdict" in report and "figures/queues.png" in report
    # for whom (--by): the peak cohorts' outcomes per group, and each policy's effect paired by seed
    groups = pd.read_csv(out / "by_group.csv")
    assert set(groups["grouping"]) == {"gender", "education,age_group"}
    assert set(groups["inflow"]) == {"steady", "stressed"} and "during" in set(groups["cohort"])
    women = groups[(groups["grouping"] == "gender") & (groups["group"] == "women") & (groups["cohort"] == "during")
                   & (groups["outcome"] == "employed") & (groups["years_since_permit"] == 3)]
    assert set(women["policy"]) == {"baseline_2013", "two_track"} and len(women) == 4
    assert women.loc[women["policy"] == "baseline_2013", "difference"].isna().all()
    assert women.loc[women["policy"] == "two_track", "difference"].notna().all()
    assert "## For whom: the peak cohorts" in report and "### By education × age on arrival" in report
    # a second run into its own output folder replaces it
    assert stress("--policies", "two_track", "--seeds", "2", "--years", "7", "--out", str(out)) == 0


def test_stress_lang_nl_writes_the_report_and_figures_in_dutch(tmp_path: Path):
    out = tmp_path / "stress"
    assert stress("--policies", "two_track", "--seeds", "2", "--years", "7", "--lang", "nl", "--out", str(out)) == 0
    report = (out / "summary.md").read_text(encoding="utf-8")
    for words in ("# Stresstest: stabiele instroom tegenover piek", "## Oordeel", "Piekcohorten onder baseline_2013",
                  "## Wat het eerst vastloopt", "| beleid | instroom |", "| onder druk |", "noodopvang"):
        assert words in report, words
    prose = re.sub(r"baseline_2013|two_track|\w+\.(csv|png)", "", report)
    assert not re.search(r"\b(the|and|with|from|policy|steady|stressed|surge|queue|months?|persons?)\b", prose)
    assert (out / "figures" / "queues.png").is_file() and (out / "figures" / "cohorts.png").is_file()
    assert translate_phrases(QUEUES["emergency_reception"], "nl") == "In een noodopvanglocatie (opvang vol)"


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "surge_start_month=70"], "does not fit"),
    (["--inflow", "series", "--set", "arrival_series=/no/such/file.csv"], "no such file"),
    (["--set", "surge_factor=0.5"], "surge_factor=0.5 is not allowed"),
    (["--policies", "two_trak"], "two_trak"),
    (["--seeds", "1"], "--seeds 1 is not allowed"),
    (["--by", "gender,religion"], "unknown grouping 'religion'"),
    (["--lang", "fr"], "--lang 'fr' is not allowed: choose one of: en, nl"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, capsys, args, message):
    out = tmp_path / "stress"
    assert stress("--years", "6", "--seeds", "2", *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_bad_series_file_is_refused_before_anything_runs(tmp_path: Path, capsys):
    series = tmp_path / "series.csv"
    series.write_text("month,requests\n2013-01,12\n2013-02,-3\n", encoding="utf-8")
    out = tmp_path / "stress"
    assert stress("--inflow", "series", "--set", f"arrival_series={series}", "--out", str(out)) == 2
    assert "not a count between 0 and" in capsys.readouterr().err and not out.exists()


def test_stress_gives_the_same_runs_serially_and_on_a_dask_cluster(dask_cluster):
    from experiments.executors import open_backend
    from experiments.stress_runs import make_stress_settings, run_stress

    tiny = {"n_newcomers": 60, "n_residents": 300, "n_employers": 10, "grid_width": 20, "grid_height": 20,
            "persons_per_newcomer": 400.0}
    settings = make_stress_settings(["two_track"], 2, 5.0, "surge", tiny)
    with open_backend(workers=1) as serial:
        here = run_stress(settings, serial, progress=False)
    with open_backend(scheduler=dask_cluster) as cluster:
        there = run_stress(settings, cluster, progress=False)
    assert [(r.policy, r.scenario, r.seed) for r in here] == [(r.policy, r.scenario, r.seed) for r in there]
    for a, b in zip(here, there, strict=True):
        pd.testing.assert_frame_equal(a.queues, b.queues)
        pd.testing.assert_frame_equal(a.outcomes, b.outcomes)


def test_a_folder_with_other_files_is_refused_without_force(tmp_path: Path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    assert stress("--seeds", "2", "--out", str(out)) == 2
    assert "--force" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
