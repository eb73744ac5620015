"""The static maps' furniture.

Page layout, scale bar and north arrow, country names, the replay's timeline bar.
"""

from __future__ import annotations

import math

import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.patches import Rectangle

from geodata.style import PRINT_ALPHA, PRINT_COLORS, PRINT_WIDTHS

from .geometry import _TO_LONLAT, _TO_METRIC
from .text import FONT, MUTED, TEXT

__all__ = ["Layout", "draw_scale_and_north", "draw_country_labels", "draw_timeline"]

_C, _W = PRINT_COLORS, PRINT_WIDTHS


class Layout:
    """Figure geometry in inches, fixed before drawing (no tight bbox): every
    frame of a replay has the same pixel size and the map never moves."""

    margin = 0.22
    title_h = 0.62
    timeline_h = 0.0
    legend_row_h = 0.145
    attribution_h = 0.27

    def __init__(self, width_in: float, aspect: float, n_legend: int, timeline: bool):
        self.width = width_in
        self.map_w = width_in - 2 * self.margin
        self.map_h = self.map_w * aspect
        self.ncols = 3 if width_in >= 5.5 else 2
        self.legend_rows = max(1, math.ceil(n_legend / self.ncols))
        self.legend_h = 0.1 + self.legend_rows * self.legend_row_h
        if timeline:
            self.timeline_h = 0.32
        self.height = (
            self.title_h + self.timeline_h + self.map_h + self.legend_h + self.attribution_h
        )

    def rect(self, bottom_in: float, height_in: float, left_in=None, width_in=None):
        """Return an axes rectangle (figure fractions) from inches."""
        left_in = self.margin if left_in is None else left_in
        width_in = self.map_w if width_in is None else width_in
        return [
            left_in / self.width,
            bottom_in / self.height,
            width_in / self.width,
            height_in / self.height,
        ]

    @property
    def map_bottom(self) -> float:
        """Height of the map's lower edge above the foot of the figure, in inches."""
        return self.attribution_h + self.legend_h


def _nice_length_km(span_km: float) -> float:
    """A round length for the scale bar, about a quarter of ``span_km``."""
    target = span_km / 4
    for nice in (1000, 500, 250, 200, 100, 50, 25, 20, 10, 5, 2, 1):
        if nice <= target:
            return float(nice)
    return 1.0


def _card_corner(box_m, size, m_per_in: float, xy, occupied) -> tuple[float, float]:
    """Return the lower-left corner of the scale card.

    The corner of the map with the fewest towns under the card, then the
    least territory.
    """
    x0, y0, x1, y1 = box_m
    card_w, card_h = size
    inset = 0.12 * m_per_in
    corners = [
        (x1 - inset - card_w, y0 + inset),
        (x0 + inset, y0 + inset),
        (x1 - inset - card_w, y1 - inset - card_h),
        (x0 + inset, y1 - inset - card_h),
    ]
    tree_points = shapely.points(xy) if len(xy) else None

    def cost(corner):
        card = shapely.box(corner[0], corner[1], corner[0] + card_w, corner[1] + card_h)
        towns = (
            0
            if tree_points is None
            else int(shapely.intersects(card.buffer(0.06 * m_per_in), tree_points).sum())
        )
        covered = 0.0 if occupied is None else shapely.intersection(card, occupied).area
        return (towns, round(covered / card.area, 1))

    return min(corners, key=cost)


def _draw_scale_bar(ax, left: float, base: float, length_km: float, m_per_in: float) -> None:
    """Four alternating segments, labelled 0, half and the full length in km."""
    length = length_km * 1000
    bar_h = 0.055 * m_per_in
    segments = 4
    for i in range(segments):
        ax.add_patch(
            Rectangle(
                (left + i * length / segments, base),
                length / segments,
                bar_h,
                facecolor=TEXT if i % 2 == 0 else _C["card"],
                edgecolor=TEXT,
                linewidth=_W["scale_bar"],
                zorder=31,
            )
        )
    style = {"fontsize": 6.5, "color": TEXT, "va": "bottom", "zorder": 32, "family": FONT}
    for frac in (0, 0.5, 1):
        ax.text(
            left + frac * length,
            base + bar_h + 0.04 * m_per_in,
            f"{length_km * frac:g}",
            ha="center",
            **style,
        )
    ax.text(left + length + 0.07 * m_per_in, base - 0.012 * m_per_in, "km", ha="left", **style)


def _draw_north_arrow(ax, ax_x: float, ax_y: float, m_per_in: float) -> None:
    """Draw a north arrow along the meridian through its own position.

    Meridians converge in this projection, up to ~5° off the vertical at the edges.
    """
    lon, lat = _TO_LONLAT.transform(ax_x, ax_y)
    nx, ny = _TO_METRIC.transform(lon, lat + 0.5)
    norm = math.hypot(nx - ax_x, ny - ax_y)
    dx, dy = (nx - ax_x) / norm * 0.22 * m_per_in, (ny - ax_y) / norm * 0.22 * m_per_in
    ax.annotate(
        "",
        xy=(ax_x + dx, ax_y + dy),
        xytext=(ax_x, ax_y),
        zorder=32,
        arrowprops={
            "arrowstyle": "-|>,head_width=0.25,head_length=0.5",
            "color": TEXT,
            "linewidth": _W["north_arrow"],
            "shrinkA": 0,
            "shrinkB": 0,
        },
    )
    ax.text(
        ax_x + dx * 1.05,
        ax_y + dy * 1.05,
        "N",
        fontsize=7.5,
        fontweight="bold",
        color=TEXT,
        ha="center",
        va="bottom",
        zorder=32,
        family=FONT,
    )


