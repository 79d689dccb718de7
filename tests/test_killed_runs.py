"""Nothing leaks when a command is killed (issue 25): its worker processes end within seconds of
the parent, whatever killed it (SIGKILL of the parent alone, SIGTERM), SIGTERM cleans up like Ctrl-C,
and a staging folder left by SIGKILL is removed (and said) when the command next starts; while a
command runs, `--force` of another cannot take its folder.

Each command runs in its own process group; the test sends its signal to the parent only, then
checks the processes the parent had started. Whatever is left at the end is stopped by process id
and process group (only processes this test started).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from experiments import cli

GONE_WITHIN_S = 5.0
START_TIMEOUT_S = 60.0
#: Runs that take a second or two each at the default size: the workers are busy when the parent dies.
COMPARE = ["compare", "--policies", "baseline_2013,two_track", "--seeds", "8", "--years", "4", "--workers", "2"]
SWEEP = textwrap.dedent("""
    years = 4
    seeds = 20
    metrics = ["share_employed"]
    [grid]
    fine_eur = [0, 1250]
""")
CALIBRATE = ["calibrate", "--population", "4", "--generations", "3", "--scale", "0.1", "--check", "0",
             "--workers", "2", "--targets", "wait,employed36,welfare30"]


def start(args: list[str], cwd: Path) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """Start `nieuwkomers ARGS` in its own process group; wait until its two workers run."""
    process = subprocess.Popen([sys.executable, "-m", "experiments.cli", *args], cwd=cwd, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + START_TIMEOUT_S
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and process.poll() is None:
        workers = [p for p in parent.children(recursive=True) if _is_worker(p)]
        if len(workers) >= 2:
            break
        time.sleep(0.2)
    time.sleep(1.0)  # let the workers take up runs
    return process, parent.children(recursive=True)


def _is_worker(process: psutil.Process) -> bool:
    try:
        return "resource_tracker" not in " ".join(process.cmdline())
    except psutil.Error:
        return False


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    left = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                left.append(p)
        except psutil.NoSuchProcess:
            pass
    return left


def wait_gone(processes: list[psutil.Process], seconds: float = GONE_WITHIN_S) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while alive(processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(processes)


def clean_up(process: subprocess.Popen, started: list[psutil.Process]) -> None:
    """Stop whatever this test started and is still there: by process id, then its process group."""
    for p in alive(started):
        try:
            p.kill()
        except psutil.Error:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the group this test created for the command
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sweep.toml").write_text(SWEEP, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("command", ["sweep", "calibrate"])
def test_sigkill_of_the_parent_leaves_no_worker(folder: Path, command: str):
    args = {"sweep": ["sweep", "sweep.toml", "--workers", "2", "--out", "out"],
            "calibrate": [*CALIBRATE, "--out", "out"]}[command]
    process, started = start(args, folder)
    try:
        assert process.poll() is None and len(started) >= 2, process.stderr.read() if process.poll() else started
        os.kill(process.pid, signal.SIGKILL)  # the parent only, as the OOM killer or kill -9 would
        process.wait(timeout=10)
        left = wait_gone(started)
        assert not left, f"still running {GONE_WITHIN_S} s after the parent died: {[p.pid for p in left]}"
    finally:
        clean_up(process, started)


def test_sigterm_of_compare_stops_its_workers_and_removes_its_staging(folder: Path):
    process, started = start([*COMPARE, "--out", "out"], folder)
    try:
        assert process.poll() is None and len(started) >= 2
        os.kill(process.pid, signal.SIGTERM)
        code = process.wait(timeout=30)
        assert code == 128 + signal.SIGTERM and "stopped by SIGTERM" in process.stderr.read()
        assert not wait_gone(started)
        assert sorted(p.name for p in folder.iterdir()) == ["sweep.toml"], "no staging, no half-written --out"
    finally:
        clean_up(process, started)


def test_sigkill_of_compare_leaves_no_worker_and_its_staging_goes_at_the_next_start(folder: Path, capsys,
                                                                                    monkeypatch):
    process, started = start([*COMPARE, "--out", "out"], folder)
    try:
        assert process.poll() is None and len(started) >= 2
        os.kill(process.pid, signal.SIGKILL)  # the parent only
        process.wait(timeout=10)
        left = wait_gone(started)
        assert not left, f"still running {GONE_WITHIN_S} s after the parent died: {[p.pid for p in left]}"
    finally:
        clean_up(process, started)
    staging = [p for p in folder.iterdir() if p.name.startswith(".out.new-")]
    assert len(staging) == 1, "SIGKILL leaves the staging folder (nothing can run then)"
    monkeypatch.chdir(folder)
    code = cli.main(["compare", "--policies", "baseline_2013,two_track", "--seeds", "1", "--years", "1",
                     "--workers", "1", "--set", "n_newcomers=40", "--set", "n_residents=400", "--set",
                     "n_employers=10", "--set", "grid_width=20", "--set", "grid_height=20", "--out", "out"])
    assert code == 0
    assert f"removed {staging[0]}" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["out", "sweep.toml"]


def test_run_force_into_a_running_sweeps_folder_is_refused_and_the_sweep_goes_on(folder: Path, capsys, monkeypatch):
    """Issue 25: `run --force` into the folder of a running sweep deleted its stored parts; the sweep crashed."""
    process, started = start(["sweep", "sweep.toml", "--workers", "2", "--out", "out"], folder)
    try:
        assert process.poll() is None and len(started) >= 2
        before = sorted(p.relative_to(folder).as_posix() for p in (folder / "out").rglob("*"))
        monkeypatch.chdir(folder)
        code = cli.main(["run", "--policy", "baseline_2013", "--years", "0.5", "--set", "n_newcomers=40",
                         "--set", "n_residents=400", "--set", "n_employers=10", "--set", "grid_width=20",
                         "--set", "grid_height=20", "--force", "--out", "out"])
        err = capsys.readouterr().err.strip()
        assert code == 2 and len(err.splitlines()) == 1, err
        assert f"being written by `nieuwkomers sweep` (process {process.pid})" in err
        after = sorted(p.relative_to(folder).as_posix() for p in (folder / "out").rglob("*"))
        assert set(before) <= set(after), "nothing the sweep had written is gone"
        assert process.poll() is None, "the sweep runs on"
    finally:
        clean_up(process, started)
