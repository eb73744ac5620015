"""The interactive HTML export: standalone, Leaflet alone, every text escaped."""

import html

from geodata.export import to_html
from tests.fixtures import SCENE_DATE, SCRIPT, bound_strings

DATE = SCENE_DATE


def test_html_map_is_standalone_with_our_borders(builtin, scene):
    page = to_html(scene, dataset=builtin).decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "leaflet" in page.lower() and "L.map(" in page
    assert "jquery" not in page.lower()  # Leaflet alone
    assert "Control of towns, 27 March 2016" in page
    assert "Natural Earth" in page
    assert page.count("L.geoJson(") + page.count("L.geoJSON(") >= len(scene.borders)
    assert page.count("L.circleMarker(") == len(builtin.places)


def test_html_escapes_data(hostile, hostile_scene):
    page = to_html(hostile_scene, dataset=hostile).decode("utf-8")
    assert "<script>alert" not in page
    assert "</script><script>" not in page
    assert "javascript:alert" not in page
    bound = bound_strings(page)
    assert len(bound) >= 2 * len(hostile.places)
    assert html.escape(SCRIPT) in bound  # the tooltip of evil-2, escaped
    assert not any("<script" in b or SCRIPT in b for b in bound)
    # Backticks only appear inside those JSON strings, where they are inert.
    assert page.count("`") == sum(b.count("`") for b in bound)
