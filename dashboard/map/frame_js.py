"""The frame's drawing code: ``atlas.js`` and ``compare.js`` with their symbology.

``atlas.js`` draws a date's layers in the frame (``window.__fa``) and
``compare.js`` compare mode's second map; they are preceded by the symbology
they draw with (``window.__faStyle``: ``LIVE_FRAME`` and ``LIVE_PAGE`` of
:mod:`geodata.style`). :mod:`dashboard.map.assets` serves the whole as one
static file that the frame loads once, after Leaflet: as part of the base
map's script it went to the browser again with every run. No folium here:
the static files are written without it.
"""

from __future__ import annotations

import json
from pathlib import Path

from geodata.style import LIVE_FRAME, LIVE_PAGE

__all__ = ["ATLAS_JS", "frame_script"]

#: The browser half of the date layers (see :func:`dashboard.map.script.date_script`),
#: loaded once with the base map.
#: compare.js (two maps in the frame, see :mod:`dashboard.compare_view`) comes with it.
ATLAS_JS = "\n".join(
    (Path(__file__).parent / name).read_text(encoding="utf-8")
    for name in ("atlas.js", "compare.js")
)


def _style_script() -> str:
    """``window.__faStyle``: what the drawing code reads its colours and widths from."""
    style = {"frame": LIVE_FRAME, "page": LIVE_PAGE}
    return f"window.__faStyle = {json.dumps(style, separators=(',', ':'))};\n"


def frame_script() -> str:
    """The frame's drawing code: defines ``window.__faStyle`` and ``window.__fa``.

    Loaded by the frame before the base map's script (see
    :data:`dashboard.map.assets.ATLAS_JS_URL`).
    """
    return _style_script() + ATLAS_JS
