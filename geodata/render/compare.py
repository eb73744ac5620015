"""The before/after report figure of a :class:`~geodata.compare.Comparison`.

Two maps side by side, drawn by :func:`geodata.render.figure.draw_map` exactly like
a single report map (same projection, layers, scale bar, labels): date A on
the left, date B on the right with the land that changed hands hatched in its
new holder's colour; the towns that changed hands ringed on both. Above them
a title with both dates and the summary sentence; below them one legend for
both maps, then the change table (towns that changed hands with the date and
source of the capture, towns that came back) beside the area per faction on
each date.

Only :class:`matplotlib.figure.Figure` is used (never ``pyplot``), and text
from the data is drawn without mathtext (``parse_math=False``): a ``$`` in a
place name or a source title stays a dollar sign.
"""

from __future__ import annotations

import io
import math
import textwrap

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle

from geodata.compare import Comparison
from geodata.dataset import Dataset
from geodata.events import format_date
from geodata.extent import check_extent
from geodata.factions import FACTIONS, UNKNOWN, faction_color
from geodata.scene import build_scene
from geodata.style import (
    ATTRIBUTION,
    CHANGE_HATCH_WIDTH,
    CHANGED_RING_COLOR,
    LEGEND_TEXT,
    PRINT_COLORS,
    PRINT_HATCH,
    PRINT_WIDTHS,
    UNKNOWN_COLOR,
)

from .compare_rows import (
    MAX_TABLE_ROWS,
    _area_rows,
    _change_rows,
    _returned_lines,
    _short,
    _shown_changes,
)
from .figure import IMAGE_FORMATS, check_dpi, draw_map
from .geometry import _polygon_path, _project, metric_box
from .legend import LEGEND_STYLE, legend_handles
from .text import FONT, MUTED, TEXT

__all__ = ["comparison_figure", "render_comparison", "DEFAULT_COMPARE_WIDTH_IN", "MAX_TABLE_ROWS"]

DEFAULT_COMPARE_WIDTH_IN = 12.0

_MARGIN = 0.25
_GAP = 0.2
_ROW = 0.175  # inches per table row
_HEAD_H = 0.3  # inches for the heads above the maps
_FONT_SIZE = 7.5

_C, _W = PRINT_COLORS, PRINT_WIDTHS


def _scene(dataset: Dataset, date, box):
    """A map scene without the "changed in the last weeks" halos (the change
    rings say what changed between the two dates)."""
    scene = build_scene(dataset, date, extent=box)
    scene.towns = scene.towns.assign(recent=False)
    scene.legend = [e for e in scene.legend if e.kind != "event"]
    return scene


def _legend(scenes, box):
    """One legend for both maps: factions of either, then symbols of either, then
    the change symbols."""
    by_label: dict[str, object] = {}
    for scene in scenes:
        handles, labels = legend_handles(scene, box)
        for handle, label in zip(handles, labels, strict=True):
            by_label.setdefault(label, handle)
    names = [FACTIONS[c].name for c in FACTIONS]
    factions = [n for n in names if n in by_label]
    others = [label for label in by_label if label not in names]
    labels = factions + others
    handles = [by_label[label] for label in labels]
    hatch = Rectangle(
        (0, 0),
        1,
        1,
        facecolor=_C["paper"],
        edgecolor=_C["changed_legend_edge"],
        linewidth=_W["changed_legend_edge"],
        hatch=PRINT_HATCH["changed"],
    )
    ring = Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=9,
        markerfacecolor="none",
        markeredgecolor=CHANGED_RING_COLOR,
        markeredgewidth=_W["changed_ring"],
    )
    handles += [hatch, ring]
    labels += [LEGEND_TEXT["changed_land"], LEGEND_TEXT["changed_town"]]
    return handles, labels


