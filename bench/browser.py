"""What users feel in a real browser (sections 3, 5 and 6).

Each app is served by its own ``streamlit run`` on a free port and driven by
Debian's Chromium through Playwright, as in ``tests/test_browser.py``:

3. A step is a key press on the focused date slider (ArrowRight: one day) or
   a click on "Next change". Its time runs from the ``keydown``/``mousedown``
   event in the page (``performance.now()``) to the map frame showing the new
   date in its legend title (polled every 5 ms from the page, which can read
   the same-origin frame) plus the next animation frame, in which Leaflet
   repaints its canvases. Before each step the app is idle (Streamlit's
   script state is ``notRunning``), so every step is measured alone. A mark
   set in the map frame's ``window`` before the step tells whether the frame
   survived it or was remounted.
5. Cold start: from launching ``streamlit run app.py`` to the first map drawn
   in a browser that asks for the page as soon as the server answers.
6. Memory: resident set size of the server process (and any children) after
   the first map, then after 500 slider steps, each waited for until its map
   is drawn (not until the run is over, as a quick user would step).

The dashboard is also run through ``bench/bench_app.py``: on 10,000 generated
places, and with its server runs profiled by pyinstrument when a target is
missed, and with tracemalloc when the memory target is missed.
``BENCH_BROWSER=ours,profile,memory,naive,big`` runs only some scenarios.

Everything started here is stopped on the way out, even on failure. Logs,
screenshots and profiles go to ``bench/out/`` (not committed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

from geodata import load_builtin
from geodata.events import format_date
from geodata.timeline import change_dates

from .synthetic import synthetic_dataset

__all__ = ["browser_benchmarks"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CHROMIUM = "/usr/bin/chromium"
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
START_DATE = dt.date(2016, 3, 27)  # the dashboard's default date
STEPS = 30  # timed steps of each kind, built-in data
NAIVE_STEPS = 20
BIG_PLACES, BIG_EVENTS, BIG_GRID, BIG_STEPS = 10_000, 5, "QS", 20
# Opened at this date (through the URL) so that the Next change steps have room to go.
BIG_START = dt.date(2012, 6, 20)
MEMORY_STEPS = 500
PROFILE_STEPS = 2  # profiled steps of each kind
TRACED_STEPS = 3  # steps of each kind under Chromium's tracing (10,000 places)

# In the page: the time of the user's action, whatever element gets it.
ARM_JS = """() => {
    if (!window.__armed) {
        for (const type of ['keydown', 'mousedown'])
            document.addEventListener(type, () => {
                if (window.__t0 === null) window.__t0 = performance.now();
            }, true);
        window.__armed = true;
    }
    window.__t0 = null;
}"""

# In the page: wait until a map frame shows ``title``, then one more frame
# (Leaflet's canvas renderer repaints in requestAnimationFrame).
WAIT_JS = """async ({sel, title, timeout}) => {
    const start = performance.now();
    const drawn = () => {
        for (const f of document.querySelectorAll(sel)) {
            let w = null;
            try { w = f.contentWindow; if (!w || !w.document) continue; } catch (e) { continue; }
            const t = w.document.querySelector('.fa-legend .fa-title');
            if (t && t.textContent.trim() === title && w.map) return w;
        }
        return null;
    };
    return await new Promise(resolve => {
        const poll = () => {
            const w = drawn();
            if (w) {
                w.requestAnimationFrame(() => w.setTimeout(() => resolve({
                    ms: performance.now() - (window.__t0 ?? start),
                    acted: window.__t0 !== null,
                    mark: w.__benchMark === 1,
                    frames: document.querySelectorAll(sel).length,
                }), 0));
                return;
            }
            if (performance.now() - start > timeout) {
                const f = document.querySelector(sel);
                let shown = null;
                try {
                    const t = f.contentWindow.document.querySelector('.fa-legend .fa-title');
                    shown = t && t.textContent;
                } catch (e) {}
                return resolve({timeout: true, shown});
            }
            setTimeout(poll, 5);
        };
        poll();
    });
}"""

# In the page: wait until Streamlit has finished the run the step started.
IDLE_JS = """async ({timeout}) => {
    const start = performance.now();
    const state = () => {
        const app = document.querySelector('[data-testid=stApp]');
        return app && app.getAttribute('data-test-script-state');
    };
    return await new Promise(resolve => {
        let quiet = 0;
        const poll = () => {
            quiet = ['running', 'rerunRequested'].includes(state()) ? 0 : quiet + 1;
            if (quiet >= 3) return resolve(performance.now() - (window.__t0 ?? start));
            if (performance.now() - start > timeout) return resolve(null);
            setTimeout(poll, 10);
        };
        poll();
    });
}"""

MARK_JS = """sel => {
    for (const f of document.querySelectorAll(sel)) f.contentWindow.__benchMark = 1;
}"""

# In the page: when the step's message left for the server, and when the map
# frame got its date script (page time), to split a step in three parts.
SPLIT_JS = """sel => {
    if (!window.__splitArmed) {
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
            if (window.__t0 !== null && window.__tSent === null) window.__tSent = performance.now();
            return send.call(this, data);
        };
        window.__splitArmed = true;
    }
    window.__tSent = null;
    window.__tDraw = null;
    const w = document.querySelector(sel).contentWindow;
    if (w.__fa && !w.__fa.__wrapped) {
        const draw = w.__fa.draw;
        w.__fa.draw = function () {
            if (window.__tDraw === null) window.__tDraw = performance.now();
            return draw.apply(this, arguments);
        };
        w.__fa.__wrapped = true;
    }
}"""

SPLIT_READ_JS = """() => ({sent: window.__tSent, draw: window.__tDraw, t0: window.__t0})"""

FRAME_STATS_JS = """sel => {
    const w = document.querySelector(sel).contentWindow;
    if (w.gc) { w.gc(); window.gc(); }  // --js-flags=--expose-gc: count live objects only
    let layers = 0;
    w.map.eachLayer(() => layers++);
    const heap = w.performance.memory ? w.performance.memory.usedJSHeapSize : null;
    return {layers, heap, groups: (w.feature_group || []).length};
}"""


TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]


def main_thread_breakdown(path: Path, steps: int) -> dict:
    """Milliseconds per step on the page's main thread, by kind of work, from a trace.

    ``frame``: the map frame handling its update (streamlit-folium evaluating our
    script, our drawing code, its walk over the map's layers); ``react``:
    Streamlit's page rendering the run's elements; ``commit``: handing the
    painted layers (the map's canvases among them) to the compositor;
    ``redraw``: Leaflet's canvas redraws; ``gc``: garbage collection; ``busy``:
    every task, all kinds included.
    """
    events = json.loads(path.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    names = {(e["pid"], e["tid"]): e.get("args", {}).get("name") for e in events
             if e.get("name") == "thread_name"}  # fmt: skip
    counts: dict = {}
    for e in events:
        key = (e.get("pid"), e.get("tid"))
        counts[key] = counts.get(key, 0) + 1
    mains = [k for k, v in names.items() if v == "CrRendererMain"]
    if not mains:
        return {}
    main = max(mains, key=lambda k: counts.get(k, 0))
    out = dict.fromkeys(("frame", "react", "commit", "redraw", "gc", "busy"), 0.0)
    for e in events:
        if (e.get("pid"), e.get("tid")) != main or e.get("ph") != "X" or "dur" not in e:
            continue
        name, ms = e["name"], e["dur"] / 1000
        data = e.get("args", {}).get("data", {}) or {}
        if name == "RunTask":
            out["busy"] += ms
        elif name == "HandlePostMessage":
            out["frame"] += ms
        elif name == "FunctionCall" and "react-dom" in data.get("url", ""):
            out["react"] += ms
        elif name == "Commit":
            out["commit"] += ms
        elif name == "FunctionCall" and data.get("functionName") == "_redraw":
            out["redraw"] += ms
        elif name in ("MinorGC", "MajorGC"):
            out["gc"] += ms
    return {k: v / max(steps, 1) for k, v in out.items()}


def trace_note(label: str, how: str, b: dict) -> str | None:
    if not b:
        return None
    return (
        f"{label}, {how} (Chromium trace, page main thread, ms per step): "
        f"{b['busy']:,.0f} busy in all; the map frame handling its update {b['frame']:,.0f} "
        f"(our drawing code included); Streamlit's React rendering {b['react']:,.0f}; "
        f"compositor commits {b['commit']:,.0f} (the map's canvases are rasterised then); "
        f"Leaflet canvas redraws {b['redraw']:,.0f}; garbage collection {b['gc']:,.0f}."
    )


class StepFailed(RuntimeError):
    """The map did not show the expected date in time."""


# --------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> list[int]:
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
    for p in _descendants(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


class Server:
    """``streamlit run SCRIPT`` on a free port, in its own process group."""

    def __init__(self, script: str, name: str, env: dict | None = None):
        self.script, self.name = script, name
        self.env = {**os.environ, **(env or {})}
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.started = None

    def __enter__(self):
        OUT.mkdir(exist_ok=True)
        self.log = open(OUT / f"streamlit-{self.name}.log", "w")  # noqa: SIM115
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", self.script,
             "--server.headless", "true", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
            start_new_session=True,
        )  # fmt: skip
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


# --------------------------------------------------------------------------- the page


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
        page.evaluate(ARM_JS)
        page.evaluate(SPLIT_JS, MAP_FRAME)
        if how == "key":
            page.keyboard.press("ArrowRight")
        else:
            page.get_by_role("button", name="Next change").click()
        out = self.wait_map(target, timeout_ms)
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


# --------------------------------------------------------------------------- figures


def _summary(steps: list[dict]) -> dict:
    ms = np.array([s["ms"] for s in steps])
    idle = [s["idle_ms"] for s in steps if s.get("idle_ms") is not None]
    return {
        "median": float(np.median(ms)),
        "p95": float(np.percentile(ms, 95)),
        "idle": float(np.median(idle)) if idle else float("nan"),
        "remounts": sum(not s["mark"] for s in steps),
        "kB": float(np.median([s["bytes"] for s in steps])) / 1e3,
        "n": len(steps),
        # Medians of: action -> message to the server; action -> the frame gets its script.
        "sent": float(np.median([s["sent_ms"] for s in steps if "sent_ms" in s] or [np.nan])),
        "script": float(np.median([s["script_ms"] for s in steps if "script_ms" in s] or [np.nan])),
        # The map frame's own work (dashboard/map/atlas.js), on the steps that opened an epoch.
        "frame": _frame_medians([s.get("fa") for s in steps]),
    }


def _frame_medians(stats: list) -> dict | None:
    new = [f for f in stats if f and f.get("parse", 0) > 0]
    if not new:
        return None
    out = {
        k: float(np.median([f.get(k, 0.0) for f in new]))
        for k in ("parse", "build", "add", "total")
    }
    return {**out, "n": len(new), "of": len(stats)}


def frame_note(label: str, s: dict) -> str | None:
    """A sentence on the map frame's work for a new epoch (None when no step opened one)."""
    f = s.get("frame")
    if not f:
        return None
    return (
        f"{label}: in the map frame, {f['n']} of {f['of']} steps opened a new epoch; its data "
        f"took a median {f['parse']:,.0f} ms to parse, {f['build']:,.0f} ms to build into "
        f"layers and {f['add']:,.0f} ms to put on the map ({f['total']:,.0f} ms in all, before "
        "the browser paints)."
    )


def _add_steps(results, label: str, s: dict, *, target_ms: float | None) -> None:
    met = None if target_ms is None else s["median"] <= target_ms
    target = "" if target_ms is None else f"median <= {target_ms:,.0f} ms"
    results.add(f"3. {label}: median of {s['n']}", s["median"], "ms", target, met)
    results.add(f"3. {label}: 95th percentile", s["p95"], "ms", "", None)
    results.add(
        f"3. {label}: map frame remounted",
        f"{s['remounts']} of {s['n']}",
        "",
        "" if target_ms is None else "no remount",
        None if target_ms is None else s["remounts"] == 0,
    )
    if s["sent"] == s["sent"]:  # not NaN: our app (the naive one has no date script)
        results.add(f"3. {label}: of which until the step's message leaves the page",
                    s["sent"], "ms", "", None)  # fmt: skip
        results.add(f"3. {label}: of which until the map frame gets its date script",
                    s["script"], "ms", "", None)  # fmt: skip


def _import_seconds() -> float:
    """Seconds to import the dashboard's modules in a new Python (part of every cold start)."""
    code = (
        "import time; t = time.perf_counter(); import dashboard.app; print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def _launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-precise-memory-info",
            "--js-flags=--expose-gc",
        ],
    )


def _guarded(results, scenario: str, fn, *args, **kwargs) -> None:
    """Run one scenario; a failure is a row and a note, and the others still run.

    ``BENCH_BROWSER`` (comma-separated: ours, profile, naive, big) runs only some.
    """
    chosen = os.environ.get("BENCH_BROWSER")
    if chosen and scenario not in chosen.split(","):
        return
    try:
        fn(results, *args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any failure must be reported, not fatal
        results.add(f"{scenario}: FAILED", type(error).__name__, "", "runs", False)
        results.notes.append(f"{scenario} failed: {type(error).__name__}: {error}"[:600])


def _our_app(results, browser, builtin) -> dict:
    """Cold start, steps on built-in data, then memory over 500 slider steps."""
    out = {}
    with Server("app.py", "app") as server:
        healthy = server.wait_healthy()
        driver = Driver(browser, server, builtin)
        try:
            driver.open()
            cold = time.perf_counter() - server.started
            results.add("5. cold start: `streamlit run app.py` to the first drawn map", cold,
                        "s", "< 10 s", cold < 10)  # fmt: skip
            results.add("5. cold start: of which until the server answers", healthy, "s", "",
                        None)  # fmt: skip
            results.add("5. cold start: import dashboard.app in a fresh interpreter",
                        _import_seconds(), "s", "", None)  # fmt: skip
            driver.wait_idle()
            first_idle = time.perf_counter() - server.started
            rss_first = server.rss_mb()
            heap_first = driver.frame_stats()
            keys = _summary(driver.run("key", STEPS))
            clicks = _summary(driver.run("click", STEPS))
            out["keys"], out["clicks"] = keys, clicks
            # Memory: carry on to 500 slider steps in all, each waited for (map drawn).
            t = time.perf_counter()
            done = 2 * STEPS
            driver.run("key", MEMORY_STEPS - done, idle=False)
            per_step = (time.perf_counter() - t) / (MEMORY_STEPS - done) * 1000
            driver.wait_idle()
            rss_last = server.rss_mb()
            heap_last = driver.frame_stats()
            errors = driver.streamlit_errors() + driver.errors
        finally:
            driver.close()
    results.add("5. cold start: until the first run is over (charts included)", first_idle, "s",
                "", None)  # fmt: skip
    _add_steps(results, "slider step (ArrowRight), built-in, our app", keys, target_ms=200)
    _add_steps(results, "Next change click, built-in, our app", clicks, target_ms=200)
    out["rss"] = (rss_first, rss_last)
    growth = rss_last - rss_first
    results.add("6. memory: server RSS after the first map", rss_first, "MB", "", None)
    results.add(f"6. memory: server RSS after {MEMORY_STEPS} slider steps", rss_last, "MB", "",
                None)  # fmt: skip
    results.add("6. memory: growth", growth, "MB", "< 50 MB", growth < 50)
    results.add("6. memory: time per step in the 500 (waiting for each map)", per_step, "ms", "",
                None)  # fmt: skip
    results.notes.append(
        f"Memory: {MEMORY_STEPS} slider steps from {START_DATE} to {driver.date} "
        f"({STEPS} ArrowRight, {STEPS} Next change, then ArrowRight). In the browser, the JS "
        "heap that the page and its same-origin map frame share, after a forced garbage "
        f"collection, went from {heap_first['heap'] / 1e6:,.1f} to "
        f"{heap_last['heap'] / 1e6:,.1f} MB (not a target, but a leak to look into), "
        f"with {heap_first['layers']} then {heap_last['layers']} Leaflet layers on the map and "
        f"{heap_last['groups']} date group(s) kept by streamlit-folium."
    )
    results.notes.append(
        f"Our app, built-in data: a step sends a median {keys['kB']:,.0f} kB (ArrowRight) / "
        f"{clicks['kB']:,.0f} kB (Next change) over the WebSocket; the whole run (map, panels, "
        "charts) is over "
        f"{keys['idle']:,.0f} / {clicks['idle']:,.0f} ms after the action."
    )
    for how, summary_ in (("Next change", clicks), ("ArrowRight", keys)):
        note = frame_note(f"Our app, built-in data, {how}", summary_)
        if note:
            results.notes.append(note)
    if errors:
        results.notes.append(f"Our app reported errors: {errors[:3]}")
    return out


def _naive_app(results, browser, builtin, ours: dict) -> None:
    with Server("bench/naive_app.py", "naive") as server:
        server.wait_healthy()
        driver = Driver(browser, server, builtin)
        try:
            driver.open()
            cold = time.perf_counter() - server.started
            driver.wait_idle()
            keys = _summary(driver.run("key", NAIVE_STEPS))
            clicks = _summary(driver.run("click", NAIVE_STEPS))
            errors = driver.streamlit_errors() + driver.errors
        finally:
            driver.close()
    _add_steps(results, "slider step (ArrowRight), built-in, naive app", keys, target_ms=None)
    _add_steps(results, "Next change click, built-in, naive app", clicks, target_ms=None)
    for what, mine, theirs in (("slider step", ours.get("keys"), keys),
                               ("Next change", ours.get("clicks"), clicks)):  # fmt: skip
        if mine:
            ratio = theirs["median"] / mine["median"]
            results.add(f"3. {what}: naive median / our median", ratio, "x", ">= 2x", ratio >= 2)
    results.add("5. cold start, naive app (for comparison)", cold, "s", "", None)
    results.notes.append(
        f"Naive app (bench/naive_app.py): a step sends a median {keys['kB']:,.0f} kB / "
        f"{clicks['kB']:,.0f} kB; the frame was remounted on "
        f"{keys['remounts'] + clicks['remounts']} of {keys['n'] + clicks['n']} steps."
    )
    if errors:
        results.notes.append(f"Naive app reported errors: {errors[:3]}")


class Profile:
    """Server profiles written by ``bench/bench_app.py`` (see its ``_profiled``)."""

    def __init__(self, name: str):
        self.path = OUT / f"profile-{name}.jsonl"
        self.flag = Path(f"{self.path}.on")
        for old in (self.path, self.path.with_suffix(".txt"), self.flag):
            old.unlink(missing_ok=True)

    def env(self) -> dict:
        return {"BENCH_PROFILE": str(self.path)}

    def on(self) -> None:
        self.flag.touch()

    def off(self) -> None:
        self.flag.unlink(missing_ok=True)

    def records(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]


# Wrappers and plumbing that every run goes through: left out of the notes.
_PLUMBING = {
    "bench_app.wrapper", "app._main_view", "fragment.wrapped_fragment", "exec_code.",
    "cache_utils.", "metrics_util.", "script_runner.", "threading.", "<module>",
    "fragment.", "dg_proxy.", "delta_generator.", "layouts.", "contextlib.",
}  # fmt: skip


def _breakdown(records: list[dict], *, limit: int = 12) -> str:
    """``total; f1 ms; f2 ms...``: median inclusive time per function over ``records``."""
    total = float(np.median([r["total"] for r in records]))
    names = {n for r in records for n in r["functions"]}
    median = {n: float(np.median([r["functions"].get(n, 0.0) for r in records])) for n in names}
    shown = [
        f"{name} {sec * 1000:,.0f}"
        for name, sec in sorted(median.items(), key=lambda kv: -kv[1])
        if sec >= 0.03 * total and not any(name.startswith(p) for p in _PLUMBING)
    ][:limit]
    return f"{total * 1000:,.0f} ms in all; inclusive ms: " + ", ".join(shown)


def _ms(records: list[dict], name: str, *, when_run: bool = False) -> float:
    """Median inclusive ms of function ``name`` (``when_run``: over the runs that call it)."""
    values = [r["functions"].get(name, 0.0) for r in records]
    if when_run:
        values = [v for v in values if v > 0] or [0.0]
    return float(np.median(values)) * 1000


# Functions worth naming in the notes (pyinstrument "module.function"), and what they are.
_NAMED = (
    ("mount.show_map", "the map (show_map)", False),
    ("__init__.st_folium", "st_folium, which renders the whole folium map again", False),
    ("mount._show", "the map component call", False),
    ("base.base_map", "building the base map", False),
    ("script.date_script", "the date's script (legend, halos, options)", False),
    ("payload.epoch_data", "the epoch's data for the browser, on a new epoch", True),
    ("map.render", "folium/branca rendering", False),
    ("environment.from_string", "Jinja compiling each rendered snippet as a new template", False),
    ("filters.do_tojson", "tojson of the layers' data", False),
    ("cache.epoch_payload", "the epoch's payload, on a new epoch", True),
    ("charts.control_spec", "the control chart's spec", False),
    ("charts.area_spec", "the area chart's spec", False),
    ("vega_charts.vega_lite_chart", "the Vega-Lite elements", False),
    ("panels.show_key_places", "key places", False),
    ("panels.show_changes", "what changed", False),
    ("export_panel.export_panel", "the export panel", False),
    ("cache.recent_place_ids", "recent places", False),
)


def _findings(label: str, steps: list[dict], summary: dict | None) -> str:
    """Where a step's server run spends its time, in named parts (nested parts included)."""
    parts = []
    for name, what, when_run in _NAMED:
        ms = _ms(steps, name, when_run=when_run)
        if ms >= 5:
            parts.append(f"{what} {ms:,.0f}")
    text = (
        f"Where a step's server time goes, {label} (pyinstrument, median ms of "
        f"{_ms(steps, 'app._main_view'):,.0f}; parts overlap where one calls another): "
        + "; ".join(parts)
        + "."
    )
    if summary:
        text += (
            f" Each step sends the browser {summary['kB']:,.0f} kB (the map's date script with "
            "the epoch's data, the chart elements and the panels); the rest of a step is "
            "that transfer, the map frame evaluating the script, and drawing."
        )
    return text


def _profile_notes(label: str, first: list[dict], steps: list[dict], path: Path,
                   summary: dict | None = None) -> list[str]:  # fmt: skip
    notes = []
    if first:
        notes.append(
            f"Profile of the first load, {label} (pyinstrument, the main view only; imports and "
            f"the page before it are not in it): " + _breakdown(first[:1]) + "."
        )
    if steps:
        notes.append(
            f"Profile of a step, {label} (median of {len(steps)} server runs): "
            + _breakdown(steps)
            + f". Full reports: bench/out/{path.with_suffix('.txt').name}."
        )
        notes.append(_findings(label, steps, summary))
    return notes


def _profiled_run(results, browser, dataset, *, name: str, label: str, env: dict,
                  steps: int = 0, target_ms: float | None = None,
                  start: dt.date = START_DATE, measured: dict | None = None) -> None:  # fmt: skip
    """The dashboard via bench_app.py: first load and a few steps profiled, ``steps`` timed."""
    profile = Profile(name)
    profile.on()
    with Server("bench/bench_app.py", name, {**env, **profile.env()}) as server:
        server.wait_healthy()
        driver = Driver(browser, server, dataset, start=start)
        try:
            driver.open(timeout_ms=300_000)
            cold = time.perf_counter() - server.started
            driver.wait_idle(300_000)
            first = profile.records()
            profile.off()
            stats = driver.frame_stats()
            if steps:
                keys = _summary(driver.run("key", steps, timeout_ms=120_000))
                clicks = _summary(driver.run("click", steps, timeout_ms=120_000))
                traces = {
                    how: driver.traced(
                        how, TRACED_STEPS, OUT / f"trace-{name}-{how}.json", timeout_ms=120_000
                    )  # fmt: skip
                    for how in ("click", "key")
                }
            profile.on()
            driver.run("key", PROFILE_STEPS, timeout_ms=120_000)
            driver.run("click", PROFILE_STEPS, timeout_ms=120_000)
            profile.off()
            profiled = profile.records()[len(first) :]
            errors = driver.streamlit_errors() + driver.errors
        finally:
            profile.off()
            driver.close()
    if steps:
        _add_steps(results, f"slider step (ArrowRight), {label}", keys, target_ms=target_ms)
        _add_steps(results, f"Next change click, {label}", clicks, target_ms=target_ms)
        results.add(f"5. cold start, {label} (first load profiled)", cold, "s", "", None)
        results.notes.append(
            f"{label}: the map holds {stats['layers']:,} Leaflet layers; a step sends a median "
            f"{keys['kB']:,.0f} kB (ArrowRight) / {clicks['kB']:,.0f} kB (Next change); the "
            "whole run is over "
            f"{keys['idle'] / 1000:,.1f} / {clicks['idle'] / 1000:,.1f} s after the action."
        )
    summary = keys if steps else measured
    results.notes.extend(_profile_notes(label, first, profiled, profile.path, summary))
    if steps:
        for how, summary_ in (("Next change", clicks), ("ArrowRight", keys)):
            note = frame_note(f"{label}, {how}", summary_)
            if note:
                results.notes.append(note)
        for how, what in (("click", "Next change"), ("key", "ArrowRight")):
            note = trace_note(label, what, traces.get(how, {}))
            if note:
                results.notes.append(note)
    if errors:
        results.notes.append(f"{label}: the app reported errors: {errors[:2]}"[:800])
    if any("MaxRowsError" in e for e in errors):
        results.notes.append(
            f"{label}: the control chart fails (Altair refuses more than 5,000 rows; here one row "
            "per run of control), and as a failure is not cached, every run computes the "
            "segments again after the map (see control_spec in the profile)."
        )


def _memory_diagnosis(results, browser, dataset, *, steps: int = 100) -> None:
    """Where the server's memory grows over ``steps`` slider steps (tracemalloc, bench_app.py)."""
    path = OUT / "tracemalloc-builtin.json"
    snap = Path(f"{path}.snap")
    for old in (path, snap):
        old.unlink(missing_ok=True)
    with Server(
        "bench/bench_app.py", "app-tracemalloc", {"BENCH_TRACEMALLOC": str(path)}
    ) as server:
        server.wait_healthy()
        driver = Driver(browser, server, dataset)
        try:
            driver.open()
            driver.run("key", 5)  # warm the caches first
            snap.touch()  # the next run takes the first snapshot
            driver.run("key", 1)
            driver.run("key", steps, idle=False)
            driver.wait_idle()
            snap.touch()  # and this one compares
            driver.run("key", 1)
            found = json.loads(path.read_text()) if path.exists() else None
        finally:
            snap.unlink(missing_ok=True)
            driver.close()
    if not found:
        return
    sites = "; ".join(
        f"{t['where'].split('site-packages/')[-1].replace(str(ROOT) + '/', '')} "
        f"{t['kB'] / 1e3:+,.1f} MB ({t['blocks']:+,} blocks)"
        for t in found["top"][:6]
    )
    results.notes.append(
        f"Memory diagnosis (tracemalloc in the server, built-in data): over {steps + 1} slider "
        f"steps the traced Python heap grew {found['total_MB']:,.1f} MB; the biggest growths "
        f"by line: {sites}. Full list: bench/out/{path.name}."
        + (
            " The jinja2 and <template> lines are compiled Jinja templates: branca wraps every "
            "snippet folium renders in an Element, which compiles it, and adds it to the map's "
            "Figure; a folium map kept from run to run keeps each step's date layers that way."
            if any("jinja2" in t["where"] for t in found["top"][:3])
            else ""
        )
    )


def _big_app(results, browser) -> None:
    big = synthetic_dataset(BIG_PLACES, BIG_EVENTS, grid=BIG_GRID)
    label = f"{BIG_PLACES:,} generated places"
    results.notes.append(
        f"{label}: {BIG_PLACES * BIG_EVENTS:,} events, all on the first day of a quarter (32 "
        "epochs; see bench/synthetic.py), put in the session by bench/bench_app.py."
    )
    env = {"BENCH_PLACES": str(BIG_PLACES), "BENCH_EVENTS": str(BIG_EVENTS), "BENCH_GRID": BIG_GRID}
    _profiled_run(results, browser, big, name="app-10000", label=label, env=env,
                  steps=BIG_STEPS, target_ms=1000, start=BIG_START)  # fmt: skip


def browser_benchmarks(results) -> None:
    """Sections 3, 5 and 6 (needs /usr/bin/chromium)."""
    if not os.path.exists(CHROMIUM):
        results.notes.append(f"Browser benchmarks skipped: {CHROMIUM} is missing (make chromium).")
        return
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    builtin = load_builtin()
    # On SIGTERM, unwind like on Ctrl-C so that every server and the browser are stopped.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        _browser_sections(results, builtin, sync_playwright)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _browser_sections(results, builtin, sync_playwright) -> None:
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            ours = {}

            def our_app(r):
                ours.update(_our_app(r, browser, builtin))

            _guarded(results, "ours", our_app)
            missed = [r for r in results.rows if r[4] is False and "built-in, our app" in r[0]]
            if not ours or missed or any(r[4] is False and r[0][:2] == "5." for r in results.rows):
                _guarded(results, "profile", _profiled_run, browser, builtin,
                         name="app-builtin", label="built-in data", env={},
                         measured=ours.get("keys"))  # fmt: skip
            if not ours or any(r[4] is False and r[0][:2] == "6." for r in results.rows):
                _guarded(results, "memory", _memory_diagnosis, browser, builtin)
            _guarded(results, "naive", _naive_app, browser, builtin, ours)
            _guarded(results, "big", _big_app, browser)
        finally:
            browser.close()
