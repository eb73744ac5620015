"""Section 7: N concurrent browser sessions stepping the slider (reported, no target).

One ``streamlit run app.py`` serves N pages: N Playwright contexts (separate
cookies and sessions, as N users) on one Chromium. Every session opens the
page, then steps the date slider ``LOAD_STEPS`` times with ArrowRight, each
step timed as in section 3 (:mod:`bench.browser`: from the key press in the
page to the map frame showing the new date, plus one animation frame) and
followed by a wait until the session's run is over. The sessions step at the
same time, unsynchronised, as users would.

Reported for N = 4 and 8: median and 95th percentile of the step time over
all sessions, errors (steps whose map never showed the date, page errors,
Streamlit exception boxes) and the server's resident memory (before the
sessions, at its peak while they step, at the end).

There is no target: on a 2-core machine that also runs the N browsers, the
figure measures the machine as much as the app. ``BENCH_LOAD=4,8`` and
``BENCH_LOAD_STEPS`` change N and the number of steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import time

import numpy as np

from geodata import load_builtin

from .harness import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, OUT, START_DATE, Server, title_of
from .probes import ARM_JS, IDLE_JS, WAIT_JS

__all__ = ["load_benchmarks", "SCALING_NOTE"]

LOAD_SESSIONS = (4, 8)
LOAD_STEPS = 10
STEP_TIMEOUT_MS = 60_000
OPEN_TIMEOUT_MS = 240_000

SCALING_NOTE = (
    "Load (section 7) is reported without a target. On a 2-core machine the N browsers "
    "(each page runs Leaflet and Streamlit's front end) and the one Streamlit server share "
    "the same two cores; Streamlit runs each session's script in its own thread, but the "
    "Python work of those runs (the GIL) and the server's WebSocket traffic go through one "
    "process. So steps queue: the median grows with N while memory stays flat (epochs are "
    "cached once per process and shared read-only by every session; an upload lives in its "
    "own session state). A deployment scales out, not up: several `streamlit run app.py` "
    "processes (one or two per core) behind a reverse proxy with sticky sessions (a "
    "session's WebSocket and its state stay on one process), each process loading the "
    "read-only built-in data on its own; no shared store is needed, and browsers run on "
    "the users' machines, not the server's."
)


async def _session(browser, url: str, steps: int, last: dt.date, out: dict) -> None:
    """One user: open the page, then ``steps`` ArrowRight steps, each timed."""
    context = await browser.new_context(viewport={"width": 1500, "height": 1150})
    page = await context.new_page()
    page.set_default_timeout(OPEN_TIMEOUT_MS)
    errors = out["errors"]
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"[:300]))
    try:
        start = time.perf_counter()
        await page.goto(url, timeout=OPEN_TIMEOUT_MS)
        await page.evaluate(ARM_JS)
        date = START_DATE
        shown = await page.evaluate(
            WAIT_JS, {"sel": MAP_FRAME, "title": title_of(date), "timeout": OPEN_TIMEOUT_MS}
        )
        if shown.get("timeout"):
            errors.append(f"first map never showed {title_of(date)!r}")
            return
        out["open_s"] = time.perf_counter() - start
        await page.evaluate(IDLE_JS, {"timeout": OPEN_TIMEOUT_MS})
        slider = page.get_by_role("slider")
        for _ in range(steps):
            target = min(date + dt.timedelta(days=1), last)
            if not await slider.evaluate("e => e === document.activeElement"):
                await slider.focus()
            await page.evaluate(ARM_JS)
            await page.keyboard.press("ArrowRight")
            step = await page.evaluate(
                WAIT_JS, {"sel": MAP_FRAME, "title": title_of(target), "timeout": STEP_TIMEOUT_MS}
            )
            if step.get("timeout"):
                errors.append(f"step to {target}: map showed {step.get('shown')!r}")
                break
            out["ms"].append(step["ms"])
            date = target
            await page.evaluate(IDLE_JS, {"timeout": STEP_TIMEOUT_MS})
        boxes = page.locator("[data-testid=stException]")
        for i in range(await boxes.count()):
            errors.append("streamlit exception: " + (await boxes.nth(i).inner_text())[:300])
    except Exception as error:  # noqa: BLE001 - a failed session is an error to report
        errors.append(f"{type(error).__name__}: {error}"[:300])
    finally:
        await context.close()


async def _memory(server: Server, samples: list, stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(server.rss_mb())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)


async def _load_run(n: int, steps: int, last: dt.date) -> dict:
    from playwright.async_api import async_playwright

    with Server("app.py", f"load-{n}") as server:
        server.wait_healthy()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=list(CHROMIUM_ARGS)
            )
            try:
                before = server.rss_mb()
                samples: list[float] = []
                stop = asyncio.Event()
                watcher = asyncio.create_task(_memory(server, samples, stop))
                sessions = [{"ms": [], "errors": []} for _ in range(n)]
                started = time.perf_counter()
                await asyncio.gather(
                    *(_session(browser, server.url, steps, last, s) for s in sessions)
                )
                wall = time.perf_counter() - started
                stop.set()
                await watcher
                after = server.rss_mb()
            finally:
                await browser.close()
    ms = np.array([m for s in sessions for m in s["ms"]])
    errors = [e for s in sessions for e in s["errors"]]
    opens = [s["open_s"] for s in sessions if "open_s" in s]
    return {
        "n": n,
        "steps": len(ms),
        "median": float(np.median(ms)) if len(ms) else float("nan"),
        "p95": float(np.percentile(ms, 95)) if len(ms) else float("nan"),
        "errors": errors,
        "open_median_s": float(np.median(opens)) if opens else float("nan"),
        "rss_before": before,
        "rss_peak": max(samples + [after]),
        "rss_after": after,
        "wall_s": wall,
    }


def load_benchmarks(results) -> None:
    """Section 7 (needs /usr/bin/chromium)."""
    if not os.path.exists(CHROMIUM):
        results.notes.append(f"Load benchmark skipped: {CHROMIUM} is missing (make chromium).")
        return
    OUT.mkdir(exist_ok=True)
    sessions = [int(n) for n in os.environ.get("BENCH_LOAD", "").split(",") if n.strip()]
    steps = int(os.environ.get("BENCH_LOAD_STEPS", LOAD_STEPS))
    last = load_builtin().date_range()[1].date()
    for n in sessions or LOAD_SESSIONS:
        r = asyncio.run(_load_run(n, steps, last))
        label = f"7. load, {n} sessions x {steps} slider steps"
        results.add(f"{label}: step median", r["median"], "ms", "(reported)", None)
        results.add(f"{label}: step p95", r["p95"], "ms", "(reported)", None)
        results.add(
            f"{label}: steps timed / errors",
            f"{r['steps']} / {len(r['errors'])}",
            "",
            "(reported)",
            None,
        )
        results.add(
            f"{label}: first map, median per session", r["open_median_s"], "s", "(reported)", None
        )
        results.add(
            f"{label}: server memory before / peak / after",
            f"{r['rss_before']:.0f} / {r['rss_peak']:.0f} / {r['rss_after']:.0f} MB",
            "",
            "(reported)",
            None,
        )
        for error in r["errors"][:5]:
            results.notes.append(f"Load, {n} sessions: {error}")
    results.notes.append(SCALING_NOTE)
