"""One uploaded file as text cells: the :class:`Sheet`, and what every reader shares.

A sheet has no meaning attached yet: one row per CSV row or feature, every cell
as the text a CSV cell would hold, plus the feature's point when it has one.
The readers (:mod:`.sheets` for CSV, :mod:`.geojson`, :mod:`.gpkg`) fill it; the
later steps (:mod:`.tidy`, :mod:`.names`) read it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

import pandas as pd
import shapely.geometry
import shapely.validation

from geodata.problems import Problem

__all__ = [
    "MAX_ROWS",
    "Sheet",
    "check_point",
    "column_name",
    "describe_json",
    "rows_to_sheet",
    "short",
    "text",
    "too_many_rows",
]

MAX_ROWS = 50_000
_COLUMN_SYNONYMS = {"latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon"}


@dataclass
class Sheet:
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
        """True when nothing could be read: the problems say why."""
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


def column_name(name) -> str:
    """Column names in any case, with spaces or hyphens: ``Source URL`` is ``source_url``."""
    name = re.sub(r"[\s\-]+", "_", str(name).strip().lower())
    return _COLUMN_SYNONYMS.get(name, name)


def short(text: str, limit: int = 60) -> str:
    """A name as shown in a message: long cells are cut, the data keeps them whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def too_many_rows(file: str, count: int, unit: str = "rows") -> Problem | None:
    """The problem of a file of ``count`` rows (or features) when that is over :data:`MAX_ROWS`.

    The one place the limit is compared, so that it can be changed in one place.
    """
    if count <= MAX_ROWS:
        return None
    return Problem(
        file,
        None,
        None,
        f"the file has {count:,} {unit}; the limit is {MAX_ROWS:,}: split it into several files",
        code="file.too_many_rows",
    )


def text(value) -> str:
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


def describe_json(value) -> str:
    """What a JSON value is, in words: ``a GeoJSON Point``, ``a JSON list``."""
    if isinstance(value, dict):
        kind = value.get("type")
        return f"a GeoJSON {kind}" if isinstance(kind, str) else "a JSON object without 'type'"
    return {list: "a JSON list", str: "a JSON string", bool: "a JSON boolean"}.get(
        type(value), "a JSON number" if isinstance(value, int | float) else "JSON null"
    )


def check_point(geometry, file: str, number: int, *, what: str):
    """Return ``((lon, lat) or None, problem or None)`` for one feature's geometry."""
    expected = "a Point geometry " + ("(the place's location)" if what == "places" else "or none")
    if geometry is None:
        return None, None

    def problem(code, message, suggestion=None):
        return None, Problem(file, number, "geometry", message, suggestion, code=code)

    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        got = describe_json(geometry)
        return problem("geometry.not_point", f"feature {number}: expected {expected}, got {got}")
    kind = geometry["type"]
    if kind != "Point":
        detail = ""
        try:
            shape = shapely.geometry.shape(geometry)
            if not shape.is_valid:
                detail = f", which is also invalid ({shapely.validation.explain_validity(shape)})"
        except Exception:  # noqa: BLE001 - hostile geometry: we only want a better message
            detail = ", which is also malformed"
        message = f"feature {number}: expected {expected}, got a {kind[:40]}{detail}"
        return problem("geometry.not_point", message)
    coords = geometry.get("coordinates")
    ok = (
        isinstance(coords, list)
        and len(coords) in (2, 3)
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        and all(math.isfinite(c) for c in coords)
    )
    if not ok:
        shown = json.dumps(coords)[:80] if coords is not None else "none"
        message = f"feature {number}: expected Point coordinates [lon, lat], got {shown}"
        return problem("geometry.bad_coordinates", message)
    lon, lat = float(coords[0]), float(coords[1])  # GeoJSON order is [lon, lat]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        swapped = -180 <= lat <= 180 and -90 <= lon <= 90
        return problem(
            "geometry.out_of_range",
            f"feature {number}: coordinates [{lon}, {lat}] are out of range: expected "
            "[lon, lat] with lon within -180..180 and lat within -90..90",
            f"[{lat}, {lon}] (GeoJSON puts longitude first)" if swapped else None,
        )
    return (lon, lat), None


def rows_to_sheet(rows, points, problems, file, *, what, first_row) -> Sheet:
    """Make a sheet of the features' rows; a place's point fills its ``lat``/``lon``."""
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    table = pd.DataFrame(rows, columns=columns, dtype=object).fillna("").astype(str)
    quiet: dict[int, set[str] | None] = {
        p.row: None for p in problems if p.row is not None and p.column != "geometry"
    }
    if what == "places":
        _place_points(table, points, problems, quiet, file, first_row)
        points = [None] * len(table)
    return Sheet(file, table, first_row, list(points), problems, quiet)


def _place_points(table, points, problems, quiet, file, first_row) -> None:
    """The geometry is the place's location: it fills (and wins over) lat/lon."""
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
            expected = "expected a Point (the place's location)"
            message = f"feature {row}: no geometry and no lat/lon: {expected}"
            problems.append(Problem(file, row, "geometry", message, code="geometry.missing"))
            quiet[row] = lat_lon
