"""For whom: outcomes by group of newcomers in every output of the experiments layer.

The summarising functions are checked on hand-made tables whose numbers are worked
out here by hand; one comparison with a posterior runs through the command line
(``compare --by gender,age_group --posterior 4 --seeds 2``, a small world) and its
``by_group.csv`` is checked against a recomputation from its ``newcomers.parquet``.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import for_whom as G
from experiments import summary as S
from experiments.cli import main as cli
from model import POLICIES
from model.outcomes import GROUPINGS

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "n_newcomers=150", "--set", "n_residents=1500", "--set", "n_employers=40",
         "--set", "grid_width=40", "--set", "grid_height=40"]
DRAWS, SEEDS_PER_DRAW, YEARS = 3, 2, 5
REQUIRED = ["policy", "grouping", "group", "metric", "horizon_kind", "horizon", "value", "ci_low", "ci_high",
            "difference", "diff_ci_low", "diff_ci_high", "n_runs", "n_newcomers"]
T2 = stats.t.ppf(0.975, 2)  # Student t, 2 degrees of freedom: three runs, or three draws


def person(**values) -> dict:
    """One row of a newcomer table: an adult permit holder of run (a, 0) at month 12, unless told otherwise."""
    row = {"policy": "a", "seed": 0, "month": 12, "status": "permit", "months_since_permit": 12.0, "age": 30.0,
           "employed": False, "hours_per_week": 0.0, "job_matches_education": False, "volunteering": False,
           "on_welfare": False, "language_score": 0.0, "exam_passed": False, "exempted": False,
           "fined_count": 0, "debt_eur": 0.0, "resident_ties": 1, "wellbeing": 0.5, "gender": "male",
           "education": "low", "age_group": "25-34", "household": "single", "municipality": "city"}
    return {**row, **values}


def cell(table: pd.DataFrame, **where) -> pd.Series:
    """The one row of ``table`` where every column equals its value."""
    rows = table
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, (where, len(rows))
    return rows.iloc[0]


# --- groupings ----------------------------------------------------------------------


def test_a_comma_crosses_groupings_and_a_list_keeps_them_apart():
    assert G.parse_groupings("gender,education") == (("gender", "education"),)
    assert G.parse_groupings(" gender , education ") == (("gender", "education"),)
    assert G.parse_groupings(["gender", "age_group"]) == (("gender",), ("age_group",))
    assert G.parse_groupings(["gender", "gender"]) == (("gender",),)
    assert G.parse_groupings(None) == ()


@pytest.mark.parametrize("by", ["nonsense", "gender,nonsense", ["age_group", "religion"], ""])
def test_an_unknown_grouping_is_refused_naming_the_valid_ones(by):
    with pytest.raises(ValueError) as err:
        G.parse_groupings(by)
    for name in GROUPINGS:
        assert name in str(err.value)


def test_a_crossing_names_its_groups_together_in_their_natural_order():
    table = pd.DataFrame([person(gender=g, education=e, municipality=m) for g, e, m in
                          [("female", "high", "city"), ("male", "low", ""), ("male", "none", "town"),
                           ("female", "low", "city"), ("male", "high", "rural")]])
    labels = G.group_labels(table, ("gender", "education"))
    assert labels.tolist() == ["women, high", "men, low", "men, none", "women, low", "men, high"]
    assert G.group_order(("gender", "education"), labels) == [
        "men, none", "men, low", "men, high", "women, low", "women, high"]
    places = G.group_labels(table, ("municipality",))
    assert places.tolist() == ["city", G.NO_GROUP, "town", "city", "rural"]
    assert G.group_order("municipality", places) == ["city", "rural", "town", G.NO_GROUP]


# --- one run's values per group ----------------------------------------------------


def hand_made_run() -> pd.DataFrame:
    """Three women and men of run (a, 0), seen at months 12, 24 and 30 (the last, not a whole year)."""
    return pd.DataFrame([
        # month 12
        person(id=1, gender="female", employed=True, months_since_permit=6.0),   # 1 year since permit
        person(id=2, gender="female", employed=False, months_since_permit=2.0),  # 0 years
        person(id=3, gender="male", employed=True, months_since_permit=10.0),    # 1 year
        person(id=4, gender="male", status="asylum", months_since_permit=np.nan),  # not a permit holder
        person(id=5, gender="male", age=70.0),                                   # past working age
        # month 24
        person(id=1, month=24, gender="female", employed=True, months_since_permit=18.0),  # 2 years
        person(id=2, month=24, gender="female", employed=True, months_since_permit=14.0),  # 1 year
        person(id=3, month=24, gender="male", employed=False, months_since_permit=22.0),   # 2 years
        # month 30: a calendar horizon (the last snapshot), not read again for years since permit
        person(id=1, month=30, gender="female", employed=True, months_since_permit=24.0),
        person(id=2, month=30, gender="female", employed=False, months_since_permit=20.0),
    ])


def test_one_run_per_group_at_every_calendar_year_and_every_year_since_the_permit():
    runs = G.per_run_by_group(hand_made_run(), "gender", ["share_employed"])
    assert list(runs.columns) == G.PER_RUN_BY_GROUP_COLUMNS
    expected = {  # (kind, horizon, group): (share employed, permit holders), counted by hand above
        ("year", 1.0, "women"): (1 / 2, 2), ("year", 1.0, "men"): (1.0, 1),
        ("year", 2.0, "women"): (1.0, 2), ("year", 2.0, "men"): (0.0, 1),
        ("year", 2.5, "women"): (1 / 2, 2),
        ("years_since_permit", 0.0, "women"): (0.0, 1),
        ("years_since_permit", 1.0, "women"): (1.0, 2), ("years_since_permit", 1.0, "men"): (1.0, 1),
        ("years_since_permit", 2.0, "women"): (1.0, 1), ("years_since_permit", 2.0, "men"): (0.0, 1),
    }
    got = {(r.horizon_kind, r.horizon, r.group): (r.value, r.n_newcomers) for r in runs.itertuples()}
    assert got == expected  # halves and wholes: exact in floating point
    assert set(runs["policy"]) == {"a"} and set(runs["seed"]) == {0} and set(runs["grouping"]) == {"gender"}


def test_calendar_horizons_can_be_restricted_to_the_months_kept():
    runs = G.per_run_by_group(hand_made_run(), "gender", ["share_employed"], year_months=[24])
    assert set(runs.loc[runs["horizon_kind"] == "year", "horizon"]) == {2.0}
    assert set(runs.loc[runs["horizon_kind"] == "years_since_permit", "horizon"]) == {0.0, 1.0, 2.0}


# --- across runs: intervals and paired differences ------------------------------------


def per_run(values: dict[str, list[float]], metric: str = "share_employed", **extra) -> pd.DataFrame:
    """Per-run values of one cell (gender: women, year 5) for each policy, seed 0, 1, 2, ..."""
    rows = [{"policy": p, "seed": s, "grouping": "gender", "group": "women", "metric": metric,
             "horizon_kind": "year", "horizon": 5.0, "value": v, "n_newcomers": 10 * (s + 1)}
            for p, vs in values.items() for s, v in enumerate(vs)]
    return pd.DataFrame(rows).assign(**extra)


def test_across_seeds_the_level_and_the_paired_difference_have_student_t_intervals():
    runs = per_run({"a": [0.4, 0.5, 0.6], "b": [0.5, 0.7, 0.7]})
    runs = runs.sample(frac=1.0, random_state=1)  # pairs are found by seed, not by position
    out = G.summarise_by_group(runs, reference="a")
    assert list(out.columns) == G.BY_GROUP_COLUMNS
    a, b = cell(out, policy="a"), cell(out, policy="b")
    # a: mean 0.5, standard deviation 0.1 over 3 seeds
    assert a["value"] == pytest.approx(0.5)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((0.5 - T2 * 0.1 / 3**0.5, 0.5 + T2 * 0.1 / 3**0.5))
    assert np.isnan(a["difference"]) and np.isnan(a["diff_ci_low"])  # the reference has none
    # b - a seed by seed: 0.1, 0.2, 0.1: mean 0.4 / 3, standard deviation 0.1 / sqrt(3)
    sd = 0.1 / 3**0.5
    assert b["difference"] == pytest.approx(0.4 / 3)
    assert (b["diff_ci_low"], b["diff_ci_high"]) == pytest.approx((0.4 / 3 - T2 * sd / 3**0.5,
                                                                   0.4 / 3 + T2 * sd / 3**0.5))
    assert a["n_runs"] == 3 and a["n_newcomers"] == pytest.approx(20.0)  # (10 + 20 + 30) / 3
    assert a["interval"] == b["interval"] == S.SEEDS_ONLY


def test_with_posterior_draws_the_interval_holds_the_parameters_uncertainty():
    # three draws x two seeds: seeds 0, 1 ran draw 0; seeds 2, 3 draw 1; seeds 4, 5 draw 2
    level = [100.0, 102.0, 110.0, 112.0, 120.0, 122.0]
    effect = [1.0, 3.0, 2.0, 2.0, 5.0, 5.0]
    runs = per_run({"a": level, "b": list(np.add(level, effect))}, metric="mean_debt_eur")
    runs["draw"] = runs["seed"] // 2
    out = G.summarise_by_group(runs, reference="a")
    a, b = cell(out, policy="a"), cell(out, policy="b")
    # by hand: draw means 101, 111, 121; seed variance within each draw 2; between the draw means 100,
    # less what seed noise explains (2 / 2 seeds): 99; variance of the mean over 6 runs: 99 + 2 / 6
    half = T2 * (99 + 2 / 6) ** 0.5
    assert a["value"] == pytest.approx(111.0)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((111.0 - half, 111.0 + half))
    # differences: draws (1, 3), (2, 2), (5, 5): means 2, 2, 5; within 2, 0, 0 -> 2/3;
    # between var(2, 2, 5) = 3, less (2/3) / 2
    within = 2 / 3
    half = T2 * (3 - within / 2 + within / 6) ** 0.5
    assert b["difference"] == pytest.approx(3.0)
    assert (b["diff_ci_low"], b["diff_ci_high"]) == pytest.approx((3.0 - half, 3.0 + half))
    assert b["interval"] == S.SEEDS_AND_PARAMETERS and b["n_runs"] == 6
    # seeds alone would have been far narrower: the parameters dominate
    assert b["diff_ci_high"] - b["diff_ci_low"] > 3 * (2 * stats.t.ppf(0.975, 5) * np.std(effect, ddof=1) / 6**0.5)


def test_by_group_summarises_any_newcomer_table_with_its_reference():
    people = []
    for policy, employed in (("a", [[True, False], [False, False]]), ("b", [[True, True], [True, False]])):
        for seed, (woman, man) in enumerate(employed):
            people += [person(policy=policy, seed=seed, month=60, gender="female", employed=woman),
                       person(policy=policy, seed=seed, month=60, gender="male", employed=man)]
    out = G.by_group(pd.DataFrame(people), "gender", "share_employed", reference="a")
    women = cell(out, policy="b", group="women", horizon_kind="year")
    # a: women 1, 0 -> 0.5; b: women 1, 1 -> 1.0; paired: 0, 1 -> 0.5
    assert women["value"] == pytest.approx(1.0) and women["difference"] == pytest.approx(0.5)
    half = stats.t.ppf(0.975, 1) * np.std([0.0, 1.0], ddof=1) / 2**0.5
    assert (women["diff_ci_low"], women["diff_ci_high"]) == pytest.approx((0.5 - half, 0.5 + half))
    assert out["group"].tolist()[:2] == ["men", "men"]  # natural order: men, then women
    with pytest.raises(ValueError, match="reference policy 'zz'"):
        G.by_group(pd.DataFrame(people), "gender", "share_employed", reference="zz")


def test_the_most_helped_group_is_found_in_the_better_direction_among_groups_large_enough():
    rows = []
    for group, n, employed, isolated in (("men", 40, 0.10, -0.05), ("women", 30, 0.02, -0.15),
                                         ("tiny", 2, 0.90, -0.90)):
        for metric, diff in (("share_employed", employed), ("share_isolated", isolated)):
            rows.append({"policy": "b", "grouping": "gender", "group": group, "metric": metric,
                         "horizon_kind": "year", "horizon": 5.0, "value": 0.5, "difference": diff,
                         "diff_ci_low": diff - 0.01, "diff_ci_high": diff + 0.01, "n_newcomers": n})
    rows += [{**row, "policy": "c", "n_newcomers": 40 if row["group"] == "men" else 3} for row in rows]
    helped = G.most_and_least_helped(pd.DataFrame(rows), "year", 5.0, ["share_employed", "share_isolated"])
    assert set(helped["policy"]) == {"b"}  # under c only men are enough people: nobody to compare them with
    employed = cell(helped, metric="share_employed")
    isolated = cell(helped, metric="share_isolated")
    assert (employed["most_group"], employed["least_group"]) == ("men", "women")
    assert (isolated["most_group"], isolated["least_group"]) == ("women", "men")  # less isolation is better
    assert employed["most_difference"] == pytest.approx(0.10)


def test_a_gap_between_groups_and_its_change_are_taken_run_by_run():
    runs = pd.concat([per_run({"a": [0.3, 0.2, 0.4], "b": [0.5, 0.3, 0.5]}),
                      per_run({"a": [0.6, 0.5, 0.7], "b": [0.6, 0.6, 0.7]}).assign(group="men")])
    summary = G.summarise_by_group(runs, reference="a")
    gaps = G.group_gaps(runs, summary, "a", ["share_employed"], "year", 5.0, min_newcomers=1)
    a, b = cell(gaps, policy="a"), cell(gaps, policy="b")
    assert (a["high_group"], a["low_group"]) == ("men", "women")
    assert a["value"] == pytest.approx(0.3) and a["ci_low"] == pytest.approx(0.3)  # 0.3 in every run
    # b's gaps 0.1, 0.3, 0.2 against a's 0.3, 0.3, 0.3: changes -0.2, 0, -0.1
    half = T2 * 0.1 / 3**0.5
    assert b["difference"] == pytest.approx(-0.1)
    assert (b["diff_ci_low"], b["diff_ci_high"]) == pytest.approx((-0.1 - half, -0.1 + half))


# --- the command line, end to end ---------------------------------------------------


def nieuwkomers(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=900)


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    """Every policy on 3 posterior draws x 2 seeds, 5 years, small world, by gender x age group."""
    out = tmp_path_factory.mktemp("for-whom") / "out"
    done = nieuwkomers("compare", "--by", "gender,age_group", "--posterior", str(DRAWS), "--seeds",
                       str(SEEDS_PER_DRAW), "--years", str(YEARS), "--workers", "2", *SMALL, "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_compare_writes_by_group_csv_with_every_policy_group_metric_and_horizon(compared: Path):
    table = pd.read_csv(compared / "by_group.csv")
    assert set(REQUIRED) <= set(table.columns)
    assert set(table["policy"]) == set(POLICIES)
    assert set(table["grouping"]) == {"gender", "gender,age_group"}  # gender always, and the crossing asked for
    assert {"men", "women", "women, 25-34", "men, 45+"} <= set(table["group"])
    assert set(table["metric"]) == set(S.NEWCOMER_MEASURES) and "share_exempted" in set(table["metric"])
    years = table[table["horizon_kind"] == "year"]
    assert set(years["horizon"]) == set(range(1, YEARS + 1))  # every calendar year of the run
    since = table[table["horizon_kind"] == "years_since_permit"]
    assert {0, 1, 2, 3, 4} <= set(since["horizon"])
    assert not table.duplicated(["policy", "grouping", "group", "metric", "horizon_kind", "horizon"]).any()


def test_the_reference_has_no_difference_and_every_interval_contains_its_mean(compared: Path):
    table = pd.read_csv(compared / "by_group.csv")
    reference = table[table["policy"] == "baseline_2013"]
    assert reference[["difference", "diff_ci_low", "diff_ci_high"]].isna().all().all()
    others = table[table["policy"] != "baseline_2013"]
    assert others["difference"].notna().mean() > 0.95
    levels = table.dropna(subset=["ci_low"])
    assert len(levels) > 0.9 * len(table)
    assert (levels["ci_low"] <= levels["value"] + 1e-12).all() and (levels["value"] <= levels["ci_high"] + 1e-12).all()
    diffs = others.dropna(subset=["diff_ci_low"])
    assert ((diffs["diff_ci_low"] <= diffs["difference"] + 1e-12)
            & (diffs["difference"] <= diffs["diff_ci_high"] + 1e-12)).all()
    shares = table[table["metric"].str.startswith("share_")]
    assert shares["ci_low"].min() >= 0 and shares["ci_high"].max() <= 1
    assert set(table["interval"]) == {S.SEEDS_AND_PARAMETERS}  # a posterior: seeds and parameters


def seeds_and_parameters(values: pd.Series) -> tuple[float, float, float]:
    """Mean and 95% interval from seeds and parameters, written out (docs of experiments/uncertainty.py)."""
    draws = values.groupby(values.index // SEEDS_PER_DRAW)
    within = draws.var().mean()
    between = max(0.0, draws.mean().var() - within / SEEDS_PER_DRAW)
    half = stats.t.ppf(0.975, DRAWS - 1) * np.sqrt(between + within / len(values))
    mean = draws.mean().mean()
    return mean, mean - half, mean + half


def test_by_group_equals_a_recomputation_from_the_newcomer_snapshots(compared: Path):
    table = pd.read_csv(compared / "by_group.csv")
    newcomers = pd.read_parquet(compared / "newcomers.parquet")
    adults = newcomers[(newcomers["status"] == "permit") & (newcomers["age"] >= 18) & (newcomers["age"] < 65)]
    women = adults[adults["gender"] == "female"]
    for kind, horizon, rows in [
        ("year", YEARS, women[women["month"] == 12 * YEARS]),
        ("years_since_permit", 3, women[np.floor(women["months_since_permit"] / 12 + 0.5) == 3]),
    ]:
        employed = rows.groupby(["policy", "seed"])["employed"].mean()
        base = employed.loc["baseline_2013"]
        mean, low, high = seeds_and_parameters(base)
        row = cell(table, policy="baseline_2013", grouping="gender", group="women", metric="share_employed",
                   horizon_kind=kind, horizon=horizon)
        assert row["value"] == pytest.approx(mean)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((max(low, 0.0), min(high, 1.0)))
        assert row["n_runs"] == DRAWS * SEEDS_PER_DRAW
        assert row["n_newcomers"] == pytest.approx(rows[rows["policy"] == "baseline_2013"].groupby("seed").size().mean())
        effect = employed.loc["all_proposals"] - base  # paired by seed (and so by draw)
        mean, low, high = seeds_and_parameters(effect)
        row = cell(table, policy="all_proposals", grouping="gender", group="women", metric="share_employed",
                   horizon_kind=kind, horizon=horizon)
        assert (row["difference"], row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((mean, low, high))


def test_the_report_says_for_whom_with_intervals_and_figures(compared: Path):
    report = (compared / "summary.md").read_text(encoding="utf-8")
    section = report.split("## For whom", 1)[1].split("\n## ", 1)[0]
    assert "### By gender\n" in section and "### By gender × age on arrival" in section
    assert "helps most" in section and "helps least" in section
    assert "seeds and parameters" in section
    assert "of women" in section and "of men" in section  # the gap, in words
    assert "figures/by_group_gender-age_group.png" in section
    for name in ("by_group_gender.png", "by_group_gender-age_group.png"):
        assert (compared / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    gaps = pd.read_csv(compared / "by_group_gaps.csv")
    assert set(gaps["grouping"]) == {"gender", "gender,age_group"}
    assert json.loads((compared / "compare.json").read_text())["by"] == ["gender", "gender,age_group"]


# --- bad groupings: one line, exit 2, nothing written ---------------------------------


@pytest.mark.parametrize("command", [
    ["compare", "--by", "nonsense"],
    ["compare", "--by", "gender,nonsense"],
    ["run", "--policy", "baseline_2013", "--by", "nonsense"],
    ["stress", "--by", "nonsense"],
])
def test_an_unknown_grouping_exits_2_with_one_line_naming_the_groupings(tmp_path: Path, command):
    out = tmp_path / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli([*command, *SMALL, "--out", str(out)])
    message = err.getvalue()
    assert code == 2
    assert len(message.strip().splitlines()) == 1, message
    assert "unknown grouping 'nonsense'" in message
    assert all(name in message for name in GROUPINGS)
    assert not out.exists() and list(tmp_path.iterdir()) == []
