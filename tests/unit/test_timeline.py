"""Control state at a date: golden states of the seven places, and a property
test that the vectorised state equals a naive replay of the events."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import Dataset, control_at, epoch_of, epochs, events_between, place_history
from geodata.events import KIND_ORDER, TIMELINE_END, TIMELINE_START
from geodata.io import events_frame, places_frame
from tests.strategies import timelines

H, C = "held", "contested"
# date -> {place: (controller, status, contested_by)}
GOLDEN = {
    "2012-05-01": {
        "palmyra": ("SYGOV", H, None),
        "raqqa": ("SYGOV", H, None),
        "deir-ez-zor": ("SYGOV", H, None),
        "ramadi": ("IQGOV", H, None),
        "tikrit": ("IQGOV", H, None),
        "mosul": ("IQGOV", H, None),
        "al-shaddadi": ("SYGOV", H, None),
    },
    "2013-03-10": {
        "raqqa": ("REBELS", H, None),
        "al-shaddadi": ("NUSRA", H, None),
        "deir-ez-zor": ("SYGOV", C, "REBELS"),
        "palmyra": ("SYGOV", H, None),
        "mosul": ("IQGOV", H, None),
    },
    "2014-06-15": {
        "mosul": ("ISIS", H, None),
        "tikrit": ("ISIS", H, None),
        "ramadi": ("IQGOV", C, "ISIS"),
        "raqqa": ("ISIS", H, None),
        "al-shaddadi": ("ISIS", H, None),
        "palmyra": ("SYGOV", H, None),
    },
    "2015-06-01": {
        "palmyra": ("ISIS", H, None),
        "ramadi": ("ISIS", H, None),
        "tikrit": ("IQGOV", H, None),
        "deir-ez-zor": ("SYGOV", C, "ISIS"),
    },
    # The user's source, a news report of 27 March 2016.
    "2016-03-27": {
        "palmyra": ("SYGOV", H, None),
        "raqqa": ("ISIS", H, None),
        "deir-ez-zor": ("SYGOV", C, "ISIS"),
        "ramadi": ("IQGOV", H, None),
        "tikrit": ("IQGOV", H, None),
        "mosul": ("ISIS", H, None),
        "al-shaddadi": ("SDF", H, None),
    },
    "2016-03-26": {"palmyra": ("ISIS", C, "SYGOV")},
    "2016-12-20": {"palmyra": ("ISIS", H, None), "mosul": ("ISIS", C, "IQGOV")},
    "2017-03-05": {"palmyra": ("SYGOV", H, None)},
    "2017-08-01": {"mosul": ("IQGOV", H, None), "raqqa": ("ISIS", C, "SDF")},
    "2018-06-01": {
        "palmyra": ("SYGOV", H, None),
        "raqqa": ("SDF", H, None),
        "deir-ez-zor": ("SYGOV", H, None),
        "ramadi": ("IQGOV", H, None),
        "tikrit": ("IQGOV", H, None),
        "mosul": ("IQGOV", H, None),
        "al-shaddadi": ("SDF", H, None),
    },
}


@pytest.mark.parametrize("date", sorted(GOLDEN))
def test_golden_states_of_the_seven_places(builtin, date):
    state = control_at(builtin, date).set_index("id")
    for place, (controller, status, other) in GOLDEN[date].items():
        row = state.loc[place]
        got = (row["controller"], row["status"], row["contested_by"] if status == C else None)
        assert got == (controller, status, other), (date, place)


def test_user_report_of_27_march_2016(builtin):
    """Palmyra retaken that day; ISIS took it in May 2015; Ramadi retaken ~3 months
    before; Tikrit lost by ISIS in 2015, al-Shaddadi in February 2016."""
    state = control_at(builtin, "2016-03-27").set_index("id")
    assert state.loc["palmyra", "since"] == pd.Timestamp("2016-03-27")
    ev = builtin.events
    isis_palmyra = ev[
        (ev.place_id == "palmyra") & (ev.kind == "capture") & (ev.to_faction == "ISIS")
    ]
    assert isis_palmyra["date"].iloc[0].strftime("%Y-%m") == "2015-05"
    days = (pd.Timestamp("2016-03-27") - state.loc["ramadi", "since"]).days
    assert 75 <= days <= 105
    assert state.loc["tikrit", "since"].year == 2015
    assert state.loc["al-shaddadi", "since"].strftime("%Y-%m") == "2016-02"


def test_state_is_a_geodataframe_in_wgs84(builtin):
    state = control_at(builtin, "2016-03-27")
    assert state.crs.to_epsg() == 4326
    assert len(state) == len(builtin.places)
    assert set(state["status"]) <= {"held", "contested", "unknown"}
    assert state["since"].notna().all()


def test_palmyra_changed_hands_four_times(builtin):
    ev = place_history(builtin, "palmyra")
    captures = ev[ev.kind == "capture"]
    assert list(captures["to_faction"]) == ["ISIS", "SYGOV", "ISIS", "SYGOV"]
    assert list(captures["date"].dt.year) == [2015, 2016, 2016, 2017]


def test_every_event_is_cited(builtin):
    ev = builtin.events
    assert ev["source_url"].str.match(r"^https?://").all()
    assert (ev["source_title"].str.len() > 3).all()
    assert ev["certainty"].isin(["high", "medium", "low"]).all()


def test_epochs_partition_the_timeline(builtin):
    ep = epochs(builtin)
    assert ep["start"].iloc[0] == TIMELINE_START
    assert ep["end"].iloc[-1] == TIMELINE_END + pd.Timedelta(days=1)
    assert (ep["start"].iloc[1:].to_numpy() == ep["end"].iloc[:-1].to_numpy()).all()
    assert (ep["end"] > ep["start"]).all()
    # Nothing changes inside an epoch.
    for row in ep.sample(10, random_state=0).itertuples():
        a = control_at(builtin, row.start)[["controller", "status"]]
        b = control_at(builtin, row.end - pd.Timedelta(days=1))[["controller", "status"]]
        pd.testing.assert_frame_equal(a, b)
    assert epoch_of(builtin, "2016-03-28") == pd.Timestamp("2016-03-27")


def test_events_between(builtin):
    window = events_between(builtin, "2016-03-01", "2016-03-31")
    assert "palmyra-5" in set(window["event_id"])
    assert (window["when"] >= pd.Timestamp("2016-03-01")).all()
    assert window["when"].is_monotonic_increasing


def test_before_a_place_first_event_status_is_unknown():
    places = places_frame(pd.DataFrame({"id": ["x"], "name": ["X"], "lat": ["35"], "lon": ["40"]}))
    events = events_frame(
        pd.DataFrame(
            {
                "event_id": ["x-1"],
                "place_id": ["x"],
                "kind": ["initial"],
                "date": ["2013-01-01"],
                "to_faction": ["SDF"],
                "source_url": ["https://example.org"],
            }
        )
    )
    ds = Dataset(places, events)
    assert control_at(ds, "2012-06-01")["status"].iloc[0] == "unknown"
    assert control_at(ds, "2013-06-01")["controller"].iloc[0] == "SDF"


def test_an_explicit_unknown_period_is_shown_as_unknown():
    """UNKNOWN as a holder: the place is unknown from that day, with the event behind it."""
    places = places_frame(pd.DataFrame({"id": ["x"], "name": ["X"], "lat": ["35"], "lon": ["40"]}))
    rows = [
        ("x-1", "initial", "2012-01-01", "", "SYGOV"),
        ("x-2", "capture", "2012-07-01", "SYGOV", "unknown"),
        ("x-3", "capture", "2014-01-01", "UNKNOWN", "ISIS"),
    ]
    events = events_frame(
        pd.DataFrame(
            [
                {
                    "event_id": e,
                    "place_id": "x",
                    "kind": k,
                    "date": d,
                    "from_faction": f,
                    "to_faction": t,
                    "source_url": "https://example.org",
                }  # fmt: skip
                for e, k, d, f, t in rows
            ]
        )
    )
    ds = Dataset(places, events)
    state = control_at(ds, "2013-06-01").iloc[0]
    assert state["controller"] is None
    assert state["status"] == "unknown"
    assert state["event_id"] == "x-2"
    assert str(state["since"].date()) == "2012-07-01"
    assert control_at(ds, "2014-06-01")["controller"].iloc[0] == "ISIS"


# --- property test: vectorised state == naive replay ------------------------

START = TIMELINE_START.date()


def naive_state(ds: Dataset, date: pd.Timestamp) -> dict:
    """Replay every event in order, one place at a time."""
    out = {}
    for pid in ds.places["id"]:
        ev = ds.events[ds.events.place_id == pid].copy()
        ev["o"] = ev["kind"].map(KIND_ORDER)
        ev = ev.sort_values(["date", "o"], kind="stable")
        holder, contest, since = None, None, None
        for e in ev.itertuples():
            if e.date > date:
                break
            if e.kind in ("initial", "capture"):
                holder, since = e.to_faction, e.date
            elif e.kind == "contest":
                end = e.end_date
                if pd.isna(end):
                    later = ev[(ev.kind == "capture") & (ev.date >= e.date)]["date"]
                    end = later.iloc[0] if len(later) else TIMELINE_END + pd.Timedelta(days=1)
                contest = (e.date, end, e.from_faction, e.to_faction)
        contested = contest is not None and contest[0] <= date < contest[1]
        status = "unknown" if holder is None else ("contested" if contested else "held")
        if contested and contest[0] > since:
            since = contest[0]
        other = None
        if contested:
            other = contest[2] if holder == contest[3] else contest[3]
        out[pid] = (holder, status, other, since)
    return out


@settings(max_examples=120, deadline=None)
@given(ds=timelines(), offset=st.integers(0, 2600))
def test_state_equals_naive_replay(ds, offset):
    date = TIMELINE_START + pd.Timedelta(days=offset)
    expected = naive_state(ds, date)
    state = control_at(ds, date)
    for row in state.itertuples():
        holder, status, other, since = expected[row.id]
        got_other = row.contested_by if row.status == "contested" else None
        got_since = None if pd.isna(row.since) else row.since
        assert (row.controller if row.status != "unknown" else None, row.status, got_other,
                got_since) == (holder, status, other, since)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(ds=timelines(), offset=st.integers(0, 2600))
def test_the_state_is_the_same_on_every_day_of_an_epoch(ds, offset):
    # The dashboard computes the state once per epoch, at its start, for every day of it.
    date = TIMELINE_START + pd.Timedelta(days=offset)
    on_the_day = control_at(ds, date).drop(columns="geometry")
    at_the_start = control_at(ds, epoch_of(ds, date)).drop(columns="geometry")
    pd.testing.assert_frame_equal(on_the_day, at_the_start)


def test_the_built_in_state_is_the_same_on_every_day_of_an_epoch(builtin):
    first, last = builtin.date_range()
    for date in pd.date_range(first, last, periods=60):
        on_the_day = control_at(builtin, date).drop(columns="geometry")
        at_the_start = control_at(builtin, epoch_of(builtin, date)).drop(columns="geometry")
        pd.testing.assert_frame_equal(on_the_day, at_the_start)


@settings(max_examples=60, deadline=None)
@given(ds=timelines(), offsets=st.lists(st.integers(0, 2600), min_size=1, max_size=6))
def test_control_matrix_is_control_table_date_by_date(ds, offsets):
    # The control strip's runs come from the matrix (all epochs in one pass).
    from geodata.timeline import control_matrix, control_table

    dates = [TIMELINE_START + pd.Timedelta(days=o) for o in offsets]
    controllers, statuses = control_matrix(ds, dates)
    for date, controller, status in zip(dates, controllers, statuses, strict=True):
        table = control_table(ds, date)
        assert list(controller) == list(table["controller"])
        assert list(status) == list(table["status"])


def test_control_matrix_of_the_built_in_epochs(builtin):
    from geodata.timeline import control_matrix, control_table

    starts = list(epochs(builtin)["start"])[::9]
    controllers, statuses = control_matrix(builtin, starts)
    assert controllers.shape == statuses.shape == (len(starts), len(builtin.places))
    for start, controller, status in zip(starts, controllers, statuses, strict=True):
        table = control_table(builtin, start)
        assert list(controller) == list(table["controller"])
        assert list(status) == list(table["status"])


def test_places_changed_between_matches_events_between(builtin):
    from geodata.timeline import events_between, places_changed_between

    first, last = builtin.date_range()
    for start in pd.date_range(first - pd.Timedelta(days=40), last, freq="17D"):
        for days in (0, 28, 400):
            end = start + pd.Timedelta(days=days)
            expected = frozenset(events_between(builtin, start, end)["place_id"])
            assert places_changed_between(builtin, start, end) == expected, (start, days)
