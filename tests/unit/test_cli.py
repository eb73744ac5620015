"""The `frontline` command line: its JSON contract and its errors."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

import geodata.files as files
import geodata.render as render
from geodata.cli import main
from geodata.export import EXPORT_FORMATS
from geodata.io import DATA_DIR


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_geocode_json(capsys):
    code, out, _ = run(capsys, "geocode", "Deir Ezzour", "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"query", "id", "name", "lat", "lon", "country", "score", "alternatives"}
    assert doc["id"] == "deir-ez-zor" and doc["query"] == "Deir Ezzour" and doc["country"] == "SY"
    assert isinstance(doc["alternatives"], list)


def test_geocode_arabic(capsys):
    code, out, _ = run(capsys, "geocode", "الموصل", "--json")
    assert code == 0 and json.loads(out)["id"] == "mosul"


def test_geocode_unknown_exits_1_with_suggestions(capsys):
    code, out, err = run(capsys, "geocode", "Xyzzyville", "--json")
    assert code == 1 and out == ""
    assert "did you mean" in err and "Traceback" not in err


def test_state_json(capsys):
    code, out, _ = run(capsys, "state", "--date", "2016-03-27", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert {"id", "name", "lat", "lon", "controller", "status", "since"} <= set(rows["palmyra"])
    assert rows["palmyra"]["controller"] == "SYGOV" and rows["palmyra"]["since"] == "2016-03-27"
    assert rows["mosul"]["controller"] == "ISIS"
    assert rows["raqqa"]["controller"] == "ISIS"
    assert rows["deir-ez-zor"]["status"] == "contested"


def test_data_option_before_or_after_the_command(capsys, tmp_path):
    code1, out1, _ = run(capsys, "--data", str(DATA_DIR), "state", "--date", "2015-01-01", "--json")
    code2, out2, _ = run(capsys, "state", "--date", "2015-01-01", "--json", "--data", str(DATA_DIR))
    assert code1 == code2 == 0 and out1 == out2


def test_events_json_oldest_first_for_a_place(capsys):
    code, out, _ = run(capsys, "events", "--place", "Tadmur", "--json")
    assert code == 0
    events = json.loads(out)
    assert {e["place_id"] for e in events} == {"palmyra"}
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    assert all(e["source_url"].startswith("http") for e in events)


def test_events_all(capsys):
    code, out, _ = run(capsys, "events", "--json")
    events = json.loads(out)
    assert code == 0 and len(events) > 40
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["state", "--date", "2015-02-30"], "not a real date"),
        (["state", "--date", "2030-01-01"], "outside the data's range"),
        (["state", "--date", "yesterday"], "YYYY-MM-DD"),
        (["state"], "--date"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_without_traceback(capsys, argv, needle):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_unknown_place_in_events(capsys):
    code, _, err = run(capsys, "events", "--place", "Atlantis")
    assert code == 1 and "unknown place" in err


def test_missing_data_path(capsys):
    code, _, err = run(capsys, "--data", "/nonexistent/x.csv", "state", "--date", "2015-01-01")
    assert code == 2 and "no such file" in err


def test_validate_builtin_ok(capsys):
    code, out, err = run(capsys, "validate")
    assert code == 0 and "valid: 0 error(s)" in out


def test_validate_bad_file(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "event_id,place_id,kind,date,from_faction,to_faction,source_url\n"
        "a,mosul,initial,2012-01-01,,IQGOV,https://x.org\n"
        "b,mosul,capture,2014-06-31,IQGOV,ISSI,https://x.org\n"
    )
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 1
    assert "bad.csv, row 3, column 'date'" in err
    assert "column 'to_faction'" in err and "did you mean ISIS" in err
    code, out, _ = run(capsys, "validate", str(bad), "--json")
    doc = json.loads(out)
    assert doc["valid"] is False and len(doc["problems"]) == 2


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "geodata", "geocode", "Raqqa", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(proc.stdout)["id"] == "raqqa"


CORPUS = DATA_DIR.parent.parent / "tests" / "corpus"


def test_data_file_with_town_names_any_format(capsys):
    code, out, _ = run(
        capsys,
        "--data",
        str(CORPUS / "ok_town_names.csv"),
        "state",
        "--date",
        "2015-01-01",
        "--json",
    )
    assert code == 0
    assert {r["id"] for r in json.loads(out)} >= {"palmyra", "raqqa"}
    code, out, _ = run(
        capsys, "--data", str(CORPUS / "ok_events_with_points.geojson"), "events", "--json"
    )
    assert code == 0 and json.loads(out)


def test_data_file_needing_confirmation_lists_suggestions(capsys):
    code, out, err = run(
        capsys, "--data", str(CORPUS / "unknown_towns.csv"), "state", "--date", "2015-01-01"
    )
    assert code == 1 and out == ""
    assert "Fallujah" in err and "Tikrit" in err and "Traceback" not in err


def test_data_file_that_is_junk(capsys):
    code, _, err = run(capsys, "--data", str(CORPUS / "binary_junk.csv"), "events")
    assert code == 1 and "binary file" in err


# --------------------------------------------------------------------------- export and replay
# (moved from test_export.py)

EXPORT_DATE = "2016-03-27"
KML = "{http://www.opengis.net/kml/2.2}"


def run_export(capsys, *argv):
    """Like run(), with paths as arguments."""
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
    code, stdout, err = run_export(
        capsys, "export", "--date", EXPORT_DATE, "--format", fmt, "--out", out, "--dpi", "72"
    )
    assert code == 0, err
    assert SIGNATURES[fmt](out.read_bytes())
    assert f"wrote {out}" in stdout
    assert os.listdir(tmp_path) == [out.name]  # no temporary file left


def test_cli_export_format_from_suffix_and_json(capsys, tmp_path):
    out = tmp_path / "map.svg"
    code, stdout, _ = run_export(
        capsys, "export", "--date", EXPORT_DATE, "--out", out, "--json", "--extent", "syria"
    )
    assert code == 0
    assert json.loads(stdout) == {
        "path": str(out),
        "format": "svg",
        "date": EXPORT_DATE,
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
        main(["export", "--date", EXPORT_DATE, "--out", str(tmp_path / "m.png"), *argv])
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
    got, stdout, err = run_export(capsys, "export", "--date", EXPORT_DATE, "--out", out)
    assert got == code and stdout == ""
    assert needle in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_cli_export_unwritable_folder(capsys, tmp_path, monkeypatch):
    # As root, chmod does not stop writes: stand in for a read-only folder.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if str(p) == str(tmp_path) else real_access(p, mode)
    )
    code, _, err = run_export(capsys, "export", "--date", EXPORT_DATE, "--out", tmp_path / "m.png")
    assert code == 1 and "is not writable" in err
    assert os.listdir(tmp_path) == []


def test_cli_failed_render_leaves_no_file(capsys, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(render, "render_map", broken)
    out = tmp_path / "m.png"
    with pytest.raises(RuntimeError):
        main(["export", "--date", EXPORT_DATE, "--out", str(out)])
    assert os.listdir(tmp_path) == []


def test_cli_failed_write_keeps_the_old_file(capsys, tmp_path, monkeypatch):
    out = tmp_path / "m.csv"
    out.write_bytes(b"old")

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    code, _, err = run_export(capsys, "export", "--date", EXPORT_DATE, "--out", out)
    assert code == 1 and "cannot write" in err and "No space left" in err
    assert out.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["m.csv"]


def test_cli_replay_gif(capsys, tmp_path):
    out = tmp_path / "replay.gif"
    code, stdout, err = run_export(
        capsys,
        "replay",
        "--start",
        "2016-01-01",
        "--end",
        "2016-03-01",
        "--step",
        "month",
        "--out",
        out,
        "--dpi",
        "72",
    )
    assert code == 0, err
    assert Image.open(out).n_frames == 3
    assert "3 frames" in stdout
    assert "rendering frames" in err and "3/3" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--start", "2016-01-01", "--end", "2015-01-01"], "is after --end"),
        (
            ["--start", "2012-01-01", "--end", "2019-12-31", "--step", "week"],
            "the limit is 400; choose a coarser step (month)",
        ),
    ],
)
def test_cli_replay_errors(capsys, tmp_path, argv, needle):
    code, _, err = run_export(capsys, "replay", *argv, "--out", tmp_path / "r.gif")
    assert code == 2 and needle in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_cli_replay_needs_gif_or_mp4(capsys, tmp_path):
    code, _, err = run_export(
        capsys,
        "replay",
        "--start",
        "2016-01-01",
        "--end",
        "2016-02-01",
        "--out",
        tmp_path / "r.avi",
    )
    assert code == 2 and "expected one of .gif, .mp4" in err
