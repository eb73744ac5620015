"""Read one uploaded file, whatever its format, into a :class:`~.cells.Sheet`.

The format is sniffed from the extension, then from the content: CSV (through
:func:`geodata.io.read_table`), GeoJSON (:mod:`.geojson`) or GeoPackage
(:mod:`.gpkg`). An unreadable file becomes problems, never an exception.
"""

from __future__ import annotations

from pathlib import Path

from geodata.io import MAX_FILE_BYTES, read_table
from geodata.problems import DataError, Problem

from .cells import Sheet, too_many_rows
from .geojson import read_geojson
from .gpkg import SQLITE_MAGIC, read_gpkg

__all__ = ["as_bytes", "read_sheet", "sniff"]


def as_bytes(data) -> bytes:
    """The bytes of an upload: bytes, text, or an upload widget's file object."""
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


def sniff(raw: bytes, file: str) -> str:
    """Return the format: ``csv``, ``geojson``, ``gpkg``, ``zip`` (unsupported)."""
    suffix = Path(file).suffix.lower()
    if raw.startswith(SQLITE_MAGIC) or suffix == ".gpkg":
        return "gpkg"
    if raw.startswith(b"PK\x03\x04"):
        return "zip"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"  # a GeoJSON saved with another extension
    return "csv"


def read_sheet(raw: bytes, file: str, *, what: str) -> Sheet:
    """Read one uploaded file into text cells; problems instead of exceptions.

    Parameters
    ----------
    raw : bytes
        The file as uploaded.
    file : str
        Its name: the format by extension, and the name in messages.
    what : {"events", "places"}
        The file's role: a GeoPackage layer of that name is read, and a
        place's geometry fills its ``lat``/``lon``.

    Returns
    -------
    Sheet
        ``sheet.unreadable`` when nothing could be read.
    """
    if len(raw) > MAX_FILE_BYTES:
        # Worded as read_table words it (MB of 2**20 bytes, as file managers show them).
        size, limit = len(raw) / 2**20, MAX_FILE_BYTES / 2**20
        message = f"file is {size:.1f} MB; the limit is {limit:.0f} MB"
        return _refused(file, message, code="file.too_big")
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return _refused(file, "the file is empty", code="file.empty")
    kind = sniff(raw, file)
    if kind == "zip":
        message = (
            "this is a zip archive (an Excel workbook?), not a CSV, GeoJSON or GeoPackage file"
        )
        fix = "saving it as 'CSV UTF-8' from your spreadsheet"
        return _refused(file, message, fix, code="file.zip")
    if kind == "gpkg":
        return read_gpkg(raw, file, what=what)
    if kind == "geojson":
        return read_geojson(raw, file, what=what)
    try:
        table = read_table(raw, file=file)
    except DataError as exc:
        return Sheet(file, None, problems=exc.problems)
    if too_long := too_many_rows(file, len(table)):  # GeoJSON and GeoPackage: counted above
        return Sheet(file, None, problems=[too_long])
    return Sheet(file, table, 2, [None] * len(table))


def _refused(file: str, message: str, suggestion: str | None = None, *, code: str) -> Sheet:
    return Sheet(file, None, problems=[Problem(file, None, None, message, suggestion, code=code)])
