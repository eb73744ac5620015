"""Compare mode in a real browser: opened from a link, two maps in step, updated in place.

The fixtures are the browser tests' (``tests/browser/conftest.py``): its own
``streamlit run`` for this module, Debian's Chromium, no network.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import load_builtin
from geodata.compare import compare
from geodata.events import format_date
from geodata.factions import faction_color
from geodata.timeline import change_dates, epoch_of
from tests.browser.pages import (
    MAP_FRAME,
    open_app,
    require_chromium,
    wait_idle,
    wait_title,
)
from tests.paths import ARTIFACTS

require_chromium()

pytestmark = pytest.mark.browser

STATE = "() => window.__faCompareState"
SAME_VIEW = (
    "() => { const l = window.__faCompare.left(), m = window.map;"
    " const a = l.getCenter(), b = m.getCenter();"
    " return l.getZoom() === m.getZoom() && Math.abs(a.lat - b.lat) < 1e-6"
    " && Math.abs(a.lng - b.lng) < 1e-6; }"
)


def _wait_compare(frame, to: str) -> dict:
    frame.wait_for_function(
        "to => window.__faCompareState && window.__faCompareState.to === to", arg=to
    )
    return frame.evaluate(STATE)


def _views(frame) -> tuple[dict, dict]:
    return frame.evaluate(
        "() => { const l = window.__faCompare.left(), m = window.map;"
        " return [{c: l.getCenter(), z: l.getZoom()}, {c: m.getCenter(), z: m.getZoom()}]; }"
    )


def _same_view(frame) -> bool:
    left, main = _views(frame)
    return (
        left["z"] == main["z"]
        and abs(left["c"]["lat"] - main["c"]["lat"]) < 1e-6
        and abs(left["c"]["lng"] - main["c"]["lng"]) < 1e-6
    )


def _steps_to_a_new_change(dataset, start: str, date: str) -> tuple[list[pd.Timestamp], set]:
    """The dates "Next change" goes through from ``date`` until the change table
    gains a town, and the towns it gains."""
    before = set(compare(dataset, start, date).changes["place_id"])
    steps = []
    for day in change_dates(dataset):
        if day <= pd.Timestamp(date):
            continue
        steps.append(day)
        gained = set(compare(dataset, start, day).changes["place_id"]) - before
        if gained:
            return steps, gained
    raise AssertionError("no later change")


def test_compare_mode_from_a_link_pans_in_step_and_updates_in_place(server, page):
    data = load_builtin()
    expected = set(compare(data, "2016-03-01", "2016-04-10").changes["place_id"])
    assert {"palmyra", "al-qaryatayn"} <= expected
    steps, gained = _steps_to_a_new_change(data, "2016-03-01", "2016-04-10")
    assert "hit" in gained  # Hit retaken on 14 April
    frame = open_app(page, f"{server}/?compare=2016-03-01&date=2016-04-10", "10 April 2016")
    state = _wait_compare(frame, "2016-04-10")
    assert state["from"] == "2016-03-01"
    assert set(state["changed"]) == expected and len(state["changed"]) == len(expected)
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    left = _check_two_maps(frame)
    _check_change_table(page)
    assert _same_view(frame)
    _pan_and_zoom_in_step(page, frame, left)
    # Not expected | gained: a town can change back in between (al-Rai: rebels took it
    # from ISIS on 9 April 2016, ISIS retook it days later).
    _step_in_place(
        page, frame, steps, set(compare(data, "2016-03-01", steps[-1]).changes["place_id"])
    )
    _compare_off(page, frame)
    assert page.errors == []


def _check_two_maps(frame) -> dict:
    """Both maps in the one frame, side by side, the earlier one on the left; the
    changed land hatched. Returns the left map's box."""
    boxes = frame.evaluate(
        "() => ['map_div2', 'map_div'].map(id => {"
        " const r = document.getElementById(id).getBoundingClientRect();"
        " return {x: r.x, w: r.width, h: r.height}; })"
    )
    left, right = boxes
    assert left["x"] < right["x"] and left["w"] > 200 and abs(left["w"] - right["w"]) < 3
    assert frame.locator("#map_div2 .fa-when").inner_text().startswith("Before: 1 March 2016")
    # The changed land, hatched in an SVG pattern of the new holder's colour.
    assert frame.locator(".leaflet-change-pane path").count() >= 1
    # The government's new land: hatched in its colour, one pattern per colour.
    gov = faction_color("SYGOV").lstrip("#").lower()
    assert frame.locator(f"pattern#fa-hatch-{gov}").count() == 1
    assert frame.evaluate("() => window.__faLegendCollapsed") is True  # room for two maps
    return left


def _check_change_table(page) -> None:
    """The change table, with the sources of the captures."""
    panel = page.locator(".fa-compare")
    panel.wait_for()
    text = panel.inner_text()
    assert "Palmyra" in text and "al-Qaryatayn" in text
    assert "Syrian government took Palmyra, Palmyra Castle and 2 other towns from ISIS" in text
    assert panel.locator("a[href*='reuters.com']").count() >= 1


