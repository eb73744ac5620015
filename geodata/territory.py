"""Estimated territories and front lines from who holds which town.

Method
------
All the land is assigned, in two tiers per faction. Each country (Syria,
Iraq) is partitioned on its own into one cell per town: the land closer to
that town than to any other town of the country (its Voronoi cell), so a
cell never crosses the border and borders are never fronts. Each cell is
split once into a **core**, the part within the town's reach, and a
**nominal** periphery, the rest. The reach adapts to how dense the towns are:
``reach_factor`` times the distance to the town's second-nearest neighbour,
kept between ``min_reach_km`` and ``max_reach_km``.

In two sentences: *a faction's core is the land within reach of the towns it
holds; every other km² belongs, as nominal land, to the holder of the nearest
town of the same country, so the desert between two factions is split along
the line of equal distance.* Land whose nearest town has no known holder at
the date is land of unknown holder (faction ``"UNKNOWN"``).

The cells, cores and peripheries are fixed per place and computed once per
dataset: an epoch only relabels them (its controller per town), areas are
sums of precomputed areas, and a front is where two differently labelled
cells meet. For drawing, the labelled cells of each country are dissolved
and their boundaries smoothed as a coverage (Chaikin corner cutting of every
shared arc, the country's outline kept as it is), so front lines are
continuous curves without a staircase of cell corners and neighbouring
zones still share their edges exactly. A front is drawn solid (tier
``"core"``) where towns of both sides are within reach and dashed
(``"nominal"``) elsewhere.

Geometry is computed in a Lambert azimuthal equal-area projection centred on
the theatre, so areas are true and distances near-true, and returned in
EPSG:4326.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .borders import EQUAL_AREA_CRS
from .dataset import Dataset
from .factions import UNKNOWN
from .timeline import control_table, epoch_of, epochs, to_date

__all__ = [
    "METRIC_CRS",
    "DEFAULT_MAX_REACH_KM",
    "DEFAULT_MIN_REACH_KM",
    "DEFAULT_REACH_FACTOR",
    "TIERS",
    "territories",
    "front_lines",
    "area_series",
    "area_split",
    "territory_geojson",
]

# Lambert azimuthal equal-area centred on the theatre (40°E, 34°N): true areas,
# distance distortion under 1% within ~800 km of the centre.
METRIC_CRS = EQUAL_AREA_CRS
#: Largest reach of a town's core (``--max-reach-km``).
DEFAULT_MAX_REACH_KM = 40.0
#: Smallest reach of a town's core, however dense the towns around it.
DEFAULT_MIN_REACH_KM = 12.0
#: A town's reach: this times the distance to its second-nearest neighbour.
DEFAULT_REACH_FACTOR = 2.0
#: Tiers of a faction's land: near its towns, and the rest.
TIERS = ("core", "nominal")

_SMOOTH_ITERATIONS = 2
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


def _regions(theatre) -> list[tuple[str, shapely.Geometry]]:
    """The areas partitioned separately, in the metric CRS: each country, or ``theatre``."""
    if theatre is not None:
        geom = gpd.GeoSeries([theatre], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
        return [("", _grid(geom))]
    from .borders import load_borders

    borders = load_borders()
    theatre_rows = borders[borders["role"] == "theatre"].to_crs(METRIC_CRS)
    # Densified to 2 km (a straight edge stays straight, to centimetres, once
    # reprojected) and on a 1 m grid: the countries share their border vertex
    # for vertex, and so do the cells cut from them.
    return [
        (row.iso_a2, _grid(row.geometry))
        for row in theatre_rows.itertuples()
        if row.geometry is not None and not row.geometry.is_empty
    ]


def _grid(geom):
    return _polygonal(
        shapely.make_valid(shapely.set_precision(shapely.segmentize(geom, 2000.0), 1.0))
    )


def _polygonal(geom):
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
class _Cells:
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
    unions: OrderedDict = field(default_factory=OrderedDict)  # see _union
    edges: dict = field(default_factory=dict)  # see _neighbour_edges


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


def _build_cells(dataset: Dataset, params: tuple, theatre) -> _Cells:
    regions = _regions(theatre)
    points = dataset.places.geometry.to_crs(METRIC_CRS).to_numpy()
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
    reach = _reach(points, region, params)
    cells = np.full(n, None, dtype=object)
    core = np.full(n, None, dtype=object)
    nominal = np.full(n, None, dtype=object)
    for r, (_code, poly) in enumerate(regions):
        idx = np.flatnonzero(region == r)
        if not len(idx):
            continue
        coords = np.round(shapely.get_coordinates(points[idx]), 1)
        # Places at the same spot share one cell (the first of them gets it).
        _, first = np.unique(coords, axis=0, return_index=True)
        first = idx[np.sort(first)]
        if len(first) == 1:
            raw = [poly]
        else:
            envelope = shapely.box(*shapely.bounds(poly)).buffer(100_000)
            raw = shapely.get_parts(
                shapely.voronoi_polygons(
                    shapely.multipoints(points[first]), extend_to=envelope, ordered=True
                )
            )
        pieces = [_polygonal(shapely.intersection(g, poly)) for g in raw]
        discs = shapely.buffer(points[first], reach[first], quad_segs=16)
        split = []
        for cell, disc in zip(pieces, discs, strict=True):
            if cell is None:
                split.extend([None, None])
                continue
            split.append(_polygonal(shapely.intersection(cell, disc)))
            split.append(_polygonal(shapely.difference(cell, disc)))
        # One exact coverage of the country: every shared edge has identical
        # vertices, so dissolving and smoothing keep it free of gaps and overlaps.
        keep = [i for i, g in enumerate(split) if g is not None]
        if keep:
            cleaned = shapely.coverage_clean(np.asarray([split[i] for i in keep], dtype=object))
            for i, g in zip(keep, cleaned, strict=True):
                split[i] = None if g is None or g.is_empty else g
        for k, i in enumerate(first):
            core[i], nominal[i] = split[2 * k], split[2 * k + 1]
            parts = [g for g in (core[i], nominal[i]) if g is not None]
            cells[i] = shapely.coverage_union_all(parts) if parts else None

    def km2(geoms):
        has = np.array([g is not None for g in geoms], dtype=bool)
        out = np.zeros(len(geoms))
        if has.any():
            out[has] = shapely.area(np.asarray(list(geoms[has]), dtype=object)) / 1e6
        return out

    return _Cells(
        region=region,
        regions=regions,
        region_area_km2=np.array([p.area / 1e6 for _c, p in regions]),
        cells=cells,
        core=core,
        nominal=nominal,
        core_km2=km2(core),
        nominal_km2=km2(nominal),
        reach_m=reach,
        points=points,
        has_cell=np.array([g is not None for g in cells], dtype=bool),
    )


def _params(max_reach_km, min_reach_km=None, reach_factor=None) -> tuple:
    max_km = float(max_reach_km)
    min_km = DEFAULT_MIN_REACH_KM if min_reach_km is None else float(min_reach_km)
    factor = DEFAULT_REACH_FACTOR if reach_factor is None else float(reach_factor)
    return (max_km, min(min_km, max_km), factor)


def _cells(dataset: Dataset, params: tuple, theatre) -> _Cells:
    key = ("territory-cells", params, None if theatre is None else theatre.wkb)
    return dataset.cached(key, lambda: _build_cells(dataset, params, theatre))


_EPOCH_CACHE_SIZE = 16  # epochs of zones and fronts kept (a few hundred kB each)


def _per_epoch(dataset: Dataset, date, params: tuple, theatre) -> dict:
    """The epoch's smoothed zones and fronts, computed once per epoch and reused.

    A state (a DataFrame) is computed as given; a date is keyed by the start
    of its epoch in a bounded, least-recently-used cache on the dataset.
    """
    if isinstance(date, pd.DataFrame):
        return _compute_epoch(dataset, date, params, theatre)
    cache = dataset.cached("territory-epochs", OrderedDict)
    key = (epoch_of(dataset, date), params, None if theatre is None else theatre.wkb)
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = _compute_epoch(dataset, date, params, theatre)
        if len(cache) > _EPOCH_CACHE_SIZE:
            cache.popitem(last=False)
    return cache[key]


def _state(dataset: Dataset, date_or_state) -> pd.DataFrame:
    if isinstance(date_or_state, pd.DataFrame):
        return date_or_state
    return control_table(dataset, date_or_state)


def _labels(state: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    controller = state["controller"].to_numpy(dtype=object)
    status = state["status"].to_numpy(dtype=object)
    other = state["contested_by"].to_numpy(dtype=object)
    known = pd.notna(controller) & (controller != UNKNOWN)
    faction = np.where(known, controller, UNKNOWN)
    status = np.where(known, np.where(status == "contested", "contested", "held"), "unknown")
    other = np.where(status == "contested", other, "")
    other = np.where(pd.isna(other), "", other)
    return faction, status, other


# --- smoothing a coverage ----------------------------------------------------


def _chaikin(coords: np.ndarray, closed: bool, iterations: int) -> np.ndarray:
    """Chaikin's corner cutting; an open line keeps its two end points."""
    for _ in range(iterations):
        if len(coords) < 3:
            return coords
        a, b = coords[:-1], coords[1:]
        q = 0.75 * a + 0.25 * b
        r = 0.25 * a + 0.75 * b
        cut = np.empty((2 * len(a), 2))
        cut[0::2], cut[1::2] = q, r
        if closed:
            coords = np.vstack([cut, cut[:1]])
        else:
            coords = np.vstack([coords[:1], cut[1:-1], coords[-1:]])
    return coords


