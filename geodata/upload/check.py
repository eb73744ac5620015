"""Check an upload's rows with :func:`geodata.validate.validate_events`, as the uploader sees them.

The rows are those of the events file, with the place ids that resolving gave
them (rows waiting for a name get a ``pending:`` id, exempt from the chain
checks). The problems are then said in the uploader's terms: dates as they were
written, no repeats of what reading reported, none for the rows left out, and
in ``"layer"`` mode base rows pointed at the base data (:func:`.merge.relabel`).
Problems are chosen by ``code``, never by their wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as _replace

import pandas as pd

from geodata.events import EVENT_COLUMNS
from geodata.problems import Problem
from geodata.validate import validate_events

from .cells import Sheet
from .merge import Layer, relabel
from .names import PLACE_NAME_COLUMNS, Resolution
from .places import Places
from .tidy import explain_dates

__all__ = ["UserRows", "check_rows", "user_rows"]

_SKIPPED = "pending:skipped"


@dataclass
class UserRows:
    """The user's events as the data layer will read them.

    Attributes
    ----------
    table : pandas.DataFrame
        The events, place ids filled in, helper columns (names, lat/lon) dropped.
    missing_place : bool
        True when the file has neither ``place_id`` nor a place name column.
    pending_ids : dict
        ``{name: "pending:name"}`` for the names waiting for the uploader.
    pending_lines, skipped_lines : set of int
        Rows (as shown) waiting for a name, and rows the uploader left out.
    """

    table: pd.DataFrame
    missing_place: bool
    pending_ids: dict[str, str]
    pending_lines: set[int]
    skipped_lines: set[int]


def user_rows(sheet: Sheet, found: Resolution) -> UserRows:
    """The events of a tidy sheet with the place ids resolving gave them."""
    table, first, ids = sheet.table, sheet.first_row, list(found.ids)
    helper = [c for c in (*PLACE_NAME_COLUMNS, "lat", "lon", "geometry") if c in table.columns]
    missing_place = "place_id" not in table.columns and not any(
        c in table.columns for c in PLACE_NAME_COLUMNS
    )
    user = table.drop(columns=helper)
    pending_ids = {key: f"pending:{key}" for key in found.waiting}
    for key, rows in found.waiting.items():
        for i in rows:
            ids[i] = pending_ids[key]
    for i in found.skipped:
        ids[i] = _SKIPPED
    if not missing_place:
        user["place_id"] = ids
    if "event_id" not in user.columns:
        # Ids for files without them, from the row (or feature) number: stable across uploads.
        prefix = "row" if first == 2 else "feature"
        user.insert(0, "event_id", [f"{prefix}-{i + first}" for i in range(len(user))])
    pending_lines = {i + first for rows in found.waiting.values() for i in rows}
    skipped_lines = {i + first for i in found.skipped}
    return UserRows(user, missing_place, pending_ids, pending_lines, skipped_lines)


def check_rows(
    sheet: Sheet,
    rows: UserRows,
    merged: Layer | None,
    known: Places,
    *,
    base,
    mode,
    notes,
    dayfirst,
) -> list[Problem]:
    """Validate the rows (with the base history in ``"layer"`` mode); the problems to show."""
    file, first = sheet.file, sheet.first_row
    user = merged.user if merged is not None else rows.table
    exempt = [*rows.pending_ids.values(), _SKIPPED]
    found = validate_events(
        merged.combined if merged is not None else rows.table,
        known.ids | set(exempt),
        file=file,
        place_names=known.names,
        first_row=first,
        skip_chains=exempt,
    )
    found = explain_dates(sheet.unmute(found), notes, dayfirst=dayfirst, file=file)
    found = [p for p in found if p.row not in rows.skipped_lines or p.file != file]
    if mode == "layer":
        # Columns the file lacks come from the base rows: the user's cells are not empty by choice.
        absent = set(EVENT_COLUMNS) - set(user.columns)
        found = [p for p in found if not _in_user_rows(p, file, first, len(user), absent)]
    if merged is not None:
        found = relabel(found, merged, first, base, file)
    if rows.missing_place:
        found = [_name_columns_hint(p) for p in found]
    # Empty event ids are filled in from the row number (merge.build): nothing to warn about.
    found = [p for p in found if p.code != "event_id.empty"]
    return [
        _replace(p, message="empty place: give a place_id or a place name")
        if p.code == "place_id.empty"
        else p
        for p in found
    ]


def _in_user_rows(p: Problem, file: str, first: int, n_user: int, columns: set) -> bool:
    """True for a problem in one of the user's rows (not a base row), in ``columns``."""
    return p.file == file and p.row is not None and p.row < first + n_user and p.column in columns


def _name_columns_hint(p: Problem) -> Problem:
    """A missing ``place_id`` column may also be a place name column: say so."""
    if not (p.code == "column.missing" and p.column == "place_id"):
        return p
    names = ", ".join(repr(c) for c in PLACE_NAME_COLUMNS)
    return _replace(p, message=f"{p.message} (or a place name column: {names})", suggestion=None)
