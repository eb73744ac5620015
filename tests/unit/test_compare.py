"""Comparing two dates: the change table, the areas, the land, the figure, the command."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from geodata import Dataset
from geodata.cli import main
from geodata.compare import CSV_COLUMNS, changes_csv, compare, comparison_json
from geodata.factions import UNKNOWN
from geodata.render.compare import MAX_TABLE_ROWS, comparison_figure, render_comparison
from geodata.territory import territories
from geodata.timeline import control_table


@pytest.fixture(scope="module")
def spring(builtin):
    return compare(builtin, "2016-03-01", "2016-04-10")


@pytest.fixture(scope="module")
def year(builtin):
    return compare(builtin, "2016-01-01", "2016-12-31")


# --------------------------------------------------------------------------- towns


def _holders(dataset, date) -> dict:
    """Every town's holder at a date per the timeline (None: no known holder)."""
    table = control_table(dataset, date)
    return {
        pid: (None if pd.isna(h) or h == UNKNOWN else h)
        for pid, h in zip(table["id"], table["controller"], strict=True)
    }


def _check_changes(c, dataset):
    """The change table is exactly the towns whose holder differs between the dates."""
    before, after = _holders(dataset, c.start), _holders(dataset, c.end)
    expected = {pid: (before[pid], after[pid]) for pid in before if before[pid] != after[pid]}
    listed = {
        pid: (None if pd.isna(a) else a, None if pd.isna(b) else b)
        for pid, a, b in zip(c.changes["place_id"], c.changes["from_faction"],
                             c.changes["to_faction"], strict=True)
    }  # fmt: skip
    assert len(listed) == len(c.changes)  # each town once
    assert listed == expected
    dates = list(c.changes["date"])
    assert dates == sorted(dates)  # by date
    for row in c.changes.itertuples():
        # The capture that gave it to its new holder, between the dates, with its source.
        assert c.start < row.date <= c.end, row.place_id
        assert row.event_id in {e["event_id"] for e in row.events}, row.place_id
        assert row.source_url.startswith(("http://", "https://")) and row.source_title
        assert all(e["source_url"].startswith("http") for e in row.events)
    for row in c.returned.itertuples():
        # Came back: the same holder on both dates, another one in between.
        assert before[row.place_id] == after[row.place_id] == row.holder
        assert row.path[0] == row.path[-1] == row.holder and len(row.path) >= 3
        assert row.place_id not in listed


def test_palmyra_offensive_change_table(spring, builtin):
    c = spring
    _check_changes(c, builtin)
    ids = list(c.changes["place_id"])
    assert {"palmyra", "al-qaryatayn"} <= set(ids)
    assert ids.index("palmyra") < ids.index("al-qaryatayn")  # by date
    rows = c.changes.set_index("place_id")
    for pid, event, date in (
        ("palmyra", "palmyra-5", "2016-03-27"),
        ("al-qaryatayn", "al-qaryatayn-4", "2016-04-03"),
    ):
        assert (rows.loc[pid, "from_faction"], rows.loc[pid, "to_faction"]) == ("ISIS", "SYGOV")
        assert rows.loc[pid, "event_id"] == event
        assert str(rows.loc[pid, "date"].date()) == date
        assert rows.loc[pid, "source_url"].startswith(("http://", "https://"))
        assert rows.loc[pid, "source_title"]
        # Every dated event of the town between the dates, with its source.
        assert [e["kind"] for e in rows.loc[pid, "events"]] == ["contest", "capture"]
    assert "palmyra" not in set(c.returned["place_id"])
    # Hit became contested, but its holder did not change.
    assert "hit" not in set(c.changes["place_id"])
    assert "hit" in set(c.events["place_id"])


