"""Side panels: a place's history, the key places at a date, what changed.

The ``*_html`` functions are pure (data in, escaped HTML out) and are what
the tests exercise; :func:`show_place`, :func:`show_key_places` and
:func:`show_changes` place them on the page.
"""

from __future__ import annotations

import string

import pandas as pd
import streamlit as st

from geodata.dataset import Dataset
from geodata.describe import describe_event, event_when, holder_text
from geodata.events import format_date
from geodata.factions import faction_color
from geodata.scene import KEY_PLACES
from geodata.style import LIVE_PANELS

from .safe import esc, link

__all__ = [
    "changes_around",
    "place_html",
    "key_places_html",
    "changes_html",
    "inject_css",
    "show_place",
    "show_key_places",
    "show_changes",
]

# Colours: geodata.style.LIVE_PANELS (a string.Template: CSS is full of braces).
_CSS = string.Template("""
<style>
.fa-panel { font-size: 0.9rem; line-height: 1.4; }
.fa-panel p.fa-heading { font-weight: 600; font-size: 1rem; margin: .6rem 0 .3rem 0; }
.fa-panel h3 { margin: 0 0 .2rem 0; font-size: 1.35rem; }
.fa-panel .fa-ar { font-size: 1.2rem; margin-left: .5rem; color: ${sub}; }
.fa-panel .fa-holder { margin: .3rem 0 .6rem 0; }
.fa-panel table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
.fa-panel th, .fa-panel td { text-align: left; vertical-align: top; padding: 3px 6px;
  border-bottom: 1px solid ${rule}; }
.fa-panel .fa-note { color: ${note}; font-size: .8rem; }
.fa-panel .fa-current { background: ${current}; }
.fa-chip { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  margin-right: .35rem; vertical-align: -1px; border: 1px solid ${chip_border}; }
.fa-panel ul.fa-changes { list-style: none; padding-left: 0; margin: 0; }
.fa-panel ul.fa-changes li { padding: 3px 0; border-bottom: 1px solid ${rule_light}; }
.fa-panel li.fa-now { font-weight: 700; color: ${now}; border-bottom: 2px solid ${now}; }
.fa-panel .fa-when { display: inline-block; min-width: 8.5rem; color: ${sub}; }
</style>
""").substitute(LIVE_PANELS)


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _chip(code) -> str:
    return f"<span class='fa-chip' style='background:{esc(faction_color(code))}'></span>"


def _holder(row) -> str:
    return holder_text(
        row["controller"], row["status"], row["contested_by"], row["since"], row["since_precision"]
    )


def _row_at(state: pd.DataFrame, place_id: str):
    hit = state[state["id"] == place_id]
    return None if hit.empty else hit.iloc[0]