def _offset_probes(coords, first, count):
    """Points 0.5 m either side of the middle segment of each line."""
    k = first + (count - 1) // 2
    p0, p1 = coords[k], coords[np.minimum(k + 1, len(coords) - 1)]
    d = p1 - p0
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / np.maximum(np.hypot(*d.T), 1e-9)[:, None]
    mid = (p0 + p1) / 2
    return shapely.points(mid + 0.5 * normal), shapely.points(mid - 0.5 * normal)


def _sides(lines, polygons: list) -> np.ndarray:
    """Index of the polygon on either side of each line (-1: none)."""
    coords, which = shapely.get_coordinates(lines, return_index=True)
    first = np.searchsorted(which, np.arange(len(lines)))
    count = np.bincount(which, minlength=len(lines))
    kept = [i for i, g in enumerate(polygons) if g is not None]
    out = np.full((len(lines), 2), -1)
    if not kept or not len(lines):
        return out
    tree = shapely.STRtree(np.asarray([polygons[i] for i in kept], dtype=object))
    ids = np.asarray(kept)
    for side, probe in enumerate(_offset_probes(coords, first, count)):
        pt, pol = tree.query(probe, predicate="within")
        out[pt, side] = ids[pol]
    return out


def _smooth_coverage(
    polygons: list, iterations: int, anchors: list | None = None
) -> tuple[list, list]:
    """Smooth the shared edges of polygons that form a coverage; keep its outline.

    The boundaries are noded into arcs that end where three or more polygons
    (or the outline) meet; each inner arc is smoothed with its ends fixed, so
    a shared edge stays shared and the result is again an exact coverage.
    The faces rebuilt from the arcs go back to the polygon that holds each.
    ``anchors``, ``(point, polygon index)`` pairs (the towns), stay inside
    their polygon: the arcs around a town that smoothing would leave outside
    are kept as they were.

    Returns
    -------
    (list, list)
        The smoothed polygons (same order; None for a sliver that smoothing
        gave to its neighbours), and the inner arcs as ``(i, j, line)``: the
        indices of the polygons on either side and the (smoothed) line.
    """
    if len(polygons) < 2:
        return list(polygons), []
    polys = np.asarray(polygons, dtype=object)
    arcs = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.boundary(polys))))
    sides = _sides(arcs, polygons)
    inner_mask = (sides[:, 0] >= 0) & (sides[:, 1] >= 0) & (sides[:, 0] != sides[:, 1])
    coords, which = shapely.get_coordinates(arcs, return_index=True)
    first = np.searchsorted(which, np.arange(len(arcs)))
    count = np.bincount(which, minlength=len(arcs))
    smooth_lines = np.array(arcs, dtype=object)
    if iterations > 0 and inner_mask.any():
        pieces, index = [], []
        for n, a_ in enumerate(np.flatnonzero(inner_mask)):
            xy = coords[first[a_] : first[a_] + count[a_]]
            out = _chaikin(xy, bool((xy[0] == xy[-1]).all()), iterations)
            pieces.append(out)
            index.append(np.full(len(out), n))
        lines = shapely.linestrings(np.vstack(pieces), indices=np.concatenate(index))
        # Thinned to 150 m: both sides share this very line.
        smooth_lines[inner_mask] = shapely.simplify(lines, 150.0)
    # Long straight edges (a cell's side across an empty desert) cut into 20 km
    # pieces, once, on the arc both sides share: straight in metres is not
    # straight in degrees, and an edge of hundreds of km could cross another
    # once reprojected.
    smooth_lines = shapely.segmentize(smooth_lines, 20_000.0)
    arcs = shapely.segmentize(arcs, 20_000.0)
    frozen = np.zeros(len(polygons), dtype=bool)  # polygons whose arcs stay as they were
    ptree = shapely.STRtree(polys)
    # Only towns inside their polygon to begin with (a town on the coast or a
    # border can lie a little outside its country's outline).
    anchors = [(point, i) for point, i in (anchors or []) if polygons[i].contains(point)]
    for _attempt in range(5):
        use = np.where(
            inner_mask & ~(frozen[np.maximum(sides[:, 0], 0)] | frozen[np.maximum(sides[:, 1], 0)]),
            smooth_lines,
            arcs,
        )
        # Noded again: two smoothed arcs near a junction can cross.
        noded = shapely.get_parts(shapely.union_all(np.asarray(use, dtype=object)))
        faces = shapely.get_parts(shapely.polygonize(noded))
        if not len(faces):
            return list(polygons), []
        owner = np.full(len(faces), -1)
        face_i, pol_i = ptree.query(shapely.point_on_surface(faces), predicate="within")
        owner[face_i] = pol_i
        for f in np.flatnonzero(owner < 0):  # a probe on an edge: the largest overlap wins
            hits = ptree.query(faces[f])
            if len(hits):
                overlap = shapely.area(shapely.intersection(faces[f], ptree.geometries[hits]))
                owner[f] = hits[int(np.argmax(overlap))]
        out = []
        for i in range(len(polygons)):
            mine = faces[owner == i]
            out.append(shapely.coverage_union_all(mine) if len(mine) else None)
        lost = [
            i
            for point, i in anchors
            if not frozen[i] and (out[i] is None or not out[i].contains(point))
        ]
        if not lost:
            break
        frozen[lost] = True
    used = np.asarray(use, dtype=object)[inner_mask]
    final = _sides(used, out)
    ok = (final[:, 0] >= 0) & (final[:, 1] >= 0) & (final[:, 0] != final[:, 1])
    # An arc is a front only where it lies on both zones' boundaries (a face
    # given to a neighbour when two smoothed arcs crossed can leave it inside one).
    edges: dict[int, object] = {}
    inner = []
    for n in np.flatnonzero(ok):
        i, j = int(final[n, 0]), int(final[n, 1])
        probe = shapely.points(shapely.get_coordinates(used[n]))
        for k in (i, j):
            if k not in edges:
                edges[k] = shapely.boundary(out[k])
                shapely.prepare(edges[k])
        if all(shapely.dwithin(probe, edges[k], 1.0).all() for k in (i, j)):
            inner.append((i, j, used[n]))
    return out, inner


