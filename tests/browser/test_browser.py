"""The dashboard in a real browser (Debian's Chromium via Playwright), with no network.

One ``streamlit run app.py`` serves the whole module. Each test saves a
screenshot of the page to ``tests/artifacts/`` (``-FAILED`` in the name when
it failed).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
from pathlib import Path

import pytest

from tests.browser.pages import (
    MAP_FRAME,
    STRIP_FRAME,
    TIMEOUT_MS,
    is_tile,
    legend_title,
    map_frame,
    open_app,
    require_chromium,
    strip_frame,
    wait_idle,
    wait_title,
)
from tests.paths import ARTIFACTS, CORPUS, ROOT

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import Frame, Page  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

# {id: [fill, ring]} of the towns drawn (all on one canvas layer).
TOWNS_JS = "() => window.__fa.towns()"
N_TOWNS_IS = "n => Object.keys(window.__fa.towns()).length === n"
with (ROOT / "geodata" / "data" / "places.csv").open(encoding="utf-8") as _fh:
    N_BUILTIN = sum(1 for _ in csv.DictReader(_fh))  # towns of the built-in data


def test_page_loads_offline_with_no_console_errors(server, page):
    frame = open_app(page, server, "27 March 2016")
    scripts = frame.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    styles = frame.evaluate(
        "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)"
    )
    leaflet = [s for s in scripts if s.endswith("/app/static/leaflet/leaflet.js")]
    assert leaflet and all(s.startswith(server) for s in scripts), scripts
    assert any(s.endswith("/app/static/leaflet/leaflet.css") for s in styles), styles
    assert all(s.startswith(server) for s in styles), styles
    assert frame.evaluate("() => L.version") == "1.9.4"
    page.locator(".fa-keyplaces").wait_for()
    assert page.errors == []
    # Tiles are optional: offline, choosing them fails only on the tile server.
    frame.locator(".leaflet-control-layers").hover()
    with page.expect_event("requestfailed", predicate=lambda r: is_tile(r.url)):
        frame.get_by_text("OpenStreetMap", exact=True).click()
    frame.get_by_text("No tiles (offline)", exact=True).click()
    assert frame.locator(".leaflet-tile").count() == 0
    assert page.errors == []


TERRITORY_FILLS_JS = """() => {
        const fills = new Set();
        window.map.eachLayer(l => {
            if (l instanceof L.Polygon && l.options.pane === 'territories')
                fills.add(l.options.fillColor);
        });
        return [...fills];
    }"""


PAINTED_JS = """() => {
        const c = document.querySelector('.leaflet-territories-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 7)
            if (d[i + 3] > 40) seen.add([d[i], d[i + 1], d[i + 2]].map(v => v >> 4).join(','));
        return [...seen];
    }"""


BORDERS_PAINTED_JS = """() => {
        const c = document.querySelector('.leaflet-borders-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 100) n++;
        return n;
    }"""


FRONTS_RED_JS = """() => {
        const c = document.querySelector('.leaflet-fronts-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4)
            if (d[i + 3] > 200 && d[i] > 200 && d[i + 1] < 60 && d[i + 2] < 60) n++;
        return n;
    }"""


TOWNS_PAINTED_JS = """() => {
        const c = document.querySelectorAll('.leaflet-towns-pane canvas');
        const d = c[0].getContext('2d').getImageData(0, 0, c[0].width, c[0].height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 200) n++;
        return [c.length, n];
    }"""


TIERS_JS = """() => {
        const out = {core: new Set(), nominal: new Set(), dashed: 0, solid: 0};
        window.map.eachLayer(l => {
            if (!l.feature) return;
            const p = l.feature.properties;
            if (l.options.pane === 'territories' && p.tier)
                out[p.tier].add(l.options.fillOpacity);
            if (l.options.pane === 'fronts' && l.options.color !== '#ffffff')
                l.options.dashArray ? out.dashed++ : out.solid++;
        });
        return {core: [...out.core], nominal: [...out.nominal], dashed: out.dashed,
                solid: out.solid};
    }"""


def test_map_shows_territories_borders_towns_and_labels(server, page):
    frame = open_app(page, server, "27 March 2016")
    # Canvas renderer: one canvas per pane.
    fills = frame.evaluate(TERRITORY_FILLS_JS)
    assert {"#d43300", "#1a1a1a", "#e8d81b", "#d592a6"} <= set(fills)
    assert frame.locator(".leaflet-territories-pane canvas").count() == 1
    assert frame.locator(".leaflet-pane svg").count() == 0
    # Sample the territory canvas: faction colours are really painted.
    painted = frame.evaluate(PAINTED_JS)
    # SYGOV red #d43300 and ISIS #1a1a1a, at 4-bit precision.
    assert "13,3,0" in painted and "1,1,1" in painted, painted[:20]
    borders_painted = frame.evaluate(BORDERS_PAINTED_JS)
    assert borders_painted > 2000  # country outlines drawn without any tiles
    # Front lines: red over their white casing, not hidden under it.
    fronts_red = frame.evaluate(FRONTS_RED_JS)
    assert fronts_red > 300, fronts_red
    _check_towns_drawn(frame)
    _check_tiers_and_labels(frame)
    page.locator(MAP_FRAME).screenshot(path=str(ARTIFACTS / "map-2016-03-27.png"))
    assert page.errors == []


def _check_towns_drawn(frame) -> None:
    """Every town, in its holder's colour, ringed when contested, on one canvas."""
    towns = frame.evaluate(TOWNS_JS)
    assert len(towns) == N_BUILTIN
    assert towns["palmyra"][0] == "#d43300"  # held by the government
    assert towns["deir-ez-zor"] == ["#d43300", "#1a1a1a"]  # besieged: ring in ISIS black
    # All the towns are painted on the towns pane's one canvas.
    towns_painted = frame.evaluate(TOWNS_PAINTED_JS)
    assert towns_painted[0] == 1 and towns_painted[1] > 66 * 40, towns_painted


def _check_tiers_and_labels(frame) -> None:
    """Nominal land lighter than core land, fronts across it dashed; the key places'
    labels, the legend, the scale; one map filling the frame."""
    # Nominal land drawn lighter than core land, and fronts across it dashed.
    tiers = frame.evaluate(TIERS_JS)
    assert tiers["core"] and tiers["nominal"], tiers
    assert max(tiers["nominal"]) < min(tiers["core"]), tiers
    assert tiers["dashed"] > 0 and tiers["solid"] > 0, tiers
    labels = frame.locator(".fa-label").all_text_contents()
    assert sorted(labels) == sorted(
        ["Palmyra", "Raqqa", "Deir ez-Zor", "Ramadi", "Tikrit", "Mosul", "al-Shaddadi"]
    )
    legend = frame.locator(".fa-legend").inner_text()
    assert "Syrian government" in legend and "Front (dashed: nominal land)" in legend
    assert "Light: nominal land" in legend
    assert frame.locator(".leaflet-control-scale").count() == 1
    # One map fills the frame (the two-map layout is for compare mode only).
    widths = frame.evaluate(
        "() => [window.map.getContainer().clientWidth, document.body.clientWidth]"
    )
    assert widths[0] >= 0.95 * widths[1], widths


def test_moving_the_date_updates_the_map_in_place(server, page):
    frame = open_app(page, server, "27 March 2016")
    before = frame.evaluate(TOWNS_JS)
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    frame.evaluate("() => window.map.setView([35.3, 40.1], 8, {animate: false})")
    # The next change button: the map changes, the frame stays.
    page.get_by_role("button", name="Next change").click()
    wait_title(frame, "1 April 2016")
    after = frame.evaluate(TOWNS_JS)
    assert before != after and set(before) == set(after)
    # The keyboard: focus the slider, one day per arrow press.
    wait_idle(page)
    page.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    wait_title(frame, "2 April 2016")
    assert frame.evaluate("() => window.__frontline_mark") == 1
    assert page.locator(MAP_FRAME).count() == 1
    assert not frame.is_detached()
    assert frame.evaluate("() => window.map.getZoom()") == 8
    center = frame.evaluate("() => window.map.getCenter()")
    assert center["lat"] == pytest.approx(35.3, abs=0.01)
    assert center["lng"] == pytest.approx(40.1, abs=0.01)
    page.locator(MAP_FRAME).screenshot(path=str(ARTIFACTS / "map-zoomed-2016-04-02.png"))
    assert page.errors == []


def test_the_map_reruns_the_page_only_when_its_view_is_needed(server, page):
    # Each value the map frame sends reruns the page, and a rerun that starts as the
    # user clicks replaces the click's run. So the frame sends nothing after its first
    # draw or a pan; only while the export panel is open does it send its view.
    sent = []  # the page's messages to the server (a rerun each)
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    frame = open_app(page, server, "27 March 2016")
    assert len(sent) == 1, sent  # the first run only
    frame.evaluate("() => window.map.setView([35.3, 40.1], 8, {animate: false})")
    page.wait_for_timeout(1200)  # streamlit-folium sends a view 250 ms after a move
    assert len(sent) == 1
    page.get_by_text("Export this map and its data").click()
    page.get_by_text("Area of the map images").wait_for()
    wait_idle(page)
    opened = len(sent)
    assert opened >= 3  # the panel's rerun, then the view the user is looking at
    frame.evaluate("() => window.map.setView([34.6, 38.3], 7, {animate: false})")
    deadline = time.monotonic() + 10
    while len(sent) == opened:
        assert time.monotonic() < deadline, "the open export panel got no new view"
        page.wait_for_timeout(100)
    # Closed again, the panel gets no view: a pan sends nothing.
    wait_idle(page)
    page.get_by_text("Export this map and its data").click()
    page.get_by_text("Area of the map images").wait_for(state="detached")
    wait_idle(page)
    closed = len(sent)
    frame.evaluate("() => window.map.setView([36.3, 43.1], 7, {animate: false})")
    page.wait_for_timeout(1200)
    assert len(sent) == closed
    assert page.errors == []


def test_the_frame_keeps_epochs_and_asks_again_for_data_it_lost(server, page):
    received = []  # sizes of the map's messages (the other elements are left out)

    def count(payload):
        if isinstance(payload, bytes) and b"st_folium" in payload:
            received.append(len(payload))

    page.on("websocket", lambda ws: ws.on("framereceived", count))
    frame = open_app(page, server, "27 March 2016")
    # The epochs whose data the frame holds (the town and follow tables apart).
    stored = "() => window.__fa.stored().filter(id => !/[/](towns|follow)$/.test(id))"
    (first,) = [e for e in frame.evaluate(stored) if e.split("/")[1] == "2016-03-27"]
    tables = "() => window.__fa.stored().filter(id => /[/](towns|follow)$/.test(id)).length"
    assert frame.evaluate(tables) == 2
    page.get_by_role("button", name="Next change").click()
    wait_title(frame, "1 April 2016")
    wait_idle(page)
    held = frame.evaluate(stored)
    assert {"2016-03-27", "2016-04-01"} <= {e.split("/")[1] for e in held}
    # Back in an epoch the frame holds: the step does not carry its data again.
    page.get_by_role("button", name="Previous change").click()
    wait_title(frame, "27 March 2016")
    wait_idle(page)
    assert first in frame.evaluate(stored)
    assert frame.evaluate("() => window.__faStats.parse") == 0
    # A frame that lost its data (as a remounted one would) asks for it, and
    # the map still comes to the new date, with no reload.
    frame.evaluate("() => { window.__frontline_mark = 1; window.__fa.forget(); }")
    received.clear()
    page.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    wait_title(frame, "28 March 2016")
    wait_idle(page)
    assert first in frame.evaluate(stored) and frame.evaluate(tables) == 2
    assert frame.evaluate("() => window.__frontline_mark") == 1
    assert max(received) > 50_000  # the data came again (the epoch's and the town table)
    # Within the epoch, with the data held: the map's message is small.
    received.clear()
    page.keyboard.press("ArrowRight")
    wait_title(frame, "29 March 2016")
    wait_idle(page)
    assert received and max(received) < 20_000
    # An epoch sent ahead that the frame lost (the app counts it as held): the
    # frame asks for it, and holds it again.
    # (1 April's epoch was made when the map went there, so the runs send it ahead.)
    (ahead,) = [e for e in frame.evaluate(stored) if e.split("/")[1] == "2016-04-01"]
    frame.evaluate("id => window.__fa.forget(id)", ahead)
    page.keyboard.press("ArrowRight")
    wait_title(frame, "30 March 2016")
    wait_idle(page)
    frame.wait_for_function("id => window.__fa.stored().includes(id)", arg=ahead)
    assert page.errors == []


FOLLOW_JS = "() => Object.assign({}, window.__faFollow)"


def _step_followed(page: Page, frame: Frame, act, title: str) -> dict:
    """Take one step; the frame draws it before the run's script comes back, and the
    run's script then draws the very same (epoch, title, halos)."""
    before = frame.evaluate(FOLLOW_JS)
    act()
    wait_title(frame, title)
    wait_idle(page)
    after = frame.evaluate(FOLLOW_JS)
    assert after["mismatches"] == 0, after["last"]
    assert after["drawn"] == before["drawn"] + 1
    assert after["confirmed"] == before["confirmed"] + 1
    assert after["lead"] > 0
    return after


def _hold_epochs(page: Page, frame: Frame, days: list[str], *, tries: int = 10) -> None:
    """Step on the spot until the frame holds these epochs: a run sends the epochs
    next to the date only once the server has made them (in the background)."""
    slider = page.get_by_role("slider")
    for _ in range(tries):
        held = {e.split("/")[1] for e in frame.evaluate("() => window.__fa.stored()")}
        if set(days) <= held:
            return
        title = legend_title(frame)
        slider.press("ArrowRight")
        wait_idle(page)
        slider.press("ArrowLeft")
        wait_title(frame, title.split(", ", 1)[1])
        wait_idle(page)
    pytest.fail(f"the frame never got the epochs {days}")


def test_the_map_draws_a_step_itself_before_the_run_comes_back(server, page):
    frame = open_app(page, f"{server}/?date=2016-03-28", "28 March 2016")
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    slider = page.get_by_role("slider")
    slider.focus()
    # The first run sends no epoch ahead (none is made yet); later runs do.
    _hold_epochs(page, frame, ["2016-03-27", "2016-04-01"])
    # Within the epoch, into the next one (1 April), back, and by the buttons.
    for act, title in (
        (lambda: slider.press("ArrowRight"), "29 March 2016"),
        (lambda: page.get_by_role("button", name="Next change").click(), "1 April 2016"),
        (lambda: slider.press("ArrowLeft"), "31 March 2016"),
        (lambda: page.get_by_role("button", name="Next change").click(), "1 April 2016"),
        (lambda: page.get_by_role("button", name="Previous change").click(), "27 March 2016"),
    ):
        _step_followed(page, frame, act, title)
    # Each step's epoch, title and halos were the run's (confirmed above), and the
    # frame was never reloaded.
    assert frame.evaluate("() => window.__frontline_mark") == 1
    assert page.locator(MAP_FRAME).count() == 1
    assert page.errors == []


STRIP_DATE_IS = "d => document.querySelector('svg').dataset.date === d"
# The rule's x and the x where a date's day falls in the bars (their shared scale).
RULE_X_JS = "() => +document.querySelector('svg > line:last-of-type').getAttribute('x1')"


def test_the_control_strip_follows_the_date_and_selects_a_place(server, page):
    frame = open_app(page, server, "27 March 2016")
    strip = strip_frame(page)
    assert strip.evaluate("() => document.querySelector('svg').dataset.date") == "2016-03-27"
    names = strip.eval_on_selector_all("g.row > text", "els => els.map(e => e.textContent)")
    assert names[:7] == ["Palmyra", "Raqqa", "Deir ez-Zor", "Ramadi", "Tikrit", "Mosul",
                         "al-Shaddadi"]  # fmt: skip
    assert len(names) == 80
    # Palmyra's row: the government's bar starts where the rule stands on 27 March 2016.
    x = strip.evaluate(RULE_X_JS)
    starts = strip.eval_on_selector_all(
        "g.row[data-place=palmyra] > rect:not(.band)", "els => els.map(e => +e.getAttribute('x'))"
    )
    assert min(abs(s - x) for s in starts) < 0.01
    assert "27 March 2016" in strip.evaluate("() => document.title")
    # A step moves the rule; the strip's frame is the same (no reload).
    strip.evaluate("() => { window.__strip_mark = 1; }")
    page.get_by_role("button", name="Next change").click()
    wait_title(frame, "1 April 2016")
    strip.wait_for_function(STRIP_DATE_IS, arg="2016-04-01")
    assert strip.evaluate(RULE_X_JS) > x
    assert strip.evaluate("() => window.__strip_mark") == 1
    assert page.locator(STRIP_FRAME).count() == 1
    # Clicking a row selects its place: the history panel and the row's highlight.
    wait_idle(page)  # the frame draws a step before its run is back: let it end
    strip.locator("g.row[data-place=raqqa] > text").click()
    page.locator(".fa-place h3", has_text="Raqqa").wait_for()
    strip.wait_for_function(
        "() => document.querySelector('g.row[data-place=raqqa] > rect.band').style.fill"
        " !== 'transparent'"
    )
    page.locator(STRIP_FRAME).screenshot(path=str(ARTIFACTS / "control-strip.png"))
    assert page.errors == []


def test_hiding_and_showing_layers_keeps_the_frame(server, page):
    frame = open_app(page, server, "27 March 2016")
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    towns = page.locator("[data-testid=stSidebar]").get_by_text("Towns", exact=True)
    towns.click()  # hide them: the towns' canvas leaves the map
    frame.wait_for_function(N_TOWNS_IS, arg=0)
    assert frame.locator(".leaflet-towns-pane canvas").count() == 0
    assert frame.locator(".leaflet-territories-pane canvas").count() == 1
    towns.click()  # and back, from the layers the frame kept
    frame.wait_for_function(N_TOWNS_IS, arg=N_BUILTIN)
    assert frame.locator(".leaflet-towns-pane canvas").count() == 1
    assert frame.evaluate("() => window.__frontline_mark") == 1
    assert page.errors == []


def title_date(frame: Frame) -> dt.date:
    """The date in the legend title, e.g. "Control of towns, 3 April 2016"."""
    text = legend_title(frame).split(", ", 1)[1]
    return dt.datetime.strptime(text, "%d %B %Y").date()


def test_play_advances_the_date(server, page):
    frame = open_app(page, server, "27 March 2016")
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    page.get_by_role("button", name="Play").click()
    wait_title(frame, "1 April 2016")  # the first step: the next change
    frame.wait_for_function(  # and a second one
        "() => !document.querySelector('.fa-legend .fa-title').textContent.includes('1 April')"
    )
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    assert title_date(frame) > dt.date(2016, 4, 1)
    assert frame.evaluate("() => window.__frontline_mark") == 1
    # The URL follows the replay (polling: a frame may still be on its way).
    deadline = time.monotonic() + 10
    while f"date={title_date(frame).isoformat()}" not in page.url:
        assert time.monotonic() < deadline, (page.url, legend_title(frame))
        page.wait_for_timeout(100)
    assert page.errors == []


def test_url_with_a_date_opens_on_that_date(server, page):
    frame = open_app(
        page,
        f"{server}/?date=2015-06-01&place=palmyra&layers=territories,towns,labels,martians",
        "1 June 2015",
    )
    towns = frame.evaluate(TOWNS_JS)
    assert towns["palmyra"][0] == "#1a1a1a"  # ISIS took it on 20 May 2015
    panel = page.locator(".fa-place")
    panel.wait_for()
    assert "Palmyra" in panel.inner_text() and "تدمر" in panel.inner_text()
    assert "Islamic State (ISIS) since 20 May 2015" in panel.inner_text()
    assert "martians" in page.get_by_role("alert").inner_text()
    # The note about the link goes away on the next full run (a filter changed);
    # the map keeps its place on the page, so it is not remounted.
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    page.get_by_text("Front lines", exact=True).click()
    page.get_by_role("alert").wait_for(state="detached")
    wait_idle(page)
    page.get_by_role("button", name="Next change").click()
    wait_title(frame, "2 June 2015")  # rebels regained Kafra, by Azaz
    assert frame.evaluate("() => window.__frontline_mark") == 1
    page.wait_for_url(re.compile(r"date=2015-06-02"))
    assert "layers=territories%2Cfronts%2Ctowns%2Clabels" in page.url
    assert page.errors == []


def test_hovering_and_clicking_a_town(server, page):
    frame = open_app(page, server, "27 March 2016")
    view = frame.evaluate("() => [window.map.getCenter(), window.map.getZoom()]")
    point = frame.evaluate(
        "() => window.map.latLngToContainerPoint([36.335, 43.1189])"  # Mosul (lat, lon)
    )
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = frame.locator(".fa-tip")
    tooltip.wait_for()
    assert "Mosul" in tooltip.inner_text() and "الموصل" in tooltip.inner_text()
    assert "Islamic State (ISIS) since 10 June 2014" in tooltip.inner_text()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    panel = page.locator(".fa-place")
    panel.wait_for()
    assert "Mosul" in panel.inner_text() and "الموصل" in panel.inner_text()
    assert panel.locator("a[href^='http']").count() >= 5  # every event's source
    page.wait_for_url(re.compile(r"place=mosul"))
    # The selection ring is drawn, and the view has not moved.
    frame.wait_for_function(
        "() => { let n = 0; window.map.eachLayer(l => { if (l.options && l.options.color"
        " === '#1565c0') n++; }); return n === 1; }"
    )
    assert frame.evaluate("() => [window.map.getCenter(), window.map.getZoom()]") == view
    assert page.errors == []


# --- exports and uploads -------------------------------------------------------

UPLOAD_INPUT = "[data-testid='stFileUploaderDropzoneInput']"
XSS_PLACES = (
    "id,name,name_ar,aliases,lat,lon,country,governorate,coord_source\n"
    'evil-town,<img src=x onerror="window.__xss=1">,<script>window.__xss=2</script>,'
    "<b onmouseover=window.__xss=3>x</b>,35.5,39.5,SY,<svg onload=window.__xss=4>,"
    "javascript:window.__xss=5\n"
)
XSS_EVENTS = (
    "event_id,place_id,kind,date,date_precision,end_date,end_precision,from_faction,to_faction,"
    "certainty,source_title,source_url,note\n"
    "e-1,evil-town,initial,2012-01-01,day,,,,SYGOV,high,"
    '<img src=x onerror="window.__xss=6">,https://example.org/?q=<script>,'
    "<script>window.__xss=7</script>\n"
    "e-2,evil-town,capture,2016-03-20,day,,,SYGOV,ISIS,low,"
    '"<a href=""javascript:window.__xss=8"">click</a>",https://example.org/a,'
    '"""><svg onload=window.__xss=9>"\n'
)


def upload(page: Page, tmp_path: Path, files: dict[str, str | bytes], *, mode: str | None = None):
    """Upload events (and places) through the sidebar panel and press "Check and load"."""
    expander = page.get_by_text("Your own data", exact=True)
    if not page.get_by_text("Check and load").is_visible():
        expander.click()
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        paths.append(path)
    inputs = page.locator(UPLOAD_INPUT)
    sidebar = page.locator("[data-testid=stSidebar]")
    # One file at a time, each waited for: a rerun that the first upload
    # causes can otherwise drop the second file (seen on a loaded machine).
    for i, path in enumerate(paths[:2]):
        for attempt in range(3):  # a rerun can still drop it: set it again
            wait_idle(page)
            inputs.nth(i).set_input_files(str(path))
            try:
                sidebar.get_by_text(path.name, exact=True).first.wait_for(timeout=15_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
    wait_idle(page)
    if mode == "replace":
        page.get_by_text("instead of the built-in data").click()
    button = page.get_by_role("button", name="Check and load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes("
        "'Check and load') && !b.disabled)"
    )
    button.click()


def test_png_export_downloads_a_valid_image(server, page, tmp_path):
    open_app(page, server, "27 March 2016")
    page.get_by_text("Export this map and its data").click()
    page.get_by_role("button", name="Map image (PNG)").wait_for()
    wait_idle(page)
    button = page.get_by_role("button", name="Map image (PNG)")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "frontline-atlas_2016-03-27.png"
    path = tmp_path / "map.png"
    download.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(path) as image:
        assert image.width >= 1000 and image.height >= 800
    assert page.errors == []


def test_html_payloads_in_every_field_never_run(server, page, tmp_path):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    frame = open_app(page, f"{server}/?date=2016-03-01")
    upload(page, tmp_path, {"ev.csv": XSS_EVENTS, "pl.csv": XSS_PLACES}, mode="replace")
    page.get_by_text("2 events for 1 place loaded", exact=False).wait_for()
    frame = map_frame(page)
    frame.wait_for_function(N_TOWNS_IS, arg=1)
    # Open every view of the town: tooltip, history panel, the "what changed" list.
    point = frame.evaluate("() => window.map.latLngToContainerPoint([35.5, 39.5])")
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    frame.locator(".fa-tip").wait_for()
    assert "<img" in frame.locator(".fa-tip").inner_text()  # shown as text
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    panel = page.locator(".fa-place")
    panel.wait_for()
    text = panel.inner_text()
    assert "<img src=x" in text and "<script>" in text
    # Links only to http(s); the javascript: "link" is plain text.
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript")], hrefs
    wait_idle(page)
    page.get_by_role("button", name="Next change").click()
    wait_title(frame, "20 March 2016")
    # The control strip draws the name as text too.
    strip = strip_frame(page)
    strip.wait_for_function(STRIP_DATE_IS, arg="2016-03-20")
    label = strip.eval_on_selector("g.row > text", "e => e.textContent")
    assert label.startswith("<img src=x") and strip.locator("svg img").count() == 0
    page.wait_for_timeout(500)  # let any injected handler fire, were there one
    for target in (page, frame, strip):
        assert target.evaluate("() => window.__xss") is None
    assert dialogs == []
    assert page.errors == []


def test_a_bad_file_keeps_the_data_and_the_app_running(server, page, tmp_path):
    frame = open_app(page, server, "27 March 2016")
    upload(page, tmp_path, {"junk.csv": (CORPUS / "binary_junk.csv").read_bytes()})
    page.get_by_text("the map keeps showing the data it had").wait_for()
    page.get_by_text("junk.csv: this is a binary file", exact=False).wait_for()
    towns = frame.evaluate(TOWNS_JS)
    assert len(towns) == N_BUILTIN
    upload(page, tmp_path, {"js.csv": (CORPUS / "javascript_url.csv").read_bytes()})
    page.get_by_text("the map keeps showing the data it had").wait_for()
    assert len(frame.evaluate(TOWNS_JS)) == N_BUILTIN
    wait_idle(page)
    page.get_by_role("button", name="Next change").click()
    wait_title(frame, "1 April 2016")
    assert page.errors == []


def test_misspelled_towns_map_after_confirmation(server, page, tmp_path):
    frame = open_app(page, f"{server}/?date=2015-01-01")
    upload(page, tmp_path, {"mine.csv": (CORPUS / "unknown_towns.csv").read_bytes()},
           mode="replace")  # fmt: skip
    page.get_by_text("Place names to confirm").wait_for()
    page.get_by_role("button", name="Apply these answers").click()
    page.get_by_text("Place names to confirm").wait_for(state="detached")
    frame = map_frame(page)
    frame.wait_for_function("() => 'fallujah' in window.__fa.towns()")
    towns = frame.evaluate(TOWNS_JS)
    assert towns["fallujah"][0] == "#1a1a1a"  # ISIS took "Fallujha" in January 2014
    assert "tikrit" in towns and "mosul" in towns
    assert page.errors == []


def test_an_upload_stays_in_its_own_session(server, browser, tmp_path):
    alice = browser.new_context(viewport={"width": 1500, "height": 1150})
    bob = browser.new_context(viewport={"width": 1500, "height": 1150})
    try:
        a, b = alice.new_page(), bob.new_page()
        for p in (a, b):
            p.set_default_timeout(TIMEOUT_MS)
            p.goto(f"{server}/?date=2016-03-25")
        map_frame(a)
        frame_b = map_frame(b)
        upload(a, tmp_path, {"ev.csv": XSS_EVENTS, "pl.csv": XSS_PLACES}, mode="replace")
        a.get_by_text("2 events for 1 place loaded", exact=False).wait_for()
        frame_a = map_frame(a)
        frame_a.wait_for_function(N_TOWNS_IS, arg=1)
        # Bob, at the same time, still has the built-in data, also after a fresh load.
        assert len(frame_b.evaluate(TOWNS_JS)) == N_BUILTIN
        b.reload()
        frame_b = map_frame(b)
        wait_title(frame_b, "25 March 2016")
        assert len(frame_b.evaluate(TOWNS_JS)) == N_BUILTIN
        assert "evil-town" not in frame_b.evaluate(TOWNS_JS)
        a.screenshot(path=str(ARTIFACTS / "upload-session-alice.png"), full_page=True)
        b.screenshot(path=str(ARTIFACTS / "upload-session-bob.png"), full_page=True)
    finally:
        alice.close()
        bob.close()


def test_export_of_the_view_the_user_is_looking_at(server, page, tmp_path):
    from PIL import Image

    from geodata import load_builtin
    from geodata.render import render_map
    from geodata.scene import build_scene

    frame = open_app(page, server, "27 March 2016")
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    frame.evaluate("() => window.map.setView([34.6, 38.3], 8, {animate: false})")  # Palmyra
    page.get_by_text("Export this map and its data").click()
    page.get_by_text("Area of the map images").wait_for()
    wait_idle(page)  # opening the panel reruns the page: the selectbox is remade
    select = page.locator("[data-testid='stSelectbox']").filter(has_text="Area of the map images")
    select.click()
    page.get_by_role("option", name="The map as you see it").click()

    def download(name: str, path: Path) -> str:
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=name).click()
        info.value.save_as(path)
        return path.read_bytes()

    # The whole-theatre map names Iran; the view around Palmyra does not. (The
    # buttons are remade by the rerun the choice causes: poll until it is done.)
    theatre = render_map(build_scene(load_builtin(), "2016-03-27"), fmt="svg").decode()
    assert ">Iran<" in theatre
    deadline = time.monotonic() + 20
    while ">Iran<" in (svg := download("Map image (SVG, vector)", tmp_path / "v.svg").decode()):
        assert time.monotonic() < deadline, "the SVG export is still of the whole theatre"
        page.wait_for_timeout(250)
    assert "Control of towns, 27 March 2016" in svg
    png = download("Map image (PNG)", tmp_path / "v.png")
    (ARTIFACTS / "export-view-palmyra.png").write_bytes(png)
    assert png != render_map(build_scene(load_builtin(), "2016-03-27"), fmt="png")
    with Image.open(tmp_path / "v.png") as image:
        assert image.format == "PNG" and image.width > 800
    # Panning to the view did not remount the map nor move it.
    assert frame.evaluate("() => window.__frontline_mark") == 1
    assert frame.evaluate("() => window.map.getZoom()") == 8
    assert page.errors == []
