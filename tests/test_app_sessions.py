"""The hosted app has a ceiling (issue 25): at most --max-users sessions, a friendly "full" page for the
next visitor, and a session's model freed soon after its last tab went, also while it was playing.

A real `nieuwkomers app` on 127.0.0.1 with --max-users 1 and a short session timeout, driven by the
simulated users of benchmarks/simulated_users.py (the app's own websocket protocol, no browser). The
load test of a class (30 users, 3 rounds) is benchmarks/bench_app_load.py, in `make bench`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from simulated_users import SimulatedUser, server_status  # noqa: E402

from viz.launch import free_port, spawn  # noqa: E402

SESSION_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def server():
    """`nieuwkomers app --max-users 1`, sessions closed 2 s after their last tab went; stopped by PID."""
    port = free_port()
    process = spawn(port, extra=("--max-users", "1"), env={"SOLARA_KERNEL_CULL_TIMEOUT": f"{SESSION_TIMEOUT_S}s"})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except Exception:  # noqa: BLE001 - make sure it is gone
            process.kill()
            process.wait()


def wait_for(base: str, condition, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    status = server_status(base, models=True)
    while not condition(status) and time.monotonic() < deadline:
        time.sleep(0.5)
        status = server_status(base, models=True)
    return status


def test_beyond_max_users_the_next_visitor_gets_the_full_page_and_a_left_session_is_freed(server):
    first = SimulatedUser(server)
    assert first.start() == "running"
    status = server_status(server, models=True)
    assert status["sessions"] == 1 and status["models"] == 1, status

    second = SimulatedUser(server)
    assert second.load_page() == 503 and second.status == "full"
    assert "The app is full" in second.page_text and "De app is nu vol" in second.page_text

    first.play(2.0)
    first.wait()
    assert first.status == "playing" and first.received > 0
    first.leave(goodbye=False)  # a laptop closed mid-play: no goodbye from the tab
    status = wait_for(server, lambda s: s["sessions"] == 0 and s["models"] == 0)
    assert status["sessions"] == 0 and status["models"] == 0, f"the session's model outlived it: {status}"

    assert second.start() == "running", "the place is free again"
    second.leave(goodbye=True)  # a closed tab ends its session at once
    assert wait_for(server, lambda s: s["sessions"] == 0, timeout=10)["sessions"] == 0


def test_make_bench_runs_the_load_test_of_a_class():
    """`make bench` runs every benchmarks/bench_*.py, the load test of 30 users among them, even after a failure."""
    root = Path(__file__).resolve().parent.parent
    recipe = (root / "Makefile").read_text(encoding="utf-8").split("\nbench:", 1)[1].split("\n\n", 1)[0]
    assert "benchmarks/run_all.py" in recipe and "|| status=1" in recipe
    sys.path.insert(0, str(root / "benchmarks"))
    import bench_app_load
    import run_all

    assert (run_all.HERE / "bench_app_load.py") in sorted(run_all.HERE.glob("bench_*.py"))
    assert (bench_app_load.USERS, bench_app_load.ROUNDS, bench_app_load.PLAY_SECONDS) == (30, 3, 60.0)
    assert bench_app_load.RETURN_MB == 50 and bench_app_load.CEILING_MB <= 2048
    assert bench_app_load.DEADLINE_S <= 30 * 60, "bounded in time"
