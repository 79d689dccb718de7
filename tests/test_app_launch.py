"""`nieuwkomers app`: safe defaults, bad input refused in one line, the Solara command it runs."""

from __future__ import annotations

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
