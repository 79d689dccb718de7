"""`nieuwkomers design` (issue 22): packages screened over the posterior, the front re-evaluated on fresh runs.

Every design here runs on a tiny world for two years (a tenth of a second a run).
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main as cli
from experiments.compare import compare
from experiments.design import design, horizon
from experiments.designing import discovery as D
from experiments.designing import evaluate as E
from experiments.designing import front as F
from experiments.designing.space import parse_levers, preset_packages, sample_packages
from experiments.errors import UsageError
from model import POLICIES, IntegrationModel
from model.parameters import PARAMS, SEARCHABLE

TINY = {"n_newcomers": 40, "n_residents": 300, "n_employers": 10, "grid_width": 20, "grid_height": 20}
YEARS = 2
OBJECTIVES = ["share_employed@2", "share_a2_plus@2"]
EARLY_SURGE = {"surge_start_month": 1, "surge_months": 6}  # a surge that fits a one-year design
SETTINGS = dict(objectives=OBJECTIVES, samples=3, draws=2, seeds=2, final_draws=2, final_seeds=2, finalists=4,
                years=YEARS, params=TINY)


@pytest.fixture(scope="module")
def result():
    """A small design, run in this process."""
    return design(workers=1, **SETTINGS)


def cli_capture(argv: list[str]) -> tuple[int, str]:
    """Run the command line in this process; (exit code, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli(argv)
        except SystemExit as exit_:
            code = exit_.code
    return code, err.getvalue()


# --- the search space ---------------------------------------------------------------------


def test_every_lever_is_searchable_and_every_preset_is_a_point_of_the_grid():
    assert {n for n, p in PARAMS.items() if p.lever} <= set(SEARCHABLE)
    for package in preset_packages():
        for name, value in package.levers:
            assert value in PARAMS[name].search.values(PARAMS[name])
        assert package.difference() == {k: v for k, v in POLICIES[package.name].items() if PARAMS[k].default != v}


def test_the_sample_is_distinct_reproducible_and_spreads_every_lever():
    space = parse_levers(None)
    one, two = sample_packages(space, 40, 7, preset_packages()), sample_packages(space, 40, 7, preset_packages())
    assert one == two and len({p.levers for p in one}) == 40
    assert not {p.levers for p in one} & {p.levers for p in preset_packages()}
    starts = {p.values()["startpunten_per_municipality"] for p in one}
    assert starts == {0, 1, 2, 3, 4}  # a Latin hypercube hits every value of a five-value lever in 40 draws


def test_levers_can_be_fixed_narrowed_or_left_out():
    space = parse_levers(["personal_plan", "fine_eur=0", "startpunten_per_municipality=1:3"])
    assert space == {"personal_plan": (False, True), "fine_eur": (0.0,), "startpunten_per_municipality": (1, 2, 3)}
    packages = sample_packages(space, 10, 0)
    assert len(packages) == 6  # 2 x 3 distinct packages, no more
    assert all(p.values()["fine_eur"] == 0.0 and p.values()["employer_subsidy"] == 0.0 for p in packages)


# --- dominance with a tolerance ----------------------------------------------------------------


def test_a_difference_within_twice_the_monte_carlo_error_is_a_tie():
    noise = np.random.default_rng(0).normal(0, 0.02, size=(8, 1))
    wobble = np.array([[0.01], [-0.006]] * 4)  # +0.2 pp on average, with a standard error of 0.3 pp
    scores = np.stack([noise, noise + wobble, noise + 0.05])
    cost = np.full((3, 8), 100.0)
    assert not F.dominates(scores, cost, 1, 0) and not F.dominates(scores, cost, 0, 1)  # a tie
    assert F.dominates(scores, cost, 2, 0) and F.dominates(scores, cost, 2, 1)
    assert list(F.front_ranks(scores, cost, None)) == [2, 2, 1]
    cheaper = cost.copy()
    cheaper[0] -= 50
    assert list(F.front_ranks(scores, cheaper, None)) == [1, 2, 1]  # cheaper is a reason to stay on the front
    assert list(F.front_ranks(scores, cheaper, budget=75)) == [1, 0, 0]  # over the budget: not ranked


# --- a design ----------------------------------------------------------------------------------


def test_presets_have_the_numbers_compare_posterior_gives_them(result):
    policies = ["baseline_2013", "two_track", "reduced_fines"]
    comparison = compare(policies, seeds=2, years=YEARS, params=TINY, posterior=2, workers=1)
    effects = comparison.uncertainty[comparison.uncertainty["month"] == 12 * YEARS].set_index(["policy", "metric"])
    screen = result.table[result.table["stage"] == "screen"].set_index(["package", "measure"])
    for policy in policies[1:]:
        for objective in OBJECTIVES:
            metric = objective.split("@")[0]
            ours = screen.loc[(policy, objective)]
            assert ours["mean"] == pytest.approx(effects.loc[(policy, metric), "mean"], abs=1e-12)
            assert ours["ci_low"] == pytest.approx(effects.loc[(policy, metric), "ci_low"], abs=1e-12)
            assert ours["p_beats"] == pytest.approx(effects.loc[(policy, metric), "p_beats"], abs=1e-12)


def test_the_front_is_judged_on_fresh_draws_and_seeds(result):
    screen, fresh = result.stages
    assert not set(screen.seeds) & set(fresh.seeds)
    assert [d for d in screen.draws] != [d for d in fresh.draws]
    assert result.pareto["on_front"].any()
    # the reported numbers are those of fresh runs: rerun one finalist on the fresh stage by hand
    name = result.pareto.loc[result.pareto["on_front"], "package"].iloc[0]
    package = next(p for p in result.packages if p.name == name)
    base = result.packages[0]
    effects = []
    for k, seed in fresh.runs():
        runs = [E.run_package({**fresh.draws[k], **TINY, **p.values()}, seed, YEARS, (12 * YEARS,))
                for p in (package, base)]
        effects.append((k, runs[0]["share_employed"].iloc[0] - runs[1]["share_employed"].iloc[0]))
    by_draw = pd.DataFrame(effects, columns=["draw", "effect"]).groupby("draw")["effect"].mean()
    assert result.pareto.set_index("package").loc[name, "share_employed@2 mean"] == pytest.approx(by_draw.mean())


def test_packages_table_holds_every_package_in_the_screen_and_the_finalists_again(result):
    table = result.table
    assert set(table.loc[table["stage"] == "screen", "package"]) == {p.name for p in result.packages}
    again = set(table.loc[table["stage"] == "re-evaluation", "package"])
    assert set(result.pareto["package"]) <= again and "baseline_2013" in again
    assert set(table["measure"]) == {*OBJECTIVES, "net_cost"}
    assert (table.loc[table["measure"] == "net_cost", "mean"] > 0).all()
    assert ((table["p_better"].dropna() >= 0) & (table["p_better"].dropna() <= 1)).all()


def test_a_reference_other_than_the_baseline_shifts_every_effect_by_its_own(result):
    from experiments.designing.report import summary_markdown

    ref = "wet_inburgering_2021"
    other = design(workers=1, reference=ref, **{**SETTINGS, "samples": 0, "finalists": 2, "inflow": "steady"})
    assert other.reference == ref and other.packages == result.packages[:len(other.packages)]
    base = result.table[result.table["stage"] == "screen"].set_index(["package", "measure"])["mean"]
    ours = other.table[other.table["stage"] == "screen"].set_index(["package", "measure"])["mean"]
    for package in ("baseline_2013", "two_track", ref):
        for objective in OBJECTIVES:  # paired on the same runs: the differences subtract exactly
            assert ours[(package, objective)] == pytest.approx(
                base[(package, objective)] - base[(ref, objective)], abs=1e-12)
        assert ours[(package, "net_cost")] == pytest.approx(base[(package, "net_cost")])  # cost is not a difference
    again = set(other.table.loc[other.table["stage"] == "re-evaluation", "package"])
    assert ref in again  # the fresh runs pair with the reference too
    summary = summary_markdown(other, [])
    assert f"difference from {ref} on the same posterior draw" in summary and "baseline_2013 on the same" not in summary


def test_serial_process_pool_and_dask_give_identical_tables(dask_cluster):
    """One small design in this process, on a pool of two workers and on a real Dask cluster (the surge too)."""
    settings = {**SETTINGS, "years": 1, "objectives": ["share_a2_plus@1"], "samples": 1, "finalists": 2,
                "params": {**TINY, **EARLY_SURGE}}
    serial = design(workers=1, **settings)
    for backend in ({"workers": 2}, {"scheduler": dask_cluster}):
        again = design(**backend, **settings)
        pd.testing.assert_frame_equal(again.table, serial.table)
        pd.testing.assert_frame_equal(again.pareto, serial.pareto)
        pd.testing.assert_frame_equal(again.prim, serial.prim)
        pd.testing.assert_frame_equal(again.inflow, serial.inflow)
    assert set(serial.inflow["inflow"]) == {"steady", "surge"}


def test_the_command_writes_every_file_and_a_report_in_plain_words(tmp_path: Path):
    out = tmp_path / "out"
    args = ["design", "--years", "1", "--draws", "2", "--seeds", "2", "--samples", "1", "--final-draws", "2",
            "--final-seeds", "2", "--workers", "1", "--objectives", "share_employed@1", "--out", str(out)]
    args += [f"--set={k}={v}" for k, v in EARLY_SURGE.items()]
    code, stderr = cli_capture([*args, *(f"--set={k}={v}" for k, v in TINY.items())])
    assert code == 0, stderr
    assert {"packages.csv", "pareto.csv", "prim.csv", "inflow.csv", "summary.md", "design.json"} <= {
        p.name for p in out.iterdir()}
    assert {p.name for p in (out / "figures").iterdir()} == {"cost_vs_effect.png", "front_parallel.png"}
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "per newcomer" in summary and "fresh" in summary and "## Under a surge" in summary
    assert json.loads((out / "design.json").read_text())["command"] == "design"
    readme = tmp_path / "README.md"  # a copy of the project's README: the block is written there, not in ours
    readme.write_text((ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    code, stderr = cli_capture([*args, "--readme", str(readme), *(f"--set={k}={v}" for k, v in TINY.items())])
    assert code == 0, stderr  # its own earlier output is replaced
    text = readme.read_text(encoding="utf-8")
    block = text.split("<!-- design:start -->\n", 1)[1].split("<!-- design:end -->", 1)[0]
    assert block.startswith("## Which package, for what money") and "Not generated yet" not in block
    assert "per newcomer" in block and "fresh" in block and "](docs/img/design_front.png)" in block
    assert "Under a surge: the front and baseline_2013 ran again" in block
    assert "Generated, not typed: `nieuwkomers design --objectives share_employed@1 --samples 1 --draws 2 --seeds 2" in block
    assert f"--out {out} --readme README.md`" in block
    assert (tmp_path / "docs" / "img" / "design_front.png").stat().st_size > 0
    assert text.replace(block, "") == (ROOT / "README.md").read_text(encoding="utf-8").replace(
        (ROOT / "README.md").read_text(encoding="utf-8").split("<!-- design:start -->\n", 1)[1].split(
            "<!-- design:end -->", 1)[0], "")  # nothing else changed


def test_readme_without_the_design_block_exits_2_before_running(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text("# no block here\n")
    code, stderr = cli_capture(["design", "--readme", str(readme), "--out", str(tmp_path / "out")])
    assert code == 2 and "has no <!-- design:start --> ... <!-- design:end --> block" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("args, says", [
    (["--objectives", "share_employd"], "unknown objective 'share_employd'; did you mean share_employed"),
    (["--objectives", "share_employed,share_a2_plus,share_isolated,share_b1_plus,mean_wellbeing"], "at most 4"),
    (["--years", "10", "--objectives", "share_employed@30"], "outside the horizon"),
    (["--objectives", "share_employed@60"], "year 60 is outside the horizon (0, 50]"),
    (["--levers", "personal_plam"], "not a searchable lever; did you mean personal_plan"),
    (["--levers", "fine_eur=0:9000"], "fine_eur"),
    (["--set", "personal_plan=true"], "--levers personal_plan=VALUE"),
    (["--budget", "-5"], "--budget"),
    (["--draws", "1"], "--draws"),
    (["--reference", "baseline"], "--reference 'baseline' is not a policy; choose one of: baseline_2013"),
    (["--objectives", "share_employed@1"], "the surge (months 13 to 24) does not fit in the run's 12 months"),
    (["--set", "surge_factor=1"], "surge_factor 1 is the steady inflow"),
    (["--objectives", "share_employed@1", "--years", "5", "--set", "surge_months=18"], "still arriving"),
    (["--objectives", "residents_placed"], "not measured per newcomer"),
    (["--inflow", "sometimes"], "--inflow"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, args, says):
    out = tmp_path / "out"
    code, stderr = cli_capture(["design", *args, "--out", str(out)])
    assert code == 2
    assert says in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_budget_below_every_package_names_the_cheapest_and_writes_nothing(tmp_path: Path):
    out = tmp_path / "out"
    code, stderr = cli_capture(["design", "--budget", "1", "--years", "1", "--inflow", "steady", "--draws", "2",
                                "--seeds", "2", "--samples", "0", "--workers", "1", "--out", str(out),
                                *(f"--set={k}={v}" for k, v in TINY.items())])
    assert code == 2
    last = stderr.strip().splitlines()[-1]  # after the screen's progress bar
    assert "--budget 1 is below every package's net public cost per newcomer; the cheapest is" in last
    assert "Traceback" not in stderr
    assert not out.exists()


def test_the_cost_is_counted_to_the_latest_objective_unless_years_is_given():
    assert horizon(None, None) == 5.0  # the default objectives are at year 5
    assert horizon(["share_employed@3", "share_isolated@7"], None) == 7.0
    assert horizon(["share_employed@3"], 10.0) == 10.0
    with pytest.raises(UsageError, match="unknown objective"):
        horizon(["share_employd@3"], None)


def test_a_design_without_years_runs_to_its_objective_and_says_so(tmp_path: Path):
    result = design(objectives=["share_employed@1"], draws=2, seeds=2, samples=0, final_draws=2, final_seeds=2,
                    finalists=2, params=TINY, workers=1, inflow="steady")
    assert result.years == 1.0


def test_the_api_refuses_a_searched_lever_in_params():
    with pytest.raises(UsageError, match="--levers fine_eur"):
        design(params={"fine_eur": 0.0})


# --- search mode (NSGA-II, optuna) -------------------------------------------------------------------

NIEUWKOMERS = [sys.executable, "-c", "import sys; from experiments.cli import main; sys.exit(main())"]
ROOT = Path(__file__).resolve().parents[1]


def complete_trials(journal: Path) -> dict[int, tuple]:
    """Number -> (params, values, evaluated) of every complete trial in a search's journal."""
    import optuna  # a dependency: missing, it fails here rather than skip

    from experiments.designing.search import journal_storage

    study = optuna.load_study(study_name="design", storage=journal_storage(journal))
    return {t.number: (t.params, t.values, t.user_attrs["evaluated"], t.user_attrs.get("preset"))
            for t in study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))}


def test_search_starts_from_the_presets_with_the_screens_numbers(result, tmp_path: Path):
    searched = design(workers=1, mode="search", trials=8, population=4, journal=tmp_path / "j.log", inflow="steady",
                      **SETTINGS)
    trials = complete_trials(tmp_path / "j.log")
    assert [trials[i][3] for i in range(len(POLICIES))] == list(POLICIES)  # the presets are the first trials
    ours = searched.table[searched.table["stage"] == "search"].set_index(["package", "measure"])["mean"]
    screen = result.table[result.table["stage"] == "screen"].set_index(["package", "measure"])["mean"]
    for name in ("two_track", "wet_inburgering_2021"):
        for objective in OBJECTIVES:
            assert ours[(name, objective)] == pytest.approx(screen[(name, objective)], abs=1e-12)
    assert set(searched.pareto["package"]) <= set(searched.table.loc[searched.table["stage"] == "re-evaluation",
                                                                      "package"])


def test_search_resumed_after_sigkill_loses_no_evaluation_and_repeats_none(tmp_path: Path):
    out = tmp_path / "out"
    args = ["design", "--mode", "search", "--inflow", "steady", "--trials", "20", "--population", "4", "--years", "1",
            "--draws", "2", "--seeds", "2", "--final-draws", "2", "--final-seeds", "2", "--workers", "1",
            "--objectives", "share_employed@1", "--out", str(out), *(f"--set={k}={v}" for k, v in TINY.items())]
    process = subprocess.Popen([*NIEUWKOMERS, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / "search-journal.log"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if journal.exists() and len(complete_trials(journal)) >= 8:
                break
            time.sleep(0.2)
    finally:
        process.kill()  # SIGKILL: no clean-up of any kind
        process.wait()
    before = complete_trials(journal)
    assert 8 <= len(before) < 20, "the search finished before it could be killed"
    code, stderr = cli_capture([*args, "--resume"])
    assert code == 0, stderr
    after = complete_trials(journal)
    assert {n: after[n] for n in before} == before  # nothing finished was lost or changed
    assert len(after) == 20
    run = [json.dumps(params, sort_keys=True) for params, _, evaluated, _ in after.values() if evaluated]
    assert len(run) == len(set(run))  # no package was run twice
    assert (out / "pareto.csv").exists() and (out / "summary.md").exists()


# --- when does the choice fail (PRIM) ---------------------------------------------------------------


def test_prim_finds_a_planted_region_of_failure():
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"hire_rate": rng.uniform(0.2, 0.45, 300), "tie_upkeep": rng.uniform(0.03, 0.25, 300)})
    fails = (x["hire_rate"] < 0.27).to_numpy(float)
    box = D.choose(D.peel(x, fails))
    assert box["density"] == 1.0 and box["coverage"] >= D.MIN_COVERAGE
    low, high = box["limits"]["hire_rate"]
    assert high < 0.28 and low == x["hire_rate"].min()


def test_prim_finds_that_a_package_fails_only_under_the_surge_and_says_so():
    from experiments.designing.inflow import scenario_table
    from experiments.designing.space import Objective

    rng = np.random.default_rng(2)
    draws = tuple({"hire_rate": h, "tie_upkeep": t} for h, t in zip(rng.uniform(0.2, 0.45, 40),
                                                                 rng.uniform(0.03, 0.25, 40), strict=True))
    scenarios = scenario_table(draws, [1.0, 3.0])  # 40 draws steady, the same 40 under a surge of three
    hire = scenarios["hire_rate"].to_numpy()
    fails = (scenarios["inflow"].to_numpy() > 1) & (hire < 0.3)
    prim = D.discover(scenarios, {"p001": np.where(fails, -0.02, 0.05)}, Objective("share_employed", 5))
    limits = prim.set_index("parameter")
    assert limits.loc["inflow", "low"] == limits.loc["inflow", "high"] == 3.0  # the box keeps the surge only
    assert limits.loc["hire_rate", "high"] < 0.3 and limits.loc["hire_rate", "density"] == 1.0
    assert prim["failures_steady"].iloc[0] == 0 and prim["failures_surge"].iloc[0] == fails.sum()
    line = D.sentences(prim)[0]
    assert f"fails to beat the baseline in {fails.sum()} of 80 scenarios (0 of 40 draws steady" in line
    assert "mostly under the surge where `hire_rate` in [" in line
    alone = D.discover(scenario_table(draws, [3.0]), {"p001": np.where(fails, -0.02, 0.05)[40:]},
                       Objective("share_employed", 5))  # --inflow surge: one inflow, nothing to peel
    assert "inflow" not in set(alone["parameter"]) and np.isnan(alone["failures_steady"].iloc[0])
    assert f"in {fails.sum()} of 40 draws under the surge, mostly where `hire_rate`" in D.sentences(alone)[0]


def test_the_surge_runs_a_surge_and_reads_the_same_cohort_under_both_inflows(result):
    from experiments.designing.inflow import inflow_settings

    surge = result.surge
    assert surge.inflows == ("steady", "surge") and surge.cohort == (13, 24)
    assert surge.persons_per_newcomer * TINY["n_newcomers"] == pytest.approx(25_000)  # 25,000 persons a year
    arrived = {}
    for inflow in surge.inflows:
        model = IntegrationModel(rng=3, **surge.run_params(inflow))
        model.run_for(24)
        months = model.nc.arrival_month
        arrived[inflow] = np.count_nonzero((months >= 13) & (months <= 24) & ~model.nc.nareiziger)
    assert arrived["surge"] == 3 * arrived["steady"] == 3 * TINY["n_newcomers"]
    table = result.inflow.set_index(["inflow", "package", "objective"])["mean"]
    front = set(result.prim["package"])
    assert front and set(result.inflow["package"]) == front | {"baseline_2013"}
    assert any(table[("steady", p, o)] != table[("surge", p, o)] for p in front for o in OBJECTIVES)
    assert inflow_settings("steady", TINY, result.objectives, YEARS) is None


def test_every_front_package_gets_its_region_of_failure(result):
    front = set(result.pareto.loc[result.pareto["on_front"], "package"]) - {"baseline_2013"}
    assert set(result.prim["package"]) == front
    assert (result.prim["draws"] == SETTINGS["final_draws"]).all()
    calibrated = {n for n, p in PARAMS.items() if p.calibrated}
    assert set(result.prim["parameter"]) - {""} <= calibrated | {"inflow"}


# --- make bench -----------------------------------------------------------------------------------


def test_make_bench_reports_evaluations_per_minute_of_design(result, tmp_path: Path, capsys, monkeypatch):
    """bench_design.py's arithmetic on this module's design (the real command runs in `make bench` only)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_design

    from experiments.design import write_design

    out = tmp_path / "out"

    def fake_design(argv, **kwargs):  # the design this module ran, written where the command would write it
        assert argv[argv.index("--out") + 1] == str(out) and "design" in argv
        out.mkdir()
        write_design(result, out, 1.0)
        return subprocess.CompletedProcess(argv, 0, "", "")

    import timed_command

    monkeypatch.setattr(timed_command.subprocess, "run", fake_design)
    assert bench_design.main(["--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "packages per minute" in said and "runs per minute" in said and "default screen" in said
    pace = bench_design.pace(out)
    screen, fresh = result.stages
    again = result.table.loc[result.table["stage"] == "re-evaluation", "package"].nunique()
    assert pace["runs"] == len(result.packages) * len(screen.runs()) + again * len(fresh.runs())
    runs_seconds = sum(v for k, v in result.seconds.items() if k != "inflow")  # the surge's runs are timed apart
    assert pace["runs_per_minute"] == pytest.approx(60 * pace["runs"] / runs_seconds, rel=1e-3)
    assert pace["inflow_runs"] == result.inflow["package"].nunique() * len(fresh.runs()) * 2
    assert pace["inflow_seconds"] == pytest.approx(result.seconds["inflow"], abs=1e-3)
    assert bench_design.default_runs() == (8 + 32) * 8 * 3 + 11 * 16 * 3
