"""The "Check a news report" panel under Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from tests.paths import APP as APP_FILE
from tests.paths import REPORTS

APP = str(APP_FILE)


def open_panel(dataset=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["report_open"] = True
    if dataset is not None:
        at.session_state["dataset"] = dataset
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def check(at: AppTest, text: str, published: str = "") -> AppTest:
    at.text_area(key="report_text").input(text)
    at.text_input(key="report_published").input(published)
    at.button(key="report_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def claims_table(at: AppTest) -> str:
    hits = [h.value for h in at.html if "fa-report'><table" in h.value or "No claims" in h.value]
    assert len(hits) == 1
    return hits[0]


def test_a_pasted_report_moves_the_timeline_and_lists_verdicts():
    at = check(open_panel(), (REPORTS / "kobani-independent.txt").read_text(encoding="utf-8"))
    assert at.slider(key="date").value == dt.date(2015, 1, 26)
    table = claims_table(at)
    assert "Kobani" in table and "agrees" in table
    assert "wikipedia.org/wiki/Siege_of_Kobani" in table  # the matching event's source
    assert at.session_state["report_marks"] == [{"lat": 36.8909, "lon": 38.3535, "name": "Kobani"}]
    assert any("published 26 January 2015" in m.value for m in at.markdown)


def test_report_text_is_shown_escaped_and_nothing_runs():
    text = (
        'ISIS captured <img src=x onerror="alert(1)"> Palmyra on 2 March 2016.\n'
        "<b>Rebels</b> seized [a link](javascript:alert(2)) Raqqa on 2 March 2016."
    )
    at = check(open_panel(), text)
    table = claims_table(at)
    assert "<img" not in table and "&lt;img" in table
    assert "<b>Rebels" not in table and "javascript:" not in table.split("href")[0]
    assert 'href="javascript' not in table


def test_errors_are_said_and_the_view_kept():
    at = check(open_panel(), "   ")
    assert any("paste the report" in e.value for e in at.error)
    at = check(at, "Palmyra fell to ISIS.", published="27/03/2016")
    assert any("Cannot read this report" in e.value for e in at.error)
    assert at.slider(key="date").value == dt.date(2016, 3, 27)


def test_claims_not_in_the_data_are_added_to_this_session_only(builtin):
    from geodata.dataset import Dataset

    # Data that does not know Zakho (the built-in data may).
    keep = ~builtin.places["name"].str.contains("Zakho|Zaxo") & ~builtin.places["aliases"].fillna(
        ""
    ).str.contains("Zakho|Zaxo")
    ids = set(builtin.places.loc[keep, "id"])
    data = Dataset(
        builtin.places[keep].reset_index(drop=True),
        builtin.events[builtin.events["place_id"].isin(ids)],
        name="mine",
    )
    at = check(open_panel(data), "Kurdish forces captured Zakho on 3 March 2016.\nMore text here.")
    assert "not in our data" in claims_table(at)
    at.text_input(key="report_row_url").input("https://example.org/zakho")
    at.button(key="report_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    dataset = at.session_state["dataset"]
    assert "Zakho" in set(dataset.places["name"])
    assert any("Added 2 row" in s.value for s in at.success)
    # The report is checked again against the data with its new rows.
    assert "agrees" in claims_table(at)
    # A new session still has the built-in data only.
    assert "dataset" not in open_panel().session_state
    assert len(dataset.places) == len(data.places) + 1
