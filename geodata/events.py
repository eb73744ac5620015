"""The event model: what a row of the control-change table means.

An event says: at a date (known to a day, a month or a year), a place passed
from one faction to another, according to a cited source. Four kinds exist:

``initial``
    The holder of a place at the start of the timeline (``from_faction`` empty).
``capture``
    Control passes from ``from_faction`` to ``to_faction`` on ``date``.
``contest``
    A battle or siege: from ``date`` to ``end_date`` (empty: until the place's
    next capture) the place is contested between its holder (``from_faction``
    at the start) and a challenger (``to_faction``).
``milestone``
    A dated, sourced point in a battle that changes nothing on the map
    (for example the declaration that eastern Mosul was retaken).
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "TIMELINE_START",
    "TIMELINE_END",
    "EVENT_COLUMNS",
    "PLACE_COLUMNS",
    "KINDS",
    "CONTROL_KINDS",
    "PRECISIONS",
    "CERTAINTIES",
    "KIND_ORDER",
    "sort_events",
    "format_date",
]

TIMELINE_START = pd.Timestamp("2012-01-01")
TIMELINE_END = pd.Timestamp("2019-12-31")

PLACE_COLUMNS = (
    "id",
    "name",
    "name_ar",
    "aliases",
    "lat",
    "lon",
    "country",
    "governorate",
    "coord_source",
)

EVENT_COLUMNS = (
    "event_id",
    "place_id",
    "kind",
    "date",
    "date_precision",
    "end_date",
    "end_precision",
    "from_faction",
    "to_faction",
    "certainty",
    "source_title",
    "source_url",
    "note",
)

KINDS = ("initial", "capture", "contest", "milestone")
CONTROL_KINDS = ("initial", "capture")
PRECISIONS = ("day", "month", "year")
CERTAINTIES = ("high", "medium", "low")

# Within one place and one date, apply events in this order: the holder at the
# start first, then a change of hands, then the start of a new contest.
KIND_ORDER = {"initial": 0, "capture": 1, "contest": 2, "milestone": 3}


def sort_events(events: pd.DataFrame) -> pd.DataFrame:
    """Return events ordered by place, date and kind (stable for ties).

    Parameters
    ----------
    events : pandas.DataFrame
        Events with at least ``place_id``, ``date`` and ``kind``.

    Returns
    -------
    pandas.DataFrame
        A sorted copy with a fresh ``RangeIndex``.
    """
    order = events["kind"].map(KIND_ORDER).fillna(9)
    return (
        events.assign(_order=order)
        .sort_values(["place_id", "date", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def format_date(date: pd.Timestamp | None, precision: str | None = "day") -> str:
    """Format a date at the precision it is known to.

    Examples
    --------
    >>> format_date(pd.Timestamp("2015-05-01"), "month")
    'May 2015'
    >>> format_date(pd.Timestamp("2016-03-27"))
    '27 March 2016'
    """
    if date is None or pd.isna(date):
        return ""
    if precision == "year":
        return f"{date.year}"
    if precision == "month":
        return date.strftime("%B %Y")
    return f"{date.day} {date.strftime('%B %Y')}"
