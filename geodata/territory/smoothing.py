"""Smoothing a coverage: Chaikin corner cutting of every shared arc, the outline kept.

Used to draw each country's labelled cells as continuous zones: the shared
edges are smoothed once, so neighbouring zones still share them exactly and
front lines have no staircase of cell corners. Pure geometry (numpy and
shapely), in whatever metric CRS the polygons are in.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["smooth_coverage"]


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


def _smoothed_arcs(arcs: np.ndarray, inner_mask: np.ndarray, iterations: int) -> np.ndarray:
    """The arcs with every inner one smoothed (its ends fixed) and thinned."""
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
    return smooth_lines


def _owned_faces(use, ptree, n: int) -> list | None:
    """Polygonize the arcs and give each face to the polygon that holds it.

    Returns one geometry per polygon (None for one left with no face), or
    None when the arcs enclose no face at all.
    """
    # Noded again: two smoothed arcs near a junction can cross.
    noded = shapely.get_parts(shapely.union_all(np.asarray(use, dtype=object)))
    faces = shapely.get_parts(shapely.polygonize(noded))
    if not len(faces):
        return None
    owner = np.full(len(faces), -1)
    face_i, pol_i = ptree.query(shapely.point_on_surface(faces), predicate="within")
    owner[face_i] = pol_i
    for f in np.flatnonzero(owner < 0):  # a probe on an edge: the largest overlap wins
        hits = ptree.query(faces[f])
        if len(hits):
            overlap = shapely.area(shapely.intersection(faces[f], ptree.geometries[hits]))
            owner[f] = hits[int(np.argmax(overlap))]
    out = []
    for i in range(n):
        mine = faces[owner == i]
        out.append(shapely.coverage_union_all(mine) if len(mine) else None)
    return out


def _shared_arcs(used: np.ndarray, out: list) -> list[tuple]:
    """``(i, j, line)`` for each used arc that lies on the boundaries of two polygons."""
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
    return inner


def smooth_coverage(
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
    smooth_lines = _smoothed_arcs(arcs, inner_mask, iterations)
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
        out = _owned_faces(use, ptree, len(polygons))
        if out is None:
            return list(polygons), []
        lost = [
            i
            for point, i in anchors
            if not frozen[i] and (out[i] is None or not out[i].contains(point))
        ]
        if not lost:
            break
        frozen[lost] = True
    return out, _shared_arcs(np.asarray(use, dtype=object)[inner_mask], out)
