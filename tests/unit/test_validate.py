"""One test per class of invalid row: each problem names file, row and column."""

import io

import pandas as pd
import pytest

from geodata import DataError, load_dataset
from geodata.io import DATA_DIR, read_table
from geodata.validate import errors_only, validate_events, validate_places

HEADER = ("event_id,place_id,kind,date,date_precision,end_date,end_precision,"
          "from_faction,to_faction,certainty,source_title,source_url,note")  # fmt: skip
OK = [
    "m-1,mosul,initial,2012-01-01,day,,,,IQGOV,high,T,https://en.wikipedia.org/wiki/Mosul,",
    "m-2,mosul,capture,2014-06-10,day,,,IQGOV,ISIS,high,T,https://en.wikipedia.org/wiki/Fall_of_Mosul,",
]
PLACE_IDS = {"mosul", "raqqa", "palmyra"}


def check(extra_rows, *, base=OK):
    text = "\n".join([HEADER, *base, *extra_rows]) + "\n"
    table = read_table(text.encode(), file="my_events.csv")
    return errors_only(validate_events(table, PLACE_IDS, file="my_events.csv"))


def only(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_rows_pass():
    assert check([]) == []


def test_builtin_data_is_valid():
    table_p = read_table(DATA_DIR / "places.csv")
    table_e = read_table(DATA_DIR / "events.csv")
    assert validate_places(table_p) == []
    problems = validate_events(table_e, set(table_p["id"]))
    assert problems == [], [str(p) for p in problems]


@pytest.mark.parametrize(
    ("row", "column", "needle", "suggestion"),
    [
        # unknown place id, with a suggestion
        (
            "m-3,mosull,capture,2017-07-10,day,,,ISIS,IQGOV,high,T,https://x.org,",
            "place_id",
            "unknown place id",
            "mosul",
        ),
        # unknown faction, with a suggestion
        (
            "m-3,mosul,capture,2017-07-10,day,,,ISSI,IQGOV,high,T,https://x.org,",
            "from_faction",
            "unknown faction",
            "ISIS",
        ),
        # unknown kind
        (
            "m-3,mosul,captured,2017-07-10,day,,,ISIS,IQGOV,high,T,https://x.org,",
            "kind",
            "unknown kind",
            "capture",
        ),
        # impossible date
        (
            "m-3,mosul,capture,2017-02-30,day,,,ISIS,IQGOV,high,T,https://x.org,",
            "date",
            "not a real date",
            None,
        ),
        # wrong date format
        (
            "m-3,mosul,capture,10/07/2017,day,,,ISIS,IQGOV,high,T,https://x.org,",
            "date",
            "YYYY-MM-DD",
            None,
        ),
        # out of range
        (
            "m-3,mosul,capture,2021-07-10,day,,,ISIS,IQGOV,high,T,https://x.org,",
            "date",
            "outside the timeline",
            None,
        ),
        # precision inconsistent with the date
        (
            "m-3,mosul,capture,2017-07-10,month,,,ISIS,IQGOV,high,T,https://x.org,",
            "date_precision",
            "first of the month",
            "2017-07-01",
        ),
        (
            "m-3,mosul,capture,2017-07-01,year,,,ISIS,IQGOV,high,T,https://x.org,",
            "date_precision",
            "1 January",
            "2017-01-01",
        ),
        (
            "m-3,mosul,capture,2017-07-10,weekly,,,ISIS,IQGOV,high,T,https://x.org,",
            "date_precision",
            "unknown precision",
            None,
        ),
        # a source link that is not http(s)
        (
            "m-3,mosul,capture,2017-07-10,day,,,ISIS,IQGOV,high,T,javascript:alert(1),",
            "source_url",
            "http:// or https://",
            None,
        ),
        (
            "m-3,mosul,capture,2017-07-10,day,,,ISIS,IQGOV,high,T,,",
            "source_url",
            "empty source",
            None,
        ),
        # certainty
        (
            "m-3,mosul,capture,2017-07-10,day,,,ISIS,IQGOV,sure,T,https://x.org,",
            "certainty",
            "unknown certainty",
            None,
        ),
        # broken chain: Mosul was held by ISIS, not SDF
        (
            "m-3,mosul,capture,2017-07-10,day,,,SDF,IQGOV,high,T,https://x.org,",
            "from_faction",
            "broken chain",
            None,
        ),
        # capture to itself
        (
            "m-3,mosul,capture,2017-07-10,day,,,ISIS,ISIS,high,T,https://x.org,",
            "to_faction",
            "to itself",
            None,
        ),
        # end date on a non-contest, end before start
        (
            "m-3,mosul,capture,2017-07-10,day,2017-08-01,day,ISIS,IQGOV,high,T,https://x.org,",
            "end_date",
            "only contest",
            None,
        ),
        (
            "m-3,mosul,contest,2016-10-17,day,2016-10-01,day,ISIS,IQGOV,high,T,https://x.org,",
            "end_date",
            "before start",
            None,
        ),
        # contest from a faction that did not hold the place
        (
            "m-3,mosul,contest,2016-10-17,day,,,SDF,IQGOV,high,T,https://x.org,",
            "from_faction",
            "was held by ISIS",
            None,
        ),
        # duplicate event id
        (
            "m-2,mosul,milestone,2016-10-17,day,,,ISIS,IQGOV,high,T,https://x.org,",
            "event_id",
            "duplicate event id",
            None,
        ),
        # a second initial event
        (
            "m-3,mosul,initial,2013-01-01,day,,,,ISIS,high,T,https://x.org,",
            "kind",
            "second initial",
            None,
        ),
        # an initial event with a from faction
        (
            "r-1,raqqa,initial,2012-01-01,day,,,ISIS,SYGOV,high,T,https://x.org,",
            "from_faction",
            "no from_faction",
            None,
        ),
        # a capture before any initial event
        (
            "r-1,raqqa,capture,2013-03-05,day,,,SYGOV,REBELS,high,T,https://x.org,",
            "kind",
            "before its initial",
            None,
        ),
    ],
)
def test_invalid_row_is_reported_with_file_row_and_column(row, column, needle, suggestion):
    p = only(check([row]))
    assert p.file == "my_events.csv"
    assert p.row == 4  # header is row 1, then two good rows
    assert p.column == column
    assert needle in p.message, str(p)
    if suggestion:
        assert p.suggestion == suggestion
    assert "my_events.csv, row 4" in str(p)


def test_duplicate_rows():
    row = "m-3,mosul,milestone,2016-10-17,day,,,ISIS,IQGOV,high,T,https://x.org,"
    dup = row.replace("m-3", "m-4")
    p = only(check([row, dup]))
    assert p.row == 5 and "duplicate of row 4" in p.message


def test_overlapping_contests():
    rows = [
        "m-3,mosul,contest,2016-10-17,day,2017-07-10,day,ISIS,IQGOV,high,T,https://x.org,",
        "m-4,mosul,contest,2017-01-01,day,2017-02-01,day,ISIS,KRG,high,T,https://x.org,",
    ]
    p = only(check(rows))
    assert p.row == 5 and "overlaps" in p.message


def test_missing_column_is_named():
    table = read_table(b"place_id,kind,date\nmosul,initial,2012-01-01\n", file="e.csv")
    problems = errors_only(validate_events(table, PLACE_IDS, file="e.csv"))
    assert {p.column for p in problems} == {"to_faction", "source_url"}
    assert all(p.row is None for p in problems)


def test_place_problems():
    text = (
        "id,name,lat,lon,country\n"
        "mosul,Mosul,36.3,43.1,IQ\n"
        "mosul,Mosul again,36.3,43.1,IQ\n"
        "Deir Zor,,abc,40.1,Syria\n"
        "far,Far away,91,40,SY\n"
    )
    problems = errors_only(validate_places(read_table(text.encode(), file="p.csv"), file="p.csv"))
    got = {(p.row, p.column) for p in problems}
    assert (3, "id") in got  # duplicate
    assert (4, "id") in got and (4, "name") in got and (4, "lat") in got and (4, "country") in got
    assert (5, "lat") in got
    slug = next(p for p in problems if p.row == 4 and p.column == "id")
    assert slug.suggestion == "deir-zor"


def test_load_dataset_raises_with_every_problem():
    bad = "\n".join(
        [HEADER, OK[0], "x,nowhere,capture,2015-13-01,day,,,IQGOV,ISIS,high,T,ftp://x,"]
    )
    with pytest.raises(DataError) as err:
        load_dataset(DATA_DIR / "places.csv", io.BytesIO(bad.encode()), events_file="mine.csv")
    cols = {p.column for p in err.value.problems}
    assert {"place_id", "date", "source_url"} <= cols
    assert "mine.csv, row 3" in str(err.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("place_id,kind\nDeir,initial\n".encode("utf-16"), "binary"),
        ("place_id,kind\nDéir,initial\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files(raw, message):
    with pytest.raises(DataError) as err:
        read_table(raw, file="junk.csv")
    assert message in str(err.value)
    assert "junk.csv" in str(err.value)


def test_forgiving_reading_bom_and_semicolons():
    text = "\ufeffPlace_ID;Kind;Date\nmosul;initial;2012-01-01\n"
    table = read_table(text.encode("utf-8"), file="x.csv")
    assert list(table.columns) == ["place_id", "kind", "date"]
    assert table.iloc[0].to_dict() == {"place_id": "mosul", "kind": "initial", "date": "2012-01-01"}
    assert isinstance(table, pd.DataFrame)


def test_unknown_holder_only_in_initial_and_capture_rows():
    """UNKNOWN opens or closes a period of unknown holder; it cannot attack or hold a siege."""
    good = pd.DataFrame(
        [
            {"event_id": "palmyra-1", "place_id": "palmyra", "kind": "initial",
             "date": "2012-01-01", "to_faction": "UNKNOWN", "source_url": "https://e.org"},
            {"event_id": "palmyra-2", "place_id": "palmyra", "kind": "capture",
             "date": "2015-05-20", "from_faction": "unknown", "to_faction": "ISIS",
             "source_url": "https://e.org"},
            {"event_id": "palmyra-3", "place_id": "palmyra", "kind": "contest",
             "date": "2016-03-09", "from_faction": "ISIS", "to_faction": "UNKNOWN",
             "source_url": "https://e.org"},
        ]
    ).fillna("")  # fmt: skip
    problems = validate_events(good, ["palmyra"], file="events.csv")
    assert [(p.row, p.column) for p in problems] == [(4, "to_faction")]
    assert "UNKNOWN may only start or end" in problems[0].message


def test_row_checks_are_a_table_run_in_order():
    """validate_events is a table of small row checks; their order is the messages' order."""
    from geodata import validate

    names = [check.__name__ for check in validate.EVENT_CHECKS]
    assert names[:3] == ["_check_event_id", "_check_place", "_check_kind"]
    assert names[-1] == "_check_repeat"  # needs what the checks before it parsed
    problems = check(["m-3,mosull,captured,2017-07-10,day,,,ISIS,IQGOV,high,T,ftp://x.org,"])
    assert [(p.column, p.code) for p in problems] == [
        ("place_id", "place_id.unknown"),
        ("kind", "kind.unknown"),
        ("source_url", "source.not_http"),
    ]
    assert [c.__name__ for c in validate.PLACE_CHECKS][0] == "_check_place_id"
