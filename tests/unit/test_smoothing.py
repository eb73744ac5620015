"""geodata.territory.smoothing: smoothing a coverage keeps it a coverage."""

import numpy as np
import shapely

from geodata.territory.smoothing import smooth_coverage


def _squares():
    """Three 10 km squares in a row (metres): two inner edges, one outline."""
    return [shapely.box(x, 0, x + 10_000, 10_000) for x in (0, 10_000, 20_000)]


def _zigzag_pair():
    """Two polygons whose shared edge is a staircase of 1 km steps."""
    line = [(0, 0)]
    for i in range(10):
        y = 1000 * (i % 2)
        line += [(i * 1000, y), ((i + 1) * 1000, y)]
    line = [*dict.fromkeys(line)]  # a square wave from (0, 0) to (10 km, 1 km)
    below = shapely.Polygon([*line, (10_000, -5000), (0, -5000)])
    above = shapely.Polygon([*line, (10_000, 5000), (0, 5000)])
    assert below.is_valid and above.is_valid
    return [below, above]


def test_a_single_polygon_is_returned_as_it_is():
    square = shapely.box(0, 0, 1, 1)
    assert smooth_coverage([square], 2) == ([square], [])


def test_still_a_coverage_with_the_same_outline():
    polygons = _zigzag_pair()
    smooth, arcs = smooth_coverage(polygons, 2)
    assert all(g is not None and g.is_valid for g in smooth)
    assert shapely.coverage_is_valid(np.asarray(smooth, dtype=object))
    before, after = shapely.union_all(polygons), shapely.union_all(smooth)
    assert abs(before.area - after.area) < 1.0  # m²: the outline is kept
    assert after.symmetric_difference(before).area < 1.0
    assert [(i, j) for i, j, _line in arcs] in ([(0, 1)], [(1, 0)])


def test_shared_edges_become_smoother_and_stay_shared():
    polygons = _zigzag_pair()
    smooth, arcs = smooth_coverage(polygons, 2)
    ((_i, _j, line),) = arcs
    staircase = shapely.intersection(polygons[0], polygons[1])
    assert line.length < staircase.length  # corners cut
    for g in smooth:  # the arc lies on both polygons' boundaries
        assert (
            shapely.distance(g.boundary, shapely.points(shapely.get_coordinates(line))).max() < 1.0
        )


def test_arcs_are_reported_between_neighbours_only():
    _smooth, arcs = smooth_coverage(_squares(), 2)
    assert sorted(tuple(sorted((i, j))) for i, j, _line in arcs) == [(0, 1), (1, 2)]


def test_an_anchor_stays_inside_its_polygon():
    polygons = _zigzag_pair()
    # A point just inside a tooth of the staircase, which corner cutting would cut off.
    tooth = shapely.Point(1050, 950)
    owner = next(i for i, g in enumerate(polygons) if g.contains(tooth))
    unanchored, _arcs = smooth_coverage(polygons, 2)
    assert not unanchored[owner].contains(tooth)  # what the anchor prevents
    smooth, _arcs = smooth_coverage(polygons, 2, anchors=[(tooth, owner)])
    assert smooth[owner].contains(tooth)
    assert shapely.coverage_is_valid(np.asarray(smooth, dtype=object))
