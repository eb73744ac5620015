"""The date half of the live map: a short script the frame runs on every step.

It is sent in place of a rendered folium ``FeatureGroup`` through
streamlit-folium's ``feature_group`` (see :mod:`dashboard.map.mount`), and
hands the epoch's data (:func:`dashboard.map.payload.epoch_data`, compact
JSON made once per epoch) to the frame's drawing code
(``dashboard/map/atlas.js``). The frame keeps the last epoch's layers, so a
step within an epoch only moves the legend's date, the halos and the
selection.

Why not folium objects for the date half: rendering them through Jinja on
every step cost most of a step's server time, and one folium marker with its
own tooltip per town made a map of 10,000 towns send megabytes per step (see
``bench/RESULTS.md``).

A town shows its names and holder on hover; a click selects it, and the side
panel (:mod:`dashboard.panels`) gives its whole history with sources. There
is no Leaflet popup: the rerun a click causes redraws the date layers, which
would close it at once, and its auto-pan would move the user's view.
"""

from __future__ import annotations

from geodata.style import LAYERS, LIVE_RECENT_STYLE, LIVE_REPORT_STYLE, LIVE_SELECTED_STYLE

from .legend import legend_html
from .payload import script_json

__all__ = ["date_script"]


def date_script(
    payload: dict,
    *,
    epoch: str,
    data: str,
    title: str,
    date: str = "",
    recent_ids: set[str] | frozenset[str] = frozenset(),
    selected: str | None = None,
    shown: set[str] | frozenset[str] = frozenset(LAYERS),
    report: list[dict] | tuple = (),
) -> str:
    """Return the script that draws one date on the mounted map.

    streamlit-folium evaluates it in the map frame instead of a rendered
    folium ``FeatureGroup`` (``feature_group`` of its component): it removes
    the previous date's group, then this script adds a new one. The epoch's
    layers are built by the frame only when ``epoch`` differs from the last
    one drawn; otherwise the frame reuses them and this call only changes the
    legend, the recent-change halos and the selection ring.

    Parameters
    ----------
    payload : dict
        From :func:`scene_payload` (for the legend).
    epoch : str
        Identifies the epoch's data (epoch start, factions shown, dataset).
    data : str
        :func:`parse_expression` of the :func:`epoch_data` of ``payload``.
    title : str
        Legend title (carries the date).
    date : str
        ``YYYY-MM-DD``, set as ``window.__frontlineDate`` in the frame.
    recent_ids : set of str
        Places that changed in the recent window: highlighted.
    selected : str, optional
        Place id to mark with a ring.
    shown : set of str
        Layer keys to draw (see :data:`geodata.style.LAYERS`). The legend is always drawn.
    report : list of dict
        Places named in the news report being checked (``lat``, ``lon``,
        ``name``): each is ringed, whether or not the data has it.

    Returns
    -------
    str
        JavaScript; every string in it is JSON made safe for a script.
    """
    options = {
        "date": date,
        # The legend without its title, which changes every step and goes as
        # text: the frame then rebuilds the legend only when its rows change.
        "legend": legend_html(payload["legend"], title="", shown=shown),
        "title": title,
        "shown": [k for k in LAYERS if k in shown],
        "recent": sorted(recent_ids),
        "selected": selected,
        "recent_style": LIVE_RECENT_STYLE,
        "report": [
            {"lat": float(p["lat"]), "lon": float(p["lon"]), "name": str(p["name"])} for p in report
        ],
        "report_style": LIVE_REPORT_STYLE,
        "selected_style": LIVE_SELECTED_STYLE,
    }
    # The data sits in a function so that the frame parses it only for a new epoch.
    return (
        "var feature_group_feature_group_0 = L.layerGroup();\n"
        f"window.__fa.draw(map_div, feature_group_feature_group_0, {script_json(epoch)}, "
        f"function () {{ return {data}; }}, {script_json(options)});\n"
        "map_div.addLayer(feature_group_feature_group_0);\n"
        # streamlit-folium has already removed the previous groups from the map.
        "window.feature_group = [feature_group_feature_group_0];\n"
    )
