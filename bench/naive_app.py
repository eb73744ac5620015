"""The naive way, for comparison: ``streamlit run bench/naive_app.py``.

The same data, slider and "Next change" button as the dashboard, but on every
rerun the whole folium map is rebuilt from the scene (a folium object per
town, territory and front line, as :func:`geodata.export.html.folium_layers`
makes them) and handed to ``st_folium`` with no ``feature_group_to_add`` and
no cached layers. Only the dataset is loaded once per process, as any app
would. The legend title carries the date, like the dashboard's, so the
benchmark detects the updated map the same way in both.

Set ``BENCH_PLACES`` (and ``BENCH_EVENTS``, ``BENCH_GRID``, as for
``bench_app.py``) to use generated data instead of the built-in data.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import folium
import streamlit as st
from folium.elements import MacroElement
from folium.template import Template
from streamlit_folium import st_folium

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # `bench` is not an installed package

from dashboard.map.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL, ensure_leaflet_static  # noqa: E402
from geodata import load_builtin  # noqa: E402
from geodata.export.html import folium_layers  # noqa: E402
from geodata.extent import resolve_extent  # noqa: E402
from geodata.scene import build_scene  # noqa: E402
from geodata.timeline import change_dates  # noqa: E402

DEFAULT_DATE = dt.date(2016, 3, 27)


class _Title(MacroElement):
    """A Leaflet control with the map's title (what the benchmark waits for)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var c = L.control({position: 'bottomright'});
            c.onAdd = function () {
                var div = L.DomUtil.create('div', 'fa-legend');
                div.style.background = 'white';
                div.style.padding = '4px 8px';
                div.innerHTML = "<span class='fa-title'></span>";
                div.firstChild.textContent = {{ this.title|tojson }};
                return div;
            };
            c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self, title: str):
        super().__init__()
        self._name = "Title"
        self.title = title


@st.cache_resource(show_spinner=False)
def dataset():
    places = int(os.environ.get("BENCH_PLACES", "0"))
    if places:
        from bench.synthetic import synthetic_dataset

        events = int(os.environ.get("BENCH_EVENTS", "5"))
        return synthetic_dataset(places, events, grid=os.environ.get("BENCH_GRID", "QS"))
    return load_builtin()


def main() -> None:
    st.set_page_config(page_title="Naive map", layout="wide")
    ensure_leaflet_static(HERE)
    data = dataset()
    first, last = (d.date() for d in data.date_range())
    changes = [d.date() for d in change_dates(data)]
    st.session_state.setdefault("date", min(max(DEFAULT_DATE, first), last))
    date = st.slider(
        "Date",
        min_value=first,
        max_value=last,
        step=dt.timedelta(days=1),
        format="D MMM YYYY",
        key="date",
    )
    later = [d for d in changes if d > date]
    st.button(
        "Next change",
        disabled=not later,
        on_click=lambda: st.session_state.update(date=later[0]),
    )

    scene = build_scene(data, date)
    west, south, east, north = resolve_extent("theatre")
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],  # (lat, lon)
        zoom_start=6,
        tiles=None,
        prefer_canvas=True,
    )
    fmap.default_js = [("leaflet", LEAFLET_JS_URL)]  # offline: our own Leaflet only
    fmap.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
    for layer in folium_layers(scene, dataset=data):
        layer.add_to(fmap)
    _Title(scene.title).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])  # (lat, lon) corners
    st_folium(fmap, key="naive-map", height=640, use_container_width=True, returned_objects=[])


main()
