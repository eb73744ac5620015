"""Compare mode: two dates side by side in the one map frame, and what changed.

The second date is the timeline's date; the first has its own date input
(a month earlier by default). The map frame shows both maps: the date's
script (:func:`dashboard.map.script.date_script`) draws the later date on the
main map as usual, then the script of :func:`compare_script` hands the
earlier date's epoch data (the same cached payload the main map uses for
that epoch) and the land that changed hands to ``dashboard/map/compare.js``,
which splits the frame, draws the earlier date on a second Leaflet map kept
in step with the first, hatches the changed land and rings the towns that
changed. Under the map, :func:`comparison_html` gives the change table with
source links, and a lazy panel offers the before/after figure and the CSV.

Why two maps in one frame rather than a swipe: a report reader compares
whole regions at once (where did the front move between Palmyra and
Deir ez-Zor?), which a swipe only shows one strip at a time; two maps side by
side read like the printed figure. Both sit in the one streamlit-folium
frame, so they move in step without a round trip to the server.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading

import pandas as pd
import shapely
import streamlit as st

from geodata.compare import Comparison, changes_csv, compare, faction_label
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
from .map.payload import parse_expression, script_json
from .map.script import FRAME_EPOCHS, deferred
from .safe import esc, link, md

__all__ = [
    "HIDE_SCRIPT",
    "default_from",
    "compare_controls",
    "comparison",
    "change_layer",
    "compare_script",
    "comparison_html",
    "show_compare",
    "warm_comparisons",
]

#: Leaves compare mode in the frame (a no-op when it is off).
HIDE_SCRIPT = "if (window.__faCompare) { window.__faCompare.hide(map_div); }\n"

_DIGITS = 4
_LOG = logging.getLogger(__name__)
_WARMING: set[tuple] = set()
_WARMING_LOCK = threading.Lock()


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
    try:
        c = comparison(dataset, key, start, end)
        change_layer(
            dataset, key, cache.epoch_key(dataset, start), cache.epoch_key(dataset, end), c
        )
    except Exception:  # noqa: BLE001 - the run that needs it will compute it and report
        _LOG.debug("warming comparison %s..%s failed", start, end, exc_info=True)
    finally:
        with _WARMING_LOCK:
            _WARMING.discard((key, start, end))


def warm_comparisons(dataset: Dataset, key: str, start: dt.date, ends: list[str]) -> None:
    """Compute the comparisons of ``start`` with each of ``ends`` in the background.

    Call it at the end of a run in compare mode, with the epochs next to the
    date (:func:`dashboard.cache.neighbour_epochs`): "Next change" and play
    then find the comparison, and the changed land, ready. Queued on the same
    single worker as :func:`dashboard.cache.warm_epochs`, after it.
    """
    first = start.strftime("%Y-%m-%d")
    for end in ends:
        job = (key, first, end)
        if end <= first:
            continue
        with _WARMING_LOCK:
            if job in _WARMING:
                continue
            _WARMING.add(job)
        cache._WARMER.submit(_warm, dataset, key, first, end)


def compare_script(
    dataset: Dataset,
    key: str,
    start: dt.date,
    end: dt.date,
    *,
    factions: tuple[str, ...] | None,
    shown: set[str],
) -> tuple[str, Comparison]:
    """The script that draws compare mode on the mounted map, after the date's
    script; and the comparison it shows.

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
    """
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    c = comparison(dataset, key, a.strftime("%Y-%m-%d"), b.strftime("%Y-%m-%d"))
    epoch_a, epoch_b = cache.epoch_key(dataset, a), cache.epoch_key(dataset, b)
    before = cache.epoch_payload(dataset, key, epoch_a, factions)
    towns = cache.towns_for_frame(dataset, key)
    change_id, change_data = change_layer(dataset, key, epoch_a, epoch_b, c)
    options = {
        "from": a.strftime("%Y-%m-%d"),
        "to": b.strftime("%Y-%m-%d"),
        "panes": PANES,
        "extent": list(cache.theatre_extent()),
        "shown": sorted(shown),
        "changed": list(c.changes["place_id"]),
        "ring_style": LIVE_CHANGED_RING_STYLE,
        "before": {
            "date": a.strftime("%Y-%m-%d"),
            "legend": None,
            "title": "",
            "shown": [k for k in ("territories", "fronts", "towns", "labels") if k in shown],
            "recent": [],
            "selected": None,
            # The earlier map shows no halo and no selection (both lists empty).
            "recent_style": {k: LIVE_RECENT_STYLE[k] for k in ("radius", "fillColor")},
            "selected_style": {k: LIVE_SELECTED_STYLE[k] for k in ("radius", "fill", "color")},
            "towns": towns.id,
            "keep": FRAME_EPOCHS,
        },
        "before_title": f"Before: {format_date(a)}",
        "before_note": "",
        "after_title": f"After: {format_date(b)}",
        "after_note": f"hatched: changed hands since {format_date(a)}"
        if len(c.land)
        else "no town changed hands",
    }
    script = (
        f"window.__faCompare.show(map_div, {script_json(before.id)}, "
        f"{deferred(before.data)}, {script_json(change_id)}, "
        f"{deferred(change_data)}, {script_json(options)}, {deferred(towns.data)});\n"
    )
    return script, c


# --------------------------------------------------------------------------- panel


_CSS = (
    "<style>"
    ".fa-compare .fa-summary { font-size: .95rem; margin: .2rem 0 .5rem 0; }"
    ".fa-compare .fa-scroll { max-height: 460px; overflow-y: auto; }"
    ".fa-panel.fa-compare ul.fa-changes li { font-size: .78rem; padding: 1px 0; border: none; }"
    ".fa-panel.fa-compare .fa-when { min-width: 0; margin-right: .4rem; }"
    ".fa-compare td { font-size: .82rem; }"
    "</style>"
)


def _chip(code) -> str:
    color = UNKNOWN_COLOR if code in (None, UNKNOWN) else faction_color(code)
    return f"<span class='fa-chip' style='background:{esc(color)}'></span>"


def _holder(code) -> str:
    return f"{_chip(code)}{esc(faction_label(code))}"


def _when(event: dict) -> str:
    return format_date(pd.Timestamp(event["date"]), event.get("date_precision") or "day")


def _events(items: list[dict]) -> str:
    out = []
    for e in items:
        source = link(e.get("source_url"), e.get("source_title") or "source")
        out.append(
            f"<li><span class='fa-when'>{esc(_when(e))}</span>{esc(e['kind'])}: "
            f"{esc(faction_label(e.get('from_faction')))} → "
            f"{esc(faction_label(e.get('to_faction')))} "
            f"<span class='fa-note'>({source})</span></li>"
        )
    return f"<ul class='fa-changes'>{''.join(out)}</ul>"


def _km2(value: float) -> str:
    return "0" if round(value) == 0 else f"{value:+,.0f}"


def comparison_html(c: Comparison) -> str:
    """The change table of a comparison, escaped: the summary, the towns that
    changed hands (from, to, the capture's date, every event between with its
    source), the towns that came back, and the area per faction."""
    rows = []
    for r in c.changes.itertuples(index=False):
        when = (
            format_date(pd.Timestamp(r.date), r.date_precision or "day")
            if not pd.isna(r.date)
            else ""
        )
        source = link(r.source_url, r.source_title or "source") if r.event_id else ""
        rows.append(
            f"<tr data-place='{esc(r.place_id)}'><td><b>{esc(r.name)}</b></td>"
            f"<td>{_holder(r.from_faction)}</td><td>{_holder(r.to_faction)}</td>"
            f"<td>{esc(when)}<div class='fa-note'>{source}</div></td>"
            f"<td>{_events(r.events)}</td></tr>"
        )
    if rows:
        table = (
            "<div class='fa-scroll'><table class='fa-compare-changes'><thead><tr><th>Town</th>"
            "<th>From</th><th>To</th><th>Captured</th><th>Events between, with sources</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    else:
        table = "<p class='fa-note'>No town changed hands between the two dates.</p>"
    back = ""
    if len(c.returned):
        items = []
        for r in c.returned.itertuples(index=False):
            path = " → ".join(faction_label(h) for h in r.path)
            items.append(
                f"<li data-place='{esc(r.place_id)}'><b>{esc(r.name)}</b>: {esc(path)}"
                f"{_events(r.events)}</li>"
            )
        back = (
            "<p class='fa-heading'>Changed hands and came back</p>"
            f"<ul class='fa-changes fa-returned'>{''.join(items)}</ul>"
        )
    area_rows = []
    tiers = c.areas.set_index(["faction", "tier"])
    for r in c.faction_areas().itertuples(index=False):

        def tier(name, r=r):
            k = (r.faction, name)
            return _km2(tiers.loc[k, "change_km2"]) if k in tiers.index else "–"

        area_rows.append(
            f"<tr><td>{_holder(r.faction)}</td><td>{r.from_km2:,.0f}</td><td>{r.to_km2:,.0f}</td>"
            f"<td><b>{esc(_km2(r.change_km2))}</b></td><td>{esc(tier('core'))}</td>"
            f"<td>{esc(tier('nominal'))}</td><td>{r.gained_km2:,.0f} / {r.lost_km2:,.0f}</td></tr>"
        )
    areas = (
        "<p class='fa-heading'>Area per faction (km²)</p>"
        "<table class='fa-compare-areas'><thead><tr><th>Faction</th>"
        f"<th>{esc(format_date(c.start))}</th><th>{esc(format_date(c.end))}</th>"
        "<th>Change</th><th>core</th><th>nominal</th><th>gained / lost</th></tr></thead>"
        f"<tbody>{''.join(area_rows)}</tbody></table>"
        "<div class='fa-note'>Areas on each date are the estimated territories (as in the area "
        "chart); gained and lost are the hatched land of the towns that changed hands.</div>"
    )
    return (
        _CSS + "<div class='fa-panel fa-compare'>"
        f"<p class='fa-heading'>{esc(c.title)}</p>"
        f"<p class='fa-summary'>{esc(c.summary)}</p>{table}{back}{areas}</div>"
    )


def _figure(dataset: Dataset, start: str, end: str, fmt: str) -> bytes:
    # Deferred: matplotlib takes about a second to import, and only this download needs it.
    from geodata.render.compare import render_comparison

    return render_comparison(dataset, compare(dataset, start, end), fmt=fmt)


def _csv(dataset: Dataset, start: str, end: str) -> bytes:
    return changes_csv(compare(dataset, start, end))


def show_compare(dataset: Dataset, c: Comparison) -> None:
    """Place the change table and, while its panel is open, the downloads."""
    st.html(comparison_html(c))
    downloads = st.expander(
        "Download the before/after figure and the change table",
        key="compare_download_open",
        on_change="rerun",
    )
    if not downloads.open:
        return
    start, end = c.start.strftime("%Y-%m-%d"), c.end.strftime("%Y-%m-%d")
    name = f"frontline-compare-{start}-to-{end}"
    with downloads:
        cols = st.columns(4)
        # Made only when clicked (a figure takes seconds); the callables hold
        # plain values, never session state.
        for col, fmt, mime in zip(
            cols[:3],
            ("png", "svg", "pdf"),
            ("image/png", "image/svg+xml", "application/pdf"),
            strict=True,
        ):
            col.download_button(
                f"Figure ({fmt.upper()})",
                data=lambda fmt=fmt: _figure(dataset, start, end, fmt),
                file_name=f"{name}.{fmt}",
                mime=mime,
                key=f"compare_dl_{fmt}",
                on_click="ignore",
                icon=":material/download:",
            )
        cols[3].download_button(
            "Change table (CSV)",
            data=lambda: _csv(dataset, start, end),
            file_name=f"{name}.csv",
            mime="text/csv",
            key="compare_dl_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption(
            "Both maps show Syria and Iraq; the figure lists up to 16 towns, the CSV all of "
            "them with every event between the dates."
        )
