"""Compare mode: two dates side by side in the one map frame, and what changed.

The second date is the timeline's date; the first has its own date input
(a month earlier by default). The map frame shows both maps: the date's
script (:func:`dashboard.map.script.date_script`) draws the later date on the
main map as usual, then the script of :func:`compare_script` hands the
earlier date's epoch data (the same cached payload the main map uses for
that epoch) and the land that changed hands to ``dashboard/map/compare.js``,
which splits the frame, draws the earlier date on a second Leaflet map kept
in step with the first, hatches the changed land and rings the towns that
changed. Under the map, :mod:`dashboard.compare_panel` gives the change table
with source links, and a lazy panel offers the before/after figure and the CSV.

A step in compare mode is drawn by the frame itself when it holds the next
epoch and its comparison, which the runs send ahead of time (see
:func:`compare_script`); the run's script then draws the same again.

Why two maps in one frame rather than a swipe: a report reader compares
whole regions at once (where did the front move between Palmyra and
Deir ez-Zor?), which a swipe only shows one strip at a time; two maps side by
side read like the printed figure. Both sit in the one streamlit-folium
frame, so they move in step without a round trip to the server.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading

import pandas as pd
import shapely
import streamlit as st

from geodata.compare import Comparison, compare
from geodata.dataset import Dataset
from geodata.events import format_date
from geodata.factions import UNKNOWN, faction_color
from geodata.style import (
    CHANGE_HATCH_WIDTH,
    LIVE_CHANGED_RING_STYLE,
    LIVE_RECENT_STYLE,
    LIVE_SELECTED_STYLE,
    UNKNOWN_COLOR,
)
from geodata.values import rounded

from . import cache
from .map.base import PANES
from .map.mount import frame_holds
from .map.payload import parse_expression, script_json
from .map.script import FRAME_EPOCHS, deferred
from .safe import md

__all__ = [
    "HIDE_SCRIPT",
    "default_from",
    "compare_controls",
    "comparison",
    "change_layer",
    "compare_script",
    "ready_change",
    "comparison_jobs",
]

#: Leaves compare mode in the frame (a no-op when it is off).
HIDE_SCRIPT = "if (window.__faCompare) { window.__faCompare.hide(map_div); }\n"

_DIGITS = 4
_READY_LOCK = threading.Lock()
# The comparisons the warmer made lately, (key, start, epoch) (cache.remember_made).
_READY: dict[tuple, None] = {}


def default_from(date: dt.date, first: dt.date) -> dt.date:
    """A month before ``date``, but not before ``first`` (and before ``date``).

    Examples
    --------
    >>> default_from(dt.date(2016, 4, 10), dt.date(2012, 1, 1))
    datetime.date(2016, 3, 10)
    """
    month = (pd.Timestamp(date) - pd.DateOffset(months=1)).date()
    return max(month, first)


def _turn_on(first: dt.date) -> None:
    ss = st.session_state
    if ss.get("compare_on") and (
        ss.get("compare_from") is None or ss["compare_from"] >= ss["date"]
    ):
        ss["compare_from"] = default_from(ss["date"], first)


def compare_controls(date: dt.date, first: dt.date, last: dt.date) -> dt.date | None:
    """The compare switch and the first date; return that date in compare mode, else None."""
    ss = st.session_state
    if ss.get("compare_from") is None:
        ss["compare_from"] = default_from(date, first)
    cols = st.columns([1.4, 1.6, 3], vertical_alignment="bottom")
    cols[0].toggle(
        "Compare two dates",
        key="compare_on",
        on_change=_turn_on,
        args=(first,),
        help="Show an earlier date beside the timeline's date, what changed in between "
        "(hatched on the map, listed under it), and a before/after figure to download.",
    )
    if not ss.get("compare_on"):
        return None
    cols[1].date_input(
        "Before (first date)",
        key="compare_from",
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
        help="The map on the left; the map on the right is the timeline's date.",
    )
    start = ss.get("compare_from")
    if start is None:
        return None
    if start >= date:
        cols[2].warning(
            f"The first date ({md(start.isoformat())}) must be before the timeline's date "
            f"({md(date.isoformat())}): move one of them.",
            icon=":material/warning:",
        )
        return None
    cols[2].caption(
        f"Left: **{md(format_date(pd.Timestamp(start)))}** · right: "
        f"**{md(format_date(pd.Timestamp(date)))}**, with the land that changed hands hatched "
        "in its new holder's colour and the towns that changed hands ringed."
    )
    return start


# --------------------------------------------------------------------------- data


@st.cache_resource(show_spinner=False, max_entries=64)
def comparison(_dataset: Dataset, key: str, start: str, end: str) -> Comparison:
    """:func:`geodata.compare.compare` of two dates (shared read-only between runs)."""
    return compare(_dataset, start, end)


@st.cache_resource(show_spinner=False, max_entries=64)
def change_layer(
    _dataset: Dataset, key: str, epoch_from: str, epoch_to: str, _c: Comparison
) -> tuple[str, str]:
    """The land that changed hands between two epochs, for the frame:
    ``(id, script expression of its JSON)``."""
    features = []
    for row in _c.land.itertuples(index=False):
        to = row.to_faction
        color = UNKNOWN_COLOR if to in (None, UNKNOWN) else faction_color(to)
        geometry = shapely.simplify(row.geometry, 0.003, preserve_topology=True)
        features.append(
            '{"type":"Feature","properties":'
            + json.dumps(
                {"from": row.from_faction, "to": to, "color": color, "km2": row.area_km2},
                separators=(",", ":"),
            )
            + ',"geometry":'
            + shapely.to_geojson(rounded(geometry, _DIGITS))
            + "}"
        )
    data = (
        '{"land":{"type":"FeatureCollection","features":['
        + ",".join(features)
        + ']},"hatch_width":'
        + json.dumps(round(CHANGE_HATCH_WIDTH * 1.5, 2))
        + "}"
    )
    return f"{key}/{epoch_from}/{epoch_to}", parse_expression(data)


def _warm(dataset: Dataset, key: str, start: str, end: str) -> None:
    c = comparison(dataset, key, start, end)
    change_layer(dataset, key, cache.epoch_key(dataset, start), cache.epoch_key(dataset, end), c)
    with _READY_LOCK:
        cache.remember_made(_READY, (key, start, end))


def _after_note(a: pd.Timestamp, c: Comparison) -> str:
    """The later map's note under its date."""
    if len(c.land):
        return f"hatched: changed hands since {format_date(a)}"
    return "no town changed hands"


