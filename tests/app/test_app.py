"""The dashboard script under Streamlit's AppTest: what the page shows and does."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from geodata import load_builtin
from geodata.timeline import change_dates
from tests.paths import APP as APP_FILE
from tests.paths import CORPUS

APP = str(APP_FILE)
TIMEOUT = 60


def run_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_with(at: AppTest, marker: str) -> str:
    """The body of the one st.html block containing ``marker``."""
    hits = [h.value for h in at.html if marker in h.value]
    assert len(hits) == 1, f"expected one html block with {marker!r}, got {len(hits)}"
    return hits[0]


def key_place_holder(at: AppTest, place_id: str) -> str:
    """The holder text in the key-places table row of ``place_id``."""
    table = html_with(at, "fa-keyplaces")
    match = re.search(rf"<tr data-place='{place_id}'><td>[^<]*</td><td>(.*?)</td></tr>", table)
    assert match, f"no row for {place_id}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def place_panel(at: AppTest) -> str:
    return html_with(at, "fa-place'")


def slider_date(at: AppTest) -> dt.date:
    return at.slider(key="date").value


@pytest.fixture(scope="module")
def changes():
    return [d.date() for d in change_dates(load_builtin())]


def test_opens_on_palmyra_retaken_with_no_setup():
    at = run_app()
    assert slider_date(at) == dt.date(2016, 3, 27)
    first, last = load_builtin().date_range()
    slider = at.slider(key="date")
    # AppTest reports date bounds as microseconds since 1970-01-01.
    bounds = [dt.date(1970, 1, 1) + dt.timedelta(microseconds=b) for b in (slider.min, slider.max)]
    assert bounds == [first.date(), last.date()]
    assert key_place_holder(at, "palmyra") == "Syrian government since 27 March 2016"
    assert key_place_holder(at, "mosul") == "Islamic State (ISIS) since 10 June 2014"
    # The URL reflects the view from the start.
    assert at.query_params["date"] == "2016-03-27"
    labels = {b.label for b in at.button}
    assert {"Previous change", "Next change", "Play", "Search"} <= labels
    assert not at.warning


def test_moving_the_date_changes_the_controllers_shown():
    at = run_app()
    at.slider(key="date").set_value(dt.date(2015, 6, 1)).run()
    assert not at.exception
    assert key_place_holder(at, "palmyra") == "Islamic State (ISIS) since 20 May 2015"
    assert key_place_holder(at, "ramadi").startswith("Islamic State (ISIS)")
    assert at.query_params["date"] == "2015-06-01"
    at.slider(key="date").set_value(dt.date(2017, 11, 1)).run()
    assert key_place_holder(at, "raqqa").startswith("SDF / YPG")
    assert key_place_holder(at, "mosul").startswith("Iraqi government")


def test_next_and_previous_jump_to_the_change_dates(changes):
    at = run_app()
    at.button(key="next_change").click().run()
    after = [d for d in changes if d > dt.date(2016, 3, 27)][0]
    assert slider_date(at) == after == dt.date(2016, 4, 1)
    at.button(key="next_change").click().run()
    assert slider_date(at) == [d for d in changes if d > after][0]
    at.button(key="prev_change").click().run()
    assert slider_date(at) == after
    at.button(key="prev_change").click().run()
    # Back to the day Palmyra was retaken: that day is a change date.
    assert slider_date(at) == dt.date(2016, 3, 27)
    assert key_place_holder(at, "palmyra") == "Syrian government since 27 March 2016"
    at.button(key="prev_change").click().run()
    assert slider_date(at) == [d for d in changes if d < dt.date(2016, 3, 27)][-1]
    assert at.query_params["date"] == slider_date(at).isoformat()


def test_previous_is_disabled_at_the_start():
    at = run_app(date="2012-01-01")
    assert slider_date(at) == dt.date(2012, 1, 1)
    assert at.button(key="prev_change").disabled
    assert not at.button(key="next_change").disabled


def test_query_params_set_date_and_place():
    at = run_app(date="2015-06-01", place="palmyra")
    assert slider_date(at) == dt.date(2015, 6, 1)
    panel = place_panel(at)
    assert "<h3>Palmyra<span class='fa-ar' lang='ar' dir='rtl'>تدمر</span></h3>" in panel
    assert "Islamic State (ISIS) since 20 May 2015" in panel
    # The whole history, each source a link.
    assert panel.count("<tr") - 1 == int((load_builtin().events["place_id"] == "palmyra").sum())
    reuters = "https://www.reuters.com/article/us-mideast-crisis-syria-palmyra-idUSKCN0WQ10I"
    assert f'href="{reuters}"' in panel
    assert at.query_params["place"] == "palmyra"


def test_query_params_accept_any_spelling_and_filters():
    at = run_app(date="2016-10-17", place="Tadmur", factions="isis,SDF", layers="towns,labels")
    assert at.session_state["place"] == "palmyra"
    assert at.pills(key="factions").value == ["ISIS", "SDF"]
    assert at.checkbox(key="layer_towns").value and at.checkbox(key="layer_labels").value
    assert not at.checkbox(key="layer_territories").value
    assert at.query_params["factions"] == "ISIS,SDF"
    assert at.query_params["layers"] == "towns,labels"
    assert at.query_params["place"] == "palmyra"


def test_bad_query_params_are_reported_not_fatal():
    at = run_app(date="2016-13-45", place="Xyzzy town", factions="martians")
    assert slider_date(at) == dt.date(2016, 3, 27)
    # Shown literally: the Markdown-safe character references are the only difference.
    warnings = html.unescape(" ".join(w.value for w in at.warning))
    assert "2016-13-45" in warnings and "Xyzzy" in warnings and "martians" in warnings
    assert at.session_state["place"] is None


def test_a_crafted_link_cannot_put_markdown_on_the_page():
    at = run_app(place="[Click me](https://evil.example/)")
    message = " ".join(w.value for w in at.warning)
    assert "[Click me](" not in message and "https://" not in message
    assert "&#91;Click me&#93;&#40;https&#58;" in message
    assert "[Click me](https://evil.example/)" in html.unescape(message)


def test_date_outside_the_data_is_clamped():
    at = run_app(date="2030-01-01")
    assert slider_date(at) == load_builtin().date_range()[1].date()


def test_search_tadmur_selects_palmyra_and_zooms_there():
    at = run_app()
    at.text_input(key="search_query").input("Tadmur")
    at.button(key="FormSubmitter:search-Search").click().run()
    assert not at.exception
    assert at.session_state["place"] == "palmyra"
    assert "<h3>Palmyra" in place_panel(at)
    view = at.session_state["map_view"]
    assert view["zoom"] == 9
    assert view["center"] == pytest.approx([34.5624, 38.284], abs=1e-3)
    assert at.query_params["place"] == "palmyra"
    assert any("Palmyra" in s.value for s in at.success)


def test_search_miss_offers_did_you_mean():
    at = run_app()
    at.text_input(key="search_query").input("Qqqmosul")
    at.button(key="FormSubmitter:search-Search").click().run()
    assert any("Qqqmosul" in w.value for w in at.warning)
    assert at.session_state["place"] is None
    suggestion = at.button(key="suggest-mosul")
    assert suggestion.label == "Mosul"
    suggestion.click().run()
    assert at.session_state["place"] == "mosul"
    assert "<h3>Mosul" in place_panel(at)


def test_hiding_a_faction_and_a_layer_updates_the_url():
    at = run_app()
    at.pills(key="factions").set_value(["SYGOV", "ISIS"]).run()
    at.checkbox(key="layer_fronts").uncheck().run()
    assert not at.exception
    assert at.query_params["factions"] == "SYGOV,ISIS"
    assert at.query_params["layers"] == "territories,towns,labels,recent"


def test_what_changed_lists_changes_around_the_date_with_sources():
    at = run_app(date="2016-03-27")
    changes = html_with(at, "fa-changelist")
    before, after = changes.split("fa-now", 1)
    assert "Syrian government took Palmyra from Islamic State (ISIS)" in before
    assert "27 March 2016" in before
    assert "1 April 2016" in after
    assert changes.count("<a href=") >= 8


def test_play_button_starts_and_stops_playing():
    at = run_app()
    at.button(key="play").click().run()
    assert at.session_state["playing"] is True
    assert at.button(key="play").label == "Pause"
    at.button(key="play").click().run()
    assert at.session_state["playing"] is False


def test_data_of_a_single_day_still_gets_a_slider():
    from geodata.upload import read_upload

    events = (
        b"place,date,kind,to_faction,source_title,source_url\n"
        b"Palmyra,2015-05-20,initial,ISIS,Fall of Palmyra,https://en.wikipedia.org/wiki/Palmyra\n"
    )
    result = read_upload(events, filename="one-day.csv")
    assert result.dataset is not None, result.problems
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["dataset"] = result.dataset
    at.run()
    assert not at.exception
    assert slider_date(at) in (dt.date(2015, 5, 20), dt.date(2015, 5, 21))  # clamped into range


def test_a_date_clamped_by_provisional_data_comes_back_with_the_full_data():
    from geodata.upload import read_upload

    header = b"place,date,kind,to_faction,source_title,source_url\n"
    row = b"Palmyra,2012-01-01,initial,SYGOV,Palmyra,https://en.wikipedia.org/wiki/Palmyra\n"
    later = b"Palmyra,2015-05-20,capture,ISIS,Fall,https://en.wikipedia.org/wiki/Palmyra\n"
    provisional = read_upload(header + row, filename="a.csv").dataset
    full = read_upload(header + row + later, filename="a.csv").dataset
    at = run_app(date="2014-06-01")
    at.session_state["dataset"] = provisional
    at.run()
    assert slider_date(at) == dt.date(2012, 1, 2)  # clamped into the one-day data
    at.session_state["dataset"] = full
    at.run()
    assert not at.exception
    assert slider_date(at) == dt.date(2014, 6, 1)  # what the link asked for


def test_a_bad_date_in_the_link_is_reported_once_not_again_with_new_data():
    from geodata.upload import read_upload

    at = run_app(date="abc")
    assert any("abc&#39; ignored" in w.value for w in at.warning)  # escaped Markdown
    header = b"place,date,kind,to_faction,source_title,source_url\n"
    row = b"Palmyra,2012-01-01,initial,SYGOV,Palmyra,https://en.wikipedia.org/wiki/Palmyra\n"
    at.session_state["dataset"] = read_upload(header + row, filename="a.csv").dataset
    at.run()
    assert not at.exception
    assert not any("abc" in w.value for w in at.warning)


def test_upload_panel_confirms_names_and_loads_the_answers():
    """The confirmations: one choice per name (suggestion first, 'leave out' last), then the map."""
    from geodata.upload import read_upload

    raw = (CORPUS / "unknown_towns.csv").read_bytes()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["upload_files"] = (("unknown_towns.csv", raw), None)
    at.session_state["upload_result"] = read_upload(raw, filename="unknown_towns.csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = {box.key: box for box in at.selectbox if box.key.startswith("confirm_")}
    assert set(boxes) == {"confirm_0_Fallujha", "confirm_1_Tirkit", "confirm_2_Jubb Ramlah"}
    fallujha = boxes["confirm_0_Fallujha"]
    assert fallujha.value == "fallujah" and fallujha.options[-1] == "leave these rows out"
    boxes["confirm_1_Tirkit"].set_value("tikrit")
    boxes["confirm_2_Jubb Ramlah"].set_value("__leave_out__")
    at.button(key="upload_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["upload_result"]
    assert result.to_confirm == [] and result.errors == []
    assert at.session_state["upload_confirmed"] == {
        "Fallujha": "fallujah",
        "Tirkit": "tikrit",
        "Jubb Ramlah": None,
    }
    data = at.session_state["dataset"]  # the panel's default mode: on top of the built-in data
    assert data is result.dataset and data.name == "built-in + unknown_towns.csv"
    assert result.summary.startswith("4 events of yours added to the built-in data")
    assert "1 row left out as you asked" in result.summary
