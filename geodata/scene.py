"""The scene at a date: every layer a map shows, as plain data, no rendering.

One scene feeds every renderer (the live folium map, the static report image,
the data exports), so they can never disagree about colours, layers or what
is where.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from .borders import load_borders
from .dataset import Dataset
from .events import format_date
from .extent import resolve_extent
from .factions import FACTIONS, UNKNOWN, faction_color
from .style import FRONT_COLOR, LEGEND_SWATCH, LEGEND_TEXT, UNKNOWN_COLOR
from .territory import DEFAULT_MAX_REACH_KM, front_lines, territories
from .timeline import control_at, events_between, to_date

# resolve_extent lives in geodata.extent; it is imported here for build_scene
# (and stays importable from here for older callers).
__all__ = ["Scene", "LegendEntry", "build_scene", "KEY_PLACES"]

# The seven places our user named: always labelled.
KEY_PLACES = ("palmyra", "raqqa", "deir-ez-zor", "ramadi", "tikrit", "mosul", "al-shaddadi")


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend."""

    code: str
    label: str
    color: str
    kind: str = "faction"  # faction | contested | frontline | event | unknown


@dataclass
class Scene:
    """All layers of the map at one date (EPSG:4326 throughout).

    Attributes
    ----------
    date : pandas.Timestamp
    towns : geopandas.GeoDataFrame
        The state of every place plus ``color`` (controller), ``ring_color``
        (the contesting faction, or the controller's colour), ``label``
        (True for the key places) and ``recent`` (changed in the window).
    territories : geopandas.GeoDataFrame
        From :func:`geodata.territory.territories` plus ``color``.
    front_lines : geopandas.GeoDataFrame
        From :func:`geodata.territory.front_lines`.
    borders : geopandas.GeoDataFrame
        Country outlines (Natural Earth).
    legend : list of LegendEntry
    extent : tuple
        ``(west, south, east, north)``.
    """

    date: pd.Timestamp
    towns: gpd.GeoDataFrame
    territories: gpd.GeoDataFrame
    front_lines: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    legend: list[LegendEntry] = field(default_factory=list)
    # The theatre view (geodata.extent), as build_scene's default: one box,
    # not a hand-written copy of it.
    extent: tuple[float, float, float, float] = field(
        default_factory=lambda: resolve_extent("theatre")
    )

    @property
    def title(self) -> str:
        """Map title, e.g. ``"Control of towns, 27 March 2016"``."""
        return f"Control of towns, {format_date(self.date)}"


def build_scene(
    dataset: Dataset,
    date,
    *,
    recent_days: int = 28,
    max_reach_km: float = DEFAULT_MAX_REACH_KM,
    factions: list[str] | None = None,
    extent="theatre",
) -> Scene:
    """Compute every layer of the map at a date.

    Parameters
    ----------
    dataset : Dataset
    date : str or datetime-like
    recent_days : int, default 28
        Events this many days before ``date`` (inclusive) are "recent".
    max_reach_km : float, default 40
        Passed to :func:`geodata.territory.territories`.
    factions : list of str, optional
        Show only these factions' towns and territories (default: all).
    extent : str or tuple, default "theatre"
        See :func:`geodata.extent.resolve_extent`.

    Returns
    -------
    Scene
    """
    date = to_date(date)
    state = control_at(dataset, date)
    terr = territories(dataset, state, max_reach_km=max_reach_km)
    fronts = front_lines(dataset, state, max_reach_km=max_reach_km)
    recent = events_between(dataset, date - pd.Timedelta(days=recent_days), date)

    towns = state.copy()
    towns["color"] = [faction_color(c) for c in towns["controller"]]
    towns["ring_color"] = [
        faction_color(o) if s == "contested" else faction_color(c)
        for c, s, o in zip(towns["controller"], towns["status"], towns["contested_by"], strict=True)
    ]
    towns["label"] = towns["id"].isin(KEY_PLACES)
    towns["recent"] = towns["id"].isin(set(recent["place_id"]))
    terr = terr.assign(
        color=[UNKNOWN_COLOR if f == UNKNOWN else faction_color(f) for f in terr["faction"]]
    )
    if factions is not None:
        keep = set(factions)
        towns = towns[towns["controller"].isin(keep)]
        terr = terr[terr["faction"].isin(keep)]
        fronts = fronts[fronts["faction_a"].isin(keep) | fronts["faction_b"].isin(keep)]

    present = set(state["controller"].dropna())
    legend = [
        LegendEntry(code, FACTIONS[code].name, FACTIONS[code].color)
        for code in FACTIONS
        if code in present
    ]
    legend += [
        LegendEntry(
            "contested", "Contested town (ring: attacker)", LEGEND_SWATCH["contested"], "contested"
        ),
        LegendEntry("frontline", LEGEND_TEXT["front"], FRONT_COLOR, "frontline"),
        LegendEntry(
            "recent", f"Changed in the last {recent_days} days", LEGEND_SWATCH["recent"], "event"
        ),
    ]
    if (terr["faction"] == UNKNOWN).any():
        legend.append(LegendEntry("unknown", LEGEND_TEXT["unknown"], UNKNOWN_COLOR, "unknown"))
    return Scene(
        date=date,
        towns=towns.reset_index(drop=True),
        territories=terr.reset_index(drop=True),
        front_lines=fronts.reset_index(drop=True),
        borders=load_borders(),
        legend=legend,
        extent=resolve_extent(extent),
    )
