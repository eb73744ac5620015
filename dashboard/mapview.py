"""The live map: mounted once, then updated in place.

streamlit-folium keys its component on a hash of the base map's script plus
our ``key``. The base map (:func:`dashboard.layers.base_map`) is the same on
every run, so the component — the map frame and its Leaflet map — is created
once per session; each run only sends new date layers through
``feature_group_to_add``, which the frame swaps without touching the view.
``center``/``zoom`` are sent only when a search asks the map to move.
"""

from __future__ import annotations

import math

import streamlit as st
from streamlit_folium import st_folium

from .assets import LEAFLET_CSS_URL, LEAFLET_JS_URL
from .layers import base_map, date_layers

__all__ = ["MAP_KEY", "MAP_HEIGHT", "nearest_town", "show_map"]

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


def show_map(
    payload: dict,
    *,
    extent: tuple[float, float, float, float],
    title: str,
    recent_ids: frozenset[str],
    selected: str | None,
    shown: set[str],
) -> str | None:
    """Draw the map; return the id of a town the user just clicked, if any."""
    view = st.session_state.get("map_view") or {}
    output = st_folium(
        base_map(extent, leaflet_js=LEAFLET_JS_URL, leaflet_css=LEAFLET_CSS_URL),
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=date_layers(
            payload, title=title, recent_ids=recent_ids, selected=selected, shown=shown
        ),
        # "bounds": the export panel can draw the view the user is looking at.
        returned_objects=["last_object_clicked", "bounds"],
        center=view.get("center"),
        zoom=view.get("zoom"),
    )
    bounds = (output or {}).get("bounds") or {}
    south_west, north_east = bounds.get("_southWest") or {}, bounds.get("_northEast") or {}
    if south_west.get("lng") is not None and north_east.get("lat") is not None:
        st.session_state["map_bounds"] = (
            south_west["lng"],
            south_west["lat"],
            north_east["lng"],
            north_east["lat"],
        )
    click = (output or {}).get("last_object_clicked")
    if not click or click == st.session_state.get("_last_click"):
        return None
    st.session_state["_last_click"] = click
    return nearest_town(payload["towns"], click["lat"], click["lng"])
