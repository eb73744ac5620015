"""The state at a date as files: GeoJSON, GeoPackage, KML, CSV, interactive HTML.

Every function takes a :class:`~geodata.scene.Scene` (the same layers the maps
draw) and returns the file's bytes, so the app can offer them as downloads and
the command line can write them with :func:`write_atomic`.

Escaping
--------
Every text value that comes from data (place names, sources, notes) is
escaped for where it lands: XML text in KML (by :mod:`xml.etree`, and HTML
escaping inside the HTML descriptions Google Earth renders), HTML and
JSON strings in the interactive map's script, and formula-prefixes in CSV
(see :func:`to_csv`).

The interactive map is built with folium, whose elements are Jinja templates;
branca re-reads each element's *rendered* output as a template once more. No
text from data may reach that second pass as template syntax: tooltips and
popups go into the page as JSON strings whose ``{``, ``}``, ``%`` and ``#`` are
written as ``\\uXXXX`` escapes (:func:`_js_string`), and the legend is
inserted as a raw element that is never parsed (:func:`_raw`).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import html
import io
import json
import os
import re
import secrets
import stat
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .dataset import Dataset
from .events import format_date
from .factions import FACTIONS, faction_color
from .scene import Scene, build_scene
from .style import fill_opacity
from .version import DATA_VERSION

__all__ = [
    "ATTRIBUTION",
    "ExportFormat",
    "EXPORT_FORMATS",
    "DATA_FORMATS",
    "places_table",
    "to_geojson",
    "to_gpkg",
    "to_kml",
    "to_csv",
    "to_html",
    "folium_layers",
    "LEAFLET_CDN",
    "leaflet_dir",
    "export_state",
    "write_atomic",
    "neutralise_csv_cell",
]

KML_NS = "http://www.opengis.net/kml/2.2"


@dataclass(frozen=True)
class ExportFormat:
    """What the app needs to offer one format as a download."""

    code: str
    extension: str
    mime: str
    label: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.code: f
    for f in (
        ExportFormat("png", ".png", "image/png", "Map image (PNG)"),
        ExportFormat("svg", ".svg", "image/svg+xml", "Map image (SVG, vector)"),
        ExportFormat("pdf", ".pdf", "application/pdf", "Map (PDF, vector)"),
        ExportFormat("html", ".html", "text/html", "Interactive map (HTML)"),
        ExportFormat("geojson", ".geojson", "application/geo+json", "GeoJSON"),
        ExportFormat("gpkg", ".gpkg", "application/geopackage+sqlite3", "GeoPackage (QGIS)"),
        ExportFormat("kml", ".kml", "application/vnd.google-earth.kml+xml", "KML (Google Earth)"),
        ExportFormat("csv", ".csv", "text/csv", "Places as CSV"),
    )
}
DATA_FORMATS = ("geojson", "gpkg", "kml", "csv")

ATTRIBUTION = (
    f"Event data: Frontline Atlas, data {DATA_VERSION}, sourced events (see events.csv); "
    "towns: GeoNames (CC BY 4.0); borders: Natural Earth; territory is estimated from "
    "controlled towns"
)

# --------------------------------------------------------------------------- shared rows

PLACE_COLUMNS = [
    "id",
    "name",
    "name_ar",
    "country",
    "lat",
    "lon",
    "controller",
    "controller_name",
    "status",
    "contested_by",
    "since",
    "since_precision",
    "key_place",
    "recent_change",
    "event_id",
    "source_title",
    "source_url",
    "color",
]


def _text(value) -> str:
    """Missing values (None, NaN, NaT) as "", everything else as str."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def places_table(scene: Scene, dataset: Dataset | None = None) -> pd.DataFrame:
    """Return the state of every place as a flat table (one row per place).

    Parameters
    ----------
    scene : Scene
    dataset : Dataset, optional
        Where to look up the source of each place's current state (the
        event ``event_id`` refers to); without it the source columns are empty.

    Returns
    -------
    pandas.DataFrame
        :data:`PLACE_COLUMNS`: text columns as ``str`` ("" when missing),
        ``lat``/``lon`` as floats, ``key_place``/``recent_change`` as bools,
        ``since`` as ``YYYY-MM-DD``.
    """
    towns = scene.towns
    sources = {}
    if dataset is not None:
        ev = dataset.events.drop_duplicates("event_id")
        sources = dict(
            zip(ev["event_id"], zip(ev["source_title"], ev["source_url"], strict=True), strict=True)
        )
    rows = []
    for t in towns.itertuples():
        controller = _text(t.controller)
        title, url = sources.get(t.event_id, ("", ""))
        rows.append(
            {
                "id": _text(t.id),
                "name": _text(t.name),
                "name_ar": _text(t.name_ar),
                "country": _text(t.country),
                # Shapely points are (x, y) = (lon, lat).
                "lat": round(float(t.geometry.y), 5),
                "lon": round(float(t.geometry.x), 5),
                "controller": controller,
                "controller_name": FACTIONS[controller].name if controller in FACTIONS else "",
                "status": _text(t.status),
                "contested_by": _text(t.contested_by),
                "since": "" if pd.isna(t.since) else pd.Timestamp(t.since).date().isoformat(),
                "since_precision": _text(t.since_precision),
                "key_place": bool(t.label),
                "recent_change": bool(t.recent),
                "event_id": _text(t.event_id),
                "source_title": _text(title),
                "source_url": _text(url),
                "color": _text(t.color),
            }
        )
    return pd.DataFrame(rows, columns=PLACE_COLUMNS)