def _pan_and_zoom_in_step(page, frame, left: dict) -> None:
    """Pan the left map with the mouse: the right one follows; zoom the right one:
    the left one follows."""
    iframe = page.locator(MAP_FRAME).bounding_box()
    x = iframe["x"] + left["x"] + left["w"] / 2
    y = iframe["y"] + left["h"] / 2
    start = _views(frame)[1]["c"]
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 12 * step, y + 6 * step)
    page.mouse.up()
    frame.wait_for_function(
        "lng => Math.abs(window.map.getCenter().lng - lng) > 0.2", arg=start["lng"]
    )
    # The other map follows (on the left map's every move, and after its inertia).
    frame.wait_for_function(SAME_VIEW)
    assert _same_view(frame)
    frame.evaluate("() => window.map.setView([35.0, 39.5], 7, {animate: false})")
    assert _same_view(frame)
    assert _views(frame)[0]["z"] == 7


def _step_in_place(page, frame, steps, changed: set) -> None:
    """Step the date: the right map, the change layer and the table change in place."""
    for day in steps:
        page.get_by_role("button", name="Next change").click()
        wait_title(frame, format_date(day))
        state = _wait_compare(frame, day.strftime("%Y-%m-%d"))
    assert steps[-1] == pd.Timestamp("2016-04-14")
    assert set(state["changed"]) == changed
    page.wait_for_function(
        "() => [...document.querySelectorAll('.fa-compare tr[data-place]')]"
        ".some(r => r.dataset.place === 'hit')"
    )
    assert _same_view(frame) and _views(frame)[0]["z"] == 7
    assert frame.evaluate("() => window.__frontline_mark") == 1
    assert page.locator(MAP_FRAME).count() == 1
    page.locator(MAP_FRAME).screenshot(path=str(ARTIFACTS / "compare-2016-03-01-2016-04-14.png"))
    page.wait_for_url(lambda url: "date=2016-04-14" in url)  # the link follows the run
    assert "compare=2016-03-01" in page.url and "date=2016-04-14" in page.url


def _compare_off(page, frame) -> None:
    """Compare mode off: one map again, in the same frame, the legend open again."""
    page.get_by_text("Compare two dates").click()
    frame.wait_for_function("() => document.getElementById('parent').classList.contains('single')")
    frame.wait_for_function("() => window.__faCompareState === null")
    frame.wait_for_function("() => !window.__faLegendCollapsed")
    assert frame.evaluate("() => window.__frontline_mark") == 1


FOLLOW_JS = (
    "() => [Object.assign({}, window.__faFollow), Object.assign({}, window.__faCompareFollow)]"
)


def _hold_comparison(page, frame, ending: str, *, tries: int = 10) -> None:
    """Step on the spot until the frame holds the changed land ending at ``ending``:
    a run sends the comparisons next to the date once the server has made them."""
    slider = page.get_by_role("slider")
    for _ in range(tries):
        if any(i.endswith(ending) for i in frame.evaluate("() => window.__fa.stored()")):
            return
        title = frame.evaluate("() => window.__faCompareState.to")
        slider.press("ArrowRight")
        wait_idle(page)
        slider.press("ArrowLeft")
        _wait_compare(frame, title)
        wait_idle(page)
    pytest.fail(f"the frame never got the comparison ending {ending}")


def test_compare_mode_draws_a_step_itself_and_the_run_agrees(server, page):
    data = load_builtin()
    start = "2016-02-27"
    frame = open_app(page, f"{server}/?compare={start}&date=2016-03-29")
    _wait_compare(frame, "2016-03-29")
    wait_idle(page)
    frame.evaluate("() => { window.__frontline_mark = 1; }")
    page.get_by_role("slider").focus()
    # The comparison with the next epoch (1 April 2016), made by the server in the
    # background and sent with a later run.
    from_epoch = epoch_of(data, start).strftime("%Y-%m-%d")
    _hold_comparison(page, frame, f"/{from_epoch}/2016-04-01")
    for act, day in (
        (lambda: page.keyboard.press("ArrowRight"), "2016-03-30"),  # within the epoch
        (lambda: page.get_by_role("button", name="Next change").click(), "2016-04-01"),
    ):
        main, before = frame.evaluate(FOLLOW_JS)
        act()
        state = _wait_compare(frame, day)
        expected = compare(data, start, day).changes["place_id"]
        assert state["changed"] == list(expected)
        wait_idle(page)
        main_after, after = frame.evaluate(FOLLOW_JS)
        # Drawn by the frame (the later map, its changed land and its rings), then
        # the run's script drew the very same.
        assert after["mismatches"] == 0 and main_after["mismatches"] == 0, after["last"]
        assert after["drawn"] == before["drawn"] + 1, (main, main_after, before, after)
        assert after["confirmed"] == before["confirmed"] + 1
        assert main_after["confirmed"] == main["confirmed"] + 1
        assert frame.evaluate(STATE)["source"] == "app"
        hatched = frame.locator(".leaflet-change-pane path").count()
        assert hatched >= 1
    assert frame.locator("#map_div .fa-when").inner_text().startswith("After: 1 April 2016")
    assert frame.evaluate("() => window.__frontline_mark") == 1
    assert page.errors == []
