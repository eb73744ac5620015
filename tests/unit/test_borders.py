"""Tests for the built-in country borders (geodata.borders, scripts/make_borders.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata import borders
from geodata.borders import (
    EQUAL_AREA_CRS,
    area_km2,
    country_polygon,
    load_borders,
    theatre_bounds,
    theatre_polygon,
)
from tests.paths import ROOT

REPO = ROOT
BORDERS_FILE = REPO / "geodata" / "data" / "borders.geojson"
SCRIPT = REPO / "scripts" / "make_borders.py"

CITIES = {
    "Damascus": ((36.29, 33.51), "SY"),
    "Baghdad": ((44.36, 33.31), "IQ"),
    "Mosul": ((43.12, 36.34), "IQ"),
    "Deir ez-Zor": ((40.14, 35.34), "SY"),
    "Aleppo": ((37.16, 36.20), "SY"),
    "Basra": ((47.78, 30.51), "IQ"),
    "Amman": ((35.93, 31.95), "JO"),
    "Beirut": ((35.50, 33.89), "LB"),
    "Gaziantep": ((37.38, 37.07), "TR"),
}


def _load_script():
    spec = importlib.util.spec_from_file_location("make_borders", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_loads_with_expected_columns_and_crs():
    frame = load_borders()
    assert list(frame.columns) == ["iso_a2", "name", "role", "geometry"]
    assert frame.crs == "EPSG:4326"
    assert list(frame["iso_a2"]) == sorted(frame["iso_a2"])
    assert frame["iso_a2"].is_unique
    assert frame["iso_a2"].str.fullmatch("[A-Z]{2}").all()
    assert set(frame["role"]) == {"theatre", "context"}


def test_theatre_countries_present():
    frame = load_borders().set_index("iso_a2")
    assert frame.loc["SY", "role"] == "theatre"
    assert frame.loc["IQ", "role"] == "theatre"
    assert frame.loc["SY", "name"] == "Syria"
    assert frame.loc["IQ", "name"] == "Iraq"
    assert set(frame.index[frame["role"] == "theatre"]) == {"SY", "IQ"}
    assert {"TR", "LB", "IL", "JO", "SA", "KW", "IR", "CY"} <= set(frame.index)


def test_all_geometries_valid_polygonal():
    frame = load_borders()
    assert frame.geometry.is_valid.all()
    assert not frame.geometry.is_empty.any()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert theatre_polygon().is_valid
    assert theatre_polygon().geom_type in {"Polygon", "MultiPolygon"}


def test_coordinates_lon_lat_in_region():
    west, south, east, north = load_borders().total_bounds
    assert west >= 31.9 and east <= 50.1
    assert south >= 26.9 and north <= 40.1


@pytest.mark.parametrize(("code", "expected"), [("SY", 185_000), ("IQ", 438_000)])
def test_country_area(code, expected):
    area = area_km2(gpd.GeoSeries([country_polygon(code)], crs="EPSG:4326")).iloc[0]
    assert area == pytest.approx(expected, rel=0.03)


def test_theatre_area_is_sum_of_countries():
    theatre = area_km2(gpd.GeoSeries([theatre_polygon()], crs="EPSG:4326")).iloc[0]
    parts = area_km2(gpd.GeoSeries([country_polygon("SY"), country_polygon("IQ")], crs=4326))
    assert theatre == pytest.approx(parts.sum(), rel=1e-6)


def test_neighbours_share_borders_without_overlap():
    syria, iraq = country_polygon("SY"), country_polygon("IQ")
    assert syria.intersection(iraq).area < 1e-9
    shared = gpd.GeoSeries([syria.boundary.intersection(iraq.boundary)], crs="EPSG:4326")
    # The Syria-Iraq border is about 600 km long.
    assert shared.to_crs(EQUAL_AREA_CRS).length.iloc[0] / 1000 == pytest.approx(600, rel=0.05)
    # No two countries overlap: the union's area is the sum of the areas.
    geoms = load_borders().geometry.to_numpy()
    assert shapely.union_all(geoms).area == pytest.approx(shapely.area(geoms).sum(), rel=1e-9)


@pytest.mark.parametrize("city", sorted(CITIES))
def test_cities_in_the_right_country(city):
    (lon, lat), code = CITIES[city]
    point = shapely.Point(lon, lat)
    frame = load_borders()
    assert list(frame.loc[frame.contains(point), "iso_a2"]) == [code]
    if code in ("SY", "IQ"):
        assert theatre_polygon().contains(point)
    else:
        assert not theatre_polygon().contains(point)


def test_theatre_bounds():
    bounds = theatre_bounds()
    assert len(bounds) == 4
    assert all(isinstance(value, float) for value in bounds)
    west, south, east, north = bounds
    assert west == pytest.approx(35.7, abs=0.2)
    assert south == pytest.approx(29.06, abs=0.2)
    assert east == pytest.approx(48.6, abs=0.2)
    assert north == pytest.approx(37.38, abs=0.2)


def test_country_polygon_case_insensitive_and_unknown_code():
    assert country_polygon("sy").equals(country_polygon("SY"))
    with pytest.raises(ValueError, match=r"unknown country code 'EG'.*IQ.*SY"):
        country_polygon("EG")


def test_area_km2_needs_crs_and_reprojects():
    with pytest.raises(ValueError, match="no CRS"):
        area_km2(gpd.GeoSeries([shapely.box(40, 34, 41, 35)]))
    one_degree = gpd.GeoSeries([shapely.box(40, 34, 41, 35)], crs="EPSG:4326")
    # 1 x 1 degree at 34.5N: ~111.0 km x ~91.9 km.
    assert area_km2(one_degree).iloc[0] == pytest.approx(10_200, rel=0.01)
    frame = gpd.GeoDataFrame(geometry=one_degree.to_crs(3857))
    assert area_km2(frame).iloc[0] == pytest.approx(area_km2(one_degree).iloc[0], rel=1e-6)


def test_file_small_and_rfc7946():
    assert BORDERS_FILE.stat().st_size < 400 * 1024
    data = json.loads(BORDERS_FILE.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    for feature in data["features"]:
        assert set(feature["properties"]) == {"iso_a2", "name", "role"}
        geometry = shapely.geometry.shape(feature["geometry"])
        # Exterior rings counter-clockwise (RFC 7946 section 3.1.6).
        assert geometry.equals_exact(shapely.orient_polygons(geometry), 0)


def test_module_has_no_streamlit_and_exports():
    assert "streamlit" not in SCRIPT.read_text() + Path(borders.__file__).read_text()
    for name in borders.__all__:
        assert hasattr(borders, name)


def test_build_is_reproducible(tmp_path):
    module = _load_script()
    out = module.build_borders(tmp_path / "borders.geojson")
    assert out.read_bytes() == BORDERS_FILE.read_bytes()
    assert "public domain" in module.provenance()
    assert "Natural Earth" in module.__doc__
