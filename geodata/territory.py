"""Estimated territories and front lines from who holds which town.

Method
------
Each place claims the land closer to it than to any other place (its Voronoi
cell), but no farther than ``max_reach_km`` from it and never outside the
theatre (Syria and Iraq). The cells of places held by one faction are merged
into that faction's territory; the cell of a contested place is a contested
zone. A front line is the stretch of a Voronoi edge shared by two places held
by different factions, where both cells reach. Geometry is computed in a
Lambert azimuthal equal-area projection centred on the theatre, so areas are
true and distances near-true, and returned in EPSG:4326.

Everything that does not depend on the date (cells, neighbour edges, areas)
is computed once per dataset and parameter set; a date then only groups
precomputed pieces, which is why an epoch costs milliseconds.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .borders import EQUAL_AREA_CRS
from .dataset import Dataset
from .timeline import control_table, epoch_of, epochs, to_date

__all__ = [
    "METRIC_CRS",
    "DEFAULT_MAX_REACH_KM",
    "territories",
    "front_lines",
    "area_series",
    "territory_geojson",
]

# Lambert azimuthal equal-area centred on the theatre (40°E, 34°N): true areas,
# distance distortion under 1% within ~800 km of the centre.
METRIC_CRS = EQUAL_AREA_CRS
DEFAULT_MAX_REACH_KM = 40.0


def _theatre_metric(theatre) -> shapely.Geometry:
    if theatre is None:
        from .borders import theatre_polygon

        theatre = theatre_polygon()
    return gpd.GeoSeries([theatre], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]


@dataclass(frozen=True)
class _Cells:
    """Date-independent geometry of one dataset and parameter set."""

    cells: np.ndarray  # clipped cell per place (metric CRS), None where empty
    area_km2: np.ndarray
    pair_i: np.ndarray  # neighbouring places i < j whose clipped cells share an edge
    pair_j: np.ndarray
    pair_line: np.ndarray  # that shared edge (metric CRS)


def _build_cells(dataset: Dataset, max_reach_km: float, theatre) -> _Cells:
    area = _theatre_metric(theatre)
    points = dataset.places.geometry.to_crs(METRIC_CRS).to_numpy()
    n = len(points)
    coords = shapely.get_coordinates(points)
    # Places at the same spot share one cell (the first of them gets it).
    _, first = np.unique(np.round(coords, 1), axis=0, return_index=True)
    first = np.sort(first)
    envelope = shapely.box(*shapely.bounds(area)).buffer(max_reach_km * 4000)
    raw = np.full(n, None, dtype=object)
    if len(first) == 1:
        raw[first] = [envelope]
    elif len(first) > 1:
        diagram = shapely.voronoi_polygons(
            shapely.multipoints(points[first]), extend_to=envelope, ordered=True
        )
        raw[first] = shapely.get_parts(diagram)
    reach = shapely.buffer(points, max_reach_km * 1000, quad_segs=16)
    limit = shapely.intersection(reach, area)
    cells = np.full(n, None, dtype=object)
    has = np.array([g is not None for g in raw])
    cells[has] = shapely.make_valid(shapely.intersection(raw[has], limit[has]))
    # Keep polygonal parts only (an intersection can add slivers of lines/points).
    cells[has] = [
        shapely.union_all(
            [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        )
        for g in cells[has]
    ]
    # Make the cells an exact coverage: shared edges with identical vertices,
    # so that unions per faction neither overlap nor leave slivers, and stay
    # valid when reprojected.
    has &= np.array([g is not None and not g.is_empty for g in cells])
    if has.any():
        cleaned = shapely.coverage_clean(np.asarray(list(cells[has]), dtype=object))
        cells[has] = cleaned
        has &= np.array([g is not None and not g.is_empty for g in cells])
    cells[~has] = None
    areas = np.where(has, shapely.area(np.where(has, cells, shapely.Point())) / 1e6, 0.0)

    # Neighbours: raw Voronoi cells share an exact edge; keep the part of it
    # where both places' reach and the theatre overlap.
    idx = np.flatnonzero(has)
    tree = shapely.STRtree(raw[idx])
    left, right = tree.query(raw[idx], predicate="intersects")
    keep = left < right
    pi, pj = idx[left[keep]], idx[right[keep]]
    edges = shapely.intersection(raw[pi], raw[pj])
    edges = shapely.intersection(edges, shapely.intersection(limit[pi], limit[pj]))
    is_line = np.isin(shapely.get_type_id(edges), [1, 5]) | (shapely.length(edges) > 0)
    is_line &= ~shapely.is_empty(edges)
    return _Cells(
        cells=cells,
        area_km2=areas,
        pair_i=pi[is_line],
        pair_j=pj[is_line],
        pair_line=edges[is_line],
    )


def _cells(dataset: Dataset, max_reach_km: float, theatre) -> _Cells:
    key = ("territory-cells", float(max_reach_km), None if theatre is None else theatre.wkb)
    return dataset.cached(key, lambda: _build_cells(dataset, max_reach_km, theatre))


_EPOCH_CACHE_SIZE = 512


def _per_epoch(dataset: Dataset, compute, date, *, max_reach_km: float, theatre):
    """Run ``compute`` once per epoch (the span in which nothing changes) and reuse it.

    A given state (a DataFrame) is computed as asked; a date is keyed by the
    start of its epoch in a bounded, least-recently-used cache on the dataset.
    """
    if isinstance(date, pd.DataFrame):
        return compute(dataset, date, max_reach_km=max_reach_km, theatre=theatre)
    cache = dataset.cached("territory-epochs", OrderedDict)
    key = (
        compute.__name__,
        epoch_of(dataset, date),
        float(max_reach_km),
        None if theatre is None else theatre.wkb,
    )
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = compute(dataset, date, max_reach_km=max_reach_km, theatre=theatre)
        if len(cache) > _EPOCH_CACHE_SIZE:
            cache.popitem(last=False)
    return cache[key].copy()


def _state(dataset: Dataset, date_or_state) -> gpd.GeoDataFrame:
    if isinstance(date_or_state, pd.DataFrame):
        return date_or_state
    return control_table(dataset, date_or_state)


def territories(
    dataset: Dataset, date, *, max_reach_km: float = DEFAULT_MAX_REACH_KM, theatre=None
) -> gpd.GeoDataFrame:
    """Return the estimated territory of each faction at a date.

    Parameters
    ----------
    dataset : Dataset
    date : str, datetime-like or GeoDataFrame
        The date, or a state already computed by :func:`~geodata.timeline.control_at`.
    max_reach_km : float, default 40
        How far from a town its holder's control is assumed to reach.
    theatre : shapely geometry, optional
        Area to clip to (EPSG:4326); default: Syria and Iraq.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per ``(faction, status, contested_by)``: ``faction`` (the
        controller), ``status`` (``"held"`` or ``"contested"``),
        ``contested_by``, ``area_km2`` and a (Multi)Polygon in EPSG:4326.
        Rows do not overlap.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> t = territories(load_builtin(), "2015-06-01")
    >>> "ISIS" in set(t["faction"])
    True
    """
    return _per_epoch(dataset, _territories, date, max_reach_km=max_reach_km, theatre=theatre)


def _territories(dataset: Dataset, date, *, max_reach_km: float, theatre) -> gpd.GeoDataFrame:
    state = _state(dataset, date)
    c = _cells(dataset, max_reach_km, theatre)
    frame = pd.DataFrame(
        {
            "faction": state["controller"].to_numpy(dtype=object),
            "status": state["status"].to_numpy(dtype=object),
            "contested_by": state["contested_by"].to_numpy(dtype=object),
            "cell": c.cells,
            "area_km2": c.area_km2,
        }
    )
    frame["contested_by"] = frame["contested_by"].where(frame["status"] == "contested", "")
    frame = frame[frame["faction"].notna() & frame["cell"].notna() & (frame["area_km2"] > 0)]
    rows = []
    for (faction, status, other), group in frame.groupby(
        ["faction", "status", "contested_by"], sort=True
    ):
        geometry = shapely.coverage_union_all(group["cell"].to_numpy())
        rows.append(
            {
                "faction": faction,
                "status": status,
                "contested_by": other or None,
                "area_km2": round(float(shapely.area(geometry)) / 1e6, 1),
                "geometry": geometry,
            }
        )
    out = gpd.GeoDataFrame(
        rows,
        columns=["faction", "status", "contested_by", "area_km2", "geometry"],
        geometry="geometry",
        crs=METRIC_CRS,
    )
    return out.to_crs("EPSG:4326")


def front_lines(
    dataset: Dataset, date, *, max_reach_km: float = DEFAULT_MAX_REACH_KM, theatre=None
) -> gpd.GeoDataFrame:
    """Return the front lines at a date: where territories of two factions meet.

    International borders and the coast are never front lines: only edges
    between two places' cells are. A contested place counts for its
    controller here (the contest shows as a zone in :func:`territories`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per pair of factions: ``faction_a`` < ``faction_b``
        (alphabetical), ``length_km`` and a (Multi)LineString in EPSG:4326.
    """
    return _per_epoch(dataset, _front_lines, date, max_reach_km=max_reach_km, theatre=theatre)


def _front_lines(dataset: Dataset, date, *, max_reach_km: float, theatre) -> gpd.GeoDataFrame:
    state = _state(dataset, date)
    c = _cells(dataset, max_reach_km, theatre)
    controller = state["controller"].to_numpy(dtype=object)
    a, b = controller[c.pair_i], controller[c.pair_j]
    valid = pd.notna(a) & pd.notna(b)
    valid[valid] = a[valid] != b[valid]
    rows = []
    if valid.any():
        pairs = pd.DataFrame(
            {
                "faction_a": np.where(a[valid] < b[valid], a[valid], b[valid]),
                "faction_b": np.where(a[valid] < b[valid], b[valid], a[valid]),
                "line": c.pair_line[valid],
            }
        )
        for (fa, fb), group in pairs.groupby(["faction_a", "faction_b"], sort=True):
            line = shapely.line_merge(shapely.union_all(group["line"].to_numpy()))
            rows.append(
                {
                    "faction_a": fa,
                    "faction_b": fb,
                    "length_km": round(float(shapely.length(line)) / 1000, 1),
                    "geometry": line,
                }
            )
    out = gpd.GeoDataFrame(
        rows,
        columns=["faction_a", "faction_b", "length_km", "geometry"],
        geometry="geometry",
        crs=METRIC_CRS,
    )
    return out.to_crs("EPSG:4326")


def area_series(
    dataset: Dataset, *, max_reach_km: float = DEFAULT_MAX_REACH_KM, theatre=None
) -> pd.DataFrame:
    """Return the estimated area of each faction at the start of every epoch.

    Cells do not overlap, so a faction's area is the sum of its places' cell
    areas (contested places count for their controller).

    Returns
    -------
    pandas.DataFrame
        ``date``, ``faction``, ``area_km2``, one row per epoch and faction
        holding anything, oldest first.
    """
    c = _cells(dataset, max_reach_km, theatre)
    sums = {}
    for start in epochs(dataset)["start"]:
        state = control_table(dataset, start)
        by = pd.Series(c.area_km2).groupby(state["controller"].to_numpy(dtype=object)).sum()
        sums[start] = by
    # Every faction that ever held land gets a row per epoch (0 when it holds
    # nothing), so a chart falls to zero instead of stopping.
    table = pd.DataFrame(sums).T.fillna(0.0).round(1)
    table.index.name = "date"
    out = table.reset_index().melt(id_vars="date", var_name="faction", value_name="area_km2")
    return out.sort_values(["date", "faction"], kind="stable").reset_index(drop=True)


def territory_geojson(
    dataset: Dataset, date, *, max_reach_km: float = DEFAULT_MAX_REACH_KM, theatre=None
) -> dict:
    """Return territories and front lines at a date as one GeoJSON FeatureCollection.

    Territory features carry ``"layer": "territory"``, ``faction``, ``status``,
    ``contested_by`` and ``area_km2``; front-line features carry
    ``"layer": "frontline"``, ``factions`` (two codes) and ``length_km``.
    """
    date = to_date(date) if not isinstance(date, pd.DataFrame) else date
    state = _state(dataset, date)
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
                    "area_km2": row.area_km2,
                },
                "geometry": _mapping(row.geometry),
            }
        )
    for row in fronts.itertuples():
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "layer": "frontline",
                    "factions": [row.faction_a, row.faction_b],
                    "length_km": row.length_km,
                },
                "geometry": _mapping(row.geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _mapping(geometry) -> dict:
    """GeoJSON geometry dict with coordinates rounded to 5 decimals (~1 m)."""
    return shapely.geometry.mapping(shapely.transform(geometry, lambda c: np.round(c, 5)))
