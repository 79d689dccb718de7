"""What a class types: numbers with a decimal comma or a thousands separator are refused with a
hint (never read the wrong way), lists tolerate spaces, one policy is compared with the baseline;
and what a user hands over as a file is read as data: bounded, checked, never echoed (issue 25)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from conftest import SMALL, TINY_SWEEP_PARAMETERS

from experiments.cli import build_parser
from experiments.errors import UsageError
from experiments.inputs import check_sweep_numbers, policies_to_compare, split_list
from experiments.sweep_spec import read_spec
from model.parameters import PARAMS

SMALL_SET = [arg for k, v in SMALL.items() for arg in ("--set", f"{k}={v}")]


def nieuwkomers(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize(
    ("name", "text", "hint"),
    [
        ("fine_eur", "1.250", "write 1250 or 1.25"),          # a Dutch thousands point, or EUR 1.25?
        ("fine_eur", "1,250", "write 1250 or 1.25"),          # an English thousands comma, or a Dutch 1.25?
        ("fine_eur", "1 250", "write 1250 "),
        ("fine_eur", "1,250.50", "write 1250.50 "),
        ("n_residents", "10.000", "write 10000 "),
        ("n_residents", "1.250.000", "write 1250000 "),
        ("n_residents", "20,000", "write 20000 "),
        ("asylum_wait_months", "10,5", "write 10.5 "),
        ("recognition_rate", "0,75", "write 0.75 "),
    ],
)
def test_locale_formatted_numbers_are_refused_with_a_hint(name, text, hint):
    with pytest.raises(ValueError) as err:
        PARAMS[name].parse(text)
    message = str(err.value)
    assert message.startswith(f"{name}={text!r} ") and hint in message
    assert "the decimal separator is a point" in message


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("fine_eur", "1.25", 1.25),                  # two decimals: no thousands reading
        ("fine_eur", "1250", 1250.0),
        ("fine_eur", "1_250", 1250.0),               # Python's own digit grouping is unambiguous
        ("fine_eur", "0.500", 0.5),                  # 0500 is no thousands reading
        ("asylum_wait_months", "1.250", 1.25),       # 1250 months is out of range: a decimal
        ("recognition_rate", "0.125", 0.125),
        ("n_newcomers", "1500", 1500),
    ],
)
def test_plain_numbers_and_unambiguous_decimals_are_accepted(name, text, value):
    assert PARAMS[name].parse(text) == value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "fine_eur=1.250"], "fine_eur='1.250' is ambiguous"),
        (["--set", "asylum_wait_months=10,5"], "has a decimal comma: write 10.5"),
        (["--set", "n_residents=1 250"], "has a thousands separator: write 1250"),
        (["--years", "2,5"], "argument --years: '2,5' has a decimal comma: write 2.5"),
        (["--seeds", "1.000"], "argument --seeds: '1.000' has a thousands separator: write 1000"),
    ],
)
def test_run_refuses_locale_numbers_in_one_line_exit_2_nothing_written(tmp_path: Path, args, message):
    out = tmp_path / "out"
    result = nieuwkomers("run", "--policy", "baseline_2013", *args, "--out", str(out))
    assert result.returncode == 2
    assert message in result.stderr and "the decimal separator is a point" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_compare_refuses_a_locale_number_before_running(tmp_path: Path):
    result = nieuwkomers("compare", "--policies", "baseline_2013,two_track", "--set", "fine_eur=2.500",
                         "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "write 2500 or 2.5" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sweep_file_numbers_follow_the_same_rule(tmp_path: Path):
    body = textwrap.dedent("""
        years = 1
        [grid]
        fine_eur = [0, 1.250]
    """) + TINY_SWEEP_PARAMETERS
    config = tmp_path / "fines.toml"
    config.write_text(body, encoding="utf-8")
    with pytest.raises(UsageError, match=r"fines.toml, line 4: fine_eur = 1.250 is ambiguous.*write 1250 or 1.25"):
        read_spec(config)
    result = nieuwkomers("sweep", str(config), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_sweep_file_number_rule_keeps_plain_decimals_and_strings_get_the_hint(tmp_path: Path):
    check_sweep_numbers("[grid]\nfine_eur = [0, 1.25, 1250]\nasylum_wait_months = [1.250, 10]\n", "ok.toml")
    config = tmp_path / "s.toml"
    config.write_text('years = 1\n[grid]\nasylum_wait_months = ["10,5"]\n' + TINY_SWEEP_PARAMETERS)
    with pytest.raises(UsageError, match="has a decimal comma: write 10.5"):
        read_spec(config)


@pytest.mark.parametrize(
    "words",
    [
        ["baseline_2013,early_language"],
        ["baseline_2013,", "early_language"],          # --policies baseline_2013, early_language
        ["baseline_2013 early_language"],              # --policies "baseline_2013 early_language"
        ["baseline_2013", "early_language"],
        [" baseline_2013 , early_language, "],
    ],
)
def test_policy_lists_tolerate_spaces(words):
    args = build_parser().parse_args(["compare", "--policies", *words, "--out", "x"])
    assert split_list(args.policies, "--policies") == ["baseline_2013", "early_language"]


def test_one_policy_is_compared_with_the_baseline_and_the_baseline_alone_is_refused():
    policies, note = policies_to_compare(["two_track"])
    assert policies == ["baseline_2013", "two_track"] and "baseline_2013" in note
    policies, note = policies_to_compare(["two_track", "startpunten"])  # as --help says: the reference always runs
    assert policies == ["baseline_2013", "two_track", "startpunten"] and "two_track, startpunten" in note
    assert policies_to_compare(["startpunten", "baseline_2013"]) == (["startpunten", "baseline_2013"], None)
    assert policies_to_compare(["two_track", "startpunten"], "startpunten") == (["two_track", "startpunten"], None)
    with pytest.raises(UsageError, match="nothing to compare"):
        policies_to_compare(["baseline_2013"])


def test_compare_of_one_policy_adds_the_baseline_and_says_so(tmp_path: Path):
    out = tmp_path / "out"
    result = nieuwkomers("compare", "--policies", "early_language", "--seeds", "2", "--years", "1", "--no-figures",
                         "--workers", "1", *SMALL_SET, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "comparing early_language with baseline_2013" in result.stderr
    assert list(pd.read_csv(out / "summary.csv")["policy"].unique()) == ["baseline_2013", "early_language"]


def test_compare_of_the_baseline_alone_says_why_there_is_nothing_to_compare(tmp_path: Path):
    result = nieuwkomers("compare", "--policies", "baseline_2013", "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "nothing to compare" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []


# --- files from users are data (issue 25) -------------------------------------------------------

SECRET = "root:$6$s3cretHash$q:20228:0:99999:7:::"
TINY_SET = [arg for k, v in {"n_newcomers": 40, "n_residents": 400, "n_employers": 10, "grid_width": 20,
                             "grid_height": 20}.items() for arg in ("--set", f"{k}={v}")]


def run_series(tmp_path: Path, series: str, *extra: str) -> int:
    from experiments import cli

    return cli.main(["run", "--policy", "baseline_2013", "--years", "1", *TINY_SET, "--set", "arrival_pattern=series",
                     "--set", f"arrival_series={series}", *extra, "--out", str(tmp_path / "out")])


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_an_arrival_series_that_is_not_a_series_is_named_and_never_echoed(tmp_path: Path, capsys):
    """Issue 25: --set arrival_series=/etc/shadow echoed the file's first line."""
    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\nbin:*:20228:0:99999:7:::\n")
    assert run_series(tmp_path, str(secret)) == 2
    err = one_line(capsys)
    assert str(secret) in err and "header" in err and "s3cret" not in err and "20228" not in err
    assert not (tmp_path / "out").exists()
    leaky = tmp_path / "leaky.csv"  # the right header, then a secret where a count belongs
    leaky.write_text(f"month,requests\n2020-01,100\n2020-02,{SECRET}\n")
    assert run_series(tmp_path, str(leaky)) == 2
    err = one_line(capsys)
    assert "line 3, column 'requests': not a number" in err and "s3cret" not in err


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "too large", "binary"])
def test_an_arrival_series_must_be_a_regular_file_of_bounded_size(tmp_path: Path, capsys, kind):
    """Issue 25: arrival_series=/dev/zero was read until the kernel killed the process at 23 GB."""
    path = {"device": Path("/dev/zero"), "fifo": tmp_path / "fifo", "folder": tmp_path,
            "too large": tmp_path / "big.csv", "binary": tmp_path / "bin.csv"}[kind]
    if kind == "fifo":
        os.mkfifo(path)  # nobody writes to it: opening it for reading must not hang
    elif kind == "too large":
        path.write_text("month,requests\n" + "2020-01,1\n" * 200_000)
    elif kind == "binary":
        path.write_bytes(b"month,requests\n\xff\xfe\x00\x01")
    assert run_series(tmp_path, str(path)) == 2
    err = one_line(capsys)
    expected = {"device": "not a regular file", "fifo": "not a regular file", "folder": "not a regular file",
                "too large": "larger than", "binary": "not a UTF-8 text file"}[kind]
    assert expected in err and str(path) in err


