"""`nieuwkomers app`: serve the interactive app (viz/app.py) with Solara.

Binds to 127.0.0.1 unless ``--host`` says otherwise: only this computer can
open the page. ``--host 0.0.0.0`` shares it with everyone who can reach this
machine on the network (a classroom; see docs/app.md for the risks).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import warnings

from experiments.cli import UsageError

HELP = "open the interactive app in the browser (Solara; binds to 127.0.0.1 unless --host)"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
APP_MODULE = "viz.app"


def add_arguments(parser) -> None:
    """The options of `nieuwkomers app`."""
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="address to listen on (default 127.0.0.1: this computer only; "
                             "0.0.0.0 shares the app on the network, see docs/app.md)")
    parser.add_argument("--port", default=str(DEFAULT_PORT),
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--open", dest="open_browser", action="store_true", default=None,
                        help="open the page in a web browser (default: when a desktop is available)")
    parser.add_argument("--no-open", dest="open_browser", action="store_false",
                        help="do not open a web browser; just print the address")


def parse_port(text: str) -> int:
    """A port number 0..65535 (0: any free port).

    Raises:
        UsageError: If the text is not such a number.
    """
    text = str(text).strip()
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise UsageError(f"--port {text!r} is not allowed: expected a whole number 0..65535")
    return int(text)


def check_host(host: str) -> str:
    """A host name or IP address to listen on.

    Raises:
        UsageError: If it is empty or contains characters no host name has.
    """
    host = host.strip()
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
    if not host or len(host) > 253 or not set(host) <= allowed:
        raise UsageError(f"--host {host!r} is not allowed: expected an IP address or a host name")
    return host


def is_loopback(host: str) -> bool:
    """True if only this computer can reach ``host``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port_free(host: str, port: int) -> None:
    """Fail early, with one clear line, if the port is taken or the address is not this machine's.

    Raises:
        UsageError: If binding fails.
    """
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise UsageError(f"cannot listen on {host}:{port} ({err.strerror}); "
                             f"choose another with --port, or check --host") from None


def has_desktop() -> bool:
    """True where a web browser can be opened (a desktop session, macOS or Windows)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def solara_arguments(host: str, port: int, open_browser: bool) -> list[str]:
    """The `solara run` command line for the app (production mode, no version check, offline)."""
    return ["run", APP_MODULE, "--host", host, "--port", str(port), "--production",
            "--no-check-version", "--open" if open_browser else "--no-open", "--log-level", "warning"]


def silence_cookie_warning() -> None:
    """Keep the terminal quiet: no 12-line cookie warning for every browser that opens the page.

    Solara's page handler (``solara/server/starlette.py``, ``root``) warns on every
    page load over plain http from any host but ``localhost`` (127.0.0.1, a
    classroom address) that the session cookie falls back to ``SameSite=Lax``. That
    matters only for a page embedded in an iframe on another site; this app is opened
    directly, where Lax is the browser's default and the session works. Other
    warnings still show.
    """
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https",
                            category=UserWarning, module="solara.server.starlette")


def main(args) -> int:
    """Serve the app until interrupted (Ctrl-C)."""
    silence_cookie_warning()
    host = check_host(args.host)
    port = parse_port(args.port)
    check_port_free(host, port)
    open_browser = has_desktop() if args.open_browser is None else args.open_browser
    if not is_loopback(host):
        print(f"nieuwkomers app: listening on {host}: anyone who can reach this computer on the network "
              "can open the app and use its CPU. Stop it (Ctrl-C) after the class; see docs/app.md.",
              file=sys.stderr)
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no usage telemetry, also offline
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "20m")  # free the runs of vanished tabs (docs/app.md)
    from solara.__main__ import cli

    print("nieuwkomers app: press Ctrl-C to stop", file=sys.stderr)
    cli.main(args=solara_arguments(host, port, open_browser), prog_name="nieuwkomers app",
             standalone_mode=False)
    return 0


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` right now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def spawn(port: int, host: str = DEFAULT_HOST, timeout: float = 120.0, log=None):
    """Start `nieuwkomers app` as a child process and wait until the page answers.

    Used by the browser tests and benchmarks/bench_app.py; stop it with
    ``process.terminate()`` (its PID is ``process.pid``).

    Args:
        port: Port to serve on.
        host: Address to serve on.
        timeout: Seconds to wait for the first answer.
        log: A file for the server's output (default: discarded).

    Returns:
        The running `subprocess.Popen`.

    Raises:
        RuntimeError: If the server exits or does not answer in time.
    """
    import subprocess
    import time
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "app", "--host", host, "--port", str(port), "--no-open"],
        stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT if log else subprocess.DEVNULL)
    url = f"http://{host}:{port}/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # local: never via a proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nieuwkomers app exited with code {process.returncode}")
        try:
            with opener.open(url, timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"nieuwkomers app did not answer at {url} within {timeout:.0f} s")
