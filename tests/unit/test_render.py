"""The static report map: real PNG/SVG/PDF files, colours where the territories are."""

import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pyproj import Geod

from geodata.extent import check_extent
from geodata.render import check_dpi, map_figure, render_frame, render_map
from geodata.render.furniture import _nice_length_km
from geodata.render.geometry import _TO_METRIC
from geodata.scene import KEY_PLACES, build_scene

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def scene_2015(builtin):
    return build_scene(builtin, "2015-06-01")


@pytest.fixture(scope="module")
def scene_2016(builtin):
    return build_scene(builtin, "2016-03-27")


def _blend(hex_color, alpha=0.55, under="#fbfaf6"):
    fg = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    bg = np.array([int(under[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    return alpha * fg + (1 - alpha) * bg


def _pixel_colour(scene, lon, lat, *, dpi=100, extent=None):
    """Median colour of a 5x5 window around (lon, lat) in the rendered PNG."""
    fig = map_figure(scene, dpi=dpi, extent=extent, town_labels="key")
    ax = fig.axes[0]
    x, y = _TO_METRIC.transform(lon, lat)
    px, py = ax.transData.transform((x, y))
    png = render_map(scene, dpi=dpi, extent=extent)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    row, col = int(round(image.shape[0] - py)), int(round(px))
    window = image[row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3)
    return np.median(window, axis=0)


def test_png_signature_and_pixel_size(scene_2016):
    png = render_map(scene_2016, dpi=72)
    assert png[:8] == PNG_SIGNATURE
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] == 8 * 72
    assert 0.7 < image.size[1] / image.size[0] < 1.3
    bigger = Image.open(io.BytesIO(render_map(scene_2016, dpi=144)))
    assert bigger.size[0] == 2 * image.size[0]
    assert abs(bigger.size[1] - 2 * image.size[1]) <= 1


def test_isis_colour_around_raqqa_and_government_colour_around_damascus(scene_2015):
    # 18 km south of each town: inside its cell, clear of its dot and label.
    state = scene_2015.towns.set_index("id")
    assert state.loc["raqqa", "controller"] == "ISIS"
    assert state.loc["damascus", "controller"] == "SYGOV"
    raqqa = _pixel_colour(scene_2015, 39.0079, 35.79)
    assert np.abs(raqqa - _blend("#1a1a1a")).max() < 16, raqqa
    damascus = _pixel_colour(scene_2015, 36.29, 33.35)
    assert np.abs(damascus - _blend("#d43300")).max() < 16, damascus
    assert damascus[0] > damascus[1] + 60  # red-ish, not grey


def test_colours_follow_the_date(builtin):
    # Palmyra: government before May 2015, ISIS after, government from 27 March 2016.
    # 9 km south of the town: inside its core (its castle and airport beside it keep
    # the core to the minimum reach, 12 km), clear of its dot and label.
    before = _pixel_colour(build_scene(builtin, "2015-01-01"), 38.284, 34.48, extent="syria")
    during = _pixel_colour(build_scene(builtin, "2015-10-01"), 38.284, 34.48, extent="syria")
    assert np.abs(before - _blend("#d43300")).max() < 16, before
    assert np.abs(during - _blend("#1a1a1a")).max() < 16, during


def test_map_has_title_labels_legend_scale_north_and_attribution(scene_2016):
    fig = map_figure(scene_2016, dpi=72)
    ax = fig.axes[0]
    ax_texts = {t.get_text() for t in ax.texts}
    names = set(scene_2016.towns.loc[scene_2016.towns["id"].isin(KEY_PLACES), "name"])
    assert len(names) == 7 and names <= ax_texts
    assert {"N", "km"} <= ax_texts
    fig_texts = " | ".join(t.get_text() for t in fig.texts)
    assert "27 March 2016" in fig_texts
    assert "Natural Earth" in fig_texts and "estimated from controlled towns" in fig_texts
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Islamic State (ISIS)" in legend and "Syrian government" in legend
    assert "Turkey and allies" not in legend  # not present in March 2016


def test_key_place_labels_do_not_overlap(scene_2016):
    fig = map_figure(scene_2016, dpi=100)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    names = set(scene_2016.towns.loc[scene_2016.towns["label"], "name"])
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text() in names]
    assert len(boxes) == 7
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_scale_is_true_in_the_metric_crs():
    # Damascus-Mosul and Aleppo-Basra: projected distance vs geodesic.
    geod = Geod(ellps="WGS84")
    for (lon1, lat1), (lon2, lat2) in [((36.29, 33.51), (43.13, 36.34)),
                                       ((37.16, 36.20), (47.78, 30.51))]:  # fmt: skip
        x1, y1 = _TO_METRIC.transform(lon1, lat1)
        x2, y2 = _TO_METRIC.transform(lon2, lat2)
        projected = np.hypot(x2 - x1, y2 - y1)
        true = geod.inv(lon1, lat1, lon2, lat2)[2]
        assert abs(projected / true - 1) < 0.005
    assert _nice_length_km(1240) == 250
    assert _nice_length_km(640) == 100


def test_svg_parses(scene_2016):
    svg = render_map(scene_2016, fmt="svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"Control of towns, 27 March 2016" in svg  # metadata title


def test_pdf_is_a_pdf_with_one_page(scene_2016):
    pdf = render_map(scene_2016, fmt="pdf")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    try:
        import pypdf
    except ImportError:
        assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
    else:
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize(
    ("extent", "wider"), [("syria", False), ("iraq", False), ("36,34,42,36", True)]
)
def test_extents(scene_2016, extent, wider):
    image = Image.open(io.BytesIO(render_map(scene_2016, dpi=72, extent=extent)))
    assert image.size[0] == 576
    assert (image.size[1] < image.size[0]) is wider


@pytest.mark.parametrize("dpi", [71, 301, "abc", 150.5, None])
def test_dpi_out_of_range(scene_2016, dpi):
    with pytest.raises(ValueError, match="dpi|resolution"):
        render_map(scene_2016, dpi=dpi)


def test_check_dpi_accepts_text():
    assert check_dpi("150") == 150 and check_dpi(72) == 72 and check_dpi(300) == 300


@pytest.mark.parametrize(
    ("extent", "needle"),
    [("mars", "expected an extent"), ("0,0,1,1", "outside the mapped area"),
     ("40,30,39,31", "west < east"), ("-100,-50,100,50", "too large")],
)  # fmt: skip
def test_bad_extents(extent, needle):
    with pytest.raises(ValueError, match=needle):
        check_extent(extent)


def test_unknown_format(scene_2016):
    with pytest.raises(ValueError, match="expected an image format png, svg, pdf, got 'jpg'"):
        render_map(scene_2016, fmt="jpg")


def test_frames_keep_their_size_across_dates(builtin):
    legend = ["ISIS", "SYGOV", "REBELS", "SDF", "TURKEY", "IQGOV", "KRG", "NUSRA"]
    shapes = {
        render_frame(build_scene(builtin, d), dpi=72, legend_factions=legend,
                     timeline=(pd.Timestamp("2012-01-01"), pd.Timestamp("2019-12-31"))).shape
        for d in ("2012-03-01", "2019-06-01")
    }  # fmt: skip
    assert len(shapes) == 1
    (shape,) = shapes
    assert shape[1] == 576 and shape[2] == 3


def test_a_date_before_any_event_still_renders(builtin):
    scene = build_scene(builtin, "2011-06-01")  # nobody holds anything yet
    assert set(scene.territories["faction"]) == {"UNKNOWN"}  # all the land, holder unknown
    assert scene.front_lines.empty
    assert render_map(scene, dpi=72)[:8] == PNG_SIGNATURE


def test_rendering_never_imports_pyplot():
    code = (
        "import sys\n"
        "from geodata import load_builtin\n"
        "from geodata.scene import build_scene\n"
        "from geodata.render import render_map\n"
        "render_map(build_scene(load_builtin(), '2016-03-27'), dpi=72)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
