"""`nieuwkomers app`: serve the interactive app (viz/app.py) with Solara.

Binds to 127.0.0.1 unless ``--host`` says otherwise: only this computer can
open the page. ``--host 0.0.0.0`` shares it with everyone who can reach this
machine on the network (a classroom; see docs/app.md for the risks).

The server has a ceiling, so that a class (or anyone on the network) cannot
exhaust it:

- **At most ``--max-users`` sessions** (browser tabs) at once (`SessionCap`,
  default `DEFAULT_MAX_USERS`): beyond it a new visitor gets a short "the app
  is full, try again in a minute" page (HTTP 503, in English and Dutch, which
  retries by itself), and a websocket for a new session is refused.
- **A session ends soon after its last tab goes**: Solara closes a session
  whose tabs have all disconnected after ``SOLARA_KERNEL_CULL_TIMEOUT``
  (default here `SESSION_TIMEOUT`; a closed tab ends it at once), and the
  server then collects the session's model and hands the memory back to the
  system (`release_memory`), on the C library's allocator
  (`use_system_allocator`), and ends the threads of closed connections.
- ``/_nieuwkomers/sessions`` says how many sessions are live (JSON; to this
  computer it also counts the models alive), for monitoring and the tests.

Longer than 400 lines because checking the command line, the session cap in
front of Solara's server and the child server the tests and benchmarks spawn
must agree on the same limits and addresses.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import ipaddress
import json
import os
import signal
import socket
import sys
import threading
import time
import warnings

from experiments.errors import UsageError

HELP = "open the interactive app in the browser (Solara; binds to 127.0.0.1 unless --host)"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
APP_MODULE = "viz.app"
#: Sessions (browser tabs) one server holds at once: a class of 30 with the teacher and a spare tab.
#: Measured (benchmarks/bench_app_load.py): about 300 MB idle plus about 25 MB a session at the default size.
DEFAULT_MAX_USERS = 32
MAX_USERS_VARIABLE = "NIEUWKOMERS_MAX_USERS"  # the default of --max-users (a container's setting)
SESSION_TIMEOUT = "30s"  # a session whose tabs all disconnected is closed after this (SOLARA_KERNEL_CULL_TIMEOUT)
RESERVE_SECONDS = 30.0  # a page served holds a place this long for its websocket
JANITOR_SECONDS = 2.0  # how often the server looks for closed sessions to free
JANITOR_PASSES = 3  # collections after a session closes (its play thread ends a moment later)
IDLE_THREADS_AFTER_S = 12.0  # the server's idle connection threads end after 10 s without work (anyio)
STATUS_PATH = "/_nieuwkomers/sessions"
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
RETRY_SECONDS = 30
#: Paths that are not pages: assets, Solara's own routes, the websockets.
NOT_PAGES = ("/static", "/_solara", "/jupyter", "/readyz", "/resourcez", "/_nieuwkomers")
FULL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{retry}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>nieuwkomers: full</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}}
h1{{font-size:1.4em}} p{{line-height:1.5}} .nl{{color:#555}}</style></head>
<body class="nk-full"><h1>The app is full right now</h1>
<p>{users} people are using it, the most this server takes at once. Try again in a minute: this page
tries again by itself every {retry} seconds. If someone has the app open in a tab they no longer use,
closing that tab frees a place.</p>
<p class="nl" lang="nl"><b>De app is nu vol.</b> Er werken {users} mensen mee, het maximum voor deze
server. Probeer het over een minuut opnieuw: deze pagina probeert het elke {retry} seconden zelf.</p>
</body></html>
"""


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
    parser.add_argument("--design", metavar="DIR", default=None,
                        help="the folder of a stored `nieuwkomers design` for the page's design panel "
                             "(default results/design)")
    parser.add_argument("--max-users", default=os.environ.get(MAX_USERS_VARIABLE, str(DEFAULT_MAX_USERS)),
                        metavar="N",
                        help=f"at most N sessions (browser tabs) at once; beyond them a visitor is asked to try "
                             f"again in a minute (default {DEFAULT_MAX_USERS}, or ${MAX_USERS_VARIABLE}; "
                             "see docs/app.md)")


def _whole_number(text: str, option: str, low: int, high: int) -> int:
    """A whole number ``low``..``high`` typed for ``option``.

    Raises:
        UsageError: If the text is not such a number.
    """
    text = str(text).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise UsageError(f"{option} {text!r} is not allowed: expected a whole number {low}..{high}")
    return int(text)


def parse_max_users(text: str) -> int:
    """A session cap 1..10000.

    Raises:
        UsageError: If the text is not such a number.
    """
    return _whole_number(text, "--max-users", 1, 10_000)


def parse_port(text: str) -> int:
    """A port number 0..65535 (0: any free port).

    Raises:
        UsageError: If the text is not such a number.
    """
    return _whole_number(text, "--port", 0, 65535)