# --- one epoch ---------------------------------------------------------------


def _compute_epoch(dataset: Dataset, date, params: tuple, theatre) -> dict:
    """Zones ``(faction, status, contested_by, tier, country, geometry)`` and fronts
    ``(faction_a, faction_b, tier, line)`` of one epoch (metric CRS).

    A country whose towns are labelled as in an epoch already computed (most
    changes touch one country) reuses that country's zones and fronts.
    """
    state = _state(dataset, date)
    c = _cells(dataset, params, theatre)
    faction, status, other = _labels(state)
    cache = dataset.cached(("territory-countries", params, _wkb(theatre)), OrderedDict)
    zones, fronts = [], []
    for r in range(len(c.regions)):
        idx = np.flatnonzero((c.region == r) & c.has_cell)
        key = (r, tuple(faction[idx]), tuple(status[idx]), tuple(other[idx]))
        if key in cache:
            cache.move_to_end(key)
        else:
            cache[key] = _country_epoch(c, r, idx, faction, status, other)
            if len(cache) > 2 * _EPOCH_CACHE_SIZE:
                cache.popitem(last=False)
        z, f = cache[key]
        zones.extend(z)
        fronts.extend(f)
    return {"zones": zones, "fronts": fronts}


def _country_epoch(c: _Cells, r: int, idx, faction, status, other) -> tuple[list, list]:
    code, outline = c.regions[r]
    if not len(idx):
        return [(UNKNOWN, "unknown", "", "nominal", code, outline)], []
    groups: dict[tuple, list[int]] = {}
    for i in idx:
        groups.setdefault((faction[i], status[i], other[i]), []).append(i)
    pieces, names = [], []
    for key in sorted(groups):
        members = groups[key]
        if key[0] == UNKNOWN:  # no holder: no core
            parts = [g for g in c.cells[members] if g is not None]
            tiers = [("nominal", parts)]
        else:
            tiers = [
                ("core", [g for g in c.core[members] if g is not None]),
                ("nominal", [g for g in c.nominal[members] if g is not None]),
            ]
        for tier, parts in tiers:
            if parts:
                pieces.append(_union(c, (tier, key[0] == UNKNOWN, tuple(members)), parts))
                names.append((*key, tier))
    if len(idx) > _SMOOTH_MAX_TOWNS:
        return _dense_country_epoch(c, r, idx, faction, names, pieces)
    # Each held town stays inside its own core.
    where = {name: n for n, name in enumerate(names)}
    anchors = [
        (c.points[i], where[(faction[i], status[i], other[i], "core")])
        for i in idx
        if (faction[i], status[i], other[i], "core") in where
    ]
    smooth, arcs = _smooth_coverage(pieces, _SMOOTH_ITERATIONS, anchors)
    zones = [
        (f, s_, o, tier, code, geom)
        for (f, s_, o, tier), geom in zip(names, smooth, strict=True)
        if geom is not None
    ]
    fronts = []
    for i, j, line in arcs:
        fa, fb = names[i][0], names[j][0]
        if fa == fb or UNKNOWN in (fa, fb):
            continue
        tier = "core" if names[i][3] == names[j][3] == "core" else "nominal"
        fronts.append((min(fa, fb), max(fa, fb), tier, line))
    return zones, fronts


