"""Views of the map (geodata.extent): named extents, the theatre view, the data box."""

import pytest

from geodata.borders import load_borders
from geodata.extent import DATA_BOX, EXTENTS, MIN_EXTENT_DEG, check_extent, resolve_extent
from geodata.scene import Scene, build_scene


def test_theatre_view_is_syria_and_iraq_with_a_margin():
    west, south, east, north = load_borders().query("role == 'theatre'").total_bounds
    assert resolve_extent("theatre") == pytest.approx(
        (west - 0.3, south - 0.3, east + 0.3, north + 0.3)
    )
    assert resolve_extent(None) == resolve_extent("theatre")


def test_every_named_view_lies_within_the_data_box():
    for name in ("theatre", *EXTENTS):
        west, south, east, north = check_extent(name)
        assert DATA_BOX[0] <= west < east <= DATA_BOX[2], name
        assert DATA_BOX[1] <= south < north <= DATA_BOX[3], name


def test_scene_default_extent_is_the_theatre_view(builtin):
    # One theatre box: the Scene's default and build_scene's agree.
    scene = build_scene(builtin, "2016-03-27")
    assert scene.extent == resolve_extent("theatre")
    bare = Scene(
        date=scene.date,
        towns=scene.towns,
        territories=scene.territories,
        front_lines=scene.front_lines,
        borders=scene.borders,
    )
    assert bare.extent == scene.extent


@pytest.mark.parametrize(
    ("extent", "expected"),
    [
        ("syria", EXTENTS["syria"]),
        ("IRAQ", EXTENTS["iraq"]),
        ("36,32,43,38", (36.0, 32.0, 43.0, 38.0)),
        ((36, 32, 43, 38), (36.0, 32.0, 43.0, 38.0)),
    ],
)
def test_resolve_extent(extent, expected):
    assert resolve_extent(extent) == expected


@pytest.mark.parametrize(
    ("extent", "needle"),
    [
        ("mars", "expected an extent"),
        ("43,32,36,38", "expected west < east"),
        ("0,0,1,1", "outside the mapped area"),
        ("-10,0,40,35", "too large"),
        (f"38,34,38.0001,{34 + MIN_EXTENT_DEG}", "too small"),
    ],
)
def test_check_extent_errors(extent, needle):
    with pytest.raises(ValueError, match=needle):
        check_extent(extent)
