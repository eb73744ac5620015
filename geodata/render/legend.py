"""The static maps' legend: which entries a view shows, and their handles."""

from __future__ import annotations

import pandas as pd
import shapely
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from geodata.factions import FACTIONS
from geodata.scene import Scene
from geodata.style import (
    FRONT_DASH,
    LEGEND_TEXT,
    PRINT_ALPHA,
    PRINT_COLORS,
    PRINT_HATCH,
    PRINT_WIDTHS,
    UNKNOWN_COLOR,
    fill_opacity,
)

from .text import FONT

__all__ = ["LEGEND_STYLE", "legend_handles"]

_C, _W = PRINT_COLORS, PRINT_WIDTHS

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


def _town_dot(face=None) -> Line2D:
    """The legend's town marker (grey unless ``face`` is given)."""
    return _dot(4.5, face or _C["legend_town"], _C["legend_town_edge"], _W["legend_town_edge"])


def _swatch(color, alpha, **kwargs) -> Rectangle:
    """A square legend patch."""
    return Rectangle((0, 0), 1, 1, facecolor=color, alpha=alpha, **kwargs)


def _territory_handles(scene: Scene, box, factions, stable: bool):
    """(handle, label) pairs for the factions and the kinds of land."""
    if stable:
        entries = [(FACTIONS[c].name, FACTIONS[c].color) for c in FACTIONS if c in set(factions)]
    else:
        shown = _factions_in_view(scene, box)
        entries = [
            (e.label, e.color) for e in scene.legend if e.kind == "faction" and e.code in shown
        ]
    pairs = [
        (
            _swatch(color, fill_opacity("print"), edgecolor=color, linewidth=_W["legend_swatch"]),
            label,
        )
        for label, color in entries
    ]
    terr = scene.territories
    if stable or "nominal" in set(terr.get("tier", pd.Series(dtype=object))):
        core = _swatch(_C["legend_tier"], fill_opacity("print"), edgecolor="none")
        nominal = _swatch(_C["legend_tier"], fill_opacity("print", "nominal"), edgecolor="none")
        pairs.append(((core, nominal), LEGEND_TEXT["nominal"]))
    if stable or (terr["faction"] == "UNKNOWN").any():
        unknown = _swatch(UNKNOWN_COLOR, fill_opacity("print", "nominal"), edgecolor="none")
        pairs.append((unknown, LEGEND_TEXT["unknown"]))
    if stable or (terr["status"] == "contested").any():
        contested = Rectangle(
            (0, 0),
            1,
            1,
            facecolor=_C["legend_contested"],
            edgecolor=_C["legend_contested_edge"],
            linewidth=0,
            hatch=PRINT_HATCH["contested"],
        )
        pairs.append((contested, LEGEND_TEXT["contested"]))
    return pairs


def _symbol_handles(scene: Scene, stable: bool):
    """(handle, label) pairs for the map symbols: contested towns, fronts, recent changes."""
    pairs = []
    towns = scene.towns
    for entry in scene.legend:
        if entry.kind == "contested" and (stable or (towns["status"] == "contested").any()):
            ring = _dot(9, "none", _C["legend_ring"], _W["legend_ring"])
            pairs.append(((ring, _town_dot(_C["legend_attacker"])), entry.label))
        elif entry.kind == "frontline" and (stable or len(scene.front_lines)):
            casing = Line2D([], [], color=_C["halo"], linewidth=_W["legend_front_casing"])
            solid = Line2D([], [], color=entry.color, linewidth=_W["legend_front"])
            dashed = Line2D(
                [],
                [],
                color=entry.color,
                linewidth=_W["legend_front_nominal"],
                linestyle=(0, FRONT_DASH),
            )
            pairs.append(((casing, solid, dashed), LEGEND_TEXT["front"]))
        elif entry.kind == "event" and (stable or towns["recent"].any()):
            halo = _dot(
                10,
                entry.color,
                _C["recent_edge"],
                _W["legend_recent_edge"],
                alpha=PRINT_ALPHA["recent"],
            )
            pairs.append(((halo, _town_dot()), entry.label))
    pairs.append((_town_dot(), "Town (colour: controller)"))
    return pairs


def legend_handles(scene: Scene, box, factions=None):
    """Return (handles, labels) for the legend: factions, then map symbols.

    Parameters
    ----------
    scene : Scene
    box : tuple
        The view ``(west, south, east, north)``: only factions in it are listed.
    factions : list of str, optional
        List these factions and every symbol, whatever the scene shows (a
        replay keeps one legend for all its frames). By default: the factions
        present in the view and the symbols the scene uses.

    Returns
    -------
    tuple of two lists
        Handles (artists, or tuples of artists drawn on top of each other)
        and their labels.
    """
    stable = factions is not None
    pairs = _territory_handles(scene, box, factions, stable) + _symbol_handles(scene, stable)
    return [h for h, _ in pairs], [label for _, label in pairs]
