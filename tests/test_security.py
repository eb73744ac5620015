"""Security and reliability (issue #11): one regression test per finding.

Hostile upload files live in ``tests/corpus/`` (or are made by the ``generated``
fixture of ``test_upload.py``) with the message the user must see in
``expected.json``; the tests here cover what the corpus cannot: the exports,
the command line's files and streams, the charts and the built-in files.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import stat
import time
from pathlib import Path

import pandas as pd
import pytest

import geodata.borders as borders
import geodata.io as gio
from geodata import Dataset
from geodata.cli import main
from geodata.export import export_state, to_html, to_kml
from geodata.io import events_frame, load_dataset, places_frame
from geodata.scene import build_scene
from geodata.upload import read_upload
from tests.fixtures import bound_strings, builds_when_failing
from tests.paths import APP, CORPUS
from tests.unit.test_upload import hostile_gpkg

DATE = "2016-03-27"
TEMPLATES = [
    "{{7*7}}",
    "{% if x %}",
    "{{ unclosed",
    "{# comment",
    "{{ cycler.__init__.__globals__.os.popen('echo pwn$((6*7))').read() }}",
]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def templated():
    """Template syntax in every text field of a place and its events."""
    text = " ".join(TEMPLATES)
    places = pd.DataFrame(
        [["tpl", text, text, text, "35.95", "39.01", "SY", text, text]],
        columns=["id", "name", "name_ar", "aliases", "lat", "lon", "country", "governorate",
                 "coord_source"],
    )  # fmt: skip
    events = pd.DataFrame(
        [["e1", "tpl", "initial", "2012-01-01", "", "", "", "", "SYGOV", "", text,
          "https://example.org/{{7*7}}/{%x%}#{#", text]],
        columns=["event_id", "place_id", "kind", "date", "date_precision", "end_date",
                 "end_precision", "from_faction", "to_faction", "certainty", "source_title",
                 "source_url", "note"],
    )  # fmt: skip
    return Dataset(places_frame(places), events_frame(events), name="{{7*7}}")


# --------------------------------------------------------------------------- (1) (2)


@pytest.mark.parametrize("self_contained", [False, True])
def test_template_text_in_any_field_exports_literally(templated, self_contained):
    """(1) critical: data was evaluated by Jinja ({{7*7}} came out as 49, and a
    cycler payload ran a shell command); now it is text, whatever it holds."""
    page = export_state(templated, DATE, "html", self_contained=self_contained).decode()
    assert "pwn42" not in page
    bound = [html.unescape(v) for v in bound_strings(page, skip_other_calls=True)]
    text = " ".join(TEMPLATES)
    assert text in bound  # the tooltip: the name, exactly as written
    popup = next(b for b in bound if "Source:" in b)
    assert popup.count(text) == 3  # name, Arabic name and source title
    assert "https://example.org/{{7*7}}/{%x%}#{#" in popup
    # No Jinja delimiter is left in the page for a second pass to find.
    assert not re.search(r"\{\{|\{%|\{#", page)


def test_template_syntax_does_not_crash_the_html_export(capsys, tmp_path):
    """(2) high: '{% if x %}' or '{{ unclosed' in an upload crashed the export."""
    events = CORPUS / "ok_template_text.csv"
    out = tmp_path / "map.html"
    code, _, err = run(capsys, "--data", events, "export", "--date", DATE, "--out", out)
    assert code == 0, err
    bound = [html.unescape(v) for v in bound_strings(out.read_text(), skip_other_calls=True)]
    assert any("{%- raw %}{{ config }}{% endraw %}</a>" in b for b in bound)


# --------------------------------------------------------------------------- (3)


def test_recursive_view_geopackage_is_refused_within_a_second(tmp_path):
    """(3) high: counting the rows of a recursive view never ended (a core pinned)."""
    for kind, needle in (("view", "SQL view(s) 'events'"), ("trigger", "trigger(s)")):
        raw = hostile_gpkg(tmp_path / f"{kind}.gpkg", kind).read_bytes()
        start = time.monotonic()
        result = read_upload(raw, filename=f"{kind}.gpkg")
        assert time.monotonic() - start < 1.0
        assert result.dataset is None
        assert [needle in p.message for p in result.errors] == [True], result.problems


def test_plain_geopackage_from_gdal_is_still_read(tmp_path):
    """GDAL's own triggers (feature counts, tile matrix checks) are not refused."""
    import pyogrio

    table = pd.DataFrame(
        {"place_id": ["mosul"], "kind": ["initial"], "date": ["2012-01-01"],
         "to_faction": ["IQGOV"], "source_url": ["https://en.wikipedia.org/wiki/Mosul"]}
    )  # fmt: skip
    path = tmp_path / "ok.gpkg"
    pyogrio.write_dataframe(table, path, layer="events", driver="GPKG")
    result = read_upload(path.read_bytes(), filename="ok.gpkg")
    assert result.errors == [] and result.dataset is not None


