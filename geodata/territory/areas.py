"""Areas per faction, country and tier at the start of every epoch.

Sums of the fixed cells' core and nominal areas (:mod:`.cells`): no
geometry is built per epoch, so every epoch of the built-in data takes
seconds, not minutes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.factions import UNKNOWN
from geodata.timeline import control_table, epochs

from .cells import DEFAULT_MAX_REACH_KM, TIERS, fixed_cells, reach_params
from .epoch import state_labels

__all__ = ["area_split", "area_series"]


def area_split(
    dataset: Dataset,
    *,
    max_reach_km: float = DEFAULT_MAX_REACH_KM,
    theatre=None,
    min_reach_km: float | None = None,
    reach_factor: float | None = None,
) -> pd.DataFrame:
    """Return every faction's area by country and tier at the start of every epoch.

    Areas are sums of the fixed cells' core and nominal areas (before the
    drawing's smoothing, which moves area between neighbours by well under
    1 %). Land whose nearest town has no known holder, and a country with no
    town at all, is counted under the faction ``"UNKNOWN"`` (tier nominal).
    For each date a country's rows add up to its land area.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``faction``, ``country``, ``tier``, ``area_km2``, one row
        per epoch, faction, country and tier (0 when a faction that holds
        land at some date holds none of it then), oldest first.
    """
    params = reach_params(max_reach_km, min_reach_km, reach_factor)
    c = fixed_cells(dataset, params, theatre)
    codes = np.array([code for code, _p in c.regions], dtype=object)
    placed = c.region >= 0
    country = np.where(placed, codes[np.where(placed, c.region, 0)], "")
    empty = {code: area for (code, _p), area in zip(c.regions, c.region_area_km2, strict=True)}
    for code in country[placed]:
        empty.pop(code, None)
    rows = []
    for start in epochs(dataset)["start"]:
        faction, _status, _other = state_labels(control_table(dataset, start))
        frame = pd.DataFrame(
            {
                "faction": faction[placed],
                "country": country[placed],
                "core": np.where(faction[placed] == UNKNOWN, 0.0, c.core_km2[placed]),
                "nominal": np.where(
                    faction[placed] == UNKNOWN,
                    c.core_km2[placed] + c.nominal_km2[placed],
                    c.nominal_km2[placed],
                ),
            }
        )
        sums = frame.groupby(["faction", "country"], sort=True)[["core", "nominal"]].sum()
        for (f, code), row in sums.iterrows():
            for tier in TIERS:
                rows.append((start, f, code, tier, float(row[tier])))
        for code, area in empty.items():
            rows.append((start, UNKNOWN, code, "nominal", float(area)))
    table = pd.DataFrame(rows, columns=["date", "faction", "country", "tier", "area_km2"])
    if table.empty:
        return table
    # Every (faction, country, tier) that ever holds land gets a row per epoch.
    full = table.pivot_table(
        index="date", columns=["faction", "country", "tier"], values="area_km2", aggfunc="sum"
    ).fillna(0.0)
    out = full.stack(["faction", "country", "tier"], future_stack=True).rename("area_km2")
    out = out.reset_index()
    out = out[~((out["faction"] == UNKNOWN) & (out["tier"] == "core"))]
    out["area_km2"] = out["area_km2"].round(1)
    return out.sort_values(["date", "faction", "country", "tier"], kind="stable").reset_index(
        drop=True
    )


def area_series(
    dataset: Dataset,
    *,
    max_reach_km: float = DEFAULT_MAX_REACH_KM,
    theatre=None,
    min_reach_km: float | None = None,
    reach_factor: float | None = None,
) -> pd.DataFrame:
    """Return the core area of each faction at the start of every epoch.

    Cells do not overlap, so a faction's core area is the sum of the cores
    of the towns it holds (contested towns count for their controller).

    Returns
    -------
    pandas.DataFrame
        ``date``, ``faction``, ``area_km2``, one row per epoch and faction
        holding anything, oldest first.
    """
    split = area_split(
        dataset,
        max_reach_km=max_reach_km,
        theatre=theatre,
        min_reach_km=min_reach_km,
        reach_factor=reach_factor,
    )
    if split.empty:
        return pd.DataFrame(columns=["date", "faction", "area_km2"])
    core = split[(split["tier"] == "core") & (split["faction"] != UNKNOWN)]
    out = core.groupby(["date", "faction"], sort=True)["area_km2"].sum().round(1).reset_index()
    return out.sort_values(["date", "faction"], kind="stable").reset_index(drop=True)
