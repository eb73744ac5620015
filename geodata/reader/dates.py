# ruff: noqa: E501 - the patterns of control phrases, actors and dates read best on one line each
"""Dates in a report: when it was published, and when the things it tells happened.

A date is a :class:`Span`, the first and last day it may mean, shown as
precisely as the text allows (``2016-03-27``, ``2016-03`` or ``2016``).
Absolute dates in their many written forms are parsed by ``dateparser``;
expressions relative to the publication date ("on Sunday", "last year",
"in February", "three months after", "last week") are resolved here.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass

__all__ = ["Span", "find_published", "find_dates", "parse_published"]

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for m in names
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3,
    "few": 3, "a few": 3,
}  # fmt: skip

_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_WDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# Absolute dates with a year, as news pages write them.
_ABSOLUTE = [
    re.compile(rf"\b(?P<d>{_DAY})\s*(?:-\s*{_DAY}\s+)?(?P<m>{_MON})\s*,?\s*(?P<y>{_YEAR})\b", re.I),
    re.compile(
        rf"\b(?P<m>{_MON})\s*(?P<d>{_DAY})(?:\s*-\s*(?P<d2>{_DAY}))?\s*(?:,\s*|\s+|/\s*)(?P<y>{_YEAR})\b",
        re.I,
    ),
    re.compile(rf"\b(?P<y>{_YEAR})[-/.](?P<mo>0?[1-9]|1[0-2])[-/.](?P<d>[12]\d|3[01]|0?[1-9])\b"),
    re.compile(r"\b(?P<a>\d{1,2})[./](?P<b>\d{1,2})[./](?P<y>(?:19|20)?\d\d)\b"),
]
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MON})\s*,?\s*(?P<y>{_YEAR})\b", re.I)
_YEAR_ONLY = re.compile(rf"\b(?:in|since|of|during|by|until|from)\s+(?P<y>{_YEAR})\b", re.I)
# Relative expressions (resolved against the publication date).
_DAY_MONTH_NOYEAR = re.compile(
    rf"\b(?:on\s+)?(?:{_WDAY},?\s+)?(?:(?P<d>{_DAY})\s+(?P<m>{_MON})|(?P<m2>{_MON})\s+(?P<d2>{_DAY}))\b(?!\s*,?\s*(?:{_YEAR}|\d))",
    re.I,
)
_WEEKDAY = re.compile(rf"\b(?:(?P<last>last|this|on|late on|early on)\s+)?(?P<w>{_WDAY})\b", re.I)
_IN_MONTH = re.compile(
    rf"\b(?P<p>in|since|early|late|mid-?|last|this|by|until|of)\s+(?P<m>{_MON})\b(?!\s*\d)", re.I
)
_AGO = re.compile(
    r"\b(?P<n>\d+|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)"
    r"[\s-]+(?P<u>day|week|month|year)s?\s+(?P<dir>ago|after|earlier|before|later)\b",
    re.I,
)
_NAMED = re.compile(
    r"\b(?P<e>last year|this year|last month|this month|earlier this month|earlier this year|"
    r"last week|this week|earlier this week|yesterday|today|last summer|last winter|last spring|"
    r"last autumn|last fall|the previous year|a year earlier)\b",
    re.I,
)


@dataclass(frozen=True)
class Span:
    """The days a date in a text may mean, first and last included."""

    start: dt.date
    end: dt.date
    text: str = ""
    stated: bool = True  # False: taken from the report's date, not said in the text

    @classmethod
    def day(cls, d: dt.date, text: str = "", stated: bool = True) -> Span:
        return cls(d, d, text, stated)

    @classmethod
    def month(cls, year: int, month: int, text: str = "") -> Span:
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        return cls(dt.date(year, month, 1), last, text)

    @classmethod
    def year(cls, year: int, text: str = "") -> Span:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), text)

    @property
    def precision(self) -> str:
        if self.start == self.end:
            return "day"
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return "month"
        return "year"

    def __str__(self) -> str:
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.strftime("%Y-%m")
        return f"{self.start.year}"

    def contains(self, other: dt.date) -> bool:
        return self.start <= other <= self.end


def _month(text: str) -> int:
    return MONTHS[
        text.lower().rstrip(".")[:3]
        if text.lower().rstrip(".") not in MONTHS
        else text.lower().rstrip(".")
    ]


def _int_day(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@functools.cache
def _dateparser():
    import dateparser  # deferred: loading its language data takes ~0.3 s

    return dateparser


def _absolute(match: re.Match, index: int) -> dt.date | None:
    g = match.groupdict()
    if index == 3:  # numeric a.b.yy: month first unless impossible
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        y = y + 2000 if y < 100 else y
        if a > 12:
            return _safe(y, b, a)
        return _safe(y, a, b) or _safe(y, b, a)
    if index == 2:
        return _safe(int(g["y"]), int(g["mo"]), int(g["d"]))
    text = f"{_int_day(g.get('d2') or g['d'])} {g['m'].rstrip('.')} {g['y']}"
    parsed = _dateparser().parse(
        text, languages=["en"], settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"}
    )
    return parsed.date() if parsed else None


def parse_published(text: str) -> dt.date | None:
    """The first full date (day, month and year) in a line of text, or None.

    Examples
    --------
    >>> parse_published("Published Date: 12:00 | 18 March 2018")
    datetime.date(2018, 3, 18)
    >>> parse_published("03.27.16, 14:29")
    datetime.date(2016, 3, 27)
    """
    best = None
    for index, pattern in enumerate(_ABSOLUTE):
        for match in pattern.finditer(text):
            date = _absolute(match, index)
            if date and dt.date(1990, 1, 1) <= date <= dt.date(2100, 1, 1):
                if best is None or match.start() < best[0]:
                    best = (match.start(), date)
                break
    return best[1] if best else None


_DATELINE_WORDS = re.compile(
    r"(?i)\b(published|updated|posted|date|first published|last updated|gmt|utc|am|pm|edt|est|"
    r"bst|cet|ast|time|by)\b|[|:/,\-–—]|\d"
)


def find_published(text: str) -> dt.date | None:
    """The publication date of a report from the date lines news pages carry.

    A short line made mostly of a date (``27 March 2016``, ``March 27,
    2016``, ``Sunday, 22 January 2017 12:53``, ``Published Date: 12:00 | 18
    March 2018``, ``03.27.16, 14:29``, ``Date: 2015/01/26``) wins, looked for
    at the top and the bottom of the text; otherwise the first full date in
    the report's first lines.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    candidates = lines[:15] + lines[-8:]
    for line in candidates:
        if len(line) > 90:
            continue
        date = parse_published(line)
        if date is None:
            continue
        # A date line: little else than the date, a time and a label.
        rest = re.sub(r"[^\w\s]", " ", line)
        words = [
            w
            for w in rest.split()
            if not w.isdigit()
            and not re.fullmatch(r"\d+(st|nd|rd|th)", w)
            and not _DATELINE_WORDS.fullmatch(w)
            and w.lower() not in MONTHS
            and w.lower().rstrip("s") not in {d[:-1] for d in WEEKDAYS}
            and w.lower() not in WEEKDAYS
        ]
        if len(words) <= 5:
            return date
    for line in lines[:12]:
        date = parse_published(line)
        if date is not None:
            return date
    return None


