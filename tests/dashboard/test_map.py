"""The live map's Python half: the epoch payload, the base map, the date script, the legend."""

from __future__ import annotations

import json
import re

import pytest
import shapely
import shapely.geometry
import streamlit_folium
from folium.elements import JSCSSMixin

from dashboard.map import base, legend, mount
from dashboard.map import payload as map_payload
from dashboard.map import script as map_script
from geodata.scene import build_scene
from geodata.style import LAYERS
from tests.fixtures import EVIL


@pytest.fixture(scope="module")
def payload(builtin):
    return map_payload.scene_payload(build_scene(builtin, "2016-03-27"))


@pytest.fixture(scope="module")
def table(builtin):
    """The built-in data's town table: (index, JSON)."""
    return map_payload.town_table(builtin.places)


EXTENT = (35.4, 28.8, 48.9, 37.7)


def base_script(extent=EXTENT):
    """The base map and the script streamlit-folium would send for it."""
    m = base.base_map(
        extent,
        leaflet_js="LEAFLET.js",
        leaflet_css="LEAFLET.css",
        base_data_url="BASE.json",
        atlas_js="ATLAS.js",
    )
    m.get_root().render()
    return m, streamlit_folium._get_map_string(m)


def script_for(payload, **options):
    options.setdefault("title", "t")
    index = {t["id"]: i for i, t in enumerate(payload["towns"])}
    data = map_payload.parse_expression(map_payload.epoch_data(payload, index))
    return map_script.date_script(
        payload, epoch="e1", data=data, towns_id="t1", towns=None, date="2016-03-27", **options
    )


def test_payload_has_every_town_and_its_state(payload, builtin):
    towns = {t["id"]: t for t in payload["towns"]}
    assert set(towns) == set(builtin.places["id"])
    assert towns["palmyra"]["fill"] == "#d43300" and not towns["palmyra"]["contested"]
    assert towns["deir-ez-zor"]["contested"] and towns["deir-ez-zor"]["ring"] == "#1a1a1a"
    assert {t["id"] for t in payload["towns"] if t["key"]} == {
        "palmyra",
        "raqqa",
        "deir-ez-zor",
        "ramadi",
        "tikrit",
        "mosul",
        "al-shaddadi",
    }
    assert towns["palmyra"]["holder"] == "Syrian government since 27 March 2016"
    assert towns["palmyra"]["name_ar"] == "تدمر"
    factions = {f["properties"]["faction"] for f in payload["territories"]["features"]}
    assert {"SYGOV", "ISIS", "SDF", "IQGOV", "KRG"} <= factions
    contested = [
        f["properties"]
        for f in payload["territories"]["features"]
        if f["properties"]["status"] == "contested"
    ]
    assert contested and all(p["style"]["dashArray"] for p in contested)
    assert payload["fronts"]["features"]


