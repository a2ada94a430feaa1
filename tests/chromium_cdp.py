"""A small client of the Chrome DevTools Protocol over a pipe, for the site's browser test.

Headless Chromium started with ``--remote-debugging-pipe`` reads protocol commands on file
descriptor 3 and writes replies and events on descriptor 4, each message JSON ended by a NUL
byte. That is all a test needs to load many pages in one browser and hear what a reader's
browser would say: console messages, uncaught exceptions, failed requests. No driver
library (selenium, chromedriver) and no network port are involved.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any


def find_chromium() -> str | None:
    """The browser: ``SURVEYSTATS_CHROMIUM``, else the first Chromium or Chrome on PATH."""
    given = os.environ.get("SURVEYSTATS_CHROMIUM")
    return given or next(filter(None, map(shutil.which, (
        "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"))), None)


class ProtocolError(RuntimeError):
    """The browser answered a command with an error, or went silent."""


class Browser:
    """One headless Chromium and one page (tab) in it, driven by protocol commands.

    Events arrive on a reader thread and are kept in :attr:`events` until
    :meth:`drain_events` takes them.
    """

    def __init__(self, chromium: str, profile: Path, *, width: int = 1200,
                 height: int = 900) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        cmd = [chromium, "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
               "--remote-debugging-pipe", f"--user-data-dir={profile}",
               f"--window-size={width},{height}", "--force-device-scale-factor=1",
               "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any host lookup fails
               "about:blank"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox

        def wire() -> None:
            # In the child, before exec: the pipe ends onto descriptors 3 and 4 (through
            # copies above both, in case an end already sits on 3 or 4). dup2 makes them
            # inheritable; every other descriptor the parent made is close-on-exec, as Python
            # creates them, so close_fds=False (which keeps these two open) leaks nothing.
            high_r, high_w = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, preexec_fn=wire,
                                      close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self.send("Target.attachToTarget",
                                  {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=True)

    # -- the wire ------------------------------------------------------------------------------

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        box = self._replies.get(message["id"])
                    if box is not None:
                        box.put(message)
                else:
                    with self._lock:
                        self.events.append(message)

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             session: bool = False, timeout: float = 60.0) -> dict[str, Any]:
        """Send one command and wait for its reply's ``result``."""
        box: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            self._replies[ident] = box
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise ProtocolError(f"no reply to {method} within {timeout} s") from None
        finally:
            with self._lock:
                del self._replies[ident]
        if "error" in reply:
            raise ProtocolError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def drain_events(self) -> list[dict[str, Any]]:
        with self._lock:
            events, self.events = self.events, []
        return events

    # -- what a test needs ---------------------------------------------------------------------

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=True)
        if "exceptionDetails" in result:
            raise ProtocolError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def load(self, url: str, *, timeout: float = 30.0, settle: float = 0.2) -> list[dict[str, Any]]:
        """Navigate to ``url``, wait for its load event (and ``settle`` seconds more for the
        scripts that run after it); the events of the page load."""
        self.drain_events()
        self.send("Page.navigate", {"url": url}, session=True)
        deadline = time.monotonic() + timeout
        seen: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            seen += self.drain_events()
            if any(e.get("method") == "Page.loadEventFired" for e in seen):
                break
            time.sleep(0.02)
        else:
            raise ProtocolError(f"{url} did not finish loading within {timeout} s")
        time.sleep(settle)
        return seen + self.drain_events()

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (ProtocolError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass


def problems(events: list[dict[str, Any]]) -> list[str]:
    """What a reader's browser console would show as an error or warning during a page load:
    uncaught exceptions, ``console.error``/``console.warn``, browser log entries at warning
    level or above (failed resources among them) and failed requests."""
    found = []
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            found.append(f"exception: {d.get('exception', {}).get('description') or d['text']}")
        elif method == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            found.append(f"console.{p['type']}: {text}")
        elif method == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            entry = p["entry"]
            found.append(f"log {entry['level']}: {entry['text']} {entry.get('url', '')}".strip())
        elif method == "Network.loadingFailed" and not p.get("canceled"):
            found.append(f"request failed: {p.get('errorText')} ({p.get('type')})")
    return found
