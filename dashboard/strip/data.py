"""What the control strip draws, as plain JSON-ready values (no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geodata.describe import faction_name
from geodata.events import TIMELINE_END, TIMELINE_START
from geodata.factions import FACTIONS, UNKNOWN, faction_color
from geodata.style import LEGEND_TEXT, LIVE_STRIP, UNKNOWN_COLOR

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
        ``start`` and ``end`` (the time span, days), ``style``
        (:data:`geodata.style.LIVE_STRIP`) and ``max_label`` (:data:`MAX_LABEL`).
        Names are data: the frame draws them as text, never as markup.

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
    runs = _with_unknown(segments)
    present = set(runs["faction"])
    codes = [c for c in FACTIONS if c in present] + sorted(present - set(FACTIONS) - {UNKNOWN})
    codes += [UNKNOWN] if UNKNOWN in present else []
    index = {c: i for i, c in enumerate(codes)}
    start = _days(runs["start"])
    end = _days(runs["end"])
    bars = [
        [row_of[pid], index[code], int(status == "contested"), int(s), int(e)]
        for pid, code, status, s, e in zip(
            runs["place_id"], runs["faction"], runs["status"], start, end, strict=True
        )
    ]
    bars.sort(key=lambda b: (b[0], b[3]))  # by row, then in time
    span_start = day_number(TIMELINE_START) if len(start) else 0
    return {
        "rows": [[pid, str(names[pid])] for pid in order],
        "factions": [[c, _name(c), _color(c)] for c in codes],
        "bars": bars,
        "start": min(span_start, int(start.min())) if len(start) else 0,
        "end": int(end.max()) if len(end) else 0,
        "style": dict(LIVE_STRIP),
        "max_label": MAX_LABEL,
    }


def _days(column: pd.Series) -> np.ndarray:
    return ((column - _EPOCH) // pd.Timedelta(days=1)).to_numpy(np.int64)


def _name(code: str) -> str:
    return LEGEND_TEXT["unknown"] if code == UNKNOWN else faction_name(code)


def _color(code: str) -> str:
    return UNKNOWN_COLOR if code == UNKNOWN else faction_color(code)


def _with_unknown(segments: pd.DataFrame) -> pd.DataFrame:
    """The runs, plus a run of :data:`~geodata.factions.UNKNOWN` over each stretch of
    the timeline where a place has none: before its first known holder and between
    runs (an explicit period of unknown holder, which the map shows as such)."""
    if segments.empty:
        return segments
    first_day = pd.Timestamp(TIMELINE_START)
    last = pd.Timestamp(TIMELINE_END) + pd.Timedelta(days=1)
    gaps = []
    for pid, runs in segments.groupby("place_id", sort=False):
        runs = runs.sort_values("start")
        starts, ends = runs["start"].tolist(), runs["end"].tolist()
        for a, b in zip([first_day, *ends], [*starts, last], strict=True):
            if a < b:
                name = runs["place"].iloc[0]
                gaps.append({"place_id": pid, "place": name, "start": a, "end": b,
                             "faction": UNKNOWN, "status": "unknown"})  # fmt: skip
    if not gaps:
        return segments
    return pd.concat([segments, pd.DataFrame(gaps)], ignore_index=True)