def _rounded(geometry) -> dict:
    """GeoJSON geometry with coordinates rounded to 5 decimals (~1 m)."""
    return shapely.geometry.mapping(shapely.transform(geometry, lambda c: np.round(c, 5)))


def _territory_rows(scene: Scene) -> list[dict]:
    return [
        {
            "faction": r.faction,
            "faction_name": FACTIONS[r.faction].name if r.faction in FACTIONS else r.faction,
            "status": r.status,
            "contested_by": _text(r.contested_by),
            "tier": getattr(r, "tier", "core"),
            "country": getattr(r, "country", ""),
            "area_km2": float(r.area_km2),
            "color": r.color,
            "geometry": r.geometry,
        }
        for r in scene.territories.itertuples()
    ]


def _frontline_rows(scene: Scene) -> list[dict]:
    return [
        {
            "faction_a": r.faction_a,
            "faction_b": r.faction_b,
            "tier": getattr(r, "tier", "core"),
            "length_km": float(r.length_km),
            "geometry": r.geometry,
        }
        for r in scene.front_lines.itertuples()
    ]


# --------------------------------------------------------------------------- GeoJSON


def to_geojson(scene: Scene, *, dataset: Dataset | None = None) -> bytes:
    """Return places, territories and front lines as one GeoJSON FeatureCollection.

    Every feature has a ``layer`` property: ``"place"`` (the columns of
    :func:`places_table`), ``"territory"`` (``faction``, ``status``,
    ``contested_by``, ``area_km2``, ``color``) or ``"frontline"``
    (``faction_a``, ``faction_b``, ``length_km``). Coordinates are lon/lat
    (RFC 7946), rounded to 5 decimals. The collection also carries ``date``
    and ``attribution`` members.

    Returns
    -------
    bytes
        UTF-8 JSON.
    """
    features = []
    places = places_table(scene, dataset)
    for row in places.to_dict("records"):
        lon, lat = row["lon"], row["lat"]
        props = {"layer": "place", **{k: (v if v != "" else None) for k, v in row.items()}}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    for row in _territory_rows(scene):
        geometry = row.pop("geometry")
        row["contested_by"] = row["contested_by"] or None
        features.append(
            {
                "type": "Feature",
                "properties": {"layer": "territory", **row},
                "geometry": _rounded(geometry),
            }
        )
    for row in _frontline_rows(scene):
        geometry = row.pop("geometry")
        features.append(
            {
                "type": "Feature",
                "properties": {"layer": "frontline", **row},
                "geometry": _rounded(geometry),
            }
        )
    doc = {
        "type": "FeatureCollection",
        "name": scene.title,
        "date": scene.date.date().isoformat(),
        "attribution": ATTRIBUTION,
        "data_version": DATA_VERSION,
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")


# --------------------------------------------------------------------------- GeoPackage


def _frames(scene: Scene, dataset: Dataset | None):
    places = places_table(scene, dataset)
    places_gdf = gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs="EPSG:4326"
    )
    terr = pd.DataFrame(
        _territory_rows(scene),
        columns=[
            "faction",
            "faction_name",
            "status",
            "contested_by",
            "tier",
            "country",
            "area_km2",
            "color",
            "geometry",
        ],
    )
    terr_gdf = gpd.GeoDataFrame(terr, geometry="geometry", crs="EPSG:4326")
    fronts = pd.DataFrame(
        _frontline_rows(scene),
        columns=["faction_a", "faction_b", "tier", "length_km", "geometry"],
    )
    fronts_gdf = gpd.GeoDataFrame(fronts, geometry="geometry", crs="EPSG:4326")
    return places_gdf, terr_gdf, fronts_gdf


