"""Geometry for the static maps: the projection, matplotlib paths, a border-path cache.

Maps are drawn in the theatre's Lambert azimuthal equal-area projection
(:data:`geodata.borders.EQUAL_AREA_CRS`): lon/lat shapely geometries go in,
coordinates in metres come out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import pyproj
import shapely
from matplotlib.path import Path

from geodata.borders import EQUAL_AREA_CRS

__all__ = ["metric_box"]

_TO_METRIC = pyproj.Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
_TO_LONLAT = pyproj.Transformer.from_crs(EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)


def _project(geometries) -> np.ndarray:
    """Lon/lat shapely geometries to the metric CRS (x, y in metres)."""

    def forward(coords):
        x, y = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geometries, dtype=object), forward)


def metric_box(extent) -> tuple[float, float, float, float]:
    """Bounds in metres of a lon/lat box (densified: its edges curve in the projection)."""
    west, south, east, north = extent
    t = np.linspace(0.0, 1.0, 33)
    lon = np.concatenate(
        [west + (east - west) * t, np.full(33, east), east - (east - west) * t, np.full(33, west)]
    )
    lat = np.concatenate(
        [
            np.full(33, south),
            south + (north - south) * t,
            np.full(33, north),
            north - (north - south) * t,
        ]
    )
    x, y = _TO_METRIC.transform(lon, lat)
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def _polygon_path(geometry) -> Path | None:
    """A compound matplotlib path for a (Multi)Polygon in metric coordinates."""
    verts, codes = [], []
    for part in shapely.get_parts(geometry):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        # Exterior counter-clockwise, holes clockwise: filled correctly under
        # both the non-zero and the even-odd rule.
        part = shapely.orient_polygons(part)
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 4:
                continue
            ring_codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            verts.append(xy)
            codes.append(ring_codes)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def _line_path(geometry) -> Path | None:
    """A matplotlib path for a (Multi)LineString in metric coordinates (parts merged)."""
    verts, codes = [], []
    for part in shapely.get_parts(shapely.line_merge(geometry)):
        if part.geom_type != "LineString" or part.is_empty:
            continue
        xy = np.asarray(part.coords)[:, :2]
        line_codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
        line_codes[0] = Path.MOVETO
        verts.append(xy)
        codes.append(line_codes)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


class _LRU(OrderedDict):
    """A small least-recently-used cache, safe to share between the app's threads."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self.lock = threading.Lock()

    def get_or(self, key, compute):
        with self.lock:
            if key in self:
                self.move_to_end(key)
                return self[key]
        value = compute()
        with self.lock:
            self[key] = value
            if len(self) > self.size:
                self.popitem(last=False)
        return value


# Projected border paths, keyed by the borders' WKB: the built-in borders are
# projected once per process, whatever scene object carries them.
_BORDER_CACHE = _LRU(8)


def _border_layers(borders) -> dict:
    """The borders projected: ``paths``, ``roles``, ``names`` and ``metric`` geometries."""
    geoms = borders.geometry.to_numpy()
    key = (tuple(shapely.to_wkb(geoms)), tuple(borders["role"]), tuple(borders["name"]))

    def compute():
        metric = _project(geoms)
        return {
            "paths": [_polygon_path(g) for g in metric],
            "roles": list(borders["role"]),
            "names": list(borders["name"]),
            "metric": metric,
        }

    return _BORDER_CACHE.get_or(hash(key), compute)
