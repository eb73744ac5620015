"""geodata.io's reading steps: bytes to text (_decode), text to a table (_parse), columns."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.io import _decode, _parse, read_table, with_columns
from geodata.problems import DataError


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("a,b\n1,2\n".encode("utf-16"), "file.utf16", "UTF-16 text, not UTF-8"),
        (b"a,b\n\x00\x01\x02", "file.binary", "this is a binary file, not a CSV text file"),
        (b"a,b\ncaf\xe9,1\n", "file.not_utf8", "byte 0xe9 at position 7"),
    ],
)
def test_decode_refuses_what_is_not_utf8_text(raw, code, message):
    with pytest.raises(DataError) as error:
        _decode(raw, "x.csv")
    [problem] = error.value.problems
    assert problem.code == code and message in problem.message


def test_decode_takes_utf8_with_or_without_bom():
    assert _decode("\ufeffplace,date\n".encode(), "x.csv") == "place,date\n"
    assert _decode(b"place,date\n", "x.csv") == "place,date\n"


@pytest.mark.parametrize(
    ("text", "code"),
    [(" \n\n", "file.empty"), ("a,b\n1,2,3\n", "csv.wide_row")],
)
def test_parse_refuses_what_is_not_a_table(text, code):
    with pytest.raises(DataError) as error:
        _parse(text, "x.csv")
    assert [p.code for p in error.value.problems] == [code]


def test_parse_finds_the_separator_and_keeps_text():
    table = _parse(" Place ;Date\nMosul;2014-06-10\n", "x.csv")
    assert list(table.columns) == ["place", "date"]
    assert table.iloc[0].tolist() == ["Mosul", "2014-06-10"]
    assert read_table(b" Place ;Date\nMosul;2014-06-10\n").equals(table)


def test_with_columns_adds_empty_text_and_orders():
    table = pd.DataFrame({"b": ["x"], "extra": ["y"]})
    out = with_columns(table, ("a", "b"))
    assert list(out.columns) == ["a", "b"] and out.iloc[0].tolist() == ["", "x"]
    assert list(table.columns) == ["b", "extra"]  # the input is left alone