def to_gpkg(scene: Scene, *, dataset: Dataset | None = None) -> bytes:
    """Return a GeoPackage with layers ``places``, ``territories`` and ``frontlines``.

    Layers are in EPSG:4326; territories are MultiPolygons and front lines
    MultiLineStrings (uniform types, as QGIS prefers); ``since`` is an ISO
    date string. Layers are present even when empty.

    Returns
    -------
    bytes
        The ``.gpkg`` (SQLite) file.
    """
    import pyogrio

    places, terr, fronts = _frames(scene, dataset)
    with tempfile.TemporaryDirectory(prefix="frontline-gpkg-") as tmp:
        path = os.path.join(tmp, "export.gpkg")
        for frame, layer, geometry_type in (
            (places, "places", "Point"),
            (terr, "territories", "MultiPolygon"),
            (fronts, "frontlines", "MultiLineString"),
        ):
            if geometry_type.startswith("Multi") and len(frame):
                frame = frame.set_geometry([_to_multi(g) for g in frame.geometry], crs=frame.crs)
            pyogrio.write_dataframe(
                frame, path, layer=layer, driver="GPKG", geometry_type=geometry_type
            )
        return Path(path).read_bytes()


def _to_multi(geometry):
    if geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    if geometry.geom_type == "LineString":
        return shapely.MultiLineString([geometry])
    if geometry.geom_type == "GeometryCollection":  # keep the parts of the layer's kind
        parts = shapely.get_parts(geometry)
        polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
        if polys:
            return _to_multi(shapely.union_all(polys))
        lines = [p for p in parts if p.geom_type in ("LineString", "MultiLineString")]
        return _to_multi(shapely.line_merge(shapely.union_all(lines)))
    return geometry


# --------------------------------------------------------------------------- KML


def _kml_color(hex_color: str, alpha: float = 1.0) -> str:
    """``#rrggbb`` to KML's ``aabbggrr``."""
    h = hex_color.lstrip("#")
    return f"{round(alpha * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def _style_id(*parts: str) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9_]", "_", p) for p in parts)


def _coords(xy) -> str:
    return " ".join(f"{x:.5f},{y:.5f}" for x, y in np.asarray(xy)[:, :2])


def _kml_geometry(parent, geometry) -> None:
    parts = [p for p in shapely.get_parts(geometry) if not p.is_empty]
    target = ET.SubElement(parent, "MultiGeometry") if len(parts) > 1 else parent
    for part in parts:
        if part.geom_type == "Polygon":
            # KML wants outer rings counter-clockwise.
            part = shapely.orient_polygons(part)
            poly = ET.SubElement(target, "Polygon")
            ring = ET.SubElement(ET.SubElement(poly, "outerBoundaryIs"), "LinearRing")
            ET.SubElement(ring, "coordinates").text = _coords(part.exterior.coords)
            for hole in part.interiors:
                ring = ET.SubElement(ET.SubElement(poly, "innerBoundaryIs"), "LinearRing")
                ET.SubElement(ring, "coordinates").text = _coords(hole.coords)
        elif part.geom_type == "LineString":
            line = ET.SubElement(target, "LineString")
            ET.SubElement(line, "tessellate").text = "1"
            ET.SubElement(line, "coordinates").text = _coords(part.coords)
        elif part.geom_type == "Point":
            ET.SubElement(ET.SubElement(target, "Point"), "coordinates").text = _coords(
                [part.coords[0]]
            )


def _place_description(row: dict) -> str:
    """HTML (values escaped) for a place's balloon in Google Earth or the web map."""
    e = html.escape
    lines = [
        f"<b>{e(row['name'])}</b>" + (f" ({e(row['name_ar'])})" if row["name_ar"] else ""),
        f"Controller: {e(row['controller_name'] or row['controller'] or 'unknown')}",
        f"Status: {e(row['status'])}"
        + (
            f" (contested by {e(_faction_name(row['contested_by']))})"
            if row["contested_by"]
            else ""
        ),
    ]
    if row["since"]:
        since = format_date(pd.Timestamp(row["since"]), row["since_precision"] or "day")
        lines.append(f"Since: {e(since)}")
    if row["source_title"]:
        url = row["source_url"]
        if url.startswith(("http://", "https://")):
            lines.append(f'Source: <a href="{e(url)}">{e(row["source_title"])}</a>')
        else:
            lines.append(f"Source: {e(row['source_title'])}")
    return "<br>".join(lines)