#: Above this many towns in a country the cells are fine enough to read as
#: continuous fronts unsmoothed, and smoothing them would take seconds an epoch.
_SMOOTH_MAX_TOWNS = 2500


def _neighbour_edges(c: _Cells, r: int):
    """Town pairs of a country whose cells share an edge, with the edge and its tier
    (core where both towns reach its middle). Fixed per dataset, made once."""
    if r not in c.edges:
        idx = np.flatnonzero((c.region == r) & c.has_cell)
        cells = np.asarray(list(c.cells[idx]), dtype=object)
        tree = shapely.STRtree(cells)
        a, b = tree.query(cells, predicate="touches")
        keep = a < b
        a, b = idx[a[keep]], idx[b[keep]]
        lines = shapely.line_merge(shapely.intersection(c.cells[a], c.cells[b]))
        ok = np.isin(shapely.get_type_id(lines), [1, 2, 5]) & (shapely.length(lines) > 1.0)
        a, b, lines = a[ok], b[ok], lines[ok]
        mid = shapely.line_interpolate_point(lines, 0.5, normalized=True)
        core = (shapely.distance(mid, c.points[a]) <= c.reach_m[a] * 1.01) & (
            shapely.distance(mid, c.points[b]) <= c.reach_m[b] * 1.01
        )
        c.edges[r] = (a, b, lines, core)
    return c.edges[r]


