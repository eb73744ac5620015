"""Territories and front lines at a date, as GeoDataFrames and as GeoJSON.

The public face of :mod:`geodata.territory`: each function labels the fixed
cells for one epoch (:mod:`.epoch`) and returns EPSG:4326.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.borders import EQUAL_AREA_CRS
from geodata.dataset import Dataset
from geodata.timeline import control_table, to_date
from geodata.values import rounded_mapping

from .cells import DEFAULT_MAX_REACH_KM, polygonal, reach_params
from .epoch import epoch_zones

__all__ = ["territories", "front_lines", "territory_geojson"]

_TERRITORY_COLUMNS = [
    "faction",
    "status",
    "contested_by",
    "tier",
    "country",
    "area_km2",
    "geometry",
]
_FRONT_COLUMNS = ["faction_a", "faction_b", "tier", "length_km", "geometry"]


def territories(
    dataset: Dataset,
    date,
    *,
    max_reach_km: float = DEFAULT_MAX_REACH_KM,
    theatre=None,
    min_reach_km: float | None = None,
    reach_factor: float | None = None,
) -> gpd.GeoDataFrame:
    """Return the land of each faction at a date, in core and nominal tiers.

    Parameters
    ----------
    dataset : Dataset
    date : str, datetime-like or DataFrame
        The date, or a state already computed by :func:`~geodata.timeline.control_at`.
    max_reach_km : float, default 40
        Largest reach of a town's core.
    theatre : shapely geometry, optional
        One area to partition (EPSG:4326); default: Syria and Iraq, each on its own.
    min_reach_km, reach_factor : float, optional
        Smallest reach, and the reach as a multiple of the distance to a town's
        second-nearest neighbour (defaults :data:`DEFAULT_MIN_REACH_KM`,
        :data:`DEFAULT_REACH_FACTOR`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per ``(faction, status, contested_by, tier, country)``:
        ``faction`` (the controller, or ``"UNKNOWN"`` for land whose nearest
        town has no known holder), ``status`` (``"held"``, ``"contested"`` or
        ``"unknown"``), ``contested_by``, ``tier`` (``"core"`` or
        ``"nominal"``), ``country`` (``"SY"``, ``"IQ"``), ``area_km2`` and a
        (Multi)Polygon in EPSG:4326. Rows do not overlap and, with the
        default theatre, cover Syria and Iraq.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> t = territories(load_builtin(), "2015-06-01")
    >>> sorted(set(t["tier"]))
    ['core', 'nominal']
    """
    params = reach_params(max_reach_km, min_reach_km, reach_factor)
    epoch = epoch_zones(dataset, date, params, theatre)
    rows = [z for z in epoch["zones"] if z[5] is not None and not z[5].is_empty]
    frame = pd.DataFrame(
        rows, columns=["faction", "status", "contested_by", "tier", "country", "geometry"]
    )
    frame["area_km2"] = np.round(shapely.area(frame["geometry"].to_numpy()) / 1e6, 1)
    frame["contested_by"] = frame["contested_by"].replace("", None)
    frame = frame[frame["area_km2"] > 0]
    out = gpd.GeoDataFrame(
        frame[_TERRITORY_COLUMNS].sort_values(["faction", "status", "tier", "country"]),
        geometry="geometry",
        crs=EQUAL_AREA_CRS,
    ).reset_index(drop=True)
    out = out.to_crs("EPSG:4326")
    bad = ~out.is_valid
    if bad.any():  # a spike of a few metres can cross itself once reprojected
        out.loc[bad, "geometry"] = [polygonal(shapely.make_valid(g)) for g in out.geometry[bad]]
    return out


def front_lines(
    dataset: Dataset,
    date,
    *,
    max_reach_km: float = DEFAULT_MAX_REACH_KM,
    theatre=None,
    min_reach_km: float | None = None,
    reach_factor: float | None = None,
) -> gpd.GeoDataFrame:
    """Return the front lines at a date: where the land of two factions meets.

    International borders and the coast are never front lines. A contested
    town counts for its controller here (the contest shows as a zone in
    :func:`territories`); land of unknown holder has no fronts.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per pair of factions and tier: ``faction_a`` < ``faction_b``
        (alphabetical), ``tier`` (``"core"``: towns of both sides within
        reach, drawn solid; ``"nominal"``: drawn dashed), ``length_km`` and
        a (Multi)LineString in EPSG:4326.
    """
    params = reach_params(max_reach_km, min_reach_km, reach_factor)
    epoch = epoch_zones(dataset, date, params, theatre)
    grouped: dict[tuple, list] = {}
    for fa, fb, tier, line in epoch["fronts"]:
        grouped.setdefault((fa, fb, tier), []).append(line)
    rows = []
    for (fa, fb, tier), lines in sorted(grouped.items()):
        # The arcs meet only at their ends (they come from one noded coverage).
        parts = shapely.get_parts(np.asarray(lines, dtype=object))
        line = shapely.line_merge(shapely.multilinestrings(parts)) if len(parts) > 1 else parts[0]
        rows.append((fa, fb, tier, round(float(shapely.length(line)) / 1000, 1), line))
    out = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=_FRONT_COLUMNS), geometry="geometry", crs=EQUAL_AREA_CRS
    )
    return out.to_crs("EPSG:4326")


def territory_geojson(
    dataset: Dataset, date, *, max_reach_km: float = DEFAULT_MAX_REACH_KM, theatre=None
) -> dict:
    """Return territories and front lines at a date as one GeoJSON FeatureCollection.

    Territory features carry ``"layer": "territory"``, ``faction``, ``status``,
    ``contested_by``, ``tier``, ``country`` and ``area_km2``; front-line
    features carry ``"layer": "frontline"``, ``factions`` (two codes),
    ``tier`` and ``length_km``.
    """
    # One state for both layers (a date would be looked up twice).
    state = date if isinstance(date, pd.DataFrame) else control_table(dataset, to_date(date))
    terr = territories(dataset, state, max_reach_km=max_reach_km, theatre=theatre)
    fronts = front_lines(dataset, state, max_reach_km=max_reach_km, theatre=theatre)
    features = []
    for row in terr.itertuples():
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "layer": "territory",
                    "faction": row.faction,
                    "status": row.status,
                    "contested_by": row.contested_by if isinstance(row.contested_by, str) else None,
                    "tier": row.tier,
                    "country": row.country,
                    "area_km2": row.area_km2,
                },
                "geometry": rounded_mapping(row.geometry),
            }
        )
    for row in fronts.itertuples():
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "layer": "frontline",
                    "factions": [row.faction_a, row.faction_b],
                    "tier": row.tier,
                    "length_km": row.length_km,
                },
                "geometry": rounded_mapping(row.geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}
