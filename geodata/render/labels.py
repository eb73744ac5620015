"""Town labels on the static maps: the key places always, other towns where they fit."""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib import patheffects

from geodata.style import PRINT_COLORS, PRINT_WIDTHS

from .text import FONT, TEXT

__all__ = ["ORIENTATION_PLACES", "MAX_FITTED_LABELS", "draw_place_labels"]

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


def _best_position(dot, size, gap: float, boxes, ax_box):
    """Find where a label goes around its dot.

    The first of the eight positions around ``dot`` that overlaps nothing in
    ``boxes`` and stays inside the axes, else the one of least overlap.
    Returns ``((ox, oy, box), cost)``, ``box`` in display pixels.
    """
    w, h = size
    best, best_cost = None, None
    for ox, oy in _OFFSETS:
        cx, cy = dot[0] + ox * gap, dot[1] + oy * gap
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
    return best, best_cost


def _label_order(towns, dots, px_per_pt: float, all_towns: bool) -> list[int]:
    """Return the order in which towns are labelled.

    Key places first, the most crowded of them first (fewest free spots),
    then the orientation places, then every other town.
    """
    ids = towns["id"].to_numpy()
    key = towns["label"].to_numpy(dtype=bool)
    crowd = np.array([(np.hypot(*(dots - d).T) < 60 * px_per_pt).sum() for d in dots])
    order = sorted(np.flatnonzero(key), key=lambda i: -crowd[i])
    if all_towns and len(towns) <= MAX_FITTED_LABELS:
        rank = {pid: n for n, pid in enumerate(ORIENTATION_PLACES)}
        others = [i for i in range(len(towns)) if not key[i]]
        order += sorted(others, key=lambda i: (rank.get(ids[i], len(rank)), i))
    return order


def draw_place_labels(fig, ax, towns, xy, avoid, *, all_towns: bool = True) -> None:
    """Label the key places (always) and, where they fit, the other towns.

    Each label tries eight positions around its dot and takes the first that
    overlaps no dot, no other label and nothing in ``avoid``; a key place
    that fits nowhere takes the position of least overlap, another town is
    left unlabelled.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        With a canvas (labels are measured with its renderer).
    ax : matplotlib.axes.Axes
    towns : geopandas.GeoDataFrame
        The scene's towns (``id``, ``name``, ``label``).
    xy : numpy.ndarray
        The towns in metric coordinates, in ``towns`` order.
    avoid : shapely.Geometry
        The scale card (metric CRS).
    all_towns : bool, default True
        Label other towns where they fit (False: the key places only).
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

    key = towns["label"].to_numpy(dtype=bool)
    probe = ax.text(0, 0, "", fontsize=8.5, family=FONT)
    for i in _label_order(towns, dots, px_per_pt, all_towns):
        is_key = bool(key[i])
        size = 8.5 if is_key else 6.5
        name = str(towns["name"].iloc[i])
        probe.set_text(name)
        probe.set_fontsize(size)
        probe.set_fontweight("bold" if is_key else "normal")
        bb = probe.get_window_extent(renderer)
        gap = (5.5 if is_key else 4.0) * px_per_pt
        best, best_cost = _best_position(
            dots[i], (bb.width, bb.height), gap, np.concatenate(taken), ax_box
        )
        if best_cost > 0 and not is_key:
            continue
        ox, oy, box = best
        halo = PRINT_WIDTHS["key_label_halo" if is_key else "label_halo"]
        ax.annotate(
            name,
            xy=tuple(xy[i]),
            xytext=(ox * gap / px_per_pt, oy * gap / px_per_pt),
            textcoords="offset points",
            ha="left" if ox > 0 else "right" if ox < 0 else "center",
            va="bottom" if oy > 0 else "top" if oy < 0 else "center",
            fontsize=size,
            fontweight="bold" if is_key else "normal",
            color=TEXT if is_key else PRINT_COLORS["town_label"],
            zorder=40 if is_key else 39,
            family=FONT,
            path_effects=[patheffects.withStroke(linewidth=halo, foreground=PRINT_COLORS["halo"])],
        )
        taken.append(box[None, :])
    probe.remove()
