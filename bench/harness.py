"""The browser harness shared by the benchmarks and the browser tests.

``Server`` runs ``streamlit run SCRIPT`` on a free port in its own process
group and stops it (and anything it started) on the way out; ``launch``
starts Debian's Chromium through Playwright with the flags both use;
``Driver`` opens one page of an app and steps its date, timing each step
(the benchmarks' scenarios are in :mod:`bench.browser`); ``rss_mb`` measures a
server's memory. ``tests/browser/conftest.py`` builds its fixtures on these.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd

from geodata.events import format_date
from geodata.timeline import change_dates

from .probes import (
    ARM_JS,
    CONFIRMED_JS,
    FRAME_STATS_JS,
    IDLE_JS,
    MARK_JS,
    PAINT_JS,
    PAINT_READ_JS,
    SPLIT_JS,
    SPLIT_READ_JS,
    WAIT_JS,
)
from .traces import TRACE_CATEGORIES, main_thread_breakdown

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "MAP_FRAME",
    "Driver",
    "Server",
    "StepFailed",
    "free_port",
    "launch",
    "rss_mb",
    "title_of",
]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CHROMIUM = "/usr/bin/chromium"
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
START_DATE = dt.date(2016, 3, 27)  # the dashboard's default date


class StepFailed(RuntimeError):
    """The map did not show the expected date in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def rss_mb(pid: int) -> float:
    """Resident set size of a process and its descendants (``VmRSS``), in MB."""
    total_kb = 0
    for p in descendants(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


class Server:
    """``streamlit run SCRIPT`` on a free port, in its own process group."""

    def __init__(self, script: str, name: str, env: dict | None = None, *, log_dir: Path = OUT):
        self.script, self.name = script, name
        self.env = {**os.environ, **(env or {})}
        self.log_dir = log_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.started = None

    def __enter__(self):
        self.log_dir.mkdir(exist_ok=True)
        self.log = open(self.log_dir / f"streamlit-{self.name}.log", "w")  # noqa: SIM115
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                self.script,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )
        return self

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Seconds from launch to the server answering its health check."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit ({self.name}) exited with {self.proc.returncode}")
            health = f"{self.url}/_stcore/health"
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=1) as answer:
                if answer.status == 200:
                    return time.perf_counter() - self.started
            time.sleep(0.05)  # polling interval
        raise TimeoutError(f"streamlit ({self.name}) not healthy within {timeout} s")

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            # The group is ours (start_new_session): the server and anything it started.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        return False


def title_of(date: dt.date) -> str:
    """The legend title the map shows for ``date`` (see ``Scene.title``)."""
    return f"Control of towns, {format_date(pd.Timestamp(date))}"


