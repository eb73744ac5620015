"""How every renderer draws the map's layers: one table, read by the live map,
the report images and the HTML and KML exports.

Fill opacities differ per medium (a printed map sits on white paper, the live
map on tiles), but the ratio between a faction's core and nominal land, the
front colour and the dash of fronts across nominal land are the same
everywhere, so the media cannot disagree about what is what.
"""

from __future__ import annotations

from .version import DATA_VERSION

__all__ = [
    "FRONT_COLOR",
    "FRONT_DASH",
    "NOMINAL_SHARE",
    "UNKNOWN_COLOR",
    "fill_opacity",
    "LEGEND_TEXT",
    "CHANGED_RING_COLOR",
    "CHANGE_HATCH_WIDTH",
    # render/export block (below)
    "ATTRIBUTION",
    "PRINT_COLORS",
    "PRINT_WIDTHS",
    "PRINT_HATCH",
    "PRINT_ALPHA",
    "HTML_COLORS",
    "HTML_WIDTHS",
    "HTML_DASH",
    "HTML_OPACITY",
    "KML_CONTESTED_OPACITY",
    "KML_WIDTHS",
]

#: Colour of front lines in every medium.
FRONT_COLOR = "#e31a1c"
#: Colour of land whose holder is not known.
UNKNOWN_COLOR = "#8fa9c4"
#: Dash of a front across nominal land: (on, off) in line widths.
FRONT_DASH = (2.5, 2.0)
#: Compare mode: towns that changed hands between the two dates are ringed
#: in this colour (no faction uses it).
CHANGED_RING_COLOR = "#8e24aa"
#: Compare mode: land that changed hands is hatched in its new holder's
#: colour, lines this wide (points in print, pixels on screen: x1.5).
CHANGE_HATCH_WIDTH = 1.4
#: A nominal zone's fill opacity as a share of the core's.
NOMINAL_SHARE = 0.4

# Core fill opacity per medium.
_CORE_OPACITY = {"print": 0.55, "live": 0.42, "html": 0.5}

#: Legend wording shared by every renderer.
LEGEND_TEXT = {
    "core": "Core: land within reach of the towns a faction holds",
    "nominal": "Light: nominal land (nearest town)",
    "contested": "Contested zone (hatched: attacker)",
    "front": "Front (dashed: nominal land)",
    "unknown": "Holder unknown",
    "changed_land": "Changed hands (hatched: new holder)",
    "changed_town": "Town that changed hands",
}


def fill_opacity(medium: str, tier: str = "core", *, contested: bool = False) -> float:
    """Return the fill opacity of a territory of a tier in a medium.

    Parameters
    ----------
    medium : {"print", "live", "html"}
    tier : {"core", "nominal"}
    contested : bool
        Contested zones are drawn a little lighter under their hatching.

    Examples
    --------
    >>> fill_opacity("print", "nominal")
    0.22
    """
    value = _CORE_OPACITY[medium] * (NOMINAL_SHARE if tier == "nominal" else 1.0)
    return round(value * (0.75 if contested else 1.0), 3)


# =========================================================================
# Static maps and file exports (geodata.render, geodata.export).
#
# Every colour, line width, dash, hatch and opacity the report maps and the
# HTML/KML exports draw with, besides the shared entries above. The values
# are those the renderers always used (the images and files are unchanged);
# what differs between the media differs on purpose (paper vs a web map).
# =========================================================================

#: The credit line every static map, GeoJSON, KML and HTML export carries.
ATTRIBUTION = (
    f"Event data: Frontline Atlas, data {DATA_VERSION}, sourced events (see events.csv); "
    "towns: GeoNames (CC BY 4.0); borders: Natural Earth; territory is estimated from "
    "controlled towns"
)

# ----------------------------------------------------------------- print

