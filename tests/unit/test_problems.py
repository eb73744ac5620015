"""geodata.problems: the Problem type and its stable codes, DataError, parse_date.

Also checks that every place that reports a problem passes a code from the table,
and that the upload's relabelling of problems follows codes, not wording.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import geodata
from geodata import validate
from geodata.problems import CHAIN_CODES, CODES, DataError, Problem, errors_only, parse_date
from geodata.upload import read_upload

PACKAGE = Path(geodata.__file__).parent
HEADER = "place_id,kind,date,from_faction,to_faction,source_url"


def test_a_problem_needs_a_known_code():
    with pytest.raises(TypeError):
        Problem("e.csv", 2, "kind", "unknown kind 'x'")  # the code is required
    with pytest.raises(ValueError, match="unknown problem code 'kind.unkown'"):
        Problem("e.csv", 2, "kind", "unknown kind 'x'", code="kind.unkown")
    problem = Problem("e.csv", 2, "kind", "unknown kind 'x'", "capture", code="kind.unknown")
    assert problem.code == "kind.unknown"


def test_str_and_dict_are_unchanged_by_the_code():
    """The CLI's text and JSON output have no code in them: the same as before codes."""
    message = "unknown faction 'ISSI'"
    problem = Problem("e.csv", 3, "to_faction", message, "ISIS", code="faction.unknown")
    shown = "e.csv, row 3, column 'to_faction': unknown faction 'ISSI' (did you mean ISIS?)"
    assert str(problem) == shown
    assert problem.to_dict() == {
        "file": "e.csv",
        "row": 3,
        "column": "to_faction",
        "message": "unknown faction 'ISSI'",
        "suggestion": "ISIS",
        "severity": "error",
    }
    warning = Problem("p.csv", None, None, "note", severity="warning", code="places.unused")
    assert str(warning) == "warning: p.csv: note"
    assert errors_only([problem, warning]) == [problem]


def test_codes_are_documented_and_grouped():
    assert all(code.count(".") == 1 and code == code.lower() for code in CODES)
    assert all(description for description in CODES.values())
    assert set(CODES) > CHAIN_CODES
    assert "chain.second_initial" not in CHAIN_CODES  # not caused by a base history
    # The module's table names every family (the events columns are named in one line).
    doc = geodata.problems.__doc__
    families = {code.split(".")[0] for code in CODES}
    assert all(f"``{family}" in doc for family in families), families


def _code_arguments():
    """Every code written in the package outside the table: ``code="..."``, ``code = "..."``,
    and the first argument of the helpers that take one (``row.add(code, ...)``)."""
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        yield keyword.value.value
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                first = node.args[0] if node.args else None
                text = first.value if isinstance(first, ast.Constant) else None
                if name in ("add", "warn", "problem") and isinstance(text, str) and "." in text:
                    yield text
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                names = [getattr(target, "id", "") for target in node.targets]
                yield from [node.value.value] if "code" in names else []


def test_every_code_in_the_source_is_in_the_table_and_every_code_is_used():
    used = {code for code in _code_arguments() if "." in str(code)}  # not code="ISIS" (factions)
    assert used - set(CODES) == set()
    # place.* codes are made from the reason of a name to confirm (f"place.{reason}").
    reasons = ("fuzzy", "geonames", "unknown", "ambiguous", "invalid")
    unused = set(CODES) - used - {f"place.{reason}" for reason in reasons}
    assert unused == set(), unused


def test_every_problem_made_in_the_package_passes_a_code():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem":
                keywords = {k.arg for k in node.keywords}
                assert "code" in keywords or None in keywords, f"{path}:{node.lineno}"


def test_data_error_lists_every_problem():
    problems = [Problem("e.csv", i, None, f"bad {i}", code="csv.wide_row") for i in range(2, 25)]
    error = DataError(problems)
    assert error.problems == problems
    text = str(error)
    assert text.startswith("23 problem(s) in the data:\n  - e.csv, row 2: bad 2")
    assert text.endswith("... and 3 more")
    assert isinstance(error, ValueError)


