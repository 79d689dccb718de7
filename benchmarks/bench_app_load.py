"""A class on the hosted app: 30 users connect, play for a minute and leave, three rounds (issue 25).

Serves `nieuwkomers app --max-users 30` on 127.0.0.1 (loopback only) and runs
`ROUNDS` rounds of `USERS` simulated users (``benchmarks/simulated_users.py``:
the app's own websocket protocol, no browser). In each round every user opens
the page and starts the app (the server builds its page and model), presses
Play, plays for `PLAY_SECONDS` and leaves by dropping the connection, without
the goodbye a closed tab sends (a laptop lid closed: the worst case). While
the 30 are in, one more user asks for the page and must get the "full" page.

Checked, and written to ``benchmarks/out/app_load.json``:

- the server answers every user (each one's app starts and plays);
- the 31st user gets the "full" page (HTTP 503);
- the server's memory (RSS) stays under `CEILING_MB` throughout;
- within `FREED_WITHIN_S` of the users leaving, no session and no model is left,
  and the memory is back within `RETURN_MB` of idle (idle: after one user came
  and went, so that the page's code is loaded).

Bounded: `USERS` + 1 users a round, `ROUNDS` rounds, every wait has a timeout,
and the whole run stops after `DEADLINE_S`. Usage::

    python benchmarks/bench_app_load.py [--users 30] [--rounds 3] [--play 60]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from simulated_users import SimulatedUser, server_status  # noqa: E402

from viz.launch import free_port, spawn  # noqa: E402

USERS = 30
ROUNDS = 3
PLAY_SECONDS = 60.0
CEILING_MB = 2048  # compose.yaml gives each app process 2 GB
RETURN_MB = 50
FREED_WITHIN_S = 60.0  # the sessions' models freed within a minute of the last disconnect
DEADLINE_S = 25 * 60
STARTING_AT_ONCE = 6  # users opening the page at the same moment
SETTLE_S = 20.0  # after the sessions are freed, the server ends idle connection threads (viz.launch)


class MemoryWatch:
    """The server's RSS, sampled twice a second in a thread: the peak since the last `reset`."""

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> float:
        return self.process.memory_info().rss / 2**20

    def reset(self) -> None:
        self.peak = self.now()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.now())
            except psutil.Error:
                return
            time.sleep(0.5)

    def stop(self) -> None:
        self._stop.set()


def wait_until_empty(base: str, timeout: float) -> tuple[float | None, dict]:
    """Seconds until no session and no model is left (None if not within ``timeout``), and the last status."""
    start = time.monotonic()
    status: dict = {}
    while time.monotonic() - start < timeout:
        status = server_status(base)
        if status["sessions"] == 0 and status["reserved"] == 0:
            status = server_status(base, models=True)
            if status.get("models") == 0:
                return time.monotonic() - start, status
        time.sleep(1.0)
    return None, status


def settled_memory(watch: MemoryWatch, seconds: float = SETTLE_S) -> float:
    """The server's RSS once it has settled (its lowest over a few seconds)."""
    lowest = watch.now()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.5)
        lowest = min(lowest, watch.now())
    return lowest


