"""Check place and event tables before they are used, row by row.

Every problem names the file, the row (as a spreadsheet shows it: the header
is row 1) and the column, says what was received and what was expected, and
suggests a fix where one exists. Problems are collected, never raised one at
a time, so a user sees everything wrong with a file at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from .events import (
    CERTAINTIES,
    EVENT_COLUMNS,
    KIND_ORDER,
    KINDS,
    PLACE_COLUMNS,
    PRECISIONS,
    TIMELINE_END,
    TIMELINE_START,
)
from .factions import FACTION_CODES, UNKNOWN, normalize_faction
from .safety import control_problems, parse_degrees

__all__ = ["Problem", "validate_places", "validate_events", "parse_date", "errors_only"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_PLACE_COLUMNS = ("id", "name", "lat", "lon")
REQUIRED_EVENT_COLUMNS = ("place_id", "kind", "date", "to_faction", "source_url")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one file).

    Attributes
    ----------
    file : str
        File name as the user knows it.
    row : int or None
        Row number as a spreadsheet shows it (header = 1); None for the file.
    column : str or None
        Column name; None for a whole row or file.
    message : str
        What was received and what was expected.
    suggestion : str or None
        A likely fix ("did you mean ISIS?").
    severity : str
        ``"error"`` (the data cannot be used) or ``"warning"``.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    suggestion: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}"
        if self.suggestion:
            text += f" (did you mean {self.suggestion}?)"
        return text if self.severity == "error" else f"warning: {text}"

    def to_dict(self) -> dict:
        """Return the problem as a JSON-ready dict."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "suggestion": self.suggestion,
            "severity": self.severity,
        }


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """Return the problems of severity ``"error"``."""
    return [p for p in problems if p.severity == "error"]


def _closest(value: str, choices: Iterable[str], *, cutoff: float = 60) -> str | None:
    choices = list(choices)
    if not value or not choices:
        return None
    hit = process.extractOne(value, choices, scorer=fuzz.WRatio, score_cutoff=cutoff)
    return hit[0] if hit else None


def parse_date(text: str) -> pd.Timestamp:
    """Parse a strict ISO ``YYYY-MM-DD`` date.

    Raises
    ------
    ValueError
        For another format or a date that does not exist (2015-02-30).

    Examples
    --------
    >>> parse_date("2016-03-27")
    Timestamp('2016-03-27 00:00:00')
    """
    text = str(text).strip()
    if not _ISO_DATE.match(text):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is not a real date") from None


