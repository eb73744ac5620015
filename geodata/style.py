"""How every renderer draws the map's layers: one table, read by the live map,
the report images and the HTML and KML exports.

Fill opacities differ per medium (a printed map sits on white paper, the live
map on tiles), but the ratio between a faction's core and nominal land, the
front colour and the dash of fronts across nominal land are the same
everywhere, so the media cannot disagree about what is what.
"""

from __future__ import annotations

__all__ = [
    "FRONT_COLOR",
    "FRONT_DASH",
    "NOMINAL_SHARE",
    "UNKNOWN_COLOR",
    "fill_opacity",
    "LEGEND_TEXT",
    "CHANGED_RING_COLOR",
    "CHANGE_HATCH_WIDTH",
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
