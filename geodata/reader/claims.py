# ruff: noqa: E501 - the patterns of partial claims read best on one line each
"""Claims of control: who took, lost, holds or fights over which place, and when.

A claim is found from a *control phrase* with the place it governs and its
actors (:mod:`geodata.reader.phrases`), the actors mapped to the factions of
the data by the place's country (:mod:`geodata.reader.actors`), and dated
by the closest date expression of its clause (:mod:`geodata.reader.dates`).

Partial claims ("entered", "half the town", "east Mosul", "the government
complex") are ``contested``, not captures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from geodata.reader.actors import find_actors, resolve_actor
from geodata.reader.dates import Span, find_dates
from geodata.reader.phrases import ROLE_READERS, Clause, Reading, clause_at, find_phrases
from geodata.reader.places import Mention, PlaceMatcher, tokenize
from geodata.reader.sentences import Sentence

__all__ = ["Claim", "find_claims", "merge_claims"]

_PARTIAL = re.compile(
    r"\b(half|parts?|most|much|central|areas?|districts?|neighbo(?:u)?rhoods?|quarters?|outskirts|cent(?:er|re)|downtown|"
    r"government\s+(?:complex|cent(?:er|re)|buildings?|headquarters)|complex|percent|per cent|%|old city|"
    r"airport|air\s*base|military base|edges?|gates|suburbs?|near(?:ly)?\s+(?:complete|full|total)|almost\s+(?:complete|full|total)|partial(?:ly)?|"
    r"(?:east|west|north|south)(?:ern)?\s+(?:part|side|bank|half|neighbo(?:u)?rhoods?|districts?|sector|areas?|edge)|"
    r"the\s+(?:east|west|north|south)\s+of)\b",
    re.I,
)
_PARTIAL_AFTER = re.compile(
    r"^['’]s\s+(?:(?:east|west|north|south)(?:ern)?\s+)?(?:downtown|cent(?:er|re)|old city|outskirts|periphery|neighbo(?:u)?rhoods?|districts?|quarters?|suburbs?|edges?|airport|outskirt)",
    re.I,
)
_DIRECTION_BEFORE = re.compile(r"\b(?:east|west|north|south)(?:ern)?\s*$", re.I)


@dataclass
class Claim:
    """What a sentence says about one place's control."""

    place_id: str
    kind: str  # capture, contested, held, loss
    controller: str | None
    previous: str | None
    span: Span | None
    text: str
    sentence: int
    mention: str
    notes: list[str] = field(default_factory=list)

    @property
    def date(self) -> str | None:
        return str(self.span) if self.span is not None else None


def _partial_kind(c: Clause, reading: Reading) -> str:
    """The reading's kind, or ``"contested"`` where only part of the place is meant."""
    kind, first, text = reading.kind, reading.objects[0], c.text
    if kind in ("capture", "held") and c.role in ("take", "noun", "drive", "hold", "enter"):
        between = text[c.ve : first.start]
        if (
            _PARTIAL.search(between)
            or _DIRECTION_BEFORE.search(text[: first.start])
            or _PARTIAL_AFTER.match(text[first.end :])
        ):
            kind = "contested"
    if (
        kind == "capture"
        and c.role == "take"
        and re.search(r"^\s*(?:control\s+of\s+)?(?:\w+\s+){0,2}(?:percent|%)", text[c.ve :], re.I)
    ):
        kind = "contested"
    return kind


def _claims_of(
    c: Clause, reading: Reading, kind: str, s: Sentence, *, country_of, published
) -> list[Claim]:
    """One claim per place of the reading, its sides resolved by the place's country."""
    out = []
    objects = reading.objects
    for n, obj in enumerate(objects):
        country = country_of(obj.place_id)
        ctrl = resolve_actor(reading.controller, country)
        prev = resolve_actor(reading.previous, country)
        if ctrl is not None and ctrl == prev:
            prev = None
        span = _date_for(
            c.dates,
            c.text,
            s.tokens,
            verb=(c.vs, c.ve),
            obj=obj,
            following=objects[n + 1].start if n + 1 < len(objects) else c.next_verb,
            region=(c.prev_verb, c.next_verb),
            kind=kind,
            after_only=objects[n - 1].end if n > 0 else None,
        )
        notes = []
        if span is None and published is not None:
            span = Span.day(published, "", stated=False)
        if obj.shared_with_province:
            notes.append(f"“{obj.text}” is also a province's name: taken as the town")
        out.append(Claim(obj.place_id, kind, ctrl, prev, span, c.text, s.index, obj.text, notes))
    return out