def place_html(dataset: Dataset, place_id: str, state: pd.DataFrame, date) -> str:
    """A place's names, holder at ``date`` and whole control history, with sources.

    Parameters
    ----------
    dataset : Dataset
    place_id : str
    state : pandas.DataFrame
        :func:`geodata.timeline.control_at` at ``date``.
    date : datetime-like
        The chosen date; the event in force is highlighted.
    """
    place = dataset.place(place_id)
    row = _row_at(state, place_id)
    arabic = _text(place.get("name_ar"))
    country = {"SY": "Syria", "IQ": "Iraq"}.get(place["country"], _text(place["country"]))
    where = ", ".join(p for p in (_text(place.get("governorate")), country) if p)
    heading = esc(place["name"])
    if arabic:
        heading += f"<span class='fa-ar' lang='ar' dir='rtl'>{esc(arabic)}</span>"
    holder = "No data"
    chip = ""
    if row is not None:
        holder = _holder(row)
        chip = _chip(row["controller"]) if _text(row["controller"]) else ""
    rows = []
    current_event = row["event_id"] if row is not None else None
    events = dataset.events[dataset.events["place_id"] == place_id]
    for event in events.to_dict("records"):
        note, certainty = _text(event.get("note")), _text(event.get("certainty"))
        what = esc(describe_event(event, place["name"]))
        if note:
            what += f"<div class='fa-note'>{esc(note)}</div>"
        source = link(event.get("source_url"), _text(event.get("source_title")) or "source")
        if certainty:
            source += f"<div class='fa-note'>certainty: {esc(certainty)}</div>"
        current = " class='fa-current'" if event["event_id"] == current_event else ""
        rows.append(
            f"<tr{current}><td>{esc(event_when(event))}</td><td>{what}</td><td>{source}</td></tr>"
        )
    return (
        "<div class='fa-panel fa-place'>"
        f"<h3>{heading}</h3><div class='fa-note'>{esc(where)}</div>"
        f"<div class='fa-holder'>On {esc(format_date(pd.Timestamp(date)))}: "
        f"{chip}<b>{esc(holder)}</b></div>"
        "<table><thead><tr><th>Date</th><th>What happened</th><th>Source</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def key_places_html(state: pd.DataFrame, date, *, places=KEY_PLACES) -> str:
    """A table of who holds the key places at ``date``."""
    rows = []
    # One lookup for all of them: a boolean filter of the GeoDataFrame per
    # place cost most of this panel's time on every slider step.
    by_id = state.drop(columns="geometry", errors="ignore").set_index("id", drop=False)
    for pid in places:
        if pid not in by_id.index:
            continue
        row = by_id.loc[pid]
        chip = _chip(row["controller"]) if isinstance(row["controller"], str) else ""
        rows.append(
            f"<tr data-place='{esc(pid)}'><td>{esc(row['name'])}</td>"
            f"<td>{chip}{esc(_holder(row))}</td></tr>"
        )
    return (
        "<div class='fa-panel fa-keyplaces'><p class='fa-heading'>Key places</p>"
        "<table><thead><tr><th>Place</th>"
        f"<th>Held on {esc(format_date(pd.Timestamp(date)))}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def changes_around(log: pd.DataFrame, date, *, before: int = 6, after: int = 4):
    """The last ``before`` changes up to ``date`` and the next ``after`` ones.

    ``log`` is :func:`geodata.history.change_log`, oldest first: a binary
    search finds the date (a filter of the whole log took milliseconds on
    every slider step).
    """
    i = int(log["when"].searchsorted(pd.Timestamp(date), side="right"))
    return log.iloc[max(i - before, 0) : i], log.iloc[i : i + after]


def changes_html(log: pd.DataFrame, date, *, before: int = 6, after: int = 4) -> str:
    """The "what changed" list around ``date``, each change with its source."""
    past, future = changes_around(log, date, before=before, after=after)

    def item(change) -> str:
        source = link(change["source_url"], change["source_title"] or "source")
        return (
            f"<li><span class='fa-when'>{esc(change['when_text'])}</span>"
            f"{esc(change['text'])} <span class='fa-note'>({source})</span></li>"
        )

    now = f"<li class='fa-now'>▲ before · {esc(format_date(pd.Timestamp(date)))} · after ▼</li>"
    body = "".join(item(c) for c in past.to_dict("records")) + now
    body += "".join(item(c) for c in future.to_dict("records"))
    return (
        "<div class='fa-panel fa-changelist'><p class='fa-heading'>What changed around this "
        f"date</p><ul class='fa-changes'>{body}</ul></div>"
    )


def inject_css() -> None:
    """Add the panels' styles to the page (a style-only block takes no space).

    Called outside the fragment that redraws the panels: the block stays on
    the page while the date moves, instead of being sent with every step.
    """
    st.html(_CSS)


def show_place(dataset: Dataset, place_id: str | None, state: pd.DataFrame, date) -> None:
    """Place the history panel of ``place_id`` (or a hint when none is selected)."""
    if place_id is None:
        st.info("Click a town on the map, or search a place, to see its whole history.")
        return
    st.html(place_html(dataset, place_id, state, date))


def show_key_places(state: pd.DataFrame, date) -> None:
    """Place the table of the key places' holders."""
    st.html(key_places_html(state, date))


def show_changes(log: pd.DataFrame, date) -> None:
    """Place the "what changed" list."""
    st.html(changes_html(log, date))
