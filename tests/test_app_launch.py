"""`nieuwkomers app`: safe defaults, bad input refused in one line, the Solara command it runs."""

from __future__ import annotations

import os
import socket

import pytest

from experiments.cli import build_parser, main
from viz import launch


class FakeSolara:
    """Stands in for Solara's command line: records what it was asked to run."""

    def __init__(self):
        self.args = None

    def main(self, args, prog_name, standalone_mode):
        self.args = args


@pytest.fixture
def solara_cli(monkeypatch):
    import solara.__main__

    fake = FakeSolara()
    monkeypatch.setattr(solara.__main__, "cli", fake)
    return fake


def test_the_app_listens_on_this_computer_only_by_default():
    args = build_parser().parse_args(["app"])
    assert args.host == "127.0.0.1"
    assert launch.is_loopback(args.host)


def test_the_app_is_served_in_production_mode_without_phoning_home(solara_cli):
    port = launch.free_port()
    assert main(["app", "--port", str(port), "--no-open"]) == 0
    args = solara_cli.args
    assert args[:2] == ["run", "viz.app"]
    assert args[args.index("--host") + 1] == "127.0.0.1" and args[args.index("--port") + 1] == str(port)
    assert {"--production", "--no-check-version", "--no-open"} <= set(args)


def test_sharing_on_the_network_warns_about_it(solara_cli, capsys):
    assert main(["app", "--host", "0.0.0.0", "--port", str(launch.free_port()), "--no-open"]) == 0
    assert "anyone who can reach this computer" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--port", "http"], ["--port", "70000"], ["--port", "-1"],
                                  ["--host", "evil host; rm -rf /"], ["--host", ""]])
def test_bad_host_or_port_is_refused_in_one_line(argv, solara_cli, capsys):
    assert main(["app", *argv, "--no-open"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err
    assert solara_cli.args is None


def test_a_port_in_use_is_refused_before_starting(solara_cli, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port), "--no-open"]) == 2
    assert "--port" in capsys.readouterr().err
    assert solara_cli.args is None


# --- the ceiling of a hosted app (issue 25) ---------------------------------------------------------


def test_max_users_has_a_class_sized_default_and_bad_values_are_refused(solara_cli, capsys, monkeypatch):
    assert build_parser().parse_args(["app"]).max_users == str(launch.DEFAULT_MAX_USERS)
    monkeypatch.setenv(launch.MAX_USERS_VARIABLE, "12")
    assert build_parser().parse_args(["app"]).max_users == "12"
    for bad in ("0", "-3", "lots", "100000"):
        assert main(["app", "--max-users", bad, "--no-open", "--port", str(launch.free_port())]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--max-users" in err
    assert solara_cli.args is None


def test_sessions_are_closed_soon_after_their_tabs_go_and_the_cap_is_put_in_front(solara_cli, monkeypatch):
    import uvicorn.config

    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    monkeypatch.setattr(uvicorn.config, "import_from_string", uvicorn.config.import_from_string)
    assert main(["app", "--max-users", "5", "--port", str(launch.free_port()), "--no-open"]) == 0
    assert os.environ["SOLARA_KERNEL_CULL_TIMEOUT"] == launch.SESSION_TIMEOUT == "30s"
    served = uvicorn.config.import_from_string(launch.SERVER_APP)
    assert isinstance(served, launch.SessionCap) and served.max_users == 5
    assert not isinstance(uvicorn.config.import_from_string("solara.server.starlette:lifespan"), launch.SessionCap)


class Inner:
    """Stands in for Solara's server: records what reached it."""

    def __init__(self):
        self.calls = []

    async def __call__(self, scope, receive, send):
        self.calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"the app"})


def request(cap, path: str, kind: str = "http") -> list[dict]:
    import asyncio

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": kind, "path": path, "method": "GET", "client": ("127.0.0.1", 5000), "query_string": b""}
    asyncio.run(cap(scope, receive, send))
    return sent


@pytest.fixture
def cap(monkeypatch):
    sessions = {"n": 0, "known": set()}
    monkeypatch.setattr(launch, "live_sessions", lambda: sessions["n"])
    monkeypatch.setattr(launch.SessionCap, "_known", staticmethod(lambda kernel: kernel in sessions["known"]))
    monkeypatch.setattr(launch.SessionCap, "_start_janitor", lambda self: None)
    inner = Inner()
    yield launch.SessionCap(inner, max_users=2), inner, sessions


def test_the_next_visitor_beyond_the_cap_gets_a_friendly_full_page(cap):
    middleware, inner, sessions = cap
    assert request(middleware, "/")[0]["status"] == 200  # a place is held for this page's websocket
    sessions["n"] = 1
    full = request(middleware, "/")  # one session and one page waiting for its websocket: full
    assert full[0]["status"] == 503 and (b"retry-after", b"30") in full[0]["headers"]
    page = full[1]["body"].decode()
    assert "The app is full" in page and "De app is nu vol" in page and 'http-equiv="refresh"' in page
    assert request(middleware, "/static/main.js")[0]["status"] == 200, "assets are never refused"
    assert inner.calls == ["/", "/static/main.js"]


def test_a_websocket_for_a_new_session_beyond_the_cap_is_refused_a_reconnect_is_not(cap):
    middleware, inner, sessions = cap
    sessions["n"], sessions["known"] = 2, {"abc"}
    assert request(middleware, "/jupyter/api/kernels/new1/channels", "websocket") == [
        {"type": "websocket.close", "code": 1013}]
    request(middleware, "/jupyter/api/kernels/abc/channels", "websocket")
    assert inner.calls == ["/jupyter/api/kernels/abc/channels"]


def test_the_status_says_how_many_sessions_without_taking_a_place(cap):
    import json

    middleware, inner, sessions = cap
    sessions["n"] = 2
    sent = request(middleware, launch.STATUS_PATH)
    assert sent[0]["status"] == 200 and json.loads(sent[1]["body"]) == {"sessions": 2, "reserved": 0, "max_users": 2}
    assert inner.calls == []
