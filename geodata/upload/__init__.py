"""Read a user's own events (and places) from uploaded files, safely.

An upload is bytes and a file name, as an upload widget gives them. It goes
through the same steps as the built-in data, in one direction, one module each:

1. **read** (:mod:`.sheets`, with :mod:`.geojson` and :mod:`.gpkg`): CSV,
   GeoJSON or GeoPackage into a :class:`~.cells.Sheet` of text cells, one row
   per CSV row or feature; an unreadable file becomes a
   :class:`~geodata.problems.Problem`, never an exception;
2. **tidy** (:mod:`.tidy`): column names in any case, the limit on cell length
   (rows are counted while reading), dates written day first converted to ISO
   when the uploader says so;
3. **resolve places** (:mod:`.names`, over :mod:`.places`): rows may name their
   place by ``place_id`` or by name (``place``, ``place_name`` or ``town``),
   geocoded with the base dataset's gazetteer; uncertain names wait for the
   uploader to confirm them (:class:`NameToConfirm`);
4. **validate** (:mod:`.check`) with :func:`~geodata.validate.validate_events`
   (in ``"layer"`` mode together with the base data's history of the same
   places, :mod:`.merge`);
5. **build** (:func:`.merge.build`) a :class:`~geodata.dataset.Dataset` from
   the rows that resolved, only when none of them has an error.

:mod:`.templates` makes the CSV downloads (the template, the built-in data).
Nothing in an upload is executed or unpickled: CSV and JSON are parsed as
text, a GeoPackage is read by GDAL (through pyogrio) from a temporary file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geodata.dataset import Dataset
from geodata.io import load_builtin
from geodata.problems import Problem, errors_only

from .cells import MAX_ROWS
from .check import check_rows, user_rows
from .merge import build, layer
from .names import MAX_PLACE_NAMES, PLACE_NAME_COLUMNS, NameToConfirm, event_points, resolve
from .places import Places, overridden_places, prepare_places
from .sheets import as_bytes, read_sheet
from .templates import builtin_csv, dataset_csv, template_csv
from .tidy import MAX_CELL_CHARS, normalize_dates, tidy

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_PLACE_NAMES",
    "MAX_ROWS",
    "MODES",
    "PLACE_NAME_COLUMNS",
    "NameToConfirm",
    "UploadResult",
    "builtin_csv",
    "dataset_csv",
    "read_upload",
    "template_csv",
]

MODES = ("replace", "layer")


@dataclass
class UploadResult:
    """What an upload gave: the data to map, and everything the user should see.

    Attributes
    ----------
    dataset : Dataset or None
        The data to show, built from the rows whose place is known, or None
        when there are errors in them (or no such rows): the caller keeps
        showing the data it had.
    problems : list of Problem
        Every problem found, errors and warnings, each naming the file, the
        row (CSV: as a spreadsheet shows it, header = 1; GeoJSON and
        GeoPackage: the feature number, from 1) and the column.
    to_confirm : list of NameToConfirm
        One entry per place name that needs the user (its ``name`` as written,
        where it is, why, the suggestions and the ``message`` to show).
        Answer with ``confirmed={name: place_id}`` on the next call.
    pending_rows : pandas.DataFrame
        The rows kept aside until their place is confirmed: ``row``,
        ``place`` (the name as written) and the file's columns.
    summary : str
        One sentence: "312 events for 41 places loaded; 3 names to confirm
        (7 rows waiting); 0 errors".
    new_places : list of dict
        Places the upload added that neither the base data nor the places
        file had (GeoNames towns the user confirmed, or rows with their own
        coordinates): ``id``, ``name``, ``lat``, ``lon``, ``coord_source``.
    """

    dataset: Dataset | None
    problems: list[Problem]
    to_confirm: list[NameToConfirm]
    pending_rows: pd.DataFrame
    summary: str
    new_places: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``"error"``."""
        return errors_only(self.problems)