def _table(fig, layout, left_in, top_in, widths, header, rows, colors=None) -> float:
    """Draw a simple table of text; return the height used (inches)."""
    H = layout["height"]
    W = layout["width"]
    x = [left_in]
    for w in widths[:-1]:
        x.append(x[-1] + w)
    y = top_in
    for i, text in enumerate(header):
        fig.text(x[i] / W, (H - y) / H, text, fontsize=_FONT_SIZE, fontweight="bold",
                 color=TEXT, ha="left", va="top", family=FONT, parse_math=False)  # fmt: skip
    y += _ROW
    fig.add_artist(
        Line2D([left_in / W, (left_in + sum(widths)) / W], [(H - y + 0.03) / H] * 2,
               color=_C["table_rule"], linewidth=_W["table_rule"])
    )  # fmt: skip
    for n, row in enumerate(rows):
        chips = colors[n] if colors is not None else {}
        for i, text in enumerate(row):
            indent = 0.15 if i in chips else 0.0
            fig.text((x[i] + indent) / W, (H - y - 0.02) / H, text, fontsize=_FONT_SIZE,
                     color=TEXT, ha="left", va="top", family=FONT, parse_math=False)  # fmt: skip
        for i, color in chips.items():
            fig.add_artist(
                Rectangle((x[i] / W, (H - y - 0.13) / H), 0.1 / W, 0.1 / H,
                          facecolor=color, edgecolor=_C["chip_edge"], linewidth=_W["chip_edge"])
            )  # fmt: skip
        y += _ROW
    return y - top_in


def _chip(code) -> str:
    if code is None or code == UNKNOWN or (not isinstance(code, str) and pd.isna(code)):
        return UNKNOWN_COLOR
    return faction_color(code)


class _Page:
    """Inches to figure fractions (``y`` measured from the top of the page)."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height

    def fx(self, x_in: float) -> float:
        """Figure fraction of ``x_in`` inches from the left."""
        return x_in / self.width

    def fy(self, y_from_top_in: float) -> float:
        """Figure fraction of ``y_from_top_in`` inches from the top."""
        return (self.height - y_from_top_in) / self.height


def _draw_head(fig, page: _Page, c: Comparison, summary) -> None:
    """Title, the atlas's name and the summary sentence."""
    fx, fy = page.fx, page.fy
    fig.text(fx(_MARGIN), fy(0.2), c.title, fontsize=14, fontweight="bold", color=TEXT,
             ha="left", va="top", family=FONT, parse_math=False)  # fmt: skip
    fig.text(fx(page.width - _MARGIN), fy(0.22), "Frontline Atlas", fontsize=8.5, color=MUTED,
             ha="right", va="top", family=FONT, fontweight="bold")  # fmt: skip
    for i, line in enumerate(summary):
        fig.text(fx(_MARGIN), fy(0.52 + 0.2 * i), line, fontsize=9, color=TEXT, ha="left",
                 va="top", family=FONT, parse_math=False)  # fmt: skip


def _draw_changed_land(ax, land) -> None:
    """Land that changed hands, outlined and hatched in its new holder's colour."""
    for geom, row in zip(_project(land.geometry.to_numpy()), land.itertuples(), strict=True):
        path = _polygon_path(geom)
        if path is None:
            continue
        color = _chip(row.to_faction)
        ax.add_patch(
            PathPatch(path, facecolor="none", edgecolor=color,
                      linewidth=_W["changed_outline"], zorder=7)
        )  # fmt: skip
        hatch = PathPatch(path, facecolor="none", edgecolor=color, linewidth=0,
                          hatch=PRINT_HATCH["changed"], zorder=7)  # fmt: skip
        if hasattr(hatch, "set_hatch_linewidth"):
            hatch.set_hatch_linewidth(CHANGE_HATCH_WIDTH)
        ax.add_patch(hatch)


def _draw_changed_towns(ax, towns, xy, changed_ids) -> None:
    """Rings (on a white casing) around the towns that changed hands."""
    mask = towns["id"].isin(changed_ids).to_numpy()
    if mask.any():
        ax.scatter(xy[mask, 0], xy[mask, 1], s=150, facecolors="none",
                   edgecolors=_C["halo"], linewidths=_W["changed_ring_casing"],
                   zorder=21)  # fmt: skip
        ax.scatter(xy[mask, 0], xy[mask, 1], s=150, facecolors="none",
                   edgecolors=CHANGED_RING_COLOR, linewidths=_W["changed_ring"],
                   zorder=22)  # fmt: skip


