"""The history of control as tables: runs of constant control and a change log.

Pure derivations from a dataset's timeline (:mod:`geodata.timeline`), used
by the dashboard's charts and side panels (and cached there, per dataset, by
:mod:`dashboard.cache`). Wording comes from :mod:`geodata.describe`.

- :func:`control_segments` — who held each place over time, as runs;
- :func:`busiest_places` — a readable subset of those runs;
- :func:`change_log` — every dated change, oldest first, with its source.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .dataset import Dataset
from .describe import describe_event, faction_name
from .events import TIMELINE_END, format_date
from .timeline import control_matrix, epochs

__all__ = ["control_segments", "busiest_places", "change_log", "MAX_PLACES", "MAX_ROWS"]

#: Places :func:`busiest_places` keeps at most, by default.
MAX_PLACES = 80
#: Rows :func:`busiest_places` keeps at most, by default: a chart is given no
#: more (Altair refuses more than 5,000 rows, MaxRowsError).
MAX_ROWS = 4_000


def control_segments(dataset: Dataset) -> pd.DataFrame:
    """Return who held each place over time as runs of constant control.

    Returns
    -------
    pandas.DataFrame
        ``place_id``, ``place``, ``start`` (inclusive), ``end`` (exclusive),
        ``faction`` (code), ``faction_name`` and ``status`` (``"held"`` or
        ``"contested"``), one row per run, places in table order.
    """
    columns = ["place_id", "place", "start", "end", "faction", "faction_name", "status"]
    rows: list[dict] = []
    current: dict[str, dict] = {}  # the run still open for each place
    names = dataset.places["name"].to_numpy()
    ids = dataset.places["id"].to_numpy()
    held = np.full(len(ids), None, dtype=object)  # (controller, status) at the last epoch
    how = np.full(len(ids), None, dtype=object)
    for start, factions, statuses in _states_by_epoch(dataset):
        # Only the places whose holder or status changed at this epoch (a few of hundreds).
        changed = np.flatnonzero((factions != held) | (statuses != how))
        held, how = factions, statuses
        for i in changed:
            pid, name, faction, status = ids[i], names[i], factions[i], statuses[i]
            run = current.get(pid)  # it holds the last epoch's state, which changed
            if run is not None:
                rows.append({**run, "end": start})
                del current[pid]
            if not pd.isna(faction):
                current[pid] = {
                    "place_id": pid,
                    "place": name,
                    "start": start,
                    "faction": faction,
                    "faction_name": faction_name(faction),
                    "status": status,
                }
    last = TIMELINE_END + pd.Timedelta(days=1)
    rows += [{**run, "end": last} for run in current.values()]
    frame = pd.DataFrame(rows, columns=columns)
    position = frame["place_id"].map({pid: i for i, pid in enumerate(dataset.places["id"])})
    return (
        frame.assign(_position=position)
        .sort_values(["_position", "start"], kind="stable")
        .drop(columns="_position")
        .reset_index(drop=True)
    )


def _states_by_epoch(dataset: Dataset, cells: int = 400_000):
    """Yield ``(start, controllers, statuses)`` of each epoch, computed for many epochs
    at once (:func:`geodata.timeline.control_matrix`, at most ``cells`` place-days a pass)."""
    starts = list(epochs(dataset)["start"])
    step = max(1, cells // max(len(dataset.places), 1))
    for i in range(0, len(starts), step):
        chunk = starts[i : i + step]
        controllers, statuses = control_matrix(dataset, chunk)
        yield from zip(chunk, controllers, statuses, strict=True)


def busiest_places(
    segments: pd.DataFrame,
    *,
    first: Sequence[str] = (),
    limit: int = MAX_PLACES,
    max_rows: int = MAX_ROWS,
) -> pd.DataFrame:
    """Keep the rows of at most ``limit`` places: ``first``, then the most changed,
    and no more than ``max_rows`` rows in all.

    A chart with one row per place is unreadable (and too big for Vega-Lite)
    beyond a few dozen places, as with a large upload.

    Parameters
    ----------
    segments : pandas.DataFrame
        :func:`control_segments` (at least ``place_id``).
    first : sequence of str
        Place ids kept before any other, e.g. :data:`geodata.scene.KEY_PLACES`.
    limit : int
        Places kept at most.
    max_rows : int
        Rows kept at most.

    Returns
    -------
    pandas.DataFrame
        ``segments`` itself when it is within both limits, else its rows of
        the places kept.

    Examples
    --------
    >>> seg = pd.DataFrame({"place_id": ["a", "b", "b"], "start": [1, 1, 2]})
    >>> list(busiest_places(seg, limit=1)["place_id"])
    ['b', 'b']
    >>> list(busiest_places(seg, first=["a"], limit=1)["place_id"])
    ['a']
    """
    if segments["place_id"].nunique() <= limit and len(segments) <= max_rows:
        return segments
    counts = segments["place_id"].value_counts()
    key = [p for p in first if p in counts.index]
    others = [p for p in counts.index if p not in key]  # most runs of control first
    keep, rows = set(), 0
    for place in key + others:
        if len(keep) >= limit:
            break
        if rows + counts[place] > max_rows:
            continue  # a place with fewer runs may still fit
        keep.add(place)
        rows += counts[place]
    return segments[segments["place_id"].isin(keep)].reset_index(drop=True)


def change_log(dataset: Dataset) -> pd.DataFrame:
    """Every dated change, oldest first: captures, contest starts and ends, milestones.

    Returns
    -------
    pandas.DataFrame
        ``when``, ``when_text``, ``place_id``, ``text`` (plain), ``source_title``,
        ``source_url``, ``event_id``.
    """
    names = dict(zip(dataset.places["id"], dataset.places["name"], strict=True))
    rows = []
    events = dataset.events[dataset.events["kind"] != "initial"]
    captures = set(
        zip(
            events.loc[events["kind"] == "capture", "place_id"],
            events.loc[events["kind"] == "capture", "date"],
            strict=True,
        )
    )
    for event in events.to_dict("records"):
        name = names.get(event["place_id"], event["place_id"])
        base = {
            "place_id": event["place_id"],
            "source_title": event.get("source_title"),
            "source_url": event.get("source_url"),
            "event_id": event["event_id"],
        }
        rows.append(
            {
                **base,
                "when": event["date"],
                "when_text": format_date(event["date"], event.get("date_precision") or "day"),
                "text": describe_event(event, name),
            }
        )
        end = event.get("end_date")
        if (
            event["kind"] == "contest"
            and not pd.isna(end)
            and (event["place_id"], end) not in captures
        ):
            rows.append(
                {
                    **base,
                    "when": end,
                    "when_text": format_date(end, event.get("end_precision") or "day"),
                    "text": f"Fighting for {name} ended; {faction_name(event.get('from_faction'))} "
                    "still holds it",
                }
            )
    columns = ["when", "when_text", "place_id", "text", "source_title", "source_url", "event_id"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["when", "place_id"], kind="stable").reset_index(drop=True)
