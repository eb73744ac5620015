"""The `frontline` command line: its JSON contract and its errors."""

import json
import subprocess
import sys

import pytest

from geodata.cli import main
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