def test_whole_of_2016(year, builtin):
    c = year
    _check_changes(c, builtin)
    pairs = zip(c.changes["from_faction"], c.changes["to_faction"], strict=True)
    changed = dict(zip(c.changes["place_id"], pairs, strict=True))
    # The year's best-known changes of hands are among them.
    assert {
        "al-shaddadi": ("ISIS", "SDF"),
        "al-qaryatayn": ("ISIS", "SYGOV"),
        "hit": ("ISIS", "IQGOV"),
        "rutba": ("ISIS", "IQGOV"),
        "fallujah": ("ISIS", "IQGOV"),
        "manbij": ("ISIS", "SDF"),
        "jarabulus": ("ISIS", "TURKEY"),
        "qayyarah": ("ISIS", "IQGOV"),
        "sharqat": ("ISIS", "IQGOV"),
        "dabiq": ("ISIS", "TURKEY"),
        "qaraqosh": ("ISIS", "IQGOV"),
        "bashiqa": ("ISIS", "KRG"),
    }.items() <= changed.items()
    # Palmyra: taken by the government in March, by ISIS again in December.
    assert "palmyra" not in changed
    back = c.returned.set_index("place_id").loc["palmyra"]
    assert back["path"] == ("ISIS", "SYGOV", "ISIS")
    assert [str(e["date"].date()) for e in back["events"]] == ["2016-03-27", "2016-12-11"]
    assert c.summary.startswith("Between 1 January and 31 December 2016 the Iraqi government took ")


def test_summary_sentence(spring, builtin):
    text = spring.summary
    assert text.startswith("Between 1 March and 10 April 2016 ") and text.endswith(".")
    # The government took Palmyra (its castle) and al-Qaryatayn from ISIS, and the land
    # it gained; the sentence names the first towns and counts the others.
    found = re.search(
        r"the Syrian government took Palmyra, Palmyra Castle and (\d+) other towns from ISIS: "
        r"\+([\d,]+) km²[;.]",
        text,
    )
    assert found, text
    sygov = spring.changes[spring.changes["to_faction"] == "SYGOV"]
    assert {"palmyra", "palmyra-castle", "al-qaryatayn"} <= set(sygov["place_id"])
    assert int(found[1]) == len(sygov) - 2
    total = spring.areas[spring.areas["tier"] == "total"].set_index("faction")
    gained = total.loc["SYGOV", "gained_km2"]
    assert float(found[2].replace(",", "")) == pytest.approx(gained, abs=1)
    quiet = compare(builtin, "2013-07-02", "2013-07-03")
    assert quiet.summary == "Between 2 July and 3 July 2013 no town changed hands."
    assert quiet.land.empty and (quiet.areas["change_km2"] == 0).all()


def test_dates_must_be_in_order(builtin):
    for start, end in (("2016-04-10", "2016-03-01"), ("2016-04-10", "2016-04-10")):
        with pytest.raises(ValueError, match="must be before"):
            compare(builtin, start, end)


# --------------------------------------------------------------------------- areas


@pytest.mark.parametrize("which", ["spring", "year"])
def test_areas_add_up(which, request):
    c = request.getfixturevalue(which)
    a = c.areas
    # Each faction's change is the difference of its areas, in every tier.
    assert np.allclose(a["change_km2"], a["to_km2"] - a["from_km2"], atol=1e-6)
    assert (a["gained_km2"] >= 0).all() and (a["lost_km2"] >= 0).all()
    total = a[a["tier"] == "total"].set_index("faction")
    tiers = a[a["tier"] != "total"].groupby("faction")[["from_km2", "to_km2"]].sum()
    assert np.allclose(tiers.loc[total.index], total[["from_km2", "to_km2"]], atol=0.2)
    # All the land is someone's (or unknown): the same total on both dates,
    # so the changes cancel out.
    assert total["from_km2"].sum() == pytest.approx(total["to_km2"].sum(), abs=1)
    assert abs(total["change_km2"].sum()) <= 1
    # Gained and lost: the land of the towns that changed hands, the same cells
    # the areas are sums of, so gained - lost is the change, in every tier
    # (up to the rounding to 0.1 km²).
    for (faction, tier), row in a.set_index(["faction", "tier"]).iterrows():
        net = row["gained_km2"] - row["lost_km2"]
        assert net == pytest.approx(row["change_km2"], abs=0.5), (faction, tier)
    moved = set(c.changes["from_faction"].fillna(UNKNOWN)) | set(
        c.changes["to_faction"].fillna(UNKNOWN)
    )
    assert set(total.index) >= moved
    for faction, row in total.iterrows():
        if faction not in moved:
            assert row["change_km2"] == 0 and row["gained_km2"] == row["lost_km2"] == 0