#: Colours of the report maps (matplotlib), by role.
PRINT_COLORS = {
    # ground
    "paper": "white",
    "sea": "#dbe7f0",
    "context_land": "#efefec",
    "context_edge": "#b4b4b4",
    "theatre_land": "#fbfaf6",
    "theatre_edge": "#3a3a3a",
    "frame": "#555555",  # the map's outline
    # text
    "text": "#222222",
    "muted": "#666666",
    "town_label": "#333333",  # towns other than the key places
    "theatre_name": "#8a8a8a",  # SYRIA, IRAQ
    "context_name": "#a3a3a3",  # neighbouring countries
    "halo": "white",  # outline of labels, casing of front lines
    # towns
    "town_edge": "#202020",
    "recent": "#ffff00",  # when the scene's legend names no colour
    "recent_edge": "#b59b00",
    # furniture
    "card": "white",
    "card_edge": "#b0b0b0",
    "timeline_track": "#e4e4e4",
    "timeline_done": "#555555",
    # legend swatches
    "legend_tier": "#777777",
    "legend_contested": "#dddddd",
    "legend_contested_edge": "#555555",
    "legend_town": "#888888",
    "legend_town_edge": "#222222",
    "legend_attacker": "#d43300",
    "legend_ring": "#1a1a1a",
    # the before/after figure
    "changed_legend_edge": "#444444",
    "table_rule": "#999999",
    "chip_edge": "#333333",
}

#: Line widths of the report maps, in points.
PRINT_WIDTHS = {
    "frame": 0.8,
    "context_edge": 0.5,
    "theatre_edge": 1.1,
    "contested_hatch": 1.2,
    "front": 1.9,
    "front_nominal": 1.3,
    "front_casing": 3.4,
    "front_casing_nominal": 2.6,
    "contested_ring": 1.6,
    "town_edge": 0.45,
    "key_town_edge": 0.8,
    "recent_edge": 0.5,
    "card_edge": 0.5,
    "scale_bar": 0.6,
    "north_arrow": 1.1,
    "theatre_name_halo": 2,
    "label_halo": 2.0,
    "key_label_halo": 2.6,
    # legend handles
    "legend_swatch": 0.8,
    "legend_front": 2.0,
    "legend_front_nominal": 1.3,
    "legend_front_casing": 3.6,
    "legend_town_edge": 0.4,
    "legend_ring": 1.6,
    "legend_recent_edge": 0.5,
    # the before/after figure
    "changed_outline": 0.9,
    "changed_ring": 1.8,
    "changed_ring_casing": 3.4,
    "changed_legend_edge": 0.6,
    "table_rule": 0.6,
    "chip_edge": 0.4,
}

#: Hatches of the report maps (matplotlib patterns).
PRINT_HATCH = {
    "contested": "////",  # in the attacker's colour
    "changed": "/////",  # land that changed hands, in its new holder's colour
}

#: Opacities of the report maps, besides the territory fills (fill_opacity).
PRINT_ALPHA = {
    "recent": 0.9,
    "card": 0.88,
}

# ----------------------------------------------------------------- html

#: Colours of the standalone HTML map (folium/Leaflet) and its legend (CSS).
HTML_COLORS = {
    "theatre_edge": "#3a3a3a",
    "context_edge": "#9a9a9a",
    "land": "#ffffff",
    "casing": "white",  # under front lines
    "town_edge": "#202020",
    "legend_ring": "#1a1a1a",
    "legend_muted": "#666",
    "legend_box": "rgba(255,255,255,.92)",
    "legend_shadow": "rgba(0,0,0,.3)",
}

#: Line widths (``weight``, pixels) of the HTML map.
HTML_WIDTHS = {
    "theatre_edge": 1.6,
    "context_edge": 0.8,
    "contested_edge": 2,
    "front": 3,
    "front_nominal": 2,
    "front_casing": 5,
    "front_casing_nominal": 4,
    "town_edge": 1,
    "contested_ring": 3,
}

#: Leaflet ``dashArray`` patterns of the HTML map.
HTML_DASH = {
    "contested": "4 4",  # outline in the attacker's colour
    "front_nominal": "6 5",
}

#: Opacities of the HTML map, besides the territory fills (fill_opacity).
HTML_OPACITY = {
    "theatre_land": 0.35,
    "context_land": 0.0,
    "town": 1.0,
    "legend_swatch": ".7",  # CSS
}

# ----------------------------------------------------------------- kml
# Faction fills use fill_opacity("html"): Google Earth shows the web map's tones.

#: Fill opacity of a contested zone in the KML export.
KML_CONTESTED_OPACITY = 0.35

#: Line widths of the KML export (Google Earth, pixels).
KML_WIDTHS = {
    "territory": 1,
    "nominal": 0,
    "contested": 3,
    "front": 3,
}
