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
    "FACTION_COLORS",
    "MISSING_FACTION_COLOR",
    "LEGEND_SWATCH",
    "CHART_AREA_OPACITY",
    "FRONT_COLOR",
    "FRONT_DASH",
    "NOMINAL_SHARE",
    "UNKNOWN_COLOR",
    "fill_opacity",
    "LEGEND_TEXT",
    "CHANGED_RING_COLOR",
    "CHANGE_HATCH_WIDTH",
    # live map block (below)
    "LAYERS",
    "RECENT_COLOR",
    "SELECTED_COLOR",
    "REPORT_COLOR",
    "LIVE_TOWN_RING",
    "LIVE_CONTESTED",
    "LIVE_LAND",
    "LIVE_BORDERS",
    "LIVE_RECENT_STYLE",
    "LIVE_SELECTED_STYLE",
    "LIVE_REPORT_STYLE",
    "LIVE_CHANGED_RING_STYLE",
    "LIVE_LEGEND",
    "LIVE_PAGE",
    "LIVE_FRAME",
    "LIVE_PANELS",
    "LIVE_STRIP",
    "VERDICT_COLORS",
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

#: Fill colour of each faction in every medium (``geodata.factions`` reads them).
#: Every pair of factions that meet at a front is at CIEDE2000 >= 10 under normal
#: vision and simulated colour blindness (tests/unit/test_colours.py).
FACTION_COLORS = {
    "SYGOV": "#d43300",
    "ISIS": "#1a1a1a",
    "REBELS": "#66bd70",
    "NUSRA": "#d6d3d3",
    "SDF": "#e8d81b",
    "IQGOV": "#d592a6",
    "KRG": "#e8731a",
    "TURKEY": "#0074a9",
}
#: Colour of a faction code the table does not know.
MISSING_FACTION_COLOR = "#bdbdbd"
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

#: The colour a legend entry of the scene names for its symbol (the renderers
#: draw each kind their own way: a ring, a halo).
LEGEND_SWATCH = {"contested": "#ffffff", "recent": "#ffff00"}
#: Fill opacity of the dashboard's stacked area chart.
CHART_AREA_OPACITY = 0.85
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
# Live map (dashboard/map) and the dashboard's panels.
#
# Leaflet style options (camelCase keys are Leaflet's own) and CSS values.
# The frame's drawing code (dashboard/map/atlas.js, compare.js) gets
# LIVE_FRAME and LIVE_PAGE from the base map's script rather than holding
# literals. The values are those the live map always used.
# =========================================================================

#: Layers a user can show or hide in the live map: key -> label. Keys name
#: layers of the scene, so the URL state can read them without a renderer.
LAYERS = {
    "territories": "Territories",
    "fronts": "Front lines",
    "towns": "Towns",
    "labels": "Labels of key places",
    "recent": "Recent changes",
}

#: Halo of a town that changed hands in the recent window.
RECENT_COLOR = "#ffff00"
#: Ring of the selected town; also the date mark of the dashboard's charts.
SELECTED_COLOR = "#1565c0"
#: Ring of a place named in the news report being checked.
REPORT_COLOR = "#8e24aa"
#: Ring of a town that is not contested (a contested one: the attacker's colour).
LIVE_TOWN_RING = "#ffffff"

#: Outline of a contested zone, in the attacker's colour.
LIVE_CONTESTED = {"weight": 2.5, "dashArray": "7 5", "opacity": 0.95}

#: Land fill of the base map (no tiles): the theatre's countries and the others.
LIVE_LAND = {"theatre": "#f6f3ec", "other": "#e9e7e1"}
#: Country outlines of the base map.
LIVE_BORDERS = {
    "theatre": {"color": "#2f2f2f", "weight": 1.6},
    "other": {"color": "#7a7a7a", "weight": 1.0},
    "opacity": 0.9,
}

