"""The :class:`Comparison` that :func:`geodata.compare.compare` returns."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from .phrases import period_text

__all__ = ["Comparison"]


@dataclass
class Comparison:
    """What changed between two dates (see the module's documentation).

    Attributes
    ----------
    start, end : pandas.Timestamp
        Date A (before) and date B (after).
    changes : pandas.DataFrame
        ``place_id``, ``name``, ``country``, ``key`` (a key place),
        ``from_faction``, ``to_faction`` (None: no known holder),
        ``from_status``, ``to_status``, ``date``, ``date_precision``,
        ``event_id``, ``source_title``, ``source_url`` (the capture that gave
        the town to its new holder), ``area_km2`` (the land of the town's
        cell, core and nominal, that changed hands with it) and ``events``
        (every event of the town between the dates, oldest first: dicts with
        ``event_id``, ``kind``,
        ``date``, ``date_precision``, ``from_faction``, ``to_faction``,
        ``source_title``, ``source_url``). Ordered by date.
    returned : pandas.DataFrame
        ``place_id``, ``name``, ``holder``, ``path`` (holders in turn,
        e.g. ``("ISIS", "SYGOV", "ISIS")``) and ``events`` (the captures).
    areas : pandas.DataFrame
        ``faction``, ``tier`` (``core``, ``nominal``, ``total``),
        ``from_km2``, ``to_km2``, ``change_km2``, ``gained_km2``, ``lost_km2``.
    land : geopandas.GeoDataFrame
        ``from_faction``, ``to_faction``, ``area_km2``, ``core_km2``,
        ``place_ids`` (the towns that changed hands in it), geometry in
        EPSG:4326.
    events : pandas.DataFrame
        Every event after ``start`` up to ``end`` (see
        :func:`geodata.timeline.events_between`).
    summary : str
    """

    start: pd.Timestamp
    end: pd.Timestamp
    changes: pd.DataFrame
    returned: pd.DataFrame
    areas: pd.DataFrame
    land: gpd.GeoDataFrame
    events: pd.DataFrame
    summary: str

    @property
    def title(self) -> str:
        """``"Changes of control between 1 March and 10 April 2016"``."""
        return f"Changes of control between {period_text(self.start, self.end)}"

    def faction_areas(self) -> pd.DataFrame:
        """The ``total`` rows of :attr:`areas`, largest change first."""
        total = self.areas[self.areas["tier"] == "total"]
        order = total["change_km2"].abs().sort_values(ascending=False, kind="stable").index
        return total.loc[order].reset_index(drop=True)
