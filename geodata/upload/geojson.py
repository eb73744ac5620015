"""Read a GeoJSON FeatureCollection into a :class:`~.cells.Sheet`.

The properties are the columns (their keys in any case), a Point geometry gives
the row's point. JSON is parsed as text: nothing in it is executed.
"""

from __future__ import annotations

import json

from geodata.io import too_many_columns
from geodata.problems import Problem
from geodata.safety import MAX_COLUMNS

from .cells import (
    Sheet,
    check_point,
    column_name,
    describe_json,
    rows_to_sheet,
    text,
    too_many_rows,
)

__all__ = ["read_geojson"]


class _Refused(Exception):
    """The whole file is refused, for the problem it carries."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def read_geojson(raw: bytes, file: str, *, what: str) -> Sheet:
    """Read a GeoJSON file (``what``: ``"events"`` or ``"places"``); problems, never raises."""
    try:
        features = _features_of(_load(raw, file), file)
        rows, points, problems = [], [], []
        columns: set[str] = set()
        for i, feature in enumerate(features):
            row, point = _feature_row(feature, i + 1, file, problems, what=what)
            columns.update(row)
            if len(columns) > MAX_COLUMNS:
                raise _Refused(too_many_columns(file, len(columns)))
            rows.append(row)
            points.append(point)
    except _Refused as refused:
        return Sheet(file, None, problems=[refused.problem])
    return rows_to_sheet(rows, points, problems, file, what=what, first_row=1)


def _load(raw: bytes, file: str):
    """Parse the JSON document."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        message = f"the file is not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start})"
        problem = Problem(file, None, None, message, "saving it as UTF-8", code="file.not_utf8")
    except json.JSONDecodeError as exc:
        message = (
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): "
            "a GeoJSON file is a JSON FeatureCollection"
        )
        problem = Problem(file, None, None, message, code="json.invalid")
    except (ValueError, RecursionError):
        message = "not valid JSON (nested too deeply)"
        problem = Problem(file, None, None, message, code="json.too_deep")
    raise _Refused(problem)


def _features_of(doc, file: str) -> list:
    """The list of features of a FeatureCollection (or of a lone Feature)."""
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}  # one feature: read it
    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection"):
        message = f"expected a GeoJSON FeatureCollection, got {describe_json(doc)}"
        raise _Refused(Problem(file, None, None, message, code="geojson.not_collection"))
    features = doc.get("features")
    if not isinstance(features, list):
        message = f"expected a list of features, got {describe_json(features)}"
        code = "geojson.features_not_list"
        raise _Refused(Problem(file, None, "features", message, code=code))
    if too_long := too_many_rows(file, len(features), "features"):
        raise _Refused(too_long)
    return features


def _feature_row(feature, number: int, file: str, problems: list, *, what: str):
    """One feature as ``(row of text cells, (lon, lat) or None)``; problems are appended."""
    if not (isinstance(feature, dict) and feature.get("type") == "Feature"):
        message = f"feature {number}: expected a GeoJSON Feature, got {describe_json(feature)}"
        problems.append(Problem(file, number, None, message, code="geojson.not_feature"))
        return {}, None
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    if isinstance(properties, dict) and len(properties) > MAX_COLUMNS:
        raise _Refused(too_many_columns(file, len(properties)))
    if not isinstance(properties, dict):
        got = describe_json(properties)
        message = f"feature {number}: expected an object of properties, got {got}"
        code = "geojson.properties_not_object"
        problems.append(Problem(file, number, "properties", message, code=code))
        properties = {}
    # Each feature has its own keys: 'Name' in one and 'name' in the next are one column.
    row: dict[str, str] = {}
    for key, value in properties.items():
        name = column_name(key)
        if name in row:
            message = (
                f"feature {number}: property '{name}' appears more than once (in different cases)"
            )
            code = "geojson.property_repeated"
            problems.append(Problem(file, number, name, message, code=code))
        row.setdefault(name, text(value))
    feature_id = feature.get("id")
    if (
        what == "places"
        and "id" not in row
        and isinstance(feature_id, str | int)
        and not isinstance(feature_id, bool)
    ):
        row["id"] = str(feature_id)  # the Feature's own id, when the properties have none
    point, problem = check_point(feature.get("geometry"), file, number, what=what)
    if problem:
        problems.append(problem)
    return row, point
