"""Static maps for reports: a :class:`~geodata.scene.Scene` drawn with matplotlib.

The map is drawn offline (no tiles) in the theatre's Lambert azimuthal
equal-area projection (:data:`geodata.borders.EQUAL_AREA_CRS`), so the scale
bar is true to within 0.3 % anywhere in Syria and Iraq and the north arrow
points to true north where it stands. Layers, bottom to top: sea, country
borders (context countries light grey, Syria and Iraq outlined darker),
territories filled in faction colours (contested zones hatched in the
attacker's colour), front lines, towns coloured by controller (contested:
ring in the attacker's colour; recent changes: yellow halo), labels of the
key places. Around the map: title with the date, legend of the factions
present, scale bar, north arrow and attribution.

Only :class:`matplotlib.figure.Figure` is used, never ``pyplot``: no global
figure registry, no backend switch, nothing that leaks between sessions of the
app or threads.

Modules: :mod:`~geodata.render.geometry` (projection, paths),
:mod:`~geodata.render.legend`, :mod:`~geodata.render.furniture` (layout,
scale bar, north arrow, country names, timeline bar),
:mod:`~geodata.render.labels` (town labels), :mod:`~geodata.render.figure`
(the map and the page) and :mod:`~geodata.render.compare` (the before/after
figure); the file encoders are here.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np

from geodata.scene import Scene
from geodata.style import ATTRIBUTION, PRINT_COLORS
from geodata.version import data_version_text

from .figure import (
    DEFAULT_WIDTH_IN,
    IMAGE_FORMATS,
    MAX_DPI,
    MIN_DPI,
    check_dpi,
    draw_map,
    map_figure,
)
from .geometry import metric_box
from .legend import LEGEND_STYLE
from .text import PLAIN_TEXT

__all__ = [
    "IMAGE_FORMATS",
    "MIN_DPI",
    "MAX_DPI",
    "DEFAULT_WIDTH_IN",
    "LEGEND_STYLE",
    "PLAIN_TEXT",
    "check_dpi",
    "draw_map",
    "map_figure",
    "metric_box",
    "render_map",
    "render_frame",
]


def render_map(
    scene: Scene,
    *,
    fmt: str = "png",
    dpi: int = 150,
    width_in: float = DEFAULT_WIDTH_IN,
    extent=None,
) -> bytes:
    """Render a scene as a report-ready PNG, SVG or PDF.

    Parameters
    ----------
    scene : Scene
    fmt : {"png", "svg", "pdf"}, default "png"
    dpi : int, default 150
        72..300. Sets the PNG's pixel size (``width_in * dpi`` wide); SVG and
        PDF are vector files whatever the dpi.
    width_in : float, default 8.0
        Figure width in inches; the height follows the extent's shape.
    extent : str or tuple, optional
        See :func:`geodata.extent.resolve_extent`; default: the scene's.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    ValueError
        For an unknown format, a dpi out of range or a bad extent.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> from geodata.scene import build_scene
    >>> png = render_map(build_scene(load_builtin(), "2016-03-27"), dpi=72)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    fmt = str(fmt).lower()
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"expected an image format {', '.join(IMAGE_FORMATS)}, got {fmt!r}")
    fig = map_figure(scene, width_in=width_in, dpi=dpi, extent=extent)
    title = f"{scene.title} - Frontline Atlas"
    about = f"Frontline Atlas data {data_version_text()}. {ATTRIBUTION}"
    metadata = {
        "png": {"Title": title, "Software": "Frontline Atlas (matplotlib)", "Description": about},
        "svg": {"Title": title, "Date": None, "Creator": "Frontline Atlas (matplotlib)",
                "Description": about},
        "pdf": {"Title": title, "Creator": "Frontline Atlas (matplotlib)", "CreationDate": None,
                "Subject": about},
    }[fmt]  # fmt: skip
    buffer = io.BytesIO()
    # SVG text stays text (searchable, editable in a report's layout tool)
    # instead of glyph outlines.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(
            buffer, format=fmt, dpi=fig.dpi, facecolor=PRINT_COLORS["paper"], metadata=metadata
        )
    return buffer.getvalue()


def render_frame(
    scene: Scene,
    *,
    dpi: int = 100,
    width_in: float = DEFAULT_WIDTH_IN,
    extent=None,
    timeline: tuple | None = None,
    legend_factions=None,
    town_labels: str = "fit",
) -> np.ndarray:
    """Render a scene to an RGB image array (one frame of a replay).

    Parameters are those of :func:`map_figure`.

    Returns
    -------
    numpy.ndarray
        ``(height, width, 3)`` ``uint8``; the same shape for every scene drawn
        with the same extent, width, dpi and ``legend_factions``.
    """
    fig = map_figure(
        scene,
        width_in=width_in,
        dpi=dpi,
        extent=extent,
        timeline=timeline,
        legend_factions=legend_factions,
        town_labels=town_labels,
    )
    canvas = fig.canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
