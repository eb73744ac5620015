"""The state at a date as KML for Google Earth: places, territories, front lines.

Text from data is escaped by :mod:`xml.etree` as XML text; the descriptions
Google Earth renders as HTML are HTML-escaped first.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import numpy as np
import shapely

from geodata.dataset import Dataset
from geodata.factions import faction_color
from geodata.scene import Scene
from geodata.style import (
    ATTRIBUTION,
    FRONT_COLOR,
    KML_CONTESTED_OPACITY,
    KML_WIDTHS,
    fill_opacity,
)
from geodata.values import text_or_empty

from .tables import _faction_name, _place_description, places_table

__all__ = ["KML_NS", "to_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"
_PLACE_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"


def _kml_color(hex_color: str, alpha: float = 1.0) -> str:
    """``#rrggbb`` to KML's ``aabbggrr``."""
    h = hex_color.lstrip("#")
    return f"{round(alpha * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def _style_id(*parts: str) -> str:
    """A style id from codes: only letters, digits and "_" (joined by "-")."""
    return "-".join(re.sub(r"[^A-Za-z0-9_]", "_", p) for p in parts)


def _coords(xy) -> str:
    """KML coordinates: "lon,lat" pairs, 5 decimals (~1 m), space-separated."""
    return " ".join(f"{x:.5f},{y:.5f}" for x, y in np.asarray(xy)[:, :2])


def _kml_geometry(parent, geometry) -> None:
    """Add a geometry's parts under ``parent`` (a MultiGeometry when there are several)."""
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


def _faction_styles(doc, code: str) -> None:
    """A faction's styles: its places, its core land and its nominal land."""
    color = faction_color(code)
    style = ET.SubElement(doc, "Style", id=_style_id("place", code))
    icon = ET.SubElement(style, "IconStyle")
    ET.SubElement(icon, "color").text = _kml_color(color)
    ET.SubElement(icon, "scale").text = "0.8"
    ET.SubElement(ET.SubElement(icon, "Icon"), "href").text = _PLACE_ICON
    ET.SubElement(ET.SubElement(style, "LabelStyle"), "scale").text = "0.8"
    style = ET.SubElement(doc, "Style", id=_style_id("territory", code))
    line = ET.SubElement(style, "LineStyle")
    ET.SubElement(line, "color").text = _kml_color(color)
    ET.SubElement(line, "width").text = str(KML_WIDTHS["territory"])
    ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_color(
        color, fill_opacity("html")
    )
    style = ET.SubElement(doc, "Style", id=_style_id("nominal", code))
    ET.SubElement(ET.SubElement(style, "LineStyle"), "width").text = str(KML_WIDTHS["nominal"])
    ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_color(
        color, fill_opacity("html", "nominal")
    )


def _kml_styles(doc, scene: Scene) -> None:
    """Every style the placemarks refer to: per faction, per contested pair, fronts."""
    codes = set(scene.towns["controller"].dropna()) | set(scene.territories["faction"])
    if scene.towns["controller"].isna().any():
        codes.add("UNKNOWN")
    for code in sorted(codes):
        _faction_styles(doc, code)
    contested = scene.territories[scene.territories["status"] == "contested"]
    for r in contested.itertuples():
        style_id = _style_id("contested", r.faction, text_or_empty(r.contested_by))
        style = ET.SubElement(doc, "Style", id=style_id)
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_color(faction_color(text_or_empty(r.contested_by)))
        ET.SubElement(line, "width").text = str(KML_WIDTHS["contested"])
        poly = ET.SubElement(style, "PolyStyle")
        ET.SubElement(poly, "color").text = _kml_color(
            faction_color(r.faction), KML_CONTESTED_OPACITY
        )
    style = ET.SubElement(doc, "Style", id="frontline")
    line = ET.SubElement(style, "LineStyle")
    front_color = next((e.color for e in scene.legend if e.kind == "frontline"), FRONT_COLOR)
    ET.SubElement(line, "color").text = _kml_color(front_color)
    ET.SubElement(line, "width").text = str(KML_WIDTHS["front"])


def _kml_places(doc, scene: Scene, dataset: Dataset | None) -> None:
    """The Places folder: a Placemark per place, with a description and ExtendedData."""
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


def _kml_territories(doc, scene: Scene) -> None:
    """The Territories folder: a Placemark per territory, styled by faction and tier."""
    folder = ET.SubElement(doc, "Folder")
    ET.SubElement(folder, "name").text = "Territories (estimated)"
    for r in scene.territories.itertuples():
        mark = ET.SubElement(folder, "Placemark")
        name = _faction_name(r.faction)
        other = text_or_empty(r.contested_by)
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


def _kml_fronts(doc, scene: Scene) -> None:
    """The Front lines folder: a Placemark per front line."""
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
    _kml_styles(doc, scene)
    _kml_places(doc, scene, dataset)
    _kml_territories(doc, scene)
    _kml_fronts(doc, scene)
    ET.indent(kml, space=" ")
    return ET.tostring(kml, encoding="utf-8", xml_declaration=True)
