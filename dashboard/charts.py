"""Altair chart of the estimated area per faction over time.

Pure functions of the tables of :mod:`geodata.territory` (and a date for the
marker); Streamlit only places them. Altair ships with Streamlit and draws
without network. :func:`area_spec` caches the chart's Vega-Lite spec once per
dataset and measure: the one cache of a view's own output, kept here so that
:mod:`dashboard.cache` depends on no view. (Who held each place when is the
control strip, :mod:`dashboard.strip`: a Vega chart of it was redrawn on every
slider step.)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

from geodata.dataset import Dataset
from geodata.describe import faction_name
from geodata.factions import FACTIONS, faction_color
from geodata.history import MAX_PLACES, MAX_ROWS
from geodata.style import CHART_AREA_OPACITY, SELECTED_COLOR
from geodata.territory import area_split

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "MAX_CHART_PLACES",
    "MAX_CHART_ROWS",
    "thin_dates",
    "area_measure",
    "area_chart",
    "mark_date",
    "area_spec",
]

_LOG = logging.getLogger(__name__)

#: The date's rule on the charts: the colour of the map's selection ring.
MARK_COLOR = SELECTED_COLOR
#: Places in the control strip at most (see :func:`geodata.history.busiest_places`).
MAX_CHART_PLACES = MAX_PLACES
#: Rows of data a chart is given at most: Altair refuses more than 5,000 (MaxRowsError).
MAX_CHART_ROWS = MAX_ROWS


def thin_dates(frame: pd.DataFrame, *, column: str = "date", max_rows: int = MAX_CHART_ROWS):
    """Keep the rows of evenly spread dates so that at most ``max_rows`` remain.

    For a step chart of values at each date (:func:`area_chart`): with tens of
    thousands of changes, a chart 700 pixels wide shows no more anyway.

    Examples
    --------
    >>> f = pd.DataFrame({"date": [1, 1, 2, 2, 3, 3], "v": range(6)})
    >>> thin_dates(f, max_rows=4)["date"].tolist()
    [1, 1, 3, 3]
    """
    if len(frame) <= max_rows:
        return frame
    dates = pd.Series(frame[column].unique()).sort_values().to_numpy()
    per_date = len(frame) / len(dates)
    keep = max(int(max_rows // per_date), 2)
    picked = dates[np.unique(np.linspace(0, len(dates) - 1, keep).round().astype(int))]
    return frame[frame[column].isin(picked)].reset_index(drop=True)


def _faction_scale(codes) -> alt.Scale:
    import altair as alt  # deferred, as in area_chart

    present = [c for c in FACTIONS if c in set(codes)]
    return alt.Scale(
        domain=[faction_name(c) for c in present], range=[faction_color(c) for c in present]
    )


#: Name of the one-row dataset that places the date rule (see :func:`mark_date`).
DATE_DATASET = "frontline_date"


def mark_date(spec: dict, date) -> dict:
    """Return a copy of a chart spec with a labelled vertical rule at ``date``.

    The chart is built and serialised once per dataset (Altair's validation
    costs tens of milliseconds); only a one-row named dataset changes per
    date. Streamlit sends named datasets apart from the spec and, when the
    spec is unchanged, updates the drawn chart's data in place instead of
    compiling and drawing it anew, which kept the browser busy on every
    slider step.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec with a temporal x axis (``Chart.to_dict()``).
    date : datetime-like
    """
    date = pd.Timestamp(date)
    top_level = ("$schema", "config", "datasets", "height", "width", "autosize", "padding")
    out = {k: v for k, v in spec.items() if k in top_level}
    inner = {k: v for k, v in spec.items() if k not in top_level}
    # No time zone: read as local time, like the chart's own dates.
    out["datasets"] = {
        **spec.get("datasets", {}),
        DATE_DATASET: [
            {"date": date.strftime("%Y-%m-%dT00:00:00"), "label": f"{date.day} {date:%b %Y}"}
        ],
    }
    x = {"field": "date", "type": "temporal"}
    out["layer"] = [
        inner,
        {
            "data": {"name": DATE_DATASET},
            "mark": {"type": "rule", "color": MARK_COLOR, "strokeWidth": 2},
            "encoding": {"x": x},
        },
        {
            "data": {"name": DATE_DATASET},
            "mark": {
                "type": "text",
                "align": "center",
                "baseline": "bottom",
                "dy": -3,
                "color": MARK_COLOR,
                "fontWeight": "bold",
            },
            "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label"}},
        },
    ]
    return out


#: What the area chart can show: the core area, or each faction's share of a country.
AREA_MEASURES = {
    "core": "Core area (thousand km²)",
    "SY": "% of Syria (core + nominal)",
    "IQ": "% of Iraq (core + nominal)",
}


def area_measure(split: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Rows ``date``, ``faction``, ``value`` of one :data:`AREA_MEASURES` from
    :func:`geodata.territory.area_split` (land of unknown holder included in shares).

    Examples
    --------
    >>> split = pd.DataFrame({"date": [1, 1, 1], "faction": ["A", "A", "B"],
    ...     "country": ["SY"] * 3, "tier": ["core", "nominal", "nominal"],
    ...     "area_km2": [10.0, 30.0, 60.0]})
    >>> area_measure(split, "SY")["value"].tolist()
    [40.0, 60.0]
    """
    if measure == "core":
        core = split[split["tier"] == "core"]
        out = core.groupby(["date", "faction"], sort=True)["area_km2"].sum() / 1000.0
    else:
        land = split[split["country"] == measure]
        total = land.groupby("date")["area_km2"].transform("sum")
        out = (100 * land["area_km2"] / total).groupby([land["date"], land["faction"]]).sum()
    return out.rename("value").reset_index()


