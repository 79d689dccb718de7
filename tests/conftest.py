"""Shared fixtures: a small world where claims are quick to check."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: A small but complete world: every mechanism runs, in a fraction of the default's time.
SMALL = {
    "n_newcomers": 150,
    "n_residents": 1500,
    "n_employers": 40,
    "grid_width": 40,
    "grid_height": 40,
}


#: The long tests, as units that stay on one worker (a file whose tests share a costly fixture or cache, or
#: one long test), with their rough cost in seconds (`make test` on 2 cores; only the proportions matter).
#: A unit is a file name, or ``file::test`` (a test's name up to its parameters) for a test of its own.
LONG_UNITS = {
    "test_exercises.py::test_the_solution_generator": 130,  # both generator tests share one --quick run
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[09-peaks]": 25,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[05-budget]": 16,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[11-spend-the-money]": 16,
    "test_exercises.py::test_the_quickstart_notebook_runs_top_to_bottom": 14,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[06-robustness]": 14,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[10-for-whom]": 14,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[01-baseline]": 13,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[07-extension]": 12,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[08-how-sure]": 8,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[04-fines-or-incentives]": 8,
    "test_exercises.py::test_every_block_of_the_sheet_runs_at_small_size[03-startpunten]": 6,
    "test_app_browser.py": 80, "test_compare.py": 70, "test_calibrate.py": 60, "test_app_classroom.py": 57,
    "test_design.py": 50, "test_peaks.py": 35, "test_for_whom.py": 30, "test_levers.py": 25, "test_cli.py": 25,
    "test_stress.py": 23, "test_scarring_and_catch_up.py": 22, "test_policy_directions.py": 22,
    "test_app_components.py": 18, "test_uncertainty.py": 18, "test_killed_runs.py": 16, "test_sweep.py": 14,
    "test_app_sessions.py": 12, "test_memo.py": 12, "test_inputs.py": 12,
}


#: In CI (``CI`` set, as CI services and .ci/run set it) a skip is a failure: a missing chromium, a moved module
#: or a package left out of the install must fail the run, not leave tests out of a green one.
#: ``NIEUWKOMERS_ALLOW_SKIPS=1`` allows skips there on purpose; outside CI they stay skips.
SKIPS_FAIL = (os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
              and os.environ.get("NIEUWKOMERS_ALLOW_SKIPS") != "1")


def _skip_as_failure(report) -> None:
    """Turn a skipped report (not an expected failure) into a failure that says what was skipped and why."""
    if SKIPS_FAIL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {reason} (NIEUWKOMERS_ALLOW_SKIPS=1 allows it)"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    _skip_as_failure((yield).get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    _skip_as_failure((yield).get_result())  # a module skipped whole (importorskip at its top)


def long_unit(item) -> str | None:
    """The key of `LONG_UNITS` that ``item`` belongs to, or None for a short test."""
    test = f"{item.path.name}::{item.name}"
    for key in (test, test.split("[", 1)[0], item.path.name):
        if key in LONG_UNITS:
            return key
    return next((key for key in LONG_UNITS if "::" in key and test.startswith(key)), None)


@pytest.hookimpl(trylast=True)  # after -m and -k took their tests out: the slices are of what runs
def pytest_collection_modifyitems(config, items):
    """Order the tests so that every core starts on long ones and ends on short ones.

    ``pytest -n N --dist worksteal`` (`make test`) gives worker i the i-th of N equal slices of this list
    and later lets an idle worker take the end of a busy one's queue. So the long units (`LONG_UNITS`) are
    shared out among the N slices, longest first to the least loaded (each unit whole, on one worker:
    a module fixture or cache is computed once), each slice starts with its long units, longest first,
    and the short tests fill up every slice behind them. Without xdist: long units first, in that order.
    """
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    units: dict[str, list] = {}
    short = []
    for item in items:
        key = long_unit(item)
        (units.setdefault(key, []) if key else short).append(item)
    by_cost = sorted(units, key=lambda key: -LONG_UNITS[key])
    slices: list[list] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for key in by_cost:
        i = loads.index(min(loads))
        slices[i] += units[key]
        loads[i] += LONG_UNITS[key]
    ordered, left = [], len(items)
    for i, chosen in enumerate(slices):
        size = left // (workers - i)  # the slice xdist's worksteal scheduler sends worker i at the start
        fill = max(0, size - len(chosen))
        ordered += chosen + short[:fill]
        short = short[fill:]
        left -= len(chosen) + fill
    items[:] = ordered + short


@pytest.fixture(autouse=True)
def close_rendered_pages(monkeypatch):
    """Close every page a test rendered with `solara.render` when the test ends.

    A page left open stays subscribed to the app's global reactive values (the
    language above all), so that a later test switching to Dutch re-rendered
    every page of every earlier test: some 20 s a switch by the end of the suite.
    """
    solara = sys.modules.get("solara")
    if solara is None:
        yield
        return
    opened = []
    render = solara.render

    def render_and_remember(*args, **kwargs):
        widget, rc = render(*args, **kwargs)
        opened.append(rc)
        return widget, rc

    monkeypatch.setattr(solara, "render", render_and_remember)
    yield
    for rc in opened:
        try:
            rc.close()
        except Exception:  # noqa: BLE001 - a page the test closed already, or one that failed to render
            pass


@pytest.fixture
def small() -> dict:
    """Keyword arguments for a small model."""
    return dict(SMALL)


#: The smallest world a sweep test needs, as a sweep file's [parameters] table.
TINY_SWEEP_PARAMETERS = """
[parameters]
n_newcomers = 60
n_residents = 300
n_employers = 10
grid_width = 20
grid_height = 20
"""


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a process this test started: politely first, then for good."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A real `dask scheduler` and one `dask worker` (2 threads) on 127.0.0.1, stopped by PID."""
    from distributed import Client

    dask = Path(sys.executable).with_name("dask")
    logs = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = []
    try:
        with open(logs / "scheduler.log", "wb") as log:
            processes.append(subprocess.Popen(
                [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                stdout=log, stderr=subprocess.STDOUT))
        with open(logs / "worker.log", "wb") as log:
            processes.append(subprocess.Popen(
                [str(dask), "worker", address, "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "2",
                 "--no-nanny", "--no-dashboard", "--memory-limit", "0"],
                stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(1, timeout=max(1, deadline - time.monotonic()))
                break
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):  # the worker first, then the scheduler
            stop(process)