def test_epoch_data_is_compact_columns_of_the_payload(payload, table):
    index, text = table
    shared = json.loads(text)  # names and positions, once per dataset
    assert {len(column) for column in shared.values()} == {len(index)}
    palmyra = shared["id"].index("palmyra")
    assert shared["ar"][palmyra] == "تدمر" and shared["lat"][palmyra] == pytest.approx(34.56, 0.01)
    data = json.loads(map_payload.epoch_data(payload, index))  # also valid JSON
    towns = data["towns"]
    holders = towns.pop("holders")
    assert len(holders) == len(set(holders)) < len(payload["towns"])
    assert {len(column) for column in towns.values()} == {len(payload["towns"])}
    towns["id"] = [shared["id"][k] for k in towns["idx"]]
    assert towns["id"] == [t["id"] for t in payload["towns"]]
    assert "name" not in towns and "lat" not in towns  # in the town table only
    i = towns["id"].index("deir-ez-zor")
    assert data["colors"][towns["ring"][i]] == "#1a1a1a"
    assert towns["flags"][i] == 3  # a key place (1), contested (2)
    assert holders[towns["holder"][towns["id"].index("palmyra")]].startswith("Syrian government")
    sent = data["territories"]["features"]
    kept = payload["territories"]["features"]
    assert [f["properties"] for f in sent] == [f["properties"] for f in kept]
    assert [f["geometry"] for f in sent] == [f["geometry"] for f in kept]
    assert sent[0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert data["coord_scale"] == map_payload.COORD_SCALE == 10_000
    assert len(data["fronts"]["features"]) == len(payload["fronts"]["features"])
    # Columns, not one object per town: much smaller than the payload itself.
    assert len(map_payload.epoch_data(payload, index)) < len(json.dumps(payload)) / 2


def test_compact_geometries_decode_to_the_scene_within_10_m(builtin):
    scene = build_scene(builtin, "2016-03-27")
    shown = map_payload.scene_payload(scene)
    territories = scene.territories[~scene.territories.geometry.is_empty]
    # Territories are simplified by ~300 m for the live map; fronts are not.
    simplified = territories.geometry.simplify(0.003, preserve_topology=True)
    pairs = [
        *zip(simplified, shown["territories"]["features"], strict=True),
        *zip(scene.front_lines.geometry, shown["fronts"]["features"], strict=True),
    ]
    for geometry, feature in pairs:
        back = shapely.geometry.shape(map_payload.decode_geometry(feature["geometry"]))
        assert back.geom_type.removeprefix("Multi") == geometry.geom_type.removeprefix("Multi")
        assert back.hausdorff_distance(geometry) <= 0.0001  # the 10 m grid
    # Deltas: the numbers sent are mostly small steps, not coordinates.
    steps = [abs(v) for f in shown["fronts"]["features"] for v in _flat(f["geometry"]["deltas"])]
    assert sorted(steps)[len(steps) // 2] < 1_000


def _flat(value):
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [v for part in value for v in _flat(part)]
    return value


def test_a_geometry_collection_keeps_its_highest_dimension():
    mixed = shapely.GeometryCollection(
        [shapely.box(36, 35, 36.1, 35.1), shapely.LineString([(36, 35), (37, 36)])]
    )
    encoded = map_payload.encode_geometry(mixed)
    assert encoded["type"] == "Polygon" and len(encoded["deltas"]) == 1
    assert map_payload.encode_geometry(shapely.Point(36, 35)) is None
    assert map_payload.encode_geometry(shapely.Polygon()) is None


def test_map_uses_only_our_leaflet_and_no_cdn(payload):
    m, base = base_script()
    script = script_for(payload)
    # What streamlit-folium collects for the browser to load.
    links = [
        url
        for element in [m, *m._children.values()]
        if isinstance(element, JSCSSMixin)
        for url in (*(u for _, u in element.default_js), *(u for _, u in element.default_css))
    ]
    # The drawing code is a static file the frame loads once, after Leaflet.
    assert links == ["LEAFLET.js", "ATLAS.js", "LEAFLET.css"]
    assert "preferCanvas" in base and "L.control.scale()" in base
    assert "window.__fa = " not in base  # not sent with the base map on every run
    assert 'fetch("BASE.json")' in base  # the geography: fetched once, not in the script
    assert len(base) < 8_000
    # The only addresses are the optional tile servers and their attributions.
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", base + script))
    assert hosts == {
        "tile.openstreetmap.org",
        "{s}.basemaps.cartocdn.com",
        "server.arcgisonline.com",
        "www.openstreetmap.org",
        "carto.com",
    }
    assert "jquery" not in (base + script).lower()


def test_base_map_script_is_stable_so_the_frame_is_mounted_once():
    hashes = {streamlit_folium.generate_js_hash(base_script()[1], "atlas-map") for _ in range(2)}
    assert len(hashes) == 1


def test_date_script_names_the_layers_shown_and_defers_the_data(payload):
    everything = script_for(payload, recent_ids={"palmyra"}, selected="mosul")
    assert '"shown":["territories","fronts","towns","labels","recent"]' in everything
    assert '"recent":["palmyra"]' in everything and '"selected":"mosul"' in everything
    # The epoch's data is returned by a function: parsed only for a new epoch,
    # and by JSON.parse from a string (much quicker than a JavaScript literal).
    assert 'function () { return JSON.parse("{' in everything
    assert everything.count("window.__fa.draw(") == 1
    nothing = script_for(payload, shown=set())
    assert '"shown":[]' in nothing and "fa-legend" not in nothing  # legend: its content only
    assert "fa-title" in nothing


def test_hostile_strings_are_escaped_on_the_map(evil):
    payload = map_payload.scene_payload(build_scene(evil, "2016-03-27"))
    script = script_for(payload, title=f"Control {EVIL}", selected="palmyra")
    assert "<img" not in script and "<script" not in script and "</" not in script
    # The title goes as text (the frame sets textContent), JSON-escaped for the script.
    assert '"title":"Control \\u003cimg src=x onerror=alert(1)\\u003e"' in script
    # Names and holders are plain text (the frame shows them with textContent),
    # and JSON-escaped for the script.
    palmyra = next(t for t in payload["towns"] if t["id"] == "palmyra")
    assert "<img" in palmyra["name"] or "<script" in palmyra["name"]
    assert "\\u003cimg" in script or "\\u003cscript" in script


def test_legend_names_only_the_factions_drawn(builtin):
    payload = map_payload.scene_payload(
        build_scene(builtin, "2017-10-20", factions=["ISIS", "SDF"])
    )
    named = {e["code"] for e in payload["legend"] if e["kind"] == "faction"}
    assert named == {"ISIS", "SDF"}
    assert {t["fill"] for t in payload["towns"]} == {"#1a1a1a", "#e8d81b"}


def test_legend_lists_factions_and_drops_hidden_layers(payload):
    full = legend.legend_html(payload["legend"], title="T", shown=set(LAYERS))
    front = "Front (dashed: nominal land)"
    assert "Syrian government" in full and front in full
    assert "Changed in the last 28 days" in full and "Contested area" in full
    assert "Core: land within reach" in full and "Light: nominal land" in full
    bare = legend.legend_html(payload["legend"], title="T", shown={"towns"})
    assert front not in bare and "Contested area" not in bare and "nominal" not in bare


def test_the_app_sends_an_epochs_data_only_when_the_frame_lacks_it(monkeypatch):
    class FakeStreamlit:
        session_state: dict = {}

    monkeypatch.setattr(mount, "st", FakeStreamlit)
    keep = map_script.FRAME_EPOCHS
    assert not mount.frame_holds("a")  # new: send it
    assert mount.frame_holds("a")  # held: send nothing
    for i in range(keep - 1):
        assert not mount.frame_holds(f"e{i}")
    assert mount.frame_holds("a")  # still among the last `keep`, and now the latest
    assert not mount.frame_holds("new")  # pushes out the least recent, e0
    assert not mount.frame_holds("e0")
    assert FakeStreamlit.session_state["_frame_epochs"][-1] == "e0"
    assert len(FakeStreamlit.session_state["_frame_epochs"]) == keep


def test_a_date_script_without_data_tells_the_frame_to_use_its_own(payload):
    script = map_script.date_script(
        payload, epoch="e1", data=None, towns_id="t1", towns=None, title="t", date="2016-03-27"
    )
    assert '"e1", null, {' in script  # no epoch data
    # No town table, no follow table, no epochs ahead.
    assert "}, null, null, []);\n" in script and '"towns":"t1"' in script
    assert '"follow":null' in script
    assert f'"keep":{map_script.FRAME_EPOCHS}' in script


def test_a_date_script_with_follow_sends_the_epochs_ahead_and_their_legends(payload):
    follow = map_script.Follow(
        table="k/follow",
        data="JSON.parse('{}')",
        prefix="k/",
        suffix="/*",
        ahead=(
            ("k/2016-04-01/*", "JSON.parse('[1]')", payload, "2016-04-01"),
            ("k/2016-03-01/*", None, payload, "2016-03-01"),
        ),
    )
    script = map_script.date_script(
        payload,
        epoch="k/2016-03-27/*",
        data=None,
        towns_id="t1",
        towns=None,
        title=map_script.map_title("2016-03-27"),
        date="2016-03-27",
        follow=follow,
    )
    # The follow table, then the epochs ahead, each deferred (or null when held).
    assert "function () { return JSON.parse('{}'); }, [" in script
    assert "[\"k/2016-04-01/*\", function () { return JSON.parse('[1]'); }]" in script
    assert '["k/2016-03-01/*", null]' in script
    drawn = re.search(r'draw\(map_div, \w+, "[^"]+", null, (\{.*\}), null, function', script)
    options = json.loads(drawn.group(1))
    assert options["title"] == "Control of towns, 27 March 2016"
    legends = options["follow"]["legends"]
    assert set(legends) == {"k/2016-03-27/*", "k/2016-04-01/*", "k/2016-03-01/*"}
    # The same legend as the date's goes as null (the payloads here are all alike).
    assert set(legends.values()) == {None}
    assert options["follow"]["title"] == map_script.TITLE
    assert options["follow"]["prefix"] + "2016-03-27" + options["follow"]["suffix"] == (
        "k/2016-03-27/*"
    )
