"""Country borders for the offline map, and equal-area measurements.

The borders come from ``geodata/data/borders.geojson``, built by
``scripts/make_borders.py`` from Natural Earth 1:10m Admin 0 Countries
(public domain; see ``geodata/data/SOURCES.md``): Syria and Iraq
(``role == "theatre"``) plus the neighbours drawn for context
(``role == "context"``, clipped to lon 32..50, lat 27..40). Geometries are
simplified to about 1 km, with borders shared exactly between neighbours.

Pure Python and GeoPandas; never imports Streamlit.
"""

from __future__ import annotations

import functools
from importlib import resources

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .problems import DataError, Problem

__all__ = [
    "EQUAL_AREA_CRS",
    "THEATRE_CODES",
    "area_km2",
    "country_polygon",
    "load_borders",
    "theatre_bounds",
    "theatre_polygon",
]

#: Lambert azimuthal equal-area projection centred on the theatre (40°E, 34°N),
#: on the WGS 84 ellipsoid, in metres. Areas are exact, like in any equal-area
#: CRS (EPSG:6933 would do for areas alone), but unlike the global cylindrical
#: EPSG:6933, whose linear scale is off by about 4-5 % at these latitudes,
#: distances and shapes are also within 0.3 % everywhere in Syria and Iraq
#: (less than 900 km from the centre), so the same CRS serves for metric
#: buffers and lengths.
EQUAL_AREA_CRS = "+proj=laea +lat_0=34 +lon_0=40 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"

#: ISO 3166-1 alpha-2 codes of the countries whose towns the atlas tracks.
THEATRE_CODES = ("IQ", "SY")


@functools.cache
def load_borders() -> gpd.GeoDataFrame:
    """Return the built-in country borders.

    The result is cached and shared: treat it as read-only (``.copy()`` it
    before modifying).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country, sorted by ``iso_a2``, with columns ``iso_a2``
        (ISO 3166-1 alpha-2 code), ``name`` (English), ``role``
        (``"theatre"`` or ``"context"``) and ``geometry`` (valid Polygon or
        MultiPolygon), in EPSG:4326.
    """
    path = resources.files("geodata") / "data" / "borders.geojson"
    try:
        with resources.as_file(path) as file:
            frame = gpd.read_file(file)
        # GeoJSON is always WGS 84 lon/lat (RFC 7946), whatever the reader reports.
        frame = frame.set_crs("EPSG:4326", allow_override=True)
        invalid = ~frame.geometry.is_valid
        if invalid.any():
            frame.loc[invalid, "geometry"] = frame.geometry[invalid].make_valid()
        frame = frame[["iso_a2", "name", "role", "geometry"]]
    except Exception as exc:  # noqa: BLE001 - any failure to read our own file: say so plainly
        raise damaged_builtin("borders.geojson", exc) from None
    if frame.empty:
        raise damaged_builtin("borders.geojson", ValueError("no countries in it"))
    return frame.sort_values("iso_a2").reset_index(drop=True)


def damaged_builtin(name: str, exc: BaseException):
    """A :class:`~geodata.problems.DataError` for a built-in file that cannot be read."""
    reason = str(exc).split("\n")[0][:200] or type(exc).__name__
    return DataError(
        [
            Problem(
                f"built-in {name}",
                None,
                None,
                f"the file shipped with Frontline Atlas is damaged or missing ({reason}); "
                "reinstall the package (pip install --force-reinstall frontline-atlas, or "
                "git checkout geodata/data in a clone)",
                code="builtin.damaged",
            )
        ]
    )


def country_polygon(iso_a2: str) -> BaseGeometry:
    """Return one country's geometry.

    Parameters
    ----------
    iso_a2 : str
        ISO 3166-1 alpha-2 code, case-insensitive (``"SY"``, ``"iq"``).

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        The (simplified) country in lon/lat degrees; context countries are
        clipped to the map's extent.

    Raises
    ------
    ValueError
        When the code is not among the loaded countries (the message lists
        the known codes).
    """
    borders = load_borders()
    code = str(iso_a2).strip().upper()
    match = borders.loc[borders["iso_a2"] == code, "geometry"]
    if match.empty:
        known = ", ".join(borders["iso_a2"])
        raise ValueError(f"unknown country code {iso_a2!r}; known codes: {known}")
    return match.iloc[0]


@functools.cache
def theatre_polygon() -> BaseGeometry:
    """Return the union of Syria and Iraq.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        Valid geometry in lon/lat degrees (cached and shared).
    """
    merged = shapely.union_all([country_polygon(code) for code in THEATRE_CODES])
    if not merged.is_valid:
        merged = shapely.make_valid(merged)
    return merged


def theatre_bounds() -> tuple[float, float, float, float]:
    """Return the bounding box of Syria and Iraq.

    Returns
    -------
    tuple of float
        ``(west, south, east, north)`` in degrees.
    """
    west, south, east, north = theatre_polygon().bounds
    return (float(west), float(south), float(east), float(north))


def area_km2(geoseries: gpd.GeoSeries | gpd.GeoDataFrame) -> pd.Series:
    """Return areas in km², computed in :data:`EQUAL_AREA_CRS`.

    Parameters
    ----------
    geoseries : geopandas.GeoSeries or geopandas.GeoDataFrame
        Geometries with a CRS set (any CRS; they are reprojected).

    Returns
    -------
    pandas.Series
        Float areas in km², same index as the input.

    Raises
    ------
    ValueError
        When the input has no CRS.
    """
    geometry = geoseries.geometry if isinstance(geoseries, gpd.GeoDataFrame) else geoseries
    if geometry.crs is None:
        raise ValueError("geometries have no CRS; set one (e.g. EPSG:4326) first")
    return pd.Series(geometry.to_crs(EQUAL_AREA_CRS).area / 1e6, index=geometry.index)
