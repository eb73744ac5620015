"""Before and after: what changed between two dates, in towns, land and words.

:func:`compare` diffs the state at date A (``start``) with the state at date
B (``end``) and returns a :class:`Comparison`:

``changes``
    The towns whose holder at B differs from their holder at A, with the
    holder on each date, the capture that gave the town to its new holder
    (date, event id and source) and every dated event of the town between
    the two dates.
``returned``
    The towns that changed hands between the dates and came back: the same
    holder at A and at B, but captured at least once in between (Palmyra
    over 2016: ISIS, then the government from March, ISIS again from
    December).
``areas``
    Area per faction on each date, by tier (``core``, ``nominal``) and in
    all (``total``): ``from_km2``, ``to_km2``, ``change_km2`` (always
    ``to_km2 - from_km2``), and ``gained_km2`` / ``lost_km2``, the land of
    the towns that changed hands: their fixed cells, the same cells the
    areas are sums of, so a faction's gained minus lost is its change (the
    drawn ``land`` is smoothed per date and can differ from it by a few per
    cent for a small zone). The areas on each date are
    those of :func:`geodata.territory.area_split` (the same figures as the
    area chart), so each date's rows add up to the land of Syria and Iraq
    and the changes of all factions (``UNKNOWN`` included) add up to zero.
``land``
    The land that changed hands, as polygons: for each pair of holders
    (``from_faction`` at A, ``to_faction`` at B), the intersection of the
    new holder's land at B with the old holder's land at A, i.e. with land
    that was not the new holder's. Only the parts that hold a town that
    changed hands between that pair are kept: the map's zones are smoothed
    per date, and where a zone changes status (a town becomes contested) the
    smoothed edges shift a little, which would otherwise show as slivers of
    "changed" land nobody took.
``summary``
    One sentence: *Between 1 March and 10 April 2016 the Syrian government
    took Palmyra and al-Qaryatayn from ISIS: +6,900 km².*

Everything is computed from the dataset passed in; nothing here draws or
imports Streamlit. The figure is :func:`geodata.render.compare.render_comparison`.
"""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .dataset import Dataset
from .events import TIMELINE_END, TIMELINE_START, format_date
from .factions import FACTIONS, UNKNOWN
from .scene import KEY_PLACES
from .territory import DEFAULT_MAX_REACH_KM, METRIC_CRS, TIERS, area_split, territories
from .timeline import control_table, epoch_of, events_between, to_date

__all__ = [
    "Comparison",
    "compare",
    "check_dates",
    "faction_phrase",
    "period_text",
    "summary_sentence",
    "changes_csv",
    "comparison_json",
    "CSV_COLUMNS",
]

# How each holder reads inside a sentence.
_PHRASES = {
    "SYGOV": "the Syrian government",
    "ISIS": "ISIS",
    "REBELS": "the Syrian opposition",
    "NUSRA": "al-Nusra/HTS",
    "SDF": "the SDF",
    "IQGOV": "the Iraqi government",
    "KRG": "the Kurdish Peshmerga",
    "TURKEY": "Turkey and its allies",
    UNKNOWN: "an unknown holder",
}

#: Parts of changed land smaller than this (km²) are dropped as slivers.
MIN_PART_KM2 = 0.05
# Towns found within this distance (degrees, ~2 km) of a part count as in it:
# a town sits well inside its own zone, this only absorbs the smoothing.
_TOWN_TOLERANCE_DEG = 0.02
_LAND_CACHE_SIZE = 64

_TO_METRIC = pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def faction_phrase(code) -> str:
    """How a holder reads in a sentence: ``"the Syrian government"``, ``"ISIS"``.

    Examples
    --------
    >>> faction_phrase("IQGOV")
    'the Iraqi government'
    >>> faction_phrase(None)
    'an unknown holder'
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        code = UNKNOWN
    if code in _PHRASES:
        return _PHRASES[code]
    return FACTIONS[code].name if code in FACTIONS else str(code)


def faction_label(code) -> str:
    """A holder's display name (``"Holder unknown"`` for none)."""
    if code is None or code == UNKNOWN or (not isinstance(code, str) and pd.isna(code)):
        return "Holder unknown"
    return FACTIONS[code].name if code in FACTIONS else str(code)