def _minus(base: dt.date, n: int, unit: str) -> dt.date:
    if unit == "day":
        return base - dt.timedelta(days=n)
    if unit == "week":
        return base - dt.timedelta(weeks=n)
    months = base.year * 12 + base.month - 1 - (n if unit == "month" else 12 * n)
    year, month = divmod(months, 12)
    return _safe(year, month + 1, min(base.day, 28)) or dt.date(year, month + 1, 1)


def _number(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def _ago_span(m: re.Match, published: dt.date) -> Span:
    """ "three weeks ago", "two months earlier": a span around the day it names."""
    n, unit = _number(m["n"]), m["u"].lower()
    date = _minus(published, n, unit)
    if unit in ("day",):
        return Span.day(date, m.group())
    if unit == "week":
        return Span(date - dt.timedelta(days=3), date + dt.timedelta(days=3), m.group())
    if unit == "month":
        return Span.month(date.year, date.month, m.group())
    return Span.year(date.year, m.group())


def _named_span(e: str, published: dt.date, text: str) -> Span:
    """ "last year", "this month", "yesterday", "last summer"... (``e`` lower case)."""
    y = published.year
    if e in ("last year", "the previous year", "a year earlier"):
        return Span.year(y - 1, text)
    if e in ("this year", "earlier this year"):
        return Span(dt.date(y, 1, 1), published, text)
    if e == "last month":
        prev = _minus(published.replace(day=1), 1, "month")
        return Span.month(prev.year, prev.month, text)
    if e in ("this month", "earlier this month"):
        return Span(published.replace(day=1), published, text)
    if e == "last week":
        monday = published - dt.timedelta(days=published.weekday())
        return Span(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), text)
    if e in ("this week", "earlier this week"):
        monday = published - dt.timedelta(days=published.weekday())
        return Span(monday, published, text)
    if e == "yesterday":
        return Span.day(published - dt.timedelta(days=1), text)
    if e == "today":
        return Span.day(published, text)
    # last summer...
    season = {"summer": (6, 8), "winter": (12, 2), "spring": (3, 5)}.get(e.split()[-1], (9, 11))
    year = y - 1 if season[0] >= published.month else y
    start = dt.date(year, season[0], 1)
    end_year = year + 1 if season[1] < season[0] else year
    return Span(start, Span.month(end_year, season[1]).end, text)