def test_spring_areas_match_the_territories(spring, builtin):
    total = spring.areas[spring.areas["tier"] == "total"].set_index("faction")
    changes = spring.changes
    # The government gained from ISIS only (Palmyra and al-Qaryatayn) and lost one
    # town, al-Eis south of Aleppo, to the Nusra-led attack of 1 April 2016; ISIS only lost.
    assert set(changes.loc[changes["to_faction"] == "SYGOV", "from_faction"]) == {"ISIS"}
    lost = changes.loc[changes["from_faction"] == "SYGOV"]
    assert lost[["place_id", "to_faction"]].values.tolist() == [["tell-al-eis", "NUSRA"]]
    assert "ISIS" not in set(changes["to_faction"])
    assert total.loc["SYGOV", "change_km2"] > 1_000
    gov, isis = total.loc["SYGOV"], total.loc["ISIS"]
    assert gov["lost_km2"] == pytest.approx(lost["area_km2"].sum(), abs=0.5)
    assert gov["change_km2"] == pytest.approx(gov["gained_km2"] - gov["lost_km2"], abs=0.5)
    assert isis["change_km2"] == pytest.approx(-isis["lost_km2"], abs=0.5)
    # What ISIS lost is what the others took from it (each town's land once).
    from_isis = changes.loc[changes["from_faction"] == "ISIS", "area_km2"].sum()
    assert total.loc["ISIS", "lost_km2"] == pytest.approx(from_isis, abs=0.5)
    gained = changes.loc[changes["to_faction"] == "SYGOV", "place_id"]
    assert changes.set_index("place_id").loc[list(gained), "area_km2"].sum() == (
        pytest.approx(total.loc["SYGOV", "gained_km2"], abs=0.5)
    )
    for date, column in (("2016-03-01", "from_km2"), ("2016-04-10", "to_km2")):
        terr = territories(builtin, date).groupby("faction")["area_km2"].sum()
        for faction in ("SYGOV", "ISIS", "IQGOV"):
            assert total.loc[faction, column] == pytest.approx(terr[faction], rel=0.01)


# --------------------------------------------------------------------------- land


def test_changed_land_is_new_land_of_the_new_holder(spring, builtin):
    land = spring.land
    pairs = list(zip(land["from_faction"], land["to_faction"], strict=True))
    changes = spring.changes
    assert set(pairs) == set(
        zip(
            changes["from_faction"].fillna(UNKNOWN),
            changes["to_faction"].fillna(UNKNOWN),
            strict=True,
        )  # fmt: skip
    )
    assert len(pairs) == len(set(pairs))  # one row per pair of holders
    assert list(land["area_km2"]) == sorted(land["area_km2"], reverse=True)
    for row in land.itertuples():
        assert set(row.place_ids) == set(
            changes.loc[
                (changes["from_faction"].fillna(UNKNOWN) == row.from_faction)
                & (changes["to_faction"].fillna(UNKNOWN) == row.to_faction),
                "place_id",
            ]
        )
        # Drawn land, smoothed per date: within a few per cent of the towns' cells.
        cells = changes.loc[changes["place_id"].isin(row.place_ids), "area_km2"].sum()
        assert row.area_km2 == pytest.approx(cells, rel=0.1)
    gov = land[(land["from_faction"] == "ISIS") & (land["to_faction"] == "SYGOV")]
    assert len(gov) == 1
    geometry = gov.geometry.iloc[0]
    assert set(gov["place_ids"].iloc[0]) == {
        "palmyra",
        "palmyra-castle",
        "palmyra-airport",
        "al-qaryatayn",
    }
    places = builtin.places.set_index("id").geometry
    for pid in ("palmyra", "al-qaryatayn"):
        assert geometry.distance(places[pid]) < 0.02
    before = territories(builtin, "2016-03-01")
    after = territories(builtin, "2016-04-10")
    isis_before = shapely.union_all(before.loc[before["faction"] == "ISIS"].geometry.to_numpy())
    gov_after = shapely.union_all(after.loc[after["faction"] == "SYGOV"].geometry.to_numpy())
    gov_before = shapely.union_all(before.loc[before["faction"] == "SYGOV"].geometry.to_numpy())
    # B's land of the new holder, and land that was not theirs at A.
    assert shapely.difference(geometry, gov_after).area < 1e-6 * geometry.area + 1e-9
    assert shapely.difference(geometry, isis_before).area < 1e-6 * geometry.area + 1e-9
    assert shapely.intersection(geometry, gov_before).area < 1e-6 * geometry.area + 1e-9
    # Mostly what was added to the government's land.
    gained = shapely.difference(gov_after, gov_before)
    assert geometry.area == pytest.approx(gained.area, rel=0.02)
    assert gov["area_km2"].iloc[0] > gov["core_km2"].iloc[0] > 0


