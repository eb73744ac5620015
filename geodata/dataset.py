"""A dataset: places, events and the gazetteer built on them.

Every function of the data layer takes a :class:`Dataset` as an argument
instead of reaching for a global, so the built-in data and a user's upload are
handled the same way and never mix.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from .events import EVENT_COLUMNS, sort_events
from .gazetteer import Gazetteer
from .problems import DataError  # re-exported: DataError used to live here

__all__ = ["Dataset", "DataError"]


@dataclass(eq=False)
class Dataset:
    """Places and the control-change events that concern them.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        One row per place (``id``, ``name``, ``name_ar``, ``aliases``,
        ``country``, ``governorate``, ``coord_source``), point geometry in
        EPSG:4326, indexed by nothing in particular.
    events : pandas.DataFrame
        Typed events (``date``/``end_date`` as datetimes, factions as codes),
        sorted by place, date and kind.
    name : str
        Where the data comes from ("built-in", a file name...).
    """

    places: gpd.GeoDataFrame
    events: pd.DataFrame
    name: str = "built-in"
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.places.crs is None or self.places.crs.to_epsg() != 4326:
            raise ValueError(f"places must be in EPSG:4326, got {self.places.crs}")
        missing = [c for c in EVENT_COLUMNS if c not in self.events.columns]
        if missing:
            raise ValueError(f"events lack columns {missing}")
        self.events = sort_events(self.events)

    @functools.cached_property
    def gazetteer(self) -> Gazetteer:
        """A :class:`~geodata.gazetteer.Gazetteer` over this dataset's places."""
        # Points are (x, y) = (lon, lat).
        places = self.places.assign(lat=self.places.geometry.y, lon=self.places.geometry.x)
        return Gazetteer(pd.DataFrame(places.drop(columns="geometry")))

    def place(self, place_id: str) -> pd.Series:
        """Return one place's row, by id.

        Raises
        ------
        KeyError
            With the closest ids, when the id is unknown.
        """
        hit = self.places[self.places["id"] == place_id]
        if hit.empty:
            raise KeyError(f"unknown place id {place_id!r}")
        return hit.iloc[0]

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last date the data speaks of (events and contest ends)."""
        dates = pd.concat([self.events["date"], self.events["end_date"].dropna()])
        return dates.min(), dates.max()

    def resolve_place(self, name: str) -> str:
        """Return the id of a place of this dataset given any spelling of its name.

        Raises
        ------
        geodata.gazetteer.GeocodeError
            When the name matches no place of the dataset.
        """
        result = self.gazetteer.geocode(name)
        if result.id not in set(self.places["id"]):
            from .gazetteer import GeocodeError

            raise GeocodeError(
                name,
                f"{result.name} ({result.id}) is a known town but has no events in this data",
                self.gazetteer.suggest(name),
            )
        return result.id

    def cached(self, key, compute):
        """Memoise ``compute()`` under ``key`` for the life of this dataset."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]
