"""The fixed cells of a dataset: one Voronoi cell per town, split into core and nominal.

Date-independent, so computed once per dataset and parameter set (cached on
the :class:`~geodata.dataset.Dataset`) and only relabelled per epoch. All
geometry here is in :data:`~geodata.borders.EQUAL_AREA_CRS`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from geodata.borders import EQUAL_AREA_CRS, load_borders
from geodata.dataset import Dataset

__all__ = [
    "DEFAULT_MAX_REACH_KM",
    "DEFAULT_MIN_REACH_KM",
    "DEFAULT_REACH_FACTOR",
    "TIERS",
    "Cells",
    "fixed_cells",
    "reach_params",
    "polygonal",
]

#: Largest reach of a town's core (``--max-reach-km``).
DEFAULT_MAX_REACH_KM = 40.0
#: Smallest reach of a town's core, however dense the towns around it.
DEFAULT_MIN_REACH_KM = 12.0
#: A town's reach: this times the distance to its second-nearest neighbour.
DEFAULT_REACH_FACTOR = 2.0
#: Tiers of a faction's land: near its towns, and the rest.
TIERS = ("core", "nominal")


def _regions(theatre) -> list[tuple[str, shapely.Geometry]]:
    """The areas partitioned separately, in the metric CRS: each country, or ``theatre``."""
    if theatre is not None:
        geom = gpd.GeoSeries([theatre], crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).iloc[0]
        return [("", _grid(geom))]
    borders = load_borders()
    theatre_rows = borders[borders["role"] == "theatre"].to_crs(EQUAL_AREA_CRS)
    # Densified to 2 km (a straight edge stays straight, to centimetres, once
    # reprojected) and on a 1 m grid: the countries share their border vertex
    # for vertex, and so do the cells cut from them.
    return [
        (row.iso_a2, _grid(row.geometry))
        for row in theatre_rows.itertuples()
        if row.geometry is not None and not row.geometry.is_empty
    ]


def _grid(geom):
    return polygonal(
        shapely.make_valid(shapely.set_precision(shapely.segmentize(geom, 2000.0), 1.0))
    )


def polygonal(geom):
    """The polygonal parts of a geometry (an intersection can add lines and points)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class Cells:
    """Date-independent geometry of one dataset and parameter set."""

    region: np.ndarray  # index into ``regions`` per place (-1: outside every region)
    regions: list  # (code, polygon) in the metric CRS
    region_area_km2: np.ndarray
    cells: np.ndarray  # whole cell per place (metric CRS), None where empty
    core: np.ndarray  # core part of the cell, None where empty
    nominal: np.ndarray  # rest of the cell, None where empty
    core_km2: np.ndarray
    nominal_km2: np.ndarray
    reach_m: np.ndarray
    points: np.ndarray  # place points in the metric CRS
    has_cell: np.ndarray  # places with a cell
    # Caches of the epoch step, bounded there (see geodata.territory.epoch):
    # unions of a group's cells, and each country's neighbour edges.
    unions: OrderedDict = field(default_factory=OrderedDict)
    edges: dict = field(default_factory=dict)


def _reach(points: np.ndarray, region: np.ndarray, params: tuple) -> np.ndarray:
    max_km, min_km, factor = params
    coords = shapely.get_coordinates(points)
    reach = np.full(len(points), max_km * 1000.0)
    for r in np.unique(region[region >= 0]):
        idx = np.flatnonzero(region == r)
        if len(idx) < 3:
            continue
        xy = coords[idx]
        # Distance to the second-nearest other town of the same country, in
        # blocks to bound memory at 10,000 places.
        second = np.empty(len(idx))
        for start in range(0, len(idx), 512):
            block = xy[start : start + 512]
            d = np.hypot(block[:, None, 0] - xy[None, :, 0], block[:, None, 1] - xy[None, :, 1])
            d[d < 1.0] = np.inf  # itself (and a twin at the same spot)
            second[start : start + 512] = np.partition(d, 1, axis=1)[:, 1]
        reach[idx] = np.clip(factor * second, min_km * 1000.0, max_km * 1000.0)
    return reach


