"""`--out` is safe: a folder is a command's own only by the mark it left (never by a file name), a
folder holding anything else is refused unless --force, --force never takes a folder a live process is
writing, a reused output folder ends up holding only the new run's files, a failed run leaves it as it
was, a folder that cannot be swapped (a mount point) is written file by file, and staging left by a
killed command is removed on the next start (issue 25)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TINY_SWEEP_PARAMETERS

from experiments import cli, store
from experiments.errors import UsageError
from experiments.store import (
    LOCK_FILE,
    OUTPUT_MARKER,
    Lock,
    OutputFolder,
    check_out_dir,
    output_of,
    read_mark,
    write_mark,
)

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


def run_in_process(out: Path, *extra: str) -> int:
    return cli.main(["run", "--policy", "baseline_2013", "--years", "0.5", *TINY_SET, "--out", str(out), *extra])


def test_another_commands_output_is_refused(tmp_path: Path, capsys):
    out = tmp_path / "out"
    with OutputFolder(out, "compare") as folder:
        (folder.staging / "summary.md").write_text("a report")
    assert run_in_process(out) == 2
    assert "holds the output of `nieuwkomers compare`" in capsys.readouterr().err
    assert names(out) == {OUTPUT_MARKER, "summary.md"}


def test_a_file_name_is_no_mark_the_folder_of_a_thesis_is_kept(tmp_path: Path, capsys):
    """Issue 25: a run.json (or validation.csv) that the command did not write makes no folder its own."""
    out = tmp_path / "d"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"name": "x"}))
    (out / "thesis.txt").write_text("notes")
    assert run_in_process(out) == 2
    err = capsys.readouterr().err.strip()
    assert "did not write" in err and "--force" in err and len(err.splitlines()) == 1
    assert (out / "thesis.txt").read_text() == "notes" and names(out) == {"run.json", "thesis.txt"}
    validation = tmp_path / "v"
    validation.mkdir()
    (validation / "validation.csv").write_text("id\n")
    (validation / "thesis.txt").write_text("notes")
    with pytest.raises(UsageError, match="did not write"):
        check_out_dir(validation, "validate")


def test_a_marked_output_with_a_file_added_or_changed_is_not_replaced_without_force(tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert run_in_process(out) == 0
    (out / "notes.txt").write_text("my reading of the run")
    assert run_in_process(out) == 2
    assert "files it did not write (notes.txt)" in capsys.readouterr().err
    (out / "notes.txt").unlink()
    record = json.loads((out / "run.json").read_text())
    (out / "run.json").write_text(json.dumps({**record, "note": "edited by hand"}))
    assert run_in_process(out) == 2
    assert "run.json changed after it was written" in capsys.readouterr().err
    assert "edited by hand" in (out / "run.json").read_text()
    assert run_in_process(out, "--force") == 0 and names(out) == RUN_FILES


def test_a_forged_or_damaged_mark_is_no_mark(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "data.csv").write_text("x\n")
    write_mark(out, "run", {"data.csv": store.file_record(out / "data.csv")})
    assert output_of(out) == "run"
    mark = json.loads((out / OUTPUT_MARKER).read_text())
    (out / OUTPUT_MARKER).write_text(json.dumps({**mark, "command": "validate"}))  # signature no longer fits
    assert read_mark(out) is None
    with pytest.raises(UsageError, match="did not write"):
        check_out_dir(out, "validate")


def test_a_previous_run_is_replaced_whole_without_leftovers(tmp_path: Path):
    out = tmp_path / "out"
    assert run_in_process(out, "--by", "gender") == 0
    assert names(out) == RUN_FILES | {"by_group.csv"}
    first = json.loads((out / "run.json").read_text())
    assert run_in_process(out, "--seed", "3") == 0
    assert names(out) == RUN_FILES, "only this run's files: the earlier by_group.csv is gone"
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
    with OutputFolder(out, "run") as folder:
        (folder.staging / "run.json").write_text(json.dumps({"command": "run", "seeds": [0]}))
    with pytest.raises(RuntimeError), OutputFolder(out, "run") as folder:
        (folder.staging / "model.parquet").write_text("half")
        raise RuntimeError("a run failed")
    assert names(out) == {"run.json", OUTPUT_MARKER} and names(tmp_path) == {"out"}


def test_marks_written_before_they_were_signed_still_count_when_nothing_else_is_there(tmp_path: Path):
    validation = tmp_path / "validation"  # like docs/validation, written before marks were signed
    validation.mkdir()
    (validation / "validation.csv").write_text("id\n")
    (validation / OUTPUT_MARKER).write_text(json.dumps({"command": "validate", "files": ["validation.csv"]}))
    assert output_of(validation) == "validate"
    assert check_out_dir(validation, "validate") == validation
    with pytest.raises(UsageError, match="holds the output of `nieuwkomers validate`"):
        check_out_dir(validation, "compare")
    (validation / "thesis.txt").write_text("notes")
    with pytest.raises(UsageError, match="did not write"):
        check_out_dir(validation, "validate")


def test_an_out_name_too_long_is_one_line_and_exit_2(tmp_path: Path, capsys):
    assert run_in_process(tmp_path / ("x" * 300)) == 2
    err = capsys.readouterr().err.strip()
    assert "name is too long" in err and len(err.splitlines()) == 1
    assert names(tmp_path) == set()


HOLD_LOCK = """
import sys, time
from pathlib import Path
from experiments.store import holding
with holding(Path(sys.argv[1]), "sweep", ".sweep.lock"):
    print("holding", flush=True)
    time.sleep(120)
