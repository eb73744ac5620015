"""The state at a date as a GeoPackage (for QGIS): layers places, territories, frontlines.

pyogrio is imported when a file is written, not with this module.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata.dataset import Dataset
from geodata.scene import Scene

from .tables import _frontline_rows, _territory_rows, places_table

__all__ = ["to_gpkg"]


def _frames(scene: Scene, dataset: Dataset | None):
    """The three layers as GeoDataFrames in EPSG:4326 (with their columns when empty)."""
    places = places_table(scene, dataset)
    places_gdf = gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs="EPSG:4326"
    )
    terr = pd.DataFrame(
        _territory_rows(scene),
        columns=[
            "faction",
            "faction_name",
            "status",
            "contested_by",
            "tier",
            "country",
            "area_km2",
            "color",
            "geometry",
        ],
    )
    terr_gdf = gpd.GeoDataFrame(terr, geometry="geometry", crs="EPSG:4326")
    fronts = pd.DataFrame(
        _frontline_rows(scene),
        columns=["faction_a", "faction_b", "tier", "length_km", "geometry"],
    )
    fronts_gdf = gpd.GeoDataFrame(fronts, geometry="geometry", crs="EPSG:4326")
    return places_gdf, terr_gdf, fronts_gdf


def to_gpkg(scene: Scene, *, dataset: Dataset | None = None) -> bytes:
    """Return a GeoPackage with layers ``places``, ``territories`` and ``frontlines``.

    Layers are in EPSG:4326; territories are MultiPolygons and front lines
    MultiLineStrings (uniform types, as QGIS prefers); ``since`` is an ISO
    date string. Layers are present even when empty.

    Returns
    -------
    bytes
        The ``.gpkg`` (SQLite) file.
    """
    import pyogrio

    places, terr, fronts = _frames(scene, dataset)
    with tempfile.TemporaryDirectory(prefix="frontline-gpkg-") as tmp:
        path = os.path.join(tmp, "export.gpkg")
        for frame, layer, geometry_type in (
            (places, "places", "Point"),
            (terr, "territories", "MultiPolygon"),
            (fronts, "frontlines", "MultiLineString"),
        ):
            if geometry_type.startswith("Multi") and len(frame):
                frame = frame.set_geometry([_to_multi(g) for g in frame.geometry], crs=frame.crs)
            pyogrio.write_dataframe(
                frame, path, layer=layer, driver="GPKG", geometry_type=geometry_type
            )
        return Path(path).read_bytes()


def _to_multi(geometry):
    """A Polygon or LineString as its Multi- type (QGIS prefers uniform layers)."""
    if geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    if geometry.geom_type == "LineString":
        return shapely.MultiLineString([geometry])
    if geometry.geom_type == "GeometryCollection":  # keep the parts of the layer's kind
        parts = shapely.get_parts(geometry)
        polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
        if polys:
            return _to_multi(shapely.union_all(polys))
        lines = [p for p in parts if p.geom_type in ("LineString", "MultiLineString")]
        return _to_multi(shapely.line_merge(shapely.union_all(lines)))
    return geometry
