"""The interactive HTML export: standalone, Leaflet alone, every text escaped."""

import html
import json

import pytest

from geodata.export import to_html
from geodata.scene import build_scene
from tests.fixtures import SCRIPT, evil_dataset

DATE = "2016-03-27"


@pytest.fixture(scope="module")
def scene(builtin):
    return build_scene(builtin, DATE)


@pytest.fixture(scope="module")
def evil():
    return evil_dataset()


@pytest.fixture(scope="module")
def evil_scene(evil):
    return build_scene(evil, "2015-06-01")


def test_html_map_is_standalone_with_our_borders(builtin, scene):
    page = to_html(scene, dataset=builtin).decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "leaflet" in page.lower() and "L.map(" in page
    assert "jquery" not in page.lower()  # Leaflet alone
    assert "Control of towns, 27 March 2016" in page
    assert "Natural Earth" in page
    assert page.count("L.geoJson(") + page.count("L.geoJSON(") >= len(scene.borders)
    assert page.count("L.circleMarker(") == len(builtin.places)


def _bound_html(page: str) -> list[str]:
    """The first argument of every bindTooltip/bindPopup call, decoded as JSON."""
    decoder = json.JSONDecoder()
    found = []
    for call in ("bindTooltip(", "bindPopup("):
        start = 0
        while (i := page.find(call, start)) >= 0:
            j = i + len(call)
            while page[j].isspace():
                j += 1
            value, end = decoder.raw_decode(page, j)  # a JSON string, not a template literal
            found.append(value)
            start = end
    return found


def test_html_escapes_data(evil, evil_scene):
    page = to_html(evil_scene, dataset=evil).decode("utf-8")
    assert "<script>alert" not in page
    assert "</script><script>" not in page
    assert "javascript:alert" not in page
    bound = _bound_html(page)
    assert len(bound) >= 2 * len(evil.places)
    assert html.escape(SCRIPT) in bound  # the tooltip of evil-2, escaped
    assert not any("<script" in b or SCRIPT in b for b in bound)
    # Backticks only appear inside those JSON strings, where they are inert.
    assert page.count("`") == sum(b.count("`") for b in bound)
