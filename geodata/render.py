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
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections import OrderedDict

import matplotlib
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from .borders import EQUAL_AREA_CRS
from .exporters import ATTRIBUTION
from .factions import FACTIONS, faction_color
from .scene import Scene, resolve_extent
from .style import FRONT_COLOR, FRONT_DASH, LEGEND_TEXT, UNKNOWN_COLOR, fill_opacity
from .version import data_version_text

__all__ = [
    "ATTRIBUTION",
    "IMAGE_FORMATS",
    "MIN_DPI",
    "MAX_DPI",
    "DEFAULT_WIDTH_IN",
    "check_dpi",
    "check_extent",
    "draw_map",
    "map_figure",
    "metric_box",
    "render_map",
    "render_frame",
]

IMAGE_FORMATS = ("png", "svg", "pdf")
MIN_DPI, MAX_DPI = 72, 300
DEFAULT_WIDTH_IN = 8.0

# Everything the map draws lives within this box (the borders are clipped to
# it): an extent that misses it would be an empty picture.
DATA_BOX = (32.0, 27.0, 50.0, 40.0)

TERRITORY_ALPHA = fill_opacity("print")
SEA = "#dbe7f0"
CONTEXT_LAND = "#efefec"
CONTEXT_EDGE = "#b4b4b4"
THEATRE_LAND = "#fbfaf6"
THEATRE_EDGE = "#3a3a3a"
TEXT = "#222222"
MUTED = "#666666"
FONT = "DejaVu Sans"

_TO_METRIC = pyproj.Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
_TO_LONLAT = pyproj.Transformer.from_crs(EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)


# --------------------------------------------------------------------------- geometry


def _project(geometries) -> np.ndarray:
    """Lon/lat shapely geometries to the metric CRS (x, y in metres)."""

    def forward(coords):
        x, y = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geometries, dtype=object), forward)


def metric_box(extent) -> tuple[float, float, float, float]:
    """Bounds in metres of a lon/lat box (densified: its edges curve in the projection)."""
    west, south, east, north = extent
    t = np.linspace(0.0, 1.0, 33)
    lon = np.concatenate(
        [west + (east - west) * t, np.full(33, east), east - (east - west) * t, np.full(33, west)]
    )
    lat = np.concatenate(
        [
            np.full(33, south),
            south + (north - south) * t,
            np.full(33, north),
            north - (north - south) * t,
        ]
    )
    x, y = _TO_METRIC.transform(lon, lat)
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def _polygon_path(geometry) -> Path | None:
    """A compound matplotlib path for a (Multi)Polygon in metric coordinates."""
    verts, codes = [], []
    for part in shapely.get_parts(geometry):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        # Exterior counter-clockwise, holes clockwise: filled correctly under
        # both the non-zero and the even-odd rule.
        part = shapely.orient_polygons(part)
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 4:
                continue
            ring_codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            verts.append(xy)
            codes.append(ring_codes)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def _line_path(geometry) -> Path | None:
    verts, codes = [], []
    for part in shapely.get_parts(shapely.line_merge(geometry)):
        if part.geom_type != "LineString" or part.is_empty:
            continue
        xy = np.asarray(part.coords)[:, :2]
        line_codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
        line_codes[0] = Path.MOVETO
        verts.append(xy)
        codes.append(line_codes)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


class _LRU(OrderedDict):
    """A small least-recently-used cache, safe to share between the app's threads."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self.lock = threading.Lock()

    def get_or(self, key, compute):
        with self.lock:
            if key in self:
                self.move_to_end(key)
                return self[key]
        value = compute()
        with self.lock:
            self[key] = value
            if len(self) > self.size:
                self.popitem(last=False)
        return value


# Projected border paths, keyed by the borders' WKB: the built-in borders are
# projected once per process, whatever scene object carries them.
_BORDER_CACHE = _LRU(8)


def _border_layers(borders) -> dict:
    geoms = borders.geometry.to_numpy()
    key = (tuple(shapely.to_wkb(geoms)), tuple(borders["role"]), tuple(borders["name"]))

    def compute():
        metric = _project(geoms)
        return {
            "paths": [_polygon_path(g) for g in metric],
            "roles": list(borders["role"]),
            "names": list(borders["name"]),
            "metric": metric,
        }

    return _BORDER_CACHE.get_or(hash(key), compute)


# --------------------------------------------------------------------------- checks


def check_dpi(dpi) -> int:
    """Return ``dpi`` as an int, or raise ``ValueError`` outside 72..300."""
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


#: The smallest extent a map image shows, in degrees each way.
MIN_EXTENT_DEG = 0.001


def check_extent(extent) -> tuple[float, float, float, float]:
    """Resolve an extent and check that it shows part of the mapped area.

    Parameters
    ----------
    extent : str or tuple
        See :func:`geodata.scene.resolve_extent`.

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


