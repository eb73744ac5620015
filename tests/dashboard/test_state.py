"""The view in the URL and in the session (no map renderer loaded to parse it)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from dashboard import state
from geodata.factions import FACTION_CODES
from tests.paths import ROOT


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
