"""The KML export: it parses, one placemark per place, data escaped."""

import xml.etree.ElementTree as ET

import pytest

from geodata.export import to_kml
from geodata.scene import build_scene
from geodata.territory import territories
from tests.fixtures import BACKTICK, FORMULA, SCRIPT, evil_dataset

DATE = "2016-03-27"
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def scene(builtin):
    return build_scene(builtin, DATE)


@pytest.fixture(scope="module")
def evil():
    return evil_dataset()


@pytest.fixture(scope="module")
def evil_scene(evil):
    return build_scene(evil, "2015-06-01")


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


def test_kml_escapes_data(evil, evil_scene):
    raw = to_kml(evil_scene, dataset=evil)
    root = ET.fromstring(raw)  # parses: XML-escaped
    marks = {m.findtext(f"{KML}name"): m for m in root.iter(f"{KML}Placemark")}
    assert {FORMULA, SCRIPT, BACKTICK} <= set(marks)
    description = marks[SCRIPT].findtext(f"{KML}description")
    # The description is HTML for Google Earth: the data inside it is escaped.
    assert "<script>" not in description and "&lt;script&gt;" in description
    # A non-web "source URL" never becomes a link.
    assert "javascript:" not in marks[FORMULA].findtext(f"{KML}description")