# --------------------------------------------------------------------------- (4)


def _folder(tmp_path: Path, places: str) -> Path:
    (tmp_path / "places.csv").write_text(places, encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "place_id,kind,date,to_faction,source_url\n"
        "tell-a,initial,2012-01-01,SYGOV,https://example.org\n"
    )
    return tmp_path


@pytest.mark.parametrize("lat", ["٣٥.٢", "３５.２", "3_5", "nan", "infinity"])
def test_coordinates_other_than_ascii_numbers_are_refused(capsys, tmp_path, lat):
    """(4) medium: Arabic-Indic, full-width or '3_5' coordinates passed validate
    and crashed loading with a traceback."""
    folder = _folder(tmp_path, f"id,name,lat,lon\ntell-a,Tell A,{lat},40.1\n")
    needle = f"places.csv, row 2, column 'lat': expected a number in degrees, got '{lat}'"
    code, _, err = run(capsys, "validate", folder / "places.csv", folder / "events.csv")
    assert code == 1 and needle in err and "Traceback" not in err
    code, _, err = run(capsys, "--data", folder, "state", "--date", DATE)
    assert code == 1 and needle in err
    with pytest.raises(gio.DataError) as exc:  # shaping alone refuses them too
        places_frame(pd.DataFrame({"id": ["a"], "name": ["A"], "lat": [lat], "lon": ["40"]}))
    assert exc.value.problems[0].row == 2 and exc.value.problems[0].column == "lat"


# --------------------------------------------------------------------------- (5)


def test_dollar_signs_are_drawn_as_text(builtin):
    """(5) medium: '$' in a name was read as a formula (parse error, or lost '$')."""
    import matplotlib.text

    from geodata.render import map_figure

    places = builtin.places.copy()
    places.loc[places["id"] == "mosul", "name"] = "Cost $5 to $10"
    places.loc[places["id"] == "raqqa", "name"] = r"$\undefined{x}$ ^_"
    data = Dataset(places, builtin.events, name="dollars")
    for fmt in ("png", "svg", "pdf"):
        assert export_state(data, DATE, fmt, dpi=72)
    fig = map_figure(build_scene(data, DATE))
    texts = {t.get_text(): t for t in fig.findobj(matplotlib.text.Text)}
    assert "Cost $5 to $10" in texts
    assert not texts["Cost $5 to $10"].get_parse_math()


# --------------------------------------------------------------------------- (6)


