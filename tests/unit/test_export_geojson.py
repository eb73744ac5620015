"""The GeoJSON export: one FeatureCollection, read back for real."""

import json

import pandas as pd

from geodata.export import to_geojson
from geodata.territory import front_lines, territories
from tests.fixtures import SCENE_DATE

DATE = SCENE_DATE


def test_geojson_layers_and_counts(builtin, scene):
    doc = json.loads(to_geojson(scene, dataset=builtin))
    assert doc["type"] == "FeatureCollection" and doc["date"] == DATE
    layers = pd.Series([f["properties"]["layer"] for f in doc["features"]]).value_counts()
    assert layers["place"] == len(builtin.places)
    assert layers["territory"] == len(territories(builtin, DATE))
    assert layers["frontline"] == len(front_lines(builtin, DATE))
    palmyra = next(f for f in doc["features"] if f["properties"].get("id") == "palmyra")
    props = palmyra["properties"]
    assert props["controller"] == "SYGOV" and props["since"] == DATE
    assert props["source_url"].startswith("http")
    # RFC 7946: lon, lat.
    assert palmyra["geometry"]["coordinates"] == [38.284, 34.5624]
