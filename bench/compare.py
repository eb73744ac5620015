"""Compare mode in Chromium: a date step with two maps against the single map's step.

Two fresh servers, one after the other, each stepping the same dates from
:data:`bench.browser.START_DATE` (ArrowRight on the slider, then "Next
change"): the first shows the single map, the second compare mode opened
from a link (``?compare=...&date=...``, the first date a month earlier).
A compare step is timed until both maps of the frame show the new date
(the later map's legend, and ``window.__faCompareState`` that
``dashboard/map/compare.js`` sets once the earlier map, the changed land and
the rings are drawn, by the run's script or by the frame itself from data
sent ahead), then one more frame. Target: a compare step takes at
most twice the single map's step (medians).
"""

from __future__ import annotations

import datetime as dt
import os

from geodata import load_builtin

from .harness import (
    CHROMIUM,
    MAP_FRAME,
    OUT,
    START_DATE,
    Driver,
    Server,
    StepFailed,
    launch,
    title_of,
)
from .steps import step_summary

__all__ = ["compare_benchmarks"]

STEPS = 30
# Then "Next change" again, each click PACE_MS after the last run was over: the
# server's background worker then has had time for the next comparison.
PACED_STEPS, PACE_MS = 15, 700
COMPARE_FROM = dt.date(2016, 2, 27)  # a month before START_DATE, as the app's default

WAIT_COMPARE_JS = """async ({sel, title, to, timeout}) => {
    const start = performance.now();
    const drawn = () => {
        for (const f of document.querySelectorAll(sel)) {
            let w = null;
            try { w = f.contentWindow; if (!w || !w.document) continue; } catch (e) { continue; }
            const t = w.document.querySelector('.fa-legend .fa-title');
            const c = w.__faCompareState;
            if (t && t.textContent.trim() === title && w.map && c && c.to === to) return w;
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
                    compare_ms: w.__faCompareState.ms,
                    compare_source: w.__faCompareState.source,
                }), 0));
                return;
            }
            if (performance.now() - start > timeout) return resolve({timeout: true});
            setTimeout(poll, 5);
        };
        poll();
    });
}"""


# In the page, before a step: the first animation frame after compare mode's state
# in the map frame names the step's date (compare.js sets it once the earlier
# map, the changed land and the rings are drawn), in the page's time, as PAINT_JS
# times the later map's legend.
COMPARE_PAINT_JS = """({sel, to}) => {
    window.__tCompare = null;
    const w = document.querySelector(sel).contentWindow;
    let value = w.__faCompareState;
    Object.defineProperty(w, '__faCompareState', {
        configurable: true,
        get: () => value,
        set: (v) => {
            value = v;
            if (v && v.to === to) w.requestAnimationFrame(() => {
                if (window.__tCompare === null) window.__tCompare = performance.now();
            });
        },
    });
}"""

COMPARE_READ_JS = """() => window.__tCompare === null || window.__t0 === null
    ? null : window.__tCompare - window.__t0"""


class CompareDriver(Driver):
    """The dashboard in compare mode, the first date fixed, stepping the second."""

    def __init__(self, browser, server, dataset):
        super().__init__(browser, server, dataset)
        self.url = f"{server.url}/?compare={COMPARE_FROM}&date={self.date}"

    def step(self, how: str, **kwargs) -> dict:
        """A step is over when both maps show the new date: the later of the later
        map's paint and compare mode's (the poll's time when either was missed)."""
        self.page.evaluate(COMPARE_PAINT_JS, {"sel": MAP_FRAME, "to": str(self.next_date(how))})
        out = super().step(how, **kwargs)
        both = self.page.evaluate(COMPARE_READ_JS)
        out["map_ms"] = out["ms"]
        out["ms"] = max(out["ms"], both) if both is not None and out["painted"] else out["poll_ms"]
        return out

    def wait_map(self, date: dt.date, timeout_ms: float) -> dict:
        out = self.page.evaluate(
            WAIT_COMPARE_JS,
            {"sel": MAP_FRAME, "title": title_of(date), "to": str(date), "timeout": timeout_ms},
        )
        if out.get("timeout"):
            raise StepFailed(f"{self.server.name}: compare mode did not show {date}")
        return out


