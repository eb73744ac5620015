"""The control strip: what it draws (dashboard.strip.data) and how its frame sets text."""

from __future__ import annotations

import re

import pandas as pd

from dashboard import strip
from dashboard.strip.component import FRONTEND
from dashboard.strip.data import day_number, place_order
from geodata import history
from geodata.factions import faction_color
from geodata.scene import KEY_PLACES
from geodata.style import LIVE_STRIP, UNKNOWN_COLOR
from tests.fixtures import builds_when_failing


def test_strip_of_the_builtin_data(builtin):
    segments = history.busiest_places(history.control_segments(builtin), first=KEY_PLACES)
    data = strip.strip_data(segments, first=KEY_PLACES)
    ids = [r[0] for r in data["rows"]]
    assert ids[: len(KEY_PLACES)] == list(KEY_PLACES)  # the seven key places first
    rest = [r[1] for r in data["rows"][len(KEY_PLACES) :]]
    assert rest == sorted(rest)  # then A to Z
    assert len(ids) == len(set(ids)) == segments["place_id"].nunique()
    assert data["start"] == day_number("2012-01-01")
    assert data["end"] == day_number("2020-01-01")
    assert data["style"] == LIVE_STRIP
    assert data["max_label"] == strip.MAX_LABEL  # the frame shortens longer names
    assert all(f[2] == faction_color(f[0]) for f in data["factions"][:-1])
    assert data["factions"][-1] == ["UNKNOWN", "Holder unknown", UNKNOWN_COLOR]
    # Each row's bars tile the whole timeline: a bar per run, and "holder unknown"
    # bars where the place has no run (before its first known holder, or between).
    codes = [f[0] for f in data["factions"]]
    assert codes[-1] == "UNKNOWN" and data["factions"][-1][1] == "Holder unknown"
    known = [b for b in data["bars"] if codes[b[1]] != "UNKNOWN"]
    assert len(known) == len(segments)
    by_row: dict[int, list] = {}
    for row, _faction, contested, first, after in data["bars"]:
        assert contested in (0, 1) and first < after
        by_row.setdefault(row, []).append((first, after))
    for bars in by_row.values():
        bars.sort()
        assert bars[0][0] == data["start"] and bars[-1][1] == data["end"]
        assert all(a[1] == b[0] for a, b in zip(bars, bars[1:], strict=False))


def test_strip_shows_a_period_of_unknown_holder(builtin):
    """Bir al-Hulw: YPG from 22 Feb 2014, unknown from Nov 2014, YPG again 28 Feb 2015."""
    segments = history.control_segments(builtin)
    data = strip.strip_data(segments[segments["place_id"] == "bir-al-hulw-al-wardiyah"])
    codes = [f[0] for f in data["factions"]]
    runs = [(codes[b[1]], b[3], b[4]) for b in data["bars"]]
    assert runs == [
        ("UNKNOWN", day_number("2012-01-01"), day_number("2014-02-22")),
        ("SDF", day_number("2014-02-22"), day_number("2014-11-01")),
        ("UNKNOWN", day_number("2014-11-01"), day_number("2015-02-28")),
        ("SDF", day_number("2015-02-28"), day_number("2020-01-01")),
    ]


def test_strip_bars_say_who_held_palmyra_when(builtin):
    segments = history.control_segments(builtin)
    palmyra = segments[segments["place_id"] == "palmyra"]
    data = strip.strip_data(palmyra)
    codes = [f[0] for f in data["factions"]]
    runs = [(codes[b[1]], b[2], b[3]) for b in data["bars"]]
    # ISIS took Palmyra on 20 May 2015 and the government retook it on 27 March 2016.
    assert ("ISIS", 0, day_number("2015-05-20")) in runs
    assert ("SYGOV", 0, day_number("2016-03-27")) in runs


def test_place_order_is_stable_for_names_that_tie():
    seg = pd.DataFrame({"place_id": ["b", "a"], "place": ["Same", "Same"]})
    assert place_order(seg) == ["a", "b"]


def test_the_frame_sets_names_as_text_never_as_markup():
    """Names come from data and uploads: the strip's script never parses them as HTML."""
    script = (FRONTEND / "strip.js").read_text()
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", script)
    assert "textContent" in script
    page = (FRONTEND / "index.html").read_text()
    assert re.findall(r"<script[^>]*>", page) == ['<script src="strip.js">']


def test_a_strip_that_fails_is_none_and_not_retried(builtin, monkeypatch):
    from dashboard.strip import component

    built = builds_when_failing(
        monkeypatch, component, "strip_data", component.strip_for, builtin, "k-broken-strip"
    )
    assert built == 1
