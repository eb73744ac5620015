"""The rows every export format writes: places, territories and front lines.

Each format (:mod:`~geodata.export.geojson`, :mod:`~geodata.export.gpkg`,
:mod:`~geodata.export.kml`, :mod:`~geodata.export.csv`,
:mod:`~geodata.export.html`) writes the same rows, so they cannot disagree
about what a place's state is.
"""

from __future__ import annotations

import html

import pandas as pd

from geodata.dataset import Dataset
from geodata.events import format_date
from geodata.factions import FACTIONS
from geodata.scene import Scene
from geodata.values import text_or_empty

__all__ = ["EXPORT_PLACE_COLUMNS", "places_table"]

#: The columns of :func:`places_table` (and of the CSV export). Not
#: :data:`geodata.events.PLACE_COLUMNS`, the columns of ``places.csv``.
EXPORT_PLACE_COLUMNS = [
    "id",
    "name",
    "name_ar",
    "country",
    "lat",
    "lon",
    "controller",
    "controller_name",
    "status",
    "contested_by",
    "since",
    "since_precision",
    "key_place",
    "recent_change",
    "event_id",
    "source_title",
    "source_url",
    "color",
]


def _faction_name(code: str) -> str:
    """A faction's name, or the code itself when it names no faction."""
    return FACTIONS[code].name if code in FACTIONS else code


def places_table(scene: Scene, dataset: Dataset | None = None) -> pd.DataFrame:
    """Return the state of every place as a flat table (one row per place).

    Parameters
    ----------
    scene : Scene
    dataset : Dataset, optional
        Where to look up the source of each place's current state (the
        event ``event_id`` refers to); without it the source columns are empty.

    Returns
    -------
    pandas.DataFrame
        :data:`EXPORT_PLACE_COLUMNS`: text columns as ``str`` ("" when missing),
        ``lat``/``lon`` as floats, ``key_place``/``recent_change`` as bools,
        ``since`` as ``YYYY-MM-DD``.
    """
    towns = scene.towns
    sources = {}
    if dataset is not None:
        ev = dataset.events.drop_duplicates("event_id")
        sources = dict(
            zip(ev["event_id"], zip(ev["source_title"], ev["source_url"], strict=True), strict=True)
        )
    rows = []
    for t in towns.itertuples():
        controller = text_or_empty(t.controller)
        title, url = sources.get(t.event_id, ("", ""))
        rows.append(
            {
                "id": text_or_empty(t.id),
                "name": text_or_empty(t.name),
                "name_ar": text_or_empty(t.name_ar),
                "country": text_or_empty(t.country),
                # Shapely points are (x, y) = (lon, lat).
                "lat": round(float(t.geometry.y), 5),
                "lon": round(float(t.geometry.x), 5),
                "controller": controller,
                "controller_name": FACTIONS[controller].name if controller in FACTIONS else "",
                "status": text_or_empty(t.status),
                "contested_by": text_or_empty(t.contested_by),
                "since": "" if pd.isna(t.since) else pd.Timestamp(t.since).date().isoformat(),
                "since_precision": text_or_empty(t.since_precision),
                "key_place": bool(t.label),
                "recent_change": bool(t.recent),
                "event_id": text_or_empty(t.event_id),
                "source_title": text_or_empty(title),
                "source_url": text_or_empty(url),
                "color": text_or_empty(t.color),
            }
        )
    return pd.DataFrame(rows, columns=EXPORT_PLACE_COLUMNS)


def _territory_rows(scene: Scene) -> list[dict]:
    """One dict per territory: the properties every format writes, and its geometry."""
    return [
        {
            "faction": r.faction,
            "faction_name": FACTIONS[r.faction].name if r.faction in FACTIONS else r.faction,
            "status": r.status,
            "contested_by": text_or_empty(r.contested_by),
            "tier": getattr(r, "tier", "core"),
            "country": getattr(r, "country", ""),
            "area_km2": float(r.area_km2),
            "color": r.color,
            "geometry": r.geometry,
        }
        for r in scene.territories.itertuples()
    ]


def _frontline_rows(scene: Scene) -> list[dict]:
    """One dict per front line: the properties every format writes, and its geometry."""
    return [
        {
            "faction_a": r.faction_a,
            "faction_b": r.faction_b,
            "tier": getattr(r, "tier", "core"),
            "length_km": float(r.length_km),
            "geometry": r.geometry,
        }
        for r in scene.front_lines.itertuples()
    ]


def _place_description(row: dict) -> str:
    """HTML (values escaped) for a place's balloon in Google Earth or the web map."""
    e = html.escape
    lines = [
        f"<b>{e(row['name'])}</b>" + (f" ({e(row['name_ar'])})" if row["name_ar"] else ""),
        f"Controller: {e(row['controller_name'] or row['controller'] or 'unknown')}",
        f"Status: {e(row['status'])}"
        + (
            f" (contested by {e(_faction_name(row['contested_by']))})"
            if row["contested_by"]
            else ""
        ),
    ]
    if row["since"]:
        since = format_date(pd.Timestamp(row["since"]), row["since_precision"] or "day")
        lines.append(f"Since: {e(since)}")
    if row["source_title"]:
        url = row["source_url"]
        if url.startswith(("http://", "https://")):
            lines.append(f'Source: <a href="{e(url)}">{e(row["source_title"])}</a>')
        else:
            lines.append(f"Source: {e(row['source_title'])}")
    return "<br>".join(lines)
