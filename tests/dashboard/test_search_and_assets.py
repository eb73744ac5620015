"""Search in any spelling, map clicks, Leaflet's offline files, the base data."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys

import pytest
import streamlit_folium

from dashboard import charts
from dashboard.map import assets, mount
from dashboard.map import follow as map_follow
from dashboard.map import payload as map_payload
from dashboard.map import script as map_script
from dashboard.map.mount import nearest_town
from dashboard.search import find_place
from dashboard.strip import strip_data
from geodata import history
from geodata.scene import KEY_PLACES, build_scene
from tests.paths import ROOT


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

    from dashboard.map.payload import epoch_data, parse_expression, scene_payload, town_table
    from geodata import load_builtin

    assert all(hasattr(streamlit_folium, name) for name in mount.SF_PARTS)
    state: dict = {}
    sent: list[dict] = []
    monkeypatch.setattr(st, "session_state", state)
    monkeypatch.setattr(mount.streamlit_folium, "_component_func", lambda **k: sent.append(k))
    builtin = load_builtin()
    payload = scene_payload(build_scene(builtin, "2016-03-27"))
    index, towns = town_table(builtin.places)
    data = parse_expression(epoch_data(payload, index))

    def step(title):
        script = map_script.date_script(
            payload, epoch="e1", data=data, towns_id="t", towns=towns, title=title
        )
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

    sys.path.insert(0, str(ROOT))
    from bench.synthetic import synthetic_dataset

    big = history.control_segments(synthetic_dataset(300, 5))
    kept = history.busiest_places(big, first=KEY_PLACES)
    assert kept["place_id"].nunique() == charts.MAX_CHART_PLACES
    assert len(strip_data(kept)["rows"]) == charts.MAX_CHART_PLACES
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
    cache.warm(cache.epoch_jobs(builtin, key, ahead, factions))
    cache.warm(cache.epoch_jobs(builtin, key, ahead, factions))  # queued once
    cache._WARMER.submit(lambda: None).result(timeout=60)  # the queue is done
    assert sorted(built) == sorted(ahead)
    layers = cache.epoch_payload(builtin, key, ahead[0], factions)
    assert len(built) == len(ahead)  # found ready
    assert layers.id.endswith(f"/{ahead[0]}/ISIS,KRG")
    assert layers.id == cache.epoch_id(key, ahead[0], factions)
    # Made, so ready to be sent ahead of time; an epoch never made is not.
    assert cache.ready_epoch(builtin, key, ahead[1], factions).id.endswith(ahead[1] + "/ISIS,KRG")
    assert cache.ready_epoch(builtin, key, "2013-01-01", ("ISIS", "KRG", "SDF")) is None
    assert len(built) == len(ahead)


def test_a_sessions_new_warming_skips_what_it_no_longer_needs():
    import threading

    from dashboard import cache

    gate, done = threading.Event(), []
    # The worker is busy until the gate opens: the jobs below wait in its queue.
    cache.warm([(("test-gate",), gate.wait)], owner="other")
    cache.warm([(("t", n), lambda n=n: done.append(n)) for n in (1, 2, 3)], owner="me")
    cache.warm([(("t", n), lambda n=n: done.append(n)) for n in (3, 4)], owner="me")
    cache.warm([(("t", 5), lambda: done.append(5))], owner="other")  # another session's
    cache.warm([(("t", 3), lambda: done.append("again"))], owner="me")  # queued already
    # Two sessions want 6; one moves on, the other still wants it.
    cache.warm([(("t", 6), lambda: done.append(6))], owner="a")
    cache.warm([(("t", 6), lambda: done.append("6 again"))], owner="b")
    cache.warm([(("t", 7), lambda: done.append(7))], owner="b")
    gate.set()
    cache._WARMER.submit(lambda: None).result(timeout=60)  # the queue is done
    # 1 and 2 were left behind by the session's later calls; 3 ran once, in its
    # first place in the queue; 4 was superseded by the last call; 5 is another
    # owner's; 6 is still wanted by "a".
    assert done == [3, 5, 6, 7]
    # A stale job leaves the queue, so asking for it again runs it.
    cache.warm([(("t", 1), lambda: done.append("1 again"))], owner="me")
    cache._WARMER.submit(lambda: None).result(timeout=60)
    assert done[-1] == "1 again"
    assert not any(name[0] == "t" for name in cache._WARMING)


def _recent_from_table(table: dict, ids: list[str], day: int) -> set[str]:
    """What ``atlas.js``'s recentIds finds in the follow table (its algorithm, in Python)."""
    days = table["days"]
    hi = bisect.bisect_right(days, day) - 1
    out, i = set(), hi
    while i >= 0 and days[i] >= day - table["recent_days"]:
        out.add(ids[table["towns"][i]])
        i -= 1
    return out