def _dense_country_epoch(c: _Cells, r: int, idx, faction, names, pieces):
    """A country of very many towns: its zones unsmoothed, fronts on the cells' edges."""
    code = c.regions[r][0]
    zones = [(f, s_, o, tier, code, geom) for (f, s_, o, tier), geom in zip(names, pieces,
             strict=True)]  # fmt: skip
    a, b, lines, core = _neighbour_edges(c, r)
    fa, fb = faction[a], faction[b]
    differ = (fa != fb) & (fa != UNKNOWN) & (fb != UNKNOWN)
    fronts = [
        (min(x, y), max(x, y), "core" if k else "nominal", line)
        for x, y, k, line in zip(fa[differ], fb[differ], core[differ], lines[differ],
                                 strict=True)
    ]  # fmt: skip
    return zones, fronts


def _union(c: _Cells, key: tuple, parts: list):
    """The union of a group's cells (or cores, or peripheries), kept for the next epochs."""
    cache = c.unions
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    geom = shapely.coverage_union_all(np.asarray(parts, dtype=object))
    cache[key] = geom
    if len(cache) > 256:
        cache.popitem(last=False)
    return geom


def _wkb(theatre):
    return None if theatre is None else theatre.wkb


# --- public functions ----------------------------------------------------------


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
    params = _params(max_reach_km, min_reach_km, reach_factor)
    epoch = _per_epoch(dataset, date, params, theatre)
    rows = [z for z in epoch["zones"] if z[5] is not None and not z[5].is_empty]
    frame = pd.DataFrame(rows, columns=["faction", "status", "contested_by", "tier", "country",
                                        "geometry"])  # fmt: skip
    frame["area_km2"] = np.round(shapely.area(frame["geometry"].to_numpy()) / 1e6, 1)
    frame["contested_by"] = frame["contested_by"].replace("", None)
    frame = frame[frame["area_km2"] > 0]
    out = gpd.GeoDataFrame(
        frame[_TERRITORY_COLUMNS].sort_values(["faction", "status", "tier", "country"]),
        geometry="geometry",
        crs=METRIC_CRS,
    ).reset_index(drop=True)
    out = out.to_crs("EPSG:4326")
    bad = ~out.is_valid
    if bad.any():  # a spike of a few metres can cross itself once reprojected
        out.loc[bad, "geometry"] = [_polygonal(shapely.make_valid(g)) for g in out.geometry[bad]]
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
    params = _params(max_reach_km, min_reach_km, reach_factor)
    epoch = _per_epoch(dataset, date, params, theatre)
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
        pd.DataFrame(rows, columns=_FRONT_COLUMNS), geometry="geometry", crs=METRIC_CRS
    )
    return out.to_crs("EPSG:4326")


