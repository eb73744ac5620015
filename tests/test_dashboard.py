"""The dashboard's pure parts: escaping, map layers, URL state, timeline, charts, search."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit_folium
from folium.elements import JSCSSMixin

from dashboard import charts, panels, state
from dashboard.map import assets, base, legend, mount
from dashboard.map import payload as map_payload
from dashboard.map import script as map_script
from dashboard.map.mount import nearest_town
from dashboard.safe import esc, link, safe_url
from dashboard.search import find_place
from dashboard.timeline import next_change, previous_change, step
from geodata import Dataset, history
from geodata.factions import FACTION_CODES
from geodata.scene import KEY_PLACES, build_scene
from geodata.style import LAYERS
from geodata.timeline import change_dates, control_at

EVIL = "<img src=x onerror=alert(1)>"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def evil(builtin):
    """The built-in data with hostile strings in names, titles, notes and URLs."""
    places = builtin.places.copy()
    places.loc[places["id"] == "palmyra", "name"] = EVIL
    places.loc[places["id"] == "palmyra", "name_ar"] = '"><script>alert(2)</script>'
    events = builtin.events.copy()
    palmyra = events["place_id"] == "palmyra"
    events.loc[palmyra, "source_url"] = "javascript:alert(3)"
    events.loc[palmyra, "source_title"] = "<b onmouseover=alert(4)>title</b>"
    events.loc[palmyra, "note"] = "</td><script>alert(5)</script>"
    return Dataset(places=places, events=events, name="evil")


# ---------------------------------------------------------------------------
# Escaping


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("<b>&'\"", "&lt;b&gt;&amp;&#x27;&quot;"),
        (None, ""),
        (float("nan"), ""),
        (12, "12"),
    ],
)
def test_esc(value, expected):
    assert esc(value) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/x?a=1", True),
        ("http://example.org", True),
        ("  HTTPS://example.org/  ", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.org/x", False),
        ("/relative/path", False),
        ("ftp://example.org", False),
        ("https://", False),
        ("http://[broken", False),
        ("", False),
        (None, False),
        (float("nan"), False),
    ],
)
def test_only_http_urls_become_links(url, ok):
    assert (safe_url(url) is not None) is ok
    html = link(url, "text")
    assert html.startswith("<a href=") is ok
    if not ok:
        assert html == "text"


def test_link_escapes_url_and_text():
    html = link('https://example.org/?q="><script>', "<i>t</i>")
    assert "<script>" not in html and "<i>" not in html
    assert 'href="https://example.org/?q=&quot;&gt;&lt;script&gt;"' in html
    assert 'rel="noopener noreferrer"' in html


# ---------------------------------------------------------------------------
# Map layers


@pytest.fixture(scope="module")
def payload(builtin):
    return map_payload.scene_payload(build_scene(builtin, "2016-03-27"))


EXTENT = (35.4, 28.8, 48.9, 37.7)


def base_script(extent=EXTENT):
    """The base map and the script streamlit-folium would send for it."""
    m = base.base_map(
        extent, leaflet_js="LEAFLET.js", leaflet_css="LEAFLET.css", base_data_url="BASE.json"
    )
    m.get_root().render()
    return m, streamlit_folium._get_map_string(m)


def script_for(payload, **options):
    options.setdefault("title", "t")
    data = map_payload.parse_expression(map_payload.epoch_data(payload))
    return map_script.date_script(payload, epoch="e1", data=data, date="2016-03-27", **options)


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


def test_epoch_data_is_compact_columns_of_the_payload(payload):
    data = json.loads(map_payload.epoch_data(payload))  # also valid JSON
    towns = data["towns"]
    holders = towns.pop("holders")
    assert len(holders) == len(set(holders)) < len(payload["towns"])
    assert {len(column) for column in towns.values()} == {len(payload["towns"])}
    i = towns["id"].index("deir-ez-zor")
    assert data["colors"][towns["ring"][i]] == "#1a1a1a"
    assert towns["flags"][i] == 3  # a key place (1), contested (2)
    assert holders[towns["holder"][towns["id"].index("palmyra")]].startswith("Syrian government")
    sent = data["territories"]["features"]
    kept = payload["territories"]["features"]
    assert [f["properties"] for f in sent] == [f["properties"] for f in kept]
    assert [f["geometry"] for f in sent] == [json.loads(f["geometry"]) for f in kept]
    assert sent[0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert len(data["fronts"]["features"]) == len(payload["fronts"]["features"])
    # Columns, not one object per town: much smaller than the payload itself.
    assert len(map_payload.epoch_data(payload)) < len(json.dumps(payload))


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
    assert links == ["LEAFLET.js", "LEAFLET.css"]
    assert "preferCanvas" in base and "L.control.scale()" in base
    assert "window.__fa = " in base  # the drawing code, once, with the base map
    assert 'fetch("BASE.json")' in base  # the geography: fetched once, not in the script
    assert len(base) < 40_000
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


# ---------------------------------------------------------------------------
# Panels


def test_place_panel_escapes_and_links_only_http(evil):
    control = control_at(evil, "2016-03-27")
    html = panels.place_html(evil, "palmyra", control, "2016-03-27")
    assert "<img" not in html and "<script" not in html and "<b " not in html
    assert "javascript:" not in html  # shown as its title, never as a link
    assert "&lt;b onmouseover=alert(4)&gt;title&lt;/b&gt;" in html


def test_place_panel_shows_whole_history_with_sources(builtin):
    control = control_at(builtin, "2016-03-27")
    html = panels.place_html(builtin, "palmyra", control, "2016-03-27")
    n = int((builtin.events["place_id"] == "palmyra").sum())
    assert html.count("<tr") - 1 == n
    assert html.count('<a href="http') == n
    assert "class='fa-current'" in html  # the event in force is highlighted


def test_change_log_and_what_changed(builtin, evil):
    log = history.change_log(builtin)
    assert log["when"].is_monotonic_increasing
    assert "initial" not in set(builtin.events.set_index("event_id").loc[log["event_id"], "kind"])
    past, future = panels.changes_around(log, "2016-03-27", before=3, after=2)
    assert len(past) == 3 and len(future) == 2
    assert (past["when"] <= "2016-03-27").all() and (future["when"] > "2016-03-27").all()
    html = panels.changes_html(history.change_log(evil), "2015-05-20")
    assert "<img" not in html and 'href="javascript' not in html


# ---------------------------------------------------------------------------
# URL state


def _modules_after_import(module: str) -> set[str]:
    """The modules a fresh interpreter holds after importing ``module``."""
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(out.stdout.split())


def test_url_state_loads_no_map_renderer():
    # The layer keys live in geodata.style: reading a URL needs no folium.
    loaded = _modules_after_import("dashboard.state")
    assert "folium" not in loaded and "xyzservices" not in loaded


def test_caches_depend_on_no_view():
    loaded = _modules_after_import("dashboard.cache")
    views = {"charts", "panels", "app", "compare_view", "map.mount", "map.base", "map.script"}
    assert not {f"dashboard.{v}" for v in views} & loaded
    assert "folium" not in loaded


@pytest.mark.parametrize(
    "params",
    [
        {"date": "2016-03-27"},
        {"date": "2015-06-01", "place": "palmyra"},
        {"date": "2014-06-10", "factions": "ISIS,IQGOV"},
        {"date": "2014-06-10", "factions": "none", "layers": "none"},
        {"date": "2017-10-17", "layers": "territories,fronts"},
    ],
)
def test_view_params_round_trip(builtin, params):
    view, problems = state.parse_view(params, builtin)
    assert problems == []
    assert state.view_params(view) == params


def test_parse_view_defaults_and_problems(builtin):
    view, problems = state.parse_view({}, builtin)
    assert view["date"] == dt.date(2016, 3, 27)
    assert view["factions"] == list(FACTION_CODES) and view["place"] is None
    view, problems = state.parse_view(
        {"date": "27/03/2016", "place": "Atlantis", "factions": "daesh,elves", "layers": "x"},
        builtin,
    )
    assert view["date"] == dt.date(2016, 3, 27) and view["factions"] == ["ISIS"]
    assert len(problems) == 4


# ---------------------------------------------------------------------------
# Timeline


@pytest.fixture(scope="module")
def changes(builtin):
    return [d.date() for d in change_dates(builtin)]


def test_previous_and_next_change(changes):
    day = dt.date(2016, 3, 27)
    assert day in changes
    assert next_change(changes, day) == changes[changes.index(day) + 1]
    assert previous_change(changes, day) == changes[changes.index(day) - 1]
    assert previous_change(changes, changes[0]) is None
    assert next_change(changes, changes[-1]) is None


@pytest.mark.parametrize(
    ("speed", "start", "expected"),
    [
        ("week", dt.date(2016, 3, 27), dt.date(2016, 4, 3)),
        ("month", dt.date(2016, 1, 31), dt.date(2016, 2, 29)),
        ("event", dt.date(2016, 3, 27), dt.date(2016, 4, 1)),
        ("week", dt.date(2019, 10, 18), dt.date(2019, 10, 20)),  # clamped to the end
        ("month", dt.date(2019, 10, 20), None),  # at the end: stop
    ],
)
def test_step(changes, speed, start, expected):
    assert step(changes, start, speed, dt.date(2019, 10, 20)) == expected


def test_step_rejects_unknown_speed(changes):
    with pytest.raises(ValueError, match="expected a speed"):
        step(changes, dt.date(2016, 1, 1), "year", dt.date(2019, 10, 20))


# ---------------------------------------------------------------------------
# Charts


def test_control_segments_tile_the_timeline(builtin):
    segments = history.control_segments(builtin)
    assert (segments["start"] < segments["end"]).all()
    for _, runs in segments.groupby("place_id"):
        # Consecutive runs of a place touch and differ.
        assert (runs["start"].iloc[1:].to_numpy() == runs["end"].iloc[:-1].to_numpy()).all()
        pairs = list(zip(runs["faction"], runs["status"], strict=True))
        assert all(a != b for a, b in zip(pairs, pairs[1:], strict=False))
    palmyra = segments[segments["place_id"] == "palmyra"]
    at = palmyra[(palmyra["start"] <= "2015-06-01") & (palmyra["end"] > "2015-06-01")]
    assert at["faction"].tolist() == ["ISIS"]


def test_mark_date_adds_a_rule_without_touching_the_chart(builtin):
    spec = charts.area_chart(
        pd.DataFrame(
            {
                "date": pd.to_datetime(["2015-01-01", "2016-01-01"]),
                "faction": ["ISIS", "ISIS"],
                "area_km2": [1.0, 2.0],
            }
        )
    ).to_dict()
    marked = charts.mark_date(spec, "2016-03-27")
    later = charts.mark_date(spec, "2017-10-20")
    date = charts.DATE_DATASET
    assert {k: v for k, v in marked["datasets"].items() if k != date} == spec["datasets"]
    assert marked["datasets"][date] == [{"date": "2016-03-27T00:00:00", "label": "27 Mar 2016"}]
    rule = marked["layer"][1]
    assert rule["mark"]["type"] == "rule" and rule["data"] == {"name": date}
    assert "layer" not in spec and date not in spec["datasets"]
    # Only the named dataset differs between dates: Streamlit then updates the
    # drawn chart's data instead of drawing it anew.
    assert {k: v for k, v in marked.items() if k != "datasets"} == {
        k: v for k, v in later.items() if k != "datasets"
    }


# ---------------------------------------------------------------------------
# Search, clicks, assets


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("Tadmur", "palmyra"),
        ("الموصل", "mosul"),
        ("Deir Ezzour", "deir-ez-zor"),
        ("raqqa", "raqqa"),
    ],
)
def test_find_place_any_spelling(builtin, query, place):
    outcome = find_place(builtin, query)
    assert outcome.place_id == place and outcome.center is not None


def test_find_place_miss_suggests(builtin):
    outcome = find_place(builtin, "Qqqmosul")
    assert outcome.place_id is None and outcome.center is None
    assert ("mosul", "Mosul") in outcome.suggestions


def test_nearest_town():
    towns = [{"id": "a", "lat": 34.0, "lon": 38.0}, {"id": "b", "lat": 34.0, "lon": 38.3}]
    assert nearest_town(towns, 34.0, 38.2) == "b"
    assert nearest_town(towns, 36.0, 38.0) is None  # ~220 km away


def test_leaflet_static_copy_is_complete_and_idempotent(tmp_path):
    target = assets.ensure_leaflet_static(tmp_path)
    for name in assets.LEAFLET_FILES:
        assert (target / name).stat().st_size > 0
    js = (target / "leaflet.js").read_text()
    assert "1.9.4" in js[:300]
    stamp = os.stat(target / "leaflet.js").st_mtime_ns
    (target / "leaflet.css").write_text("stale")
    assets.ensure_leaflet_static(tmp_path)
    assert os.stat(target / "leaflet.js").st_mtime_ns == stamp
    assert (target / "leaflet.css").read_text() != "stale"
    assert assets.LEAFLET_JS_URL.endswith("app/static/leaflet/leaflet.js")


def test_each_step_sends_the_same_base_and_only_a_date_script(monkeypatch):
    import streamlit as st

    from dashboard.map.payload import epoch_data, parse_expression, scene_payload
    from geodata import load_builtin
    from geodata.scene import build_scene

    assert all(hasattr(streamlit_folium, name) for name in mount.SF_PARTS)
    state: dict = {}
    sent: list[dict] = []
    monkeypatch.setattr(st, "session_state", state)
    monkeypatch.setattr(mount.streamlit_folium, "_component_func", lambda **k: sent.append(k))
    payload = scene_payload(build_scene(load_builtin(), "2016-03-27"))
    data = parse_expression(epoch_data(payload))

    def step(title):
        script = map_script.date_script(payload, epoch="e1", data=data, title=title)
        mount.show_map(script, towns=payload["towns"], extent=(34.5, 28.5, 49.0, 38.0))

    for _ in range(5):
        step("Control of towns, 27 March 2016")
    step("Control of towns, 28 March 2016")
    assert sent[0]["feature_group"] == sent[4]["feature_group"]  # same date, same script
    assert len({k["script"] for k in sent}) == 1 and len({k["key"] for k in sent}) == 1
    assert "27 March 2016" in sent[0]["feature_group"]
    assert "28 March 2016" in sent[-1]["feature_group"]
    assert len(sent[0]["script"]) < 40_000  # the borders are fetched, not sent each run


def test_control_chart_keeps_key_places_and_stays_small():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.synthetic import synthetic_dataset
    from dashboard import charts

    big = history.control_segments(synthetic_dataset(300, 5))
    kept = history.busiest_places(big, first=KEY_PLACES)
    assert kept["place_id"].nunique() == charts.MAX_CHART_PLACES
    charts.control_chart(kept).to_dict()  # under Altair's row limit: no MaxRowsError
    from geodata import load_builtin

    builtin = history.control_segments(load_builtin())
    kept = history.busiest_places(builtin, first=KEY_PLACES)
    assert kept["place_id"].nunique() == charts.MAX_CHART_PLACES  # 500+ towns: capped
    assert set(KEY_PLACES) <= set(kept["place_id"])  # the seven key places stay
    small = builtin[builtin["place_id"].isin(KEY_PLACES)]
    assert history.busiest_places(small, first=KEY_PLACES) is small


def test_neighbour_epochs_are_warmed_in_the_background(builtin, monkeypatch):
    from dashboard import cache

    key = cache.fingerprint(builtin)
    changes = cache.change_days(builtin, key)
    ahead = cache.neighbour_epochs(changes, "2016-03-27")
    assert ahead == ["2016-04-01", "2016-04-03", "2016-03-25"]  # two changes after, one before
    for epoch in ahead:  # the names are those the app asks for
        assert cache.epoch_key(builtin, epoch) == epoch
    built = []
    real = cache.build_scene
    monkeypatch.setattr(cache, "build_scene", lambda *a, **k: built.append(a[1]) or real(*a, **k))
    factions = ("ISIS", "KRG")  # a combination no other test asks for
    cache.warm_epochs(builtin, key, ahead, factions)
    cache.warm_epochs(builtin, key, ahead, factions)  # queued once
    cache._WARMER.submit(lambda: None).result(timeout=60)  # the queue is done
    assert sorted(built) == sorted(ahead)
    layers = cache.epoch_payload(builtin, key, ahead[0], factions)
    assert len(built) == len(ahead)  # found ready
    assert layers.id.endswith(f"/{ahead[0]}/ISIS,KRG")


def test_base_data_has_land_outlines_and_names_as_text(tmp_path):
    data = json.loads(map_payload.base_data())
    assert len(data["land"]["features"]) == len(data["lines"]["features"]) >= 8
    names = {label["name"]: label["theatre"] for label in data["labels"]}
    assert names["Syria"] and names["Iraq"] and not names["Turkey"]
    path = assets.ensure_base_data(tmp_path)
    stamp = path.stat().st_mtime_ns
    assert json.loads(path.read_text()) == data
    assets.ensure_base_data(tmp_path)  # unchanged: not rewritten
    assert path.stat().st_mtime_ns == stamp
    assert assets.BASE_DATA_URL.endswith("app/static/atlas/base.json")


def test_no_colour_literal_in_the_dashboard():
    """Colours of the live map, the panels and the frame's JS come from geodata.style."""
    import ast

    colour = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b|rgba?\(\s*\d")
    root = ROOT / "dashboard"
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:40]!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and colour.search(node.value)
        ]
    for path in sorted(root.rglob("*.js")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if colour.search(line.split("//")[0]):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:40]!r}")
    assert not found, found