# --------------------------------------------------------------------------- outputs


def test_json_shape(year):
    doc = json.loads(json.dumps(comparison_json(year)))
    assert doc["from"] == "2016-01-01" and doc["to"] == "2016-12-31"
    assert {"place_id", "name", "from", "to", "date", "event_id", "source_url"} <= set(
        doc["changes"][0]
    )
    assert {"faction", "from_km2", "to_km2", "change_km2"} <= set(doc["areas"][0])
    for area in doc["areas"]:
        assert area["change_km2"] == pytest.approx(area["to_km2"] - area["from_km2"])
    assert [c["place_id"] for c in doc["changes"]] == list(year.changes["place_id"])
    returned = {r["place_id"]: r for r in doc["returned"]}
    assert returned["palmyra"]["path"] == ["ISIS", "SYGOV", "ISIS"]
    # A town of no known holder has a null holder.
    unknown = year.changes["from_faction"].isna()
    assert unknown.any()
    assert [c["from"] for c in doc["changes"] if c["from"] is None] == [None] * unknown.sum()


def test_csv(year):
    text = changes_csv(year).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert sum(line.startswith("changed,") for line in lines) == len(year.changes)
    assert sum(line.startswith("came back,") for line in lines) == len(year.returned)
    assert any(line.startswith("came back,palmyra,Palmyra,ISIS") for line in lines)


def test_csv_neutralises_formulas(builtin):
    places = builtin.places.copy()
    places.loc[places["id"] == "palmyra", "name"] = '=HYPERLINK("http://x")'
    data = Dataset(places=places, events=builtin.events, name="formula")
    text = changes_csv(compare(data, "2016-03-01", "2016-04-10")).decode("utf-8")
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and '"=HYPERLINK' not in text


# --------------------------------------------------------------------------- figure


def test_figure_has_two_maps_one_legend_and_the_table(spring, builtin):
    fig = comparison_figure(builtin, spring, dpi=72)
    maps = [ax for ax in fig.axes if ax.get_xticks().size == 0]
    assert len(fig.axes) == 2 and len(maps) == 2
    left, right = (ax.get_position() for ax in fig.axes)
    assert left.x1 < right.x0 and left.width == pytest.approx(right.width)
    assert len(fig.legends) == 1
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"Syrian government", "Islamic State (ISIS)"} <= set(legend)
    assert "Changed hands (hatched: new holder)" in legend
    texts = [t.get_text() for t in fig.texts]
    assert "Changes of control between 1 March and 10 April 2016" in texts
    assert "Before: 1 March 2016" in texts and "After: 10 April 2016" in texts
    assert {"Palmyra", "al-Qaryatayn", "Towns that changed hands"} <= set(texts)
    assert "in.reuters.com" in texts
    # The changed land is hatched on the right map only.
    hatched = [[p for p in ax.patches if p.get_hatch() == "/////"] for ax in fig.axes]
    assert not hatched[0] and hatched[1]


def test_figure_files(spring, builtin):
    png = render_comparison(builtin, spring, fmt="png", dpi=72)
    image = Image.open(io.BytesIO(png))
    width, height = image.size
    assert width == 12 * 72 and 600 < height < 1100
    svg = render_comparison(builtin, spring, fmt="svg").decode("utf-8")
    assert "Palmyra" in svg and "Changes of control between 1 March and 10 April 2016" in svg
    assert render_comparison(builtin, spring, fmt="pdf").startswith(b"%PDF")
    with pytest.raises(ValueError):
        render_comparison(builtin, spring, fmt="gif")


def test_figure_lists_the_changes_of_a_year(year, builtin):
    fig = comparison_figure(builtin, year, dpi=72)
    texts = [t.get_text() for t in fig.texts]
    changes = year.changes
    assert len(changes) > MAX_TABLE_ROWS  # more than fit: the CSV has them all
    # The key places, then the towns that took the most land with them, in date order.
    shown = changes.sort_values(["key", "area_km2"], ascending=False, kind="stable")
    shown = changes.loc[sorted(shown.index[:MAX_TABLE_ROWS])]
    names = [t for t in texts if t in set(changes["name"])]
    assert names == list(shown["name"])
    assert "al-shaddadi" in set(changes.loc[changes["key"], "place_id"])  # a key place
    assert set(changes.loc[changes["key"], "name"]) <= set(names)
    assert changes.loc[changes["area_km2"].idxmax(), "name"] in names
    hidden = len(changes) - MAX_TABLE_ROWS
    assert f"… and {hidden} more (all in the CSV of the change table)" in texts
    assert any(t.startswith("Palmyra: Islamic State (ISIS) → Syrian government") for t in texts)


