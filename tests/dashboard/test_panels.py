"""The place panel and the change log in the side column."""

from __future__ import annotations

import pandas as pd

from dashboard import panels
from geodata import history
from geodata.timeline import control_at


def test_place_panel_escapes_and_links_only_http(evil):
    control = control_at(evil, "2016-03-27")
    html = panels.place_html(evil, "palmyra", control, "2016-03-27")
    assert "<img" not in html and "<script" not in html and "<b " not in html
    assert "javascript:" not in html  # shown as its title, never as a link
    assert "&lt;b onmouseover=alert(4)&gt;title&lt;/b&gt;" in html


def test_place_panel_shows_whole_history_with_sources(builtin):
    control = control_at(builtin, "2016-03-27")
    html = panels.place_html(builtin, "palmyra", control, "2016-03-27")
    n = int((builtin.events["place_id"] == "palmyra").sum())
    assert html.count("<tr") - 1 == n
    assert html.count('<a href="http') == n
    assert "class='fa-current'" in html  # the event in force is highlighted


def test_change_log_and_what_changed(builtin, evil):
    log = history.change_log(builtin)
    assert log["when"].is_monotonic_increasing
    assert "initial" not in set(builtin.events.set_index("event_id").loc[log["event_id"], "kind"])
    past, future = panels.changes_around(log, "2016-03-27", before=3, after=2)
    assert len(past) == 3 and len(future) == 2
    assert (past["when"] <= "2016-03-27").all() and (future["when"] > "2016-03-27").all()
    # The binary search finds what filtering the whole log finds, on any day.
    for day in pd.date_range("2011-12-30", "2020-01-05", periods=40).append(
        pd.DatetimeIndex(log["when"][:5])
    ):
        past, future = panels.changes_around(log, day)
        assert past.equals(log[log["when"] <= day].tail(6))
        assert future.equals(log[log["when"] > day].head(4))
    html = panels.changes_html(history.change_log(evil), "2015-05-20")
    assert "<img" not in html and 'href="javascript' not in html