#: Halo of a recent change (Leaflet circle marker).
LIVE_RECENT_STYLE = {
    "radius": 13,
    "stroke": True,
    "color": "#d4b000",
    "weight": 1,
    "fillColor": RECENT_COLOR,
    "fillOpacity": 0.75,
}
#: Ring of the selected town.
LIVE_SELECTED_STYLE = {
    "radius": 15,
    "fill": False,
    "color": SELECTED_COLOR,
    "weight": 3,
    "dashArray": "5 3",
}
#: Ring of a place named in the news report being checked.
LIVE_REPORT_STYLE = {
    "radius": 17,
    "fill": False,
    "color": REPORT_COLOR,
    "weight": 3,
    "opacity": 0.95,
}
#: Compare mode: ring of a town that changed hands between the two dates.
LIVE_CHANGED_RING_STYLE = {
    "radius": 11,
    "color": CHANGED_RING_COLOR,
    "weight": 3,
    "fill": False,
    "opacity": 1,
}

#: Swatches of the live map's legend (CSS values).
LIVE_LEGEND = {
    "swatch_border": "rgba(0,0,0,.35)",
    "swatch_opacity": ".85",
    "town_fill": "#d43300",
    "town_edge": "#fff",
    "town_shadow": "#888",
    "contested_ring": "#1a1a1a",
    "front_casing": "#fff",
    "halo_opacity": ".8",
    "zone_border": "#1a1a1a",
    "zone_fill": "rgba(215,48,31,.25)",
    "grey_rgb": "120,120,120",
    "border": LIVE_BORDERS["theatre"]["color"],
}

#: Colours of the map frame's page: sea, labels, legend box, compare boxes (CSS values).
LIVE_PAGE = {
    "sea": "#cfdde8",
    "text": "#111",
    "halo": "#fff",
    "country": "#6b7280",
    "theatre": "#374151",
    "box": "rgba(255,255,255,.95)",
    "box_shadow": "rgba(0,0,0,.35)",
    "button_border": "#bbb",
    "button": "#fff",
    "focus": SELECTED_COLOR,
    "rule": "#ddd",
    "note": "#555",
    "hint": "#666",
    "sub": "#444",
    "split": "#fff",
}

#: What the frame's drawing code draws itself (dashboard/map/atlas.js, compare.js).
LIVE_FRAME = {
    # Towns on one canvas: radius and ring width in pixels.
    "town": {"radius": 5, "key_radius": 7, "line": 1.5, "contested_line": 3.5},
    # A white casing under front lines, then the line (dashed across nominal land).
    "front_casing": {"color": "#ffffff", "weight": 6.5, "opacity": 0.9, "lineCap": "round"},
    "front": {"weight": 3.5, "nominal_weight": 2.5, "nominal_dash": "7 6", "opacity": 1},
    # Compare mode: a white casing ring under each changed town's ring.
    "ring_casing": {"color": "#ffffff", "radius": 2, "weight": 3, "opacity": 0.9},
    # Compare mode: outline and hatching of land that changed hands.
    "hatch": {
        "fallback": "#555555",
        "weight": 1.5,
        "opacity": 0.95,
        "fill_opacity": 0.9,
        "spacing": 9,
    },
}

#: The dashboard's side panels next to the map (CSS values).
LIVE_PANELS = {
    "sub": "#444",
    "note": "#666",
    "rule": "rgba(128,128,128,.25)",
    "rule_light": "rgba(128,128,128,.2)",
    "current": "rgba(21,101,192,.09)",  # SELECTED_COLOR, faint: the event in force
    "chip_border": "rgba(0,0,0,.3)",
    "now": SELECTED_COLOR,
}

#: The control strip under the map (dashboard/strip): the date's rule and label,
#: year lines, and the row under the pointer or selected (CSS values; text takes
#: the page theme's colour).
LIVE_STRIP = {
    "mark": SELECTED_COLOR,
    "grid": "rgba(128,128,128,.3)",
    "hover": "rgba(21,101,192,.08)",
    "selected": "rgba(21,101,192,.16)",
    "chip_border": "rgba(0,0,0,.3)",
}

#: The news-report panel: a verdict's badge (white text on its colour);
#: "other" also greys the report's quoted sentences.
VERDICT_COLORS = {
    "agrees": "#1b7837",
    "disagrees": "#b2182b",
    "not-in-data": "#5e3c99",
    "unclear": "#8c6d1f",
    "other": "#555",
    "text": "#fff",
}


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
