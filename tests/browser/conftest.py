"""Fixtures of the browser tests: one ``streamlit run app.py`` per test module,
Debian's Chromium, and a page per test that records console errors and leaves a
screenshot in ``tests/artifacts/`` (``-FAILED`` in the name when it failed).

The server and the browser come from ``bench/harness.py``, the harness the
benchmarks use too.
"""

from __future__ import annotations

import pytest

from bench.harness import Server, launch
from tests.browser.pages import TIMEOUT_MS, is_tile, map_frame
from tests.paths import ARTIFACTS

FIRST_MAP_MS = 180_000  # a cold server on busy cores (see _first_map)
VIEWPORT = {"width": 1500, "height": 1150}


@pytest.fixture(scope="module")
def server(request, browser):
    name = f"tests-{request.module.__name__.rsplit('.', 1)[-1]}"
    with Server("app.py", name, log_dir=ARTIFACTS) as running:
        running.wait_healthy()
        _first_map(browser, running.url)
        yield running.url


def _first_map(browser, url: str) -> None:
    """Open the app once and wait for its first map, with time to spare.

    The server's first run loads the data and draws the first epoch; with the
    other workers of the suite on the same cores that can take longer than a
    test's waits allow. Each test then starts from a server that has drawn a map.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(FIRST_MAP_MS)
        page.goto(url)
        map_frame(page)
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []

    def on_console(message):
        if message.type == "error" and not is_tile(message.location.get("url", "")):
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.errors = errors
    failed_before = request.session.testsfailed
    yield page
    failed = request.session.testsfailed > failed_before
    name = request.node.name + ("-FAILED" if failed else "")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
