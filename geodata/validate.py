"""Check place and event tables before they are used, row by row.

Every problem names the file, the row (as a spreadsheet shows it: the header
is row 1) and the column, says what was received and what was expected, and
suggests a fix where one exists. Problems are collected, never raised one at
a time, so a user sees everything wrong with a file at once.

Each table is checked by a table of small row checks (:data:`PLACE_CHECKS`,
:data:`EVENT_CHECKS`), in the manner of datasette's ``filters.py``: a check
reads one row, reports what is wrong with it, and records what it parsed for
the checks after it. The order of the table is the order of the messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from .chains import check_chains
from .events import (
    CERTAINTIES,
    EVENT_COLUMNS,
    KINDS,
    PLACE_COLUMNS,
    PRECISIONS,
    TIMELINE_END,
    TIMELINE_START,
)
from .factions import FACTION_CODES, UNKNOWN, normalize_faction
from .problems import Problem, errors_only, parse_date
from .safety import control_problems, parse_degrees

# Problem, parse_date and errors_only live in geodata.problems; they stay importable from
# here for the scripts that have always imported them from this module.
__all__ = [
    "EVENT_CHECKS",
    "PLACE_CHECKS",
    "Problem",
    "errors_only",
    "parse_date",
    "validate_events",
    "validate_places",
]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HTTP = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
REQUIRED_PLACE_COLUMNS = ("id", "name", "lat", "lon")
REQUIRED_EVENT_COLUMNS = ("place_id", "kind", "date", "to_faction", "source_url")


def _closest(value: str, choices: Iterable[str], *, cutoff: float = 60) -> str | None:
    choices = list(choices)
    if not value or not choices:
        return None
    hit = process.extractOne(value, choices, scorer=fuzz.WRatio, score_cutoff=cutoff)
    return hit[0] if hit else None


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
                    code="column.missing",
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
                    code="column.unknown",
                )
            )
    return problems


@dataclass
class _Pass:
    """One pass over a table: its file and columns, and what earlier rows held."""

    file: str
    columns: set
    place_ids: set = field(default_factory=set)
    place_names: dict = field(default_factory=dict)
    seen_ids: dict = field(default_factory=dict)  # place or event id -> first row
    seen_rows: dict = field(default_factory=dict)  # event key -> first row


@dataclass
class _Row:
    """One row being checked: its cells, the problems found, the values parsed."""

    table: _Pass
    cells: dict
    line: int
    problems: list = field(default_factory=list)
    parsed: dict = field(default_factory=dict)

    def text(self, column: str) -> str:
        """The cell as stripped text ("" when blank or absent)."""
        return _cell(self.cells, column).strip()

    def add(self, code, column, message, suggestion=None, severity="error") -> None:
        """Report a problem with this row."""
        where = (self.table.file, self.line, column)
        self.problems.append(Problem(*where, message, suggestion, severity, code=code))


def _run(checks, table: pd.DataFrame, run: _Pass, first_row: int):
    """Run the checks over every row; yield each row once checked."""
    for i, cells in enumerate(table.to_dict("records")):
        row = _Row(run, cells, i + first_row)
        for check in checks:
            check(row)
        yield row


# --------------------------------------------------------------------------- places


def _check_place_id(row: _Row) -> None:
    place_id, seen = row.text("id"), row.table.seen_ids
    if not place_id:
        row.add("id.empty", "id", "empty id: expected a slug such as 'deir-ez-zor'")
    elif not _SLUG.match(place_id):
        slug = re.sub(r"[^a-z0-9]+", "-", place_id.lower()).strip("-")
        message = f"id {place_id!r} is not a slug (lower-case letters, digits, hyphens)"
        row.add("id.not_slug", "id", message, slug)
    elif place_id in seen:
        row.add("id.duplicate", "id", f"duplicate id {place_id!r} (first on row {seen[place_id]})")
    else:
        seen[place_id] = row.line


def _check_name(row: _Row) -> None:
    if not row.text("name"):
        row.add("name.empty", "name", "empty name: expected the English name of the place")


def _check_degrees(row: _Row) -> None:
    for column, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        try:
            value = parse_degrees(row.text(column))  # ASCII digits only: float() takes "٣٥"
        except ValueError as exc:
            row.add("coordinate.invalid", column, str(exc))
            continue
        if not low <= value <= high or value != value:
            row.add("coordinate.out_of_range", column, f"{value} is outside {low}..{high}")


def _check_theatre(row: _Row) -> None:
    """Warn about a place far from Syria and Iraq: often lat and lon swapped."""
    try:
        lat, lon = parse_degrees(_cell(row.cells, "lat")), parse_degrees(_cell(row.cells, "lon"))
    except ValueError:
        return
    if not (25 <= lat <= 43 and 25 <= lon <= 56):
        hint = f"{lon}, {lat}" if (25 <= lon <= 43 and 25 <= lat <= 56) else None
        row.add(
            "coordinate.far",
            "lat",
            f"({lat}, {lon}) is far from Syria and Iraq",
            f"swapped lat/lon: lat={hint}" if hint else None,
            "warning",
        )


def _check_country(row: _Row) -> None:
    country = row.text("country")
    if "country" in row.table.columns and country and not re.match(r"^[A-Z]{2}$", country):
        message = f"expected an ISO 3166 alpha-2 code such as SY or IQ, got {country!r}"
        row.add("country.invalid", "country", message)


#: The row checks of a places table, in the order their messages are listed.
PLACE_CHECKS: tuple[Callable[[_Row], None], ...] = (
    _check_place_id,
    _check_name,
    _check_degrees,
    _check_theatre,
    _check_country,
)


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
    run = _Pass(file, set(places.columns))
    for row in _run(PLACE_CHECKS, places, run, first_row):
        problems += row.problems
    return problems


# --------------------------------------------------------------------------- events


def _check_event_id(row: _Row) -> None:
    event_id, seen = row.text("event_id"), row.table.seen_ids
    if "event_id" not in row.table.columns:
        return
    if not event_id:
        row.add("event_id.empty", "event_id", "empty event id", severity="warning")
    elif event_id in seen:
        message = f"duplicate event id {event_id!r} (first on row {seen[event_id]})"
        row.add("event_id.duplicate", "event_id", message)
    else:
        seen[event_id] = row.line


def _check_place(row: _Row) -> None:
    place_id, known = row.text("place_id"), row.table.place_ids
    row.parsed["place_id"] = place_id
    if not place_id:
        row.add("place_id.empty", "place_id", "empty place id")
    elif place_id not in known:
        by_name = {v.lower(): k for k, v in row.table.place_names.items()}
        guess = by_name.get(place_id.lower()) or _closest(place_id, known)
        row.add("place_id.unknown", "place_id", f"unknown place id {place_id!r}", guess)


def _check_kind(row: _Row) -> None:
    kind = row.parsed["kind"] = row.text("kind").lower()
    if kind not in KINDS:
        message = f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}"
        row.add("kind.unknown", "kind", message, _closest(kind, KINDS))


def _date(row: _Row, column: str, precision_column: str, *, required: bool):
    """Parse one date and check its precision; None when absent or wrong."""
    text = row.text(column)
    if not text:
        if required:
            row.add("date.empty", column, "empty date: expected YYYY-MM-DD")
        return None
    try:
        date = parse_date(text)
    except ValueError as exc:
        row.add("date.invalid", column, str(exc))
        return None
    if not TIMELINE_START <= date <= TIMELINE_END:
        timeline = f"{TIMELINE_START.date()}..{TIMELINE_END.date()}"
        row.add("date.out_of_range", column, f"{text} is outside the timeline {timeline}")
        return None
    _precision(row, text, date, precision_column)
    return date


def _precision(row: _Row, text: str, date: pd.Timestamp, column: str) -> None:
    precision = row.text(column).lower() or "day"
    if precision not in PRECISIONS:
        message = f"unknown precision {precision!r}: expected one of {', '.join(PRECISIONS)}"
        row.add("precision.unknown", column, message, _closest(precision, PRECISIONS))
    elif precision == "month" and date.day != 1:
        message = f"precision 'month' needs the first of the month, got {text}"
        row.add("precision.mismatch", column, message, f"{date.strftime('%Y-%m')}-01")
    elif precision == "year" and (date.month, date.day) != (1, 1):
        message = f"precision 'year' needs 1 January, got {text}"
        row.add("precision.mismatch", column, message, f"{date.year}-01-01")


def _check_dates(row: _Row) -> None:
    kind = row.parsed["kind"]
    date = row.parsed["date"] = _date(row, "date", "date_precision", required=True)
    end = row.parsed["end"] = _date(row, "end_date", "end_precision", required=False)
    if end is not None and kind != "contest":
        message = f"only contest events have an end date (this is {kind!r})"
        row.add("end_date.not_contest", "end_date", message)
    if end is not None and date is not None and end < date:
        message = f"end {end.date()} is before start {date.date()}"
        row.add("end_date.before_start", "end_date", message)


def _faction(row: _Row, column: str, *, required: bool) -> str | None:
    text = row.text(column)
    if not text:
        if required:
            message = f"empty faction: expected one of {', '.join(FACTION_CODES)}"
            row.add("faction.empty", column, message)
        return None
    try:
        return normalize_faction(text)
    except ValueError as exc:
        suggestion = _closest(text.upper(), FACTION_CODES, cutoff=50)
        row.add("faction.unknown", column, str(exc), suggestion)
        return None


def _check_factions(row: _Row) -> None:
    kind = row.parsed["kind"]
    to_f = row.parsed["to_faction"] = _faction(row, "to_faction", required=True)
    from_f = row.parsed["from_faction"] = _faction(row, "from_faction", required=kind != "initial")
    if kind == "initial" and from_f:
        message = "an initial event has no from_faction (it sets the first holder)"
        row.add("faction.initial_from", "from_faction", message)
    if kind in ("contest", "milestone") and UNKNOWN in (from_f, to_f):
        column = "to_faction" if to_f == UNKNOWN else "from_faction"
        message = (
            f"a {kind} needs known factions: {UNKNOWN} may only start or end "
            "a period of unknown holder (initial or capture rows)"
        )
        row.add("faction.unknown_holder", column, message)
    if kind in ("capture", "contest") and from_f and from_f == to_f:
        message = f"{kind} from {from_f} to itself: expected two factions"
        row.add("faction.same", "to_faction", message)


def _check_certainty(row: _Row) -> None:
    certainty = row.text("certainty").lower()
    if "certainty" in row.table.columns and certainty not in CERTAINTIES:
        message = f"unknown certainty {certainty!r}: expected one of {', '.join(CERTAINTIES)}"
        row.add("certainty.unknown", "certainty", message, _closest(certainty, CERTAINTIES))


def _check_source(row: _Row) -> None:
    url = row.text("source_url")
    if not url:
        message = "empty source: every event needs the http(s) link of its source"
        row.add("source.empty", "source_url", message)
    elif not _HTTP.match(url):
        message = f"expected an http:// or https:// link, got {url[:80]!r}"
        row.add("source.not_http", "source_url", message)
    if "source_title" in row.table.columns and not row.text("source_title"):
        row.add("source.title_empty", "source_title", "empty source title", severity="warning")


def _check_repeat(row: _Row) -> None:
    got = row.parsed
    if got["date"] is None:
        return
    key = (got["place_id"], got["kind"], got["date"], got["from_faction"], got["to_faction"])
    seen = row.table.seen_rows
    if key in seen:
        message = f"duplicate of row {seen[key]} (same place, kind, date and factions)"
        row.add("row.duplicate", None, message)
    else:
        seen[key] = row.line


#: The row checks of an events table, in the order their messages are listed. Each
#: may read what the checks before it parsed (``row.parsed``).
EVENT_CHECKS: tuple[Callable[[_Row], None], ...] = (
    _check_event_id,
    _check_place,
    _check_kind,
    _check_dates,
    _check_factions,
    _check_certainty,
    _check_source,
    _check_repeat,
)


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
    run = _Pass(file, set(events.columns), set(place_ids), place_names or {})
    parsed = []
    for row in _run(EVENT_CHECKS, events, run, first_row):
        problems += row.problems
        if not errors_only(row.problems):  # warnings only: the row takes part in its chain
            got = row.parsed
            keys = ("place_id", "kind", "date", "end", "from_faction", "to_faction")
            parsed.append((row.line, *(got[k] for k in keys)))
    skip_chains = set(skip_chains)
    problems.extend(check_chains([t for t in parsed if t[1] not in skip_chains], file))
    return problems
