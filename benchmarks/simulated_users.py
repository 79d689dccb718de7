"""Users of the hosted app without a browser: each opens the page, starts the app, presses Play, leaves.

A `SimulatedUser` speaks the app's own protocol over the websocket, as the
page's JavaScript does: it loads the page (which sets Solara's session
cookie), opens a kernel websocket, asks Solara to run the app (so the server
builds the page and its `LiveRun`, the model included), finds the Play button
among the widgets the server sends and clicks it; while playing it reads and
drops everything the server sends, as a browser would draw it. It leaves by
closing the websocket, without the goodbye a closed tab sends: the worst case,
a laptop lid closed, which the server must clean up by itself.

Used by ``benchmarks/bench_app_load.py`` (30 users, 3 rounds) and
``tests/test_app_sessions.py`` (the cap and the clean-up, fast).
"""

from __future__ import annotations

import http.cookiejar
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

PLAY_LABEL = "▶"
STATUS_PATH = "/_nieuwkomers/sessions"


def _opener(jar: http.cookiejar.CookieJar | None = None):
    handlers = [urllib.request.ProxyHandler({})]  # loopback: never through a proxy
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def server_status(base: str, models: bool = False, timeout: float = 30.0) -> dict:
    """The server's ``/_nieuwkomers/sessions`` (with ``models``: the models alive, after a collection)."""
    url = base.rstrip("/") + STATUS_PATH + ("?models=1" if models else "")
    with _opener().open(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def _message(msg_type: str, session: str, content: dict) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "", "session": session,
                   "date": datetime.now(UTC).isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "content": content, "buffers": [],
    })


class SimulatedUser:
    """One browser tab's worth of traffic against ``base`` (``http://127.0.0.1:PORT``).

    Attributes:
        status: "new", "full" (got the full page), "refused" (websocket refused),
            "running" (the app is on screen), "playing", "left" or "failed: ...".
        received: Messages received from the server.
    """

    def __init__(self, base: str, timeout: float = 120.0):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.kernel, self.page = uuid.uuid4().hex, uuid.uuid4().hex
        self.status = "new"
        self.received = 0
        self.page_status: int | None = None
        self.page_text = ""
        self._ws = None
        self._widgets: dict[str, dict] = {}
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()

    def load_page(self) -> int:
        """GET the page (sets the session cookie); returns the HTTP status (503: full)."""
        try:
            with _opener(self.jar).open(self.base + "/", timeout=self.timeout) as response:
                self.page_status, self.page_text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            self.page_status, self.page_text = err.code, err.read().decode("utf-8", "replace")
        if self.page_status == 503:
            self.status = "full"
        return self.page_status

    def start(self) -> str:
        """Load the page and start the app (the server builds its page and model); returns the status."""
        if self.load_page() != 200:
            return self.status
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        url = (self.base.replace("http://", "ws://", 1)
               + f"/jupyter/api/kernels/{self.kernel}/channels?session_id={self.page}")
        try:
            self._ws = connect(url, additional_headers={"Cookie": cookie}, open_timeout=self.timeout,
                               max_size=None, proxy=None, ping_interval=None, legacy=True)
        except Exception as err:  # noqa: BLE001 - a refused websocket is an outcome here
            self.status = "refused" if "1013" in str(err) or "403" in str(err) else f"failed: {err}"
            return self.status
        comm = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": comm, "target_name": "solara.control", "data": {}})
        self._send("comm_msg", {"comm_id": comm, "data": {"method": "run",
                                                          "args": {"path": "", "appName": "__default__"}}})
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline - time.monotonic())
            if message is None:
                break
            content = message.get("content", {})
            if message.get("msg_type") == "comm_msg" and content.get("comm_id") == comm \
                    and content.get("data", {}).get("method") == "finished":
                self.status = "running"
                return self.status
        self.status = "failed: the app did not start in time"
        return self.status

    def play(self, seconds: float) -> None:
        """Press Play and keep reading what the server sends for ``seconds`` (in a thread; see `wait`)."""
        button = next((cid for cid, state in self._widgets.items()
                       if state.get("_model_name") == "BtnModel" and state.get("children") == [PLAY_LABEL]), None)
        if button is None:
            self.status = "failed: no Play button"
            return
        self._send("comm_msg", {"comm_id": button, "data": {"method": "custom",
                                                            "content": {"event": "click", "data": {}}}})
        self.status = "playing"
        self._stop.clear()
        self._reader = threading.Thread(target=self._drain, args=(seconds,), daemon=True)
        self._reader.start()

    def wait(self) -> None:
        """Wait until `play` has played its time."""
        if self._reader is not None:
            self._reader.join()

    def leave(self, goodbye: bool = False) -> None:
        """Close the websocket; with ``goodbye``, first send what a closed tab sends (the page-close beacon)."""
        self._stop.set()
        if goodbye:
            request = urllib.request.Request(f"{self.base}/_solara/api/close/{self.kernel}?session_id={self.page}",
                                             data=b"", method="POST")
            try:
                _opener(self.jar).open(request, timeout=10).close()
            except OSError:
                pass
        if self._ws is not None:
            try:
                self._ws.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
        if self._reader is not None:
            self._reader.join(timeout=10)
        if self.status in ("running", "playing"):
            self.status = "left"

    def _send(self, kind: str, content: dict) -> None:
        self._ws.send(_message(kind, self.page, content))

    def _receive(self, timeout: float) -> dict | None:
        try:
            raw = self._ws.recv(timeout=max(0.01, timeout))
        except (TimeoutError, ConnectionClosed):
            return None
        self.received += 1
        if isinstance(raw, bytes):  # binary frames carry buffers; the widgets we need come as text
            return {}
        try:
            message = json.loads(raw)
        except ValueError:
            return {}
        header = message.get("header", {})
        content = message.get("content", {})
        if header.get("msg_type") == "comm_open":
            state = content.get("data", {}).get("state")
            if isinstance(state, dict):
                self._widgets[content.get("comm_id")] = state
        elif header.get("msg_type") == "comm_msg":
            data = content.get("data", {})
            if data.get("method") == "update" and content.get("comm_id") in self._widgets:
                self._widgets[content["comm_id"]].update(data.get("state", {}))
        message["msg_type"] = header.get("msg_type")
        return message

    def _drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._stop.is_set() and time.monotonic() < end:
            try:
                self._ws.recv(timeout=0.5)
                self.received += 1
            except TimeoutError:
                continue
            except ConnectionClosed:
                self.status = "failed: the server closed the connection"
                return
