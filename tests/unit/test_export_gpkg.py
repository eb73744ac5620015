"""The GeoPackage export: its layers read back with pyogrio."""

import pyogrio

from geodata.export import to_gpkg
from geodata.scene import build_scene
from geodata.territory import front_lines, territories
from tests.fixtures import SCENE_DATE

DATE = SCENE_DATE


def test_gpkg_layers_read_back_with_pyogrio(builtin, scene, tmp_path):
    path = tmp_path / "state.gpkg"
    path.write_bytes(to_gpkg(scene, dataset=builtin))
    layers = dict(pyogrio.list_layers(path))
    assert layers == {
        "places": "Point",
        "territories": "MultiPolygon",
        "frontlines": "MultiLineString",
    }
    places = pyogrio.read_dataframe(path, layer="places")
    assert len(places) == len(builtin.places)
    assert places.crs.to_epsg() == 4326
    assert set(places.columns) >= {"id", "name", "controller", "status", "since", "geometry"}
    terr = pyogrio.read_dataframe(path, layer="territories")
    assert len(terr) == len(territories(builtin, DATE))
    assert set(terr["faction"]) == set(territories(builtin, DATE)["faction"])
    fronts = pyogrio.read_dataframe(path, layer="frontlines")
    assert len(fronts) == len(front_lines(builtin, DATE))


def test_gpkg_with_empty_layers(builtin, tmp_path):
    path = tmp_path / "empty.gpkg"
    # No faction shown: no territory and no front line, the layers still there.
    path.write_bytes(to_gpkg(build_scene(builtin, "2011-01-01", factions=[])))
    assert {name for name, _ in pyogrio.list_layers(path)} == {
        "places",
        "territories",
        "frontlines",
    }
    assert len(pyogrio.read_dataframe(path, layer="territories")) == 0