def _faction_name(code: str) -> str:
    return FACTIONS[code].name if code in FACTIONS else code


def to_kml(scene: Scene, *, dataset: Dataset | None = None) -> bytes:
    """Return the state at the scene's date as KML for Google Earth.

    One folder per layer: ``Places`` (a Placemark per place, coloured by
    controller, with a description giving controller, status, since and
    source, and the same as ExtendedData), ``Territories`` (polygons filled
    in faction colours; contested zones outlined in the attacker's colour)
    and ``Front lines``.

    Returns
    -------
    bytes
        UTF-8 XML.
    """
    kml = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(kml, "Document")
    ET.SubElement(doc, "name").text = f"Frontline Atlas: {scene.title}"
    ET.SubElement(doc, "description").text = ATTRIBUTION

    codes = set(scene.towns["controller"].dropna()) | set(scene.territories["faction"])
    if scene.towns["controller"].isna().any():
        codes.add("UNKNOWN")
    for code in sorted(codes):
        color = faction_color(code)
        style = ET.SubElement(doc, "Style", id=_style_id("place", code))
        icon = ET.SubElement(style, "IconStyle")
        ET.SubElement(icon, "color").text = _kml_color(color)
        ET.SubElement(icon, "scale").text = "0.8"
        href = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
        ET.SubElement(ET.SubElement(icon, "Icon"), "href").text = href
        ET.SubElement(ET.SubElement(style, "LabelStyle"), "scale").text = "0.8"
        style = ET.SubElement(doc, "Style", id=_style_id("territory", code))
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_color(color)
        ET.SubElement(line, "width").text = "1"
        ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_color(
            color, fill_opacity("html")
        )
        style = ET.SubElement(doc, "Style", id=_style_id("nominal", code))
        ET.SubElement(ET.SubElement(style, "LineStyle"), "width").text = "0"
        ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_color(
            color, fill_opacity("html", "nominal")
        )
    contested = scene.territories[scene.territories["status"] == "contested"]
    for r in contested.itertuples():
        style_id = _style_id("contested", r.faction, _text(r.contested_by))
        style = ET.SubElement(doc, "Style", id=style_id)
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_color(faction_color(_text(r.contested_by)))
        ET.SubElement(line, "width").text = "3"
        poly = ET.SubElement(style, "PolyStyle")
        ET.SubElement(poly, "color").text = _kml_color(faction_color(r.faction), 0.35)
    style = ET.SubElement(doc, "Style", id="frontline")
    line = ET.SubElement(style, "LineStyle")
    front_color = next((e.color for e in scene.legend if e.kind == "frontline"), "#e31a1c")
    ET.SubElement(line, "color").text = _kml_color(front_color)
    ET.SubElement(line, "width").text = "3"

    folder = ET.SubElement(doc, "Folder")
    ET.SubElement(folder, "name").text = "Places"
    for row in places_table(scene, dataset).to_dict("records"):
        mark = ET.SubElement(folder, "Placemark")
        ET.SubElement(mark, "name").text = row["name"]
        # Google Earth renders the description as HTML: the values are
        # HTML-escaped here, and ElementTree escapes the whole as XML text.
        ET.SubElement(mark, "description").text = _place_description(row)
        holder = row["controller"] or "UNKNOWN"  # no known holder: its own grey style
        ET.SubElement(mark, "styleUrl").text = "#" + _style_id("place", holder)
        extended = ET.SubElement(mark, "ExtendedData")
        for key in ("id", "controller", "status", "contested_by", "since", "source_url"):
            data = ET.SubElement(extended, "Data", name=key)
            ET.SubElement(data, "value").text = str(row[key])
        ET.SubElement(
            ET.SubElement(mark, "Point"), "coordinates"
        ).text = f"{row['lon']:.5f},{row['lat']:.5f}"

    folder = ET.SubElement(doc, "Folder")
    ET.SubElement(folder, "name").text = "Territories (estimated)"
    for r in scene.territories.itertuples():
        mark = ET.SubElement(folder, "Placemark")
        name = _faction_name(r.faction)
        other = _text(r.contested_by)
        if r.status == "contested":
            name += f", contested by {_faction_name(other)}"
            style = _style_id("contested", r.faction, other)
        else:
            tier_style = "nominal" if getattr(r, "tier", "core") == "nominal" else "territory"
            style = _style_id(tier_style, r.faction)
        tier = getattr(r, "tier", "core")
        ET.SubElement(mark, "name").text = f"{name} ({tier})"
        ET.SubElement(mark, "description").text = html.escape(f"{r.area_km2:,.0f} km², {tier}")
        ET.SubElement(mark, "styleUrl").text = "#" + style
        _kml_geometry(mark, r.geometry)

    folder = ET.SubElement(doc, "Folder")
    ET.SubElement(folder, "name").text = "Front lines (estimated)"
    for r in scene.front_lines.itertuples():
        mark = ET.SubElement(folder, "Placemark")
        ET.SubElement(
            mark, "name"
        ).text = f"{_faction_name(r.faction_a)} / {_faction_name(r.faction_b)}"
        ET.SubElement(mark, "description").text = html.escape(
            f"{r.length_km:,.0f} km, {getattr(r, 'tier', 'core')}"
        )
        ET.SubElement(mark, "styleUrl").text = "#frontline"
        _kml_geometry(mark, r.geometry)

    ET.indent(kml, space=" ")
    return ET.tostring(kml, encoding="utf-8", xml_declaration=True)


