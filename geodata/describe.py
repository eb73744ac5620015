"""Plain-text wording of factions, events and control, shared by map and panels.

Everything here returns *unescaped* text: callers escape it with
:func:`dashboard.safe.esc` when it goes into HTML.
"""

from __future__ import annotations

import pandas as pd

from geodata.events import format_date
from geodata.factions import FACTIONS
from geodata.values import text_or_empty

__all__ = [
    "faction_name",
    "event_when",
    "describe_event",
    "holder_text",
]


def faction_name(code) -> str:
    """Display name of a faction code (the code itself when unknown, "" for none).

    Examples
    --------
    >>> faction_name("SDF")
    'SDF / YPG'
    """
    code = text_or_empty(code)
    if code == "UNKNOWN":  # a period when no source says who held the place
        return "an unknown holder"
    return FACTIONS[code].name if code in FACTIONS else code


def event_when(event) -> str:
    """Date of an event at its precision; a contest with an end gives a range.

    Examples
    --------
    >>> import pandas as pd
    >>> event_when({"kind": "contest", "date": pd.Timestamp("2015-05-13"),
    ...             "date_precision": "day", "end_date": pd.Timestamp("2015-05-26"),
    ...             "end_precision": "day"})
    '13 May 2015 – 26 May 2015'
    """
    start = format_date(event["date"], text_or_empty(event.get("date_precision")) or "day")
    end = event.get("end_date")
    if event.get("kind") == "contest" and end is not None and not pd.isna(end):
        return f"{start} – {format_date(end, text_or_empty(event.get('end_precision')) or 'day')}"
    return start


def describe_event(event, place_name: str) -> str:
    """One sentence saying what an event did to a place.

    Parameters
    ----------
    event : mapping
        A row of ``Dataset.events`` (``kind``, ``from_faction``, ``to_faction``, ``note``).
    place_name : str

    Examples
    --------
    >>> describe_event({"kind": "capture", "from_faction": "ISIS",
    ...                 "to_faction": "SYGOV"}, "Palmyra")
    'Syrian government took Palmyra from Islamic State (ISIS)'
    """
    kind = text_or_empty(event.get("kind"))
    old, new = faction_name(event.get("from_faction")), faction_name(event.get("to_faction"))
    if kind == "initial":
        return f"{place_name} held by {new}"
    if kind == "capture":
        return f"{new} took {place_name} from {old}" if old else f"{new} took {place_name}"
    if kind == "contest":
        return (
            f"{new} attacked {place_name}, held by {old}" if old else f"Fighting for {place_name}"
        )
    note = text_or_empty(event.get("note"))
    first = note.split(". ")[0].rstrip(".")
    return f"{place_name}: {first}" if first else f"{place_name}: milestone"


def holder_text(controller, status, contested_by, since, since_precision) -> str:
    """Who holds a place and since when, e.g. "Syrian government since 27 March 2016".

    Examples
    --------
    >>> import pandas as pd
    >>> holder_text("ISIS", "contested", "SDF", pd.Timestamp("2017-06-06"), "day")
    'Islamic State (ISIS), contested by SDF / YPG since 6 June 2017'
    """
    if text_or_empty(status) == "unknown" or not text_or_empty(controller):
        return "No data at this date"
    when = format_date(since, text_or_empty(since_precision) or "day") if since is not None else ""
    holder = faction_name(controller)
    if text_or_empty(status) == "contested" and text_or_empty(contested_by):
        holder += f", contested by {faction_name(contested_by)}"
    return f"{holder} since {when}" if when else holder