def find_claims(
    sentences: list[Sentence],
    *,
    matcher: PlaceMatcher,
    country_of,
    published: dt.date | None,
    names_isis: bool,
) -> list[Claim]:
    """Every claim of control in the sentences, before merging duplicates."""
    claims: list[Claim] = []
    last_place: Mention | None = None
    for s in sentences:
        text = s.text
        towns = [m for m in s.mentions if not m.province]
        actors = find_actors(text, names_isis)
        dates = find_dates(text, published)
        verbs = find_phrases(text, s.mentions, actors)
        for k in range(len(verbs)):
            c = clause_at(
                verbs, k, text=text, towns=towns, dates=dates, last_place=last_place, actors=actors
            )
            if c is None:
                continue
            reading = ROLE_READERS[c.role](c)
            if not reading.objects:
                continue
            kind = _partial_kind(c, reading)
            claims += _claims_of(c, reading, kind, s, country_of=country_of, published=published)
        if towns:
            last_place = towns[-1]
    return claims


def _date_for(
    dates, text, tokens, *, verb, obj, following, region, kind, after_only=None
) -> Span | None:
    """The date a claim is told at: the closest date expression in its clause.

    For the second place of a list ("Tikrit last year and al-Shadadi in
    February") only the dates after it count; those before it are the
    previous place's.
    """
    best = None
    for a, b, span in dates:
        if not _date_can_apply(
            a,
            b,
            span,
            verb=verb,
            obj=obj,
            following=following,
            region=region,
            kind=kind,
            after_only=after_only,
        ):
            continue
        distance = _date_distance(a, b, text, verb=verb, obj=obj)
        if best is None or distance < best[0]:
            best = (distance, span)
    return best[1] if best else None


def _date_can_apply(a, b, span, *, verb, obj, following, region, kind, after_only) -> bool:
    """Whether the date expression at ``a:b`` may date the claim (see :func:`_date_for`)."""
    vs, ve = verb
    lo, hi = region
    if a < lo or b > max(hi, following):
        return False
    if after_only is not None and a < obj.end:
        return False
    between_verb_and_place = after_only is None and ve <= a and b <= obj.start
    if not between_verb_and_place and a < obj.end and b > vs and a > ve:
        return False
    expr = span.text.lower()
    if kind != "held" and expr.startswith("since"):
        return False
    if re.search(r"\b(after|before|earlier)$", expr) and a >= obj.end:
        return False  # "N months after X" dates what follows it
    return not (a >= obj.end and a > following)


def _date_distance(a, b, text, *, verb, obj) -> int:
    """How far (in tokens) the date at ``a:b`` is from the claim's verb and place."""
    vs, _ = verb
    if a >= obj.end:
        distance = len(tokenize(text[obj.end : a]))
        return distance + 10 if distance > 10 else distance
    if b <= vs:
        return len(tokenize(text[b:vs])) + 1
    return 0


def _group(kind: str) -> str:
    return "change" if kind in ("capture", "loss") else kind


def _overlap(x: Claim, y: Claim) -> bool:
    if x.span is None or y.span is None or not x.span.stated or not y.span.stated:
        return True
    return x.span.start <= y.span.end and y.span.start <= x.span.end


def _fits(x: Claim, y: Claim) -> bool:
    """Whether two claims say the same thing (same place, kind and sides, dates that fit)."""
    if x.place_id != y.place_id or _group(x.kind) != _group(y.kind) or not _overlap(x, y):
        return False
    if x.controller and y.controller and x.controller != y.controller:
        return False
    if x.previous and y.previous and x.previous != y.previous:
        return False
    crossed = (x.controller and x.controller == y.previous) or (
        y.controller and y.controller == x.previous
    )
    return not crossed


def _rank(c: Claim):
    """Claims with a stated, narrow date first."""
    if c.span is None:
        return (2, 0)
    return (0 if c.span.stated else 1, (c.span.end - c.span.start).days)


def _merged(o: Claim, c: Claim) -> Claim:
    """One claim from two that fit: the better dated one, completed by the other."""
    keep, other = (o, c) if _rank(o) <= _rank(c) else (c, o)
    merged = replace(
        keep,
        controller=keep.controller or other.controller,
        previous=keep.previous or other.previous,
        notes=list(dict.fromkeys(keep.notes + other.notes)),
    )
    if merged.controller and merged.kind == "loss":
        merged.kind = "capture"
    return merged


def merge_claims(claims: list[Claim]) -> list[Claim]:
    """Merge claims that say the same thing (same place, kind and sides, dates that fit).

    A loss by one side and a capture by another of the same place at the same
    time become one capture; claims with no side at all are dropped.
    """
    out: list[Claim] = []
    for c in claims:
        if c.controller is None and c.previous is None and c.kind != "contested":
            continue
        for k, o in enumerate(out):
            if _fits(o, c):
                out[k] = _merged(o, c)
                break
        else:
            out.append(c)
    return out
