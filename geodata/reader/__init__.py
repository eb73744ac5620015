"""Read a news report: its date, the places it names, its claims of control, and
whether the data agrees.

Pure functions over a :class:`~geodata.dataset.Dataset` (no Streamlit); the
command line (``frontline read``) and the dashboard's "Check a news report"
panel only show what :func:`read_report` returns::

    text (plain / HTML / URL) -> article text -> sentences -> place mentions
    -> control claims (actor, verb, place, date) -> verdicts against the data

Examples
--------
>>> from geodata import load_builtin
>>> report = read_report("Syrian government forces recaptured Palmyra on Sunday.",
...                      load_builtin(), published="2016-03-27")
>>> [(c.place_id, c.kind, c.controller, c.date, c.verdict) for c in report.claims]
[('palmyra', 'capture', 'SYGOV', '2016-03-27', 'agrees')]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from geodata.dataset import Dataset
from geodata.reader.claims import find_claims, merge_claims
from geodata.reader.dates import find_published
from geodata.reader.extract import (
    MAX_BYTES,
    ReadError,
    ReportText,
    decode,
    extract,
    looks_like_html,
)
from geodata.reader.fetch import FetchResult, fetch
from geodata.reader.places import PlaceMatcher
from geodata.reader.sentences import sentences_of
from geodata.reader.verdicts import check_claim, source_text

__all__ = [
    "MAX_BYTES",
    "ReadError",
    "Report",
    "ReportClaim",
    "ReportPlace",
    "read_report",
    "read_source",
    "fetch",
    "FetchResult",
    "decode",
    "extract",
    "looks_like_html",
    "is_url",
]

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass
class ReportPlace:
    """A place the report names (``id`` None when the data has no events for it)."""

    id: str | None
    name: str
    lat: float
    lon: float
    mentions: list[str]
    gazetteer_id: str
    country: str
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "mentions": list(self.mentions),
        }


@dataclass
class ReportClaim:
    """A claim with its verdict (see :mod:`geodata.reader.verdicts`)."""

    place_id: str | None
    name: str
    lat: float
    lon: float
    kind: str
    controller: str | None
    previous: str | None
    date: str | None
    text: str
    verdict: str
    event_id: str | None
    note: str
    gazetteer_id: str = ""
    source_title: str | None = None
    source_url: str | None = None
    date_stated: bool = True
    mention: str = ""  # the place's name as the report writes it
    summary: str = ""  # the note without the source (shown beside a link to it)

    def to_dict(self) -> dict:
        return {
            "place_id": self.place_id,
            "name": self.name,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "kind": self.kind,
            "controller": self.controller,
            "previous": self.previous,
            "date": self.date,
            "text": self.text,
            "verdict": self.verdict,
            "event_id": self.event_id,
            "note": self.note,
        }


@dataclass
class Report:
    """What :func:`read_report` found."""

    published: str | None
    title: str | None
    places: list[ReportPlace]
    claims: list[ReportClaim]
    text: str = ""
    url: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON of ``frontline read --json``."""
        return {
            "published": self.published,
            "title": self.title,
            "places": [p.to_dict() for p in self.places],
            "claims": [c.to_dict() for c in self.claims],
        }


def is_url(text: str) -> bool:
    """True for anything that looks like a URL (``scheme://``), whatever the scheme."""
    return bool(_URL.match(text.strip()))


def _matcher(dataset: Dataset) -> PlaceMatcher:
    def build() -> PlaceMatcher:
        counts = dataset.events["place_id"].value_counts().to_dict()
        return PlaceMatcher(dataset.gazetteer, set(dataset.places["id"]), counts)

    return dataset.cached(("reader-matcher",), build)