_IN_MONTH_MAY_WORDS = ("in", "since", "early", "late", "mid", "mid-", "last", "until", "by")


def _absolute_candidates(text: str):
    """``(start, end, span or None)`` of the dates that name their year, most explicit first."""
    for index, pattern in enumerate(_ABSOLUTE):
        for m in pattern.finditer(text):
            if index == 3 and not re.search(r"[./]", m.group()):
                continue
            date = _absolute(m, index)
            yield m.start(), m.end(), Span.day(date, m.group()) if date else None
    for m in _MONTH_YEAR.finditer(text):
        yield m.start(), m.end(), Span.month(int(m["y"]), _month(m["m"]), m.group())
    for m in _YEAR_ONLY.finditer(text):
        yield m.start("y"), m.end(), Span.year(int(m["y"]), m.group())


def _day_month_candidates(text: str, published: dt.date):
    """ "12 March" without a year: the last such day on or before ``published``."""
    for m in _DAY_MONTH_NOYEAR.finditer(text):
        month = _month(m["m"] or m["m2"])
        day = _int_day(m["d"] or m["d2"])
        before = (month, day) <= (published.month, published.day)
        date = _safe(published.year if before else published.year - 1, month, day)
        yield m.start(), m.end(), Span.day(date, m.group()) if date else None


def _weekday_candidates(text: str, published: dt.date):
    """ "on Tuesday", "last Friday": the last such day before ``published``."""
    for m in _WEEKDAY.finditer(text):
        wanted = WEEKDAYS.index(m["w"].lower())
        back = (published.weekday() - wanted) % 7
        if (m["last"] or "").lower() == "last" and back == 0:
            back = 7
        yield m.start(), m.end(), Span.day(published - dt.timedelta(days=back), m.group())


def _in_month_candidates(text: str, published: dt.date):
    """ "in March", "last June": the last such month up to ``published``."""
    for m in _IN_MONTH.finditer(text):
        month = _month(m["m"])
        if m["m"].lower() == "may" and m["p"].lower() not in _IN_MONTH_MAY_WORDS:
            continue  # "may" the verb
        year = published.year if month <= published.month else published.year - 1
        if m["p"].lower() == "last" and month == published.month:
            year -= 1
        yield m.start(), m.end(), Span.month(year, month, m.group())


def _relative_candidates(text: str, published: dt.date):
    """``(start, end, span or None)`` of the dates told relative to ``published``."""
    yield from _day_month_candidates(text, published)
    for m in _AGO.finditer(text):
        if m["dir"].lower() != "later":
            yield m.start(), m.end(), _ago_span(m, published)
    for m in _NAMED.finditer(text):
        yield m.start(), m.end(), _named_span(m["e"].lower(), published, m.group())
    yield from _weekday_candidates(text, published)
    yield from _in_month_candidates(text, published)


def find_dates(text: str, published: dt.date | None) -> list[tuple[int, int, Span]]:
    """Every date expression of a sentence as ``(start, end, span)``, in order.

    Relative expressions need ``published``; without it they are skipped.
    Overlapping expressions keep the most explicit one (the first found).
    """
    found: list[tuple[int, int, Span]] = []
    candidates = _absolute_candidates(text)
    if published is not None:
        candidates = itertools.chain(candidates, _relative_candidates(text, published))
    for a, b, span in candidates:
        if span is not None and all(b <= s or a >= e for s, e, _ in found):
            found.append((a, b, span))
    found.sort(key=lambda f: f[0])
    return found
