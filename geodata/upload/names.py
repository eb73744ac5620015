"""Places an upload may name, and resolving each row's name (or id) to one of them.

Rows name their place by ``place_id`` or by name (``place``, ``place_name`` or
``town``). A name is geocoded with the base data's gazetteer (the uploader's own
places first); a row with its own coordinates and an unknown name makes a new
place; a name that needs a person waits, as a :class:`NameToConfirm`, for the
uploader's answer (``confirmed={name: place_id}`` on the next read).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from dataclasses import replace as _replace

from geodata.gazetteer import geonames_places
from geodata.problems import Problem
from geodata.safety import parse_degrees

from .cells import Sheet, short
from .places import Places, km

__all__ = [
    "MAX_PLACE_NAMES",
    "PLACE_NAME_COLUMNS",
    "NameToConfirm",
    "Resolution",
    "event_points",
    "resolve",
]

# Each distinct name is geocoded once (~1 ms); this bounds the work a file can ask for.
MAX_PLACE_NAMES = 2_000
PLACE_NAME_COLUMNS = ("place", "place_name", "town")
_LONGEST_NAME = 120
_NEAR_KM = 2.0
_FAR_KM = 25.0


@dataclass(frozen=True)
class NameToConfirm:
    """A place name in an upload that needs the uploader before its rows are mapped.

    Attributes
    ----------
    name : str
        The name as written.
    file, column : str
        Where it is written.
    rows : list of int
        The rows (or features) that name it; they wait until it is confirmed.
    reason : str
        ``"fuzzy"`` (close to a known spelling), ``"geonames"`` (a GeoNames
        town not in the curated places), ``"unknown"``, ``"ambiguous"`` or
        ``"invalid"`` (confirmed as an id that is no place).
    suggested_id, suggested_name, score, source
        The best match (None when nothing is close enough to suggest).
    alternatives : list of dict
        Up to three ``{"id", "name", "score", "source"}``.
    message : str
        What the uploader is asked, as shown.
    """

    name: str
    file: str
    column: str
    rows: list[int]
    reason: str
    suggested_id: str | None = None
    suggested_name: str | None = None
    score: float | None = None
    source: str | None = None
    alternatives: list[dict] = field(default_factory=list)
    message: str = ""

    def problem(self) -> Problem:
        """The problem listed for this name: a warning, an error when ``"invalid"``."""
        named = " or ".join(a["name"] for a in self.alternatives)
        return Problem(
            self.file,
            self.rows[0],
            self.column,
            self.message,
            self.suggested_name or named or None,
            "error" if self.reason == "invalid" else "warning",
            code=f"place.{self.reason}",
        )

    def to_dict(self) -> dict:
        """The entry as a JSON-ready dict (the keys of the attributes)."""
        return asdict(self)


def event_points(sheet: Sheet) -> None:
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
            message = (
                "expected lat and lon as numbers in degrees, "
                f"got {lat_text[:40]!r}, {lon_text[:40]!r}"
            )
            sheet.problems.append(Problem(sheet.file, row, "lat", message, code="point.invalid"))
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            message = f"({lat}, {lon}) is outside lat -90..90, lon -180..180"
            code = "point.out_of_range"
            sheet.problems.append(Problem(sheet.file, row, "lat", message, code=code))
            continue
        sheet.points[i] = (lon, lat)


@dataclass
class Resolution:
    """Where each row's place was found, and what waits for the uploader.

    Attributes
    ----------
    ids : list of str
        One place id per row ("" for a row not resolved).
    waiting : dict
        ``{name: [row positions]}`` for the names in ``to_confirm``.
    to_confirm : list of NameToConfirm
    problems : list of Problem
        Warnings about coordinates, and the file-wide limit on names.
    skipped : set of int
        Row positions the uploader chose to leave out (confirmed as None).
    """

    ids: list[str]
    waiting: dict[str, list[int]] = field(default_factory=dict)
    to_confirm: list[NameToConfirm] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: set[int] = field(default_factory=set)


def resolve(sheet: Sheet, places: Places, confirmed: dict, unit: str) -> Resolution:
    """Give every row a place id, or set it aside until its name is confirmed.

    Parameters
    ----------
    sheet : Sheet
        The tidy events sheet.
    places : Places
        Every place the rows may name (new places are added to it).
    confirmed : dict
        ``{name as written: place id or None}``, the uploader's answers.
    unit : {"row", "feature"}
        How a row is called in messages.

    Returns
    -------
    Resolution
    """
    table = sheet.table
    name_columns = [c for c in PLACE_NAME_COLUMNS if c in table.columns]
    given_ids = table["place_id"].tolist() if "place_id" in table.columns else [""] * len(table)
    names = [""] * len(table)
    for column in reversed(name_columns):
        names = [v or n for v, n in zip(table[column], names, strict=True)]
    done = Resolution([""] * len(table))
    by_key: dict[str, list[int]] = {}
    for i, (given, name) in enumerate(zip(given_ids, names, strict=True)):
        if given and given in places.ids:
            done.ids[i] = given
        elif name or given:
            by_key.setdefault(name or given, []).append(i)
    if len(by_key) > MAX_PLACE_NAMES:
        message = (
            f"the file names {len(by_key):,} different places; the limit is "
            f"{MAX_PLACE_NAMES:,}: split it into several files"
        )
        done.problems.append(Problem(sheet.file, None, None, message, code="file.too_many_places"))
        return done
    folded = {str(k).strip().casefold(): v for k, v in (confirmed or {}).items()}
    resolver = _Resolver(sheet, places, unit, done)
    for key, rows in by_key.items():
        column = next((c for c in name_columns if table.at[rows[0], c]), "place_id")
        name = _Name(key, column, rows, [i + sheet.first_row for i in rows])
        if key.casefold() in folded:
            resolver.confirmed(name, folded[key.casefold()])
        else:
            resolver.look_up(name)
    return done


@dataclass
class _Name:
    """One distinct place name (or unknown id) and the rows that write it."""

    key: str
    column: str
    rows: list[int]  # positions in the table
    lines: list[int]  # as shown: row (or feature) numbers


class _Resolver:
    """The steps of resolving one name; each fills the :class:`Resolution`."""

    def __init__(self, sheet: Sheet, places: Places, unit: str, done: Resolution):
        self.sheet, self.places, self.unit, self.done = sheet, places, unit, done

    def assign(self, name: _Name, place_id: str) -> None:
        for i in name.rows:
            self.done.ids[i] = place_id

    def wait(self, name: _Name, entry: NameToConfirm) -> None:
        self.done.waiting[name.key] = name.rows
        self.done.to_confirm.append(entry)

    def warn(self, name: _Name, column, message, suggestion=None, *, code: str) -> None:
        where = (self.sheet.file, name.lines[0], column)
        self.done.problems.append(Problem(*where, message, suggestion, "warning", code=code))

    def confirmed(self, name: _Name, target) -> None:
        """The uploader answered for this name: leave its rows out, or use the place named."""
        places = self.places
        target = "" if target is None else str(target).strip()
        if not target:
            self.done.skipped.update(name.rows)  # the uploader chose to leave these rows out
        elif target in places.ids:
            self.assign(name, target)
        elif target.startswith("geonames-") and target in set(geonames_places()["id"]):
            self.assign(name, places.add_geonames(target, name.key))
        else:
            message = (
                f"{short(name.key)!r} was confirmed as {short(target)!r}, which is not a known "
                "place id; pick one of the suggestions"
            )
            alternatives = places.describe(places.gazetteers[-1].suggest(name.key))
            entry = self.entry(name, "invalid", None, [])
            self.wait(name, _replace(entry, message=message, alternatives=alternatives))

    def look_up(self, name: _Name) -> None:
        """Geocode the name: a known place, a new place at the row's point, or a question."""
        point = next((self.sheet.points[i] for i in name.rows if self.sheet.points[i]), None)
        if len(name.key) > _LONGEST_NAME:
            result, alternatives, reason = None, [], "unknown"  # not a name: no need to search
        else:
            result, alternatives, reason = self.places.geocode(name.key)
        if reason == "resolved":
            self.assign(name, result.id)
            self.check_distance(name, result, point)
        elif point:
            self.new_place(name, point, result, alternatives)
        else:
            self.wait(name, self.entry(name, reason, result, alternatives))

    def check_distance(self, name: _Name, result, point) -> None:
        """Warn when the row's own coordinates are far from the known place."""
        if point and (known := self.places.location(result.id)):
            distance = km(point, known)
            if distance > _FAR_KM:
                message = (
                    f"the coordinates given are {distance:,.0f} km from {result.name} "
                    f"({result.id}); the known place's location is used"
                )
                self.warn(name, "geometry", message, code="place.far_from_known")

    def new_place(self, name: _Name, point, result, alternatives) -> None:
        """The uploader's own coordinates: a new place, named as written."""
        places, file = self.places, self.sheet.file
        source = f"coordinates in {file}, {self.unit} {name.lines[0]} (uploaded)"
        self.assign(name, places.add(name.key, point[0], point[1], coord_source=source))
        near = [
            (pid, km(point, loc))
            for pid in (r[0] for r in alternatives[:3])
            if pid in places.ids and (loc := places.location(pid))
        ]
        if result is not None and result.id in places.ids:
            near.append((result.id, km(point, (result.lon, result.lat))))
        close = [(pid, d) for pid, d in near if d < _NEAR_KM]
        if close:
            pid, distance = min(close, key=lambda t: t[1])
            message = (
                f"new place {short(name.key)!r} is {distance:.1f} km from "
                f"{places.names[pid]} ({pid}): if it is the same town, write that name"
            )
            self.warn(name, name.column, message, places.names[pid], code="place.near_known")

    def entry(self, name: _Name, reason: str, result, alternatives) -> NameToConfirm:
        """The question put to the uploader about one name."""
        lines, unit = name.lines, self.unit
        if len(lines) == 1:
            rows_text = f"{unit} {lines[0]}"
        else:
            rows_text = (
                f"{unit}s {', '.join(map(str, lines[:10]))}{', …' if len(lines) > 10 else ''}"
            )
        described = self.places.describe(alternatives)
        waits = f"({rows_text} {'waits' if len(lines) == 1 else 'wait'} until you confirm)"
        return NameToConfirm(
            name=name.key,
            file=self.sheet.file,
            column=name.column,
            rows=lines,
            reason=reason,
            suggested_id=result.id if result is not None else None,
            suggested_name=result.name if result is not None else None,
            score=round(float(result.score), 1) if result is not None else None,
            source=result.source if result is not None else None,
            alternatives=described,
            message=_question(short(name.key), reason, result, described, waits),
        )


def _question(shown: str, reason: str, result, alternatives: list[dict], waits: str) -> str:
    if reason == "fuzzy":
        return (
            f"{shown!r} is not a known spelling; closest place: {result.name} "
            f"(score {result.score:.0f}). Confirm it or pick another {waits}"
        )
    if reason == "geonames":
        exact = result.match in ("exact", "variant")
        verb = "is" if exact else f"looks like (score {result.score:.0f})"
        return (
            f"{shown!r} {verb} {result.name}, {result.country}, a GeoNames town not "
            f"in the curated places: confirm it to add it {waits}"
        )
    options = ", ".join(a["name"] for a in alternatives) or "none"
    word = "ambiguous place name" if reason == "ambiguous" else "unknown place"
    return (
        f"{word} {shown!r}; closest: {options}. Pick the place it means, or "
        f"add it to a places file {waits}"
    )