def _steps(browser, builtin, driver_class, name: str) -> tuple[dict, dict, list]:
    with Server("app.py", name) as server:
        server.wait_healthy()
        driver = driver_class(browser, server, builtin)
        try:
            driver.open()
            driver.wait_idle()
            keys = driver.run("key", STEPS)
            clicks = driver.run("click", STEPS)
            paced = []
            if driver_class is CompareDriver:  # "Next change" at a reader's pace
                for _ in range(PACED_STEPS):
                    driver.page.wait_for_timeout(PACE_MS)
                    paced.append(driver.step("click"))
            errors = driver.streamlit_errors() + driver.errors
        finally:
            driver.close()
    return step_summary(keys), step_summary(clicks), [keys, clicks, errors, paced]


def compare_benchmarks(results) -> None:
    """Section 8: compare mode's step against the single map's, in Chromium."""
    if not os.path.exists(CHROMIUM):
        results.notes.append(f"Compare benchmark skipped: {CHROMIUM} is missing.")
        return
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    builtin = load_builtin()
    with sync_playwright() as playwright:
        browser = launch(
            playwright, extra_args=("--enable-precise-memory-info", "--js-flags=--expose-gc")
        )
        try:
            single_keys, single_clicks, _ = _steps(browser, builtin, Driver, "single")
            keys, clicks, (raw_keys, raw_clicks, errors, paced) = _steps(
                browser, builtin, CompareDriver, "compare"
            )
        finally:
            browser.close()
    for how, single, both in (
        ("ArrowRight", single_keys, keys),
        ("Next change", single_clicks, clicks),
    ):
        ratio = both["median"] / single["median"]
        label = f"8. compare mode, {how} from {START_DATE} (first date {COMPARE_FROM})"
        results.add(
            f"{label}: single map, median of {single['n']}", single["median"], "ms", "", None
        )
        results.add(f"{label}: two maps, median of {both['n']}", both["median"], "ms", "", None)
        results.add(f"{label}: two maps, 95th percentile", both["p95"], "ms", "", None)
        results.add(f"{label}: two maps / single map", ratio, "x", "<= 2x", ratio <= 2)
        results.add(
            f"{label}: map frame remounted",
            f"{both['remounts']} of {both['n']}",
            "",
            "no remount",
            both["remounts"] == 0,
        )
        raw = raw_keys if how == "ArrowRight" else raw_clicks
        drawn = sum(1 for step in raw if step.get("compare_source") == "follow")
        results.notes.append(
            f"Compare mode, {how}: {drawn} of {len(raw)} steps were drawn by the frame itself "
            "(both maps, the changed land and the rings, from data sent ahead), the others "
            "when the run came back."
        )
        results.notes.append(
            f"Compare mode, {how}: a step sends a median {both['kB']:,.0f} kB (single map "
            f"{single['kB']:,.0f} kB); the run is over {both['idle']:,.0f} ms after the action "
            f"(single map {single['idle']:,.0f} ms)."
        )
    if paced:
        label = f"8. compare mode, Next change, {PACE_MS} ms after each run (a reader's pace)"
        summary = step_summary(paced)
        drawn = sum(1 for step in paced if step.get("compare_source") == "follow")
        results.add(
            f"{label}: two maps, median of {summary['n']}", summary["median"], "ms", "", None
        )
        results.add(f"{label}: drawn by the frame", f"{drawn} of {len(paced)}", "", "", None)
    frame_ms = [s["compare_ms"] for s in raw_keys + raw_clicks if "compare_ms" in s]
    if frame_ms:
        frame_ms.sort()
        results.notes.append(
            "Compare mode: the frame's own work for the earlier map, the changed land and the "
            f"rings (window.__faCompare.show) takes a median {frame_ms[len(frame_ms) // 2]:.0f} "
            f"ms, at most {frame_ms[-1]:.0f} ms."
        )
    if errors:
        results.notes.append(f"Compare mode reported errors: {errors[:3]}")
