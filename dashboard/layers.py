"""The live map, built from a :class:`geodata.scene.Scene`.

Two halves, placed by :mod:`dashboard.mapview`:

- :func:`base_map` — what never changes, as a folium map: panes, base layers
  (no tiles, OSM, a light map, satellite), the country borders that keep the
  map readable offline, country names, styles, the initial view and the
  frame's drawing code (``dashboard/js/atlas.js``). streamlit-folium mounts it
  once.
- :func:`date_script` — what a date shows: territories, contested zones, front
  lines, towns, labels, recent changes, the selection and the legend. It is a
  short script, sent in place of a rendered ``FeatureGroup`` through
  streamlit-folium's ``feature_group``, that hands the epoch's data
  (:func:`epoch_data`, compact JSON made once per epoch) to the drawing code.
  The frame keeps the last epoch's layers, so a step within an epoch only
  moves the legend's date, the halos and the selection.

Why not folium objects for the date half: rendering them through Jinja on
every step cost most of a step's server time, and one folium marker with its
own tooltip per town made a map of 10,000 towns send megabytes per step (see
``bench/RESULTS.md``).

The date half starts from :func:`scene_payload`, plain JSON-ready data that
the dashboard caches per epoch. Strings from the data reach the page as text
(the frame sets ``textContent``); the legend's HTML is escaped here with
:mod:`dashboard.safe`. Only Leaflet itself is needed in the browser: no
plugin, no jQuery.

A town shows its names and holder on hover; a click selects it, and the side
panel (:mod:`dashboard.panels`) gives its whole history with sources. There
is no Leaflet popup: the rerun a click causes redraws the date layers, which
would close it at once, and its auto-pan would move the user's view.

This module never imports Streamlit.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from folium import FeatureGroup, LayerControl, Map, TileLayer
from folium.elements import MacroElement
from folium.map import CustomPane
from folium.template import Template
from xyzservices import TileProvider

from geodata.borders import load_borders
from geodata.factions import faction_color
from geodata.scene import Scene
from geodata.style import FRONT_COLOR, LEGEND_TEXT, UNKNOWN_COLOR, fill_opacity
from geodata.territory import DEFAULT_MAX_REACH_KM

from .describe import holder_text
from .safe import esc

__all__ = [
    "LAYERS",
    "PANES",
    "BASE_LAYERS",
    "scene_payload",
    "base_map",
    "epoch_data",
    "parse_expression",
    "date_script",
    "legend_html",
]

#: Layers a user can show or hide: key -> label.
LAYERS = {
    "territories": "Territories",
    "fronts": "Front lines",
    "towns": "Towns",
    "labels": "Labels of key places",
    "recent": "Recent changes",
}

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

TERRITORY_OPACITY = fill_opacity("live")
RECENT_COLOR = "#ffff00"
SELECTED_COLOR = "#1565c0"
REPORT_COLOR = "#8e24aa"  # places named in the news report being checked
_DIGITS = 4  # ~10 m: plenty for a map, and a third of the JSON


def _round(geometry):
    return shapely.transform(geometry, lambda c: np.round(c, _DIGITS))


def _feature(geometry, properties: dict, *, raw: bool = False) -> dict:
    """A GeoJSON Feature; with ``raw``, its geometry stays the GeoJSON text GEOS wrote.

    GEOS writes the GeoJSON (shortest decimals) far quicker than shapely's
    ``mapping()`` builds it in Python; raw text also skips parsing it here
    only to print it again for the browser (see :func:`epoch_data`).
    """
    text = shapely.to_geojson(_round(geometry))
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": text if raw else json.loads(text),
    }


def _collection_json(collection: dict) -> str:
    """JSON of a FeatureCollection whose geometries are GeoJSON text (``raw``)."""
    features = ",".join(
        '{"type":"Feature","properties":'
        + json.dumps(f["properties"], ensure_ascii=False, separators=(",", ":"))
        + ',"geometry":'
        + f["geometry"]
        + "}"
        for f in collection["features"]
    )
    return '{"type":"FeatureCollection","features":[' + features + "]}"


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _notna(value) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


# ---------------------------------------------------------------------------
# Data for one epoch
# ---------------------------------------------------------------------------


def _territory_features(scene: Scene) -> list[dict]:
    features = []
    for row in scene.territories.itertuples():
        if row.geometry is None or row.geometry.is_empty:
            continue
        contested = row.status == "contested" and _notna(row.contested_by)
        tier = getattr(row, "tier", "core")
        style = {
            "stroke": bool(contested),
            "color": faction_color(row.contested_by) if contested else row.color,
            "weight": 2.5 if contested else 0,
            "dashArray": "7 5" if contested else None,
            "opacity": 0.95,
            "fillColor": row.color,
            "fillOpacity": fill_opacity("live", tier, contested=contested),
        }
        # ~300 m: invisible at the zooms a theatre map is read at, halves the JSON.
        geometry = row.geometry.simplify(0.003, preserve_topology=True)
        features.append(
            _feature(
                geometry,
                {
                    "faction": row.faction,
                    "status": row.status,
                    "contested_by": row.contested_by if contested else None,
                    "tier": tier,
                    "style": style,
                },
                raw=True,
            )
        )
    return features


def _front_features(scene: Scene) -> list[dict]:
    return [
        _feature(
            row.geometry,
            {"factions": [row.faction_a, row.faction_b], "tier": getattr(row, "tier", "core")},
            raw=True,
        )
        for row in scene.front_lines.itertuples()
        if row.geometry is not None and not row.geometry.is_empty
    ]


def scene_payload(scene: Scene) -> dict:
    """Return what a scene's date layers need, as JSON-ready data.

    Everything here depends only on the control state, so it is the same for
    every date of an epoch; per-date extras (recent changes, the selected
    place, the legend title) are added by :func:`date_layers`.

    Parameters
    ----------
    scene : geodata.scene.Scene

    Returns
    -------
    dict
        ``territories`` and ``fronts`` (GeoJSON FeatureCollections in lon/lat;
        each geometry is GeoJSON text, passed on to the browser as it is),
        ``towns`` (list of dicts with ``id``, names, ``lat``, ``lon``,
        colours and ``holder``, plain text: the browser shows it as text) and
        ``legend``.
    """
    t = scene.towns
    points = t.geometry.to_numpy()
    holder = functools.lru_cache(maxsize=None)(holder_text)  # few distinct states per epoch
    columns = zip(
        t["id"].tolist(),
        t["name"].tolist(),
        t["name_ar"].tolist(),
        shapely.get_y(points).tolist(),  # shapely points are (x, y) = (lon, lat)
        shapely.get_x(points).tolist(),
        t["color"].tolist(),
        t["label"].tolist(),
        (t["status"].eq("contested") & t["contested_by"].notna()).tolist(),
        zip(
            t["controller"].tolist(),
            t["status"].tolist(),
            t["contested_by"].tolist(),
            t["since"].tolist(),
            t["since_precision"].tolist(),
            strict=True,
        ),
        strict=True,
    )
    towns = [
        {
            "id": id_,
            "name": name,
            "name_ar": name_ar if _notna(name_ar) else "",
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "fill": fill,
            "ring": faction_color(state[2]) if contested else "#ffffff",
            "contested": contested,
            "key": bool(key),
            "holder": holder(*state),
        }
        for id_, name, name_ar, lat, lon, fill, key, contested, state in columns
    ]
    # The scene's legend names every faction holding something; when factions
    # are filtered out, name only those drawn.
    drawn = set(scene.towns["controller"].dropna()) | set(scene.territories["faction"])
    return {
        "territories": _collection(_territory_features(scene)),
        "fronts": _collection(_front_features(scene)),
        "towns": towns,
        "legend": [
            {"label": e.label, "color": e.color, "kind": e.kind, "code": e.code}
            for e in scene.legend
            if e.kind != "faction" or e.code in drawn
        ],
    }


# ---------------------------------------------------------------------------
# Leaflet scripts
# ---------------------------------------------------------------------------


#: The browser half of the date layers (see :func:`date_script`), loaded once
#: with the base map.
#: compare.js (two maps in the frame, see :mod:`dashboard.compare_view`) comes with it.
ATLAS_JS = "\n".join(
    (Path(__file__).parent / "js" / name).read_text(encoding="utf-8")
    for name in ("atlas.js", "compare.js")
)


class _Library(MacroElement):
    """Defines ``window.__fa`` in the map frame: draws the layers of a date."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.source }}{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "FrontlineAtlasJs"
        self.source = ATLAS_JS


