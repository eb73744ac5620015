"""Compare mode's views: links that open it, the change table's HTML, the default first date."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest

from dashboard import compare_panel, compare_view, state
from geodata import Dataset
from geodata.compare import compare
from tests.fixtures import EVIL


@pytest.fixture(scope="module")
def spring(builtin):
    return compare(builtin, "2016-03-01", "2016-04-10")


def test_links_open_compare_mode(builtin):
    view, problems = state.parse_view({"compare": "2016-03-01", "date": "2016-04-10"}, builtin)
    assert problems == []
    assert view["compare"] == dt.date(2016, 3, 1) and view["date"] == dt.date(2016, 4, 10)
    assert state.view_params(view) == {"date": "2016-04-10", "compare": "2016-03-01"}
    for bad in ("2016-04-10", "2016-05-01", "soon"):
        view, problems = state.parse_view({"compare": bad, "date": "2016-04-10"}, builtin)
        assert view["compare"] is None and len(problems) == 1 and "compare" in problems[0]


def test_change_table_html_escapes_and_links_only_http(builtin):
    places = builtin.places.copy()
    places.loc[places["id"] == "palmyra", "name"] = EVIL
    events = builtin.events.copy()
    palmyra = events["place_id"] == "palmyra"
    events.loc[palmyra, "source_url"] = "javascript:alert(3)"
    events.loc[palmyra, "source_title"] = "<b onmouseover=alert(4)>title</b>"
    data = Dataset(places=places, events=events, name="evil")
    c = compare(data, "2016-03-01", "2016-04-10")
    html = compare_panel.comparison_html(c)
    assert "<img" not in html and "<b onmouseover" not in html
    assert "javascript:" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://en.wikipedia.org/wiki/Battle_of_al-Qar' in html


def test_change_table_html(spring):
    html = compare_panel.comparison_html(spring)
    assert "data-place='palmyra'" in html and "data-place='al-qaryatayn'" in html
    assert "Syrian government took Palmyra, Palmyra Castle and 2 other towns from ISIS" in html
    assert 'href="http://in.reuters.com/' in html


def test_default_first_date_is_a_month_earlier():
    first = dt.date(2012, 1, 1)
    assert compare_view.default_from(dt.date(2016, 4, 10), first) == dt.date(2016, 3, 10)
    assert compare_view.default_from(dt.date(2012, 1, 20), first) == first


def _show_call(script: str) -> list:
    """The arguments of compare mode's show() call: ids and options as JSON, data
    as "data" (a function) or None."""
    call = script[script.index("show(map_div, ") + len("show(map_div, ") : script.rindex(");")]
    call = re.sub(r"function \(\) \{ return .*?; \}", '"data"', call)
    return json.loads(f"[{call}]")


def test_compare_mode_sends_its_data_once_and_the_comparisons_ahead(builtin, monkeypatch):
    from dashboard import cache
    from dashboard.map import mount
    from dashboard.map.script import FRAME_EPOCHS

    class FakeStreamlit:
        session_state: dict = {}

    monkeypatch.setattr(mount, "st", FakeStreamlit)
    key = cache.fingerprint(builtin)
    a, b = dt.date(2016, 2, 27), dt.date(2016, 3, 28)
    nxt = cache.neighbour_epochs(cache.change_days(builtin, key), b, ahead=1, behind=0)[0]
    assert nxt == "2016-04-01"
    ahead = ((nxt, cache.epoch_id(key, nxt, None)),)

    def call():
        script, c = compare_view.compare_script(
            builtin, key, a, b, factions=None, shown={"towns", "territories"},
            epoch=cache.epoch_id(key, "2016-03-27", None), ahead=ahead,
        )  # fmt: skip
        return _show_call(script), c

    # First: the earlier map's epoch and town table, the changed land; nothing
    # ahead (the warmer has not made the next comparison yet).
    (before_id, before, change_id, change, o, towns, later), c = call()
    assert (before, change, towns, later) == ("data", "data", "data", [])
    assert before_id == cache.epoch_id(key, "2016-02-27", None)
    assert o["keep"] == o["before"]["keep"] == FRAME_EPOCHS
    assert o["ahead"] == [] and o["changed"] == list(c.changes["place_id"])
    assert o["epoch"] == cache.epoch_id(key, "2016-03-27", None)
    # The warmer makes the comparison with the next epoch: the next run sends it.
    compare_view._warm(builtin, key, "2016-02-27", nxt)
    (_, before, _, change, o, towns, later), _ = call()
    assert (before, change, towns) == (None, None, None)  # held by the frame
    (entry,) = o["ahead"]
    assert entry["epoch"] == ahead[0][1] and later == [[entry["change"], "data"]]
    # What the frame draws for any day of that epoch is the run's comparison of that day.
    day = compare(builtin, "2016-02-27", "2016-04-02")
    assert entry["changed"] == list(day.changes["place_id"])
    assert entry["note"] == "hatched: changed hands since 27 February 2016"
    assert entry["change"] == f"{key}/2016-02-27/{nxt}"
    (_, _, _, _, o, _, later), _ = call()
    assert later == [[entry["change"], None]]  # sent once
    held = FakeStreamlit.session_state
    assert held["_frame_left"] == [f"{key}/towns", before_id]
    assert held["_frame_epochs"][-2:] == [change_id, entry["change"]]


@pytest.mark.parametrize("start", ["2014-06-01", "2015-05-10", "2016-02-27", "2017-01-15"])
def test_a_comparison_is_the_same_on_every_day_of_an_epoch(builtin, start):
    """What lets the frame draw a comparison for any day of an epoch from the
    comparison with the epoch's first day (compare.js, "follow")."""
    from geodata.timeline import change_dates

    days = [d for d in change_dates(builtin) if d > pd.Timestamp(start)][:5]
    checked = 0
    for first, nxt in zip(days, days[1:], strict=False):
        base = compare(builtin, start, first)
        inside = {first + pd.Timedelta(days=1), nxt - pd.Timedelta(days=1)}
        for day in sorted(d for d in inside if first < d < nxt):
            c = compare(builtin, start, day)
            assert list(c.changes["place_id"]) == list(base.changes["place_id"])
            assert len(c.land) == len(base.land)
            assert c.land.geometry.union_all().equals(base.land.geometry.union_all())
            checked += 1
    assert checked >= 2
