"""Compare mode in the app (AppTest): opened from a link, following the date."""

from __future__ import annotations

import datetime as dt

from tests.app.test_app import html_with, run_app


def test_app_opens_compare_mode_from_a_link_and_follows_the_date():
    at = run_app(compare="2016-03-01", date="2016-04-10")
    assert at.toggle(key="compare_on").value is True
    assert at.date_input(key="compare_from").value == dt.date(2016, 3, 1)
    panel = html_with(at, "fa-compare'")
    assert "data-place='palmyra'" in panel and "data-place='al-qaryatayn'" in panel
    assert "data-place='hit'" not in panel
    at.slider(key="date").set_value(dt.date(2016, 4, 14)).run()
    assert not at.exception
    panel = html_with(at, "fa-compare'")
    assert "data-place='hit'" in panel  # Hit retaken on 14 April
    assert at.query_params["compare"] == "2016-03-01"
    assert at.query_params["date"] == "2016-04-14"
    at.toggle(key="compare_on").set_value(False).run()
    assert not [h for h in at.html if "fa-compare'" in h.value]
    assert "compare" not in at.query_params
