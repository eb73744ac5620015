"""Generated datasets for benchmarks: many places, long chains of events."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata import Dataset
from geodata.factions import FACTION_CODES
from geodata.io import events_frame, places_frame

__all__ = ["synthetic_dataset"]


def synthetic_dataset(
    n_places: int, events_per_place: int, *, seed: int = 0, grid: str | None = None
) -> Dataset:
    """Return a valid dataset of ``n_places`` random towns in Syria and Iraq.

    Each place gets an initial holder and ``events_per_place - 1`` further
    events, alternating contests and captures, spread over 2012-2019.

    With ``grid``, a pandas frequency of period starts such as ``"MS"``
    (months) or ``"QS"`` (quarters), every event after the initial one falls
    on such a date (at most one per place and period), so the whole dataset
    has a few dozen epochs instead of one for almost every day: the
    dashboard's per-epoch work stays affordable at 10,000 places, and slider
    steps within a period keep the epoch.
    """
    rng = np.random.default_rng(seed)
    lon = rng.uniform(36.0, 47.5, n_places).round(4)
    lat = rng.uniform(30.0, 37.2, n_places).round(4)
    ids = np.array([f"g{i}" for i in range(n_places)])
    places = pd.DataFrame(
        {
            "id": ids,
            "name": [f"Town {i}" for i in range(n_places)],
            "lat": lat.astype(str),
            "lon": lon.astype(str),
        }
    )
    k = events_per_place
    codes = np.array(FACTION_CODES)
    days = _event_days(rng, n_places, k, grid)
    days = np.concatenate([np.zeros((n_places, 1), dtype=int), days], axis=1)
    holders = rng.integers(0, len(codes), size=(n_places, k))
    # Captures must change hands: shift a repeated holder to the next code.
    for j in range(1, k):
        same = holders[:, j] == holders[:, j - 1]
        holders[same, j] = (holders[same, j] + 1) % len(codes)
    kind = np.where(
        np.arange(k) == 0, "initial", np.where(np.arange(k) % 2 == 1, "contest", "capture")
    )
    kinds = np.broadcast_to(kind, (n_places, k))
    to = holders.copy()
    frm = np.roll(holders, 1, axis=1)
    # A contest is fought by the next capture's winner against the holder.
    contest = kinds == "contest"
    nxt = np.concatenate([holders[:, 1:], holders[:, -1:]], axis=1)
    to = np.where(contest, nxt, to)
    frm = np.where(contest, np.roll(holders, 1, axis=1), frm)
    # After a contest the holder is unchanged, so a capture starts from the
    # holder before the contest.
    holder_before = holders.copy()
    for j in range(1, k):
        holder_before[:, j] = np.where(
            kinds[:, j] == "contest", holder_before[:, j - 1], holders[:, j]
        )
    frm = np.where(kinds == "capture", np.roll(holder_before, 1, axis=1), frm)
    to = np.where(kinds == "capture", holders, to)
    to = np.where(kinds == "contest", holders, to)
    to = np.where(contest & (to == frm), (to + 1) % len(codes), to)
    dates = pd.Timestamp("2012-01-01") + pd.to_timedelta(days.ravel(), unit="D")
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n_places * k)],
            "place_id": np.repeat(ids, k),
            "kind": kinds.ravel(),
            "date": dates.strftime("%Y-%m-%d"),
            "from_faction": np.where(kinds.ravel() == "initial", "", codes[frm.ravel()]),
            "to_faction": codes[to.ravel()],
            "source_url": "https://example.org/generated",
        }
    )
    return Dataset(places_frame(places), events_frame(events), name=f"synthetic-{n_places}")


def _event_days(rng, n_places: int, k: int, grid: str | None) -> np.ndarray:
    """Sorted days after 2012-01-01 of each place's ``k - 1`` events after the first
    (on the ``grid``'s period starts when one is given: at most one a period)."""
    if grid is not None:
        starts = pd.date_range("2012-01-02", "2019-12-31", freq=grid)
        slots = (starts - pd.Timestamp("2012-01-01")).days.to_numpy()
        if k - 1 > len(slots):
            raise ValueError(
                f"expected at most {len(slots) + 1} events a place on the {grid!r} grid, got {k}"
            )
        # k - 1 distinct periods per place: the first columns of a random permutation.
        picks = np.argsort(rng.random((n_places, len(slots))), axis=1)[:, : k - 1]
        return np.sort(slots[picks], axis=1)
    return np.sort(rng.integers(1, 2900, size=(n_places, k - 1)), axis=1)
