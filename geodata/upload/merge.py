"""An upload on top of other data (``"layer"`` mode), and the dataset an upload builds.

In ``"layer"`` mode the user's rows are checked together with the base history
of the places they touch, unless a row is the place's ``initial`` event (then
the upload replaces that history). A problem found in a base row is pointed at
the base data; a problem of a place's chain of control is explained as checked
with that history. Problems are chosen by their ``code``
(:data:`geodata.problems.CHAIN_CODES`), never by their wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as _replace

import pandas as pd

from geodata.dataset import Dataset
from geodata.events import EVENT_COLUMNS
from geodata.factions import normalize_faction
from geodata.io import events_frame, places_frame
from geodata.problems import CHAIN_CODES, Problem

from .places import Places, unique_id
from .templates import events_text

__all__ = ["Layer", "build", "layer", "relabel"]


@dataclass
class Layer:
    """The user's rows together with the base history of the places they touch.

    Attributes
    ----------
    user : pandas.DataFrame
        The user's rows, event ids made unique against the base data's.
    combined : pandas.DataFrame
        ``user`` (with the base data's defaults for missing columns), then the
        base rows appended for checking.
    base_rows : list of int
        For each appended base row, its row in the base events CSV.
    base_kept : pandas.DataFrame
        The base events kept in the dataset (all but the replaced histories
        and the rows the user repeats).
    notes : list of Problem
        Warnings: repeated base events, renamed event ids.
    touched : set of str
        Places checked together with their base history.
    """

    user: pd.DataFrame
    combined: pd.DataFrame
    base_rows: list[int]
    base_kept: pd.DataFrame | None
    notes: list[Problem]
    touched: set[str]


def _faction_key(value: str) -> str:
    try:
        return normalize_faction(value) if value else ""
    except ValueError:
        return value.strip().upper()


def _event_key(row) -> tuple:
    """What makes two events the same: place, kind, date and factions."""
    return (
        row.get("place_id", ""),
        str(row.get("kind", "")).lower(),
        row.get("date", ""),
        _faction_key(row.get("from_faction", "")),
        _faction_key(row.get("to_faction", "")),
    )


def layer(user: pd.DataFrame, base: Dataset, first: int, file: str) -> Layer:
    """Combine the user's rows with the base history of the places they touch."""
    base_events = events_text(base.events)
    base_events["_base_row"] = range(2, len(base_events) + 2)
    kinds = user["kind"].str.lower() if "kind" in user.columns else pd.Series("", user.index)
    resolved = ~user["place_id"].str.startswith("pending:")
    replaced = set(user.loc[resolved & (kinds == "initial"), "place_id"])
    touched = set(user.loc[resolved, "place_id"]) - replaced
    kept = base_events[~base_events["place_id"].isin(replaced)]
    notes: list[Problem] = []
    kept = _drop_repeated_base_rows(user, kept, touched, notes, base, first, file)
    user = _rename_clashing_ids(user, set(kept["event_id"]), notes, base, first, file)
    appended = kept[kept["place_id"].isin(touched)]
    # Columns the file lacks get the value the data layer gives them (events_frame), so
    # the rows are validated, chains included, as they will be used.
    defaults = {c: "high" if c == "certainty" else "" for c in EVENT_COLUMNS if c not in user}
    mine = user.assign(**defaults)
    combined = pd.concat([mine, appended.drop(columns="_base_row")], ignore_index=True)
    return Layer(
        user,
        combined,
        appended["_base_row"].tolist(),
        kept.drop(columns="_base_row"),
        notes,
        set(appended["place_id"]),
    )


def _drop_repeated_base_rows(user, kept, touched, notes, base, first, file) -> pd.DataFrame:
    """A user row that repeats a base event replaces it (same place, kind, date, factions)."""
    near = kept[kept["place_id"].isin(touched)]
    records = near.to_dict("records")
    base_keys = {
        _event_key(r): (i, r["event_id"]) for i, r in zip(near.index, records, strict=True)
    }
    dropped = []
    for i, row in enumerate(user.to_dict("records")):
        hit = base_keys.get(_event_key(row))
        if hit is not None and hit[0] not in dropped:
            dropped.append(hit[0])
            message = (
                f"same as the {base.name} event {hit[1]!r} (place, kind, date and factions): "
                "yours replaces it"
            )
            where = (file, i + first, None)
            notes.append(Problem(*where, message, severity="warning", code="layer.replaces_base"))
    return kept.drop(index=dropped)


def _rename_clashing_ids(user, taken: set, notes, base, first, file) -> pd.DataFrame:
    """Event ids stay unique: a user id that the kept base events use gets a suffix."""
    renamed = []
    for i, event_id in enumerate(user["event_id"]):
        new_id = unique_id(f"{event_id}-upload", taken) if event_id in taken else event_id
        if new_id != event_id:
            message = (
                f"event id {event_id!r} is also used by the {base.name} data; "
                f"yours is kept as {new_id!r}"
            )
            code = "layer.event_id_renamed"
            notes.append(
                Problem(file, i + first, "event_id", message, severity="warning", code=code)
            )
        taken.add(new_id)
        renamed.append(new_id)
    return user.assign(event_id=renamed)


def relabel(problems, merged: Layer, first: int, base: Dataset, file: str) -> list[Problem]:
    """Point problems found in appended base rows at the base data, and explain chains."""
    out = []
    n_user = len(merged.user)
    label = f"{base.name} events.csv"
    for p in problems:
        if p.file == file and p.row is not None and p.row >= first + n_user:
            message = (
                f"{p.message} (a {base.name} event, checked together with your rows for this "
                "place; an 'initial' row for the place replaces its history)"
            )
            row = merged.base_rows[p.row - first - n_user]
            out.append(_replace(p, file=label, row=row, message=message))
        elif (
            p.file == file
            and p.row is not None
            and p.code in CHAIN_CODES
            and merged.user["place_id"].iloc[p.row - first] in merged.touched
        ):
            message = (
                f"{p.message} (checked together with the {base.name} history of this place; "
                "an 'initial' row for the place replaces that history)"
            )
            out.append(_replace(p, message=message))
        else:
            out.append(p)
    return out


def build(user, base_kept, known: Places, first, mode, base, file, *, drop) -> Dataset:
    """Shape the rows that resolved, and the base events kept, into a Dataset."""
    lines = pd.Series(range(first, first + len(user)), index=user.index)
    mine = user[~lines.isin(drop)]
    prefix = "row" if first == 2 else "feature"
    numbers = lines[mine.index]
    mine = mine.assign(
        event_id=[e or f"{prefix}-{n}" for e, n in zip(mine["event_id"], numbers, strict=True)]
    )
    tables = [mine]
    if mode == "layer":
        tables.append(base_kept)
    events = pd.concat(tables, ignore_index=True).fillna("")
    used = set(events["place_id"])
    places = known.table[known.table["id"].isin(used)].reset_index(drop=True)
    name = file if mode == "replace" else f"{base.name} + {file}"
    return Dataset(places_frame(places), events_frame(events), name=name)
