"""One epoch: the fixed cells labelled by who holds each town, dissolved into zones.

A zone is ``(faction, status, contested_by, tier, country, geometry)`` and a
front ``(faction_a, faction_b, tier, line)``, both in the metric CRS. Each
country is done on its own; a country whose towns are labelled as in an
epoch already computed (most changes touch one country) reuses that
country's zones and fronts from a bounded cache on the dataset.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd
import shapely

from geodata.dataset import Dataset
from geodata.factions import UNKNOWN
from geodata.timeline import control_table

from .cells import Cells, fixed_cells
from .smoothing import smooth_coverage

__all__ = ["epoch_zones", "state_labels"]

_SMOOTH_ITERATIONS = 2
#: Above this many towns in a country the cells are fine enough to read as
#: continuous fronts unsmoothed, and smoothing them would take seconds an epoch.
_SMOOTH_MAX_TOWNS = 2500
# Countries' zones and fronts kept per dataset (a few hundred kB each): 12
# epochs of two countries. The dashboard caches whole epochs on its side.
_COUNTRY_CACHE_SIZE = 24
# Unions of a group's cells kept per dataset and parameter set.
_UNION_CACHE_SIZE = 128


def _state(dataset: Dataset, date_or_state) -> pd.DataFrame:
    if isinstance(date_or_state, pd.DataFrame):
        return date_or_state
    return control_table(dataset, date_or_state)


def state_labels(state: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per place: the faction its cell goes to, its status and the contesting faction.

    ``faction`` is ``"UNKNOWN"`` where no holder is known, ``status`` one of
    ``"held"``, ``"contested"``, ``"unknown"``, and ``contested_by`` is ``""``
    unless the town is contested.
    """
    controller = state["controller"].to_numpy(dtype=object)
    status = state["status"].to_numpy(dtype=object)
    other = state["contested_by"].to_numpy(dtype=object)
    known = pd.notna(controller) & (controller != UNKNOWN)
    faction = np.where(known, controller, UNKNOWN)
    status = np.where(known, np.where(status == "contested", "contested", "held"), "unknown")
    other = np.where(status == "contested", other, "")
    other = np.where(pd.isna(other), "", other)
    return faction, status, other


def _wkb(theatre):
    return None if theatre is None else theatre.wkb


def epoch_zones(dataset: Dataset, date, params: tuple, theatre) -> dict:
    """Zones ``(faction, status, contested_by, tier, country, geometry)`` and fronts
    ``(faction_a, faction_b, tier, line)`` at a date, or of a state (metric CRS).

    A country whose towns are labelled as in an epoch already computed (most
    changes touch one country) reuses that country's zones and fronts.
    """
    state = _state(dataset, date)
    c = fixed_cells(dataset, params, theatre)
    faction, status, other = state_labels(state)
    cache = dataset.cached(("territory-countries", params, _wkb(theatre)), OrderedDict)
    zones, fronts = [], []
    for r in range(len(c.regions)):
        idx = np.flatnonzero((c.region == r) & c.has_cell)
        key = (r, tuple(faction[idx]), tuple(status[idx]), tuple(other[idx]))
        if key in cache:
            cache.move_to_end(key)
        else:
            cache[key] = _country_epoch(c, r, idx, faction, status, other)
            if len(cache) > _COUNTRY_CACHE_SIZE:
                cache.popitem(last=False)
        z, f = cache[key]
        zones.extend(z)
        fronts.extend(f)
    return {"zones": zones, "fronts": fronts}


def _country_groups(c: Cells, idx, faction, status, other) -> tuple[list, list]:
    """One dissolved piece per ``(faction, status, contested_by)`` group and tier."""
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
    return pieces, names


def _country_epoch(c: Cells, r: int, idx, faction, status, other) -> tuple[list, list]:
    code, outline = c.regions[r]
    if not len(idx):
        return [(UNKNOWN, "unknown", "", "nominal", code, outline)], []
    pieces, names = _country_groups(c, idx, faction, status, other)
    if len(idx) > _SMOOTH_MAX_TOWNS:
        return _dense_country_epoch(c, r, faction, names, pieces)
    # Each held town stays inside its own core.
    where = {name: n for n, name in enumerate(names)}
    anchors = [
        (c.points[i], where[(faction[i], status[i], other[i], "core")])
        for i in idx
        if (faction[i], status[i], other[i], "core") in where
    ]
    smooth, arcs = smooth_coverage(pieces, _SMOOTH_ITERATIONS, anchors)
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


def _neighbour_edges(c: Cells, r: int):
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


def _dense_country_epoch(c: Cells, r: int, faction, names, pieces):
    """A country of very many towns: its zones unsmoothed, fronts on the cells' edges."""
    code = c.regions[r][0]
    zones = [
        (f, s_, o, tier, code, geom) for (f, s_, o, tier), geom in zip(names, pieces, strict=True)
    ]
    a, b, lines, core = _neighbour_edges(c, r)
    fa, fb = faction[a], faction[b]
    differ = (fa != fb) & (fa != UNKNOWN) & (fb != UNKNOWN)
    fronts = [
        (min(x, y), max(x, y), "core" if k else "nominal", line)
        for x, y, k, line in zip(fa[differ], fb[differ], core[differ], lines[differ], strict=True)
    ]
    return zones, fronts


def _union(c: Cells, key: tuple, parts: list):
    """The union of a group's cells (or cores, or peripheries), kept for the next epochs."""
    cache = c.unions
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    geom = shapely.coverage_union_all(np.asarray(parts, dtype=object))
    cache[key] = geom
    if len(cache) > _UNION_CACHE_SIZE:
        cache.popitem(last=False)
    return geom
