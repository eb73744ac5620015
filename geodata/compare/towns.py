"""The towns that changed hands between two dates, and those that came back."""

from __future__ import annotations

import pandas as pd

from geodata.dataset import Dataset
from geodata.factions import UNKNOWN
from geodata.scene import KEY_PLACES
from geodata.timeline import control_table, events_between

__all__ = ["town_tables"]


def _holder(value):
    return None if value is None or value == UNKNOWN or pd.isna(value) else value


def _text(value):
    return value if isinstance(value, str) else None


def _event_dict(event: dict) -> dict:
    return {
        "event_id": event["event_id"],
        "kind": event["kind"],
        "date": event["date"],
        "date_precision": event.get("date_precision") or "day",
        "from_faction": _text(event.get("from_faction")),
        "to_faction": _text(event.get("to_faction")),
        "source_title": _text(event.get("source_title")),
        "source_url": _text(event.get("source_url")),
    }


_CHANGE_COLUMNS = [
    "place_id",
    "name",
    "country",
    "key",
    "from_faction",
    "to_faction",
    "from_status",
    "to_status",
    "date",
    "date_precision",
    "event_id",
    "source_title",
    "source_url",
    "events",
]


def _cause(dataset: Dataset, captures: list[dict], holder, event_id) -> dict | None:
    """The event that gave a town to its holder at B: the last capture to it."""
    to_new = [e for e in captures if _holder(e.get("to_faction")) == holder]
    cause = (to_new or captures or [None])[-1]
    if cause is None:  # e.g. the start of a period of unknown holder
        found = dataset.events[dataset.events["event_id"] == event_id]
        cause = found.iloc[0].to_dict() if len(found) else None
    return cause


def town_tables(dataset: Dataset, start, end) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The towns that changed hands between ``start`` and ``end``, those that came
    back, and the events in between (:attr:`Comparison.changes`, ``.returned``,
    ``.events``)."""
    before = control_table(dataset, start)
    after = control_table(dataset, end)
    events = events_between(dataset, start + pd.Timedelta(days=1), end)
    places = dataset.places
    names = dict(zip(places["id"], places["name"], strict=True))
    countries = dict(zip(places["id"], places["country"], strict=True))
    by_place: dict[str, list[dict]] = {}
    for event in events.to_dict("records"):
        by_place.setdefault(event["place_id"], []).append(event)

    old = [_holder(v) for v in before["controller"]]
    new = [_holder(v) for v in after["controller"]]
    rows, returned = [], []
    for i, pid in enumerate(before["id"]):
        history = by_place.get(pid, [])
        captures = [e for e in history if e["kind"] == "capture"]
        if old[i] != new[i]:
            cause = _cause(dataset, captures, new[i], after["event_id"].iloc[i])
            rows.append(
                {
                    "place_id": pid,
                    "name": names.get(pid, pid),
                    "country": countries.get(pid),
                    "key": pid in KEY_PLACES,
                    "from_faction": old[i],
                    "to_faction": new[i],
                    "from_status": before["status"].iloc[i],
                    "to_status": after["status"].iloc[i],
                    "date": cause["date"] if cause else pd.NaT,
                    "date_precision": (cause.get("date_precision") or "day") if cause else None,
                    "event_id": cause["event_id"] if cause else None,
                    "source_title": _text(cause.get("source_title")) if cause else None,
                    "source_url": _text(cause.get("source_url")) if cause else None,
                    "events": [_event_dict(e) for e in history],
                }
            )
        elif captures:
            path = [old[i]]
            for e in captures:
                holder = _holder(e.get("to_faction"))
                if holder != path[-1]:
                    path.append(holder)
            if len(path) > 1:
                returned.append(
                    {
                        "place_id": pid,
                        "name": names.get(pid, pid),
                        "holder": old[i],
                        "path": tuple(path),
                        "events": [_event_dict(e) for e in captures],
                    }
                )
    changes = pd.DataFrame(rows, columns=_CHANGE_COLUMNS)
    changes["date"] = pd.to_datetime(changes["date"])
    changes = changes.sort_values(["date", "name"], kind="stable", na_position="last")
    returned_frame = pd.DataFrame(
        returned, columns=["place_id", "name", "holder", "path", "events"]
    ).sort_values("name", kind="stable")
    return changes.reset_index(drop=True), returned_frame.reset_index(drop=True), events