def test_figure_lists_every_change_when_they_fit(spring, builtin):
    fig = comparison_figure(builtin, spring, dpi=72)
    texts = {t.get_text() for t in fig.texts}
    assert len(spring.changes) <= MAX_TABLE_ROWS
    assert set(spring.changes["name"]) <= texts
    assert not any(t.startswith("… and ") for t in texts)


# --------------------------------------------------------------------------- command


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json(capsys, builtin):
    code, out, _ = run(capsys, "compare", "--from", "2016-03-01", "--to", "2016-04-10", "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"from", "to", "changes", "areas"}
    assert (doc["from"], doc["to"]) == ("2016-03-01", "2016-04-10")
    c = compare(builtin, "2016-03-01", "2016-04-10")
    assert [x["place_id"] for x in doc["changes"]] == list(c.changes["place_id"])
    rows = {x["place_id"]: x for x in doc["changes"]}
    for pid, date, event in (("palmyra", "2016-03-27", "palmyra-5"),
                             ("al-qaryatayn", "2016-04-03", "al-qaryatayn-4")):  # fmt: skip
        row = rows[pid]
        assert (row["from"], row["to"], row["date"], row["event_id"]) == (
            "ISIS", "SYGOV", date, event,
        )  # fmt: skip
        assert row["source_url"].startswith("http")
    areas = {a["faction"]: a for a in doc["areas"]}
    total = c.areas[c.areas["tier"] == "total"].set_index("faction")
    assert set(areas) == set(total.index)
    for faction, area in areas.items():
        assert area["change_km2"] == pytest.approx(area["to_km2"] - area["from_km2"])
        assert area["change_km2"] == pytest.approx(total.loc[faction, "change_km2"])
    assert areas["SYGOV"]["change_km2"] > 1_000 and areas["ISIS"]["change_km2"] < -1_000


def test_cli_text(capsys):
    code, out, _ = run(capsys, "compare", "--from", "2016-03-01", "--to", "2016-04-10")
    assert code == 0 and out.startswith("Between 1 March and 10 April 2016")
    assert "Palmyra: Islamic State (ISIS) -> Syrian government" in out


@pytest.mark.parametrize(("start", "end"), [("2016-04-10", "2016-03-01"), ("2016-04-10",) * 2])
def test_cli_dates_in_order_or_exit_2(capsys, start, end):
    code, out, err = run(capsys, "compare", "--from", start, "--to", end, "--json")
    assert code == 2 and out == ""
    assert f"--from {start} must be before --to {end}" in err and "Traceback" not in err


def test_cli_bad_arguments_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["compare", "--from", "2016-13-01", "--to", "2016-04-10"])
    assert exit_.value.code == 2 and "not a real date" in capsys.readouterr().err
    code, _, err = run(capsys, "compare", "--from", "2016-03-01", "--to", "2016-04-10",
                       "--out", str(tmp_path / "x.gif"))  # fmt: skip
    assert code == 2 and "suffix" in err
    code, _, err = run(capsys, "compare", "--from", "2016-03-01", "--to", "2016-04-10",
                       "--out", str(tmp_path / "missing" / "x.png"))  # fmt: skip
    assert code == 2 and "no such folder" in err


def test_cli_writes_the_figure_and_csv_atomically(capsys, tmp_path):
    out = tmp_path / "before-after.png"
    code, stdout, err = run(capsys, "compare", "--from", "2016-03-01", "--to", "2016-04-10",
                            "--out", str(out), "--dpi", "72", "--json")  # fmt: skip
    assert code == 0
    json.loads(stdout)  # stdout stays one JSON document
    assert f"wrote {out}" in err
    assert out.read_bytes().startswith(b"\x89PNG")
    assert Image.open(out).size[0] == 12 * 72
    table = tmp_path / "changes.csv"
    code, stdout, _ = run(capsys, "compare", "--from", "2016-03-01", "--to", "2016-04-10",
                          "--out", str(table), "--extent", "syria")  # fmt: skip
    assert code == 0 and "wrote" in stdout
    assert table.read_text(encoding="utf-8-sig").startswith("change,place_id")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["before-after.png", "changes.csv"]