def use_design_folder(folder: str) -> None:
    """Show the design stored in ``folder`` (``--design``) in the page's design panel.

    Raises:
        UsageError: If it holds none (naming the folder and how to make one).
    """
    from viz.design_view import FOLDER_VARIABLE, load_design

    if load_design(folder) is None:
        raise UsageError(f"--design {folder}: no design found there (expected design.json and pareto.csv "
                         f"from `nieuwkomers design --out {folder}`)")
    os.environ[FOLDER_VARIABLE] = os.path.abspath(folder)


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


def live_sessions() -> int:
    """Sessions this server holds now (Solara's virtual kernels, connected or waiting to be closed)."""
    from solara.server import kernel_context

    return len(kernel_context.contexts)


def models_alive() -> int:
    """Models alive in this process (walks the heap: for monitoring and tests, not for every request)."""
    from model.model import IntegrationModel

    return sum(1 for obj in gc.get_objects() if isinstance(obj, IntegrationModel))


def release_memory() -> None:
    """Collect what closed sessions left (a model is many objects in cycles) and hand freed memory back."""
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # pragma: no cover - not glibc
            pass


class SessionCap:
    """ASGI middleware around Solara's server: at most ``max_users`` sessions, freed soon after they end.

    A session is one browser tab (a Solara virtual kernel). A page served
    reserves a place for `RESERVE_SECONDS`, until its websocket makes the
    session; when sessions and reservations reach ``max_users``, a page
    request gets `FULL_PAGE` (503, ``Retry-After``) and a websocket for a new
    session is closed with code 1013 ("try again later"). A reconnecting tab
    (an existing session) is always let in.

    A janitor thread frees the memory of closed sessions (`release_memory`)
    whenever the number of sessions falls.
    """

    def __init__(self, app, max_users: int):
        self.app = app
        self.max_users = max_users
        self.reserved: list[float] = []
        self._lock = threading.Lock()
        self._janitor: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _reservations(self) -> int:
        cutoff = time.monotonic() - RESERVE_SECONDS
        with self._lock:
            self.reserved = [t for t in self.reserved if t > cutoff]
            return len(self.reserved)

    def taken(self) -> int:
        """Places taken: live sessions and pages served whose websocket has not come yet."""
        return live_sessions() + self._reservations()

    async def __call__(self, scope, receive, send):
        kind = scope["type"]
        if self._janitor is None:
            self._loop = asyncio.get_running_loop()
            self._start_janitor()
        if kind == "http":
            path = scope.get("path", "")
            if path == STATUS_PATH:
                return await self._status(scope, send)
            if scope.get("method") == "GET" and _is_page(path):
                if self.taken() >= self.max_users:
                    return await self._full(send)
                with self._lock:
                    self.reserved.append(time.monotonic())
        elif kind == "websocket":
            kernel = _kernel_id(scope.get("path", ""))
            if kernel is not None and not self._known(kernel):
                if live_sessions() >= self.max_users:
                    await send({"type": "websocket.close", "code": 1013})
                    return
                with self._lock:
                    if self.reserved:
                        self.reserved.pop(0)
        await self.app(scope, receive, send)

    @staticmethod
    def _known(kernel: str) -> bool:
        from solara.server import kernel_context

        return kernel in kernel_context.contexts

    async def _full(self, send) -> None:
        body = FULL_PAGE.format(users=self.max_users, retry=RETRY_SECONDS).encode("utf-8")
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store"),
                                (b"retry-after", str(RETRY_SECONDS).encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _status(self, scope, send) -> None:
        status = {"sessions": live_sessions(), "reserved": self._reservations(), "max_users": self.max_users}
        client = (scope.get("client") or ("", 0))[0]
        if is_loopback(client) and "models" in scope.get("query_string", b"").decode("latin-1"):
            status["models"] = await asyncio.get_running_loop().run_in_executor(None, _collected_models)
        body = json.dumps(status).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": body})

    def _start_janitor(self) -> None:
        with self._lock:
            if self._janitor is not None:
                return
            self._janitor = threading.Thread(target=self._free_closed_sessions, name="nieuwkomers-janitor",
                                             daemon=True)
        self._janitor.start()

    def _free_closed_sessions(self) -> None:
        last, passes, fell = 0, 0, None
        while True:
            time.sleep(JANITOR_SECONDS)
            now = live_sessions()
            if now < last:
                passes, fell = JANITOR_PASSES, time.monotonic()  # a closed session's threads let go soon after
            if passes:
                release_memory()
                passes -= 1
            if fell is not None and time.monotonic() - fell > IDLE_THREADS_AFTER_S:
                self._end_idle_threads()  # each idle thread keeps some memory of its own
                release_memory()
                fell = None
            last = now

    def _end_idle_threads(self) -> None:
        """Let the server's pool end the threads of closed connections (it does so only when next used)."""
        import anyio

        if self._loop is None or self._loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(anyio.to_thread.run_sync(lambda: None), self._loop).result(timeout=10)
        except Exception:  # noqa: BLE001 - a busy or stopping server: the next connection does it
            pass


def _collected_models() -> int:
    release_memory()
    return models_alive()


def _is_page(path: str) -> bool:
    """A request for a page of the app (not an asset, not one of Solara's routes)."""
    if path.startswith(NOT_PAGES):
        return False
    return "." not in path.rsplit("/", 1)[-1]


def _kernel_id(path: str) -> str | None:
    """The session (kernel) id of a websocket path ``/jupyter/api/kernels/<id>/<channel>``."""
    parts = path.strip("/").split("/")
    if len(parts) >= 4 and parts[:3] == ["jupyter", "api", "kernels"]:
        return parts[3]
    return None


SERVER_APP = "solara.server.starlette:app"  # what `solara run` asks uvicorn to serve


def install_session_cap(max_users: int) -> None:
    """Put `SessionCap` in front of the app `solara run` serves, when uvicorn loads it.

    Solara's server module must be imported by ``solara run`` itself (it reads
    its settings at import), so the cap is put in where uvicorn imports the app.
    """
    import uvicorn.config

    original = getattr(uvicorn.config.import_from_string, "__wrapped__", uvicorn.config.import_from_string)

    def import_with_cap(name):
        found = original(name)
        return SessionCap(found, max_users) if name == SERVER_APP else found

    import_with_cap.__wrapped__ = original
    uvicorn.config.import_from_string = import_with_cap


#: How the server's memory is allocated (see `use_system_allocator`).
ALLOCATOR_ENVIRONMENT = {"PYTHONMALLOC": "malloc", "GLIBC_TUNABLES": "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=2"}


def use_system_allocator() -> None:
    """Restart this process (same id, same arguments) on the C library's allocator, once.

    With Python's own allocator, a model's many small objects leave its memory
    blocks partly used when the model goes, and the server kept some 15 MB for
    every session that had come and gone. On the C library's (glibc's) allocator,
    without its per-thread caches (which hold freed memory for threads that may
    never run again) and with at most two arenas (each websocket thread got an
    arena of its own, and freed memory scattered over a dozen arenas is not
    handed back), `release_memory` hands nearly all of it back. Measured with
    ``benchmarks/bench_app_load.py`` (3 rounds of 30 users): the server ended
    +36, +79, +81 MB above idle with per-thread arenas, +40, +44, +46 MB with
    two; no change in speed beyond noise.

    Only when started as ``nieuwkomers app`` from the command line (not when
    `main` is called from Python, e.g. by a test), and only if ``PYTHONMALLOC``
    is not set already (the Docker image sets these variables itself); a
    variable already set is kept.
    """
    if os.environ.get("PYTHONMALLOC") or len(sys.argv) < 2 or sys.argv[1] != "app":
        return
    for name, value in ALLOCATOR_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "experiments.cli", *sys.argv[1:]])