def test_a_sweep_file_naming_a_bad_series_is_refused_before_any_run(tmp_path: Path, capsys):
    """Issue 25: a sweep ran every point with the bad file and wrote its first line into failures.csv."""
    from experiments import cli

    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\n")
    config = tmp_path / "series.toml"
    config.write_text(textwrap.dedent(f"""
        years = 1
        [grid]
        arrival_series = ["nl", "{secret}"]
        arrival_pattern = ["series"]
    """) + TINY_SWEEP_PARAMETERS)
    assert cli.main(["sweep", str(config), "--workers", "1", "--out", str(tmp_path / "out")]) == 2
    err = one_line(capsys)
    assert "series.toml" in err and str(secret) in err and "s3cret" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--policy", "baseline_2013", "--seed", str(2**64)], "--seed 18446744073709551616 is not allowed"),
        (["run", "--policy", "baseline_2013", "--seed", str(2**63)], "expected an integer in [0, 2**63 - 1]"),
        (["run", "--policy", "baseline_2013", "--years", "0.01"], "--years 0.01 is shorter than one month"),
        (["run", "--policy", "baseline_2013", "--years", "nan"], "'nan' is not a finite number"),
        (["compare", "--years", "0.05"], "a comparison reports whole years"),
        (["compare", "--years", "0.5"], "a comparison reports whole years"),
        (["sensitivity", "x.toml", "--metric", "share_employed", "--year", "nan"], "'nan' is not a finite number"),
        (["calibrate", "--seed", str(2**32)], "--seed 4294967296 is not allowed"),
    ],
)
def test_out_of_range_numbers_are_one_line_and_exit_2(tmp_path: Path, capsys, argv, message):
    from experiments import cli

    try:
        code = cli.main([*argv, "--out", str(tmp_path / "out")])
    except SystemExit as stop:  # argparse's own one line for a value its type refuses
        code = stop.code
    assert code == 2
    assert message in one_line(capsys)
    assert not (tmp_path / "out").exists()