def test_the_follow_table_gives_the_frame_what_the_app_would_draw(builtin):
    """The frame draws a step itself from this table: each date's epoch, halos and
    the previous/next change must be the app's, on every day of the timeline."""
    from dashboard import cache
    from dashboard.timeline import next_change, previous_change
    from geodata.timeline import change_dates, epochs

    key = cache.fingerprint(builtin)
    towns = cache.towns_for_frame(builtin, key)
    ids = sorted(towns.index, key=towns.index.get)
    table = json.loads(map_follow.follow_table(builtin, towns.index, cache.RECENT_DAYS))
    epoch_starts = [d.date() for d in epochs(builtin)["start"]]
    assert [EPOCH + dt.timedelta(days=d) for d in table["starts"]] == epoch_starts
    changes = cache.change_days(builtin, key)
    assert [EPOCH + dt.timedelta(days=d) for d in table["changes"]] == changes
    assert len(table["days"]) == len(table["towns"]) and table["days"] == sorted(table["days"])
    first, last = (d.date() for d in builtin.date_range())
    for n in range((last - first).days + 1):
        date = first + dt.timedelta(days=n)
        day = (date - EPOCH).days
        start = table["starts"][bisect.bisect_right(table["starts"], day) - 1]
        assert str(EPOCH + dt.timedelta(days=start)) == cache.epoch_key(builtin, date)
        assert _recent_from_table(table, ids, day) == cache.recent_place_ids(builtin, date), date
        # atlas.js: the next change is the first after the day, the previous the last before.
        j = bisect.bisect_right(table["changes"], day) - 1
        nxt = table["changes"][j + 1] if j + 1 < len(table["changes"]) else None
        k = bisect.bisect_right(table["changes"], day - 1) - 1
        prev = table["changes"][k] if k >= 0 else None
        assert as_date(nxt) == next_change(changes, date)
        assert as_date(prev) == previous_change(changes, date)
    assert len(change_dates(builtin)) == len(changes)


EPOCH = dt.date(1970, 1, 1)


def as_date(day: int | None) -> dt.date | None:
    return None if day is None else EPOCH + dt.timedelta(days=day)


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


def test_frame_script_is_a_static_file_named_by_its_content(tmp_path):
    path = assets.ensure_frame_script(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("window.__faStyle = {")
    assert "window.__fa = window.__faMake();" in text and "window.__faCompare" in text
    stamp = path.stat().st_mtime_ns
    assets.ensure_frame_script(tmp_path)  # unchanged: not rewritten
    assert path.stat().st_mtime_ns == stamp
    url, _, version = assets.ATLAS_JS_URL.partition("?v=")
    assert url == "../../app/static/atlas/atlas.js"
    assert version == hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_long_lived_objects_leave_the_garbage_collectors_scans():
    # Streamlit collects garbage after every run; with the modules and the
    # built-in data frozen, that collection no longer holds the interpreter
    # lock for a tenth of a second while the run's messages wait to go out.
    code = (
        "import gc, time\n"
        "from dashboard import cache\n"
        "cache.builtin_dataset()\n"
        "t = time.perf_counter(); gc.collect(2); ms = (time.perf_counter() - t) * 1000\n"
        "print(gc.get_freeze_count(), len(gc.get_objects()), ms)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    frozen, tracked, _ = out.stdout.split()
    assert int(frozen) > 50_000  # the modules and the data
    assert int(tracked) < int(frozen) // 10  # what a collection still walks


def test_the_server_settings_keep_steps_quick_and_the_map_offline():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True  # Leaflet and the frame's code
    assert config["runner"]["postScriptGC"] is False  # no full collection after each step