_CSS = """
{% macro header(this, kwargs) %}
<style>
.leaflet-container { background: #cfdde8; font: 12px/1.35 "Helvetica Neue", Arial, sans-serif; }
.fa-label { white-space: nowrap; }
.fa-label span { font-weight: 700; font-size: 12.5px; color: #111;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.fa-country { white-space: nowrap; text-align: center; color: #6b7280; font-size: 12px;
  letter-spacing: .18em; text-transform: uppercase; font-weight: 600;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff; }
.fa-country.fa-theatre { color: #374151; font-size: 15px; letter-spacing: .3em; }
.fa-legend { background: rgba(255,255,255,.95); padding: 6px 8px; border-radius: 5px;
  box-shadow: 0 1px 4px rgba(0,0,0,.35); color: #111; font-size: 11px; line-height: 1.3;
  max-width: 340px; }
.fa-legend .fa-head { display: flex; align-items: center; justify-content: space-between;
  gap: 8px; }
.fa-legend .fa-title { font-weight: 700; font-size: 12.5px; }
.fa-legend .fa-toggle { border: 1px solid #bbb; background: #fff; border-radius: 3px;
  width: 20px; height: 20px; line-height: 16px; padding: 0; cursor: pointer; font-size: 14px; }
.fa-legend .fa-toggle:focus-visible { outline: 2px solid #1565c0; }
.fa-legend.fa-collapsed .fa-body { display: none; }
.fa-legend .fa-body { margin-top: 4px; }
.fa-legend .fa-grid { display: grid; grid-template-columns: auto auto; column-gap: 10px; }
.fa-legend .fa-row { display: flex; align-items: center; gap: 5px; margin: 1px 0; }
.fa-legend .fa-sw { flex: 0 0 17px; width: 17px; height: 11px; display: inline-block;
  box-sizing: border-box; }
.fa-legend .fa-sep { border-top: 1px solid #ddd; margin: 4px 0; }
.fa-legend .fa-note { color: #555; font-size: 10.5px; margin-top: 4px; }
.fa-tip { font-size: 12px; }
.fa-tip .fa-hint { color: #666; font-size: 11px; margin-top: 2px; }
</style>
{% endmacro %}
"""


