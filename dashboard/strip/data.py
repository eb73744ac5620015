"""What the control strip draws, as plain JSON-ready values (no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geodata.describe import faction_name
from geodata.factions import FACTIONS, faction_color
from geodata.style import LIVE_STRIP

__all__ = ["MAX_LABEL", "place_order", "strip_data", "day_number"]

#: Longest place name drawn in full in the strip's label column.
MAX_LABEL = 24
_EPOCH = pd.Timestamp("1970-01-01")


def day_number(when) -> int:
    """Days since 1 January 1970 (the strip's time unit).

    Examples
    --------
    >>> day_number("2016-03-27")
    16887
    """
    return int((pd.Timestamp(when) - _EPOCH) // pd.Timedelta(days=1))


def place_order(segments: pd.DataFrame, first: Sequence[str] = ()) -> list[str]:
    """Row order: the places of ``first`` (in its order), then the rest A to Z by name.

    Examples
    --------
    >>> seg = pd.DataFrame({"place_id": ["b", "a", "k"], "place": ["Beta", "Alpha", "Kay"]})
    >>> place_order(seg, first=["k"])
    ['k', 'a', 'b']
    """
    names = segments.drop_duplicates("place_id").set_index("place_id")["place"]
    head = [p for p in first if p in names.index]
    rest = sorted((p for p in names.index if p not in set(head)), key=lambda p: (names[p], p))
    return head + rest


def strip_data(segments: pd.DataFrame, *, first: Sequence[str] = ()) -> dict:
    """The strip's rows, bars, factions and time span.

    Parameters
    ----------
    segments : pandas.DataFrame
        :func:`geodata.history.control_segments` (or a subset of its places,
        :func:`geodata.history.busiest_places`).
    first : sequence of str
        Place ids drawn first, e.g. :data:`geodata.scene.KEY_PLACES`.

    Returns
    -------
    dict
        ``rows`` (``[id, name]`` per place, in :func:`place_order`),
        ``factions`` (``[code, name, colour]`` of the factions drawn, in the
        faction table's order), ``bars`` (``[row, faction index, contested
        (0/1), first day, day after]``, days from :func:`day_number`),
        ``start`` and ``end`` (the time span, days) and ``style``
        (:data:`geodata.style.LIVE_STRIP`). Names are data: the frame draws
        them as text, never as markup.

    Examples
    --------
    >>> seg = pd.DataFrame({"place_id": ["a", "a"], "place": ["Alpha"] * 2,
    ...     "start": pd.to_datetime(["2012-01-01", "2014-06-10"]),
    ...     "end": pd.to_datetime(["2014-06-10", "2020-01-01"]),
    ...     "faction": ["IQGOV", "ISIS"], "status": ["held", "held"]})
    >>> d = strip_data(seg)
    >>> d["rows"], [f[0] for f in d["factions"]], d["bars"][1]
    ([['a', 'Alpha']], ['ISIS', 'IQGOV'], [0, 0, 0, 16231, 18262])
    """
    order = place_order(segments, first)
    row_of = {pid: i for i, pid in enumerate(order)}
    names = segments.drop_duplicates("place_id").set_index("place_id")["place"]
    present = set(segments["faction"])
    codes = [c for c in FACTIONS if c in present] + sorted(present - set(FACTIONS))
    index = {c: i for i, c in enumerate(codes)}
    start = ((segments["start"] - _EPOCH) // pd.Timedelta(days=1)).to_numpy(np.int64)
    end = ((segments["end"] - _EPOCH) // pd.Timedelta(days=1)).to_numpy(np.int64)
    bars = [
        [row_of[pid], index[code], int(status == "contested"), int(s), int(e)]
        for pid, code, status, s, e in zip(
            segments["place_id"], segments["faction"], segments["status"], start, end, strict=True
        )
    ]
    bars.sort(key=lambda b: (b[0], b[3]))  # by row, then in time
    return {
        "rows": [[pid, str(names[pid])] for pid in order],
        "factions": [[c, faction_name(c), faction_color(c)] for c in codes],
        "bars": bars,
        "start": int(start.min()) if len(start) else 0,
        "end": int(end.max()) if len(end) else 0,
        "style": dict(LIVE_STRIP),
    }
