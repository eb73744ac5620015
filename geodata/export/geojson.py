"""The state at a date as one GeoJSON FeatureCollection (RFC 7946)."""

from __future__ import annotations

import json

from geodata.dataset import Dataset
from geodata.scene import Scene
from geodata.style import ATTRIBUTION
from geodata.values import rounded_mapping
from geodata.version import DATA_VERSION

from .tables import _frontline_rows, _territory_rows, places_table

__all__ = ["to_geojson"]


def to_geojson(scene: Scene, *, dataset: Dataset | None = None) -> bytes:
    """Return places, territories and front lines as one GeoJSON FeatureCollection.

    Every feature has a ``layer`` property: ``"place"`` (the columns of
    :func:`places_table`), ``"territory"`` (``faction``, ``status``,
    ``contested_by``, ``area_km2``, ``color``) or ``"frontline"``
    (``faction_a``, ``faction_b``, ``length_km``). Coordinates are lon/lat
    (RFC 7946), rounded to 5 decimals. The collection also carries ``date``
    and ``attribution`` members.

    Returns
    -------
    bytes
        UTF-8 JSON.
    """
    features = []
    places = places_table(scene, dataset)
    for row in places.to_dict("records"):
        lon, lat = row["lon"], row["lat"]
        props = {"layer": "place", **{k: (v if v != "" else None) for k, v in row.items()}}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    for row in _territory_rows(scene):
        geometry = row.pop("geometry")
        row["contested_by"] = row["contested_by"] or None
        features.append(
            {
                "type": "Feature",
                "properties": {"layer": "territory", **row},
                "geometry": rounded_mapping(geometry),
            }
        )
    for row in _frontline_rows(scene):
        geometry = row.pop("geometry")
        features.append(
            {
                "type": "Feature",
                "properties": {"layer": "frontline", **row},
                "geometry": rounded_mapping(geometry),
            }
        )
    doc = {
        "type": "FeatureCollection",
        "name": scene.title,
        "date": scene.date.date().isoformat(),
        "attribution": ATTRIBUTION,
        "data_version": DATA_VERSION,
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")
