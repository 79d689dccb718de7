"""`nieuwkomers compare`: files, columns, honest intervals, common random numbers, bad input.

One small comparison (every policy, 3 seeds, 2 years, a small world) is run
through the command line once per session and checked from many sides.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import for_whom as G
from experiments import summary as S
from experiments.cli import main as cli
from experiments.compare import (
    POPULATION_COLUMNS,
    README_END,
    README_START,
    compare,
    format_ci,
    population_fingerprint,
)
from experiments.runner import run_simulation
from experiments.store import OUTPUT_MARKER, file_record, write_mark
from model import METRICS, NEWCOMER_TABLE_COLUMNS, POLICIES

SMALL = ["--set", "n_newcomers=150", "--set", "n_residents=1500", "--set", "n_employers=40"]
N_NEWCOMERS = 150
SEEDS, YEARS = 3, 2
SUMMARY_COLUMNS = ["policy", "metric", "year", "mean", "ci_low", "ci_high", "n_seeds"]
ROOT = Path(__file__).resolve().parents[1]
NIEUWKOMERS = [sys.executable, "-c", "import sys; from experiments.cli import main; sys.exit(main())"]


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``nieuwkomers`` in a fresh process; (exit code, stdout, stderr)."""
    done = subprocess.run([*NIEUWKOMERS, *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A comparison of every policy at small size, with --by education and a README to rewrite."""
    out = tmp_path_factory.mktemp("compare") / "out"
    readme = out.parent / "README.md"
    readme.write_text(f"# x\n\nbefore\n{README_START}\nSTALE-TABLE\n{README_END}\nafter\n", encoding="utf-8")
    code, stdout, stderr = run_cli("compare", "--seeds", str(SEEDS), "--years", str(YEARS), "--workers", "2",
                                   "--by", "education", "--readme", str(readme), *SMALL, "--out", str(out))
    assert code == 0, stderr
    (out.parent / "stdout.txt").write_text(stdout, encoding="utf-8")
    return out


def cli_capture(argv: list[str]) -> tuple[int, str]:
    """Run the command line in this process; (exit code, stderr). A traceback would fail the test."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli(argv)
        except SystemExit as exit_:  # argparse's own errors
            code = exit_.code
    return code, err.getvalue()


def t_interval(values: np.ndarray) -> tuple[float, float, float]:
    values = values[~np.isnan(values)]
    mean = values.mean()
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return mean, mean - half, mean + half


def employed_by_years_since_permit(newcomers: pd.DataFrame, reference: str = "baseline_2013") -> pd.DataFrame:
    """Share employed among permit holders aged 18-64 by policy and whole years since the permit, from the raw rows.

    Each run's share, then the mean across seeds with its Student-t interval (clipped to 0-1), and the
    mean paired difference from ``reference``: written out here, not with the summary functions it checks.
    """
    adults = newcomers[(newcomers["status"] == "permit") & (newcomers["age"] >= 18) & (newcomers["age"] < 65)]
    years = np.floor(adults["months_since_permit"].to_numpy() / 12 + 0.5).astype(int)
    share = (adults.assign(years_since_permit=years).groupby(["policy", "years_since_permit", "seed"])["employed"]
             .mean().unstack("seed"))
    rows = []
    for (policy, year), per_seed in share.iterrows():
        values = per_seed.dropna().to_numpy(dtype=float)
        mean, low, high = t_interval(values) if values.size > 1 else (values.mean(), np.nan, np.nan)
        diff = (per_seed - share.loc[(reference, year)]).dropna().to_numpy(dtype=float)
        rows.append({"policy": policy, "years_since_permit": year, "mean": mean, "ci_low": max(low, 0.0),
                     "ci_high": min(high, 1.0), "n_seeds": values.size,
                     "diff_mean": diff.mean() if policy != reference else np.nan})
    return pd.DataFrame(rows).set_index(["policy", "years_since_permit"])


def md_table(report: str, heading: str) -> dict[str, list[str]]:
    """The first table under ``### heading`` in a report: policy -> cells."""
    section = report.split(f"### {heading}\n", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {row.split("|")[1].strip().strip("`"): [c.strip() for c in row.strip("|").split("|")[1:]]
            for row in rows}


# --- what is written -------------------------------------------------------------


def test_compare_writes_tables_report_and_figures(small: Path):
    names = {p.name for p in small.iterdir()}
    assert {"model.parquet", "newcomers.parquet", "summary.csv", "summary.md", "differences.csv",
            "by_years_since_permit.csv", "by_group.csv", "by_group_gaps.csv", "compare.json", "figures"} <= names
    assert not [n for n in names if n.startswith(".") and n != OUTPUT_MARKER], "the staging folder is left behind"
    figures = {p.name for p in (small / "figures").iterdir()}
    assert {"overview.png", "by_years_since_permit.png", "cost_vs_employment.png", "by_group_gender.png",
            "by_group_education.png",
            "over_time_share_employed.png", "over_time_public_cost_per_newcomer_eur.png"} <= figures
    for png in (small / "figures").iterdir():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_raw_tables_have_the_fixed_columns_and_every_run(small: Path):
    model = pd.read_parquet(small / "model.parquet")
    newcomers = pd.read_parquet(small / "newcomers.parquet")
    assert list(model.columns) == ["policy", "seed", "month", "year", *METRICS]
    assert list(newcomers.columns) == list(NEWCOMER_TABLE_COLUMNS)
    runs = model.groupby(["policy", "seed"]).size()
    assert set(runs.index) == {(p, s) for p in POLICIES for s in range(SEEDS)}
    assert (runs == 12 * YEARS + 1).all()
    assert set(newcomers["month"]) == {12 * (y + 1) for y in range(YEARS)}  # a snapshot every 12 months
    assert set(newcomers["policy"]) == set(POLICIES)


def test_summary_is_tidy_with_every_policy_metric_and_year(small: Path):
    summary = pd.read_csv(small / "summary.csv")
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert set(summary["policy"]) == set(POLICIES)
    assert set(S.REPORT_METRICS) == set(summary["metric"])
    assert set(METRICS) <= set(summary["metric"])
    assert set(summary["year"]) == set(range(1, YEARS + 1))
    assert not summary.duplicated(["policy", "metric", "year"]).any()
    assert len(summary) == len(POLICIES) * len(S.REPORT_METRICS) * YEARS


def test_confidence_intervals_contain_their_means(small: Path):
    for name in ["summary.csv", "differences.csv", "by_years_since_permit.csv", "by_group.csv"]:
        table = pd.read_csv(small / name).rename(columns={"value": "mean"}).dropna(subset=["mean", "ci_low", "ci_high"])
        assert len(table) > 0, name
        assert (table["ci_low"] <= table["mean"] + 1e-12).all(), name
        assert (table["mean"] <= table["ci_high"] + 1e-12).all(), name
    summary = pd.read_csv(small / "summary.csv")
    shares = summary[summary["metric"].map(lambda m: S.REPORT_METRICS[m].is_share)]
    assert shares["ci_low"].min() >= 0 and shares["ci_high"].max() <= 1  # a share stays a share


def test_summary_equals_a_recomputation_from_model_parquet(small: Path):
    model = pd.read_parquet(small / "model.parquet")
    summary = pd.read_csv(small / "summary.csv").set_index(["policy", "metric", "year"])
    for policy in POLICIES:
        for metric in ["share_employed", "share_isolated", "mean_wellbeing", "public_cost_eur"]:
            for year in range(1, YEARS + 1):
                values = model[(model["policy"] == policy) & (model["month"] == 12 * year)][metric].to_numpy()
                mean, low, high = t_interval(values)
                row = summary.loc[(policy, metric, year)]
                assert row["mean"] == pytest.approx(mean, rel=1e-9, abs=1e-12)
                if METRICS[metric].is_share or metric == "mean_wellbeing":
                    low, high = max(low, 0.0), min(high, 1.0)
                assert row["ci_low"] == pytest.approx(low, rel=1e-9, abs=1e-12)
                assert row["ci_high"] == pytest.approx(high, rel=1e-9, abs=1e-12)
                assert row["n_seeds"] == SEEDS
        cost = model[(model["policy"] == policy) & (model["month"] == 12 * YEARS)]["public_cost_eur"]
        per_newcomer = summary.loc[(policy, "public_cost_per_newcomer_eur", YEARS), "mean"]
        assert per_newcomer == pytest.approx(cost.mean() / N_NEWCOMERS)


def test_report_numbers_equal_those_recomputed_from_the_raw_tables(small: Path):
    report = (small / "summary.md").read_text(encoding="utf-8")
    model = pd.read_parquet(small / "model.parquet")
    metric = S.REPORT_METRICS["share_employed"]
    table = md_table(report, metric.label)
    at = model[model["month"] == 12 * YEARS].set_index(["policy", "seed"])["share_employed"]
    base = at.loc["baseline_2013"]
    for policy in POLICIES:
        mean, low, high = t_interval(at.loc[policy].to_numpy())
        level = pd.Series({"mean": mean, "ci_low": max(low, 0.0), "ci_high": min(high, 1.0)})
        cells = table[policy]
        assert cells[-2] == format_ci(metric, level)  # the last year's level ...
        if policy != "baseline_2013":
            mean, low, high = t_interval((at.loc[policy] - base).to_numpy())  # ... and paired difference
            diff = format_ci(metric, pd.Series({"mean": mean, "ci_low": low, "ci_high": high}), difference=True)
            assert cells[-1].strip("*") == diff
            assert cells[-1].startswith("**") == (low > 0 or high < 0)

    newcomers = pd.read_parquet(small / "newcomers.parquet")
    by_permit = employed_by_years_since_permit(newcomers)
    section = report.split("## By years since permit", 1)[1]
    table = md_table(section, metric.label)
    header = section.split(f"### {metric.label}\n", 1)[1].lstrip("\n").splitlines()[0]
    years = [int(y) for y in re.findall(r"(\d+) y after permit", header)]
    assert years, "no years-since-permit column"
    for policy in POLICIES:
        for i, year in enumerate(years):
            assert table[policy][2 * i] == format_ci(metric, by_permit.loc[(policy, year)])


def test_terminal_shows_the_headline_table_and_where_the_report_is(small: Path):
    stdout = (small.parent / "stdout.txt").read_text(encoding="utf-8")
    assert f"Key outcomes at year {YEARS}" in stdout
    assert "summary.md" in stdout and "figures" in stdout
    employed = next(line for line in stdout.splitlines() if line.startswith("employed"))
    assert len(re.findall(r"\d+\.\d%", employed)) == len(POLICIES)


def test_readme_block_is_rewritten_with_a_table_and_a_figure(small: Path):
    readme = (small.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split(README_START, 1)[1].split(README_END, 1)[0]
    assert readme.startswith("# x\n\nbefore\n") and readme.endswith("after\n")
    assert "STALE-TABLE" not in block
    assert "| `two_track` |" in block and "![" in block
    assert "For whom: Under `baseline_2013`" in block and "of women" in block and "of men" in block
    image = re.search(r"!\[[^\]]*\]\(([^)]+)\)", block).group(1)
    assert (small.parent / image).is_file()


# --- common random numbers and determinism ------------------------------------------


def test_same_seed_gives_the_same_initial_population_in_every_policy(small: Path):
    newcomers = pd.read_parquet(small / "newcomers.parquet")
    first = newcomers[newcomers["month"] == 12]
    for seed, runs in first.groupby("seed"):
        people = {p: g[list(POPULATION_COLUMNS)].sort_values("id").reset_index(drop=True)
                  for p, g in runs.groupby("policy")}
        for policy, table in people.items():
            pd.testing.assert_frame_equal(table, people["baseline_2013"], obj=f"seed {seed}, {policy}")


def test_population_fingerprint_tells_populations_apart():
    small = {"n_newcomers": 60, "n_residents": 600, "n_employers": 20}
    a = run_simulation("baseline_2013", 1, 1, small).newcomers
    b = run_simulation("baseline_2013", 1, 1, small).newcomers
    c = run_simulation("baseline_2013", 2, 1, small).newcomers
    assert population_fingerprint(a) == population_fingerprint(b)
    assert population_fingerprint(a) != population_fingerprint(c)


def test_results_do_not_depend_on_the_number_of_workers():
    kwargs = {"policies": ["baseline_2013", "two_track", "reduced_fines"], "seeds": 3, "years": 2,
              "params": {"n_newcomers": 80, "n_residents": 800, "n_employers": 20}}
    one, two = compare(**kwargs, workers=1), compare(**kwargs, workers=2)
    for table in ["model", "newcomers", "summary", "differences", "by_permit", "by_group", "gaps"]:
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table), obj=table)


# --- the Python API and the statistics ------------------------------------------------


def test_python_api_returns_the_tables_and_by_years_since_permit():
    result = compare(["baseline_2013", "two_track"], seeds=2, years=2,
                     params={"n_newcomers": 80, "n_residents": 800, "n_employers": 20}, workers=1)
    assert set(result.summary["policy"]) == {"baseline_2013", "two_track"}
    assert set(result.differences["policy"]) == {"two_track"}
    assert set(result.newcomers["seed"]) == {0, 1}
    # by years since the permit: what compare summarised equals what the raw newcomer rows give
    raw = employed_by_years_since_permit(result.newcomers)
    mine = result.by_permit[result.by_permit["metric"] == "share_employed"].set_index(["policy", "years_since_permit"])
    assert len(raw) > 0 and set(mine.index) == set(raw.index)
    columns = ["mean", "ci_low", "ci_high", "n_seeds", "diff_mean"]
    pd.testing.assert_frame_equal(mine.loc[raw.index, columns], raw[columns], check_dtype=False, check_index_type=False,
                                  check_names=False, rtol=1e-9)
    # the per-group means the workers took equal by_group on the newcomer snapshots
    groups = G.by_group(result.newcomers, "gender", reference="baseline_2013")
    pd.testing.assert_frame_equal(groups, result.by_group[result.by_group["grouping"] == "gender"]
                                  .reset_index(drop=True), check_dtype=False)


def test_newcomer_measures_reproduce_the_model_metrics():
    result = run_simulation("two_track", 4, 3, {"n_newcomers": 150, "n_residents": 1500, "n_employers": 40})
    table = result.newcomers[S.permit_adults(result.newcomers)]
    model = result.model.set_index("month")
    for metric, measure in S.NEWCOMER_MEASURES.items():
        by_month = measure(table).astype(float).groupby(table["month"]).mean()
        np.testing.assert_allclose(by_month.to_numpy(), model.loc[by_month.index, metric].to_numpy(),
                                   rtol=1e-9, atol=1e-12, err_msg=metric)


def test_mean_ci_is_the_student_t_interval():
    frame = pd.DataFrame({"g": ["a"] * 3 + ["b"], "value": [1.0, 2.0, 3.0, 5.0]})
    out = S.mean_ci(frame, ["g"]).set_index("g")
    half = stats.t.ppf(0.975, 2) * 1.0 / np.sqrt(3)
    assert out.loc["a", "mean"] == 2.0 and out.loc["a", "n_seeds"] == 3
    assert out.loc["a", "ci_low"] == pytest.approx(2.0 - half)
    assert out.loc["a", "ci_high"] == pytest.approx(2.0 + half)
    assert np.isnan(out.loc["b", "ci_low"])  # one seed: no interval


def test_paired_differences_remove_what_seeds_share():
    # seed effects are large, the policy effect is a constant +1: the paired CI is a point
    per_run = pd.DataFrame({"policy": ["a"] * 3 + ["b"] * 3, "seed": [0, 1, 2] * 2, "k": 0,
                            "value": [10.0, 50.0, 90.0, 11.0, 51.0, 91.0]})
    out = S.paired(per_run, ["k"], "a").iloc[0]
    assert out["policy"] == "b" and out["mean"] == pytest.approx(1.0)
    assert out["ci_low"] == pytest.approx(1.0) and out["ci_high"] == pytest.approx(1.0)


def test_years_since_permit_are_rounded_to_whole_years():
    months = pd.Series([0.0, 5.0, 6.0, 17.0, 18.0, 60.0, np.nan])
    assert S.years_since_permit(months).tolist() == [0, 0, 1, 1, 2, 5, pd.NA]


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("args, says", [
    (["--policies", "baseline_2013,no_such_policy"], "unknown policy 'no_such_policy'"),
    (["--metrics", "share_employd"], "unknown metric 'share_employd'; did you mean share_employed"),
    (["--by", "religion"], "unknown grouping 'religion'; choose one or more of: gender, education"),
    (["--by", "gender,religion"], "unknown grouping 'religion'"),
    (["--set", "n_newcomer=10"], "unknown parameter 'n_newcomer'"),
    (["--set", "n_newcomers=-5"], "n_newcomers"),
    (["--seeds", "0"], "--seeds"),
    (["--years", "0"], "--years"),
    (["--workers", "0"], "--workers"),
    (["--no-such-option"], "unrecognized arguments"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, args, says):
    out = tmp_path / "out"
    code, stderr = cli_capture(["compare", *args, "--out", str(out)])
    assert code == 2
    assert says in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_unwritable_out_exits_2_and_writes_nothing(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, stderr = cli_capture(["compare", "--seeds", "1", "--years", "1", "--workers", "1", *SMALL,
                                "--out", str(blocker / "out")])
    assert code == 2 and "--out" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert blocker.read_text() == "not a folder"


def test_readme_without_markers_exits_2_before_running(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text("# no block here\n")
    code, stderr = cli_capture(["compare", "--readme", str(readme), "--out", str(tmp_path / "out")])
    assert code == 2 and "compare:start" in stderr
    assert not (tmp_path / "out").exists()


def test_ctrl_c_stops_cleanly_and_leaves_no_half_written_file(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("an earlier report\n")
    (out / "compare.json").write_text('{"command": "compare"}\n')
    write_mark(out, "compare", {name: file_record(out / name) for name in ("summary.md", "compare.json")})
    proc = subprocess.Popen(
        [*NIEUWKOMERS, "compare", "--seeds", "6", "--years", "4", "--workers", "2",
         *SMALL, "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = bytearray()

    def read_stderr() -> None:
        while chunk := proc.stderr.read1(256):
            seen.extend(chunk)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    deadline = time.time() + 120
    while b"compare:" not in seen and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
    reader.join(timeout=5)
    assert proc.returncode == 130, bytes(seen).decode(errors="replace")
    assert "Traceback" not in bytes(seen).decode(errors="replace")
    assert sorted(p.name for p in out.iterdir()) == [OUTPUT_MARKER, "compare.json", "summary.md"]
    assert (out / "summary.md").read_text() == "an earlier report\n"  # an earlier compare's folder, kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder left beside it"


def test_worker_tables_are_the_tables_pandas_gives():
    """A compare worker builds its Arrow table and summaries from arrays; they equal the DataFrame route."""
    import pyarrow as pa

    from experiments.comparison.running import _arrow, summary_columns
    from experiments.runner import run_to_columns

    _, columns = run_to_columns("all_proposals", 3, 4, {"n_newcomers": 150, "n_residents": 1500}, 12)
    full = run_simulation("all_proposals", 3, 4, {"n_newcomers": 150, "n_residents": 1500}, 12).newcomers
    pd.testing.assert_frame_equal(columns.frame(), full, check_exact=True)
    assert _arrow(columns).equals(pa.Table.from_pandas(full, preserve_index=False), check_metadata=True)
    lean = columns.frame(list(summary_columns()))
    pd.testing.assert_frame_equal(S.per_run_by_years_since_permit(lean, S.NEWCOMER_MEASURES),
                                  S.per_run_by_years_since_permit(full, S.NEWCOMER_MEASURES), check_exact=True)
    assert population_fingerprint(lean) == population_fingerprint(full)


def test_no_figures_writes_the_tables_and_reports_and_says_none_were_drawn(tmp_path: Path):
    out = tmp_path / "out"
    err, said = io.StringIO(), io.StringIO()  # in this process: the command line's own entry point
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(said):
        code = cli(["compare", "--policies", "two_track", "--seeds", "1", "--years", "1", "--no-figures",
                    "--workers", "1", *SMALL, "--out", str(out)])
    assert code == 0, err.getvalue()
    stdout = said.getvalue()
    assert not (out / "figures").exists()
    assert (out / "summary.csv").is_file() and (out / "by_group.csv").is_file()
    assert "Not drawn (`--no-figures`)" in (out / "summary.md").read_text(encoding="utf-8")
    assert "Figures: none (--no-figures)" in stdout


def test_no_figures_is_refused_with_readme(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text("<!-- compare:start -->\n<!-- compare:end -->\n")
    code, stderr = cli_capture(["compare", "--no-figures", "--readme", str(readme), "--out", str(tmp_path / "out")])
    assert code == 2 and "--readme needs a figure for the README: drop --no-figures" in stderr
    assert not (tmp_path / "out").exists()


def test_every_table_of_effects_says_its_interval_is_from_seeds(small: Path):
    """Without --posterior every section with effects gives the interval across seeds, and says so once."""
    report = (small / "summary.md").read_text(encoding="utf-8")
    label = f"*Intervals: 95%, from seeds ({SEEDS} seeds per policy; the parameters as calibrated).*"
    sections = {s.split("\n", 1)[0]: s for s in report.split("\n## ")[1:]}
    for heading in ("Key outcomes by year", "By years since permit", "Net public cost by payer"):
        assert label in next(s for h, s in sections.items() if h.startswith(heading)), heading
    assert "seeds and parameters" not in report and "How sure are we?" not in report


def test_a_second_compare_in_the_same_script_forks_its_workers_like_the_first():
    """A progress bar leaves no thread behind (tqdm's monitor is off), so a script's second `compare` forks
    its worker pool like the first, instead of starting its workers from the fork server, which made every
    later call of a notebook or a script seconds slower."""
    script = """
import threading
from experiments import executors
from experiments.compare import compare
started = []
fork_pool = executors._process_pool
def spy(n):
    pool = fork_pool(n)
    started.append(pool._mp_context.get_start_method())
    return pool
executors._process_pool = spy
tiny = dict(n_newcomers=30, n_residents=200, n_employers=8, grid_width=20, grid_height=20)
for _ in range(2):
    compare(["baseline_2013", "two_track"], seeds=2, years=1, params=tiny, workers=2, progress=True)
print(started, threading.active_count())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["['fork',", "'fork']", "1"]
