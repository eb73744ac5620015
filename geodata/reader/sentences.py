# ruff: noqa: E501 - the pattern of abbreviations reads best on one line
"""A report's sentences and the places each one names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geodata.reader.actors import find_actors
from geodata.reader.places import Mention, PlaceMatcher, Token, tokenize

__all__ = ["Sentence", "split_sentences", "sentences_of"]

_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Brig|Col|Lt|Maj|Sgt|Capt|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|Jr|Sr|Gov|Rep|Sen|Prof|U\.S|U\.N|U\.K|e\.g|i\.e|a\.m|p\.m)\.$"
)
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)\]]?\s+(?=[\"“‘(\[]?[A-Z0-9\u0600-\u06ff])")


@dataclass
class Sentence:
    """One sentence of the report, with its place mentions."""

    text: str
    index: int
    mentions: list[Mention] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """Sentences, one paragraph (line) at a time; abbreviations do not end one."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _SPLIT.finditer(line):
            piece = line[start : m.start()].strip()
            if _ABBREVIATIONS.search(line[: m.start()].rstrip('"”’)] ')):
                continue
            if piece:
                out.append(piece)
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return out


def sentences_of(text: str, matcher: PlaceMatcher) -> list[Sentence]:
    """Split a text into sentences and find their place mentions."""
    out = []
    for i, piece in enumerate(split_sentences(text)):
        tokens = tokenize(piece)
        # A place's name inside an organisation's (Hayat Tahrir al-Sham) is no mention.
        actors = find_actors(piece, True)
        mentions = [
            m
            for m in matcher.find(piece, tokens)
            if not any(a.start <= m.start and m.end <= a.end for a in actors)
        ]
        out.append(Sentence(piece, i, mentions, tokens))
    return out
