"""Read place and event tables into a :class:`~geodata.dataset.Dataset`.

Reading is separate from checking (:mod:`geodata.validate`) and from shaping
(:func:`places_frame`, :func:`events_frame`), which take plain tables and are
what the tests exercise.
"""

from __future__ import annotations

import csv
import functools
import io as _io
import stat
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .dataset import Dataset
from .events import EVENT_COLUMNS, PLACE_COLUMNS
from .factions import normalize_faction
from .problems import DataError, Problem, errors_only
from .safety import MAX_COLUMNS, parse_degrees
from .validate import validate_events, validate_places
from .version import DATA_DIR

__all__ = [
    "DATA_DIR",
    "MAX_FILE_BYTES",
    "read_limited",
    "read_table",
    "too_many_columns",
    "with_columns",
    "places_frame",
    "events_frame",
    "load_dataset",
    "load_builtin",
]

MAX_FILE_BYTES = 20 * 1024 * 1024


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 (Excel's "Unicode text"): a BOM, or NUL as every other byte of ASCII text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    even, odd = head[0::2], head[1::2]
    return any(
        zeros.count(0) >= 0.9 * len(zeros) and text.count(0) <= 0.1 * len(text)
        for zeros, text in ((odd, even), (even, odd))
        if zeros and text
    )


def _wide_rows(text: str, delimiter: str, file: str) -> list[Problem]:
    """One problem per row with more cells than the header (rows as a spreadsheet shows them)."""
    try:
        rows = csv.reader(_io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
        width = len(next(rows, []))
        fix = "quote cells that contain a separator, or remove the extra cells"
        return [
            Problem(
                file,
                number,
                None,
                f"{len(row)} cells, but the header has {width}: {fix}",
                code="csv.wide_row",
            )
            for number, row in enumerate(rows, start=2)
            if len(row) > width
        ]
    except csv.Error:
        return []


def _size_problem(file: str, size: int) -> Problem:
    # MB as file managers show them (2**20 bytes), so the limit reads "20 MB".
    limit = f"the limit is {MAX_FILE_BYTES / 2**20:.0f} MB"
    return Problem(file, None, None, f"file is {size / 2**20:.1f} MB; {limit}", code="file.too_big")


def too_many_columns(file: str, count: int) -> Problem:
    """The problem of a file wider than :data:`~geodata.safety.MAX_COLUMNS`."""
    return Problem(
        file,
        None,
        None,
        f"the file has {count:,} columns; the limit is {MAX_COLUMNS:,} (the events format "
        "has 12): remove the columns you do not need",
        code="file.too_many_columns",
    )


def read_limited(path, *, file: str | None = None) -> bytes:
    """Read a data file from disk, refusing it before reading when it is too big.

    Only regular files are read: a folder, a pipe or a device (``/dev/zero``)
    is refused, and at most :data:`MAX_FILE_BYTES` + 1 bytes are ever read.

    Raises
    ------
    DataError
        When the file is missing, not a regular file, unreadable or too big.
    """
    path = Path(path)
    file = file or path.name
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            message = "not a regular file: expected a data file (CSV, GeoJSON or GeoPackage)"
            raise DataError([Problem(file, None, None, message, code="file.not_regular")])
        if info.st_size > MAX_FILE_BYTES:
            raise DataError([_size_problem(file, info.st_size)])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        raise DataError([Problem(file, None, None, message, code="file.unreadable")]) from None
    if len(raw) > MAX_FILE_BYTES:  # grew since stat
        raise DataError([_size_problem(file, len(raw))])
    return raw


def read_table(source, *, file: str | None = None) -> pd.DataFrame:
    """Read a CSV table with every cell as text.

    Accepts UTF-8 with or without a byte-order mark, and comma, semicolon or
    tab as separator.

    Parameters
    ----------
    source : str, pathlib.Path, bytes or file-like
        The CSV.
    file : str, optional
        Name used in error messages (defaults to the path's name).

    Returns
    -------
    pandas.DataFrame
        Columns stripped of spaces and lower-cased; cells as ``str``
        (empty string for blanks).

    Raises
    ------
    DataError
        When the file cannot be read as text CSV.
    """
    if isinstance(source, str | Path):
        file = file or Path(source).name
        raw = read_limited(source, file=file)
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read()
        raw = raw.encode() if isinstance(raw, str) else raw
    file = file or "data.csv"
    return _parse(_decode(raw, file), file)


def _decode(raw: bytes, file: str) -> str:
    """The bytes of a CSV as text: size limit, binary and UTF-16 refused, UTF-8 (BOM or not).

    Raises
    ------
    DataError
        When the bytes are too many, binary, UTF-16 or not UTF-8.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise DataError([_size_problem(file, len(raw))])
    if b"\x00" in raw[:4096]:
        if _looks_utf16(raw[:4096]):
            message = "this is a binary file to a CSV reader: UTF-16 text, not UTF-8"
            fix = "saving it as 'CSV UTF-8'"
            raise DataError([Problem(file, None, None, message, fix, code="file.utf16")])
        message = "this is a binary file, not a CSV text file"
        raise DataError([Problem(file, None, None, message, code="file.binary")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"the file is not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start})"
        fix = "saving it as 'CSV UTF-8' from your spreadsheet"
        raise DataError([Problem(file, line, None, message, fix, code="file.not_utf8")]) from None


def _parse(text: str, file: str) -> pd.DataFrame:
    """A CSV's text as a table of text cells; the separator is the header's commonest.

    Raises
    ------
    DataError
        When the text is blank, too wide or not a CSV table.
    """
    if not text.strip():
        raise DataError([Problem(file, None, None, "the file is empty", code="file.empty")])
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    # The header's width before pandas parses the file: 60,000 columns took minutes.
    try:
        width = len(next(csv.reader(_io.StringIO(text), delimiter=delimiter), []))
    except csv.Error:
        width = first_line.count(delimiter) + 1
    if width > MAX_COLUMNS:
        raise DataError([too_many_columns(file, width)])
    try:
        with warnings.catch_warnings():
            # index_col=False: a row with one cell too many must not silently become the index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                _io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                sep=delimiter,
                quoting=csv.QUOTE_MINIMAL,
                skipinitialspace=True,
                index_col=False,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, csv.Error) as exc:
        invalid = Problem(file, None, None, f"not a valid CSV table: {exc}", code="csv.invalid")
        raise DataError(_wide_rows(text, delimiter, file) or [invalid]) from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    return table


def with_columns(table: pd.DataFrame, columns) -> pd.DataFrame:
    """Return ``table`` with exactly ``columns``, in that order; missing ones are empty text.

    Examples
    --------
    >>> list(with_columns(pd.DataFrame({"b": ["x"], "z": ["y"]}), ["a", "b"]).iloc[0])
    ['', 'x']
    """
    table = table.copy()
    for column in columns:
        if column not in table.columns:
            table[column] = ""
    return table[list(columns)]


def places_frame(table: pd.DataFrame, *, file: str = "places.csv") -> gpd.GeoDataFrame:
    """Shape a validated place table into a GeoDataFrame (EPSG:4326).

    Missing optional columns are added empty.

    Raises
    ------
    DataError
        When a coordinate is not a plain ASCII number (which validation
        reports first), naming the row and column.
    """
    table = with_columns(table, PLACE_COLUMNS)
    for column in ("id", "name", "name_ar", "aliases", "country", "governorate"):
        table[column] = table[column].astype(str).str.strip()
    coords, problems = {}, []
    for column in ("lat", "lon"):
        values = []
        for i, text in enumerate(table[column]):
            try:
                values.append(parse_degrees(text))  # pd.to_numeric would raise on "٣٥"
            except ValueError as exc:
                problems.append(Problem(file, i + 2, column, str(exc), code="coordinate.invalid"))
                values.append(float("nan"))
        coords[column] = pd.Series(values, index=table.index, dtype=float)
    if problems:
        raise DataError(problems)
    lat, lon = coords["lat"], coords["lon"]
    table = table.drop(columns=["lat", "lon"])
    # Shapely points are (x, y) = (lon, lat).
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def events_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Shape a validated event table: typed dates, faction codes, defaults."""
    table = with_columns(table, EVENT_COLUMNS).astype(str).apply(lambda s: s.str.strip())
    table["kind"] = table["kind"].str.lower()
    for column in ("from_faction", "to_faction"):
        table[column] = [normalize_faction(v) if v else "" for v in table[column]]
    table["date"] = pd.to_datetime(table["date"], format="%Y-%m-%d")
    table["end_date"] = pd.to_datetime(table["end_date"].replace("", None), format="%Y-%m-%d")
    table["date_precision"] = table["date_precision"].str.lower().replace("", "day")
    has_end = table["end_date"].notna()
    table["end_precision"] = (
        table["end_precision"].str.lower().where(~has_end | (table["end_precision"] != ""), "day")
    )
    table["certainty"] = table["certainty"].str.lower().replace("", "high")
    missing_id = table["event_id"] == ""
    table.loc[missing_id, "event_id"] = [f"row-{i + 2}" for i in table.index[missing_id]]
    return table


def load_dataset(
    places, events, *, name: str | None = None, places_file=None, events_file=None
) -> Dataset:
    """Read, validate and shape places and events into a :class:`Dataset`.

    Parameters
    ----------
    places, events : path, bytes, file-like or pandas.DataFrame
        The two tables (CSV). DataFrames are taken as already read (text cells).
    name : str, optional
        Label of the dataset (defaults to the events file name).

    Raises
    ------
    DataError
        Listing every error found in either table (warnings do not raise).
    """
    places_file = places_file or _file_name(places, "places.csv")
    events_file = events_file or _file_name(events, "events.csv")
    place_table = (
        places if isinstance(places, pd.DataFrame) else read_table(places, file=places_file)
    )
    event_table = (
        events if isinstance(events, pd.DataFrame) else read_table(events, file=events_file)
    )
    problems = validate_places(place_table, file=places_file)
    ids = place_table["id"].str.strip() if "id" in place_table.columns else []
    names = dict(zip(ids, place_table.get("name", ids), strict=False))
    problems += validate_events(event_table, ids, file=events_file, place_names=names)
    if errors_only(problems):
        raise DataError(errors_only(problems))
    return Dataset(
        places_frame(place_table, file=places_file),
        events_frame(event_table),
        name=name or events_file,
    )


def _file_name(source, default: str) -> str:
    return Path(source).name if isinstance(source, str | Path) else default


@functools.cache
def load_builtin() -> Dataset:
    """Return the built-in, curated dataset shipped in ``geodata/data``.

    The result is shared: treat it as read-only.

    Raises
    ------
    DataError
        When a built-in file is damaged (every problem found, and what to do).
    """
    from .borders import damaged_builtin

    try:
        return load_dataset(DATA_DIR / "places.csv", DATA_DIR / "events.csv", name="built-in")
    except DataError as exc:
        raise DataError(damaged_builtin("data", exc).problems + exc.problems) from None
    except Exception as exc:  # noqa: BLE001 - any failure to read our own files: say so
        raise damaged_builtin("data", exc) from None