def _many_changes(n_places: int = 300, changes: int = 40) -> Dataset:
    """A valid dataset of ``n_places`` places changing hands ``changes`` times each."""
    rows, places = [], []
    dates = pd.date_range("2012-02-01", "2019-11-01", periods=changes)
    for p in range(n_places):
        pid = f"p-{p}"
        places.append([pid, f"P {p}", str(33 + p % 50 * 0.1), str(38 + p // 50 * 0.3)])
        rows.append([f"{pid}-0", pid, "initial", "2012-01-01", "", "SYGOV"])
        holder = "SYGOV"
        for i, day in enumerate(dates):
            other = "ISIS" if holder == "SYGOV" else "SYGOV"
            day = day + pd.Timedelta(days=p % 20)
            rows.append([f"{pid}-{i + 1}", pid, "capture", f"{day:%Y-%m-%d}", holder, other])
            holder = other
    events = pd.DataFrame(
        rows, columns=["event_id", "place_id", "kind", "date", "from_faction", "to_faction"]
    ).assign(source_url="https://example.org")
    table = pd.DataFrame(places, columns=["id", "name", "lat", "lon"])
    return load_dataset(table, events, name="many")


def test_charts_stay_under_altair_row_limit_and_a_failure_is_not_retried(monkeypatch):
    """(6) medium: a large valid upload broke both charts (Altair's 5,000-row
    limit) and the failing chart was rebuilt on every slider step."""
    from dashboard import charts
    from dashboard.strip import strip_data
    from geodata.history import busiest_places, control_segments
    from geodata.scene import KEY_PLACES

    data = _many_changes()
    segments = busiest_places(control_segments(data), first=KEY_PLACES)
    assert len(segments) <= charts.MAX_CHART_ROWS
    strip = strip_data(segments, first=KEY_PLACES)  # the control strip (was a Vega chart)
    assert len(strip["bars"]) <= charts.MAX_CHART_ROWS
    assert len(strip["rows"]) <= charts.MAX_CHART_PLACES
    areas = pd.DataFrame(
        {"date": pd.date_range("2012-01-01", periods=3_000).repeat(4),
         "faction": ["SYGOV", "ISIS", "SDF", "IQGOV"] * 3_000, "area_km2": 1.0}
    )  # fmt: skip
    thinned = charts.thin_dates(areas)
    assert len(thinned) <= charts.MAX_CHART_ROWS and thinned["date"].max() == areas["date"].max()
    charts.area_chart(thinned).to_dict()

    assert builds_when_failing(monkeypatch, charts, "area_chart", charts.area_spec, data, "k") == 1


# --------------------------------------------------------------------------- (7)


def test_column_limit_is_checked_before_parsing():
    """(7) medium: 60,000 columns took 97 s of CPU and 650 MB before acceptance."""
    raw = (",".join(["place_id", *(f"c{i}" for i in range(60_000))]) + "\nmosul\n").encode()
    start = time.monotonic()
    result = read_upload(raw, filename="wide.csv")
    assert time.monotonic() - start < 2.0
    assert [str(p) for p in result.errors] == [
        (
            "wide.csv: the file has 60,001 columns; the limit is 200 (the events format has "
            "12): remove the columns you do not need"
        )
    ]


# --------------------------------------------------------------------------- (8)


def test_control_characters_are_refused_with_row_and_column(capsys, tmp_path):
    """(8) medium: control characters were accepted; KML became invalid XML and
    GeoPackage names were cut at a NUL."""
    code, _, err = run(capsys, "validate", CORPUS / "control_characters.csv")
    assert code == 1
    assert "control_characters.csv, row 2, column 'note': control character U+0007" in err
    assert "row 3, column 'source_title': control character U+000B" in err
    assert "row 4, column 'source_title': control character U+001B (escape)" in err
    assert "row 3, column 'note'" not in err  # a tab and a line break in a quoted note are fine
    result = read_upload((CORPUS / "control_characters.geojson").read_bytes(),
                         filename="control_characters.geojson")  # fmt: skip
    assert result.dataset is None
    assert {(p.row, p.column) for p in result.errors} == {(1, "source_title"), (2, "source_title")}


def test_kml_of_loaded_data_is_valid_xml(builtin):
    """What reaches the exporters has no control character: KML parses."""
    import xml.etree.ElementTree as ET

    ET.fromstring(to_kml(build_scene(builtin, DATE), dataset=builtin))


# --------------------------------------------------------------------------- (9)


def test_out_to_a_character_device_is_streamed_not_replaced(capsys, monkeypatch):
    """(9) medium: as root, --out /dev/null turned the device into a regular file."""
    import geodata.files as files

    real_replace = os.replace

    def guarded(src, dst, *args, **kwargs):  # never let a failing run break this machine
        if str(dst).startswith("/dev/"):
            raise AssertionError(f"{dst} would have been replaced by a regular file")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(files.os, "replace", guarded)
    code, out, err = run(capsys, "export", "--date", DATE, "--format", "csv", "--out", "/dev/null")
    assert code == 0, err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_out_dash_streams_to_stdout(capsysbinary):
    code = main(["export", "--date", DATE, "--format", "geojson", "--out", "-"])
    out, err = capsysbinary.readouterr()
    assert code == 0
    assert json.loads(out)["type"] == "FeatureCollection"
    assert b"wrote standard output" in err


def test_out_keeps_mode_follows_local_links_and_refuses_special_files(capsys, tmp_path):
    existing = tmp_path / "private.csv"
    existing.write_text("old")
    existing.chmod(0o600)
    code, _, err = run(capsys, "export", "--date", DATE, "--out", existing)
    assert code == 0, err
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert existing.read_text("utf-8-sig").startswith("id,name")

    link = tmp_path / "link.csv"
    link.symlink_to("private.csv")
    code, _, err = run(capsys, "export", "--date", DATE, "--out", link)
    assert code == 0, err
    assert link.is_symlink() and stat.S_IMODE(existing.stat().st_mode) == 0o600

    outside = tmp_path / "sub"
    outside.mkdir()
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep me")
    (outside / "away.csv").symlink_to(target)
    code, _, err = run(capsys, "export", "--date", DATE, "--out", outside / "away.csv")
    assert code == 2 and "is a symbolic link to" in err and "outside its folder" in err
    assert target.read_text() == "keep me"

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "export", "--date", DATE, "--out", fifo)
    assert code == 2 and "is a named pipe" in err and "Traceback" not in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "elsewhere.csv", "link.csv", "pipe.csv", "private.csv", "sub"
    ]  # fmt: skip


# --------------------------------------------------------------------------- (10)


def test_name_confirmation_options_are_plain_text():
    """(10) low: the dropdown showed 'Tikrit &#40;83&#41;' instead of 'Tikrit (83)'."""
    from streamlit.testing.v1 import AppTest

    app = str(APP)
    raw = (CORPUS / "unknown_towns.csv").read_bytes()
    at = AppTest.from_file(app, default_timeout=60)
    at.session_state["upload_files"] = (("unknown_towns.csv", raw), None)
    at.session_state["upload_result"] = read_upload(raw, filename="unknown_towns.csv")
    at.run()
    assert not at.exception
    options = [o for box in at.selectbox for o in box.options]
    assert any(re.fullmatch(r"Tikrit \(\d+\)", o) for o in options), options
    assert not any("&#" in o for o in options), options


def test_more_than_2000_names_is_one_file_level_error():
    """(10) low: gave 5,000 misleading row problems."""
    names = [f"Tell Nowhere {i},initial,2012-01-01,SYGOV,https://x.org" for i in range(2_500)]
    raw = "\n".join(["place,kind,date,to_faction,source_url", *names]).encode()
    result = read_upload(raw, filename="names.csv")
    assert [str(p) for p in result.problems] == [
        (
            "names.csv: the file names 2,500 different places; the limit is 2,000: "
            "split it into several files"
        )
    ]


@pytest.fixture
def truncated_borders(tmp_path, monkeypatch):
    real = borders.resources.files("geodata") / "data" / "borders.geojson"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "borders.geojson").write_bytes(real.read_bytes()[:5_000])
    monkeypatch.setattr(borders.resources, "files", lambda package: tmp_path)
    borders.load_borders.cache_clear()
    yield
    monkeypatch.undo()
    borders.load_borders.cache_clear()


