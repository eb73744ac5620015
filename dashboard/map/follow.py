"""What the map frame needs to draw a date itself, before the app's run for it.

The frame (``dashboard/map/atlas.js``, "follow") watches the page's date slider
and its previous/next change buttons, and draws the new date at once from the
epochs it holds. For that it needs, once per dataset, :func:`follow_table`:
where each epoch starts, the change days the buttons go to, and the days of
the events (the halos of the places that changed lately). The run's script
then draws the same date; the frame checks that both agree.
"""

from __future__ import annotations

import json

import numpy as np

from geodata.timeline import change_dates, epochs

__all__ = ["follow_table"]


def _day_numbers(values) -> list[int]:
    """Days since 1970-01-01 (what the slider's value, in microseconds, divides to)."""
    days = np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")
    return days.astype(np.int64).tolist()


def follow_table(dataset, index: dict[str, int], recent_days: int) -> str:
    """Return what the map frame needs to draw a date before the app's run does.

    The frame draws the slider's new date at once from epochs it already holds
    (``atlas.js``, "follow"): it finds the epoch of the date, the places that
    changed within ``recent_days`` before it (halos) and, for the previous and
    next change buttons, the change dates. Sent once per dataset.

    Parameters
    ----------
    dataset : Dataset
    index : dict
        Place id to position in the dataset's :func:`town_table`.
    recent_days : int
        The window of the halos (:func:`dashboard.cache.recent_place_ids`).

    Returns
    -------
    str
        Compact JSON: ``starts`` (each epoch's first day), ``changes`` (the days
        the previous/next change buttons go to), ``days`` and ``towns`` (one entry
        per event start and contest end, sorted by day: the day and the place's
        position in the town table), ``recent_days``. Days count from 1970-01-01.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> ds = load_builtin()
    >>> table = json.loads(follow_table(ds, {p: i for i, p in enumerate(ds.places["id"])}, 28))
    >>> table["starts"][0]  # 1 January 2012
    15340
    """
    ev = dataset.events
    starts = ev[ev["date"].notna()]
    ends = ev[(ev["kind"] == "contest") & ev["end_date"].notna()]
    days = np.concatenate([_day_numbers(starts["date"]), _day_numbers(ends["end_date"])])
    towns = np.array(
        [index[p] for p in starts["place_id"]] + [index[p] for p in ends["place_id"]],
        dtype=np.int64,
    )
    order = np.argsort(days, kind="stable")
    columns = {
        "starts": _day_numbers(epochs(dataset)["start"]),
        "changes": _day_numbers(change_dates(dataset)),
        "days": days[order].tolist(),
        "towns": towns[order].tolist(),
        "recent_days": recent_days,
    }
    return json.dumps(columns, separators=(",", ":"))