class _Css(MacroElement):
    _template = Template(_CSS)

    def __init__(self):
        super().__init__()
        self._name = "FrontlineCss"


# ---------------------------------------------------------------------------
# The fixed base map
# ---------------------------------------------------------------------------


def _border_collections(borders) -> tuple[dict, dict]:
    land, lines = [], []
    for row in borders.itertuples():
        theatre = row.role == "theatre"
        land.append(
            _feature(
                row.geometry,
                {
                    "style": {
                        "stroke": False,
                        "fillColor": "#f6f3ec" if theatre else "#e9e7e1",
                        "fillOpacity": 1,
                    }
                },
            )
        )
        lines.append(
            _feature(
                row.geometry,
                {
                    "style": {
                        "fill": False,
                        "color": "#2f2f2f" if theatre else "#7a7a7a",
                        "weight": 1.6 if theatre else 1.0,
                        "opacity": 0.9,
                    }
                },
            )
        )
    return _collection(land), _collection(lines)


def _country_labels(borders) -> list[dict]:
    labels = []
    for row in borders.itertuples():
        parts = shapely.get_parts(row.geometry)
        biggest = max(parts, key=lambda p: p.area)
        if biggest.area < 0.5:  # square degrees: skip slivers (Cyprus, Kuwait...)
            continue
        point = biggest.representative_point() if row.iso_a2 != "SY" else biggest.centroid
        theatre = row.role == "theatre"
        labels.append(
            {
                "lat": round(point.y, 3),
                "lon": round(point.x, 3),
                "name": str(row.name),  # shown as text
                "theatre": theatre,
            }
        )
    return labels