# --------------------------------------------------------------------------- CSV

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value: str) -> str:
    """Prefix a text cell a spreadsheet would run as a formula with ``'``.

    Examples
    --------
    >>> neutralise_csv_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_csv_cell("Raqqa")
    'Raqqa'
    """
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def to_csv(scene: Scene, *, dataset: Dataset | None = None) -> bytes:
    """Return the state of every place as CSV (the columns of :func:`places_table`).

    Text cells that a spreadsheet would evaluate as a formula (starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with a
    single quote. Only text columns are neutralised: ``lat`` and ``lon`` are
    numbers and keep their sign. Booleans are ``true``/``false``. The file is
    UTF-8 with a byte-order mark (so Excel shows Arabic names correctly) and
    CRLF line ends (RFC 4180).

    Returns
    -------
    bytes
    """
    table = places_table(scene, dataset)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            if column in ("lat", "lon"):
                cells.append(f"{value:.5f}")
            elif isinstance(value, bool | np.bool_):
                cells.append("true" if value else "false")
            else:
                cells.append(neutralise_csv_cell(str(value)))
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- HTML


def _safe(value) -> str:
    """Escape text from data for HTML."""
    return html.escape(_text(value), quote=True)


_JINJA_AND_HTML = str.maketrans(
    {c: f"\\u{ord(c):04x}" for c in "<>&'{}%#"} | {"\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _js_string(text: str) -> str:
    """Return ``text`` as a JavaScript string literal that is inert everywhere.

    JSON, with ``<``, ``>``, ``&`` and ``'`` (safe inside an HTML ``<script>``)
    and ``{``, ``}``, ``%``, ``#`` (no Jinja delimiter can form when branca reads
    the rendered script as a template again) written as ``\\uXXXX`` escapes,
    which JavaScript decodes back to the same text.

    Examples
    --------
    >>> _js_string("{{7*7}} <b>")
    '"\\\\u007b\\\\u007b7*7\\\\u007d\\\\u007d \\\\u003cb\\\\u003e"'
    """
    return json.dumps(text, ensure_ascii=False).translate(_JINJA_AND_HTML)


def _bind(layer, *, tooltip: str | None = None, popup: str | None = None) -> None:
    """Bind an HTML tooltip and popup to a folium layer with Leaflet alone.

    folium's own ``Tooltip``/``Popup`` paste their text into a JavaScript
    template literal (and popups need jQuery); here the HTML (already escaped
    by the caller) goes in as a :func:`_js_string`, safe inside a script and
    free of template syntax.
    """
    from folium.elements import MacroElement
    from folium.template import Template

    class Bind(MacroElement):
        _template = Template(
            """{% macro script(this, kwargs) %}
            {%- if this.tooltip %}{{ this._parent.get_name() }}.bindTooltip(
                {{ this.tooltip }}, {"sticky": true});{% endif %}
            {%- if this.popup %}{{ this._parent.get_name() }}.bindPopup(
                {{ this.popup }}, {"maxWidth": 320});{% endif %}
            {% endmacro %}"""
        )

        def __init__(self):
            super().__init__()
            self.tooltip = _js_string(tooltip) if tooltip else None
            self.popup = _js_string(popup) if popup else None

    layer.add_child(Bind())


def folium_layers(scene: Scene, *, dataset: Dataset | None = None) -> list:
    """Build the scene's layers as folium feature groups (borders, territories,
    front lines, towns), the same layers and colours as the report map.

    Every text from data is escaped; only Leaflet is needed in the browser.
    folium is imported here, lazily.

    Returns
    -------
    list of folium.FeatureGroup
    """
    import folium

    def style(color, weight, fill=None, opacity=0.0, dash=None):
        return lambda _feature: {
            "color": color,
            "weight": weight,
            "fillColor": fill or color,
            "fillOpacity": opacity,
            "opacity": 1.0,
            "dashArray": dash,
        }

    borders = folium.FeatureGroup(name="Country borders", show=True)
    for row in scene.borders.itertuples():
        theatre = row.role == "theatre"
        layer = folium.GeoJson(
            shapely.geometry.mapping(row.geometry),
            style_function=style(
                "#3a3a3a" if theatre else "#9a9a9a",
                1.6 if theatre else 0.8,
                fill="#ffffff",
                opacity=0.35 if theatre else 0.0,
            ),
        )
        layer.add_to(borders)

    territories = folium.FeatureGroup(name="Territory (estimated)", show=True)
    for r in scene.territories.itertuples():
        tier = getattr(r, "tier", "core")
        text = f"{_faction_name(r.faction)} ({tier}): {r.area_km2:,.0f} km²"
        contested = r.status == "contested"
        if contested:
            text += f", contested by {_faction_name(_text(r.contested_by))}"
        layer = folium.GeoJson(
            _rounded(r.geometry),
            style_function=style(
                faction_color(_text(r.contested_by)) if contested else r.color,
                2 if contested else 0,
                fill=r.color,
                opacity=fill_opacity("html", tier, contested=contested),
                dash="4 4" if contested else None,
            ),
        )
        _bind(layer, tooltip=_safe(text))
        layer.add_to(territories)

    fronts = folium.FeatureGroup(name="Front lines (estimated)", show=True)
    front_color = next((e.color for e in scene.legend if e.kind == "frontline"), "#e31a1c")
    for r in scene.front_lines.itertuples():
        text = f"Front line {_faction_name(r.faction_a)} / {_faction_name(r.faction_b)}"
        nominal = getattr(r, "tier", "core") == "nominal"
        folium.GeoJson(
            _rounded(r.geometry), style_function=style("white", 4 if nominal else 5)
        ).add_to(fronts)
        layer = folium.GeoJson(
            _rounded(r.geometry),
            style_function=style(front_color, 2 if nominal else 3, dash="6 5" if nominal else None),
        )
        _bind(layer, tooltip=_safe(text))
        layer.add_to(fronts)

    towns = folium.FeatureGroup(name="Towns", show=True)
    for row in places_table(scene, dataset).to_dict("records"):
        contested = row["status"] == "contested"
        # folium/Leaflet take (lat, lon), not (lon, lat).
        marker = folium.CircleMarker(
            location=(row["lat"], row["lon"]),
            radius=7 if row["key_place"] else 5,
            color=faction_color(row["contested_by"]) if contested else "#202020",
            weight=3 if contested else 1,
            fill=True,
            fill_color=row["color"],
            fill_opacity=1.0,
        )
        _bind(marker, tooltip=_safe(row["name"]), popup=_place_description(row))
        marker.add_to(towns)
    return [borders, territories, fronts, towns]


def _html_legend(scene: Scene) -> str:
    items = []
    for entry in scene.legend:
        if entry.kind != "faction":
            continue
        items.append(
            f'<div><span style="display:inline-block;width:12px;height:12px;'
            f"background:{_safe(entry.color)};opacity:.7;border:1px solid {_safe(entry.color)};"
            f'margin-right:6px;vertical-align:-2px"></span>{_safe(entry.label)}</div>'
        )
    front = next((e.color for e in scene.legend if e.kind == "frontline"), "#e31a1c")
    items.append(
        f'<div><span style="display:inline-block;width:14px;height:0;border-top:3px solid '
        f'{_safe(front)};margin-right:6px;vertical-align:3px"></span>Estimated front line</div>'
    )
    items.append(
        '<div><span style="display:inline-block;width:9px;height:9px;border-radius:50%;'
        'border:3px solid #1a1a1a;margin-right:6px"></span>Contested town (ring: attacker)</div>'
    )
    return (
        '<div style="position:fixed;bottom:44px;left:10px;z-index:1000;'
        "background:rgba(255,255,255,.92);"
        "padding:8px 12px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);"
        'font:12px/1.45 sans-serif;max-width:320px">'
        f'<div style="font-weight:bold;font-size:15px;margin-bottom:4px">{_safe(scene.title)}</div>'
        + "".join(items)
        + f'<div style="color:#666;font-size:10px;margin-top:6px">{_safe(ATTRIBUTION)}</div></div>'
    )


#: Leaflet as the HTML export loads it from the CDN, with Subresource Integrity
#: hashes: the sha384 of ``leaflet.js`` and ``leaflet.css`` of Leaflet 1.9.4 as
#: shipped by django-js-lib-leaflet (byte for byte the release's ``dist`` files;
#: ``tests/test_security.py`` checks the hashes against the installed files).
LEAFLET_VERSION = "1.9.4"
LEAFLET_CDN = {
    "leaflet.js": (
        f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js",
        "sha384-cxOPjt7s7Iz04uaHJceBmS+qpjv2JkIHNVcuOrM+YHwZOmJGBXI00mdUXEq65HTH",
    ),
    "leaflet.css": (
        f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css",
        "sha384-sHL9NAb7lN7rfvG5lfHpm643Xkcjzp4jFvuavGOndn6pjVqS6ny56CAt3nsEVT4H",
    ),
}


def leaflet_dir() -> Path:
    """Return the folder of Leaflet's files in the installed ``django-js-lib-leaflet``.

    Raises
    ------
    FileNotFoundError
        When the package is missing or lacks ``leaflet.js``.
    """
    from importlib import resources

    try:
        root = Path(str(resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"))
    except ModuleNotFoundError:
        raise FileNotFoundError(
            "the package django-js-lib-leaflet is not installed: it provides Leaflet's files"
        ) from None
    if not (root / "leaflet.js").is_file():
        raise FileNotFoundError(f"expected Leaflet's files in {root}, found no leaflet.js there")
    return root


def _leaflet_tags(self_contained: bool) -> str:
    """``<link>``/``<script>`` tags for Leaflet: the CDN with SRI, or the files inlined."""
    if not self_contained:
        (js, js_hash), (css, css_hash) = LEAFLET_CDN["leaflet.js"], LEAFLET_CDN["leaflet.css"]
        return (
            f'<link rel="stylesheet" href="{css}" integrity="{css_hash}" crossorigin="anonymous">\n'
            f'<script src="{js}" integrity="{js_hash}" crossorigin="anonymous"></script>\n'
        )
    import base64

    folder = leaflet_dir()
    css = (folder / "leaflet.css").read_text("utf-8")

    def data_url(match: re.Match) -> str:
        image = folder / match.group(1)
        if not image.is_file():
            return match.group(0)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_url, css)
    js = (folder / "leaflet.js").read_text("utf-8")
    # Leaflet's own files, not data; still, nothing may close the elements early.
    css, js = css.replace("</", "<\\/"), js.replace("</script", "<\\/script")
    return f"<style>\n{css}\n</style>\n<script>\n{js}\n</script>\n"


def _raw(text: str):
    """A branca element whose text is output as is: never parsed as a template."""
    from branca.element import Element

    class Raw(Element):
        def __init__(self, text: str):
            super().__init__()
            self._text = text

        def render(self, **kwargs) -> str:
            return self._text

    return Raw(text)


def to_html(
    scene: Scene,
    *,
    dataset: Dataset | None = None,
    extent=None,
    self_contained: bool = False,
    tiles: bool = False,
) -> bytes:
    """Return a standalone interactive map (folium/Leaflet) of the scene.

    Our own borders are drawn as a layer, so the map reads with no background
    tiles. By default the page loads Leaflet (one script, one stylesheet) from
    the jsDelivr CDN, pinned to version 1.9.4 with Subresource Integrity
    hashes, and nothing else.

    Parameters
    ----------
    scene : Scene
    dataset : Dataset, optional
        For each place's source (see :func:`places_table`).
    extent : str or tuple, optional
        The initial view; default: the scene's extent.
    self_contained : bool, default False
        Inline Leaflet (JS, CSS and its images) from the installed
        django-js-lib-leaflet: the file then loads nothing from the network
        (unless ``tiles``) and works offline.
    tiles : bool, default False
        Add OpenStreetMap background tiles (fetched from tile.openstreetmap.org
        by the browser of whoever opens the file).

    Returns
    -------
    bytes
        UTF-8 HTML.

    Raises
    ------
    FileNotFoundError
        With ``self_contained``, when django-js-lib-leaflet is not installed.
    """
    import folium

    from .scene import resolve_extent

    leaflet = _leaflet_tags(self_contained)  # first: a missing package fails before any work
    west, south, east, north = scene.extent if extent is None else resolve_extent(extent)
    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),  # (lat, lon)
        zoom_start=6,
        tiles="OpenStreetMap" if tiles else None,
        control_scale=True,
        zoom_snap=0.25,
    )
    for layer in folium_layers(scene, dataset=dataset):
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])  # [[lat, lon], [lat, lon]]
    # Leaflet is all the page needs (added below, with SRI or inlined): drop folium's
    # CDN links (Leaflet 1.9.3 without integrity, jQuery, Bootstrap, icon fonts).
    fmap.default_js, fmap.default_css = [], []
    fmap.get_root().html.add_child(_raw(_html_legend(scene)))
    fmap.get_root().title = scene.title
    page = fmap.get_root().render()
    head = page.index("<head>") + len("<head>")
    return (page[:head] + "\n" + leaflet + page[head:]).encode("utf-8")