def _draw_maps(fig, page: _Page, c: Comparison, scenes, box_m, map_size, title_h) -> None:
    """The two maps, side by side under their heads; changes drawn on top."""
    fx, fy = page.fx, page.fy
    map_w, map_h = map_size
    map_top = title_h + _HEAD_H
    changed_ids = set(c.changes["place_id"])
    heads = (f"Before: {format_date(c.start)}", f"After: {format_date(c.end)}")
    for n, (scene, head) in enumerate(zip(scenes, heads, strict=True)):
        left = _MARGIN + n * (map_w + _GAP)
        fig.text(fx(left), fy(title_h + 0.08), head, fontsize=10, fontweight="bold",
                 color=TEXT, ha="left", va="top", family=FONT, parse_math=False)  # fmt: skip
        ax = fig.add_axes([fx(left), fy(map_top + map_h), map_w / page.width, map_h / page.height])
        drawn = draw_map(fig, ax, scene, box_m, map_w, town_labels="key")
        if n == 1 and len(c.land):
            _draw_changed_land(ax, c.land)
        if len(scene.towns) and changed_ids:
            _draw_changed_towns(ax, scene.towns, drawn["xy"], changed_ids)


def _draw_town_table(fig, page: _Page, layout, c: Comparison, top: float, left_w: float):
    """The towns that changed hands (and those that came back), on the left."""
    fx, fy = page.fx, page.fy
    change_rows, hidden = _change_rows(c)
    fig.text(fx(_MARGIN), fy(top), "Towns that changed hands", fontsize=9.5, fontweight="bold",
             color=TEXT, ha="left", va="top", family=FONT)  # fmt: skip
    scale = left_w / 7.0
    widths = [1.35 * scale, 1.45 * scale, 1.45 * scale, 1.15 * scale, 1.6 * scale]
    chips = [
        {1: _chip(r.from_faction), 2: _chip(r.to_faction)}
        for r in _shown_changes(c).itertuples(index=False)
    ]
    y = top + 0.25
    if change_rows:
        used = _table(fig, layout, _MARGIN, y, widths,
                      ["Town", "From", "To", "Captured", "Source"], change_rows,
                      chips)  # fmt: skip
    else:
        fig.text(fx(_MARGIN), fy(y), "None: every town had the same holder on both dates.",
                 fontsize=_FONT_SIZE, color=MUTED, ha="left", va="top", family=FONT)  # fmt: skip
        used = _ROW
    y += used
    if hidden:
        fig.text(fx(_MARGIN), fy(y), f"… and {hidden} more (all in the CSV of the change table)",
                 fontsize=_FONT_SIZE, color=MUTED, ha="left", va="top", family=FONT)  # fmt: skip
        y += _ROW
    returned = _returned_lines(c)
    if returned:
        y += 0.1
        fig.text(fx(_MARGIN), fy(y), "Changed hands and came back", fontsize=8.5,
                 fontweight="bold", color=TEXT, ha="left", va="top", family=FONT)  # fmt: skip
        y += _ROW + 0.03
        for line in returned:
            fig.text(fx(_MARGIN), fy(y), line, fontsize=_FONT_SIZE, color=TEXT, ha="left",
                     va="top", family=FONT, parse_math=False)  # fmt: skip
            y += _ROW


def _draw_area_table(fig, page: _Page, layout, c: Comparison, top: float, left_w: float):
    """The area per faction on each date, on the right."""
    fx, fy = page.fx, page.fy
    area_rows = _area_rows(c)
    inner = page.width - 2 * _MARGIN
    right = _MARGIN + left_w + 0.3
    right_w = inner - left_w - 0.3
    fig.text(fx(right), fy(top), "Area per faction (km²)", fontsize=9.5, fontweight="bold",
             color=TEXT, ha="left", va="top", family=FONT)  # fmt: skip
    unit = right_w / 6.7
    widths = [1.6 * unit, 1.2 * unit, 1.2 * unit, 1.0 * unit, 0.85 * unit, 0.85 * unit]
    _table(fig, layout, right, top + 0.25, widths,
           ["Faction", _short(c.start), _short(c.end), "Change", "core", "nominal"],
           area_rows)  # fmt: skip
    fig.text(fx(right), fy(top + 0.25 + _ROW * (len(area_rows) + 1) + 0.08),
             "Core: land within reach of a faction's towns; nominal: the rest of the land "
             "nearest to them.", fontsize=6.5, color=MUTED, ha="left", va="top",
             family=FONT, wrap=True)  # fmt: skip


def _tables_height(c: Comparison) -> float:
    """Height of the two tables, in inches: the longer of the two."""
    change_rows, hidden = _change_rows(c)
    returned = _returned_lines(c)
    left_rows = 1 + max(len(change_rows), 1) + (1 if hidden else 0)
    if returned:
        left_rows += 1.4 + len(returned)
    return 0.55 + _ROW * max(left_rows, 1 + len(_area_rows(c)) + 2)