def ready_change(dataset: Dataset, key: str, start: str, epoch: str):
    """The comparison of ``start`` with the epoch starting on ``epoch`` for the map
    frame, if the warmer made it lately, else None: ``(change id, its data, the
    towns that changed, the later map's note)``.

    Within an epoch no town changes hands, so the comparison with the epoch's
    first day is the comparison with each of its days (a test checks it): the
    frame can draw it for any day of that epoch (compare.js, "follow").
    """
    with _READY_LOCK:
        if (key, start, epoch) not in _READY:  # only epochs after start are warmed
            return None
    c = comparison(dataset, key, start, epoch)
    change_id, data = change_layer(dataset, key, cache.epoch_key(dataset, start), epoch, c)
    return change_id, data, list(c.changes["place_id"]), _after_note(pd.Timestamp(start), c)


def comparison_jobs(dataset: Dataset, key: str, start: dt.date, ends: list[str]) -> list:
    """:func:`dashboard.cache.warm`'s jobs that make the comparisons of ``start``
    with each of ``ends`` (epoch starts after it) and their changed land.

    Queue them at the end of a run in compare mode, with the epochs next to the
    date (:func:`dashboard.cache.neighbour_epochs`): "Next change" and play
    then find the comparison, and the changed land, ready, and the runs send
    them to the frame ahead of time (:func:`compare_script`).
    """
    first = start.strftime("%Y-%m-%d")
    return [
        (("comparison", key, first, end), functools.partial(_warm, dataset, key, first, end))
        for end in ends
        if end > first
    ]


