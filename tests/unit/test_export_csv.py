"""The CSV export: every place, and no live spreadsheet formula."""

import csv
import io

import pytest

from geodata.export import neutralise_csv_cell, to_csv
from tests.fixtures import FORMULA, SCENE_DATE, SCRIPT

DATE = SCENE_DATE


def test_csv_has_every_place(builtin, scene):
    text = to_csv(scene, dataset=builtin).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(builtin.places)
    palmyra = next(r for r in rows if r["id"] == "palmyra")
    assert palmyra["controller"] == "SYGOV" and palmyra["since"] == DATE
    assert float(palmyra["lat"]) == pytest.approx(34.5624)
    assert palmyra["name_ar"] == "تدمر"


def test_csv_has_no_live_formulas(hostile, hostile_scene):
    raw = to_csv(hostile_scene, dataset=hostile)
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
    [
        ("=1", "'=1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        ("Raqqa", "Raqqa"),
    ],
)
def test_neutralise_csv_cell(value, expected):
    assert neutralise_csv_cell(value) == expected
