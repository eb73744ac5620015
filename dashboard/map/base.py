"""The fixed half of the live map: a folium map mounted once per session.

:func:`base_map` holds what never changes: panes, base layers (no tiles, OSM,
a light map, satellite), the frame's styles (:mod:`dashboard.map.elements`),
its drawing code (a static file loaded after Leaflet,
:mod:`dashboard.map.frame_js`), the initial view and the country borders
and names that keep the map readable offline, which the frame fetches once
(:func:`dashboard.map.payload.base_data`, written by :mod:`dashboard.map.assets`).
:mod:`dashboard.map.mount` mounts it; the date half is a script
(:mod:`dashboard.map.script`).
"""

from __future__ import annotations

from folium import FeatureGroup, LayerControl, Map, TileLayer
from folium.map import CustomPane
from xyzservices import TileProvider

from .elements import BaseData, Css

__all__ = ["PANES", "BASE_LAYERS", "base_map"]

#: Custom panes, bottom to top (tiles are at 200, Leaflet's markers at 600).
#: With ``prefer_canvas`` Leaflet gives each pane its own canvas, which is what
#: keeps borders above territory fills and towns above front lines.
PANES = {
    "land": 250,
    "territories": 350,
    "countrylabels": 360,
    "borders": 380,
    "fronts": 390,
    "recent": 440,
    "towns": 450,
    "labels": 610,
}

_OSM = "&copy; <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a> contributors"

#: Base layers: label -> tile provider; None is our own land fill, the
#: default, which needs no network. (Providers, not names or URLs: folium
#: would search all of xyzservices for a match on every run.)
BASE_LAYERS = {
    "No tiles (offline)": None,
    "OpenStreetMap": TileProvider(
        name="OpenStreetMap",
        url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution="(C) OpenStreetMap contributors",
        html_attribution=_OSM,
        max_zoom=19,
    ),
    "Light map (CARTO)": TileProvider(
        name="CARTO Positron",
        url="https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        attribution="(C) OpenStreetMap contributors (C) CARTO",
        html_attribution=f"{_OSM} &copy; <a href='https://carto.com/attributions'>CARTO</a>",
        subdomains="abcd",
        max_zoom=20,
    ),
    "Satellite (Esri)": TileProvider(
        name="Esri World Imagery",
        url="https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        attribution="Tiles (C) Esri",
        html_attribution=(
            "Tiles &copy; Esri &mdash; Source: Esri, i-cubed, USDA, USGS, AEX, GeoEye, "
            "Getmapping, Aerogrid, IGN, IGP, UPR-EGP, and the GIS User Community"
        ),
        max_zoom=18,
    ),
}


def base_map(
    extent: tuple[float, float, float, float],
    *,
    leaflet_js: str,
    leaflet_css: str,
    base_data_url: str,
    atlas_js: str,
) -> Map:
    """Return the fixed part of the map.

    Parameters
    ----------
    extent : tuple
        ``(west, south, east, north)`` in degrees: the initial view.
    leaflet_js, leaflet_css : str
        Where the browser gets Leaflet (see :mod:`dashboard.map.assets`); they
        replace every CDN script and stylesheet folium would add.
    base_data_url : str
        Where the browser gets :func:`dashboard.map.payload.base_data` (see
        :mod:`dashboard.map.assets`).
    atlas_js : str
        Where the browser gets the frame's drawing code
        (:func:`dashboard.map.frame_js.frame_script`), loaded after Leaflet.

    Returns
    -------
    folium.Map
        Canvas renderer, a scale, a base-layer switcher; no tiles shown by
        default, so it reads the same with or without network.
    """
    west, south, east, north = extent
    m = Map(
        location=[(south + north) / 2, (west + east) / 2],  # folium wants (lat, lon)
        zoom_start=6,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        min_zoom=4,
        max_zoom=14,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # Per-instance overrides: only Leaflet, from our own server.
    m.default_js = [("leaflet", leaflet_js), ("frontline_atlas", atlas_js)]
    m.default_css = [("leaflet_css", leaflet_css)]
    Css().add_to(m)
    for name, z in PANES.items():
        CustomPane(name, z_index=z, pointer_events=(name == "towns")).add_to(m)

    plain = None
    for label, provider in BASE_LAYERS.items():
        if provider is None:
            plain = FeatureGroup(name=label, overlay=False, control=True, show=True).add_to(m)
        else:
            TileLayer(provider, name=label, show=False, max_zoom=14).add_to(m)
    BaseData(base_data_url, plain.get_name()).add_to(m)
    LayerControl(position="topright", collapsed=True).add_to(m)
    m.fit_bounds([[south, west], [north, east]])  # (lat, lon) corners
    return m