class Driver:
    """One page of one app: open it, step the date, time each step."""

    def __init__(self, browser, server: Server, dataset, *, start: dt.date = START_DATE):
        self.server = server
        self.browser = browser
        self.context = browser.new_context(viewport={"width": 1500, "height": 1150})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.received = 0  # bytes from the server over the WebSocket
        self.page.on("websocket", self._watch)
        self.changes = [d.date() for d in change_dates(dataset)]
        first, last = dataset.date_range()
        self.last = last.date()
        self.date = min(max(start, first.date()), self.last)
        self.url = server.url if start == START_DATE else f"{server.url}/?date={self.date}"

    def _watch(self, ws):
        def count(payload):
            self.received += len(payload)

        ws.on("framereceived", count)

    def close(self):
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(OUT / f"{self.server.name}.png"))
        self.context.close()

    def wait_map(self, date: dt.date, timeout_ms: float) -> dict:
        out = self.page.evaluate(
            WAIT_JS, {"sel": MAP_FRAME, "title": title_of(date), "timeout": timeout_ms}
        )
        if out.get("timeout"):
            raise StepFailed(
                f"{self.server.name}: expected {title_of(date)!r}, shown {out['shown']!r}"
            )
        return out

    def wait_idle(self, timeout_ms: float = 120_000) -> float | None:
        return self.page.evaluate(IDLE_JS, {"timeout": timeout_ms})

    def open(self, timeout_ms: float = 180_000) -> None:
        self.page.goto(self.url, timeout=timeout_ms)
        self.page.evaluate(ARM_JS)
        self.wait_map(self.date, timeout_ms)

    def next_date(self, how: str) -> dt.date:
        if how == "key":
            return min(self.date + dt.timedelta(days=1), self.last)
        later = [d for d in self.changes if d > self.date]
        if not later:
            raise StepFailed(f"no change after {self.date}")
        return later[0]

    def step(self, how: str, *, timeout_ms: float = 60_000, idle: bool = True) -> dict:
        """One step (``"key"``: ArrowRight on the slider; ``"click"``: Next change), timed."""
        page = self.page
        target = self.next_date(how)
        page.evaluate(MARK_JS, MAP_FRAME)
        if how == "key":
            slider = page.get_by_role("slider")
            if not slider.evaluate("e => e === document.activeElement"):
                slider.focus()
        received = self.received
        confirmed = page.evaluate(CONFIRMED_JS, MAP_FRAME)
        page.evaluate(ARM_JS)
        page.evaluate(SPLIT_JS, MAP_FRAME)
        page.evaluate(PAINT_JS, {"sel": MAP_FRAME, "title": title_of(target)})
        if how == "key":
            page.keyboard.press("ArrowRight")
        else:
            page.get_by_role("button", name="Next change").click()
        out = self.wait_map(target, timeout_ms)
        # The step's time: until the frame painted the new date (PAINT_JS) where
        # it could be watched, else until the page's poll saw it (WAIT_JS).
        out["poll_ms"] = out["ms"]
        painted = page.evaluate(PAINT_READ_JS)
        out["painted"] = painted is not None
        if painted is not None:
            out["ms"] = painted
        out["fa"] = page.evaluate(
            "sel => document.querySelector(sel).contentWindow.__faStats || null", MAP_FRAME
        )
        split = page.evaluate(SPLIT_READ_JS)
        if split["t0"] is not None and split["sent"] is not None and split["draw"] is not None:
            out["sent_ms"] = split["sent"] - split["t0"]
            out["script_ms"] = split["draw"] - split["t0"]
        self.date = target
        out["idle_ms"] = self.wait_idle() if idle else None
        out["bytes"] = self.received - received
        # Drawn by the map frame itself before the run's script came, which agreed
        # (dashboard/map/atlas.js, "follow"); known once the run is over.
        if idle and confirmed is not None:
            out["followed"] = page.evaluate(CONFIRMED_JS, MAP_FRAME) > confirmed
        return out

    def run(self, how: str, n: int, **kwargs) -> list[dict]:
        return [self.step(how, **kwargs) for _ in range(n)]

    def traced(self, how: str, n: int, path: Path, **kwargs) -> dict:
        """``n`` steps under Chromium's tracing: where the page's main thread spends a step."""
        self.browser.start_tracing(page=self.page, path=str(path), categories=TRACE_CATEGORIES)
        try:
            steps = self.run(how, n, **kwargs)
        finally:
            self.browser.stop_tracing()
        return main_thread_breakdown(path, len(steps))

    def streamlit_errors(self) -> list[str]:
        boxes = self.page.locator("[data-testid=stException]")
        return [boxes.nth(i).inner_text()[:300] for i in range(boxes.count())]

    def frame_stats(self) -> dict:
        return self.page.evaluate(FRAME_STATS_JS, MAP_FRAME)


#: Chromium's flags for a quiet, offline, headless run (tests and benchmarks).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch(playwright, *, extra_args: tuple[str, ...] = ()):
    """Debian's Chromium (never a downloaded one) with :data:`CHROMIUM_ARGS`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