def _changes_ahead(dataset: Dataset, key: str, first: str, ahead: tuple) -> tuple[list, list]:
    """The comparisons of ``first`` with the epochs ahead that the warmer made: the
    options the frame reads (``o.ahead``) and the script's list of their land."""
    later, later_data = [], []
    for start, epoch in ahead:
        ready = ready_change(dataset, key, first, start)
        if ready is not None:
            cid, cdata, changed, note = ready
            later.append({"epoch": epoch, "change": cid, "changed": changed, "note": note})
            data = None if frame_holds(cid) else cdata
            later_data.append(f"[{script_json(cid)}, {deferred(data)}]")
    return later, later_data


def _before_options(a: pd.Timestamp, shown: set[str], towns: str) -> dict:
    """The earlier map's options for its own atlas (``atlas.js``'s draw)."""
    return {
        "date": a.strftime("%Y-%m-%d"),
        "legend": None,
        "title": "",
        "shown": [k for k in ("territories", "fronts", "towns", "labels") if k in shown],
        "recent": [],
        "selected": None,
        # The earlier map shows no halo and no selection (both lists empty).
        "recent_style": {k: LIVE_RECENT_STYLE[k] for k in ("radius", "fillColor")},
        "selected_style": {k: LIVE_SELECTED_STYLE[k] for k in ("radius", "fill", "color")},
        "towns": towns,
        "keep": FRAME_EPOCHS,
    }


def compare_script(
    dataset: Dataset,
    key: str,
    start: dt.date,
    end: dt.date,
    *,
    factions: tuple[str, ...] | None,
    shown: set[str],
    epoch: str = "",
    ahead: tuple = (),
) -> tuple[str, Comparison]:
    """The script that draws compare mode on the mounted map, after the date's
    script; and the comparison it shows.

    With the comparisons of the epochs next to the date's (when the warmer has
    made them), the frame draws a step's changed land and rings itself, as it
    draws the later map (``compare.js``, "follow"). Each epoch's data and the
    changed land are sent only when the frame does not hold them
    (:func:`dashboard.map.mount.frame_holds`).

    Parameters
    ----------
    dataset : Dataset
    key : str
        :func:`dashboard.cache.fingerprint` of the dataset.
    start, end : datetime.date
        The earlier date (left map) and the timeline's date (main map).
    factions : tuple of str, optional
        Factions shown (None: all).
    shown : set of str
        Layers shown (see :data:`geodata.style.LAYERS`).
    epoch : str
        The id of the later map's epoch (:func:`dashboard.cache.epoch_id`).
    ahead : tuple of (str, str)
        The epochs next to the date's that the frame was sent: (start, id).
    """
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    first = a.strftime("%Y-%m-%d")
    c = comparison(dataset, key, first, b.strftime("%Y-%m-%d"))
    epoch_a, epoch_b = cache.epoch_key(dataset, a), cache.epoch_key(dataset, b)
    before = cache.epoch_payload(dataset, key, epoch_a, factions)
    towns = cache.towns_for_frame(dataset, key)
    change_id, change_data = change_layer(dataset, key, epoch_a, epoch_b, c)
    # In the order compare.js stores them: the earlier map's town table and
    # epoch (its own store), then the changed land now and ahead (the main map's).
    towns_data = None if frame_holds(towns.id, "_frame_left") else towns.data
    before_data = None if frame_holds(before.id, "_frame_left") else before.data
    change_data = None if frame_holds(change_id) else change_data
    later, later_data = _changes_ahead(dataset, key, first, ahead)
    options = {
        "from": a.strftime("%Y-%m-%d"),
        "to": b.strftime("%Y-%m-%d"),
        "panes": PANES,
        "extent": list(cache.theatre_extent()),
        "shown": sorted(shown),
        "changed": list(c.changes["place_id"]),
        "ring_style": LIVE_CHANGED_RING_STYLE,
        "before": _before_options(a, shown, towns.id),
        "before_title": f"Before: {format_date(a)}",
        "before_note": "",
        "after_title": f"After: {format_date(b)}",
        "after_note": _after_note(a, c),
        "epoch": epoch,
        "ahead": later,
        "keep": FRAME_EPOCHS,
    }
    script = (
        f"window.__faCompare.show(map_div, {script_json(before.id)}, "
        f"{deferred(before_data)}, {script_json(change_id)}, "
        f"{deferred(change_data)}, {script_json(options)}, {deferred(towns_data)}, "
        f"[{', '.join(later_data)}]);\n"
    )
    return script, c
