"""The live map: mounted once, then updated in place.

streamlit-folium keys its component on a hash of the base map's script plus
our ``key``. The base map (:func:`dashboard.map.base.base_map`) is the same on
every run, so the component — the map frame and its Leaflet map — is created
once per session; each run only sends the date's script
(:func:`dashboard.map.script.date_script`) as the component's ``feature_group``,
which the frame evaluates without touching the view. ``center``/``zoom`` are
sent only when a search asks the map to move.

We call streamlit-folium's inner steps (``_component_func`` and the helpers
that render a map) rather than ``st_folium``: that renders the base map once
per session instead of on every run, and lets the date half be our own
script rather than a folium object. ``pyproject.toml`` pins the releases
these steps were checked against; a test fails if they go missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium

from .assets import ATLAS_JS_URL, BASE_DATA_URL, LEAFLET_CSS_URL, LEAFLET_JS_URL
from .base import base_map
from .script import FRAME_EPOCHS

__all__ = [
    "MAP_KEY",
    "MAP_HEIGHT",
    "SF_PARTS",
    "FRAME_STORES",
    "nearest_town",
    "forget_frame",
    "frame_holds",
    "show_map",
]

MAP_KEY = "atlas-map"
MAP_HEIGHT = 640


def nearest_town(towns: list[dict], lat: float, lon: float, *, max_km: float = 30.0):
    """Id of the town nearest to a clicked point, or None beyond ``max_km``.

    Examples
    --------
    >>> nearest_town([{"id": "a", "lat": 34.0, "lon": 38.0}], 34.01, 38.02)
    'a'
    """
    best, best_km = None, max_km
    for town in towns:
        # Equirectangular distance: exact enough to tell towns apart.
        dx = math.radians(town["lon"] - lon) * math.cos(math.radians(lat))
        dy = math.radians(town["lat"] - lat)
        km = 6371.0 * math.hypot(dx, dy)
        if km < best_km:
            best, best_km = town["id"], km
    return best


@dataclass(frozen=True)
class _RenderedBase:
    """The base map, rendered once per session (see :func:`_rendered_base`)."""

    map: folium.Map
    script: str
    header: str
    html: str
    map_id: str
    css_links: list
    js_links: list


#: streamlit-folium's own steps that :func:`show_map` uses.
SF_PARTS = (
    "_component_func",
    "_get_header",
    "_get_html",
    "_get_map_string",
    "generate_js_hash",
    "get_full_id",
)


def _links(m: folium.Map) -> tuple[list, list]:
    css, js = [], []

    def walk(element):
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def _rendered_base(extent) -> _RenderedBase:
    """This session's base map, built and rendered on its first run only.

    Kept per session: it is small, and a user's run never waits on another's.
    """
    key = (tuple(extent), LEAFLET_JS_URL, LEAFLET_CSS_URL, BASE_DATA_URL, ATLAS_JS_URL)
    cached = st.session_state.get("_rendered_base")
    if cached is not None and cached[0] == key:
        return cached[1]
    m = base_map(
        extent,
        leaflet_js=LEAFLET_JS_URL,
        leaflet_css=LEAFLET_CSS_URL,
        base_data_url=BASE_DATA_URL,
        atlas_js=ATLAS_JS_URL,
    )
    m.get_root().render()
    m.render()
    html, header = streamlit_folium._get_html(m), streamlit_folium._get_header(m)
    script = streamlit_folium._get_map_string(m)
    css, js = _links(m)
    base = _RenderedBase(
        map=m,
        script=script,
        header=header,
        html=html,
        map_id=streamlit_folium.get_full_id(m),
        css_links=css,
        js_links=js,
    )
    if cached is not None:  # a new base mounts a new frame, which holds no data
        forget_frame()
    st.session_state["_rendered_base"] = (key, base)
    return base


#: The frame's stores that :func:`frame_holds` mirrors: the main map's
#: (``window.__fa``: epochs, town and follow tables, compare mode's changed land)
#: and compare mode's earlier map's (its own atlas: its epochs and town table).
FRAME_STORES = ("_frame_epochs", "_frame_left")


def forget_frame() -> None:
    """The frame holds nothing (a new frame, or one that lost its data)."""
    for store in FRAME_STORES:
        st.session_state[store] = []


def frame_holds(epoch_id: str, store: str = "_frame_epochs") -> bool:
    """Whether the map frame holds this epoch's data (or this town table); either way
    it is its latest now.

    Mirrors the frame's store (``atlas.js``): the ids of the epochs and town
    tables whose data this session sent to the mounted frame, the most recently
    drawn last, at most :data:`dashboard.map.script.FRAME_EPOCHS`. False means:
    send the data.
    When the frame lacks data it was believed to hold (it was remounted, or
    the page skipped a step), it asks for it and :func:`show_map` starts the
    list afresh. ``store`` is one of :data:`FRAME_STORES`.
    """
    held = st.session_state.setdefault(store, [])
    found = epoch_id in held
    if found:
        held.remove(epoch_id)
    held.append(epoch_id)
    del held[:-FRAME_EPOCHS]
    return found


def _show(extent, script: str, *, center, zoom) -> dict | None:
    """What ``st_folium`` does, with the base map rendered once per session.

    The frame returns the town clicked; the view (bounds) only when the date
    script's ``wantBounds`` asks for it (see :func:`show_map`).
    """
    base = _rendered_base(extent)
    hash_key = streamlit_folium.generate_js_hash(base.script, MAP_KEY, False)
    return streamlit_folium._component_func(
        script=base.script,
        header=base.header,
        html=base.html,
        id=base.map_id,
        key=hash_key,
        height=MAP_HEIGHT,
        width=None,  # the container's width
        returned_objects=["last_object_clicked"],
        default={"last_object_clicked": None},
        zoom=zoom,
        center=center,
        feature_group=script,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=base.css_links,
        js_links=base.js_links,
        on_change=None,
        wrap_longitude=False,
    )


def show_map(
    script: str,
    *,
    towns: list[dict],
    extent: tuple[float, float, float, float],
    bounds: bool = False,
):
    """Draw the map; return the id of a town the user just clicked, if any.

    Parameters
    ----------
    script : str
        The date's script (:func:`dashboard.map.script.date_script`).
    towns : list of dict
        The epoch's towns (``payload["towns"]``), to name the one clicked.
    extent : tuple
        ``(west, south, east, north)``: the base map's first view.
    bounds : bool
        Whether the frame sends the view the user is looking at, and again after
        each pan or zoom (kept in ``st.session_state["map_bounds"]`` for the
        export panel). Each view it sends reruns the page, so it does so only
        while asked: otherwise the page's first draw, or a pan, reruns it just as
        the user clicks, and the click's run is replaced.
    """
    view = st.session_state.get("map_view") or {}
    output = _show(
        extent,
        f"window.__fa.wantBounds({'true' if bounds else 'false'});\n" + script,
        center=view.get("center"),
        zoom=view.get("zoom"),
    )
    view_sent = (output or {}).get("bounds") or {}
    south_west, north_east = view_sent.get("_southWest") or {}, view_sent.get("_northEast") or {}
    if south_west.get("lng") is not None and north_east.get("lat") is not None:
        st.session_state["map_bounds"] = (
            south_west["lng"],
            south_west["lat"],
            north_east["lng"],
            north_east["lat"],
        )
    missing = (output or {}).get("fa_missing") or {}
    if missing.get("nonce") and missing["nonce"] != st.session_state.get("_frame_missing"):
        # The frame lacks an epoch's data: send it again, and whatever comes next.
        st.session_state["_frame_missing"] = missing["nonce"]
        forget_frame()
        st.rerun(scope="fragment")
    click = (output or {}).get("last_object_clicked")
    if not click or click == st.session_state.get("_last_click"):
        return None
    st.session_state["_last_click"] = click
    return nearest_town(towns, click["lat"], click["lng"])