def draw_scale_and_north(ax, box_m, m_per_in: float, xy, occupied) -> shapely.Geometry:
    """Draw a scale bar (true length in the metric CRS) and a north arrow on a small card.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    box_m : tuple
        The view ``(x0, y0, x1, y1)`` in the metric CRS.
    m_per_in : float
        Metres of the map per inch of the figure.
    xy : numpy.ndarray
        The towns in metric coordinates (the card avoids them).
    occupied : shapely.Geometry or None
        Territory in metric coordinates (the card avoids it next).

    Returns
    -------
    shapely.Geometry
        The card's box (metric CRS).
    """
    x0, _, x1, _ = box_m
    length_km = _nice_length_km((x1 - x0) / 1000)
    pad, arrow_w, tail = 0.09 * m_per_in, 0.3 * m_per_in, 0.3 * m_per_in
    card_w = pad + arrow_w + length_km * 1000 + tail
    card_h = 0.46 * m_per_in
    cx, cy = _card_corner(box_m, (card_w, card_h), m_per_in, xy, occupied)
    card = shapely.box(cx, cy, cx + card_w, cy + card_h)
    ax.add_patch(
        Rectangle(
            (cx, cy),
            card_w,
            card_h,
            facecolor=_C["card"],
            edgecolor=_C["card_edge"],
            linewidth=_W["card_edge"],
            alpha=PRINT_ALPHA["card"],
            zorder=30,
        )
    )
    _draw_scale_bar(ax, cx + pad + arrow_w, cy + 0.1 * m_per_in, length_km, m_per_in)
    _draw_north_arrow(ax, cx + pad + arrow_w / 2 - 0.03 * m_per_in, cy + 0.07 * m_per_in, m_per_in)
    return card


def _country_label(ax, cx: float, cy: float, name: str, theatre: bool) -> None:
    """Syria and Iraq in bold capitals, their neighbours in light italics."""
    if theatre:
        ax.text(
            cx,
            cy,
            name.upper(),
            fontsize=10.5,
            color=_C["theatre_name"],
            fontweight="bold",
            ha="center",
            va="center",
            zorder=12,
            family=FONT,
            path_effects=[
                patheffects.withStroke(linewidth=_W["theatre_name_halo"], foreground=_C["halo"])
            ],
        )
    else:
        ax.text(
            cx,
            cy,
            name,
            fontsize=8,
            color=_C["context_name"],
            style="italic",
            ha="center",
            va="center",
            zorder=3,
            family=FONT,
        )


def draw_country_labels(ax, layers, box_m, xy, avoid) -> None:
    """Name the countries in view, in the emptiest part of each.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    layers : dict
        The projected borders (``metric``, ``roles``, ``names``).
    box_m : tuple
        The view in the metric CRS.
    xy : numpy.ndarray
        The towns in metric coordinates (names keep clear of them where there is room).
    avoid : shapely.Geometry
        The scale card.
    """
    x0, y0, x1, y1 = box_m
    view = shapely.box(*box_m)
    view_area = view.area
    busy = (
        shapely.union_all(shapely.buffer(shapely.points(xy), 45_000, quad_segs=4))
        if len(xy)
        else None
    )
    for geom, role, name in zip(layers["metric"], layers["roles"], layers["names"], strict=True):
        visible = shapely.intersection(geom, view)
        if visible.is_empty or visible.area < 0.012 * view_area:
            continue
        room = shapely.difference(visible, avoid.buffer(0.02 * (x1 - x0)))
        if busy is not None:
            free = shapely.difference(room, busy)
            room = free if free.area > 0.004 * view_area else room
        if room.is_empty:
            continue
        circle = shapely.maximum_inscribed_circle(room, tolerance=2000)
        cx, cy = shapely.get_coordinates(circle)[0]
        theatre = role == "theatre"
        if circle.length < (0.035 if theatre else 0.025) * (x1 - x0):
            continue
        _country_label(ax, cx, cy, name, theatre)


def draw_timeline(fig, layout: Layout, date, timeline) -> None:
    """A bar under the title showing where ``date`` falls in ``timeline`` (start, end)."""
    start, end = (pd.Timestamp(t) for t in timeline)
    bottom = layout.map_bottom + layout.map_h + 0.08
    ax = fig.add_axes(layout.rect(bottom, 0.12))
    ax.set_xlim(start.value, max(end.value, start.value + 1))
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.add_patch(
        Rectangle(
            (start.value, 0.3),
            end.value - start.value,
            0.4,
            facecolor=_C["timeline_track"],
            edgecolor="none",
        )
    )
    ax.add_patch(
        Rectangle(
            (start.value, 0.3),
            pd.Timestamp(date).value - start.value,
            0.4,
            facecolor=_C["timeline_done"],
            edgecolor="none",
        )
    )
    for t, ha in ((start, "left"), (end, "right")):
        ax.text(
            t.value,
            1.15,
            t.strftime("%b %Y"),
            fontsize=6.5,
            color=MUTED,
            ha=ha,
            va="bottom",
            family=FONT,
        )