def test_truncated_builtin_borders_give_a_clear_error(capsys, tmp_path, truncated_borders):
    """(10) low: a truncated built-in borders.geojson gave a traceback."""
    code, out, err = run(capsys, "export", "--date", DATE, "--out", tmp_path / "m.png")
    assert code == 1 and out == ""
    assert "built-in borders.geojson: the file shipped with Frontline Atlas is damaged" in err
    assert "reinstall" in err and "Traceback" not in err


@pytest.fixture
def corrupt_builtin(tmp_path, monkeypatch):
    (tmp_path / "places.csv").write_bytes((gio.DATA_DIR / "places.csv").read_bytes())
    (tmp_path / "events.csv").write_bytes(b"\xff\xfe\x00garbage")
    monkeypatch.setattr(gio, "DATA_DIR", tmp_path)
    gio.load_builtin.cache_clear()
    yield
    monkeypatch.undo()
    gio.load_builtin.cache_clear()


def test_corrupt_builtin_data_gives_a_clear_error(capsys, corrupt_builtin):
    """(10) low: a corrupt built-in data file gave a traceback (CLI) or a raw
    traceback page (app)."""
    code, _, err = run(capsys, "state", "--date", DATE)
    assert code == 1 and "built-in data: the file shipped with Frontline Atlas is damaged" in err
    from streamlit.testing.v1 import AppTest

    from dashboard import cache

    cache.builtin_dataset.clear()
    try:
        at = AppTest.from_file(str(APP),
                               default_timeout=60)  # fmt: skip
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("cannot show its data" in e.value for e in at.error), at.error
    finally:
        cache.builtin_dataset.clear()