def area_chart(areas: pd.DataFrame, *, measure: str = "core") -> alt.Chart:
    """Stacked estimated area per faction over time (see :func:`mark_date`).

    ``areas`` has ``date``, ``faction`` and ``value`` (:func:`area_measure`),
    or ``area_km2`` (core area, as :func:`geodata.territory.area_series`).
    """
    import altair as alt  # deferred: half a second at import, and the chart tab is lazy

    if "value" not in areas:
        areas = areas.assign(value=areas["area_km2"] / 1000.0)
    data = areas.assign(faction_name=areas["faction"].map(faction_name))
    percent = measure != "core"
    area = (
        alt.Chart(data)
        .mark_area(interpolate="step-after", opacity=CHART_AREA_OPACITY)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("value:Q", stack="zero", title=AREA_MEASURES.get(measure, measure)),
            color=alt.Color(
                "faction_name:N",
                scale=_faction_scale(data["faction"]),
                legend=alt.Legend(title="Faction", orient="top", columns=4),
            ),
            order=alt.Order("faction:N"),
            tooltip=[
                alt.Tooltip("faction_name:N", title="Faction"),
                alt.Tooltip("date:T", title="From", format="%-d %b %Y"),
                alt.Tooltip(
                    "value:Q",
                    title="Share (%)" if percent else "Thousand km²",
                    format=".1f" if percent else ",.1f",
                ),
            ],
        )
    )
    return area.properties(height=320)


# ---------------------------------------------------------------------------
# Cached specs
# ---------------------------------------------------------------------------


# A chart that cannot be made is cached as None (an exception is not cached, so the
# work would be redone, and fail again, on every slider step): the app says so once.
@st.cache_data(show_spinner=False)
def area_spec(_dataset: Dataset, key: str, measure: str = "core") -> dict | None:
    """Vega-Lite spec of :func:`area_chart` of one measure (core area,
    % of Syria, % of Iraq) over :func:`geodata.territory.area_split` (dates
    thinned to :data:`MAX_CHART_ROWS` rows), or None."""
    try:
        rows = area_measure(area_split(_dataset), measure)
        return area_chart(thin_dates(rows), measure=measure).to_dict()
    except Exception:  # noqa: BLE001 - any failure: no chart, said once, never retried
        _LOG.warning("area chart failed for %s", key, exc_info=True)
        return None