def _cell(row: dict, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _missing_columns(table: pd.DataFrame, required, known, file: str) -> list[Problem]:
    problems = []
    for column in required:
        if column not in table.columns:
            problems.append(
                Problem(
                    file,
                    None,
                    column,
                    f"missing required column '{column}'; the file has: "
                    f"{', '.join(map(str, table.columns)) or 'no columns'}",
                    _closest(column, map(str, table.columns)),
                )
            )
    for column in table.columns:
        if column not in known:
            problems.append(
                Problem(
                    file,
                    None,
                    str(column),
                    "unknown column (ignored)",
                    _closest(str(column), known),
                    "warning",
                )
            )
    return problems


def validate_places(
    places: pd.DataFrame, *, file: str = "places.csv", first_row: int = 2
) -> list[Problem]:
    """Check a place table (all cells as text).

    Parameters
    ----------
    places : pandas.DataFrame
        As read from a CSV, cells as strings.
    file : str
        Name used in messages.
    first_row : int, default 2
        Number of the table's first row in messages: 2 for a CSV (the header
        is row 1), 1 for the features of a GeoJSON or GeoPackage.

    Returns
    -------
    list of Problem
        Empty when the table is valid.
    """
    problems = _missing_columns(places, REQUIRED_PLACE_COLUMNS, PLACE_COLUMNS, file)
    if any(p.severity == "error" for p in problems):
        return problems
    problems += control_problems(places, file=file, first_row=first_row)
    seen: dict[str, int] = {}
    for i, row in enumerate(places.to_dict("records")):
        line = i + first_row

        def add(column, message, suggestion=None, severity="error", line=line):
            problems.append(Problem(file, line, column, message, suggestion, severity))

        place_id = _cell(row, "id").strip()
        if not place_id:
            add("id", "empty id: expected a slug such as 'deir-ez-zor'")
        elif not _SLUG.match(place_id):
            slug = re.sub(r"[^a-z0-9]+", "-", place_id.lower()).strip("-")
            add("id", f"id {place_id!r} is not a slug (lower-case letters, digits, hyphens)", slug)
        elif place_id in seen:
            add("id", f"duplicate id {place_id!r} (first on row {seen[place_id]})")
        else:
            seen[place_id] = line
        if not _cell(row, "name").strip():
            add("name", "empty name: expected the English name of the place")
        for column, low, high in (("lat", -90, 90), ("lon", -180, 180)):
            text = _cell(row, column).strip()
            try:
                value = parse_degrees(text)  # ASCII digits only: float() takes "٣٥" and "3_5"
            except ValueError as exc:
                add(column, str(exc))
                continue
            if not low <= value <= high or value != value:
                add(column, f"{value} is outside {low}..{high}")
        try:
            lat, lon = parse_degrees(_cell(row, "lat")), parse_degrees(_cell(row, "lon"))
        except ValueError:
            lat = lon = None
        if lat is not None and not (25 <= lat <= 43 and 25 <= lon <= 56):
            hint = f"{lon}, {lat}" if (25 <= lon <= 43 and 25 <= lat <= 56) else None
            add(
                "lat",
                f"({lat}, {lon}) is far from Syria and Iraq",
                f"swapped lat/lon: lat={hint}" if hint else None,
                "warning",
            )
        country = _cell(row, "country").strip()
        if "country" in places.columns and country and not re.match(r"^[A-Z]{2}$", country):
            add("country", f"expected an ISO 3166 alpha-2 code such as SY or IQ, got {country!r}")
    return problems


def _check_date(add, row, column, precision_column, *, required: bool):
    text = _cell(row, column).strip()
    if not text:
        if required:
            add(column, "empty date: expected YYYY-MM-DD")
        return None
    try:
        date = parse_date(text)
    except ValueError as exc:
        add(column, str(exc))
        return None
    if not TIMELINE_START <= date <= TIMELINE_END:
        add(
            column,
            f"{text} is outside the timeline {TIMELINE_START.date()}..{TIMELINE_END.date()}",
        )
        return None
    precision = _cell(row, precision_column).strip().lower() or "day"
    if precision not in PRECISIONS:
        add(
            precision_column,
            f"unknown precision {precision!r}: expected one of {', '.join(PRECISIONS)}",
            _closest(precision, PRECISIONS),
        )
    elif precision == "month" and date.day != 1:
        add(precision_column, f"precision 'month' needs the first of the month, got {text}",
            f"{date.strftime('%Y-%m')}-01")  # fmt: skip
    elif precision == "year" and (date.month, date.day) != (1, 1):
        add(precision_column, f"precision 'year' needs 1 January, got {text}",
            f"{date.year}-01-01")  # fmt: skip
    return date


def _check_faction(add, row, column, *, required: bool):
    text = _cell(row, column).strip()
    if not text:
        if required:
            add(column, f"empty faction: expected one of {', '.join(FACTION_CODES)}")
        return None
    try:
        return normalize_faction(text)
    except ValueError as exc:
        add(column, str(exc), _closest(text.upper(), FACTION_CODES, cutoff=50))
        return None


def validate_events(
    events: pd.DataFrame,
    place_ids: Iterable[str],
    *,
    file: str = "events.csv",
    place_names: dict[str, str] | None = None,
    first_row: int = 2,
    skip_chains: Iterable[str] = (),
) -> list[Problem]:
    """Check an event table (all cells as text) against known place ids.

    Checks the schema, dates (real, in range, consistent with their
    precision), factions, kinds, sources (http/https links), duplicates and
    the chain of control of each place: the first event is ``initial``, each
    capture starts from the holder the previous one left, contests start from
    the holder and do not overlap.

    Parameters
    ----------
    events : pandas.DataFrame
        As read from a CSV, cells as strings.
    place_ids : iterable of str
        Ids of the known places.
    file : str
        Name used in messages.
    place_names : dict, optional
        ``{id: name}``; names are also accepted in ``place_id`` suggestions.
    first_row : int, default 2
        Number of the table's first row in messages: 2 for a CSV (the header
        is row 1), 1 for the features of a GeoJSON or GeoPackage.
    skip_chains : iterable of str, optional
        Place ids whose chain of control is not checked (rows set aside
        until the uploader confirms which place they mean).

    Returns
    -------
    list of Problem
    """
    problems = _missing_columns(events, REQUIRED_EVENT_COLUMNS, EVENT_COLUMNS, file)
    if any(p.severity == "error" for p in problems):
        return problems
    problems += control_problems(events, file=file, first_row=first_row)
    place_ids = set(place_ids)
    place_names = place_names or {}
    parsed = []
    seen_ids: dict[str, int] = {}
    seen_rows: dict[tuple, int] = {}
    for i, row in enumerate(events.to_dict("records")):
        line = i + first_row
        bad_before = len(problems)

        def add(column, message, suggestion=None, severity="error", line=line):
            problems.append(Problem(file, line, column, message, suggestion, severity))

        event_id = _cell(row, "event_id").strip()
        if "event_id" in events.columns:
            if not event_id:
                add("event_id", "empty event id", severity="warning")
            elif event_id in seen_ids:
                add("event_id", f"duplicate event id {event_id!r} (first on row "
                                f"{seen_ids[event_id]})")  # fmt: skip
            else:
                seen_ids[event_id] = line
        place_id = _cell(row, "place_id").strip()
        if not place_id:
            add("place_id", "empty place id")
        elif place_id not in place_ids:
            by_name = {v.lower(): k for k, v in place_names.items()}
            guess = by_name.get(place_id.lower()) or _closest(place_id, place_ids)
            add("place_id", f"unknown place id {place_id!r}", guess)
        kind = _cell(row, "kind").strip().lower()
        if kind not in KINDS:
            add("kind", f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}",
                _closest(kind, KINDS))  # fmt: skip
        date = _check_date(add, row, "date", "date_precision", required=True)
        end = _check_date(add, row, "end_date", "end_precision", required=False)
        if end is not None and kind != "contest":
            add("end_date", f"only contest events have an end date (this is {kind!r})")
        if end is not None and date is not None and end < date:
            add("end_date", f"end {end.date()} is before start {date.date()}")
        to_faction = _check_faction(add, row, "to_faction", required=True)
        from_faction = _check_faction(add, row, "from_faction", required=kind != "initial")
        if kind == "initial" and from_faction:
            add("from_faction", "an initial event has no from_faction (it sets the first holder)")
        if kind in ("contest", "milestone") and UNKNOWN in (from_faction, to_faction):
            column = "to_faction" if to_faction == UNKNOWN else "from_faction"
            add(column, f"a {kind} needs known factions: {UNKNOWN} may only start or end "
                        "a period of unknown holder (initial or capture rows)")  # fmt: skip
        if kind in ("capture", "contest") and from_faction and from_faction == to_faction:
            add("to_faction", f"{kind} from {from_faction} to itself: expected two factions")
        certainty = _cell(row, "certainty").strip().lower()
        if "certainty" in events.columns and certainty not in CERTAINTIES:
            expected = ", ".join(CERTAINTIES)
            message = f"unknown certainty {certainty!r}: expected one of {expected}"
            add("certainty", message, _closest(certainty, CERTAINTIES))
        url = _cell(row, "source_url").strip()
        if not url:
            add("source_url", "empty source: every event needs the http(s) link of its source")
        elif not re.match(r"^https?://[^\s/$.?#][^\s]*$", url, re.IGNORECASE):
            add("source_url", f"expected an http:// or https:// link, got {url[:80]!r}")
        if "source_title" in events.columns and not _cell(row, "source_title").strip():
            add("source_title", "empty source title", severity="warning")
        key = (place_id, kind, date, from_faction, to_faction)
        if date is not None and key in seen_rows:
            add(None, f"duplicate of row {seen_rows[key]} (same place, kind, date and factions)")
        elif date is not None:
            seen_rows[key] = line
        if len(problems) == bad_before or all(
            p.severity == "warning" for p in problems[bad_before:]
        ):
            parsed.append((line, place_id, kind, date, end, from_faction, to_faction))
    skip_chains = set(skip_chains)
    problems.extend(_check_chains([t for t in parsed if t[1] not in skip_chains], file))
    return problems