# --------------------------------------------------------------------------- layout


def _factions_in_view(scene: Scene, box) -> set[str]:
    """Factions holding a town or territory within the lon/lat ``box``."""
    view = shapely.box(*box)
    towns = scene.towns
    inside = shapely.intersects(towns.geometry.to_numpy(), view)
    shown = set(towns.loc[inside, "controller"].dropna())
    terr = scene.territories
    if len(terr):
        shown |= set(terr.loc[shapely.intersects(terr.geometry.to_numpy(), view), "faction"])
    return shown


def _dot(size, face, edge, edge_width, **kwargs) -> Line2D:
    """A round legend marker (no line)."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=size,
        markerfacecolor=face,
        markeredgecolor=edge,
        markeredgewidth=edge_width,
        **kwargs,
    )


def _legend_handles(scene: Scene, box, factions=None):
    """(handle, label) pairs for the legend: factions, then map symbols.

    By default the factions present in the scene and the symbols it uses;
    with ``factions`` given, those factions and every symbol (a replay keeps
    one legend for all its frames).
    """
    handles, labels = [], []
    stable = factions is not None
    if stable:
        entries = [(FACTIONS[c].name, FACTIONS[c].color) for c in FACTIONS if c in set(factions)]
    else:
        shown = _factions_in_view(scene, box)
        entries = [
            (e.label, e.color) for e in scene.legend if e.kind == "faction" and e.code in shown
        ]
    for label, color in entries:
        handles.append(
            Rectangle(
                (0, 0), 1, 1, facecolor=color, alpha=TERRITORY_ALPHA, edgecolor=color, linewidth=0.8
            )
        )
        labels.append(label)
    tiers = set(scene.territories.get("tier", pd.Series(dtype=object)))
    if stable or "nominal" in tiers:
        handles.append(
            (
                Rectangle((0, 0), 1, 1, facecolor="#777777", alpha=fill_opacity("print"),
                          edgecolor="none"),
                Rectangle((0, 0), 1, 1, facecolor="#777777",
                          alpha=fill_opacity("print", "nominal"), edgecolor="none"),
            )
        )  # fmt: skip
        labels.append(LEGEND_TEXT["nominal"])
    if stable or (scene.territories["faction"] == "UNKNOWN").any():
        handles.append(
            Rectangle((0, 0), 1, 1, facecolor=UNKNOWN_COLOR,
                      alpha=fill_opacity("print", "nominal"), edgecolor="none")
        )  # fmt: skip
        labels.append(LEGEND_TEXT["unknown"])
    towns = scene.towns
    if stable or (scene.territories["status"] == "contested").any():
        handles.append(
            Rectangle(
                (0, 0), 1, 1, facecolor="#dddddd", edgecolor="#555555", linewidth=0, hatch="////"
            )
        )
        labels.append("Contested zone (hatched: attacker)")
    for entry in scene.legend:
        if entry.kind == "contested" and (stable or (towns["status"] == "contested").any()):
            dot = _dot(4.5, "#d43300", "#222222", 0.4)
            ring = _dot(9, "none", "#1a1a1a", 1.6)
            handles.append((ring, dot))
            labels.append(entry.label)
        elif entry.kind == "frontline" and (stable or len(scene.front_lines)):
            handles.append(
                (
                    Line2D([], [], color="white", linewidth=3.6),
                    Line2D([], [], color=entry.color, linewidth=2.0),
                    Line2D([], [], color=entry.color, linewidth=1.3, linestyle=(0, FRONT_DASH)),
                )
            )
            labels.append(LEGEND_TEXT["front"])
        elif entry.kind == "event" and (stable or towns["recent"].any()):
            halo = _dot(10, entry.color, "#b59b00", 0.5, alpha=0.9)
            dot = _dot(4.5, "#888888", "#222222", 0.4)
            handles.append((halo, dot))
            labels.append(entry.label)
    handles.append(_dot(4.5, "#888888", "#222222", 0.4))
    labels.append("Town (colour: controller)")
    return handles, labels


class _Layout:
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
        return self.attribution_h + self.legend_h


def _nice_length_km(span_km: float) -> float:
    target = span_km / 4
    for nice in (1000, 500, 250, 200, 100, 50, 25, 20, 10, 5, 2, 1):
        if nice <= target:
            return float(nice)
    return 1.0


def _draw_scale_and_north(ax, box_m, m_per_in: float, xy, occupied) -> shapely.Geometry:
    """Scale bar (true length in the metric CRS) and north arrow on a small card.

    The card goes to the corner of the map with the fewest towns under it,
    then the least territory. Returns the card's box (metric CRS).
    """
    x0, y0, x1, y1 = box_m
    length_km = _nice_length_km((x1 - x0) / 1000)
    length = length_km * 1000
    pad, arrow_w, tail = 0.09 * m_per_in, 0.3 * m_per_in, 0.3 * m_per_in
    card_w = pad + arrow_w + length + tail
    card_h = 0.46 * m_per_in
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

    cx, cy = min(corners, key=cost)
    card = shapely.box(cx, cy, cx + card_w, cy + card_h)
    ax.add_patch(
        Rectangle(
            (cx, cy),
            card_w,
            card_h,
            facecolor="white",
            edgecolor="#b0b0b0",
            linewidth=0.5,
            alpha=0.88,
            zorder=30,
        )
    )
    left = cx + pad + arrow_w
    base = cy + 0.1 * m_per_in
    bar_h = 0.055 * m_per_in
    segments = 4
    for i in range(segments):
        ax.add_patch(
            Rectangle(
                (left + i * length / segments, base),
                length / segments,
                bar_h,
                facecolor=TEXT if i % 2 == 0 else "white",
                edgecolor=TEXT,
                linewidth=0.6,
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
    # North arrow: along the meridian through its own position (meridians
    # converge in this projection, up to ~5° off the vertical at the edges).
    ax_x, ax_y = cx + pad + arrow_w / 2 - 0.03 * m_per_in, cy + 0.07 * m_per_in
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
            "linewidth": 1.1,
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
    return card


def _country_labels(ax, layers, box_m, xy, avoid) -> None:
    """Name the countries in view, in the emptiest part of each."""
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
        if theatre:
            ax.text(
                cx,
                cy,
                name.upper(),
                fontsize=10.5,
                color="#8a8a8a",
                fontweight="bold",
                ha="center",
                va="center",
                zorder=12,
                family=FONT,
                path_effects=[patheffects.withStroke(linewidth=2, foreground="white")],
            )
        else:
            ax.text(
                cx,
                cy,
                name,
                fontsize=8,
                color="#a3a3a3",
                style="italic",
                ha="center",
                va="center",
                zorder=3,
                family=FONT,
            )


# Towns labelled first, after the key places, when there is room: the
# capitals and the cities a reader finds their way by.
ORIENTATION_PLACES = (
    "damascus",
    "baghdad",
    "aleppo",
    "homs",
    "erbil",
    "kirkuk",
    "basra",
    "latakia",
    "hama",
    "fallujah",
    "al-hasakah",
    "kobani",
    "manbij",
    "abu-kamal",
    "qamishli",
    "idlib",
    "daraa",
    "samarra",
)

# Beyond this many towns only the key places are labelled (the rest would not fit).
MAX_FITTED_LABELS = 400

_OFFSETS = ((1, 0), (-1, 0), (0, 1), (0, -1), (0.8, 0.8), (-0.8, 0.8), (0.8, -0.8), (-0.8, -0.8))


def _place_labels(fig, ax, towns, xy, avoid, *, all_towns: bool = True) -> None:
    """Label the key places (always) and, where they fit, the other towns.

    Each label tries eight positions around its dot and takes the first that
    overlaps no dot, no other label and nothing in ``avoid``; a key place
    that fits nowhere takes the position of least overlap, another town is
    left unlabelled.
    """
    if not len(towns):
        return
    renderer = fig.canvas.get_renderer()
    ax_box = ax.get_window_extent(renderer)
    px_per_pt = fig.dpi / 72
    dots = ax.transData.transform(xy)
    r = 3.2 * px_per_pt
    taken = [np.column_stack([dots - r, dots + r])]
    ax0, ay0 = ax.transData.transform(shapely.get_coordinates(avoid).min(axis=0))
    ax1, ay1 = ax.transData.transform(shapely.get_coordinates(avoid).max(axis=0))
    taken.append(np.array([[ax0, ay0, ax1, ay1]]))

    ids = towns["id"].to_numpy()
    key = towns["label"].to_numpy(dtype=bool)
    # Key places first, the most crowded of them first (fewest free spots).
    crowd = np.array([(np.hypot(*(dots - d).T) < 60 * px_per_pt).sum() for d in dots])
    order = sorted(np.flatnonzero(key), key=lambda i: -crowd[i])
    if all_towns and len(towns) <= MAX_FITTED_LABELS:
        rank = {pid: n for n, pid in enumerate(ORIENTATION_PLACES)}
        others = [i for i in range(len(towns)) if not key[i]]
        order += sorted(others, key=lambda i: (rank.get(ids[i], len(rank)), i))
    probe = ax.text(0, 0, "", fontsize=8.5, family=FONT)
    for i in order:
        is_key = bool(key[i])
        size = 8.5 if is_key else 6.5
        name = str(towns["name"].iloc[i])
        probe.set_text(name)
        probe.set_fontsize(size)
        probe.set_fontweight("bold" if is_key else "normal")
        bb = probe.get_window_extent(renderer)
        w, h = bb.width, bb.height
        gap = (5.5 if is_key else 4.0) * px_per_pt
        best, best_cost = None, None
        boxes = np.concatenate(taken)
        for ox, oy in _OFFSETS:
            cx, cy = dots[i, 0] + ox * gap, dots[i, 1] + oy * gap
            left = cx if ox > 0 else cx - w if ox < 0 else cx - w / 2
            bottom = cy if oy > 0 else cy - h if oy < 0 else cy - h / 2
            box = np.array([left, bottom, left + w, bottom + h])
            ow = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
            oh = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
            cost = float((ow * oh).sum())
            cost += 1000 * (
                max(0.0, ax_box.x0 - box[0])
                + max(0.0, box[2] - ax_box.x1)
                + max(0.0, ax_box.y0 - box[1])
                + max(0.0, box[3] - ax_box.y1)
            )
            if best_cost is None or cost < best_cost:
                best, best_cost = (ox, oy, box), cost
            if cost == 0:
                break
        if best_cost > 0 and not is_key:
            continue
        ox, oy, box = best
        ha = "left" if ox > 0 else "right" if ox < 0 else "center"
        va = "bottom" if oy > 0 else "top" if oy < 0 else "center"
        ax.annotate(
            name,
            xy=tuple(xy[i]),
            xytext=(ox * gap / px_per_pt, oy * gap / px_per_pt),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=size,
            fontweight="bold" if is_key else "normal",
            color=TEXT if is_key else "#333333",
            zorder=40 if is_key else 39,
            family=FONT,
            path_effects=[
                patheffects.withStroke(linewidth=2.6 if is_key else 2.0, foreground="white")
            ],
        )
        taken.append(box[None, :])
    probe.remove()


#: Every text of the map is drawn as written: "$" in a place name is not the start of
#: a formula (mathtext), and nothing goes through LaTeX. Text objects keep the
#: setting they were made with, so it holds through savefig too.
PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}


#: How every figure's legend is laid out (the report map, the before/after figure).
LEGEND_STYLE = {
    "fontsize": 7.5,
    "handlelength": 1.6,
    "handleheight": 1.0,
    "columnspacing": 1.4,
    "borderaxespad": 0,
    "borderpad": 0,
    "labelspacing": 0.45,
    "handler_map": {tuple: HandlerTuple(ndivide=1, pad=0)},
    "prop": {"family": FONT, "size": 7.5},
}


def _plain_text(draw):
    """Run a drawing function with :data:`PLAIN_TEXT`."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(PLAIN_TEXT):
            return draw(*args, **kwargs)

    return wrapper