def test_ctrl_c_during_replay_exits_130_with_a_short_message(capsys, tmp_path, monkeypatch):
    """(10) low: Ctrl-C during frontline replay printed a traceback."""
    import geodata.replay as replay

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(replay, "render_replay", interrupted)
    try:
        code, _, err = run(capsys, "replay", "--start", "2016-01-01", "--end", "2016-03-01",
                           "--out", tmp_path / "r.gif")  # fmt: skip
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped main(): the user sees a traceback")
    assert code == 130 and "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_tiny_extent_is_a_clear_error(capsys, tmp_path):
    """(10) low: an extent of ~1e-7 degrees crashed the font rasteriser."""
    with pytest.raises(SystemExit) as exc:
        main(["export", "--date", DATE, "--out", str(tmp_path / "m.png"),
              "--extent", "38,35,38.0000001,35.0000001"])  # fmt: skip
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "is too small" in err and "Traceback" not in err


def test_data_file_size_is_checked_before_reading(capsys, tmp_path, monkeypatch):
    """(10) low: --data read a 200 MB file whole before refusing it for size."""
    big = tmp_path / "big.csv"
    with big.open("wb") as file:
        file.truncate(200 * 2**20)  # sparse: no 200 MB on disk

    def refuse(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    code, _, err = run(capsys, "--data", big, "state", "--date", DATE)
    assert code == 1 and "big.csv: file is 200.0 MB; the limit is 20 MB" in err


# --------------------------------------------------------------------------- (11)


def test_leaflet_hashes_are_those_of_the_installed_1_9_4_files():
    """(11) info: Leaflet came from a CDN without an integrity hash."""
    from geodata.export import LEAFLET_CDN, leaflet_dir

    folder = leaflet_dir()
    assert "Leaflet 1.9.4," in (folder / "leaflet.js").read_text()[:200]
    for name, (url, integrity) in LEAFLET_CDN.items():
        assert "leaflet@1.9.4/dist/" + name in url
        digest = base64.b64encode(hashlib.sha384((folder / name).read_bytes()).digest())
        assert integrity == "sha384-" + digest.decode()


def test_html_export_loads_only_pinned_leaflet_and_no_tiles_by_default(builtin, capsys, tmp_path):
    """(11) info: OpenStreetMap tiles were on by default; nothing made the file offline."""
    from geodata.export import LEAFLET_CDN

    scene = build_scene(builtin, DATE)
    page = to_html(scene, dataset=builtin).decode()
    loads = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert sorted(loads) == sorted(url for url, _ in LEAFLET_CDN.values())
    for url, integrity in LEAFLET_CDN.values():
        tag = f'"{url}" integrity="{integrity}" crossorigin="anonymous"'
        assert tag in page
    assert "tile.openstreetmap.org" not in page
    assert "tile.openstreetmap.org" in to_html(scene, dataset=builtin, tiles=True).decode()

    out = tmp_path / "offline.html"
    code, _, err = run(capsys, "export", "--date", DATE, "--out", out, "--self-contained")
    assert code == 0, err
    offline = out.read_text()
    # Nothing is loaded from the network (Leaflet's attribution link is only a link).
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="https?:', offline)
    assert not re.search(r"url\(['\"]?https?:", offline)
    assert "Leaflet 1.9.4" in offline and "data:image/png;base64," in offline
    code, _, err = run(capsys, "export", "--date", DATE, "--out", tmp_path / "m.csv",
                       "--self-contained")  # fmt: skip
    assert code == 2 and "--self-contained is for the html format" in err


@pytest.mark.browser
def test_self_contained_html_draws_the_map_with_no_network(builtin, tmp_path):
    """The self-contained export works offline: Leaflet inlined, nothing fetched."""
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("/usr/bin/chromium is missing (make chromium)")
    from playwright.sync_api import sync_playwright

    path = tmp_path / "offline.html"
    path.write_bytes(to_html(build_scene(builtin, DATE), dataset=builtin, self_contained=True))
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda route: (requests.append(route.request.url),
                                              route.continue_() if route.request.url.startswith(
                                                  "file:") else route.abort()))  # fmt: skip
            page.goto(path.as_uri())
            page.wait_for_function("document.querySelectorAll('path.leaflet-interactive')"
                                   ".length > 100", timeout=30_000)  # fmt: skip
            assert page.evaluate("typeof L === 'object' && L.version") == "1.9.4"
        finally:
            browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