def base_data(borders=None) -> str:
    """Return the base map's geography as JSON: land, country outlines and names.

    The frame fetches it once from the app's static files
    (:func:`dashboard.assets.ensure_base_data` writes it): in the base map's
    script it would be sent to the browser again on every run.

    Parameters
    ----------
    borders : geopandas.GeoDataFrame, optional
        Country outlines (default: :func:`geodata.borders.load_borders`).
    """
    borders = load_borders() if borders is None else borders
    land, lines = _border_collections(borders)
    return json.dumps(
        {"land": land, "lines": lines, "labels": _country_labels(borders)},
        ensure_ascii=False,
        separators=(",", ":"),
    )


class _BaseData(MacroElement):
    """Fetches :func:`base_data` and draws it: land in ``land``, outlines, names."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map, land) {
    function style(f) { return f.properties.style; }
    // Kept as a promise: compare mode draws the same base on its second map.
    window.__faBaseData = fetch({{ this.url|tojson }}).then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status + ' for ' + r.url); }
        return r.json();
    });
    window.__faBaseData.then(function (base) {
        L.geoJSON(base.land, {pane: 'land', interactive: false, style: style}).addTo(land);
        L.geoJSON(base.lines, {pane: 'borders', interactive: false, style: style}).addTo(map);
        base.labels.forEach(function (t) {
            var div = document.createElement('div');
            div.className = t.theatre ? 'fa-country fa-theatre' : 'fa-country';
            div.textContent = t.name;
            L.marker([t.lat, t.lon], {
                pane: 'countrylabels', interactive: false, keyboard: false,
                icon: L.divIcon({className: '', html: div, iconSize: [160, 20],
                                 iconAnchor: [80, 10]})
            }).addTo(map);
        });
        window.__faBaseDrawn = true;
    }).catch(function (e) {
        console.error('Frontline Atlas: the country borders did not load: ' + e);
    });
})({{ this._parent.get_name() }}, {{ this.land }});
{% endmacro %}"""
    )

    def __init__(self, url: str, land: str):
        super().__init__()
        self._name = "FrontlineBase"
        self.url, self.land = url, land


