"""The drawn land that changed hands, per pair of holders (:attr:`Comparison.land`)."""

from __future__ import annotations

from collections import OrderedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.borders import EQUAL_AREA_CRS
from geodata.dataset import Dataset
from geodata.factions import UNKNOWN
from geodata.territory import TIERS, territories
from geodata.timeline import epoch_of

__all__ = ["MIN_PART_KM2", "changed_land"]

#: Parts of changed land smaller than this (km²) are dropped as slivers.
MIN_PART_KM2 = 0.05
# Towns found within this distance (degrees, ~2 km) of a part count as in it:
# a town sits well inside its own zone, this only absorbs the smoothing.
_TOWN_TOLERANCE_DEG = 0.02
_LAND_CACHE_SIZE = 64

_TO_METRIC = pyproj.Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)


def _union(geoms) -> shapely.Geometry:
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return shapely.Polygon()
    if len(geoms) == 1:
        return geoms[0]
    return shapely.union_all(geoms)


def _land_at(dataset: Dataset, date, max_reach_km: float) -> dict:
    """Each holder's land at a date: ``{faction: {tier: geometry}}`` (EPSG:4326).

    Cached per epoch on the dataset (least recently used first out).
    """
    cache = dataset.cached("compare-land", OrderedDict)
    key = (epoch_of(dataset, date), float(max_reach_km))
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    terr = territories(dataset, date, max_reach_km=max_reach_km)
    out: dict[str, dict[str, shapely.Geometry]] = {}
    for (faction, tier), group in terr.groupby(["faction", "tier"], sort=True):
        out.setdefault(faction, {})[tier] = _union(group.geometry.to_numpy())
    for tiers in out.values():
        tiers["total"] = _union([tiers[t] for t in TIERS if t in tiers])
    cache[key] = out
    if len(cache) > _LAND_CACHE_SIZE:
        cache.popitem(last=False)
    return out


def _km2(geoms) -> np.ndarray:
    """Areas in km² of lon/lat geometries (in the theatre's equal-area projection)."""

    def forward(coords):
        x, y = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return np.zeros(0)
    return shapely.area(shapely.transform(geoms, forward)) / 1e6


def _changed_land(
    dataset: Dataset, start, end, changes: pd.DataFrame, max_reach_km: float
) -> gpd.GeoDataFrame:
    """Compute :func:`changed_land`."""
    columns = ["from_faction", "to_faction", "area_km2", "core_km2", "place_ids", "geometry"]
    if changes.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    before = _land_at(dataset, start, max_reach_km)
    after = _land_at(dataset, end, max_reach_km)
    places = dataset.places.set_index("id").geometry
    rows = []
    pairs = changes.assign(
        a=changes["from_faction"].fillna(UNKNOWN), b=changes["to_faction"].fillna(UNKNOWN)
    ).groupby(["a", "b"], sort=True)
    for (a, b), group in pairs:
        old, new = before.get(a), after.get(b)
        if not old or not new:
            continue
        towns = shapely.points(
            [(places[p].x, places[p].y) for p in group["place_id"] if p in places.index]
        )
        both = shapely.intersection(old["total"], new["total"])
        parts = shapely.get_parts(both)
        parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
        if not len(parts) or not len(towns):
            continue
        near = np.array([shapely.dwithin(p, towns, _TOWN_TOLERANCE_DEG).any() for p in parts])
        kept = parts[near]
        if not len(kept):
            continue
        area = _km2(kept)
        kept = kept[area >= MIN_PART_KM2]
        if not len(kept):
            continue
        geometry = _union(kept)
        core_km2 = 0.0
        for from_tier in TIERS:
            if from_tier not in old:
                continue
            side = shapely.intersection(geometry, old[from_tier])
            for to_tier in TIERS:
                if to_tier not in new or side.is_empty:
                    continue
                piece = shapely.intersection(side, new[to_tier])
                km2 = float(_km2([piece])[0]) if not piece.is_empty else 0.0
                if km2 > 0 and to_tier == "core":
                    core_km2 += km2
        total = float(_km2([geometry])[0])
        rows.append(
            {
                "from_faction": a,
                "to_faction": b,
                "area_km2": round(total, 1),
                "core_km2": round(core_km2, 1),
                "place_ids": tuple(group["place_id"]),
                "geometry": geometry,
            }
        )
    land = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4326")
    land = land.sort_values("area_km2", ascending=False, kind="stable").reset_index(drop=True)
    return land


def changed_land(
    dataset: Dataset, start, end, changes: pd.DataFrame, max_reach_km: float
) -> gpd.GeoDataFrame:
    """The drawn land that changed hands, per pair of holders (:attr:`Comparison.land`).

    The towns that changed, and so the land, depend only on the two epochs:
    cached per pair of epochs on the dataset (least recently used first out).
    """
    cache = dataset.cached("compare-changed-land", OrderedDict)
    key = (epoch_of(dataset, start), epoch_of(dataset, end), float(max_reach_km))
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = _changed_land(dataset, start, end, changes, max_reach_km)
        if len(cache) > _LAND_CACHE_SIZE:
            cache.popitem(last=False)
    return cache[key]
