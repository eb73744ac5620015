"""Area per faction and tier on each date, and the land each town took with it.

Both come from the fixed cells of :func:`geodata.territory.area_split`, so a
faction's gained minus lost is exactly its change.
"""

from __future__ import annotations

import pandas as pd

from geodata.dataset import Dataset
from geodata.factions import UNKNOWN
from geodata.territory import TIERS, area_split
from geodata.territory.cells import fixed_cells, reach_params
from geodata.timeline import epoch_of

__all__ = ["town_pieces", "area_table"]


def town_pieces(dataset: Dataset, changes: pd.DataFrame, max_reach_km: float) -> list[tuple]:
    """The land each town that changed hands took with it, by tier.

    Pieces ``(place_id, from_faction, to_faction, from_tier, to_tier, km2)``:
    the town's fixed cell (its core and its nominal periphery, as counted by
    :func:`~geodata.territory.area_split`), from its holder at A to its holder
    at B. A holder ``UNKNOWN`` has no core: its whole cell is nominal. These
    are the cells the areas on each date are sums of, so each faction's
    gained minus lost is exactly its change (the drawn :attr:`Comparison.land`
    is smoothed per date, which moves a few per cent of a small zone's area
    to its neighbours).
    """
    if changes.empty:
        return []
    cells = fixed_cells(dataset, reach_params(max_reach_km), None)  # those of area_split
    index = {pid: i for i, pid in enumerate(dataset.places["id"])}
    pieces = []
    for pid, a, b in zip(
        changes["place_id"],
        changes["from_faction"].fillna(UNKNOWN),
        changes["to_faction"].fillna(UNKNOWN),
        strict=True,
    ):
        i = index.get(pid)
        if i is None or cells.region[i] < 0:
            continue
        core, nominal = float(cells.core_km2[i]), float(cells.nominal_km2[i])
        from_core = "nominal" if a == UNKNOWN else "core"
        to_core = "nominal" if b == UNKNOWN else "core"
        for from_tier, to_tier, km2 in (
            (from_core, to_core, core),
            ("nominal", "nominal", nominal),
        ):
            if km2 > 0:
                pieces.append((pid, a, b, from_tier, to_tier, km2))
    return pieces


def area_table(
    dataset: Dataset, start, end, pieces: list[tuple], max_reach_km: float
) -> pd.DataFrame:
    split = dataset.cached(
        ("compare-area-split", float(max_reach_km)),
        lambda: area_split(dataset, max_reach_km=max_reach_km),
    )
    columns = ["faction", "tier", "from_km2", "to_km2", "change_km2", "gained_km2", "lost_km2"]
    if split.empty:
        return pd.DataFrame(columns=columns)
    sums = split.groupby(["date", "faction", "tier"], sort=True)["area_km2"].sum()

    def at(date) -> pd.Series:
        epoch = epoch_of(dataset, date)
        return sums.xs(epoch, level="date") if epoch in sums.index.get_level_values(0) else None

    a, b = at(start), at(end)
    a = a if a is not None else pd.Series(dtype=float)
    b = b if b is not None else pd.Series(dtype=float)
    gained: dict[tuple, float] = {}
    lost: dict[tuple, float] = {}
    for _pid, old, new, from_tier, to_tier, km2 in pieces:
        gained[(new, to_tier)] = gained.get((new, to_tier), 0.0) + km2
        lost[(old, from_tier)] = lost.get((old, from_tier), 0.0) + km2
    factions = sorted(set(a.index.get_level_values(0)) | set(b.index.get_level_values(0)))
    rows = []
    for faction in factions:
        total = {"from": 0.0, "to": 0.0, "gained": 0.0, "lost": 0.0}
        tier_rows = []
        for tier in TIERS:
            before = round(float(a.get((faction, tier), 0.0)), 1)
            after = round(float(b.get((faction, tier), 0.0)), 1)
            won = round(gained.get((faction, tier), 0.0), 1)
            gone = round(lost.get((faction, tier), 0.0), 1)
            for k, v in (("from", before), ("to", after), ("gained", won), ("lost", gone)):
                total[k] += v
            tier_rows.append((faction, tier, before, after, won, gone))
        tier_rows.append(
            (faction, "total", *(round(total[k], 1) for k in ("from", "to", "gained", "lost")))
        )
        if total["from"] == 0 and total["to"] == 0:
            continue
        for faction_, tier, before, after, won, gone in tier_rows:
            if tier != "total" and before == 0 and after == 0:
                continue
            rows.append((faction_, tier, before, after, round(after - before, 1), won, gone))
    return pd.DataFrame(rows, columns=columns)
