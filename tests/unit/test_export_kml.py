"""The KML export: it parses, one placemark per place, data escaped."""

import xml.etree.ElementTree as ET

from geodata.export import to_kml
from geodata.territory import territories
from tests.fixtures import BACKTICK, FORMULA, SCENE_DATE, SCRIPT

DATE = SCENE_DATE
KML = "{http://www.opengis.net/kml/2.2}"


def test_kml_parses_with_one_placemark_per_place(builtin, scene):
    root = ET.fromstring(to_kml(scene, dataset=builtin))
    assert root.tag == f"{KML}kml"
    folders = {f.findtext(f"{KML}name"): f for f in root.iter(f"{KML}Folder")}
    places = folders["Places"].findall(f"{KML}Placemark")
    assert len(places) == len(builtin.places)
    assert len(folders["Territories (estimated)"].findall(f"{KML}Placemark")) == len(
        territories(builtin, DATE)
    )
    styles = {s.get("id") for s in root.iter(f"{KML}Style")}
    for mark in places:
        assert mark.findtext(f"{KML}styleUrl")[1:] in styles
    palmyra = next(m for m in places if m.findtext(f"{KML}name") == "Palmyra")
    description = palmyra.findtext(f"{KML}description")
    assert "Syrian government" in description and "27 March 2016" in description
    assert palmyra.findtext(f"{KML}Point/{KML}coordinates") == "38.28400,34.56240"


def test_kml_escapes_data(hostile, hostile_scene):
    raw = to_kml(hostile_scene, dataset=hostile)
    root = ET.fromstring(raw)  # parses: XML-escaped
    marks = {m.findtext(f"{KML}name"): m for m in root.iter(f"{KML}Placemark")}
    assert {FORMULA, SCRIPT, BACKTICK} <= set(marks)
    description = marks[SCRIPT].findtext(f"{KML}description")
    # The description is HTML for Google Earth: the data inside it is escaped.
    assert "<script>" not in description and "&lt;script&gt;" in description
    # A non-web "source URL" never becomes a link.
    assert "javascript:" not in marks[FORMULA].findtext(f"{KML}description")