def test_a_deeply_nested_sweep_file_is_refused_in_one_line(tmp_path: Path):
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(UsageError, match="nest more than 32 deep"):
        read_spec(config)
    with pytest.raises(UsageError, match="not a regular file"):
        read_spec("/dev/zero")


def test_a_sample_design_over_the_point_cap_is_refused_before_it_is_drawn(tmp_path: Path):
    """Issue 25: a Sobol design of 11.5 M points passed the 10 M cap meant for grids and took 7.4 GB."""
    ranges = "\n".join(f"{name} = [{PARAMS[name].prior.low}, {PARAMS[name].prior.high}]"
                       for name in ("hire_rate", "more_hours_rate", "language_learning_rate", "know_how_at_start",
                                    "share_fulltime_offers", "plan_brokerage", "scar_recovery_rate",
                                    "reintegration_effect", "practice_daily_life", "catch_up_months"))
    config = tmp_path / "sobol.toml"
    config.write_text(f'years = 1\n[sample]\nmethod = "sobol"\nn = 524288\nsecond_order = true\n'
                      f"[sample.ranges]\n{ranges}\n")
    with pytest.raises(UsageError, match=r"makes 11,534,336 points .* at most 10,000,000"):
        read_spec(config)


def test_a_garbled_points_csv_is_found_and_a_deleted_one_written_again(tmp_path: Path, capsys):
    """Issue 25: a garbled points.csv in a sweep store was reported "complete"."""
    from experiments import cli

    config = tmp_path / "s.toml"
    config.write_text('years = 0.25\nmetrics = ["share_employed"]\n[grid]\nfine_eur = [0, 1250]\n'
                      + TINY_SWEEP_PARAMETERS)
    out = tmp_path / "out"
    assert cli.main(["sweep", str(config), "--workers", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    good = (out / "points.csv").read_text()
    (out / "points.csv").write_text(good.replace("1250", "1520"))
    assert cli.main(["sweep", str(config), "--workers", "1", "--out", str(out), "--resume"]) == 2
    assert "points.csv was changed or damaged" in one_line(capsys)
    (out / "points.csv").unlink()
    assert cli.main(["sweep", str(config), "--workers", "1", "--out", str(out), "--resume"]) == 0
    assert (out / "points.csv").read_text() == good and "2 of 2 runs stored" in capsys.readouterr().out


def test_a_calibration_database_of_random_bytes_is_one_line(tmp_path: Path, capsys):
    import pyabc  # noqa: F401  (make test installs .[dev]: missing, it fails here rather than skip)

    from experiments import cli
    database = tmp_path / "random.db"
    database.write_bytes(os.urandom(20_000))
    code = cli.main(["calibrate", "--out", str(tmp_path / "cal"), "--db", f"sqlite:///{database}", "--workers", "1",
                     "--population", "4", "--generations", "1", "--scale", "0.1"])
    assert code == 2 and "not a readable calibration history" in one_line(capsys)