def one_round(base: str, users: int, play: float, watch: MemoryWatch, idle: float) -> dict:
    """One round: ``users`` users start, play and leave; one more is turned away meanwhile."""
    watch.reset()
    crowd = [SimulatedUser(base) for _ in range(users)]
    started = time.monotonic()
    with ThreadPoolExecutor(STARTING_AT_ONCE) as pool:
        statuses = list(pool.map(lambda user: user.start(), crowd))
    start_seconds = time.monotonic() - started
    running = sum(s == "running" for s in statuses)
    extra = SimulatedUser(base)
    extra_status = extra.load_page()
    full_page = extra_status == 503 and "nk-full" in extra.page_text
    for user in crowd:
        if user.status == "running":
            user.play(play)
    for user in crowd:
        user.wait()
    played = sum(u.status == "playing" for u in crowd)
    received = sum(u.received for u in crowd)
    during = server_status(base)
    for user in crowd:
        user.leave(goodbye=False)
    left_at = time.monotonic()
    freed_after, status = wait_until_empty(base, FREED_WITHIN_S + 30)
    after = settled_memory(watch)
    result = {
        "users": users, "apps_started": running, "start_seconds_all": round(start_seconds, 1),
        "played_a_minute": played, "messages_received": received, "sessions_while_playing": during["sessions"],
        "extra_user_http_status": extra_status, "extra_user_got_full_page": full_page,
        "peak_rss_mb": round(watch.peak, 1), "rss_after_mb": round(after, 1), "idle_rss_mb": round(idle, 1),
        "above_idle_after_mb": round(after - idle, 1),
        "sessions_and_models_freed_after_s": None if freed_after is None else round(freed_after, 1),
        "status_after": status, "seconds": round(time.monotonic() - started, 1),
        "left_to_freed_s": None if freed_after is None else round(time.monotonic() - left_at, 1),
    }
    result["ok"] = bool(running == users and played == users and full_page and watch.peak < CEILING_MB
                        and freed_after is not None and freed_after <= FREED_WITHIN_S
                        and after - idle <= RETURN_MB)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--play", type=float, default=PLAY_SECONDS, help="seconds each user plays")
    args = parser.parse_args()
    if not (1 <= args.users <= 100 and 1 <= args.rounds <= 10 and 0 < args.play <= 300):
        parser.error("bounded: --users 1..100, --rounds 1..10, --play up to 300 s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # stop the server on the way out
    deadline = time.monotonic() + DEADLINE_S
    port = free_port()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    with open(out / "app_load_server.log", "w") as log:
        server = spawn(port, host="127.0.0.1", log=log, extra=("--max-users", str(args.users)))
    base = f"http://127.0.0.1:{port}"
    watch = MemoryWatch(server.pid)
    results: dict = {"users": args.users, "rounds": [], "max_users": args.users, "play_seconds": args.play,
                     "ceiling_mb": CEILING_MB, "return_within_mb": RETURN_MB, "freed_within_s": FREED_WITHIN_S,
                     "cpus": os.cpu_count(), "load_average_before": os.getloadavg()}
    try:
        results["rss_fresh_mb"] = round(watch.now(), 1)
        warm = SimulatedUser(base)  # one user comes and goes: the page's code is loaded, as after any visit
        warm.start()
        warm.leave(goodbye=True)
        wait_until_empty(base, FREED_WITHIN_S + 30)
        idle = settled_memory(watch)
        results["idle_rss_mb"] = round(idle, 1)
        print(f"idle: {idle:.0f} MB (fresh {results['rss_fresh_mb']:.0f} MB)", file=sys.stderr)
        for number in range(1, args.rounds + 1):
            if time.monotonic() > deadline:
                results["stopped"] = "deadline"
                break
            result = one_round(base, args.users, args.play, watch, idle)
            results["rounds"].append(result)
            print(f"round {number}: {json.dumps(result)}", file=sys.stderr)
    finally:
        watch.stop()
        server.terminate()
        try:
            server.wait(timeout=30)
        except Exception:  # noqa: BLE001 - make sure it is gone
            server.kill()
            server.wait()
    results["load_average_after"] = os.getloadavg()
    results["ok"] = bool(results["rounds"]) and all(r["ok"] for r in results["rounds"]) \
        and len(results["rounds"]) == args.rounds
    (out / "app_load.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    for r in results["rounds"]:
        print(f"{r['users']} users: peak {r['peak_rss_mb']:.0f} MB (ceiling {CEILING_MB}), after "
              f"{r['rss_after_mb']:.0f} MB = idle + {r['above_idle_after_mb']:.0f} MB (at most {RETURN_MB}), "
              f"freed {r['sessions_and_models_freed_after_s']} s after leaving, 31st user: "
              f"{'full page' if r['extra_user_got_full_page'] else 'NOT turned away'}  "
              f"{'ok' if r['ok'] else 'FAILED'}")
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