def area_split(
    dataset: Dataset,
    *,
    max_reach_km: float = DEFAULT_MAX_REACH_KM,
    theatre=None,
    min_reach_km: float | None = None,
    reach_factor: float | None = None,
) -> pd.DataFrame:
    """Return every faction's area by country and tier at the start of every epoch.

    Areas are sums of the fixed cells' core and nominal areas (before the
    drawing's smoothing, which moves area between neighbours by well under
    1 %). Land whose nearest town has no known holder, and a country with no
    town at all, is counted under the faction ``"UNKNOWN"`` (tier nominal).
    For each date a country's rows add up to its land area.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``faction``, ``country``, ``tier``, ``area_km2``, one row
        per epoch, faction, country and tier (0 when a faction that holds
        land at some date holds none of it then), oldest first.
    """
    params = _params(max_reach_km, min_reach_km, reach_factor)
    c = _cells(dataset, params, theatre)
    codes = np.array([code for code, _p in c.regions], dtype=object)
    placed = c.region >= 0
    country = np.where(placed, codes[np.where(placed, c.region, 0)], "")
    empty = {code: area for (code, _p), area in zip(c.regions, c.region_area_km2, strict=True)}
    for code in country[placed]:
        empty.pop(code, None)
    rows = []
    for start in epochs(dataset)["start"]:
        faction, _status, _other = _labels(control_table(dataset, start))
        frame = pd.DataFrame(
            {
                "faction": faction[placed],
                "country": country[placed],
                "core": np.where(faction[placed] == UNKNOWN, 0.0, c.core_km2[placed]),
                "nominal": np.where(
                    faction[placed] == UNKNOWN,
                    c.core_km2[placed] + c.nominal_km2[placed],
                    c.nominal_km2[placed],
                ),
            }
        )
        sums = frame.groupby(["faction", "country"], sort=True)[["core", "nominal"]].sum()
        for (f, code), row in sums.iterrows():
            for tier in TIERS:
                rows.append((start, f, code, tier, float(row[tier])))
        for code, area in empty.items():
            rows.append((start, UNKNOWN, code, "nominal", float(area)))
    table = pd.DataFrame(rows, columns=["date", "faction", "country", "tier", "area_km2"])
    if table.empty:
        return table
    # Every (faction, country, tier) that ever holds land gets a row per epoch.
    full = table.pivot_table(
        index="date", columns=["faction", "country", "tier"], values="area_km2", aggfunc="sum"
    ).fillna(0.0)
    out = full.stack(["faction", "country", "tier"], future_stack=True).rename("area_km2")
    out = out.reset_index()
    out = out[~((out["faction"] == UNKNOWN) & (out["tier"] == "core"))]
    out["area_km2"] = out["area_km2"].round(1)
    return out.sort_values(["date", "faction", "country", "tier"], kind="stable").reset_index(
        drop=True
    )


