"""Generated datasets for property tests (hypothesis strategies), in one place.

``bench/synthetic.py`` generates the large datasets of the benchmarks; these are
small and drawn by hypothesis so that a failing example shrinks.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from geodata import Dataset
from geodata.events import TIMELINE_START
from geodata.factions import FACTION_CODES
from geodata.io import events_frame, places_frame

__all__ = ["theatre_datasets", "timelines"]

START = TIMELINE_START.date()


@st.composite
def timelines(draw):
    """Up to 6 places, each with an initial holder and up to 6 captures, contests and
    milestones at random days (the timeline's property test against a naive replay)."""
    n_places = draw(st.integers(1, 6))
    place_rows, event_rows = [], []
    for p in range(n_places):
        pid = f"p{p}"
        place_rows.append({"id": pid, "name": f"Place {p}", "lat": str(33 + p / 10),
                           "lon": str(40 + p / 7)})  # fmt: skip
        holder = draw(st.sampled_from(FACTION_CODES))
        day = draw(st.integers(0, 30))
        event_rows.append({"place_id": pid, "kind": "initial", "date": START + dt.timedelta(day),
                               "from_faction": "", "to_faction": holder})  # fmt: skip
        for _ in range(draw(st.integers(0, 6))):
            day += draw(st.integers(0, 200))
            kind = draw(st.sampled_from(["capture", "contest", "milestone"]))
            other = draw(st.sampled_from([f for f in FACTION_CODES if f != holder]))
            row = {"place_id": pid, "kind": kind, "date": START + dt.timedelta(day),
                       "from_faction": holder, "to_faction": other}  # fmt: skip
            if kind == "contest":
                length = draw(st.one_of(st.none(), st.integers(0, 300)))
                if length is not None:
                    row["end_date"] = START + dt.timedelta(day + length)
                    day += length
                else:
                    day += 1
            if kind == "capture":
                holder = other
            event_rows.append(row)
    events = pd.DataFrame(event_rows)
    events["event_id"] = [f"e{i}" for i in range(len(events))]
    events["source_url"] = "https://example.org"
    events["date"] = events["date"].astype(str)
    if "end_date" in events:
        events["end_date"] = events["end_date"].astype(str).replace("nan", "")
    events = events.fillna("")
    return Dataset(places_frame(pd.DataFrame(place_rows)), events_frame(events))


THEATRE_BOX = (36.0, 30.0, 47.5, 37.2)


@st.composite
def theatre_datasets(draw):
    """Up to 40 towns at random points of the theatre, some contested, and a reach:
    ``(dataset, max_reach_km)`` (the territory's invariants on generated data)."""
    n = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w, s, e, nn = THEATRE_BOX
    lon = rng.uniform(w, e, n).round(4)
    lat = rng.uniform(s, nn, n).round(4)
    codes = [draw(st.sampled_from(FACTION_CODES)) for _ in range(n)]
    contested = [draw(st.booleans()) and draw(st.booleans()) for _ in range(n)]
    places = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "name": [f"P{i}" for i in range(n)],
            "lat": lat.astype(str),
            "lon": lon.astype(str),
        }  # fmt: skip
    )
    rows = []
    for i, code in enumerate(codes):
        rows.append({"place_id": f"p{i}", "kind": "initial", "date": "2012-01-01",
                     "from_faction": "", "to_faction": code})  # fmt: skip
        if contested[i]:
            other = next(f for f in FACTION_CODES if f != code)
            rows.append({"place_id": f"p{i}", "kind": "contest", "date": "2012-01-01",
                         "from_faction": code, "to_faction": other})  # fmt: skip
    events = pd.DataFrame(rows).assign(source_url="https://example.org")
    events["event_id"] = [f"e{i}" for i in range(len(events))]
    reach = draw(st.sampled_from([15.0, 40.0, 120.0]))
    return Dataset(places_frame(places), events_frame(events)), reach
