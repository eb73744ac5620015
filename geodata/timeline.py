"""Who held each place at any date, the epochs between changes, and event windows.

The state at a date is a pure function of the events up to that date. It is
computed without a Python loop over places or events: every change is keyed by
``place position * 2**20 + day number`` in one sorted array, so the last
change of every place at or before a date is one ``numpy.searchsorted`` call.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .dataset import Dataset
from .events import CONTROL_KINDS, TIMELINE_END, TIMELINE_START
from .factions import UNKNOWN
from .problems import parse_date

__all__ = [
    "control_at",
    "control_table",
    "control_matrix",
    "epochs",
    "epoch_of",
    "events_between",
    "places_changed_between",
    "place_history",
    "change_dates",
    "to_date",
]

_SCALE = np.int64(1 << 20)  # more days than the timeline will ever span


def _days(values) -> np.ndarray:
    """Days since 1970-01-01 as int64 (whatever the datetime unit pandas chose)."""
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def to_date(value) -> pd.Timestamp:
    """Return ``value`` as a midnight :class:`pandas.Timestamp`.

    Raises
    ------
    ValueError
        For text that is not a real ``YYYY-MM-DD`` date.
    """
    if isinstance(value, str):
        return parse_date(value)
    return pd.Timestamp(value).normalize()


@dataclass(frozen=True)
class _Index:
    """Sorted arrays of control changes and contests (see module docstring)."""

    change_key: np.ndarray
    change_place: np.ndarray
    change_to: np.ndarray
    change_day: np.ndarray
    change_precision: np.ndarray
    change_event: np.ndarray
    contest_key: np.ndarray
    contest_place: np.ndarray
    contest_end: np.ndarray
    contest_from: np.ndarray
    contest_to: np.ndarray
    contest_day: np.ndarray
    contest_precision: np.ndarray
    contest_event: np.ndarray
    place_ids: np.ndarray


def _build_index(dataset: Dataset) -> _Index:
    events = dataset.events  # sorted by place, date, kind
    position = pd.Series(np.arange(len(dataset.places)), index=dataset.places["id"].to_numpy())
    pos = position.reindex(events["place_id"].to_numpy()).to_numpy()
    known = ~np.isnan(pos)
    events, pos = events[known], pos[known].astype(np.int64)
    day = _days(events["date"])
    key = pos * _SCALE + day

    is_change = events["kind"].isin(CONTROL_KINDS).to_numpy()
    is_contest = (events["kind"] == "contest").to_numpy()
    c_key = key[is_change]
    order = np.argsort(c_key, kind="stable")

    # A contest without an end lasts until the place's next capture (or the end).
    t_key = key[is_contest]
    end_day = _days(events["end_date"])[is_contest]
    open_ended = np.isnat(np.asarray(events["end_date"], dtype="datetime64[ns]"))[is_contest]
    sorted_captures = np.sort(key[(events["kind"] == "capture").to_numpy()])
    next_capture = np.searchsorted(sorted_captures, t_key, side="left")
    t_place = pos[is_contest]
    last_day = _days([TIMELINE_END])[0] + 1
    fallback = np.full(len(t_key), last_day, dtype=np.int64)
    in_range = next_capture < len(sorted_captures)
    hit = np.zeros(len(t_key), dtype=bool)
    hit[in_range] = sorted_captures[next_capture[in_range]] // _SCALE == t_place[in_range]
    fallback[hit] = sorted_captures[next_capture[hit]] % _SCALE
    end_day = np.where(open_ended, fallback, end_day)
    t_order = np.argsort(t_key, kind="stable")

    def pick(column, mask, order):
        return events[column].to_numpy()[mask][order]

    return _Index(
        change_key=c_key[order],
        change_place=pos[is_change][order],
        change_to=pick("to_faction", is_change, order),
        change_day=day[is_change][order],
        change_precision=pick("date_precision", is_change, order),
        change_event=pick("event_id", is_change, order),
        contest_key=t_key[t_order],
        contest_place=t_place[t_order],
        contest_end=end_day[t_order],
        contest_from=pick("from_faction", is_contest, t_order),
        contest_to=pick("to_faction", is_contest, t_order),
        contest_day=day[is_contest][t_order],
        contest_precision=pick("date_precision", is_contest, t_order),
        contest_event=pick("event_id", is_contest, t_order),
        place_ids=dataset.places["id"].to_numpy(dtype=object),
    )


def _index(dataset: Dataset) -> _Index:
    return dataset.cached("timeline-index", lambda: _build_index(dataset))


def _last_at(keys: np.ndarray, places: np.ndarray, place: np.ndarray, day: np.ndarray):
    """Index of the last entry at or before ``day`` of each ``place`` (-1: none);
    ``place`` and ``day`` are arrays of equal length (positions, day numbers)."""
    query = place * _SCALE + day
    idx = np.searchsorted(keys, query, side="right") - 1
    valid = idx >= 0
    valid[valid] = places[idx[valid]] == place[valid]
    return np.where(valid, idx, -1)


def _day_number(date) -> int:
    """Days since 1970-01-01 of a date given as text, Timestamp or datetime."""
    if isinstance(date, pd.Timestamp):
        return int(date.normalize().value // 86_400_000_000_000)
    return int(_days([to_date(date)])[0])


def _state(ix: _Index, place: np.ndarray, day: np.ndarray) -> dict:
    """Who held each ``place`` on each ``day`` (arrays of equal length): the
    arrays behind :func:`control_table` and :func:`control_matrix`."""
    m = len(place)
    ci = _last_at(ix.change_key, ix.change_place, place, day)
    has = ci >= 0
    safe = np.where(has, ci, 0)
    if len(ix.change_key):
        controller = np.where(has, ix.change_to[safe], None)
        since_day = np.where(has, ix.change_day[safe], 0)
        precision = np.where(has, ix.change_precision[safe], None)
        event = np.where(has, ix.change_event[safe], None)
    else:
        controller = precision = event = np.full(m, None)
        since_day = np.zeros(m, dtype=np.int64)

    ti = _last_at(ix.contest_key, ix.contest_place, place, day)
    contested = ti >= 0
    other = np.full(m, None)
    if len(ix.contest_key):
        tsafe = np.where(contested, ti, 0)
        contested &= day < ix.contest_end[tsafe]
        start = ix.contest_day[tsafe]
        attacker, defender = ix.contest_to[tsafe], ix.contest_from[tsafe]
        other = np.where(contested, np.where(controller == attacker, defender, attacker), None)
        later = contested & (start > since_day)
        since_day = np.where(later, start, since_day)
        precision = np.where(later, ix.contest_precision[tsafe], precision)
        event = np.where(later, ix.contest_event[tsafe], event)
    # An explicit period of unknown holder (the UNKNOWN code) reads like no data.
    unknown = ~has | (controller == UNKNOWN)
    return {
        "controller": np.where(unknown, None, controller),
        "status": np.where(unknown, "unknown", np.where(contested, "contested", "held")),
        "other": other,
        "precision": precision,
        "event": event,
        "has": has,
        "since_day": since_day,
    }


def control_matrix(dataset: Dataset, dates) -> tuple[np.ndarray, np.ndarray]:
    """Every place's controller and status at each of ``dates``, in one pass.

    Returns
    -------
    tuple of numpy.ndarray
        ``controller`` and ``status`` (object arrays, one row per date, one
        column per place in table order), as :func:`control_table` gives them
        date by date.
    """
    ix = _index(dataset)
    n = len(dataset.places)
    days = np.array([_day_number(d) for d in dates], dtype=np.int64)
    place = np.tile(np.arange(n, dtype=np.int64), len(days))
    state = _state(ix, place, np.repeat(days, n))
    shape = (len(days), n)
    return state["controller"].reshape(shape), state["status"].reshape(shape)


def control_table(dataset: Dataset, date) -> pd.DataFrame:
    """Return every place's controller and status at a date, without geometry.

    The fast core of :func:`control_at` (same columns but ``name``,
    ``name_ar``, ``country`` and ``geometry``), for callers that only need
    who holds what.
    """
    day = _day_number(date)
    ix = _index(dataset)
    n = len(dataset.places)
    state = _state(ix, np.arange(n, dtype=np.int64), np.full(n, day, dtype=np.int64))
    since = np.where(state["has"], state["since_day"], np.iinfo(np.int64).min)
    since = since.astype("datetime64[D]")
    # One block of plain object columns: pandas' string inference, or a
    # Series per column, would cost more than the whole computation.
    block = np.empty((n, len(_TABLE_COLUMNS)), dtype=object)
    block[:, 0] = ix.place_ids
    for j, part in enumerate(("controller", "status", "other", "precision", "event"), 1):
        block[:, j] = state[part]
    frame = pd.DataFrame(block, columns=_TABLE_COLUMNS, dtype=object, copy=False)
    frame.insert(4, "since", since.astype("datetime64[ns]"))
    return frame


# control_table's columns but "since" (made once: an Index of text costs to build).
_TABLE_COLUMNS = pd.Index(
    ["id", "controller", "status", "contested_by", "since_precision", "event_id"]
)


def control_at(dataset: Dataset, date) -> gpd.GeoDataFrame:
    """Return every place with its controller and status at a date.

    Parameters
    ----------
    dataset : Dataset
        Places and events.
    date : str, datetime-like
        The day (``YYYY-MM-DD`` or anything :class:`pandas.Timestamp` takes).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place, EPSG:4326, with ``controller`` (faction code, or
        None before the place's first event), ``status`` (``"held"``,
        ``"contested"`` or ``"unknown"``), ``contested_by`` (the other party
        of a running contest), ``since`` and ``since_precision`` (when that
        controller and status began) and ``event_id`` (the event behind it).

    Examples
    --------
    >>> from geodata import load_builtin
    >>> state = control_at(load_builtin(), "2016-03-27")
    >>> state.set_index("id").loc["palmyra", "controller"]
    'SYGOV'
    """
    table = control_table(dataset, date)
    places = dataset.places
    return gpd.GeoDataFrame(
        {
            "id": table["id"].to_numpy(),
            "name": places["name"].to_numpy(),
            "name_ar": places["name_ar"].to_numpy(),
            "country": places["country"].to_numpy(),
            **{c: table[c].to_numpy() for c in table.columns if c != "id"},
        },
        geometry=places.geometry.to_numpy(),
        crs=places.crs,
    )


def change_dates(dataset: Dataset) -> pd.DatetimeIndex:
    """Sorted dates on which anything on the map changes (epoch boundaries)."""

    def compute():
        ix = _index(dataset)
        days = np.concatenate([ix.change_day, ix.contest_day, ix.contest_end])
        last = _days([TIMELINE_END])[0]
        days = np.unique(days[days <= last])
        return pd.DatetimeIndex(days.astype("datetime64[D]")).as_unit("ns")

    return dataset.cached("change-dates", compute)


def epochs(dataset: Dataset) -> pd.DataFrame:
    """Return the epochs: spans of days in which no control or status changes.

    Returns
    -------
    pandas.DataFrame
        ``start`` (inclusive) and ``end`` (exclusive) timestamps, one row per
        epoch, from the timeline start to the day after its end.
    """
    dates = change_dates(dataset)
    starts = dates.union(pd.DatetimeIndex([TIMELINE_START]).as_unit("ns"))
    ends = starts[1:].append(pd.DatetimeIndex([TIMELINE_END + pd.Timedelta(days=1)]).as_unit("ns"))
    return pd.DataFrame({"start": starts, "end": ends})


def epoch_of(dataset: Dataset, date) -> pd.Timestamp:
    """Return the start of the epoch containing ``date`` (the key for caching)."""
    date = to_date(date)
    dates = change_dates(dataset)
    i = dates.searchsorted(date, side="right") - 1
    return dates[i] if i >= 0 else TIMELINE_START


def events_between(dataset: Dataset, start, end) -> pd.DataFrame:
    """Return events that start or end within ``[start, end]``, oldest first.

    A contest appears when it starts or ends in the window; the column
    ``when`` gives the date that falls in the window.
    """
    start, end = to_date(start), to_date(end)
    ev = dataset.events
    starts = ev[(ev["date"] >= start) & (ev["date"] <= end)].assign(when=lambda e: e["date"])
    ends = ev[(ev["kind"] == "contest") & (ev["end_date"] >= start) & (ev["end_date"] <= end)]
    ends = ends.assign(when=ends["end_date"])
    out = pd.concat([starts, ends]).drop_duplicates("event_id")
    return out.sort_values(["when", "place_id"], kind="stable").reset_index(drop=True)


def places_changed_between(dataset: Dataset, start, end) -> frozenset[str]:
    """Return the ids of the places in :func:`events_between` ``(start, end)``.

    The same places, found by binary search in the dataset's event dates
    (sorted once per dataset): microseconds instead of milliseconds, for the
    highlights that move with every slider step.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> "palmyra" in places_changed_between(load_builtin(), "2016-03-20", "2016-03-27")
    True
    """

    def index():
        ev = dataset.events
        starts = ev[ev["date"].notna()].sort_values("date", kind="stable")
        ends = ev[(ev["kind"] == "contest") & ev["end_date"].notna()]
        ends = ends.sort_values("end_date", kind="stable")
        return [
            (frame[column].to_numpy(), frame["place_id"].to_numpy(dtype=object))
            for frame, column in ((starts, "date"), (ends, "end_date"))
        ]

    start, end = to_date(start), to_date(end)
    out: set[str] = set()
    for dates, ids in dataset.cached("timeline-changed-index", index):
        lo = np.searchsorted(dates, start.to_datetime64(), side="left")
        hi = np.searchsorted(dates, end.to_datetime64(), side="right")
        out.update(ids[lo:hi])
    return frozenset(out)


def place_history(dataset: Dataset, place_id: str) -> pd.DataFrame:
    """Return every event of one place, oldest first."""
    return dataset.events[dataset.events["place_id"] == place_id].reset_index(drop=True)
