# ruff: noqa: E501 - the patterns of actors read best on one line each
"""Actors of a report: who the words name, mapped to the factions of the data.

* the army, government forces, the regime, troops: the government of the
  place's country (SYGOV in Syria, IQGOV in Iraq); Syrian or Iraqi forces by
  name;
* Islamic State, ISIS, ISIL, IS, Daesh (and "militants" or "jihadists" in a
  report that names Islamic State): ISIS;
* SDF, YPG, Kurdish forces in Syria: SDF; Peshmerga, Kurdish forces in Iraq: KRG;
* Turkish forces and Turkish-backed rebels: TURKEY;
* rebels, FSA: REBELS (TURKEY when Turkish forces are named with them);
* Nusra, HTS: NUSRA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ACTORS", "Actor", "find_actors", "resolve_actor", "subject_of", "actor_after"]

_I = re.I
# (pattern, code, flags). Codes GOV and KURD are resolved by the place's
# country, USB ("US-backed forces") too; ISIS? only counts when the report
# names Islamic State somewhere.
ACTORS: list[tuple[str, str, int]] = [
    ((r"turk(?:ey|ish)[- ](?:backed|supported|led)\s+(?:syrian\s+)?(?:rebels?|rebel forces|forces|fighters|militias?|opposition(?: fighters)?|groups?|free syrian army)"
     r"|turkish(?:-led)?\s+(?:armed forces|forces|army|military|troops|tanks|special forces|soldiers|warplanes)"
     r"|turkish military|operation (?:euphrates shield|olive branch)|syrian national army|\bTFSA\b"), "TURKEY", _I),
    (r"\bSNA\b", "TURKEY", 0),
    ((r"syrian democratic forces|syria democratic forces|\bSDF\b|\bYPG\b|\bYPJ\b|people'?s (?:protection|defense) units"
     r"|manbij military council|syrian kurdish\s+(?:forces|fighters|militia|group|ypg|ypg militia)|kurdish[- ]led\s+(?:forces|alliance|sdf|militia|syrian democratic forces)"), "SDF", _I),
    (r"peshmerga|kurdistan regional (?:government|security council)|iraqi kurdish\s+(?:forces|fighters|peshmerga)", "KRG", _I),
    (r"u\.?s\.?[- ](?:backed|supported)\s+(?:forces|fighters|alliance|militias?|rebels|kurdish(?:-led)? forces)", "USB", _I),
    (r"kurdish\s+(?:forces|fighters|militias?|troops|units)|\bkurds\b", "KURD", _I),
    (r"(?:jabhat\s+)?(?:al[- ])?nusra(?:\s+front)?|hayat tahrir al-sham|tahrir al-sham|jabhat fateh a(?:l)?-sham|fateh a(?:l)?-sham", "NUSRA", _I),
    (r"\bHTS\b", "NUSRA", 0),
    (r"islamic state(?: of iraq and (?:the levant|syria|al-sham))?(?:\s+(?:group|militants|fighters|jihadists|force|forces))?|\bisis\b|\bisil\b|\bdaesh\b|\bda'?esh\b|\bdaish\b", "ISIS", _I),
    (r"\bIS\b", "ISIS", 0),
    (r"\b(?:the\s+)?(?:militants|jihadists|extremists|jihadist group|extremist group)\b", "ISIS?", _I),
    (r"free syrian army|\bFSA\b|syrian rebels?|rebel (?:forces|fighters|groups?)|\brebels\b|opposition (?:fighters|forces|groups?)|allied syrian militias", "REBELS", _I),
    ((r"syrian (?:arab )?army|syrian (?:government|regime|military|troops|forces|soldiers|army troops)(?:\s+forces)?|\bSAA\b|tiger forces"
     r"|(?:president\s+)?bashar\s+(?:al-)?assad|assad(?:'s)?\s+(?:forces|regime|troops)|the assad regime|\bassad\b"), "SYGOV", _I),
    ((r"iraqi?(?:'s)?\s+(?:security\s+|federal\s+|government\s+|special\s+|counter[- ]?terrorism\s+)?(?:forces|army|military|troops|soldiers|units|service)"
     r"|iraqi?(?:'s)? counter[- ]?terrorism|counter[- ]?terrorism service|popular mobili[sz]ation (?:forces|units)|\bPMF\b|\bPMU\b|\bhashd\b"
     r"|shi'?ite\s+(?:militias?|paramilitar(?:y|ies)(?: fighters)?|militiamen)|(?:the\s+)?iraqi government(?: forces)?"), "IQGOV", _I),
    (r"(?:pro-)?government\s+(?:forces|troops|soldiers|fighters)|the\s+(?:army|military)\b|\bregime(?:\s+forces)?\b|\btroops\b|state forces|security forces", "GOV", _I),
]  # fmt: skip
_ACTOR_RES = [(re.compile(p, f), code) for p, code, f in ACTORS]


@dataclass
class Actor:
    """An actor named in a sentence: its code and where it is written."""

    code: str
    start: int
    end: int
    text: str


def find_actors(sentence: str, names_isis: bool) -> list[Actor]:
    found: list[Actor] = []
    for regex, code in _ACTOR_RES:
        for m in regex.finditer(sentence):
            if any(not (m.end() <= a.start or m.start() >= a.end) for a in found):
                continue
            if code == "ISIS?":
                if not names_isis:
                    continue
                code = "ISIS"
            found.append(Actor(code, m.start(), m.end(), m.group()))
    # "Turkish forces and Free Syrian Army militias": the rebels are Turkish-backed.
    if any(a.code == "TURKEY" for a in found):
        for a in found:
            if a.code == "REBELS":
                a.code = "TURKEY"
    return sorted(found, key=lambda a: a.start)


def resolve_actor(code: str | None, country: str) -> str | None:
    if code is None:
        return None
    if code == "GOV":
        return "IQGOV" if country == "IQ" else "SYGOV"
    if code == "KURD":
        return "KRG" if country == "IQ" else "SDF"
    if code == "USB":
        return "IQGOV" if country == "IQ" else "SDF"
    return code


def subject_of(actors: list[Actor], sentence: str, before: int, *, floor: int = 0) -> Actor | None:
    """The actor doing what a verb at ``before`` says: the nearest one before it.

    Actors after "against", "from", "on", "to", "with", "by", "of" are objects,
    not subjects; of "A and B", A is taken.
    """
    candidates = [a for a in actors if floor <= a.start and a.end <= before]
    relative = re.search(
        r"(?:,\s*)?\b(?:which|who|that)\s+(?:had\s+|has\s+|have\s+)?(?:\w+ly\s+)?$",
        sentence[:before],
        re.I,
    )
    if (
        relative
        and candidates
        and re.fullmatch(
            r"[\s,]*(?:group|fighters|militants)?[\s,]*",
            sentence[candidates[-1].end : relative.start()],
        )
    ):
        return candidates[-1]
    for k in range(len(candidates) - 1, -1, -1):
        a = candidates[k]
        lead = sentence[max(0, a.start - 12) : a.start].lower()
        if re.search(r"\b(against|from|on|to|with|by|of|for|over|between)\s+(?:the\s+)?$", lead):
            continue
        while k > 0 and re.fullmatch(
            r"\s*(?:[\w-]+\s+){0,2}?(?:and|,|and its|and their|along with|with)\s*(?:the\s+)?(?:\w+\s+){0,2}",
            sentence[candidates[k - 1].end : a.start],
            re.I,
        ):
            k -= 1
            a = candidates[k]
        return a
    return None


def actor_after(
    actors: list[Actor], sentence: str, after: int, words: str, *, gap: int = 8
) -> Actor | None:
    """The actor right after ``words`` ("to", "by", "from") following position ``after``."""
    tail = sentence[after:]
    m = re.match(rf"^(?:[\s,]+[\w'’-]+){{0,{gap}}}?\s+(?:{words})\s+", tail, re.I)
    if not m:
        return None
    pos = after + m.end()
    for a in actors:
        if a.start >= pos and a.start - pos <= 12:
            return a
    return None