def _title(text: str) -> str | None:
    """The headline: the first line of 5 to 25 words (not a photo caption), if the text has more."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    for line in lines[:12]:
        words = line.split()
        if 5 <= len(words) <= 25 and not re.match(r"(?i)^(photo|image|video|credit)\b", line):
            return line
    return None


def _parse_published(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ValueError(f"published date {value!r} is not YYYY-MM-DD") from error


def _report_places(sentences, gaz, in_data: set) -> dict[str, ReportPlace]:
    """Every town the sentences name, once, with the spellings the report uses."""
    places: dict[str, ReportPlace] = {}
    for s in sentences:
        for m in s.mentions:
            if m.province:
                continue
            rec = gaz.record(m.place_id)
            place = places.get(m.place_id)
            if place is None:
                place = places[m.place_id] = ReportPlace(
                    m.place_id if m.place_id in in_data else None,
                    rec["name"],
                    rec["lat"],
                    rec["lon"],
                    [],
                    m.place_id,
                    rec["country"],
                )
            if m.text not in place.mentions:
                place.mentions.append(m.text)
            if m.shared_with_province and place.note is None:
                place.note = f"“{m.text}” is also a province's name: taken as the town"
    return places


def _report_claim(c, dataset: Dataset, *, published, in_data: set) -> ReportClaim:
    """A merged claim with its verdict against ``dataset`` and the notes shown with it."""
    verdict = check_claim(c, dataset, published=published)
    rec = dataset.gazetteer.record(c.place_id)
    notes = [verdict.note, *c.notes]
    if c.span is not None and not c.span.stated:
        notes.append("the text gives no date for this: the report's date is used")
    summary = " ".join(n[:1].upper() + n[1:].rstrip(".") + "." for n in notes if n)
    notes.insert(1, source_text(verdict.source_title, verdict.source_url))
    return ReportClaim(
        place_id=c.place_id if c.place_id in in_data else None,
        name=rec["name"],
        lat=rec["lat"],
        lon=rec["lon"],
        kind=c.kind,
        controller=c.controller,
        previous=c.previous,
        date=c.date,
        text=c.text,
        verdict=verdict.verdict,
        event_id=verdict.event_id,
        note=" ".join(n[:1].upper() + n[1:].rstrip(".") + "." for n in notes if n),
        gazetteer_id=c.place_id,
        source_title=verdict.source_title,
        source_url=verdict.source_url,
        date_stated=bool(c.span is not None and c.span.stated),
        mention=c.mention,
        summary=summary,
    )


def read_report(
    source: str | ReportText,
    dataset: Dataset,
    *,
    published=None,
    url: str | None = None,
) -> Report:
    """Read a report and check its claims against ``dataset``.

    Parameters
    ----------
    source : str or ReportText
        The report as plain text or HTML (the article's body is taken), or
        text already extracted.
    dataset : Dataset
        The data to check against (its gazetteer finds the places).
    published : str or datetime.date, optional
        The publication date (``YYYY-MM-DD``); found in the text when not given.
    url : str, optional
        Where the report came from (kept in the result).

    Returns
    -------
    Report
    """
    report_text = source if isinstance(source, ReportText) else extract(source, url=url)
    text = report_text.text
    given = _parse_published(published)
    found = None
    if given is None:
        meta = _parse_published(report_text.published) if report_text.published else None
        found = meta or find_published(text)
    pub = given or found
    matcher = _matcher(dataset)
    gaz = dataset.gazetteer
    sentences = sentences_of(text, matcher)
    names_isis = bool(re.search(r"(?i)islamic state|\bisis\b|\bisil\b|daesh|\bIS\b", text))

    def country_of(place_id: str) -> str:
        return gaz.record(place_id)["country"]

    raw = find_claims(
        sentences, matcher=matcher, country_of=country_of, published=pub, names_isis=names_isis
    )
    claims = merge_claims(raw)
    in_data = set(dataset.places["id"])

    places = _report_places(sentences, gaz, in_data)
    out = [_report_claim(c, dataset, published=pub, in_data=in_data) for c in claims]
    notes = []
    if pub is None:
        notes.append("no publication date found: relative dates could not be resolved")
    return Report(
        published=pub.isoformat() if pub else None,
        title=report_text.title or _title(text),
        places=list(places.values()),
        claims=out,
        text=text,
        url=url,
        notes=notes,
    )


def read_source(
    source: str | bytes,
    dataset: Dataset,
    *,
    published=None,
    allow_hosts=(),
    timeout: float | None = None,
) -> Report:
    """Read a report from a URL (http/https, fetched safely) or from bytes / text.

    Raises
    ------
    ReadError
        For input that cannot be read (too large, binary, refused URL...).
    """
    url = None
    if isinstance(source, str) and is_url(source):
        kwargs = {"allow_hosts": allow_hosts}
        if timeout is not None:
            kwargs["timeout"] = timeout
        got = fetch(source, **kwargs)
        url = got.url
        text = decode(got.content, charset=got.charset)
    elif isinstance(source, bytes):
        text = decode(source)
    else:
        if len(source.encode("utf-8", "replace")) > MAX_BYTES:
            raise ReadError(f"the report is larger than {MAX_BYTES:,} bytes")
        text = source
    return read_report(text, dataset, published=published, url=url)
