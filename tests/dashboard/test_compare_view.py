"""Compare mode's views: links that open it, the change table's HTML, the default first date."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import compare_view, state
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
    html = compare_view.comparison_html(c)
    assert "<img" not in html and "<b onmouseover" not in html
    assert "javascript:" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://en.wikipedia.org/wiki/Battle_of_al-Qar' in html


def test_change_table_html(spring):
    html = compare_view.comparison_html(spring)
    assert "data-place='palmyra'" in html and "data-place='al-qaryatayn'" in html
    assert "Syrian government took Palmyra, Palmyra Castle and 2 other towns from ISIS" in html
    assert 'href="http://in.reuters.com/' in html


def test_default_first_date_is_a_month_earlier():
    first = dt.date(2012, 1, 1)
    assert compare_view.default_from(dt.date(2016, 4, 10), first) == dt.date(2016, 3, 10)
    assert compare_view.default_from(dt.date(2012, 1, 20), first) == first


def test_the_earlier_map_keeps_as_much_data_as_the_main_one(builtin):
    from dashboard import cache
    from dashboard.map.script import FRAME_EPOCHS

    key = cache.fingerprint(builtin)
    script, _ = compare_view.compare_script(
        builtin, key, dt.date(2016, 2, 27), dt.date(2016, 3, 27), factions=None, shown={"towns"}
    )
    assert f'"towns":"{key}/towns","keep":{FRAME_EPOCHS}' in script
    assert script.rstrip().endswith("; });")  # the town table, as a function
