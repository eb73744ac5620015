"""The static map figure: a :class:`~geodata.scene.Scene` drawn with matplotlib.

:func:`draw_map` draws the map itself, one ``_draw_*`` step per layer, bottom
to top: sea and country borders, territories, front lines, towns, then the
scale card, country names and town labels. :func:`map_figure` places it on a
page with the title, the legend and the attribution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch

from geodata.extent import check_extent
from geodata.factions import faction_color
from geodata.scene import Scene
from geodata.style import (
    ATTRIBUTION,
    FRONT_COLOR,
    FRONT_DASH,
    PRINT_ALPHA,
    PRINT_COLORS,
    PRINT_HATCH,
    PRINT_WIDTHS,
    fill_opacity,
)

from .furniture import Layout, draw_country_labels, draw_scale_and_north, draw_timeline
from .geometry import _TO_METRIC, _border_layers, _line_path, _polygon_path, _project, metric_box
from .labels import draw_place_labels
from .legend import LEGEND_STYLE, legend_handles
from .text import FONT, MUTED, TEXT, plain_text

__all__ = [
    "IMAGE_FORMATS",
    "MIN_DPI",
    "MAX_DPI",
    "DEFAULT_WIDTH_IN",
    "check_dpi",
    "draw_map",
    "map_figure",
]

IMAGE_FORMATS = ("png", "svg", "pdf")
MIN_DPI, MAX_DPI = 72, 300
DEFAULT_WIDTH_IN = 8.0

_C, _W = PRINT_COLORS, PRINT_WIDTHS


def check_dpi(dpi) -> int:
    """Return ``dpi`` as an int, or raise ``ValueError`` outside 72..300.

    Examples
    --------
    >>> check_dpi("150")
    150
    """
    try:
        value = int(dpi)
    except (TypeError, ValueError):
        raise ValueError(
            f"expected a resolution in dpi between {MIN_DPI} and {MAX_DPI}, got {dpi!r}"
        ) from None
    if value != dpi and not (isinstance(dpi, str) and str(value) == dpi.strip()):
        raise ValueError(f"expected a whole number of dpi, got {dpi!r}")
    if not MIN_DPI <= value <= MAX_DPI:
        raise ValueError(f"expected a resolution between {MIN_DPI} and {MAX_DPI} dpi, got {value}")
    return value


# --------------------------------------------------------------------------- the map


def _draw_ground(ax, box_m, borders) -> dict:
    """Sea, land and country borders (theatre outlines on top of territories).

    Returns the projected border layers (for the country names).
    """
    x0, y0, x1, y1 = box_m
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(_C["sea"])
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(_C["frame"])
        spine.set_linewidth(_W["frame"])
    layers = _border_layers(borders)
    for path, role in zip(layers["paths"], layers["roles"], strict=True):
        if path is None:
            continue
        theatre = role == "theatre"
        ax.add_patch(
            PathPatch(
                path,
                facecolor=_C["theatre_land"] if theatre else _C["context_land"],
                edgecolor=_C["context_edge"],
                linewidth=_W["context_edge"],
                zorder=1,
            )
        )
        if theatre:
            ax.add_patch(
                PathPatch(
                    path,
                    facecolor="none",
                    edgecolor=_C["theatre_edge"],
                    linewidth=_W["theatre_edge"],
                    zorder=14,
                    joinstyle="round",
                )
            )
    return layers


def _draw_territories(ax, terr):
    """Fill territories in faction colours, contested zones hatched in the attacker's.

    Returns their geometries in the metric CRS.
    """
    metric = _project(terr.geometry.to_numpy())
    for geom, row in zip(metric, terr.itertuples(), strict=True):
        path = _polygon_path(geom)
        if path is None:
            continue
        tier = getattr(row, "tier", "core")
        ax.add_patch(
            PathPatch(
                path,
                facecolor=row.color,
                alpha=fill_opacity("print", tier, contested=row.status == "contested"),
                edgecolor="none",
                linewidth=0,
                zorder=5,
            )
        )
        if row.status == "contested" and isinstance(row.contested_by, str):
            hatch = PathPatch(
                path,
                facecolor="none",
                edgecolor=faction_color(row.contested_by),
                linewidth=0,
                hatch=PRINT_HATCH["contested"],
                zorder=6,
            )
            if hasattr(hatch, "set_hatch_linewidth"):
                hatch.set_hatch_linewidth(_W["contested_hatch"])
            ax.add_patch(hatch)
    return metric


def _draw_front_lines(ax, scene: Scene) -> None:
    """Draw the front lines, dashed across nominal land.

    A white casing keeps them visible on every fill colour.
    """
    fronts = scene.front_lines
    front_color = next((e.color for e in scene.legend if e.kind == "frontline"), FRONT_COLOR)
    tiers = fronts.get("tier", pd.Series("core", index=fronts.index))
    for geom, tier in zip(_project(fronts.geometry.to_numpy()), tiers.to_numpy(), strict=True):
        path = _line_path(geom)
        if path is None:
            continue
        dashed = tier == "nominal"
        ax.add_patch(
            PathPatch(
                path,
                facecolor="none",
                edgecolor=_C["halo"],
                linewidth=_W["front_casing_nominal" if dashed else "front_casing"],
                capstyle="round",
                joinstyle="round",
                zorder=15,
            )
        )
        ax.add_patch(
            PathPatch(
                path,
                facecolor="none",
                edgecolor=front_color,
                linewidth=_W["front_nominal" if dashed else "front"],
                linestyle=(0, FRONT_DASH) if dashed else "solid",
                capstyle="butt" if dashed else "round",
                joinstyle="round",
                zorder=16,
            )
        )


def _draw_towns(ax, scene: Scene, xy) -> None:
    """Draw the towns coloured by controller.

    A halo marks recent changes, a ring in the attacker's colour contested towns.
    """
    towns = scene.towns
    recent = towns["recent"].to_numpy(dtype=bool)
    recent_color = next((e.color for e in scene.legend if e.kind == "event"), _C["recent"])
    if recent.any():
        ax.scatter(
            xy[recent, 0],
            xy[recent, 1],
            s=110,
            c=recent_color,
            alpha=PRINT_ALPHA["recent"],
            edgecolors=_C["recent_edge"],
            linewidths=_W["recent_edge"],
            zorder=18,
        )
    contested = (towns["status"] == "contested").to_numpy()
    if contested.any():
        ax.scatter(
            xy[contested, 0],
            xy[contested, 1],
            s=80,
            facecolors="none",
            edgecolors=list(towns.loc[contested, "ring_color"]),
            linewidths=_W["contested_ring"],
            zorder=19,
        )
    key = towns["label"].to_numpy(dtype=bool)
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=np.where(key, 30, 17),
        c=list(towns["color"]),
        edgecolors=_C["town_edge"],
        linewidths=np.where(key, _W["key_town_edge"], _W["town_edge"]),
        zorder=20,
    )


@plain_text
def draw_map(fig, ax, scene: Scene, box_m, map_w_in: float, *, town_labels: str = "fit") -> dict:
    """Draw a scene's map into ``ax``: sea, borders, territories, fronts, towns,
    scale bar and north arrow, country names and town labels.

    The layers of :func:`map_figure` without the title, legend and
    attribution, so that other figures (the before/after comparison of
    :mod:`geodata.render.compare`) draw maps exactly like it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        With a canvas (labels are fitted with its renderer).
    ax : matplotlib.axes.Axes
        Placed where the map goes; its limits are set here.
    scene : Scene
    box_m : tuple
        ``(x0, y0, x1, y1)``: the view in the metric CRS (see :func:`metric_box`).
    map_w_in : float
        Width of the axes in inches (sizes the scale bar's card).
    town_labels : {"fit", "key"}

    Returns
    -------
    dict
        ``xy`` (the towns in metric coordinates, in ``scene.towns`` order) and
        ``card`` (the scale card's box), for drawing more on top.
    """
    x0, _, x1, _ = box_m
    layers = _draw_ground(ax, box_m, scene.borders)
    terr = scene.territories
    metric = _draw_territories(ax, terr) if len(terr) else None
    if len(scene.front_lines):
        _draw_front_lines(ax, scene)
    towns = scene.towns
    xy = (
        np.column_stack(
            _TO_METRIC.transform(towns.geometry.x.to_numpy(), towns.geometry.y.to_numpy())
        )
        if len(towns)
        else np.empty((0, 2))
    )
    if len(towns):
        _draw_towns(ax, scene, xy)
    occupied = shapely.union_all(metric) if len(terr) else None
    card = draw_scale_and_north(ax, box_m, (x1 - x0) / map_w_in, xy, occupied)
    draw_country_labels(ax, layers, box_m, xy, card)
    draw_place_labels(fig, ax, towns, xy, card, all_towns=town_labels == "fit")
    return {"xy": xy, "card": card}


# --------------------------------------------------------------------------- the page


def _draw_titles(fig, layout: Layout, title: str) -> None:
    """The title with the date, the subtitle and the atlas's name."""
    top = layout.height
    left = layout.margin / layout.width
    fig.text(
        left,
        (top - 0.2) / top,
        title,
        fontsize=13.5,
        fontweight="bold",
        color=TEXT,
        ha="left",
        va="top",
        family=FONT,
    )
    subtitle = "Estimated territory and front lines, from the controller of each town"
    fig.text(
        left,
        (top - 0.47) / top,
        subtitle,
        fontsize=8.5,
        color=MUTED,
        ha="left",
        va="top",
        family=FONT,
    )
    fig.text(
        1 - layout.margin / layout.width,
        (top - 0.22) / top,
        "Frontline Atlas",
        fontsize=8.5,
        color=MUTED,
        ha="right",
        va="top",
        family=FONT,
        fontweight="bold",
    )


def _draw_legend(fig, layout: Layout, handles, labels) -> None:
    """The legend below the map, the attribution at the foot."""
    fig.legend(
        handles,
        labels,
        loc="upper left",
        ncols=layout.ncols,
        frameon=False,
        bbox_to_anchor=(layout.margin / layout.width, (layout.map_bottom - 0.06) / layout.height),
        **LEGEND_STYLE,
    )
    credit = fig.text(
        layout.margin / layout.width,
        0.12 / layout.height,
        ATTRIBUTION,
        fontsize=6.3,
        color=MUTED,
        ha="left",
        va="bottom",
        family=FONT,
        wrap=False,
    )
    _fit_width(fig, credit, (layout.width - 2 * layout.margin) * fig.dpi)


def _fit_width(fig, text, width_px: float) -> None:
    """Shrink a line of text until it fits ``width_px`` (a narrow page, a long credit)."""
    renderer = fig.canvas.get_renderer()
    for _ in range(6):  # hinting makes width not quite proportional to size
        drawn = text.get_window_extent(renderer).width
        if drawn <= width_px:
            return
        text.set_fontsize(text.get_fontsize() * width_px / drawn * 0.98)


@plain_text
def map_figure(
    scene: Scene,
    *,
    width_in: float = DEFAULT_WIDTH_IN,
    dpi: int = 150,
    extent=None,
    timeline: tuple | None = None,
    legend_factions=None,
    town_labels: str = "fit",
) -> Figure:
    """Draw a scene as a report-ready map figure (not attached to pyplot).

    Parameters
    ----------
    scene : Scene
        From :func:`geodata.scene.build_scene`.
    width_in : float, default 8.0
        Figure width in inches (3 to 20); the height follows the extent.
    dpi : int, default 150
        Resolution the labels are laid out for (72..300).
    extent : str or tuple, optional
        ``"theatre"``, ``"syria"``, ``"iraq"``, ``"W,S,E,N"`` or a 4-tuple;
        default: the scene's extent.
    timeline : tuple of two timestamps, optional
        Draw a bar under the title showing where the scene's date falls in
        this range (used by the replay).
    legend_factions : list of str, optional
        List these factions and every map symbol in the legend, whatever the
        scene shows (the replay keeps one legend for all frames); default:
        the factions and symbols present in the scene.
    town_labels : {"fit", "key"}, default "fit"
        Label the key places and every other town whose name fits without
        overlapping (``"fit"``), or only the key places (``"key"``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For a bad extent, an extent outside the mapped area, or a bad width or dpi.
    """
    dpi = check_dpi(dpi)
    if town_labels not in ("fit", "key"):
        raise ValueError(f"expected town_labels 'fit' or 'key', got {town_labels!r}")
    if not 3 <= float(width_in) <= 20:
        raise ValueError(f"expected a width between 3 and 20 inches, got {width_in!r}")
    box = check_extent(scene.extent if extent is None else extent)
    box_m = metric_box(box)
    x0, y0, x1, y1 = box_m
    handles, labels = legend_handles(scene, box, legend_factions)
    layout = Layout(float(width_in), (y1 - y0) / (x1 - x0), len(labels), timeline is not None)

    fig = Figure(figsize=(layout.width, layout.height), dpi=dpi, facecolor=_C["paper"])
    FigureCanvasAgg(fig)
    ax = fig.add_axes(layout.rect(layout.map_bottom, layout.map_h))
    draw_map(fig, ax, scene, box_m, layout.map_w, town_labels=town_labels)
    _draw_titles(fig, layout, scene.title)
    if timeline is not None:
        draw_timeline(fig, layout, scene.date, timeline)
    _draw_legend(fig, layout, handles, labels)
    return fig
