"""What a class types: numbers with a decimal comma or a thousands separator are refused with a
hint (never read the wrong way), lists tolerate spaces, one policy is compared with the baseline."""

from __future__ import annotations

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
    assert policies_to_compare(["two_track", "startpunten"]) == (["two_track", "startpunten"], None)
    with pytest.raises(UsageError, match="nothing to compare"):
        policies_to_compare(["baseline_2013"])


def test_compare_of_one_policy_adds_the_baseline_and_says_so(tmp_path: Path):
    out = tmp_path / "out"
    result = nieuwkomers("compare", "--policies", "early_language", "--seeds", "2", "--years", "1",
                         "--workers", "1", *SMALL_SET, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "comparing early_language with baseline_2013" in result.stderr
    assert list(pd.read_csv(out / "summary.csv")["policy"].unique()) == ["baseline_2013", "early_language"]


def test_compare_of_the_baseline_alone_says_why_there_is_nothing_to_compare(tmp_path: Path):
    result = nieuwkomers("compare", "--policies", "baseline_2013", "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "nothing to compare" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []
