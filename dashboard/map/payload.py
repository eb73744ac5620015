"""The live map's wire format: the data the browser receives, as JSON.

:func:`scene_payload` turns a :class:`geodata.scene.Scene` into plain
JSON-ready data, which the dashboard caches per epoch
(:class:`dashboard.cache.EpochLayers`); :func:`epoch_data` packs it as
compact JSON for the frame's drawing code (``dashboard/map/atlas.js``), and
:func:`parse_expression` wraps that for a script. The date's script
(:mod:`dashboard.map.script`) hands it to the frame. :func:`base_data` is
the base map's geography (land, country outlines and names), which the frame
fetches once as a static file (:mod:`dashboard.map.assets`).

Strings from the data reach the page as text (the frame sets
``textContent``). This module imports neither Streamlit nor folium: the
caches (:mod:`dashboard.cache`) and the static files depend on it alone.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import shapely

from geodata.borders import load_borders
from geodata.describe import holder_text
from geodata.factions import faction_color
from geodata.scene import Scene
from geodata.style import (
    FRONT_COLOR,
    LIVE_BORDERS,
    LIVE_CONTESTED,
    LIVE_LAND,
    LIVE_TOWN_RING,
    fill_opacity,
)
from geodata.values import rounded

__all__ = [
    "scene_payload",
    "encode_geometry",
    "decode_geometry",
    "town_table",
    "epoch_data",
    "parse_expression",
    "script_json",
    "base_data",
]

_DIGITS = 4  # ~10 m: plenty for a map
#: Coordinates travel as integers of 1/COORD_SCALE degree (see :func:`encode_geometry`).
COORD_SCALE = 10**_DIGITS

# Depth of the lists of rings or lines above the coordinates, per GeoJSON type.
_DEPTH = {"LineString": 0, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}


def _deltas(coords: np.ndarray) -> list[int]:
    """One ring or line: integer steps of 1/COORD_SCALE degree, x and y interleaved.

    The first pair is the absolute position; each next pair the step from the
    one before. Rounded before the difference, so no error accumulates.
    """
    grid = np.round(coords[:, :2] * COORD_SCALE).astype(np.int64)
    return np.diff(grid, axis=0, prepend=np.zeros((1, 2), np.int64)).ravel().tolist()


def encode_geometry(geometry) -> dict | None:
    """A polygonal or linear geometry, compact for the browser: ``{"type", "deltas"}``.

    ``type`` is the GeoJSON type (Polygon, MultiPolygon, LineString or
    MultiLineString; a collection keeps its parts of its highest dimension);
    ``deltas`` nests like GeoJSON's ``coordinates``, but each ring or line is
    one flat list of integer steps (:func:`_deltas`), which the frame turns
    back into GeoJSON (``atlas.js``). About a third of GeoJSON's text for the
    same 10 m grid, and the numbers need no quoting in a script.

    Examples
    --------
    >>> from shapely import LineString
    >>> encode_geometry(LineString([(36.0, 35.0), (36.00015, 35.1)]))
    {'type': 'LineString', 'deltas': [360000, 350000, 2, 1000]}
    """
    if geometry is None or geometry.is_empty:
        return None
    dimension = shapely.get_dimensions(geometry)
    parts = [
        p
        for p in shapely.get_parts(geometry)
        if not p.is_empty and shapely.get_dimensions(p) == dimension
    ]
    if dimension == 2:
        polygons = []
        for part in parts:
            for polygon in shapely.get_parts(part):  # a part may be a MultiPolygon
                rings = [polygon.exterior, *polygon.interiors]
                polygons.append([_deltas(shapely.get_coordinates(r)) for r in rings])
        if len(polygons) == 1:
            return {"type": "Polygon", "deltas": polygons[0]}
        return {"type": "MultiPolygon", "deltas": polygons}
    if dimension == 1:
        lines = [
            _deltas(shapely.get_coordinates(line))
            for part in parts
            for line in shapely.get_parts(part)
        ]
        if len(lines) == 1:
            return {"type": "LineString", "deltas": lines[0]}
        return {"type": "MultiLineString", "deltas": lines}
    return None


def decode_geometry(encoded: dict) -> dict:
    """The GeoJSON geometry of :func:`encode_geometry` (what ``atlas.js`` does, for tests).

    Examples
    --------
    >>> decode_geometry({"type": "LineString", "deltas": [360000, 350000, 2, 1000]})
    {'type': 'LineString', 'coordinates': [[36.0, 35.0], [36.0002, 35.1]]}
    """

    def walk(value, depth):
        if depth:
            return [walk(v, depth - 1) for v in value]
        steps = np.cumsum(np.asarray(value, dtype=np.int64).reshape(-1, 2), axis=0)
        return (steps / COORD_SCALE).tolist()

    return {
        "type": encoded["type"],
        "coordinates": walk(encoded["deltas"], _DEPTH[encoded["type"]]),
    }


def _feature(geometry, properties: dict) -> dict:
    """A GeoJSON Feature, its geometry as GEOS writes it at 10 m (the base map's)."""
    text = shapely.to_geojson(rounded(geometry, _DIGITS))
    return {"type": "Feature", "properties": properties, "geometry": json.loads(text)}


def _encoded_feature(geometry, properties: dict) -> dict | None:
    encoded = encode_geometry(geometry)
    if encoded is None:
        return None
    return {"type": "Feature", "properties": properties, "geometry": encoded}


def _collection(features: list[dict | None]) -> dict:
    return {"type": "FeatureCollection", "features": [f for f in features if f is not None]}


def _notna(value) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


# ---------------------------------------------------------------------------
# Data for one epoch
# ---------------------------------------------------------------------------


def _territory_features(scene: Scene) -> list[dict]:
    features = []
    for row in scene.territories.itertuples():
        if row.geometry is None or row.geometry.is_empty:
            continue
        contested = row.status == "contested" and _notna(row.contested_by)
        tier = getattr(row, "tier", "core")
        style = {
            "stroke": bool(contested),
            "color": faction_color(row.contested_by) if contested else row.color,
            "weight": LIVE_CONTESTED["weight"] if contested else 0,
            "dashArray": LIVE_CONTESTED["dashArray"] if contested else None,
            "opacity": LIVE_CONTESTED["opacity"],
            "fillColor": row.color,
            "fillOpacity": fill_opacity("live", tier, contested=contested),
        }
        # ~300 m: invisible at the zooms a theatre map is read at, halves the JSON.
        geometry = row.geometry.simplify(0.003, preserve_topology=True)
        features.append(
            _encoded_feature(
                geometry,
                {
                    "faction": row.faction,
                    "status": row.status,
                    "contested_by": row.contested_by if contested else None,
                    "tier": tier,
                    "style": style,
                },
            )
        )
    return features


def _front_features(scene: Scene) -> list[dict]:
    return [
        _encoded_feature(
            row.geometry,
            {"factions": [row.faction_a, row.faction_b], "tier": getattr(row, "tier", "core")},
        )
        for row in scene.front_lines.itertuples()
        if row.geometry is not None and not row.geometry.is_empty
    ]


def scene_payload(scene: Scene) -> dict:
    """Return what a scene's date layers need, as JSON-ready data.

    Everything here depends only on the control state, so it is the same for
    every date of an epoch; per-date extras (recent changes, the selected
    place, the legend title) are added by :func:`dashboard.map.script.date_script`.

    Parameters
    ----------
    scene : geodata.scene.Scene

    Returns
    -------
    dict
        ``territories`` and ``fronts`` (GeoJSON FeatureCollections in lon/lat,
        each geometry in the compact form of :func:`encode_geometry`),
        ``towns`` (list of dicts with ``id``, names, ``lat``, ``lon``,
        colours and ``holder``, plain text: the browser shows it as text) and
        ``legend``.
    """
    t = scene.towns
    points = t.geometry.to_numpy()
    holder = functools.lru_cache(maxsize=None)(holder_text)  # few distinct states per epoch
    columns = zip(
        t["id"].tolist(),
        t["name"].tolist(),
        t["name_ar"].tolist(),
        shapely.get_y(points).tolist(),  # shapely points are (x, y) = (lon, lat)
        shapely.get_x(points).tolist(),
        t["color"].tolist(),
        t["label"].tolist(),
        (t["status"].eq("contested") & t["contested_by"].notna()).tolist(),
        zip(
            t["controller"].tolist(),
            t["status"].tolist(),
            t["contested_by"].tolist(),
            t["since"].tolist(),
            t["since_precision"].tolist(),
            strict=True,
        ),
        strict=True,
    )
    towns = [
        {
            "id": id_,
            "name": name,
            "name_ar": name_ar if _notna(name_ar) else "",
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "fill": fill,
            "ring": faction_color(state[2]) if contested else LIVE_TOWN_RING,
            "contested": contested,
            "key": bool(key),
            "holder": holder(*state),
        }
        for id_, name, name_ar, lat, lon, fill, key, contested, state in columns
    ]
    # The scene's legend names every faction holding something; when factions
    # are filtered out, name only those drawn.
    drawn = set(scene.towns["controller"].dropna()) | set(scene.territories["faction"])
    return {
        "territories": _collection(_territory_features(scene)),
        "fronts": _collection(_front_features(scene)),
        "towns": towns,
        "legend": [
            {"label": e.label, "color": e.color, "kind": e.kind, "code": e.code}
            for e in scene.legend
            if e.kind != "faction" or e.code in drawn
        ],
    }


# ---------------------------------------------------------------------------
# The base map's geography
# ---------------------------------------------------------------------------


def _border_collections(borders) -> tuple[dict, dict]:
    land, lines = [], []
    for row in borders.itertuples():
        theatre = row.role == "theatre"
        land.append(
            _feature(
                row.geometry,
                {
                    "style": {
                        "stroke": False,
                        "fillColor": LIVE_LAND["theatre" if theatre else "other"],
                        "fillOpacity": 1,
                    }
                },
            )
        )
        lines.append(
            _feature(
                row.geometry,
                {
                    "style": {
                        "fill": False,
                        **LIVE_BORDERS["theatre" if theatre else "other"],
                        "opacity": LIVE_BORDERS["opacity"],
                    }
                },
            )
        )
    return _collection(land), _collection(lines)


def _country_labels(borders) -> list[dict]:
    labels = []
    for row in borders.itertuples():
        parts = shapely.get_parts(row.geometry)
        biggest = max(parts, key=lambda p: p.area)
        if biggest.area < 0.5:  # square degrees: skip slivers (Cyprus, Kuwait...)
            continue
        point = biggest.representative_point() if row.iso_a2 != "SY" else biggest.centroid
        theatre = row.role == "theatre"
        labels.append(
            {
                "lat": round(point.y, 3),
                "lon": round(point.x, 3),
                "name": str(row.name),  # shown as text
                "theatre": theatre,
            }
        )
    return labels


def base_data(borders=None) -> str:
    """Return the base map's geography as JSON: land, country outlines and names.

    The frame fetches it once from the app's static files
    (:func:`dashboard.map.assets.ensure_base_data` writes it): in the base map's
    script it would be sent to the browser again on every run.

    Parameters
    ----------
    borders : geopandas.GeoDataFrame, optional
        Country outlines (default: :func:`geodata.borders.load_borders`).
    """
    borders = load_borders() if borders is None else borders
    land, lines = _border_collections(borders)
    return json.dumps(
        {"land": land, "lines": lines, "labels": _country_labels(borders)},
        ensure_ascii=False,
        separators=(",", ":"),
    )


# ---------------------------------------------------------------------------
# For the browser
# ---------------------------------------------------------------------------


def script_json(value) -> str:
    """JSON that is also safe inside a script: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def town_table(places) -> tuple[dict[str, int], str]:
    """Return what every epoch of a dataset shares about its towns, for the frame.

    Names, Arabic names and positions, as columns in the dataset's order (see
    :func:`epoch_data`, whose towns point into them): sent once to a frame,
    which keeps it, rather than with every epoch.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        ``Dataset.places`` (``id``, ``name``, ``name_ar``, point geometry in lon/lat).

    Returns
    -------
    (dict, str)
        Each place id's position in the columns, and the columns as compact JSON.
    """
    points = places.geometry.to_numpy()
    ids = places["id"].tolist()
    columns = {
        "id": ids,
        "name": places["name"].tolist(),
        "ar": [a if _notna(a) else "" for a in places["name_ar"].tolist()],
        "lat": [round(v, 5) for v in shapely.get_y(points).tolist()],
        "lon": [round(v, 5) for v in shapely.get_x(points).tolist()],
    }
    text = json.dumps(columns, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return {place: i for i, place in enumerate(ids)}, text


def epoch_data(payload: dict, index: dict[str, int]) -> str:
    """Return the browser's data for one epoch, as compact JSON text.

    Territories and fronts keep their compact geometries
    (:func:`encode_geometry`, at ``coord_scale``). Towns go as columns (one
    list per field) rather than one object each: ``idx``, each town's
    position in the dataset's :func:`town_table` (which holds the names and
    positions, the same in every epoch), colours as indexes into
    ``colors``, holders as indexes into ``towns.holders``. The frame draws
    all of them on one canvas from these arrays; names and holders are plain
    text, shown by the frame as text.

    Parameters
    ----------
    payload : dict
        From :func:`scene_payload`.
    index : dict
        Place id to position in the :func:`town_table`.

    Returns
    -------
    str
    """
    towns = payload["towns"]
    colors: dict[str, int] = {}
    holders: dict[str, int] = {}

    def color(value: str) -> int:
        return colors.setdefault(value, len(colors))

    columns = {
        "idx": [index[t["id"]] for t in towns],
        "fill": [color(t["fill"]) for t in towns],
        "ring": [color(t["ring"]) for t in towns],
        "flags": [int(t["key"]) | (2 * int(t["contested"])) for t in towns],
        # Few distinct holders ("... since <date>") for many towns: sent once each.
        "holder": [holders.setdefault(t["holder"], len(holders)) for t in towns],
        "holders": None,
    }
    columns["holders"] = list(holders)
    return json.dumps(
        {
            "territories": payload["territories"],
            "fronts": payload["fronts"],
            "coord_scale": COORD_SCALE,
            "front_color": FRONT_COLOR,
            "towns": columns,
            "colors": list(colors),
        },
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )


def parse_expression(data: str) -> str:
    """Return a script expression that yields the JSON text ``data``: ``JSON.parse("...")``.

    Made once per epoch (see :class:`dashboard.cache.EpochLayers`), not per
    step: at 10,000 towns the quoting alone takes milliseconds. JSON.parse
    reads a string several times faster than the JavaScript parser reads the
    same object as a literal.
    """
    return f"JSON.parse({script_json(data)})"