def base_map(
    extent: tuple[float, float, float, float],
    *,
    leaflet_js: str,
    leaflet_css: str,
    base_data_url: str,
) -> Map:
    """Return the fixed part of the map.

    Parameters
    ----------
    extent : tuple
        ``(west, south, east, north)`` in degrees: the initial view.
    leaflet_js, leaflet_css : str
        Where the browser gets Leaflet (see :mod:`dashboard.assets`); they
        replace every CDN script and stylesheet folium would add.
    base_data_url : str
        Where the browser gets :func:`base_data` (see :mod:`dashboard.assets`).

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
    m.default_js = [("leaflet", leaflet_js)]
    m.default_css = [("leaflet_css", leaflet_css)]
    _Css().add_to(m)
    _Library().add_to(m)
    for name, z in PANES.items():
        CustomPane(name, z_index=z, pointer_events=(name == "towns")).add_to(m)

    plain = None
    for label, provider in BASE_LAYERS.items():
        if provider is None:
            plain = FeatureGroup(name=label, overlay=False, control=True, show=True).add_to(m)
        else:
            TileLayer(provider, name=label, show=False, max_zoom=14).add_to(m)
    _BaseData(base_data_url, plain.get_name()).add_to(m)
    LayerControl(position="topright", collapsed=True).add_to(m)
    m.fit_bounds([[south, west], [north, east]])  # (lat, lon) corners
    return m


# ---------------------------------------------------------------------------
# The layers of one date
# ---------------------------------------------------------------------------


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
        Layer keys drawn (see :data:`LAYERS`); rows of hidden layers are left out.
    """
    factions = [
        _row(
            f"background:{esc(e['color'])};opacity:.85;border:1px solid rgba(0,0,0,.35)", e["label"]
        )
        for e in entries
        if e["kind"] == "faction"
    ]
    by_kind = {e["kind"]: e for e in entries}
    symbols = []
    if "towns" in shown:
        town = "background:#d43300;border:1.5px solid #fff;box-shadow:0 0 0 1px #888"
        symbols.append(_row(_circle(11, town), "Town (fill: holder)"))
        if "contested" in by_kind:
            ring = "background:#d43300;border:3px solid #1a1a1a"
            symbols.append(_row(_circle(13, ring), by_kind["contested"]["label"]))
    if "fronts" in shown and "frontline" in by_kind:
        line = (
            f"height:4px;background:{esc(by_kind['frontline']['color'])};box-shadow:0 0 0 1px #fff"
        )
        symbols.append(_row(line, by_kind["frontline"]["label"]))
    if "recent" in shown and "event" in by_kind:
        halo = f"background:{esc(by_kind['event']['color'])};opacity:.8"
        symbols.append(_row(_circle(15, halo), by_kind["event"]["label"]))
    if "territories" in shown:
        zone = "border:2px dashed #1a1a1a;background:rgba(215,48,31,.25)"
        symbols.append(_row(zone, "Contested area (dashes: attacker)"))
        core = f"background:rgba(120,120,120,{fill_opacity('live')})"
        light = f"background:rgba(120,120,120,{fill_opacity('live', 'nominal')})"
        symbols.append(_row(core, LEGEND_TEXT["core"]))
        symbols.append(_row(light, LEGEND_TEXT["nominal"]))
        if "unknown" in by_kind:
            symbols.append(_row(f"background:{UNKNOWN_COLOR}", LEGEND_TEXT["unknown"]))
    symbols.append(_row("height:2px;background:#2f2f2f", "Country border"))
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