def _region_of(points: np.ndarray, regions: list) -> np.ndarray:
    """Index of the region each place lies in (-1: none)."""
    n = len(points)
    region = np.full(n, -1)
    for r, (_code, poly) in enumerate(regions):
        inside = shapely.contains_xy(poly, *shapely.get_coordinates(points).T) & (region < 0)
        region[inside] = r
    # A town just outside its country's outline (a border town, the coast)
    # belongs to the nearest region within 25 km.
    if n and len(regions):
        dist = np.stack([shapely.distance(points, poly) for _c, poly in regions], axis=1)
        near = (region < 0) & (dist.min(axis=1) < 25_000)
        region[near] = dist[near].argmin(axis=1)
    return region


def _split_region(poly, points: np.ndarray, reach: np.ndarray) -> tuple[np.ndarray, list]:
    """Cut one region into a cell per town, each split into core and nominal.

    Returns the towns that got a cell (the first of places at the same spot)
    and ``[core, nominal, core, nominal, ...]`` for them, one exact coverage.
    """
    coords = np.round(shapely.get_coordinates(points), 1)
    # Places at the same spot share one cell (the first of them gets it).
    _, first = np.unique(coords, axis=0, return_index=True)
    first = np.sort(first)
    if len(first) == 1:
        raw = [poly]
    else:
        envelope = shapely.box(*shapely.bounds(poly)).buffer(100_000)
        raw = shapely.get_parts(
            shapely.voronoi_polygons(
                shapely.multipoints(points[first]), extend_to=envelope, ordered=True
            )
        )
    pieces = [polygonal(shapely.intersection(g, poly)) for g in raw]
    discs = shapely.buffer(points[first], reach[first], quad_segs=16)
    split = []
    for cell, disc in zip(pieces, discs, strict=True):
        if cell is None:
            split.extend([None, None])
            continue
        split.append(polygonal(shapely.intersection(cell, disc)))
        split.append(polygonal(shapely.difference(cell, disc)))
    # One exact coverage of the country: every shared edge has identical
    # vertices, so dissolving and smoothing keep it free of gaps and overlaps.
    keep = [i for i, g in enumerate(split) if g is not None]
    if keep:
        cleaned = shapely.coverage_clean(np.asarray([split[i] for i in keep], dtype=object))
        for i, g in zip(keep, cleaned, strict=True):
            split[i] = None if g is None or g.is_empty else g
    return first, split


def _km2(geoms: np.ndarray) -> np.ndarray:
    has = np.array([g is not None for g in geoms], dtype=bool)
    out = np.zeros(len(geoms))
    if has.any():
        out[has] = shapely.area(np.asarray(list(geoms[has]), dtype=object)) / 1e6
    return out


def _build_cells(dataset: Dataset, params: tuple, theatre) -> Cells:
    regions = _regions(theatre)
    points = dataset.places.geometry.to_crs(EQUAL_AREA_CRS).to_numpy()
    n = len(points)
    region = _region_of(points, regions)
    reach = _reach(points, region, params)
    cells = np.full(n, None, dtype=object)
    core = np.full(n, None, dtype=object)
    nominal = np.full(n, None, dtype=object)
    for r, (_code, poly) in enumerate(regions):
        idx = np.flatnonzero(region == r)
        if not len(idx):
            continue
        first, split = _split_region(poly, points[idx], reach[idx])
        for k, i in enumerate(idx[first]):
            core[i], nominal[i] = split[2 * k], split[2 * k + 1]
            parts = [g for g in (core[i], nominal[i]) if g is not None]
            cells[i] = shapely.coverage_union_all(parts) if parts else None
    return Cells(
        region=region,
        regions=regions,
        region_area_km2=np.array([p.area / 1e6 for _c, p in regions]),
        cells=cells,
        core=core,
        nominal=nominal,
        core_km2=_km2(core),
        nominal_km2=_km2(nominal),
        reach_m=reach,
        points=points,
        has_cell=np.array([g is not None for g in cells], dtype=bool),
    )


def reach_params(max_reach_km, min_reach_km=None, reach_factor=None) -> tuple:
    """``(max_km, min_km, factor)``: the reach options with their defaults filled in."""
    max_km = float(max_reach_km)
    min_km = DEFAULT_MIN_REACH_KM if min_reach_km is None else float(min_reach_km)
    factor = DEFAULT_REACH_FACTOR if reach_factor is None else float(reach_factor)
    return (max_km, min(min_km, max_km), factor)


def fixed_cells(dataset: Dataset, params: tuple, theatre) -> Cells:
    """The dataset's :class:`Cells` for ``params`` (:func:`reach_params`), made once."""
    key = ("territory-cells", params, None if theatre is None else theatre.wkb)
    return dataset.cached(key, lambda: _build_cells(dataset, params, theatre))
