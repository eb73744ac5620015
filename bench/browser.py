"""What users feel in a real browser (sections 3, 5 and 6).

Each app is served by its own ``streamlit run`` on a free port and driven by
Debian's Chromium through Playwright (``bench/harness.py``, shared with ``tests/browser/``):

3. A step is a key press on the focused date slider (ArrowRight: one day) or
   a click on "Next change". Its time runs from the ``keydown``/``mousedown``
   event in the page (``performance.now()``) to the first animation frame after
   the map frame's legend title shows the new date (a mutation observer set on
   the same-origin frame before the step, ``bench/probes.py`` PAINT_JS): Leaflet
   repaints its canvases in that frame, just before the page is painted. The
   earlier sessions' measure, a poll of the title every 5 ms from the page plus
   the next animation frame, is reported beside it: its timer waits while
   Streamlit's page renders, so it also counts the page's work after the map
   was painted. The map frame draws most steps itself from data sent ahead
   (``dashboard/map/atlas.js``, "follow"); the report says how many, and when
   the run's script reached the frame. Before each step the app is idle (Streamlit's
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

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from geodata import load_builtin

from .harness import (
    CHROMIUM,
    OUT,
    ROOT,
    START_DATE,
    Driver,
    Server,
    launch,
)
from .profiles import Profile, profile_notes
from .steps import add_steps, frame_note, step_summary
from .synthetic import synthetic_dataset
from .traces import trace_note

__all__ = ["browser_benchmarks"]
STEPS = 30  # timed steps of each kind, built-in data
NAIVE_STEPS = 20
BIG_PLACES, BIG_EVENTS, BIG_GRID, BIG_STEPS = 10_000, 5, "QS", 20
# Opened at this date (through the URL) so that the Next change steps have room to go.
BIG_START = dt.date(2012, 6, 20)
MEMORY_STEPS = 500
PROFILE_STEPS = 2  # profiled steps of each kind
TRACED_STEPS = 3  # steps of each kind under Chromium's tracing (10,000 places)


def _import_seconds() -> float:
    """Seconds to import the dashboard's modules in a new Python (part of every cold start)."""
    code = (
        "import time; t = time.perf_counter(); import dashboard.app; print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


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
            results.add(
                "5. cold start: `streamlit run app.py` to the first drawn map",
                cold,
                "s",
                "< 10 s",
                cold < 10,
            )
            results.add("5. cold start: of which until the server answers", healthy, "s", "", None)
            results.add(
                "5. cold start: import dashboard.app in a fresh interpreter",
                _import_seconds(),
                "s",
                "",
                None,
            )
            driver.wait_idle()
            first_idle = time.perf_counter() - server.started
            rss_first = server.rss_mb()
            heap_first = driver.frame_stats()
            keys = step_summary(driver.run("key", STEPS))
            clicks = step_summary(driver.run("click", STEPS))
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
    results.add(
        "5. cold start: until the first run is over (charts included)", first_idle, "s", "", None
    )
    add_steps(results, "slider step (ArrowRight), built-in, our app", keys, target_ms=200)
    add_steps(results, "Next change click, built-in, our app", clicks, target_ms=200)
    out["rss"] = (rss_first, rss_last)
    growth = rss_last - rss_first
    results.add("6. memory: server RSS after the first map", rss_first, "MB", "", None)
    results.add(
        f"6. memory: server RSS after {MEMORY_STEPS} slider steps", rss_last, "MB", "", None
    )
    results.add("6. memory: growth", growth, "MB", "< 50 MB", growth < 50)
    results.add(
        "6. memory: time per step in the 500 (waiting for each map)", per_step, "ms", "", None
    )
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
            keys = step_summary(driver.run("key", NAIVE_STEPS))
            clicks = step_summary(driver.run("click", NAIVE_STEPS))
            errors = driver.streamlit_errors() + driver.errors
        finally:
            driver.close()
    add_steps(results, "slider step (ArrowRight), built-in, naive app", keys, target_ms=None)
    add_steps(results, "Next change click, built-in, naive app", clicks, target_ms=None)
    for what, mine, theirs in (
        ("slider step", ours.get("keys"), keys),
        ("Next change", ours.get("clicks"), clicks),
    ):
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


def _profiled_run(
    results,
    browser,
    dataset,
    *,
    name: str,
    label: str,
    env: dict,
    steps: int = 0,
    target_ms: float | None = None,
    start: dt.date = START_DATE,
    measured: dict | None = None,
) -> None:
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
                keys = step_summary(driver.run("key", steps, timeout_ms=120_000))
                clicks = step_summary(driver.run("click", steps, timeout_ms=120_000))
                traces = {
                    how: driver.traced(
                        how, TRACED_STEPS, OUT / f"trace-{name}-{how}.json", timeout_ms=120_000
                    )
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
        add_steps(results, f"slider step (ArrowRight), {label}", keys, target_ms=target_ms)
        add_steps(results, f"Next change click, {label}", clicks, target_ms=target_ms)
        results.add(f"5. cold start, {label} (first load profiled)", cold, "s", "", None)
        results.notes.append(
            f"{label}: the map holds {stats['layers']:,} Leaflet layers; a step sends a median "
            f"{keys['kB']:,.0f} kB (ArrowRight) / {clicks['kB']:,.0f} kB (Next change); the "
            "whole run is over "
            f"{keys['idle'] / 1000:,.1f} / {clicks['idle'] / 1000:,.1f} s after the action."
        )
    summary = keys if steps else measured
    results.notes.extend(profile_notes(label, first, profiled, profile.path, summary))
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
            f"{label}: the area chart fails (Altair refuses more than 5,000 rows), and as a "
            "failure is not cached, every run computes it again after the map (see area_spec "
            "in the profile)."
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
    _profiled_run(
        results,
        browser,
        big,
        name="app-10000",
        label=label,
        env=env,
        steps=BIG_STEPS,
        target_ms=1000,
        start=BIG_START,
    )


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
        browser = launch(
            playwright, extra_args=("--enable-precise-memory-info", "--js-flags=--expose-gc")
        )
        try:
            ours = {}

            def our_app(r):
                ours.update(_our_app(r, browser, builtin))

            _guarded(results, "ours", our_app)
            missed = [r for r in results.rows if r[4] is False and "built-in, our app" in r[0]]
            if not ours or missed or any(r[4] is False and r[0][:2] == "5." for r in results.rows):
                _guarded(
                    results,
                    "profile",
                    _profiled_run,
                    browser,
                    builtin,
                    name="app-builtin",
                    label="built-in data",
                    env={},
                    measured=ours.get("keys"),
                )
            if not ours or any(r[4] is False and r[0][:2] == "6." for r in results.rows):
                _guarded(results, "memory", _memory_diagnosis, browser, builtin)
            _guarded(results, "naive", _naive_app, browser, builtin, ours)
            _guarded(results, "big", _big_app, browser)
        finally:
            browser.close()