def main(args) -> int:
    """Serve the app until interrupted (Ctrl-C)."""
    silence_cookie_warning()
    host = check_host(args.host)
    port = parse_port(args.port)
    max_users = parse_max_users(args.max_users)
    if args.design is not None:
        use_design_folder(args.design)
    check_port_free(host, port)
    use_system_allocator()
    open_browser = has_desktop() if args.open_browser is None else args.open_browser
    if not is_loopback(host):
        print(f"nieuwkomers app: listening on {host}: anyone who can reach this computer on the network "
              "can open the app and use its CPU. Stop it (Ctrl-C) after the class; see docs/app.md.",
              file=sys.stderr)
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no usage telemetry, also offline
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", SESSION_TIMEOUT)  # free the runs of vanished tabs
    from solara.__main__ import cli

    install_session_cap(max_users)
    print(f"nieuwkomers app: at most {max_users} sessions at once (--max-users); press Ctrl-C to stop",
          file=sys.stderr)
    import click

    try:
        cli.main(args=solara_arguments(host, port, open_browser), prog_name="nieuwkomers app",
                 standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl-C or SIGTERM while serving: the server has shut down
        print("nieuwkomers app: stopped", file=sys.stderr)
    return 0


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` right now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _end_with_parent() -> None:
    """In a spawned server (Linux): SIGTERM when the thread that spawned it ends, so none is left behind."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def spawn(port: int, host: str = DEFAULT_HOST, timeout: float = 120.0, log=None, extra: tuple = (),
          env: dict | None = None):
    """Start `nieuwkomers app` as a child process and wait until the page answers.

    Used by the browser tests and benchmarks/bench_app.py; stop it with
    ``process.terminate()`` (its PID is ``process.pid``).

    Args:
        port: Port to serve on.
        host: Address to serve on.
        timeout: Seconds to wait for the first answer.
        log: A file for the server's output (default: discarded).
        extra: More arguments of `nieuwkomers app` (``("--max-users", "2")``).
        env: Environment variables to set for the server (``SOLARA_KERNEL_CULL_TIMEOUT``).

    Returns:
        The running `subprocess.Popen`.

    Raises:
        RuntimeError: If the server exits or does not answer in time.
    """
    import subprocess
    import time
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "app", "--host", host, "--port", str(port), "--no-open", *extra],
        stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        env={**os.environ, **(env or {})}, preexec_fn=_end_with_parent)
    url = f"http://{host}:{port}{STATUS_PATH}"  # answers without taking a place
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