# --------------------------------------------------------------------------- dispatch


def export_state(
    dataset: Dataset,
    date,
    fmt: str,
    *,
    extent="theatre",
    dpi: int = 150,
    width_in: float | None = None,
    self_contained: bool = False,
    tiles: bool = False,
) -> bytes:
    """Export the state at a date in any of :data:`EXPORT_FORMATS`.

    Parameters
    ----------
    dataset : Dataset
    date : str or datetime-like
    fmt : str
        ``png``, ``svg``, ``pdf``, ``html``, ``geojson``, ``gpkg``, ``kml`` or ``csv``.
    extent : str or tuple, default "theatre"
        The view of the map formats (png, svg, pdf, html). The data formats
        always hold every place, territory and front line.
    dpi : int, default 150
        For png (72..300).
    width_in : float, optional
        Width of the map image in inches (default 8).
    self_contained, tiles : bool, default False
        For html: see :func:`to_html`.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format, a bad extent or dpi.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> export_state(load_builtin(), "2016-03-27", "geojson")[:30]
    b'{"type": "FeatureCollection", '
    """
    fmt = str(fmt).lower()
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"expected a format {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    if fmt in ("png", "svg", "pdf"):
        from .render import DEFAULT_WIDTH_IN, check_dpi, check_extent, render_map

        dpi = check_dpi(dpi)
        box = check_extent(extent)
        scene = build_scene(dataset, date, extent=box)
        return render_map(scene, fmt=fmt, dpi=dpi, width_in=width_in or DEFAULT_WIDTH_IN)
    scene = build_scene(dataset, date, extent=extent)
    if fmt == "html":
        return to_html(scene, dataset=dataset, self_contained=self_contained, tiles=tiles)
    return {"geojson": to_geojson, "gpkg": to_gpkg, "kml": to_kml, "csv": to_csv}[fmt](
        scene, dataset=dataset
    )


def write_atomic(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` all at once or not at all.

    The bytes go to a new hidden file in the same folder, are flushed to disk,
    then renamed over ``path`` (:func:`os.replace`, atomic on one file
    system). A file replaced keeps its permissions (and its owner and group
    where the user may set them). On any error the temporary file is removed
    and ``path`` is left as it was. ``path`` must be a regular file or not
    exist: devices, pipes and symbolic links are for the caller to handle (see
    :func:`geodata.cli.output_target`), never replaced here.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OSError
        When the folder does not exist or is not writable, the disk is full,
        or ``path`` is not a regular file.
    """
    path = Path(path)
    folder = path.parent
    try:
        old = os.lstat(path)  # the file replaced keeps its mode (and owner, where allowed)
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise OSError(errno.EINVAL, f"not a regular file: {path}")
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.part"
    # O_EXCL: never follow or reuse an existing file; 0o666 minus the umask,
    # like any file the user creates.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if old is not None:
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(fd, old.st_uid, old.st_gid)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