@_plain_text
def draw_map(fig, ax, scene: Scene, box_m, map_w_in: float, *, town_labels: str = "fit") -> dict:
    """Draw a scene's map into ``ax``: sea, borders, territories, fronts, towns,
    scale bar and north arrow, country names and town labels.

    The layers of :func:`map_figure` without the title, legend and
    attribution, so that other figures (the before/after comparison of
    :mod:`geodata.compare_render`) draw maps exactly like it.

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
    x0, y0, x1, y1 = box_m
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)

    # Borders: land first, theatre outlines on top of territories.
    layers = _border_layers(scene.borders)
    for path, role in zip(layers["paths"], layers["roles"], strict=True):
        if path is None:
            continue
        theatre = role == "theatre"
        ax.add_patch(
            PathPatch(
                path,
                facecolor=THEATRE_LAND if theatre else CONTEXT_LAND,
                edgecolor=CONTEXT_EDGE,
                linewidth=0.5,
                zorder=1,
            )
        )
        if theatre:
            ax.add_patch(
                PathPatch(
                    path,
                    facecolor="none",
                    edgecolor=THEATRE_EDGE,
                    linewidth=1.1,
                    zorder=14,
                    joinstyle="round",
                )
            )

    # Territories: held first, contested zones hatched in the attacker's colour.
    terr = scene.territories
    if len(terr):
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
                    hatch="////",
                    zorder=6,
                )
                if hasattr(hatch, "set_hatch_linewidth"):
                    hatch.set_hatch_linewidth(1.2)
                ax.add_patch(hatch)

    # Front lines: a white casing keeps them visible on every fill colour.
    front_color = next((e.color for e in scene.legend if e.kind == "frontline"), FRONT_COLOR)
    if len(scene.front_lines):
        tiers = scene.front_lines.get("tier", pd.Series("core", index=scene.front_lines.index))
        for geom, tier in zip(
            _project(scene.front_lines.geometry.to_numpy()), tiers.to_numpy(), strict=True
        ):
            path = _line_path(geom)
            if path is None:
                continue
            dashed = tier == "nominal"
            ax.add_patch(
                PathPatch(
                    path,
                    facecolor="none",
                    edgecolor="white",
                    linewidth=2.6 if dashed else 3.4,
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
                    linewidth=1.3 if dashed else 1.9,
                    linestyle=(0, FRONT_DASH) if dashed else "solid",
                    capstyle="butt" if dashed else "round",
                    joinstyle="round",
                    zorder=16,
                )
            )

    # Towns.
    towns = scene.towns
    xy = (
        np.column_stack(
            _TO_METRIC.transform(towns.geometry.x.to_numpy(), towns.geometry.y.to_numpy())
        )
        if len(towns)
        else np.empty((0, 2))
    )
    if len(towns):
        recent = towns["recent"].to_numpy(dtype=bool)
        recent_color = next((e.color for e in scene.legend if e.kind == "event"), "#ffff00")
        if recent.any():
            ax.scatter(
                xy[recent, 0],
                xy[recent, 1],
                s=110,
                c=recent_color,
                alpha=0.9,
                edgecolors="#b59b00",
                linewidths=0.5,
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
                linewidths=1.6,
                zorder=19,
            )
        key = towns["label"].to_numpy(dtype=bool)
        sizes = np.where(key, 30, 17)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=sizes,
            c=list(towns["color"]),
            edgecolors="#202020",
            linewidths=np.where(key, 0.8, 0.45),
            zorder=20,
        )

    occupied = shapely.union_all(metric) if len(terr) else None
    card = _draw_scale_and_north(ax, box_m, (x1 - x0) / map_w_in, xy, occupied)
    _country_labels(ax, layers, box_m, xy, card)
    _place_labels(fig, ax, towns, xy, card, all_towns=town_labels == "fit")
    return {"xy": xy, "card": card}


# --------------------------------------------------------------------------- the figure


@_plain_text
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
    handles, labels = _legend_handles(scene, box, legend_factions)
    layout = _Layout(float(width_in), (y1 - y0) / (x1 - x0), len(labels), timeline is not None)

    fig = Figure(figsize=(layout.width, layout.height), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes(layout.rect(layout.map_bottom, layout.map_h))
    draw_map(fig, ax, scene, box_m, layout.map_w, town_labels=town_labels)

    # Title block.
    top = layout.height
    fig.text(
        layout.margin / layout.width,
        (top - 0.2) / top,
        scene.title,
        fontsize=13.5,
        fontweight="bold",
        color=TEXT,
        ha="left",
        va="top",
        family=FONT,
    )
    subtitle = "Estimated territory and front lines, from the controller of each town"
    fig.text(
        layout.margin / layout.width,
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
    if timeline is not None:
        _draw_timeline(fig, layout, scene.date, timeline)

    # Legend below the map, attribution at the foot.
    fig.legend(
        handles,
        labels,
        loc="upper left",
        ncols=layout.ncols,
        frameon=False,
        bbox_to_anchor=(layout.margin / layout.width, (layout.map_bottom - 0.06) / layout.height),
        **LEGEND_STYLE,
    )
    fig.text(
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

    return fig


def _draw_timeline(fig, layout: _Layout, date, timeline) -> None:
    start, end = (pd.Timestamp(t) for t in timeline)
    bottom = layout.map_bottom + layout.map_h + 0.08
    ax = fig.add_axes(layout.rect(bottom, 0.12))
    ax.set_xlim(start.value, max(end.value, start.value + 1))
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.add_patch(
        Rectangle(
            (start.value, 0.3), end.value - start.value, 0.4, facecolor="#e4e4e4", edgecolor="none"
        )
    )
    ax.add_patch(
        Rectangle(
            (start.value, 0.3),
            pd.Timestamp(date).value - start.value,
            0.4,
            facecolor="#555555",
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


# --------------------------------------------------------------------------- output


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
        See :func:`geodata.scene.resolve_extent`; default: the scene's.

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
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
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
