"""The date half of the live map: a short script the frame runs on every step.

It is sent in place of a rendered folium ``FeatureGroup`` through
streamlit-folium's ``feature_group`` (see :mod:`dashboard.map.mount`), and
hands the epoch's data (:func:`dashboard.map.payload.epoch_data`, compact
JSON made once per epoch) to the frame's drawing code
(``dashboard/map/atlas.js``). The frame keeps the last epoch's layers, so a
step within an epoch only moves the legend's date, the halos and the
selection; it also keeps the data of the last :data:`FRAME_EPOCHS` epochs,
which the script then does not carry again.

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

from dataclasses import dataclass

import pandas as pd

from geodata.events import format_date
from geodata.style import LAYERS, LIVE_RECENT_STYLE, LIVE_REPORT_STYLE, LIVE_SELECTED_STYLE

from .legend import legend_html
from .payload import script_json

__all__ = ["FRAME_EPOCHS", "TITLE", "Follow", "map_title", "deferred", "date_script"]

#: Data the map frame keeps (``atlas.js``): epochs, the town table and the
#: follow table count alike. The app sends each only when it has not sent it
#: among the last this many (:func:`dashboard.map.mount.frame_holds`); compare
#: mode's second map keeps as many. A run sends up to five (the town and follow
#: tables, the date's epoch and the two next to it).
FRAME_EPOCHS = 12

#: The legend's title before the date; the frame writes the same when it
#: draws a date itself (``atlas.js``).
TITLE = "Control of towns, "


def map_title(date) -> str:
    """The live map's legend title at ``date``.

    Examples
    --------
    >>> import pandas as pd
    >>> map_title(pd.Timestamp("2016-03-27"))
    'Control of towns, 27 March 2016'
    """
    return TITLE + format_date(pd.Timestamp(date))


def deferred(expression: str | None) -> str:
    """A function returning ``expression``, so the frame parses it only when it needs
    to; ``null`` for data the frame already holds.

    Examples
    --------
    >>> deferred("JSON.parse('1')"), deferred(None)
    ("function () { return JSON.parse('1'); }", 'null')
    """
    return "null" if expression is None else f"function () {{ return {expression}; }}"


def _ring(place: dict) -> dict:
    return {"lat": float(place["lat"]), "lon": float(place["lon"]), "name": str(place["name"])}


@dataclass(frozen=True)
class Follow:
    """What lets the frame draw the slider's next date itself, before the run for
    it comes back (``atlas.js``, "follow").

    ``table`` names the dataset's :func:`dashboard.map.follow.follow_table` and
    ``data`` is its :func:`parse_expression` (None when the frame holds it); an
    epoch's id is ``prefix + start + suffix``; ``ahead`` holds the epochs next
    to the date's, sent ahead of time: ``(id, data or None when held, payload,
    start)`` (the payload for the legend, the epoch's first day); ``slider``,
    ``next`` and ``prev`` are the keys of the date slider and the change
    buttons the frame watches.
    """

    table: str
    data: str | None
    prefix: str
    suffix: str
    ahead: tuple = ()
    slider: str = "date"
    next: str = "next_change"
    prev: str = "prev_change"

    def options(self, epoch: str, legend: str, shown) -> dict:
        """The frame's ``o.follow``: each epoch's legend (null: the same as ``epoch``'s)."""
        legends: dict[str, str | None] = {epoch: None}
        for other, _, payload, *_ in self.ahead:
            html = legend_html(payload["legend"], title="", shown=shown)
            legends[other] = None if html == legend else html
        keys = {"table": self.table, "prefix": self.prefix, "suffix": self.suffix}
        buttons = {"slider": self.slider, "next": self.next, "prev": self.prev}
        return {**keys, **buttons, "title": TITLE, "legends": legends}

    def script_args(self) -> str:
        """The follow table and the epochs ahead, as the draw call's last arguments."""
        later = ", ".join(f"[{script_json(i)}, {deferred(d)}]" for i, d, *_ in self.ahead)
        return f"{deferred(self.data)}, [{later}]"


def date_script(
    payload: dict,
    *,
    epoch: str,
    data: str | None,
    towns_id: str,
    towns: str | None,
    title: str,
    date: str = "",
    recent_ids: set[str] | frozenset[str] = frozenset(),
    selected: str | None = None,
    shown: set[str] | frozenset[str] = frozenset(LAYERS),
    report: list[dict] | tuple = (),
    follow: Follow | None = None,
) -> str:
    """Return the script that draws one date on the mounted map.

    streamlit-folium evaluates it in the map frame instead of a rendered folium
    ``FeatureGroup``, after removing the last date's group. The frame builds the
    epoch's layers only when ``epoch`` differs from the last one drawn; else the
    call only changes the legend, the halos and the selection ring.

    Parameters
    ----------
    payload : dict
        From :func:`scene_payload` (for the legend).
    epoch : str
        Identifies the epoch's data (epoch start, factions shown, dataset).
    data, towns : str or None
        :func:`parse_expression` of the :func:`epoch_data` of ``payload``, and
        of the dataset's :func:`dashboard.map.payload.town_table` (names and
        positions, which ``data`` points into); each None when the frame
        holds it already (:func:`dashboard.map.mount.frame_holds`).
    towns_id, title, date : str
        Identifies the town table; the legend's title (:func:`map_title`); the
        date, ``YYYY-MM-DD``, set as ``window.__frontlineDate`` in the frame.
    recent_ids : set of str
        Places that changed in the recent window: highlighted.
    selected : str, optional
        Place id to mark with a ring.
    shown : set of str
        Layer keys to draw (see :data:`geodata.style.LAYERS`). The legend is always drawn.
    report : list of dict
        Places named in the news report being checked (``lat``, ``lon``,
        ``name``): each is ringed, whether or not the data has it.
    follow : Follow, optional
        Lets the frame draw the next steps itself (None: only what the app sends).

    Returns
    -------
    str
        JavaScript; every string in it is JSON made safe for a script.
    """
    # The legend without its title, which changes every step and goes as
    # text: the frame then rebuilds the legend only when its rows change.
    legend = legend_html(payload["legend"], title="", shown=shown)
    options = {
        "date": date,
        "legend": legend,
        "title": title,
        "shown": [k for k in LAYERS if k in shown],
        "recent": sorted(recent_ids),
        "selected": selected,
        "recent_style": LIVE_RECENT_STYLE,
        "report": [_ring(p) for p in report],
        "report_style": LIVE_REPORT_STYLE,
        "selected_style": LIVE_SELECTED_STYLE,
        "keep": FRAME_EPOCHS,
        "towns": towns_id,
        "follow": None if follow is None else follow.options(epoch, legend, shown),
    }
    rest = "null, []" if follow is None else follow.script_args()
    return (
        "var feature_group_feature_group_0 = L.layerGroup();\n"
        f"window.__fa.draw(map_div, feature_group_feature_group_0, {script_json(epoch)}, "
        f"{deferred(data)}, {script_json(options)}, {deferred(towns)}, {rest});\n"
        "map_div.addLayer(feature_group_feature_group_0);\n"
        # streamlit-folium has already removed the previous groups from the map.
        "window.feature_group = [feature_group_feature_group_0];\n"
    )
