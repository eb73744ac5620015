"""Check a claim against the data at its date, within the claim's precision.

* ``agrees``: an event of the data says the same in the claim's span (a
  capture by the same side, the place held or contested as said); the
  verdict names that event and its source.
* ``disagrees``: the data says otherwise in that span; the verdict says
  what, with the event and source behind it.
* ``not-in-data``: the place has no events in the data, or the data does
  not know who held it then.
* ``unclear``: the claim has no date or no side to compare, or the data is
  close but not the same (a capture a few days outside the span, a place
  contested where the claim says held).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from geodata.dataset import Dataset
from geodata.events import format_date
from geodata.factions import FACTIONS, UNKNOWN
from geodata.reader.claims import Claim
from geodata.reader.dates import Span

__all__ = ["Verdict", "check_claim", "NEAR_DAYS"]

#: A capture this many days outside a claim's span is "close" (unclear), not a disagreement.
NEAR_DAYS = 14


@dataclass
class Verdict:
    verdict: str
    event_id: str | None
    note: str
    source_title: str | None = None
    source_url: str | None = None


def _name(code) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)) or code == "":
        return "nobody"
    if code == UNKNOWN:
        return "an unknown holder"
    faction = FACTIONS.get(code)
    return faction.name if faction else str(code)


def _event_span(row) -> tuple[dt.date, dt.date]:
    date = row["date"].date()
    precision = row.get("date_precision") or "day"
    if precision == "month":
        s = Span.month(date.year, date.month)
        return s.start, s.end
    if precision == "year":
        return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
    return date, date


def _source(row) -> tuple[str | None, str | None]:
    title = row.get("source_title")
    url = row.get("source_url")
    title = None if title is None or pd.isna(title) or not str(title).strip() else str(title)
    url = None if url is None or pd.isna(url) or not str(url).strip() else str(url)
    return title, url


def source_text(title: str | None, url: str | None) -> str:
    """``Source: title <url>`` for a note ("" when there is neither)."""
    if not title and not url:
        return ""
    return f"Source: {title or url}" + (f" <{url}>" if url and title else "")


def _state(events: pd.DataFrame, day: dt.date) -> dict:
    """Holder and contest of one place on a day, from its own events."""
    stamp = pd.Timestamp(day)
    holder = holder_row = None
    contest_row = None
    for _, row in events.iterrows():
        if row["date"] > stamp:
            break
        if row["kind"] in ("initial", "capture"):
            holder, holder_row = row["to_faction"], row
            contest_row = None if row["kind"] == "capture" else contest_row
        elif row["kind"] == "contest":
            end = row.get("end_date")
            if end is None or pd.isna(end) or end > stamp:
                contest_row = row
            else:
                contest_row = None
    if contest_row is not None:
        end = contest_row.get("end_date")
        if end is not None and not pd.isna(end) and end <= stamp:
            contest_row = None
    if holder == UNKNOWN:
        holder = None
    other = None
    if contest_row is not None:
        a, b = contest_row["to_faction"], contest_row["from_faction"]
        other = b if holder == a else a
    return {"holder": holder, "row": holder_row, "contest": contest_row, "other": other}


def _describe(state: dict, day: dt.date) -> tuple[str, str | None, dict | None]:
    if state["holder"] is None:
        return f"our data does not know who held it on {format_date(pd.Timestamp(day))}", None, None
    row = state["row"]
    since = format_date(row["date"], row.get("date_precision"))
    text = f"our data: held by {_name(state['holder'])} (since {since})"
    if state["contest"] is not None:
        text += f", contested by {_name(state['other'])}"
        row = state["contest"]
    return text + f" on {format_date(pd.Timestamp(day))}", row["event_id"], row


def _verdict(kind: str, row, note: str) -> Verdict:
    title, url = _source(row) if row is not None else (None, None)
    event_id = None if row is None else str(row["event_id"])
    return Verdict(kind, event_id, note, title, url)


def _held_through_fighting(claim: Claim, events, lo: dt.date, hi: dt.date) -> Verdict | None:
    """A siege or battle against the claimed side that ended then, the place held
    by that side throughout (Kobani, January 2015): the claim agrees."""
    near = dt.timedelta(days=NEAR_DAYS)
    for _, row in events.iterrows():
        end = row.get("end_date")
        if row["kind"] != "contest" or end is None or pd.isna(end):
            continue
        if not (lo - near <= end.date() <= hi + near):
            continue
        after = _state(events, end.date())
        if (
            claim.controller
            and after["holder"] == claim.controller
            and (not claim.previous or claim.previous in (row["to_faction"], row["from_faction"]))
        ):
            enemy = (
                row["to_faction"] if row["to_faction"] != after["holder"] else row["from_faction"]
            )
            return _verdict(
                "agrees",
                row,
                f"our data: {_name(after['holder'])} held it through the fighting against "
                f"{_name(enemy)}, "
                f"which ended on {format_date(end, row.get('end_precision'))}.",
            )
    return None


def _check_change(claim: Claim, events, changes, states, window) -> Verdict:
    """A capture or a loss: a change of the same sides in the window, or near it."""
    lo, hi = window

    def same(row) -> bool:
        if claim.controller and row["to_faction"] != claim.controller:
            return False
        return not (claim.previous and row["from_faction"] != claim.previous)

    def when(row) -> str:
        return format_date(row["date"], row.get("date_precision"))

    for row, (s, e) in changes:
        if same(row) and s <= hi and e >= lo:
            return _verdict(
                "agrees",
                row,
                f"our data: {_name(row['to_faction'])} took it from "
                f"{_name(row['from_faction'])} on {when(row)}.",
            )
    held = _held_through_fighting(claim, events, lo, hi)
    if held is not None:
        return held
    near = [
        (row, s)
        for row, (s, e) in changes
        if same(row)
        and (lo - dt.timedelta(days=NEAR_DAYS) <= e and s <= hi + dt.timedelta(days=NEAR_DAYS))
    ]
    if near:
        row, s = near[0]
        return _verdict(
            "unclear",
            row,
            f"our data has this change on {when(row)}, outside the claim's date ({claim.span}).",
        )
    text, _eid, row = _describe(states[-1][1], hi)
    return _verdict("disagrees", row, text + ".")


def _check_held(claim: Claim, states, hi: dt.date) -> Verdict:
    """A claim that a side holds the place: held by it on some day of the window."""
    if not claim.controller:
        return Verdict("unclear", None, "the text does not say who holds it")
    for d, st in states:
        if st["holder"] == claim.controller:
            text, _eid, row = _describe(st, d)
            if st["contest"] is not None:
                return _verdict("agrees", row, text + " (held, though contested).")
            return _verdict("agrees", st["row"], text + ".")
    for d, st in states:
        if st["other"] == claim.controller:
            text, _eid, row = _describe(st, d)
            return _verdict("unclear", row, text + ": contested, not held.")
    text, _eid, row = _describe(states[-1][1], hi)
    return _verdict("disagrees", row, text + ".")


def _check_contested(claim: Claim, changes, states, window) -> Verdict:
    """A claim of fighting: a contest in the window, or a capture that ended it."""
    lo, hi = window
    for d, st in states:
        if st["contest"] is not None and (
            not claim.controller or claim.controller in (st["holder"], st["other"])
        ):
            text, _eid, row = _describe(st, d)
            return _verdict("agrees", row, text + ".")
    for row, (s, e) in changes:
        if (not claim.controller or row["to_faction"] == claim.controller) and s <= hi and e >= lo:
            return _verdict(
                "agrees",
                row,
                f"our data: {_name(row['to_faction'])} took it from {_name(row['from_faction'])} "
                f"on {format_date(row['date'], row.get('date_precision'))} "
                "(the fighting ended then).",
            )
    if all(st["holder"] is None for _, st in states):
        return Verdict("not-in-data", None, _describe(states[-1][1], hi)[0])
    text, _eid, row = _describe(states[-1][1], hi)
    if claim.controller and all(st["holder"] == claim.controller for _, st in states):
        return _verdict("unclear", row, text + "; no fighting recorded then.")
    return _verdict("disagrees", row, text + "; no fighting recorded then.")


def check_claim(claim: Claim, dataset: Dataset, *, published: dt.date | None) -> Verdict:
    """Compare one claim with the data (see the module's docstring)."""
    known = set(dataset.places["id"])
    if claim.place_id not in known:
        return Verdict("not-in-data", None, "this place has no events in our data")
    if claim.span is None:
        return Verdict(
            "unclear", None, "no date in the text and no publication date to check against"
        )
    span = claim.span
    if not span.stated and claim.kind in ("capture", "loss", "contested"):
        # No date in the text: the claim is about something up to the report's date.
        window = (span.end - dt.timedelta(days=365), span.end)
    else:
        window = (span.start, span.end)
    events = dataset.events[dataset.events["place_id"] == claim.place_id]
    lo, hi = window
    changes = [(row, _event_span(row)) for _, row in events.iterrows() if row["kind"] == "capture"]
    inside = {r["date"].date() for _, r in events.iterrows() if lo <= r["date"].date() <= hi}
    days = sorted({lo, hi, *inside})
    states = [(d, _state(events, d)) for d in days]
    if all(st["holder"] is None for _, st in states) and claim.kind != "contested":
        return Verdict("not-in-data", None, _describe(states[-1][1], hi)[0])
    if claim.kind in ("capture", "loss"):
        return _check_change(claim, events, changes, states, window)
    if claim.kind == "held":
        return _check_held(claim, states, hi)
    return _check_contested(claim, changes, states, window)
