"""What can be wrong with data, said once: :class:`Problem`, :class:`DataError`, dates.

These are the model's own types. Reading (:mod:`geodata.io`, :mod:`geodata.upload`),
checking (:mod:`geodata.validate`) and the later stages (:mod:`geodata.timeline`, the CLI)
all use them, so they live below all of those and import nothing from the package.

Every problem carries a stable ``code`` next to its message. The message is for people
and may be reworded; the code is for programs (the upload's relabelling of problems,
tests) and does not change. The table of codes, :data:`CODES`, is the only place a code
is defined: a :class:`Problem` with a code not in it cannot be made, so a typo fails at
once instead of silently never matching.

========================  ============================================================
code family               what it is about
========================  ============================================================
``file.*``                the file as a whole: size, encoding, empty, row limits
``csv.*``                 a CSV's table structure
``json.*``, ``geojson.*`` a GeoJSON document and its features
``gpkg.*``                a GeoPackage (SQLite) file and its layers
``geometry.*``            a feature's geometry (GeoJSON or GeoPackage)
``column.*``              column names: missing, unknown, repeated
``cell.*``                any cell: control characters, length
``id.*``, ``name.*``,     the columns of a places table
``coordinate.*``,
``country.*``
``places.*``              an uploaded places file as a whole
``event_id.*`` …          the columns of an events table (``place_id``, ``kind``,
                          ``date``, ``end_date``, ``precision``, ``faction``,
                          ``certainty``, ``source``, ``row``)
``chain.*``               a place's chain of control (needs its whole history)
``place.*``               resolving a row's place (upload)
``point.*``               coordinates given in an events file (upload)
``layer.*``               an upload added on top of other data (``"layer"`` mode)
``builtin.*``             the files shipped with the package
``claims.*``              rows made from a news report's claims
========================  ============================================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "CHAIN_CODES",
    "CODES",
    "DataError",
    "Problem",
    "errors_only",
    "parse_date",
]

#: Every problem code, with what it means. Codes are stable: add, never rename.
CODES: dict[str, str] = {
    # the file as a whole
    "file.not_regular": "a path that is a folder, a pipe or a device, not a data file",
    "file.unreadable": "the operating system could not read the file",
    "file.too_big": "the file is over the size limit",
    "file.empty": "the file holds nothing (or only blanks)",
    "file.binary": "a binary file where text was expected",
    "file.utf16": "UTF-16 text where UTF-8 was expected",
    "file.not_utf8": "bytes that are not UTF-8",
    "file.zip": "a zip archive (an Excel workbook?)",
    "file.too_many_columns": "more columns than the limit",
    "file.too_many_rows": "more rows (or features) than the limit",
    "file.too_many_places": "an upload naming more distinct places than the limit",
    "file.no_rows": "a header (or a collection) without any rows (or features)",
    # CSV structure
    "csv.invalid": "the text is not a CSV table",
    "csv.wide_row": "a row with more cells than the header",
    # GeoJSON
    "json.invalid": "not valid JSON",
    "json.too_deep": "JSON nested too deeply to read",
    "geojson.not_collection": "a JSON document that is not a FeatureCollection",
    "geojson.features_not_list": "a FeatureCollection whose 'features' is not a list",
    "geojson.not_feature": "an item of 'features' that is not a Feature",
    "geojson.properties_not_object": "a feature whose 'properties' is not an object",
    "geojson.property_repeated": "a property given twice in different cases",
    # GeoPackage
    "gpkg.not_sqlite": "a file named .gpkg that is not an SQLite database",
    "gpkg.unreadable": "GDAL or SQLite could not read the GeoPackage",
    "gpkg.sql_objects": "a GeoPackage holding views, triggers or virtual tables",
    "gpkg.no_layers": "a GeoPackage without layers",
    "gpkg.many_layers": "several layers, none named for its role: the first is read",
    # geometry of a feature
    "geometry.not_point": "a geometry other than a Point",
    "geometry.bad_coordinates": "Point coordinates that are not two or three numbers",
    "geometry.out_of_range": "Point coordinates outside lon -180..180, lat -90..90",
    "geometry.missing": "a place feature without geometry and without lat/lon",
    # column names
    "column.missing": "a required column is missing",
    "column.unknown": "a column the format does not know (ignored)",
    "column.repeated": "two columns with one name",
    # any cell
    "cell.control_character": "a control character in a cell or a column name",
    "cell.control_more": "the count of further cells with control characters",
    "cell.too_long": "a cell longer than the limit",
    # places
    "id.empty": "an empty place id",
    "id.not_slug": "a place id that is not a slug",
    "id.duplicate": "a place id used twice",
    "name.empty": "an empty place name",
    "coordinate.invalid": "a latitude or longitude that is not a plain number",
    "coordinate.out_of_range": "a latitude or longitude outside its range",
    "coordinate.far": "a place far from Syria and Iraq (swapped lat/lon?)",
    "country.invalid": "a country that is not an ISO 3166 alpha-2 code",
    "places.no_id_column": "a places file without ids: made from the names",
    "places.none": "a places file without places",
    "places.overridden": "an uploaded place with the id of a base place elsewhere",
    "places.unused": "uploaded places that no event names",
    # events, row by row
    "event_id.empty": "an empty event id",
    "event_id.duplicate": "an event id used twice",
    "place_id.empty": "an event without a place",
    "place_id.unknown": "an event whose place id is not a known place",
    "kind.unknown": "an event kind the format does not know",
    "date.empty": "an empty date",
    "date.invalid": "a date that is not a real YYYY-MM-DD date",
    "date.out_of_range": "a date outside the timeline",
    "precision.unknown": "a date precision the format does not know",
    "precision.mismatch": "a date that does not agree with its precision",
    "end_date.not_contest": "an end date on an event that is not a contest",
    "end_date.before_start": "an end date before the start date",
    "faction.empty": "an empty faction",
    "faction.unknown": "a faction that is not a known code or name",
    "faction.initial_from": "an initial event with a from_faction",
    "faction.unknown_holder": "a contest or milestone naming the unknown holder",
    "faction.same": "a capture or contest from a faction to itself",
    "certainty.unknown": "a certainty the format does not know",
    "source.empty": "an event without a source link",
    "source.not_http": "a source that is not an http(s) link",
    "source.title_empty": "an empty source title",
    "row.duplicate": "an event repeating another (place, kind, date, factions)",
    # a place's chain of control
    "chain.second_initial": "a second initial event for one place",
    "chain.no_initial": "an event before the place's initial event",
    "chain.held_by": "a capture from a faction that did not hold the place",
    "chain.contest_held_by": "a contest from a faction that did not hold the place",
    "chain.milestone_held_by": "a milestone naming a faction that did not hold the place",
    "chain.contest_overlap": "a contest starting before the previous one ended",
    # resolving an upload's places
    "place.fuzzy": "a place name close to a known place's, waiting for confirmation",
    "place.geonames": "a place name found among GeoNames towns, waiting for confirmation",
    "place.unknown": "a place name that matches no place, waiting for a choice",
    "place.ambiguous": "a place name shared by several places, waiting for a choice",
    "place.invalid": "a name confirmed as an id that is not a place",
    "place.far_from_known": "given coordinates far from the known place of that name",
    "place.near_known": "a new place very close to a known place",
    "point.invalid": "lat/lon in an events file that are not numbers",
    "point.out_of_range": "lat/lon in an events file outside their ranges",
    # an upload on top of other data
    "layer.replaces_base": "an uploaded event repeating a base event, which it replaces",
    "layer.event_id_renamed": "an uploaded event id that the base data uses, renamed",
    # the package's own files
    "builtin.damaged": "a file shipped with the package is damaged or missing",
    # a news report's claims
    "claims.base_row": "a problem in the data below a report's rows, naming no place",
}

#: Problems that depend on a place's whole history of control. In ``"layer"`` mode the
#: upload's rows are checked together with the base history of their places, so these
#: are the ones whose cause may lie in the base rows.
CHAIN_CODES = frozenset(
    {
        "chain.no_initial",
        "chain.held_by",
        "chain.contest_held_by",
        "chain.milestone_held_by",
        "chain.contest_overlap",
    }
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    code : str
        Keyword only: what kind of problem this is, one of :data:`CODES`
        (``"chain.held_by"``). Stable, unlike the message.

    Examples
    --------
    >>> p = Problem("e.csv", 3, "kind", "unknown kind 'x'", code="kind.unknown")
    >>> str(p)
    "e.csv, row 3, column 'kind': unknown kind 'x'"
    """

    file: str
    row: int | None
    column: str | None
    message: str
    suggestion: str | None = None
    severity: str = "error"
    code: str = field(kw_only=True)

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(
                f"unknown problem code {self.code!r}: expected one of geodata.problems.CODES"
            )

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
        """Return the problem as a JSON-ready dict.

        The keys are those the CLI's ``--json`` output has always had; the
        ``code`` is not among them, so that output is unchanged.
        """
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


class DataError(ValueError):
    """Data that cannot be used; ``problems`` lists every reason.

    Attributes
    ----------
    problems : list of Problem
    """

    def __init__(self, problems):
        self.problems = list(problems)
        head = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n{head}{tail}")


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
    if text.isascii():  # the common case, without pandas' parser (a tenth of the time)
        try:
            return pd.Timestamp(dt.datetime(int(text[:4]), int(text[5:7]), int(text[8:])))
        except ValueError:
            pass  # pandas has the last word (it reads year 0, which datetime does not)
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is not a real date") from None