"""


def test_force_refuses_a_folder_that_a_running_sweep_writes(tmp_path: Path, capsys):
    """Issue 25: `run --force` into a running sweep's folder deleted its parts; now refused, parts kept."""
    out = tmp_path / "sweep"
    (out / "results").mkdir(parents=True)
    (out / "results" / "part-00000.parquet").write_bytes(b"a part")
    write_mark(out, "sweep")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert run_in_process(out, "--force") == 2
        err = capsys.readouterr().err.strip()
        assert f"being written by `nieuwkomers sweep` (process {holder.pid})" in err and len(err.splitlines()) == 1
        assert (out / "results" / "part-00000.parquet").read_bytes() == b"a part"
    finally:
        holder.kill()
        holder.wait()
    assert run_in_process(out, "--force") == 0, "once the sweep is gone, --force may replace it"
    assert names(out) == RUN_FILES


def test_a_folder_that_cannot_be_swapped_is_written_file_by_file(tmp_path: Path, monkeypatch):
    """A mount point (or a rename the file system refuses) is filled in place, each file atomically."""
    out = tmp_path / "mounted"
    with OutputFolder(out, "run") as folder:
        (folder.staging / "a.txt").write_text("first a")
        (folder.staging / "old.txt").write_text("written by the first run only")
    real_replace = os.replace

    def refuse_folder(source, target, *args, **kwargs):
        if Path(source) == out:  # moving the folder itself aside: EBUSY, as at a mount point
            raise OSError(errno.EBUSY, "Device or resource busy")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse_folder)
    with OutputFolder(out, "run") as folder:
        (folder.staging / "a.txt").write_text("second a")
        (folder.staging / "figures").mkdir()
        (folder.staging / "figures" / "b.png").write_text("b")
    assert names(out) == {OUTPUT_MARKER, "a.txt", "figures"} and (out / "a.txt").read_text() == "second a"
    assert names(tmp_path) == {"mounted"}, "no staging left beside it"
    mark = read_mark(out)
    assert mark.command == "run" and mark.complete and set(mark.files) == {"a.txt", "figures/b.png"}
    assert check_out_dir(out, "run") == out


@pytest.mark.skipif(not (sys.platform.startswith("linux") and os.geteuid() == 0), reason="mounting needs root")
def test_out_at_a_real_mount_point(tmp_path: Path, capsys):
    """Issue 25: --out at a mount point computed, then failed with EBUSY and hid the results in .NAME.new-*."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        assert run_in_process(mount) == 0
        assert run_in_process(mount, "--seed", "2") == 0
        assert names(mount) == RUN_FILES and json.loads((mount / "run.json").read_text())["seeds"] == [2]
        assert names(tmp_path) == {"mnt"}
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_out_taken_by_another_command_meanwhile_keeps_both(tmp_path: Path, capsys):
    out = tmp_path / "out"
    folder = OutputFolder(out, "run")
    (folder.staging / "model.parquet").write_text("this run's table")
    out.mkdir()
    (out / "sweep.json").write_text("another command's file, written while this one ran")
    folder.commit()
    assert folder.path == tmp_path / "out-1" and (folder.path / "model.parquet").exists()
    assert (out / "sweep.json").exists(), "what was written meanwhile is kept"
    assert "its results are in" in capsys.readouterr().err


def test_staging_left_by_a_killed_command_is_removed_on_the_next_start_and_said(tmp_path: Path, capsys):
    out = tmp_path / "out"
    stale = tmp_path / ".out.new-abcd1234"
    stale.mkdir()
    (stale / "model.parquet").write_text("half")
    (stale / LOCK_FILE).write_text(json.dumps({"command": "compare", "pid": 999999}))
    foreign = tmp_path / ".out.new-notours1"  # no lock file in it: not ours to judge, left alone
    foreign.mkdir()
    assert run_in_process(out) == 0
    err = capsys.readouterr().err
    assert f"removed {stale}" in err and "left by `nieuwkomers compare`" in err
    assert not stale.exists() and foreign.exists()


def test_a_live_staging_folder_is_not_removed(tmp_path: Path, capsys):
    out = tmp_path / "out"
    live = tmp_path / ".out.new-live1234"
    live.mkdir()
    lock = Lock(live / LOCK_FILE, "compare")  # held: a command is writing there right now
    try:
        assert run_in_process(out) == 2
        assert "being written by `nieuwkomers compare`" in capsys.readouterr().err
        assert live.exists()
    finally:
        lock.release()


def test_a_staging_folder_whose_lock_is_about_to_be_taken_is_not_removed(tmp_path: Path):
    """A lock file just created and not yet locked (its command is starting) is not a killed command's."""
    out = tmp_path / "out"
    starting = tmp_path / ".out.new-strt1234"
    starting.mkdir()
    (starting / LOCK_FILE).touch()
    assert store.remove_stale_staging(out, "run") == [] and starting.exists()
    old = os.stat(starting / LOCK_FILE).st_mtime - 2 * store.FRESH_LOCK_SECONDS
    os.utime(starting / LOCK_FILE, (old, old))  # an empty lock file left long ago: stale after all
    assert store.remove_stale_staging(out, "run") == [starting] and not starting.exists()


def test_an_earlier_output_is_put_back_when_a_swap_was_killed_half_way(tmp_path: Path, capsys):
    out = tmp_path / "out"
    with OutputFolder(out, "run") as folder:
        (folder.staging / "a.txt").write_text("the earlier output")
    aside = tmp_path / ".out.old-zyxw9876"
    aside.mkdir()
    (aside / LOCK_FILE).write_text(json.dumps({"command": "run", "pid": 999999}))
    shutil.move(str(out), str(aside / "out"))  # killed between moving it aside and moving the new one in
    store.remove_stale_staging(out, "run")
    assert (out / "a.txt").read_text() == "the earlier output" and not aside.exists()
    assert "put back" in capsys.readouterr().err


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
