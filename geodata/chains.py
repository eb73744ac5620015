"""The chain of control of each place: who held it before each event.

Only these checks need a place's whole history, which is why an upload added on
top of other data (:mod:`geodata.upload.merge`) checks its rows together with
the base history of their places, and explains the problems found here
(:data:`geodata.problems.CHAIN_CODES`) as such. Used by
:func:`geodata.validate.validate_events`, over the rows that parsed cleanly.
"""

from __future__ import annotations

from .events import KIND_ORDER, TIMELINE_END, TIMELINE_START
from .problems import Problem

__all__ = ["check_chains"]


def check_chains(parsed: list[tuple], file: str) -> list[Problem]:
    """Check each place's sequence of events (rows that parsed cleanly).

    Parameters
    ----------
    parsed : list of tuple
        ``(row, place_id, kind, date, end, from_faction, to_faction)`` per
        row, dates as timestamps and factions as codes.
    file : str
        Name used in messages.

    Returns
    -------
    list of Problem
        Codes ``chain.*`` (see :data:`geodata.problems.CHAIN_CODES`).
    """
    problems = []
    by_place: dict[str, list[tuple]] = {}
    for item in parsed:
        by_place.setdefault(item[1], []).append(item)
    for place_id, items in by_place.items():
        items.sort(key=lambda t: (t[3], KIND_ORDER.get(t[2], 9), t[0]))
        problems += _check_chain(place_id, items, file)
    return problems


def _check_chain(place_id: str, items: list[tuple], file: str) -> list[Problem]:
    """Check one place's events, sorted by date: who held it at each step."""
    problems = []
    holder = None
    contest_end = None  # effective end of the running contest
    captures = [t[3] for t in items if t[2] == "capture"]
    for line, _pid, kind, date, end, from_f, to_f in items:

        def add(code, column, message, line=line):
            problems.append(Problem(file, line, column, message, code=code))

        on, held = date.date(), f"{place_id!r} was held by {holder} on {date.date()}"
        if kind == "initial":
            if holder is not None:
                message = "a place has one holder at the start; use a capture"
                add(
                    "chain.second_initial",
                    "kind",
                    f"second initial event for {place_id!r}: {message}",
                )
            else:
                holder = to_f
            continue
        if holder is None:
            start = TIMELINE_START.date()
            message = f"add an 'initial' row giving its holder on {start}"
            add(
                "chain.no_initial",
                "kind",
                f"{place_id!r} has a {kind} on {on} before its initial event: {message}",
            )
            holder = from_f
            held = f"{place_id!r} was held by {holder} on {on}"
        if kind == "capture":
            if from_f != holder:
                add("chain.held_by", "from_faction", f"broken chain: {held}, not {from_f}")
            holder = to_f
        elif kind == "contest":
            if contest_end is not None and date < contest_end:
                until = f"of {place_id!r} (until {contest_end.date()})"
                add(
                    "chain.contest_overlap",
                    "date",
                    f"contest starting {on} overlaps the previous contest {until}",
                )
            if from_f != holder:
                add("chain.contest_held_by", "from_faction", f"contest from {from_f}, but {held}")
            later = [c for c in captures if c >= date]
            contest_end = end if end is not None else (later[0] if later else TIMELINE_END)
        elif kind == "milestone" and from_f != holder:
            add(
                "chain.milestone_held_by",
                "from_faction",
                f"milestone names {from_f} as holder, but {held}",
            )
    return problems