def comparison_figure(
    dataset: Dataset,
    comparison: Comparison,
    *,
    extent="theatre",
    dpi: int = 150,
    width_in: float = DEFAULT_COMPARE_WIDTH_IN,
) -> Figure:
    """Draw the before/after figure of a comparison.

    Parameters
    ----------
    dataset : Dataset
        The dataset the comparison was made from.
    comparison : Comparison
        From :func:`geodata.compare.compare`.
    extent : str or tuple, default "theatre"
        See :func:`geodata.extent.resolve_extent`; both maps show the same view.
    dpi : int, default 150
        72..300.
    width_in : float, default 12
        Figure width in inches (8 to 24); the height follows the extent and
        the length of the change table.

    Returns
    -------
    matplotlib.figure.Figure
    """
    dpi = check_dpi(dpi)
    if not 8 <= float(width_in) <= 24:
        raise ValueError(f"expected a width between 8 and 24 inches, got {width_in!r}")
    box = check_extent(extent)
    box_m = metric_box(box)
    x0, y0, x1, y1 = box_m
    c = comparison
    scenes = (_scene(dataset, c.start, box), _scene(dataset, c.end, box))

    width = float(width_in)
    map_w = (width - 2 * _MARGIN - _GAP) / 2
    map_h = map_w * (y1 - y0) / (x1 - x0)
    summary = textwrap.wrap(c.summary, width=int(width * 13.5))
    title_h = 0.5 + 0.2 * len(summary) + 0.1
    handles, labels = _legend(scenes, box)
    ncols = 5 if width >= 11 else 4
    legend_h = 0.12 + math.ceil(len(labels) / ncols) * 0.16
    foot_h = 0.3
    height = title_h + _HEAD_H + map_h + legend_h + _tables_height(c) + foot_h
    page = _Page(width, height)
    layout = {"width": width, "height": height}

    fig = Figure(figsize=(width, height), dpi=dpi, facecolor=_C["paper"])
    FigureCanvasAgg(fig)
    _draw_head(fig, page, c, summary)
    _draw_maps(fig, page, c, scenes, box_m, (map_w, map_h), title_h)

    legend_top = title_h + _HEAD_H + map_h + 0.1
    fig.legend(
        handles,
        labels,
        loc="upper left",
        ncols=ncols,
        frameon=False,
        bbox_to_anchor=(page.fx(_MARGIN), page.fy(legend_top)),
        **LEGEND_STYLE,
    )
    # Tables: the towns on the left, the areas on the right.
    top = legend_top + legend_h + 0.05
    left_w = (width - 2 * _MARGIN) * 0.57
    _draw_town_table(fig, page, layout, c, top, left_w)
    _draw_area_table(fig, page, layout, c, top, left_w)
    fig.text(page.fx(_MARGIN), 0.1 / height, ATTRIBUTION, fontsize=6.3, color=MUTED, ha="left",
             va="bottom", family=FONT)  # fmt: skip
    return fig


def render_comparison(
    dataset: Dataset,
    comparison: Comparison,
    *,
    fmt: str = "png",
    dpi: int = 150,
    extent="theatre",
    width_in: float = DEFAULT_COMPARE_WIDTH_IN,
) -> bytes:
    """Render the before/after figure as PNG, SVG or PDF bytes.

    Parameters are those of :func:`comparison_figure`, plus ``fmt``.

    Raises
    ------
    ValueError
        For an unknown format, a dpi out of range or a bad extent.
    """
    fmt = str(fmt).lower()
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"expected an image format {', '.join(IMAGE_FORMATS)}, got {fmt!r}")
    fig = comparison_figure(dataset, comparison, extent=extent, dpi=dpi, width_in=width_in)
    title = f"{comparison.title} - Frontline Atlas"
    metadata = {
        "png": {"Title": title, "Software": "Frontline Atlas (matplotlib)"},
        "svg": {"Title": title, "Date": None, "Creator": "Frontline Atlas (matplotlib)"},
        "pdf": {"Title": title, "Creator": "Frontline Atlas (matplotlib)", "CreationDate": None},
    }[fmt]
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "hatch.linewidth": 1.0}):
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, facecolor=_C["paper"], metadata=metadata)
    return buffer.getvalue()
