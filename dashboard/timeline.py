"""The date slider, previous/next change buttons, and play/pause.

Playing reruns the main fragment every :data:`PLAY_INTERVAL` seconds
(``st.fragment(run_every=...)``, set by :mod:`dashboard.app`); each timed run
steps the date by the chosen speed before the slider is drawn, so the map
frame updates in place and the page never reloads.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time

import pandas as pd
import streamlit as st

from geodata.events import format_date

__all__ = [
    "PLAY_INTERVAL",
    "SPEEDS",
    "previous_change",
    "next_change",
    "step",
    "advance_if_due",
    "timeline_controls",
]

PLAY_INTERVAL = 1.2  # seconds between frames while playing
SPEEDS = {"event": "Next change", "week": "1 week", "month": "1 month"}


def previous_change(changes: list[dt.date], date: dt.date) -> dt.date | None:
    """The last change strictly before ``date`` (None if there is none).

    Examples
    --------
    >>> import datetime as dt
    >>> days = [dt.date(2015, 5, 20), dt.date(2016, 3, 27)]
    >>> previous_change(days, dt.date(2016, 3, 27))
    datetime.date(2015, 5, 20)
    """
    i = bisect.bisect_left(changes, date)
    return changes[i - 1] if i > 0 else None


def next_change(changes: list[dt.date], date: dt.date) -> dt.date | None:
    """The first change strictly after ``date`` (None if there is none)."""
    i = bisect.bisect_right(changes, date)
    return changes[i] if i < len(changes) else None


def step(changes: list[dt.date], date: dt.date, speed: str, last: dt.date) -> dt.date | None:
    """The next frame of a replay from ``date``, or None at the end.

    Parameters
    ----------
    changes : list of datetime.date
        Sorted change dates.
    date : datetime.date
    speed : {"event", "week", "month"}
    last : datetime.date
        Last day of the timeline.
    """
    if speed == "event":
        nxt = next_change(changes, date)
    elif speed == "week":
        nxt = date + dt.timedelta(days=7)
    elif speed == "month":
        nxt = (pd.Timestamp(date) + pd.DateOffset(months=1)).date()
    else:
        raise ValueError(f"expected a speed in {sorted(SPEEDS)}, got {speed!r}")
    if date >= last or nxt is None:
        return None
    return min(nxt, last)


def _set_date(value: dt.date | None) -> None:
    if value is not None:
        st.session_state["date"] = value


def advance_if_due(changes: list[dt.date], last: dt.date) -> None:
    """While playing, step the date once per interval (call before the slider).

    A rerun caused by the user (moving the slider, clicking a town) comes
    between two ticks and does not step.
    """
    ss = st.session_state
    if not ss.get("playing"):
        return
    now = time.monotonic()
    if now - ss.get("_last_tick", 0.0) < PLAY_INTERVAL * 0.75:
        return
    ss["_last_tick"] = now
    nxt = step(changes, ss["date"], ss.get("speed", "event"), last)
    if nxt is None:
        ss["playing"] = False
        st.rerun()  # a full rerun, to stop the fragment's timer
    else:
        ss["date"] = nxt


def _toggle_play() -> None:
    ss = st.session_state
    ss["playing"] = not ss.get("playing")
    ss["_last_tick"] = time.monotonic()


def _change_button(
    column, label: str, key: str, icon: str, day: dt.date | None, *, none_help: str
) -> None:
    """A button that jumps to ``day``, the previous or next change; disabled (and
    saying ``none_help``) when there is none."""
    column.button(
        label,
        key=key,
        icon=f":material/{icon}:",
        on_click=_set_date,
        args=(day,),
        disabled=day is None,
        help=f"Go to {format_date(pd.Timestamp(day))}" if day else none_help,
        width="stretch",
    )


def timeline_controls(changes: list[dt.date], first: dt.date, last: dt.date) -> dt.date:
    """Draw the slider and buttons; return the chosen date."""
    ss = st.session_state
    st.slider(
        "Date",
        min_value=first,
        max_value=last,
        step=dt.timedelta(days=1),
        format="D MMM YYYY",
        key="date",
        help="Drag, or focus the slider and use the arrow keys (one day per press).",
    )
    date = ss["date"]
    prev_day, next_day = previous_change(changes, date), next_change(changes, date)
    cols = st.columns([1.25, 1.25, 1, 1.4, 3], vertical_alignment="bottom")
    _change_button(
        cols[0],
        "Previous change",
        "prev_change",
        "skip_previous",
        prev_day,
        none_help="No earlier change",
    )
    _change_button(
        cols[1], "Next change", "next_change", "skip_next", next_day, none_help="No later change"
    )
    playing = bool(ss.get("playing"))
    if cols[2].button(
        "Pause" if playing else "Play",
        key="play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        type="primary",
        width="stretch",
        help="Replay the timeline from the chosen date",
    ):
        _toggle_play()
        st.rerun()  # a full rerun (re)starts or stops the fragment's timer
    cols[3].selectbox(
        "Step",
        options=list(SPEEDS),
        format_func=SPEEDS.get,
        key="speed",
        help="How far each frame of the replay moves the date",
    )
    cols[4].markdown(
        f"**{format_date(pd.Timestamp(date))}**"
        + (f" · next change {format_date(pd.Timestamp(next_day))}" if next_day else "")
    )
    return date