def test_old_import_paths_still_work():
    from geodata.dataset import DataError as from_dataset
    from geodata.validate import Problem as from_validate
    from geodata.validate import parse_date as parse_from_validate

    assert from_dataset is DataError and geodata.DataError is DataError
    assert from_validate is Problem and parse_from_validate is parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2016-03-27", pd.Timestamp("2016-03-27")), (" 2012-01-01 ", pd.Timestamp("2012-01-01"))],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("27/03/2016", "expected a date as YYYY-MM-DD, got '27/03/2016'"),
        ("2015-02-30", "'2015-02-30' is not a real date"),
        ("", "expected a date as YYYY-MM-DD, got ''"),
    ],
)
def test_parse_date_says_what_it_got(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


# --------------------------------------------------------------------------- codes in use


_VALIDATION_CASES = [
    ("palmyra,capture,2015-06-01,SYGOV,REBELS,https://e.org/c", "chain.held_by"),
    ("palmyra,contest,2015-06-01,REBELS,ISIS,https://e.org/c", "chain.contest_held_by"),
    ("palmyra,milestone,2015-06-01,REBELS,ISIS,https://e.org/m", "chain.milestone_held_by"),
    ("palmyra,capture,2015-06-01,ISIS,SYGOV,javascript:x", "source.not_http"),
]


@pytest.mark.parametrize(("row", "code"), _VALIDATION_CASES)
def test_validation_gives_codes(row, code):
    lines = [HEADER, "palmyra,initial,2012-01-01,,ISIS,https://example.org", row]
    table = pd.DataFrame([line.split(",") for line in lines[1:]], columns=HEADER.split(","))
    problems = validate.validate_events(table, {"palmyra"})
    assert [p.code for p in problems] == [code], [str(p) for p in problems]


def _layered(text: str):
    return read_upload((HEADER + "\n" + text).encode(), filename="c.csv", mode="layer")


def test_relabelling_follows_codes_not_wording(monkeypatch):
    """Rewording a chain message does not change which problems the upload explains."""
    row = "palmyra,milestone,2015-06-01,REBELS,SYGOV,https://example.org/m\n"
    before = _layered(row)
    [mine] = [p for p in before.errors if p.file == "c.csv"]
    assert mine.code == "chain.milestone_held_by"
    assert mine.message.endswith("an 'initial' row for the place replaces that history)")

    real = Problem

    def reworded(*args, **kwargs):
        problem = real(*args, **kwargs)
        if problem.code in CHAIN_CODES:  # none of the old key words ('held by', ...) is left
            return dataclasses.replace(problem, message=f"history does not fit ({problem.code})")
        return problem

    monkeypatch.setattr("geodata.chains.Problem", reworded)
    after = _layered(row)
    assert [(p.file, p.row, p.column, p.code) for p in after.problems] == [
        (p.file, p.row, p.column, p.code) for p in before.problems
    ]
    [mine] = [p for p in after.errors if p.file == "c.csv"]
    assert mine.message == (
        "history does not fit (chain.milestone_held_by) (checked together with the built-in "
        "history of this place; an 'initial' row for the place replaces that history)"
    )


def test_a_user_text_with_the_old_key_words_is_not_relabelled():
    """A message that merely quotes 'held by' is no chain problem (message matching thought so)."""
    result = _layered("palmyra,milestone,2015-06-01,ISIS,SYGOV,held by\n")
    [problem] = [p for p in result.errors if p.column == "source_url"]
    assert problem.code == "source.not_http"
    assert problem.message == "expected an http:// or https:// link, got 'held by'"


def test_empty_ids_are_chosen_by_code():
    text = "event_id," + HEADER + "\n,,initial,2012-01-01,,SDF,https://example.org\n"
    result = read_upload(text.encode(), filename="e.csv")
    assert [(p.code, p.message) for p in result.errors] == [
        ("place_id.empty", "empty place: give a place_id or a place name")
    ]
    assert not any(p.code == "event_id.empty" for p in result.problems)  # filled in from the row
