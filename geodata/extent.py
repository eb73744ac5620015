"""What part of the world a map shows: named extents, parsing and checking a box.

A view is ``(west, south, east, north)`` in degrees (EPSG:4326). Two boxes
live here and they are not the same thing:

- the *theatre view*, :func:`resolve_extent("theatre") <resolve_extent>`:
  the bounds of Syria and Iraq plus a 0.3° margin, computed from the
  borders file. It is what every map shows by default (and
  :class:`geodata.scene.Scene`'s default extent).
- :data:`DATA_BOX`, the box the data is *clipped* to (the context countries
  in ``borders.geojson`` are cut to it by ``scripts/make_borders.py``). It
  is not a view: it is the limit past which a view would show nothing, and
  :func:`check_extent` refuses views that miss it. It is wider than the
  theatre view so that a view may pan a little beyond Syria and Iraq.
"""

from __future__ import annotations

from .borders import theatre_bounds

__all__ = ["EXTENTS", "DATA_BOX", "MIN_EXTENT_DEG", "resolve_extent", "check_extent"]

#: Named extents as (west, south, east, north) in degrees.
EXTENTS = {
    "syria": (35.5, 32.2, 42.5, 37.4),
    "iraq": (38.7, 29.0, 48.7, 37.5),
}

#: Everything the map draws lives within this box (the borders are clipped to
#: it): an extent that misses it would be an empty picture.
DATA_BOX = (32.0, 27.0, 50.0, 40.0)

#: The smallest extent a map image shows, in degrees each way.
MIN_EXTENT_DEG = 0.001

# The theatre view's margin around Syria and Iraq, in degrees.
_THEATRE_MARGIN = 0.3


def resolve_extent(extent) -> tuple[float, float, float, float]:
    """Return ``(west, south, east, north)`` for a name or a 4-tuple / ``"W,S,E,N"``.

    Parameters
    ----------
    extent : str or tuple or None
        ``"theatre"`` (or None): Syria and Iraq with a 0.3° margin;
        ``"syria"``, ``"iraq"`` (:data:`EXTENTS`); a string ``"W,S,E,N"``
        or a sequence of four numbers, in degrees.

    Returns
    -------
    tuple of float

    Raises
    ------
    ValueError
        For an unknown name or a malformed or empty box.

    Examples
    --------
    >>> resolve_extent("36,32,43,38")
    (36.0, 32.0, 43.0, 38.0)
    """
    if extent is None or extent == "theatre":
        west, south, east, north = theatre_bounds()
        m = _THEATRE_MARGIN
        return (west - m, south - m, east + m, north + m)
    if isinstance(extent, str) and extent.lower() in EXTENTS:
        return EXTENTS[extent.lower()]
    parts = extent.split(",") if isinstance(extent, str) else list(extent)
    try:
        west, south, east, north = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise ValueError(
            f"expected an extent 'theatre', 'syria', 'iraq' or 'W,S,E,N' in degrees, got {extent!r}"
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(
            f"extent {extent!r}: expected west < east and south < north within -180..180, -90..90"
        )
    return (west, south, east, north)


def check_extent(extent) -> tuple[float, float, float, float]:
    """Resolve an extent and check that it shows part of the mapped area.

    Parameters
    ----------
    extent : str or tuple
        See :func:`resolve_extent`.

    Returns
    -------
    tuple of float
        ``(west, south, east, north)`` in degrees.

    Raises
    ------
    ValueError
        For a malformed extent, one outside the mapped area (lon 32..50,
        lat 27..40), one larger than 40° by 30° or one smaller than
        :data:`MIN_EXTENT_DEG` either way.

    Examples
    --------
    >>> check_extent("syria")
    (35.5, 32.2, 42.5, 37.4)
    """
    box = resolve_extent(extent)
    west, south, east, north = box
    if east <= DATA_BOX[0] or west >= DATA_BOX[2] or north <= DATA_BOX[1] or south >= DATA_BOX[3]:
        raise ValueError(
            f"extent {extent!r} is outside the mapped area "
            f"(lon {DATA_BOX[0]:g}..{DATA_BOX[2]:g}, lat {DATA_BOX[1]:g}..{DATA_BOX[3]:g})"
        )
    if east - west > 40 or north - south > 30:
        raise ValueError(f"extent {extent!r} is too large: at most 40° wide and 30° high")
    if east - west < MIN_EXTENT_DEG or north - south < MIN_EXTENT_DEG:
        # Below this the scale bar and labels overflow the font rasteriser.
        raise ValueError(
            f"extent {extent!r} is too small: at least {MIN_EXTENT_DEG:g}° (about 100 m) "
            "wide and high"
        )
    return box
