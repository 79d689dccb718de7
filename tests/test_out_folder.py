"""`--out` is safe: a folder holding something else is refused unless --force, a reused output
folder ends up holding only the new run's files, and a failed run leaves it as it was."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TINY_SWEEP_PARAMETERS

from experiments import cli
from experiments.errors import UsageError
from experiments.store import OUTPUT_MARKER, OutputFolder, check_out_dir, output_of

TINY_SET = [arg for k, v in {"n_newcomers": 60, "n_residents": 300, "n_employers": 10,
                             "grid_width": 20, "grid_height": 20}.items() for arg in ("--set", f"{k}={v}")]
RUN_FILES = {OUTPUT_MARKER, "model.parquet", "newcomers.parquet", "run.json"}


def nieuwkomers(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], capture_output=True,
                          text=True, timeout=600)


def run_into(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return nieuwkomers("run", "--policy", "baseline_2013", "--years", "0.5", *TINY_SET, "--out", str(out), *extra)


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_folder_of_other_files_is_refused_and_left_alone(tmp_path: Path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_text("my work")
    result = run_into(out)
    assert result.returncode == 2 and "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert names(out) == {"chapter1.docx"} and names(tmp_path) == {"thesis"}


def test_another_commands_output_is_refused(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "compare.json").write_text(json.dumps({"command": "compare"}))
    result = run_into(out)
    assert result.returncode == 2 and "holds the output of `nieuwkomers compare`" in result.stderr


def test_a_previous_run_is_replaced_whole_without_leftovers(tmp_path: Path):
    out = tmp_path / "out"
    assert run_into(out).returncode == 0
    assert names(out) == RUN_FILES
    (out / "old-figure.png").write_text("from an earlier run")
    first = json.loads((out / "run.json").read_text())
    assert run_into(out, "--seed", "3").returncode == 0
    assert names(out) == RUN_FILES, "only this run's files"
    assert json.loads((out / "run.json").read_text())["seeds"] == [3] != first["seeds"]
    assert names(tmp_path) == {"out"}, "no staging folder left beside it"


def test_force_replaces_a_folder_of_other_files(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("scratch")
    assert run_into(out, "--force").returncode == 0
    assert names(out) == RUN_FILES


def test_a_failed_run_leaves_the_folder_as_it_was(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"command": "run", "seeds": [0]}))
    with pytest.raises(RuntimeError), OutputFolder(out, "run") as folder:
        (folder.staging / "model.parquet").write_text("half")
        raise RuntimeError("a run failed")
    assert names(out) == {"run.json"} and names(tmp_path) == {"out"}


def test_folders_written_before_the_marker_are_recognised_by_their_record(tmp_path: Path):
    validation = tmp_path / "validation"
    validation.mkdir()
    (validation / "validation.csv").write_text("id\n")
    assert output_of(validation) == "validate"
    assert check_out_dir(validation, "validate") == validation
    with pytest.raises(UsageError, match="holds the output of `nieuwkomers validate`"):
        check_out_dir(validation, "compare")


def test_the_current_folder_is_never_replaced(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(UsageError, match="current folder"):
        check_out_dir(".", "run", force=True)


SWEEP = textwrap.dedent("""
    years = 0.25
    seeds = 1
    metrics = ["share_employed"]
    [grid]
    fine_eur = [0, 1250]
""") + TINY_SWEEP_PARAMETERS


def test_sweep_refuses_a_folder_of_other_files_and_force_starts_afresh(tmp_path: Path, capsys):
    config = tmp_path / "sweep.toml"
    config.write_text(SWEEP, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("scratch")
    assert cli.main(["sweep", str(config), "--out", str(out), "--workers", "1"]) == 2
    assert "--force" in capsys.readouterr().err and names(out) == {"notes.txt"}
    assert cli.main(["sweep", str(config), "--out", str(out), "--workers", "1", "--force"]) == 0
    assert "notes.txt" not in names(out) and output_of(out) == "sweep"
    assert cli.main(["sweep", str(config), "--out", str(out), "--workers", "1", "--force"]) == 0
    assert "2 of 2 runs stored" in capsys.readouterr().out, "started again, not resumed"
