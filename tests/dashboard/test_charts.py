"""The area chart, and the runs of control that the control strip draws."""

from __future__ import annotations

import pandas as pd

from dashboard import charts
from geodata import history
from geodata.timeline import control_table


def test_control_segments_tile_the_timeline(builtin):
    segments = history.control_segments(builtin)
    assert (segments["start"] < segments["end"]).all()
    for pid, runs in segments.groupby("place_id"):
        # Consecutive runs of a place touch, unless a period of unknown holder lies
        # between them (no run: the holder is not known), and differ.
        for end, start in zip(runs["end"].iloc[:-1], runs["start"].iloc[1:], strict=True):
            if end != start:
                gap = control_table(builtin, end).set_index("id").loc[pid]
                assert end < start and gap["status"] == "unknown", (pid, end, start)
        pairs = list(zip(runs["faction"], runs["status"], runs["start"], runs["end"], strict=True))
        assert all(a[:2] != b[:2] or a[3] != b[2] for a, b in zip(pairs, pairs[1:], strict=False))
    palmyra = segments[segments["place_id"] == "palmyra"]
    at = palmyra[(palmyra["start"] <= "2015-06-01") & (palmyra["end"] > "2015-06-01")]
    assert at["faction"].tolist() == ["ISIS"]


def test_mark_date_adds_a_rule_without_touching_the_chart(builtin):
    spec = charts.area_chart(
        pd.DataFrame(
            {
                "date": pd.to_datetime(["2015-01-01", "2016-01-01"]),
                "faction": ["ISIS", "ISIS"],
                "area_km2": [1.0, 2.0],
            }
        )
    ).to_dict()
    marked = charts.mark_date(spec, "2016-03-27")
    later = charts.mark_date(spec, "2017-10-20")
    date = charts.DATE_DATASET
    assert {k: v for k, v in marked["datasets"].items() if k != date} == spec["datasets"]
    assert marked["datasets"][date] == [{"date": "2016-03-27T00:00:00", "label": "27 Mar 2016"}]
    rule = marked["layer"][1]
    assert rule["mark"]["type"] == "rule" and rule["data"] == {"name": date}
    assert "layer" not in spec and date not in spec["datasets"]
    # Only the named dataset differs between dates: Streamlit then updates the
    # drawn chart's data instead of drawing it anew.
    assert {k: v for k, v in marked.items() if k != "datasets"} == {
        k: v for k, v in later.items() if k != "datasets"
    }