def area_series(
    dataset: Dataset,
    *,
    max_reach_km: float = DEFAULT_MAX_REACH_KM,
    theatre=None,
    min_reach_km: float | None = None,
    reach_factor: float | None = None,
) -> pd.DataFrame:
    """Return the core area of each faction at the start of every epoch.

    Cells do not overlap, so a faction's core area is the sum of the cores
    of the towns it holds (contested towns count for their controller).

    Returns
    -------
    pandas.DataFrame
        ``date``, ``faction``, ``area_km2``, one row per epoch and faction
        holding anything, oldest first.
    """
    split = area_split(
        dataset,
        max_reach_km=max_reach_km,
        theatre=theatre,
        min_reach_km=min_reach_km,
        reach_factor=reach_factor,
    )
    if split.empty:
        return pd.DataFrame(columns=["date", "faction", "area_km2"])
    core = split[(split["tier"] == "core") & (split["faction"] != UNKNOWN)]
    out = core.groupby(["date", "faction"], sort=True)["area_km2"].sum().round(1).reset_index()
    return out.sort_values(["date", "faction"], kind="stable").reset_index(drop=True)


def territory_geojson(
    dataset: Dataset, date, *, max_reach_km: float = DEFAULT_MAX_REACH_KM, theatre=None
) -> dict:
    """Return territories and front lines at a date as one GeoJSON FeatureCollection.

    Territory features carry ``"layer": "territory"``, ``faction``, ``status``,
    ``contested_by``, ``tier``, ``country`` and ``area_km2``; front-line
    features carry ``"layer": "frontline"``, ``factions`` (two codes),
    ``tier`` and ``length_km``.
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
                    "tier": row.tier,
                    "country": row.country,
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
                    "tier": row.tier,
                    "length_km": row.length_km,
                },
                "geometry": _mapping(row.geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _mapping(geometry) -> dict:
    """GeoJSON geometry dict with coordinates rounded to 5 decimals (~1 m)."""
    return shapely.geometry.mapping(shapely.transform(geometry, lambda c: np.round(c, 5)))
