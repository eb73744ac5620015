"""geodata.history: runs of constant control and the change log, on small hand-made data."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import history, load_dataset
from geodata.events import TIMELINE_END

EVENT_COLUMNS = [
    "event_id", "place_id", "kind", "date", "end_date", "from_faction", "to_faction", "note",
]  # fmt: skip


def _dataset(rows: list[list[str]]):
    """Three places; ``rows`` are their events (EVENT_COLUMNS)."""
    places = pd.DataFrame(
        [["a", "Alpha", "34.0", "38.0"], ["b", "Beta", "35.0", "39.0"], ["c", "Gamma", "36", "40"]],
        columns=["id", "name", "lat", "lon"],
    )
    events = pd.DataFrame(rows, columns=EVENT_COLUMNS).assign(source_url="https://example.org")
    return load_dataset(places, events, name="small")


@pytest.fixture(scope="module")
def small():
    return _dataset(
        [
            ["a-0", "a", "initial", "2012-01-01", "", "", "SYGOV", ""],
            ["a-1", "a", "capture", "2014-06-10", "", "SYGOV", "ISIS", ""],
            ["a-2", "a", "capture", "2016-03-27", "", "ISIS", "SYGOV", ""],
            ["b-0", "b", "initial", "2012-01-01", "", "", "ISIS", ""],
            # A contest that ends without a capture: the log says who still holds it.
            ["b-1", "b", "contest", "2015-05-01", "2015-06-01", "ISIS", "SDF", ""],
            ["c-0", "c", "initial", "2012-01-01", "", "", "IQGOV", ""],
            ["c-1", "c", "milestone", "2017-01-01", "", "IQGOV", "IQGOV", "Dam retaken. More text"],
        ]
    )


def test_control_segments_are_runs_of_constant_control(small):
    segments = history.control_segments(small)
    alpha = segments[segments["place_id"] == "a"]
    assert alpha["faction"].tolist() == ["SYGOV", "ISIS", "SYGOV"]
    assert (
        alpha["start"].tolist()
        == pd.to_datetime(["2012-01-01", "2014-06-10", "2016-03-27"]).tolist()
    )
    # Each run ends where the next starts; the last runs to the day after the timeline.
    assert alpha["end"].tolist()[:2] == alpha["start"].tolist()[1:]
    assert alpha["end"].iloc[-1] == TIMELINE_END + pd.Timedelta(days=1)
    beta = segments[segments["place_id"] == "b"]
    assert beta["status"].tolist() == ["held", "contested", "held"]
    assert beta["faction"].tolist() == ["ISIS"] * 3
    assert set(segments["faction_name"]) >= {"Islamic State (ISIS)", "Syrian government"}
    # Places in table order, each place's runs in time order.
    assert segments["place_id"].drop_duplicates().tolist() == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("first", "limit", "max_rows", "kept"),
    [
        ((), 10, 100, None),  # within both limits: the frame itself
        ((), 1, 100, ["b"]),  # the most changed place
        (("a",), 1, 100, ["a"]),  # ``first`` before the most changed
        (("a",), 2, 2, ["a", "c"]),  # "b" (2 runs) does not fit beside "a"; "c" does
        ((), 2, 2, ["b"]),  # "b" fills the rows; "a" (1 run) would be the third
    ],
)
def test_busiest_places(first, limit, max_rows, kept):
    segments = pd.DataFrame({"place_id": ["a", "b", "b", "c"], "start": [1, 1, 2, 1]})
    out = history.busiest_places(segments, first=first, limit=limit, max_rows=max_rows)
    if kept is None:
        assert out is segments
    else:
        assert sorted(out["place_id"].unique()) == kept
        assert len(out) <= max_rows


def test_change_log_lists_every_change_in_order_with_its_wording(small):
    log = history.change_log(small)
    assert list(log.columns) == [
        "when", "when_text", "place_id", "text", "source_title", "source_url", "event_id",
    ]  # fmt: skip
    assert log["when"].is_monotonic_increasing
    assert "a-0" not in set(log["event_id"])  # initial states are not changes
    texts = dict(zip(log["when"].dt.strftime("%Y-%m-%d"), log["text"], strict=True))
    assert texts["2014-06-10"] == "Islamic State (ISIS) took Alpha from Syrian government"
    assert texts["2015-05-01"] == "SDF / YPG attacked Beta, held by Islamic State (ISIS)"
    assert texts["2015-06-01"] == "Fighting for Beta ended; Islamic State (ISIS) still holds it"
    assert texts["2017-01-01"] == "Gamma: Dam retaken"
    assert (log.loc[log["event_id"] == "b-1", "source_url"] == "https://example.org").all()


def test_a_contest_ended_by_a_capture_is_logged_once():
    data = _dataset(
        [
            ["a-0", "a", "initial", "2012-01-01", "", "", "SYGOV", ""],
            ["a-1", "a", "contest", "2014-01-01", "2014-02-01", "SYGOV", "ISIS", ""],
            ["a-2", "a", "capture", "2014-02-01", "", "SYGOV", "ISIS", ""],
            ["b-0", "b", "initial", "2012-01-01", "", "", "ISIS", ""],
            ["c-0", "c", "initial", "2012-01-01", "", "", "IQGOV", ""],
        ]
    )
    log = history.change_log(data)
    assert log["event_id"].tolist() == ["a-1", "a-2"]  # no "fighting ended" row
