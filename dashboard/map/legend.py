"""The live map's legend, as escaped HTML for the frame.

The frame (``dashboard/map/atlas.js``) sets it as the legend's content and
then puts the date's title in as text. Swatches take their colours from
:mod:`geodata.style` (``LIVE_LEGEND``) and the scene's legend entries.
"""

from __future__ import annotations

from dashboard.safe import esc
from geodata.style import LEGEND_TEXT, LIVE_LEGEND, UNKNOWN_COLOR, fill_opacity
from geodata.territory import DEFAULT_MAX_REACH_KM

__all__ = ["legend_html"]

_L = LIVE_LEGEND  # short: it is read in every swatch


def _row(swatch_style: str, label: str) -> str:
    swatch = f"<span class='fa-sw' style='{swatch_style}'></span>"
    return f"<div class='fa-row'>{swatch}<span>{esc(label)}</span></div>"


def _circle(diameter: int, style: str) -> str:
    margin = (17 - diameter) / 2
    return (
        f"border-radius:50%;width:{diameter}px;flex-basis:{diameter}px;"
        f"margin:0 {margin:g}px;{style}"
    )


def legend_html(entries: list[dict], *, title: str, shown: set[str]) -> str:
    """Return the legend's HTML (escaped) for the entries of a scene payload.

    Parameters
    ----------
    entries : list of dict
        ``payload["legend"]``: ``label``, ``color``, ``kind``.
    title : str
        First line, e.g. the map title with its date.
    shown : set of str
        Layer keys drawn (see :data:`geodata.style.LAYERS`); rows of hidden layers are left out.
    """
    factions = [
        _row(
            f"background:{esc(e['color'])};opacity:{_L['swatch_opacity']};"
            f"border:1px solid {_L['swatch_border']}",
            e["label"],
        )
        for e in entries
        if e["kind"] == "faction"
    ]
    by_kind = {e["kind"]: e for e in entries}
    symbols = []
    if "towns" in shown:
        town = (
            f"background:{_L['town_fill']};border:1.5px solid {_L['town_edge']};"
            f"box-shadow:0 0 0 1px {_L['town_shadow']}"
        )
        symbols.append(_row(_circle(11, town), "Town (fill: holder)"))
        if "contested" in by_kind:
            ring = f"background:{_L['town_fill']};border:3px solid {_L['contested_ring']}"
            symbols.append(_row(_circle(13, ring), by_kind["contested"]["label"]))
    if "fronts" in shown and "frontline" in by_kind:
        line = (
            f"height:4px;background:{esc(by_kind['frontline']['color'])};"
            f"box-shadow:0 0 0 1px {_L['front_casing']}"
        )
        symbols.append(_row(line, by_kind["frontline"]["label"]))
    if "recent" in shown and "event" in by_kind:
        halo = f"background:{esc(by_kind['event']['color'])};opacity:{_L['halo_opacity']}"
        symbols.append(_row(_circle(15, halo), by_kind["event"]["label"]))
    if "territories" in shown:
        zone = f"border:2px dashed {_L['zone_border']};background:{_L['zone_fill']}"
        symbols.append(_row(zone, "Contested area (dashes: attacker)"))
        core = f"background:rgba({_L['grey_rgb']},{fill_opacity('live')})"
        light = f"background:rgba({_L['grey_rgb']},{fill_opacity('live', 'nominal')})"
        symbols.append(_row(core, LEGEND_TEXT["core"]))
        symbols.append(_row(light, LEGEND_TEXT["nominal"]))
        if "unknown" in by_kind:
            symbols.append(_row(f"background:{UNKNOWN_COLOR}", LEGEND_TEXT["unknown"]))
    symbols.append(_row(f"height:2px;background:{_L['border']}", "Country border"))
    note = (
        "<div class='fa-note'>Territories are estimates: every km² goes to the holder of the "
        "nearest town of its country; core land lies within a town's reach (up to "
        f"{DEFAULT_MAX_REACH_KM:g} km, less where towns are dense).</div>"
        if "territories" in shown
        else ""
    )
    return (
        "<div class='fa-head'>"
        f"<span class='fa-title'>{esc(title)}</span>"
        "<button type='button' class='fa-toggle' aria-expanded='true' "
        "aria-label='Hide legend' title='Hide legend'>&minus;</button></div>"
        "<div class='fa-body'>"
        f"<div class='fa-grid'>{''.join(factions)}</div><div class='fa-sep'></div>"
        f"<div class='fa-grid'>{''.join(symbols)}</div>{note}</div>"
    )
