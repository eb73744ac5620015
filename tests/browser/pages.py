"""What the browser tests share besides their fixtures: waiting for the map
frame and reading it (the fixtures are in ``conftest.py``, the server and
Chromium come from ``bench/harness.py``, shared with the benchmarks)."""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import Frame, Page

from bench.harness import CHROMIUM, MAP_FRAME

__all__ = [
    "MAP_FRAME",
    "STRIP_FRAME",
    "TILE_HOSTS",
    "TIMEOUT_MS",
    "is_tile",
    "legend_title",
    "map_frame",
    "open_app",
    "require_chromium",
    "strip_frame",
    "wait_idle",
    "wait_title",
]

# Offline, the optional tile layers cannot load; nothing else may fail.
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "server.arcgisonline.com")
TIMEOUT_MS = 60_000  # generous: the suite's other workers share the cores


def require_chromium() -> None:
    """Skip the calling test module when Debian's Chromium is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (make chromium) to run "
            "browser tests",
            allow_module_level=True,
        )


def is_tile(url: str) -> bool:
    """Whether a request went to one of the optional tile servers."""
    return any(host in (url or "") for host in TILE_HOSTS)


def map_frame(page: Page) -> Frame:
    """The map's frame once Leaflet has drawn the date layers."""
    handle = page.wait_for_selector(MAP_FRAME)
    frame = handle.content_frame()
    frame.wait_for_function(
        "() => window.map && window.__faBaseDrawn"  # borders fetched and drawn
        " && document.querySelector('.fa-legend .fa-title') !== null"
    )
    return frame


#: The control strip's frame (dashboard/strip).
STRIP_FRAME = "iframe[title='dashboard.strip.component.control_strip']"


def strip_frame(page: Page) -> Frame:
    """The control strip's frame once it has drawn its rows and its date rule."""
    frame = page.wait_for_selector(STRIP_FRAME).content_frame()
    frame.wait_for_function("() => document.querySelector('svg[data-date] g.row') !== null")
    return frame


def legend_title(frame: Frame) -> str:
    """The legend's title: the date the map shows."""
    return frame.eval_on_selector(".fa-legend .fa-title", "e => e.textContent")


def wait_title(frame: Frame, text: str) -> None:
    """Wait until the legend's title names ``text`` (a date)."""
    frame.wait_for_function(
        "t => { const e = document.querySelector('.fa-legend .fa-title');"
        " return e && e.textContent.includes(t); }",
        arg=text,
    )


def wait_idle(page: Page, *, quiet_ms: int = 600) -> None:
    """Wait until no script run is going on, and none starts for ``quiet_ms``.

    A rerun still under way (the export panel's, or the view the map sends
    while that panel is open) remakes its widgets: a download button clicked
    during it belongs to the run being replaced.
    """
    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        page.wait_for_selector(idle)
        page.wait_for_timeout(quiet_ms)
        if page.locator(idle).count() == 1:
            return
    raise TimeoutError("the app did not settle")


def open_app(page: Page, url: str, title: str | None = None) -> Frame:
    """Open the app at ``url``; return the map's frame once it has drawn (the date
    ``title`` in its legend, if given) and the app has settled.

    Every test starts from a settled page. A click during a rerun can land in the
    run being replaced (a step lost half-way, a selectbox closed under the
    pointer, a click that reaches the control strip as the page shifts: all seen
    in CI while the map still reran the page after its first draw).
    """
    page.goto(url)
    frame = map_frame(page)
    if title is not None:
        wait_title(frame, title)
    wait_idle(page)
    return frame
