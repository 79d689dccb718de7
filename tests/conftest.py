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


#: Test files whose tests run for tens of seconds each: started first, so that on every core
#: (`make test` runs ``pytest -n auto``) the short tests fill in around them instead of one
#: long test finishing alone at the end.
LONG_FIRST = ("test_exercises.py", "test_calibrate.py", "test_app_browser.py", "test_app_classroom.py",
              "test_for_whom.py", "test_policy_directions.py", "test_peaks.py", "test_stress.py")


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


def pytest_collection_modifyitems(config, items):
    """Long test files first (see `LONG_FIRST`), each file's tests in their own order."""
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FIRST)))


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