def read_upload(
    events,
    *,
    filename: str,
    places=None,
    places_filename: str | None = None,
    base: Dataset | None = None,
    mode: str = "replace",
    dayfirst: bool = False,
    confirmed: dict[str, str | None] | None = None,
) -> UploadResult:
    """Read, check and map a user's own events (and optionally places).

    Parameters
    ----------
    events : bytes
        The events file as uploaded: CSV (UTF-8 with or without BOM, comma,
        semicolon or tab), GeoJSON FeatureCollection (properties are the
        columns; an optional Point geometry places a town the gazetteer does
        not know) or GeoPackage (the layer named ``events``, else the first).
        Rows name their place by ``place_id`` or by name (``place``,
        ``place_name`` or ``town``); the other columns are those of
        ``events.csv``, in any case.
    filename : str
        The file's name, for its format (by extension, then by content) and
        for messages.
    places : bytes, optional
        A places file in the same formats (for GeoJSON and GeoPackage, the
        Point geometry gives ``lat``/``lon``). Its places are added to the
        base data's, replacing those with the same id.
    places_filename : str, optional
        Its name (default ``places.csv``).
    base : Dataset, optional
        The data whose gazetteer resolves names and, in ``"layer"`` mode,
        whose events the upload is added to (default: the built-in data).
    mode : {"replace", "layer"}, default "replace"
        ``"replace"``: the upload is the whole dataset; the base places stay
        available for ids and names, and only places with events are mapped.
        ``"layer"``: the events are added to the base data's; a place whose
        upload has an ``initial`` row gets the uploaded history instead of
        the base one, otherwise its rows are checked and kept together with
        its base history.
    dayfirst : bool, default False
        Read dates such as ``27/03/2016`` or ``27.03.2016`` as day first.
        Without it such dates are reported, asking for this option.
    confirmed : dict, optional
        ``{name as written: place id}`` from the user's answers to
        ``to_confirm``; an id may be a GeoNames id (``geonames-172503``),
        which adds that town; ``None`` leaves the name's rows out.

    Returns
    -------
    UploadResult
        Never raises on bad data: every problem of both files is listed.

    Examples
    --------
    >>> read_upload(template_csv(), filename="template.csv").summary
    '2 events for 1 place loaded; 0 names to confirm; 0 errors'
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    base = base if base is not None else load_builtin()
    filename = str(filename or "events.csv")
    places_filename = str(places_filename or "places.csv")
    psheet, place_table = _read_places(places, places_filename)
    problems: list[Problem] = [] if psheet is None else list(psheet.problems)
    sheet = _read_sheet(as_bytes(events), filename, what="events")
    if sheet.unreadable or (places is not None and place_table is None):
        return _result(None, problems + sheet.problems, [], _empty_pending(), mode, base)
    if sheet.table.empty:
        rows = "a header but no rows" if sheet.first_row == 2 else "no features"
        empty = Problem(filename, None, None, f"the file has {rows}", code="file.no_rows")
        return _result(None, [*problems, *sheet.problems, empty], [], _empty_pending(), mode, base)
    if place_table is not None:
        problems += overridden_places(place_table, base, places_filename, psheet.first_row)
    known = Places(base, place_table, file=places_filename)
    options = {"base": base, "mode": mode, "dayfirst": dayfirst, "confirmed": confirmed or {}}
    return _read_events(sheet, known, problems, **options)


def _read_sheet(raw: bytes, file: str, *, what: str):
    """Read and tidy one file (nothing to tidy when it is unreadable)."""
    sheet = read_sheet(raw, file, what=what)
    if not sheet.unreadable:
        tidy(sheet)
    return sheet


def _read_places(places, file: str):
    """Read, tidy and check a places file: ``(sheet, table or None when unusable)``.

    ``(None, None)`` when there is no places file.
    """
    if places is None:
        return None, None
    sheet = _read_sheet(as_bytes(places), file, what="places")
    return sheet, None if sheet.unreadable else prepare_places(sheet)


def _read_events(sheet, known, problems, *, base, mode, dayfirst, confirmed) -> UploadResult:
    """Resolve, validate, relabel and build: the steps after reading both files."""
    first = sheet.first_row
    notes = normalize_dates(sheet, dayfirst=dayfirst)
    event_points(sheet)
    found = resolve(sheet, known, confirmed, "row" if first == 2 else "feature")
    too_many = [p for p in found.problems if p.code == "file.too_many_places"]
    if too_many:  # one problem for the file, not one per row whose place was not looked up
        return _result(None, problems + sheet.problems + too_many, [], _empty_pending(), mode, base)
    problems += sheet.problems + found.problems
    rows = user_rows(sheet, found)
    merged = None
    if mode == "layer" and not rows.missing_place:
        merged = layer(rows.table, base, first, sheet.file)
        problems += merged.notes
    problems += check_rows(
        sheet, rows, merged, known, base=base, mode=mode, notes=notes, dayfirst=dayfirst
    )
    confirm_problems = [entry.problem() for entry in found.to_confirm]
    problems += confirm_problems
    dataset = _dataset(sheet, rows, merged, known, problems, base=base, mode=mode)
    result = _result(
        dataset,
        problems,
        found.to_confirm,
        _pending_table(sheet, found.waiting),
        mode,
        base,
        added=len(rows.table) - len(rows.pending_lines) - len(rows.skipped_lines),
        skipped=len(rows.skipped_lines),
        confirm_warnings=len(confirm_problems),
    )
    used = set() if dataset is None else set(dataset.places["id"])
    result.new_places = [p for p in known.new if dataset is None or p["id"] in used]
    return result


def _dataset(sheet, rows, merged, known, problems, *, base, mode) -> Dataset | None:
    """The dataset of the rows that resolved, when no error blocks it (warnings appended)."""
    file = sheet.file
    blocking = [
        p
        for p in errors_only(problems)
        if p.row is None or p.file != file or p.row not in rows.pending_lines
    ]
    resolved = len(rows.table) - len(rows.pending_lines) - len(rows.skipped_lines)
    if blocking or resolved <= 0 or rows.missing_place:
        return None
    user = merged.user if merged is not None else rows.table
    base_kept = merged.base_kept if merged is not None else None
    drop = rows.pending_lines | rows.skipped_lines
    dataset = build(user, base_kept, known, sheet.first_row, mode, base, file, drop=drop)
    unused = [i for i in known.uploaded_ids if i not in set(dataset.places["id"])]
    if unused:
        shown = ", ".join(unused[:5]) + (", …" if len(unused) > 5 else "")
        message = f"{len(unused)} uploaded place(s) have no events and are not mapped: {shown}"
        code = "places.unused"
        problems.append(Problem(known.file, None, "id", message, severity="warning", code=code))
    return dataset


def _pending_table(sheet, waiting: dict[str, list[int]]) -> pd.DataFrame:
    """The rows waiting for a name: ``row``, ``place`` (as written), then the file's columns."""
    key_of = {i: key for key, rows in waiting.items() for i in rows}
    pending = sheet.table.iloc[sorted(key_of)].drop(columns=["row", "place"], errors="ignore")
    pending.insert(0, "place", [key_of[i] for i in pending.index])
    pending.insert(0, "row", pending.index + sheet.first_row)
    return pending.reset_index(drop=True)


def _empty_pending() -> pd.DataFrame:
    return pd.DataFrame(columns=["row", "place"])


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _result(
    dataset, problems, to_confirm, pending, mode, base, *, added=0, skipped=0, confirm_warnings=0
) -> UploadResult:
    errors = len(errors_only(problems))
    waiting = len(pending)
    if dataset is None:
        head = "Nothing loaded"
    else:
        places = dataset.places["id"].nunique()
        counts = f"{_plural(len(dataset.events), 'event')} for {_plural(places, 'place')}"
        if mode == "layer":
            head = f"{_plural(added, 'event')} of yours added to the {base.name} data ({counts})"
        else:
            head = f"{counts} loaded"
    parts = [
        head,
        _plural(len(to_confirm), "name")
        + " to confirm"
        + (f" ({_plural(waiting, 'row')} waiting)" if waiting else ""),
    ]
    if skipped:
        parts.append(f"{_plural(skipped, 'row')} left out as you asked")
    parts.append(_plural(errors, "error"))
    warnings_count = len(problems) - errors - confirm_warnings
    if warnings_count > 0:
        parts.append(_plural(warnings_count, "warning"))
    return UploadResult(dataset, problems, to_confirm, pending, "; ".join(parts))
