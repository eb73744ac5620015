"""Read a GeoPackage layer into a :class:`~.cells.Sheet`, after refusing SQL that would run.

A GeoPackage is an SQLite database. It is written to a temporary file, its
catalogue is checked read-only for views, triggers and virtual tables (SQL that
runs when it is read), and only then is one layer read by GDAL through pyogrio.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from geodata.io import too_many_columns
from geodata.problems import Problem
from geodata.safety import MAX_COLUMNS

from .cells import Sheet, check_point, rows_to_sheet, short, text, too_many_rows

__all__ = ["SQLITE_MAGIC", "is_text", "read_gpkg"]

SQLITE_MAGIC = b"SQLite format 3\x00"

# Triggers that GDAL and the GeoPackage standard create in every file (feature counts,
# the tile-matrix and metadata checks, the spatial index). Triggers only run on writes,
# and uploads are only read; any other trigger still has no business in an upload.
_STANDARD_TRIGGER = re.compile(
    r"^(gpkg_(tile_matrix|metadata|metadata_reference)_\w+"
    r"|trigger_(insert|delete)_feature_count_\w+|rtree_\w+)$"
)


class _Refused(Exception):
    """The whole file is refused, for the problems it carries."""

    def __init__(self, *problems: Problem):
        super().__init__(problems[-1].message)
        self.problems = list(problems)


def is_text(head: bytes) -> bool:
    """True when the first bytes of a file look like text (UTF-8, no NUL)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return False
    return b"\x00" not in head


def read_gpkg(raw: bytes, file: str, *, what: str) -> Sheet:
    """Read the layer named ``what`` (else the first); problems, never raises."""
    try:
        if not raw.startswith(SQLITE_MAGIC):
            raise _Refused(_not_sqlite(raw, file))
        frame, problems = _read_layer(raw, file, what=what)
    except _Refused as refused:
        return Sheet(file, None, problems=refused.problems)
    points: list = [None] * len(frame)
    if "geometry" in frame.columns:
        for i, geom in enumerate(frame.geometry):
            if geom is None or geom.is_empty:
                continue
            as_json = json.loads(json.dumps(geom.__geo_interface__))
            points[i], problem = check_point(as_json, file, i + 1, what=what)
            if problem:
                problems.append(problem)
        frame = frame.drop(columns="geometry")
    rows = [{str(k): text(v) for k, v in record.items()} for record in frame.to_dict("records")]
    if not rows:
        return Sheet(file, pd.DataFrame(columns=[str(c) for c in frame.columns]), 1, [], problems)
    return rows_to_sheet(rows, points, problems, file, what=what, first_row=1)


def _not_sqlite(raw: bytes, file: str) -> Problem:
    if is_text(raw[:512]):
        shown = raw[:40].decode("utf-8", "replace").split("\n")[0]
        message = (
            f"not a GeoPackage: the file is text (it starts with {shown!r}); if it is a "
            "CSV or GeoJSON file, upload it under its real extension"
        )
    else:
        message = "not a GeoPackage: a GeoPackage is an SQLite database, this file is not"
    return Problem(file, None, None, message, code="gpkg.not_sqlite")


def _read_layer(raw: bytes, file: str, *, what: str):
    """Return ``(frame in EPSG:4326, warnings)`` for the layer an upload reads."""
    import pyogrio  # deferred: GDAL is only needed for GeoPackages

    notes: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="frontline-upload-") as folder:
        path = Path(folder) / "upload.gpkg"
        path.write_bytes(raw)
        refused = _sql_objects(path, file)
        if refused is not None:
            raise _Refused(refused)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                layer = _choose_layer(pyogrio, path, file, what, notes)
                info = pyogrio.read_info(path, layer=layer)
                if len(info.get("fields", ())) > MAX_COLUMNS:
                    raise _Refused(*notes, too_many_columns(file, len(info["fields"])))
                if too_long := too_many_rows(file, info.get("features", 0), "features"):
                    raise _Refused(*notes, too_long)
                frame = pyogrio.read_dataframe(path, layer=layer)
                crs = getattr(frame, "crs", None) if "geometry" in frame.columns else None
                if crs is not None and crs.to_epsg() != 4326:
                    frame = frame.to_crs(4326)
        except (RuntimeError, ValueError, OSError) as exc:
            # pyogrio's DataSourceError and DataLayerError, pyproj's errors are RuntimeErrors.
            message = f"cannot read the GeoPackage: {gdal_reason(exc)}"
            unreadable = Problem(file, None, None, message, code="gpkg.unreadable")
            raise _Refused(*notes, unreadable) from None
    return frame, notes


def _choose_layer(pyogrio, path: Path, file: str, what: str, notes: list) -> str:
    layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    if not layers:
        raise _Refused(
            Problem(file, None, None, "the GeoPackage has no layers", code="gpkg.no_layers")
        )
    named = [name for name in layers if name.lower() == what]
    layer = named[0] if named else layers[0]
    if len(layers) > 1 and not named:
        message = (
            f"the GeoPackage has {len(layers)} layers; read the first, "
            f"{layer!r} (name a layer '{what}' to choose)"
        )
        notes.append(
            Problem(file, None, None, message, severity="warning", code="gpkg.many_layers")
        )
    return layer


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
        message = f"cannot read the GeoPackage: {gdal_reason(exc)}"
        return Problem(file, None, None, message, code="gpkg.unreadable")
    views = [name for kind, name, _ in rows if kind == "view"]
    triggers = [
        name for kind, name, _ in rows if kind == "trigger" and not _STANDARD_TRIGGER.match(name)
    ]
    virtual = [
        name
        for kind, name, sql in rows
        if kind == "table" and not re.search(r"\bUSING\s+rtree\b", sql or "", re.IGNORECASE)
    ]
    labelled = (("SQL view(s)", views), ("trigger(s)", triggers), ("virtual table(s)", virtual))
    found = [
        f"{label} {', '.join(repr(short(n, 40)) for n in names[:3])}"
        + (" …" if len(names) > 3 else "")
        for label, names in labelled
        if names
    ]
    if not found:
        return None
    message = (
        f"the GeoPackage holds {'; '.join(found)}: an upload is read from plain tables "
        "only (a view is a query that runs when it is read); save the layer as a new "
        "GeoPackage (QGIS: Export > Save Features As) and upload that"
    )
    return Problem(file, None, None, message, code="gpkg.sql_objects")


def gdal_reason(exc: Exception) -> str:
    """GDAL's (or SQLite's) reason, first line, with the temporary path taken out."""
    message = str(exc).split("\n")[0]
    if "not a database" in message or "malformed" in message:
        return "the file is damaged or is not a GeoPackage (SQLite) database"
    # GDAL quotes its temporary path; the user knows the file by its own name.
    return re.sub(r"/\S*upload\.gpkg", "the file", message)[:200]
