"""A comparison as JSON-ready data and as a CSV change table."""

from __future__ import annotations

import csv
import io

import pandas as pd

from geodata.safety import neutralise_csv_cell
from geodata.territory import TIERS
from geodata.values import or_none

from .phrases import faction_label
from .result import Comparison

__all__ = ["comparison_json", "changes_csv", "CSV_COLUMNS"]


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def comparison_json(c: Comparison) -> dict:
    """The comparison as JSON-ready data (what ``frontline compare --json`` prints).

    ``{"from", "to", "summary", "changes": [{"place_id", "name", "from", "to",
    "date", "event_id", "source_url", ...}], "returned": [...], "areas":
    [{"faction", "from_km2", "to_km2", "change_km2", "gained_km2",
    "lost_km2", "tiers": {"core": {...}, "nominal": {...}}}]}``; a holder is
    a faction code, or null when no holder is known.
    """

    def events(items):
        return [
            {**{k: or_none(v) for k, v in e.items() if k != "date"}, "date": _iso(e["date"])}
            for e in items
        ]

    changes = [
        {
            "place_id": r.place_id,
            "name": r.name,
            "from": or_none(r.from_faction),
            "to": or_none(r.to_faction),
            "date": _iso(r.date),
            "date_precision": or_none(r.date_precision),
            "event_id": or_none(r.event_id),
            "source_title": or_none(r.source_title),
            "source_url": or_none(r.source_url),
            "events": events(r.events),
        }
        for r in c.changes.itertuples(index=False)
    ]
    returned = [
        {
            "place_id": r.place_id,
            "name": r.name,
            "holder": or_none(r.holder),
            "path": [or_none(h) for h in r.path],
            "events": events(r.events),
        }
        for r in c.returned.itertuples(index=False)
    ]
    areas = []
    numbers = ["from_km2", "to_km2", "change_km2", "gained_km2", "lost_km2"]
    for faction, group in c.areas.groupby("faction", sort=False):
        rows = {r["tier"]: r for r in group.to_dict("records")}
        total = rows["total"]
        areas.append(
            {
                "faction": faction,
                **{k: total[k] for k in numbers},
                "tiers": {t: {k: rows[t][k] for k in numbers} for t in TIERS if t in rows},
            }
        )
    return {
        "from": _iso(c.start),
        "to": _iso(c.end),
        "summary": c.summary,
        "changes": changes,
        "returned": returned,
        "areas": areas,
    }


#: Columns of :func:`changes_csv`.
CSV_COLUMNS = (
    "change",
    "place_id",
    "name",
    "from",
    "from_name",
    "to",
    "to_name",
    "date",
    "date_precision",
    "event_id",
    "source_title",
    "source_url",
    "events",
)


def changes_csv(c: Comparison) -> bytes:
    """The change table as CSV: towns that changed hands, then towns that came back.

    ``change`` is ``changed`` or ``came back`` (``from``/``to`` are then the
    holder at both dates, ``events`` the captures in between). ``events``
    lists every event between the dates as ``date event_id``, separated by
    ``; ``. UTF-8 with a byte-order mark, CRLF line ends; text cells a
    spreadsheet would run as a formula are prefixed with ``'``.
    """

    def listed(items) -> str:
        return "; ".join(f"{_iso(e['date'])} {e['event_id']}" for e in items)

    rows = []
    for r in c.changes.itertuples(index=False):
        rows.append(
            [
                "changed",
                r.place_id,
                r.name,
                r.from_faction or "",
                faction_label(r.from_faction),
                r.to_faction or "",
                faction_label(r.to_faction),
                _iso(r.date) or "",
                r.date_precision or "",
                r.event_id or "",
                r.source_title or "",
                r.source_url or "",
                listed(r.events),
            ]
        )
    for r in c.returned.itertuples(index=False):
        last = r.events[-1] if r.events else {}
        rows.append(
            [
                "came back",
                r.place_id,
                r.name,
                r.holder or "",
                faction_label(r.holder),
                r.holder or "",
                faction_label(r.holder),
                _iso(last.get("date")) or "",
                last.get("date_precision") or "",
                last.get("event_id") or "",
                last.get("source_title") or "",
                last.get("source_url") or "",
                listed(r.events),
            ]
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([neutralise_csv_cell(str(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
