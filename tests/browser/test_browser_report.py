"""The "Check a news report" panel in a real browser (Debian's Chromium, no network)."""

from __future__ import annotations

import pytest

from tests.browser.pages import open_app, require_chromium, wait_idle, wait_title
from tests.paths import ARTIFACTS, REPORTS, SEED

require_chromium()

pytestmark = pytest.mark.browser

KOBANI = REPORTS / "kobani-independent.txt"


def open_panel(page):
    page.get_by_text("Check a news report").click()
    box = page.get_by_label("Report text")
    box.wait_for()
    wait_idle(page)  # opening the panel reruns the page: the box is remade
    return box


def test_checking_a_pasted_report(server, page):  # noqa: F811 - fixtures
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    frame = open_app(page, server, "27 March 2016")
    box = open_panel(page)
    text = KOBANI.read_text(encoding="utf-8")
    box.fill(text + '\n<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>')
    page.get_by_role("button", name="Check the report").click()
    # The timeline moves to the report's date; the map rings its place.
    wait_title(frame, "26 January 2015")
    frame.wait_for_function("() => (window.__faReport || []).includes('Kobani')")
    table = page.locator(".fa-report table")
    table.wait_for()
    assert "agrees" in table.inner_text()
    assert "Kobani" in table.inner_text()
    hrefs = table.evaluate("t => [...t.querySelectorAll('a')].map(a => a.href)")
    assert any("Siege_of_Kobani" in h for h in hrefs)
    page.locator(".fa-report table").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report-panel.png"), full_page=True)
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__xss") is None and dialogs == []
    assert page.errors == []


def test_checking_the_seed_report(server, page):  # noqa: F811 - fixtures
    if not SEED.exists():
        pytest.skip("no seed report beside the repository")
    frame = open_app(page, f"{server}/?date=2015-01-01", "1 January 2015")
    open_panel(page).fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Check the report").click()
    wait_title(frame, "27 March 2016")
    frame.wait_for_function("() => (window.__faReport || []).length === 7")
    rows = page.locator(".fa-report tr.fa-claim")
    rows.first.wait_for()
    assert rows.count() >= 7
    text = page.locator(".fa-report table").inner_text()
    assert "disagrees" not in text and text.count("agrees") >= 7
    page.locator(".fa-report table").screenshot(path=str(ARTIFACTS / "report-claims-seed.png"))
    page.locator("iframe[title='streamlit_folium.st_folium']").screenshot(
        path=str(ARTIFACTS / "report-map-seed.png")
    )
    assert page.errors == []