def _script_json(value) -> str:
    """JSON that is also safe inside a script: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def epoch_data(payload: dict) -> str:
    """Return the browser's data for one epoch, as compact JSON text.

    Towns go as columns (one list per field; colours as indexes into
    ``colors``, holders as indexes into ``towns.holders``) rather than one
    object each: a fraction of the size, and the frame draws all of them on
    one canvas from these arrays. Names and holders are
    plain text, shown by the frame as text.

    Parameters
    ----------
    payload : dict
        From :func:`scene_payload`.

    Returns
    -------
    str
    """
    towns = payload["towns"]
    colors: dict[str, int] = {}
    holders: dict[str, int] = {}

    def color(value: str) -> int:
        return colors.setdefault(value, len(colors))

    columns = {
        "id": [t["id"] for t in towns],
        "name": [t["name"] for t in towns],
        "ar": [t["name_ar"] for t in towns],
        "lat": [t["lat"] for t in towns],
        "lon": [t["lon"] for t in towns],
        "fill": [color(t["fill"]) for t in towns],
        "ring": [color(t["ring"]) for t in towns],
        "flags": [int(t["key"]) | (2 * int(t["contested"])) for t in towns],
        # Few distinct holders ("... since <date>") for many towns: sent once each.
        "holder": [holders.setdefault(t["holder"], len(holders)) for t in towns],
        "holders": None,
    }
    columns["holders"] = list(holders)
    rest = json.dumps(
        {"front_color": FRONT_COLOR, "towns": columns, "colors": list(colors)},
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return (
        '{"territories":'
        + _collection_json(payload["territories"])
        + ',"fronts":'
        + _collection_json(payload["fronts"])
        + ","
        + rest[1:]
    )


def parse_expression(data: str) -> str:
    """Return a script expression that yields the JSON text ``data``: ``JSON.parse("...")``.

    Made once per epoch (see :class:`dashboard.cache.EpochLayers`), not per
    step: at 10,000 towns the quoting alone takes milliseconds. JSON.parse
    reads a string several times faster than the JavaScript parser reads the
    same object as a literal.
    """
    return f"JSON.parse({_script_json(data)})"


def date_script(
    payload: dict,
    *,
    epoch: str,
    data: str,
    title: str,
    date: str = "",
    recent_ids: set[str] | frozenset[str] = frozenset(),
    selected: str | None = None,
    shown: set[str] | frozenset[str] = frozenset(LAYERS),
    report: list[dict] | tuple = (),
) -> str:
    """Return the script that draws one date on the mounted map.

    streamlit-folium evaluates it in the map frame instead of a rendered
    folium ``FeatureGroup`` (``feature_group`` of its component): it removes
    the previous date's group, then this script adds a new one. The epoch's
    layers are built by the frame only when ``epoch`` differs from the last
    one drawn; otherwise the frame reuses them and this call only changes the
    legend, the recent-change halos and the selection ring.

    Parameters
    ----------
    payload : dict
        From :func:`scene_payload` (for the legend).
    epoch : str
        Identifies the epoch's data (epoch start, factions shown, dataset).
    data : str
        :func:`parse_expression` of the :func:`epoch_data` of ``payload``.
    title : str
        Legend title (carries the date).
    date : str
        ``YYYY-MM-DD``, set as ``window.__frontlineDate`` in the frame.
    recent_ids : set of str
        Places that changed in the recent window: highlighted.
    selected : str, optional
        Place id to mark with a ring.
    shown : set of str
        Layer keys to draw (see :data:`LAYERS`). The legend is always drawn.
    report : list of dict
        Places named in the news report being checked (``lat``, ``lon``,
        ``name``): each is ringed, whether or not the data has it.

    Returns
    -------
    str
        JavaScript; every string in it is JSON made safe for a script.
    """
    options = {
        "date": date,
        # The legend without its title, which changes every step and goes as
        # text: the frame then rebuilds the legend only when its rows change.
        "legend": legend_html(payload["legend"], title="", shown=shown),
        "title": title,
        "shown": [k for k in LAYERS if k in shown],
        "recent": sorted(recent_ids),
        "selected": selected,
        "recent_style": {
            "radius": 13,
            "stroke": True,
            "color": "#d4b000",
            "weight": 1,
            "fillColor": RECENT_COLOR,
            "fillOpacity": 0.75,
        },
        "report": [
            {"lat": float(p["lat"]), "lon": float(p["lon"]), "name": str(p["name"])} for p in report
        ],
        "report_style": {
            "radius": 17,
            "fill": False,
            "color": REPORT_COLOR,
            "weight": 3,
            "opacity": 0.95,
        },
        "selected_style": {
            "radius": 15,
            "fill": False,
            "color": SELECTED_COLOR,
            "weight": 3,
            "dashArray": "5 3",
        },
    }
    # The data sits in a function so that the frame parses it only for a new epoch.
    return (
        "var feature_group_feature_group_0 = L.layerGroup();\n"
        f"window.__fa.draw(map_div, feature_group_feature_group_0, {_script_json(epoch)}, "
        f"function () {{ return {data}; }}, {_script_json(options)});\n"
        "map_div.addLayer(feature_group_feature_group_0);\n"
        # streamlit-folium has already removed the previous groups from the map.
        "window.feature_group = [feature_group_feature_group_0];\n"
    )
