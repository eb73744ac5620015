"""The text of the before/after figure's tables.

Towns that changed hands, towns that came back, area per faction (drawn by
:mod:`geodata.render.compare`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

from geodata.compare import Comparison, faction_label
from geodata.events import format_date
from geodata.scene import KEY_PLACES

__all__ = ["MAX_TABLE_ROWS"]

#: Towns listed in the figure's change table; the CSV has them all.
MAX_TABLE_ROWS = 16


def _domain(url) -> str:
    """The host of a source's URL, without "www." ("" when there is none)."""
    if not isinstance(url, str):
        return ""
    host = urlsplit(url.strip()).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _clip(text, n: int) -> str:
    """``text`` cut to ``n`` characters with an ellipsis ("" when missing)."""
    text = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _shown_changes(c: Comparison) -> pd.DataFrame:
    """The changes the figure lists: all of them, or when there are more than
    :data:`MAX_TABLE_ROWS`, the key places and then the towns that took the
    most land with them, in date order (the CSV has them all)."""
    changes = c.changes
    if len(changes) <= MAX_TABLE_ROWS:
        return changes
    area = changes["area_km2"] if "area_km2" in changes else pd.Series(0.0, index=changes.index)
    rank = changes.assign(_area=area.fillna(0.0)).sort_values(
        ["key", "_area"], ascending=[False, False], kind="stable"
    )
    return changes.loc[sorted(rank.index[:MAX_TABLE_ROWS])]


def _change_rows(c: Comparison) -> tuple[list[list[str]], int]:
    """The change table's rows, and how many changes it leaves out."""
    rows = []
    for r in _shown_changes(c).itertuples(index=False):
        when = format_date(r.date, r.date_precision or "day") if not pd.isna(r.date) else ""
        rows.append(
            [
                _clip(r.name, 24),
                _clip(faction_label(r.from_faction), 24),
                _clip(faction_label(r.to_faction), 24),
                when,
                _clip(_domain(r.source_url) or r.source_title or "", 30),
            ]
        )
    return rows, len(c.changes) - len(rows)


def _returned_lines(c: Comparison) -> list[str]:
    """One line per town that changed hands and came back (at most six, the key
    places first: with dense data a year has more than six)."""
    lines = []
    returned = c.returned.assign(_key=c.returned["place_id"].isin(KEY_PLACES))
    returned = returned.sort_values("_key", ascending=False, kind="stable")
    for r in returned.itertuples(index=False):
        path = " → ".join(faction_label(h) for h in r.path)
        dates = ", ".join(format_date(e["date"], e["date_precision"]) for e in r.events)
        lines.append(_clip(f"{r.name}: {path} ({dates})", 110))
    return lines[:6]


def _signed(km2: float) -> str:
    """An area change with its sign ("0" when it rounds to nothing)."""
    return "0" if round(km2) == 0 else f"{km2:+,.0f}"


def _short(date) -> str:
    """A date as "27 Mar 2016"."""
    return f"{date.day} {date.strftime('%b %Y')}"


def _area_rows(c: Comparison) -> list[list[str]]:
    """The area table's rows: each faction's area on both dates and the change per tier."""
    rows = []
    tiers = c.areas.set_index(["faction", "tier"])
    for r in c.faction_areas().itertuples(index=False):
        if r.from_km2 == 0 and r.to_km2 == 0:
            continue

        def tier(name, r=r):
            key = (r.faction, name)
            return _signed(tiers.loc[key, "change_km2"]) if key in tiers.index else "–"

        rows.append(
            [
                faction_label(r.faction),
                f"{r.from_km2:,.0f}",
                f"{r.to_km2:,.0f}",
                _signed(r.change_km2),
                tier("core"),
                tier("nominal"),
            ]
        )
    return rows