def _check_chains(parsed: list[tuple], file: str) -> list[Problem]:
    """Check each place's sequence of events (rows that parsed cleanly)."""
    problems = []
    by_place: dict[str, list[tuple]] = {}
    for item in parsed:
        by_place.setdefault(item[1], []).append(item)
    for place_id, items in by_place.items():
        items.sort(key=lambda t: (t[3], KIND_ORDER.get(t[2], 9), t[0]))
        holder = None
        contest_end = None  # effective end of the running contest
        captures = [t[3] for t in items if t[2] == "capture"]
        for line, _pid, kind, date, end, from_f, to_f in items:

            def add(column, message, line=line):
                problems.append(Problem(file, line, column, message))

            if kind == "initial":
                if holder is not None:
                    add("kind", f"second initial event for {place_id!r}: a place has one "
                                "holder at the start; use a capture")  # fmt: skip
                else:
                    holder = to_f
                continue
            if holder is None:
                add("kind", f"{place_id!r} has a {kind} on {date.date()} before its initial "
                            "event: add an 'initial' row giving its holder on "
                            f"{TIMELINE_START.date()}")  # fmt: skip
                holder = from_f
            if kind == "capture":
                if from_f != holder:
                    add("from_faction", f"broken chain: {place_id!r} was held by {holder} "
                                        f"on {date.date()}, not {from_f}", )  # fmt: skip
                holder = to_f
            elif kind == "contest":
                if contest_end is not None and date < contest_end:
                    add("date", f"contest starting {date.date()} overlaps the previous contest "
                                f"of {place_id!r} (until {contest_end.date()})")  # fmt: skip
                if from_f != holder:
                    add("from_faction", f"contest from {from_f}, but {place_id!r} was held by "
                                        f"{holder} on {date.date()}")  # fmt: skip
                later = [c for c in captures if c >= date]
                contest_end = end if end is not None else (later[0] if later else TIMELINE_END)
            elif kind == "milestone" and from_f != holder:
                add("from_faction", f"milestone names {from_f} as holder, but {place_id!r} was "
                                    f"held by {holder} on {date.date()}")  # fmt: skip
    return problems
