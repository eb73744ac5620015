"""Altair charts: who held each place when, and estimated area per faction.

Pure functions of the tables of :mod:`geodata.history` and
:mod:`geodata.territory` (and a date for the marker); Streamlit only places
them. Altair ships with Streamlit and draws without network.
:func:`control_spec` and :func:`area_spec` cache each chart's Vega-Lite spec
once per dataset: the one cache of a view's own output, kept here so that
:mod:`dashboard.cache` depends on no view.
"""

from __future__ import annotations

import logging

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from geodata.dataset import Dataset
from geodata.describe import faction_name
from geodata.factions import FACTIONS, faction_color
from geodata.history import MAX_PLACES, MAX_ROWS, busiest_places, control_segments
from geodata.scene import KEY_PLACES
from geodata.style import CHART_AREA_OPACITY, SELECTED_COLOR
from geodata.territory import area_split

__all__ = [
    "MAX_CHART_PLACES",
    "MAX_CHART_ROWS",
    "thin_dates",
    "control_chart",
    "area_measure",
    "area_chart",
    "place_order",
    "mark_date",
    "control_spec",
    "area_spec",
]

_LOG = logging.getLogger(__name__)

ROW_HEIGHT = 15
#: The date's rule on the charts: the colour of the map's selection ring.
MARK_COLOR = SELECTED_COLOR
#: Places in the control chart at most (see :func:`geodata.history.busiest_places`).
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


def place_order(segments: pd.DataFrame) -> list[str]:
    """Row order of the control chart: the seven key places first, then A to Z."""
    names = segments.drop_duplicates("place_id").set_index("place_id")["place"]
    key = [names[p] for p in KEY_PLACES if p in names.index]
    rest = sorted(n for p, n in names.items() if p not in KEY_PLACES)
    return key + rest


def _faction_scale(codes) -> alt.Scale:
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


def control_chart(segments: pd.DataFrame) -> alt.Chart:
    """Bars of who held each place when, one row per place (see :func:`mark_date`)."""
    order = place_order(segments)
    # Only the columns drawn: the data goes to the browser again with every step.
    data = segments.assign(
        contested=segments["status"].eq("contested").map({True: "contested", False: "held"})
    )[["place", "faction_name", "contested", "start", "end"]]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            x2="end:T",
            y=alt.Y(
                "place:N",
                sort=order,
                title=None,
                # Every row labelled: Vega would otherwise drop every other one.
                axis=alt.Axis(labelLimit=140, labelFontSize=11, labelOverlap=False),
            ),
            color=alt.Color(
                "faction_name:N",
                scale=_faction_scale(segments["faction"]),
                legend=alt.Legend(title="Held by", orient="top", columns=4),
            ),
            # Contested runs are drawn thin in the holder's colour: a lighter
            # shade would read as another faction (light red looks Iraqi pink).
            size=alt.Size(
                "contested:N",
                scale=alt.Scale(domain=["held", "contested"], range=[ROW_HEIGHT - 4, 4]),
                legend=alt.Legend(
                    title="Status (bar thickness)", orient="top", symbolType="square"
                ),
            ),
            tooltip=[
                alt.Tooltip("place:N", title="Place"),
                alt.Tooltip("faction_name:N", title="Held by"),
                alt.Tooltip("contested:N", title="Status"),
                alt.Tooltip("start:T", title="From", format="%-d %b %Y"),
                alt.Tooltip("end:T", title="Until", format="%-d %b %Y"),
            ],
        )
    )
    return bars.properties(height=ROW_HEIGHT * len(order))


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
def control_spec(_dataset: Dataset, key: str) -> dict | None:
    """Vega-Lite spec of :func:`control_chart` (no date mark), or None.

    ``key`` is :func:`dashboard.cache.fingerprint` of the dataset.
    """
    try:
        segments = busiest_places(control_segments(_dataset), first=KEY_PLACES)
        return control_chart(segments).to_dict()
    except Exception:  # noqa: BLE001 - any failure: no chart, said once, never retried
        _LOG.warning("control chart failed for %s", key, exc_info=True)
        return None


@st.cache_data(show_spinner=False)
def area_spec(_dataset: Dataset, key: str, measure: str = "core") -> dict | None:
    """Vega-Lite spec of :func:`area_chart` of one measure (core area,
    % of Syria, % of Iraq) over :func:`geodata.territory.area_split` (dates
    thinned to :data:`MAX_CHART_ROWS` rows), or None."""
    try:
        rows = area_measure(area_split(_dataset), measure)
        return area_chart(thin_dates(rows), measure=measure).to_dict()
    except Exception:  # noqa: BLE001 - as control_spec
        _LOG.warning("area chart failed for %s", key, exc_info=True)
        return None