def period_text(start, end) -> str:
    """``"1 March and 10 April 2016"``: the two dates, the year once when shared.

    Examples
    --------
    >>> period_text("2016-01-01", "2016-12-31")
    '1 January and 31 December 2016'
    >>> period_text("2015-05-20", "2016-03-27")
    '20 May 2015 and 27 March 2016'
    """
    start, end = to_date(start), to_date(end)
    if start.year == end.year:
        return f"{start.day} {start.strftime('%B')} and {format_date(end)}"
    return f"{format_date(start)} and {format_date(end)}"


def check_dates(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return both dates as timestamps, or raise ``ValueError`` unless start < end.

    Raises
    ------
    ValueError
        When ``start`` is on or after ``end``, or a date is not a date.
    """
    start, end = to_date(start), to_date(end)
    if start >= end:
        raise ValueError(
            f"the first date ({start.date()}) must be before the second ({end.date()})"
        )
    return start, end


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


# --------------------------------------------------------------------------- towns


def _holder(value):
    return None if value is None or value == UNKNOWN or pd.isna(value) else value


def _text(value):
    return value if isinstance(value, str) else None


def _event_dict(event: dict) -> dict:
    return {
        "event_id": event["event_id"],
        "kind": event["kind"],
        "date": event["date"],
        "date_precision": event.get("date_precision") or "day",
        "from_faction": _text(event.get("from_faction")),
        "to_faction": _text(event.get("to_faction")),
        "source_title": _text(event.get("source_title")),
        "source_url": _text(event.get("source_url")),
    }


def _town_tables(dataset: Dataset, start, end) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    before = control_table(dataset, start)
    after = control_table(dataset, end)
    events = events_between(dataset, start + pd.Timedelta(days=1), end)
    places = dataset.places
    names = dict(zip(places["id"], places["name"], strict=True))
    countries = dict(zip(places["id"], places["country"], strict=True))
    by_place: dict[str, list[dict]] = {}
    for event in events.to_dict("records"):
        by_place.setdefault(event["place_id"], []).append(event)

    old = [_holder(v) for v in before["controller"]]
    new = [_holder(v) for v in after["controller"]]
    rows, returned = [], []
    for i, pid in enumerate(before["id"]):
        history = by_place.get(pid, [])
        captures = [e for e in history if e["kind"] == "capture"]
        if old[i] != new[i]:
            # The capture that gave it to its new holder: the last one to it.
            to_new = [e for e in captures if _holder(e.get("to_faction")) == new[i]]
            cause = (to_new or captures or [None])[-1]
            if cause is None:  # e.g. the start of a period of unknown holder
                found = dataset.events[dataset.events["event_id"] == after["event_id"].iloc[i]]
                cause = found.iloc[0].to_dict() if len(found) else None
            rows.append(
                {
                    "place_id": pid,
                    "name": names.get(pid, pid),
                    "country": countries.get(pid),
                    "key": pid in KEY_PLACES,
                    "from_faction": old[i],
                    "to_faction": new[i],
                    "from_status": before["status"].iloc[i],
                    "to_status": after["status"].iloc[i],
                    "date": cause["date"] if cause else pd.NaT,
                    "date_precision": (cause.get("date_precision") or "day") if cause else None,
                    "event_id": cause["event_id"] if cause else None,
                    "source_title": _text(cause.get("source_title")) if cause else None,
                    "source_url": _text(cause.get("source_url")) if cause else None,
                    "events": [_event_dict(e) for e in history],
                }
            )
        elif captures:
            path = [old[i]]
            for e in captures:
                holder = _holder(e.get("to_faction"))
                if holder != path[-1]:
                    path.append(holder)
            if len(path) > 1:
                returned.append(
                    {
                        "place_id": pid,
                        "name": names.get(pid, pid),
                        "holder": old[i],
                        "path": tuple(path),
                        "events": [_event_dict(e) for e in captures],
                    }
                )
    changes = pd.DataFrame(
        rows,
        columns=["place_id", "name", "country", "key", "from_faction", "to_faction",
                 "from_status", "to_status", "date", "date_precision", "event_id",
                 "source_title", "source_url", "events"],
    )  # fmt: skip
    changes["date"] = pd.to_datetime(changes["date"])
    changes = changes.sort_values(["date", "name"], kind="stable", na_position="last")
    returned_frame = pd.DataFrame(
        returned, columns=["place_id", "name", "holder", "path", "events"]
    ).sort_values("name", kind="stable")
    return changes.reset_index(drop=True), returned_frame.reset_index(drop=True), events


# --------------------------------------------------------------------------- land


def _union(geoms) -> shapely.Geometry:
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return shapely.Polygon()
    if len(geoms) == 1:
        return geoms[0]
    return shapely.union_all(geoms)


def _land_at(dataset: Dataset, date, max_reach_km: float) -> dict:
    """Each holder's land at a date: ``{faction: {tier: geometry}}`` (EPSG:4326).

    Cached per epoch on the dataset (least recently used first out).
    """
    cache = dataset.cached("compare-land", OrderedDict)
    key = (epoch_of(dataset, date), float(max_reach_km))
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    terr = territories(dataset, date, max_reach_km=max_reach_km)
    out: dict[str, dict[str, shapely.Geometry]] = {}
    for (faction, tier), group in terr.groupby(["faction", "tier"], sort=True):
        out.setdefault(faction, {})[tier] = _union(group.geometry.to_numpy())
    for tiers in out.values():
        tiers["total"] = _union([tiers[t] for t in TIERS if t in tiers])
    cache[key] = out
    if len(cache) > _LAND_CACHE_SIZE:
        cache.popitem(last=False)
    return out


def _km2(geoms) -> np.ndarray:
    """Areas in km² of lon/lat geometries (in the theatre's equal-area projection)."""

    def forward(coords):
        x, y = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return np.zeros(0)
    return shapely.area(shapely.transform(geoms, forward)) / 1e6


def _changed_land(
    dataset: Dataset, start, end, changes: pd.DataFrame, max_reach_km: float
) -> gpd.GeoDataFrame:
    """The drawn land that changed hands, per pair of holders (:attr:`Comparison.land`)."""
    columns = ["from_faction", "to_faction", "area_km2", "core_km2", "place_ids", "geometry"]
    if changes.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    before = _land_at(dataset, start, max_reach_km)
    after = _land_at(dataset, end, max_reach_km)
    places = dataset.places.set_index("id").geometry
    rows = []
    pairs = changes.assign(
        a=changes["from_faction"].fillna(UNKNOWN), b=changes["to_faction"].fillna(UNKNOWN)
    ).groupby(["a", "b"], sort=True)
    for (a, b), group in pairs:
        old, new = before.get(a), after.get(b)
        if not old or not new:
            continue
        towns = shapely.points(
            [(places[p].x, places[p].y) for p in group["place_id"] if p in places.index]
        )
        both = shapely.intersection(old["total"], new["total"])
        parts = shapely.get_parts(both)
        parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
        if not len(parts) or not len(towns):
            continue
        near = np.array([shapely.dwithin(p, towns, _TOWN_TOLERANCE_DEG).any() for p in parts])
        kept = parts[near]
        if not len(kept):
            continue
        area = _km2(kept)
        kept = kept[area >= MIN_PART_KM2]
        if not len(kept):
            continue
        geometry = _union(kept)
        core_km2 = 0.0
        for from_tier in TIERS:
            if from_tier not in old:
                continue
            side = shapely.intersection(geometry, old[from_tier])
            for to_tier in TIERS:
                if to_tier not in new or side.is_empty:
                    continue
                piece = shapely.intersection(side, new[to_tier])
                km2 = float(_km2([piece])[0]) if not piece.is_empty else 0.0
                if km2 > 0 and to_tier == "core":
                    core_km2 += km2
        total = float(_km2([geometry])[0])
        rows.append(
            {
                "from_faction": a,
                "to_faction": b,
                "area_km2": round(total, 1),
                "core_km2": round(core_km2, 1),
                "place_ids": tuple(group["place_id"]),
                "geometry": geometry,
            }
        )
    land = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4326")
    land = land.sort_values("area_km2", ascending=False, kind="stable").reset_index(drop=True)
    return land


def _town_pieces(dataset: Dataset, changes: pd.DataFrame, max_reach_km: float) -> list[tuple]:
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
    from .territory import _cells, _params  # the fixed cells of area_split

    cells = _cells(dataset, _params(max_reach_km), None)
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


def _areas(dataset: Dataset, start, end, pieces: list[tuple], max_reach_km: float) -> pd.DataFrame:
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


# --------------------------------------------------------------------------- summary


def _names(names: list[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
    rest = len(names) - (limit - 1)
    return f"{', '.join(names[: limit - 1])} and {rest} other towns"


def summary_sentence(comparison_or_parts, *, max_clauses: int = 3) -> str:
    """One sentence saying who took what from whom between the two dates.

    Parameters
    ----------
    comparison_or_parts : Comparison or tuple
        A :class:`Comparison`, or ``(start, end, changes, land)``.
    max_clauses : int, default 3
        Gaining holders named; the others are counted.

    Examples
    --------
    ``"Between 1 March and 10 April 2016 the Syrian government took Palmyra
    and al-Qaryatayn from ISIS: +6,914 km²."``
    """
    if isinstance(comparison_or_parts, Comparison):
        c = comparison_or_parts
        start, end, changes, land = c.start, c.end, c.changes, c.land
    else:
        start, end, changes, land = comparison_or_parts
    opening = f"Between {period_text(start, end)}"
    if changes.empty:
        return f"{opening} no town changed hands."
    taken = {(r.from_faction, r.to_faction): r.area_km2 for r in land.itertuples(index=False)}
    frame = changes.assign(
        a=changes["from_faction"].fillna(UNKNOWN), b=changes["to_faction"].fillna(UNKNOWN)
    )
    gains = []
    for b, group in frame.groupby("b", sort=False):
        if "area_km2" in group:  # the towns' cells: the gains of the area table
            km2 = float(group["area_km2"].sum())
        else:
            km2 = sum(taken.get((a, b), 0.0) for a in set(group["a"]))
        gains.append((km2, len(group), b, group))
    gains.sort(key=lambda g: (-g[0], -g[1], g[2]))
    clauses = []
    for km2, _n, b, group in gains[:max_clauses]:
        losers = []
        for a, towns in group.groupby("a", sort=False):
            ordered = towns.sort_values(["key", "date"], ascending=[False, True], kind="stable")
            losers.append((-len(towns), a, _names(list(ordered["name"]))))
        losers.sort()
        if b == UNKNOWN:
            what = " and ".join(f"{n} (from {faction_phrase(a)})" for _k, a, n in losers)
            clauses.append(f"the holder of {what} became unknown")
            continue
        what = " and ".join(f"{n} from {faction_phrase(a)}" for _k, a, n in losers)
        clause = f"{faction_phrase(b)} took {what}"
        if km2 > 0:
            clause += f": +{km2:,.0f} km²"
        clauses.append(clause)
    rest = gains[max_clauses:]
    if rest:
        towns = sum(n for _k, n, _b, _g in rest)
        clauses.append(
            f"{len(rest)} other holder{'s' if len(rest) > 1 else ''} took "
            f"{towns} town{'s' if towns > 1 else ''}"
        )
    body = clauses[0] if len(clauses) == 1 else "; ".join(clauses[:-1]) + "; and " + clauses[-1]
    return f"{opening} {body}."


# --------------------------------------------------------------------------- compare


def compare(
    dataset: Dataset, start, end, *, max_reach_km: float = DEFAULT_MAX_REACH_KM
) -> Comparison:
    """Compare the state at ``start`` (date A) with the state at ``end`` (date B).

    Parameters
    ----------
    dataset : Dataset
    start, end : str or datetime-like
        Date A and date B, A before B.
    max_reach_km : float, default 40
        Passed to :func:`geodata.territory.territories`.

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        When ``start`` is on or after ``end``.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> c = compare(load_builtin(), "2016-03-01", "2016-04-10")
    >>> {"palmyra", "al-qaryatayn"} <= set(c.changes["place_id"])
    True
    """
    start, end = check_dates(start, end)
    start = max(start, TIMELINE_START)
    end = min(end, TIMELINE_END)
    changes, returned, events = _town_tables(dataset, start, end)
    # The towns that changed, and so the land, depend only on the two epochs.
    cache = dataset.cached("compare-changed-land", OrderedDict)
    key = (epoch_of(dataset, start), epoch_of(dataset, end), float(max_reach_km))
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = _changed_land(dataset, start, end, changes, max_reach_km)
        if len(cache) > _LAND_CACHE_SIZE:
            cache.popitem(last=False)
    land = cache[key]
    pieces = _town_pieces(dataset, changes, max_reach_km)
    moved: dict[str, float] = {}
    for pid, *_rest, km2 in pieces:
        moved[pid] = moved.get(pid, 0.0) + km2
    changes["area_km2"] = [round(moved.get(pid, 0.0), 1) for pid in changes["place_id"]]
    areas = _areas(dataset, start, end, pieces, max_reach_km)
    summary = summary_sentence((start, end, changes, land))
    return Comparison(
        start=start,
        end=end,
        changes=changes,
        returned=returned,
        areas=areas,
        land=land,
        events=events,
        summary=summary,
    )


# --------------------------------------------------------------------------- outputs


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _none(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def comparison_json(c: Comparison) -> dict:
    """The comparison as JSON-ready data (what ``frontline compare --json`` prints).

    ``{"from", "to", "summary", "changes": [{"place_id", "name", "from", "to",
    "date", "event_id", "source_url", ...}], "returned": [...], "areas":
    [{"faction", "from_km2", "to_km2", "change_km2", "gained_km2",
    "lost_km2", "tiers": {"core": {...}, "nominal": {...}}}]}``; a holder is
    a faction code, or null when no holder is known.
    """

    def events(items):
        return [
            {**{k: _none(v) for k, v in e.items() if k != "date"}, "date": _iso(e["date"])}
            for e in items
        ]

    changes = [
        {
            "place_id": r.place_id,
            "name": r.name,
            "from": _none(r.from_faction),
            "to": _none(r.to_faction),
            "date": _iso(r.date),
            "date_precision": _none(r.date_precision),
            "event_id": _none(r.event_id),
            "source_title": _none(r.source_title),
            "source_url": _none(r.source_url),
            "events": events(r.events),
        }
        for r in c.changes.itertuples(index=False)
    ]
    returned = [
        {
            "place_id": r.place_id,
            "name": r.name,
            "holder": _none(r.holder),
            "path": [_none(h) for h in r.path],
            "events": events(r.events),
        }
        for r in c.returned.itertuples(index=False)
    ]
    areas = []
    numbers = ["from_km2", "to_km2", "change_km2", "gained_km2", "lost_km2"]
    for faction, group in c.areas.groupby("faction", sort=False):
        rows = {r["tier"]: r for r in group.to_dict("records")}
        total = rows["total"]
        areas.append(
            {
                "faction": faction,
                **{k: total[k] for k in numbers},
                "tiers": {t: {k: rows[t][k] for k in numbers} for t in TIERS if t in rows},
            }
        )
    return {
        "from": _iso(c.start),
        "to": _iso(c.end),
        "summary": c.summary,
        "changes": changes,
        "returned": returned,
        "areas": areas,
    }


#: Columns of :func:`changes_csv`.
CSV_COLUMNS = (
    "change",
    "place_id",
    "name",
    "from",
    "from_name",
    "to",
    "to_name",
    "date",
    "date_precision",
    "event_id",
    "source_title",
    "source_url",
    "events",
)


def changes_csv(c: Comparison) -> bytes:
    """The change table as CSV: towns that changed hands, then towns that came back.

    ``change`` is ``changed`` or ``came back`` (``from``/``to`` are then the
    holder at both dates, ``events`` the captures in between). ``events``
    lists every event between the dates as ``date event_id``, separated by
    ``; ``. UTF-8 with a byte-order mark, CRLF line ends; text cells a
    spreadsheet would run as a formula are prefixed with ``'``.
    """
    from .export.csv import neutralise_csv_cell

    def listed(items) -> str:
        return "; ".join(f"{_iso(e['date'])} {e['event_id']}" for e in items)

    rows = []
    for r in c.changes.itertuples(index=False):
        rows.append(
            ["changed", r.place_id, r.name, r.from_faction or "", faction_label(r.from_faction),
             r.to_faction or "", faction_label(r.to_faction), _iso(r.date) or "",
             r.date_precision or "", r.event_id or "", r.source_title or "",
             r.source_url or "", listed(r.events)]
        )  # fmt: skip
    for r in c.returned.itertuples(index=False):
        last = r.events[-1] if r.events else {}
        rows.append(
            ["came back", r.place_id, r.name, r.holder or "", faction_label(r.holder),
             r.holder or "", faction_label(r.holder), _iso(last.get("date")) or "",
             last.get("date_precision") or "", last.get("event_id") or "",
             last.get("source_title") or "", last.get("source_url") or "", listed(r.events)]
        )  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([neutralise_csv_cell(str(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
