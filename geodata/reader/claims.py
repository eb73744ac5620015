# ruff: noqa: E501 - the patterns of control phrases, actors and dates read best on one line each
"""Claims of control: who took, lost, holds or fights over which place, and when.

A claim is found from a *control phrase* (recaptured, retook, seized,
captured, took full control of, liberated, fell to, was driven out of, lost,
withdrew from, pulled out of, entered, broke the siege of, stormed, held,
stronghold of...) with the place it governs (the nearest place named after
the verb, or before it for "fell to" and passives; "the city" stands for the
last place named) and its actors, mapped to the factions of the data:

* the army, government forces, the regime, troops: the government of the
  place's country (SYGOV in Syria, IQGOV in Iraq); Syrian or Iraqi forces by
  name;
* Islamic State, ISIS, ISIL, IS, Daesh (and "militants" or "jihadists" in a
  report that names Islamic State): ISIS;
* SDF, YPG, Kurdish forces in Syria: SDF; Peshmerga, Kurdish forces in Iraq: KRG;
* Turkish forces and Turkish-backed rebels: TURKEY;
* rebels, FSA: REBELS (TURKEY when Turkish forces are named with them);
* Nusra, HTS: NUSRA.

Partial claims ("entered", "half the town", "east Mosul", "the government
complex") are ``contested``, not captures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from geodata.reader.dates import Span, find_dates
from geodata.reader.places import Mention, PlaceMatcher, Token, tokenize

__all__ = ["Claim", "Sentence", "split_sentences", "find_claims", "ACTORS"]

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

# Control phrases: (pattern, kind, role). Roles: "take" (subject takes the
# object place), "fall" (place falls to the actor after), "lose" (subject
# loses the place), "drive" (subject drives someone out of the place),
# "enter" (partial, contested), "siege" (breaks a siege: contested),
# "hold" (subject holds the place), "noun" (the capture/fall/loss of place).
_VERBS: list[tuple[str, str, str]] = [
    (r"\b(?:fell|falls|fallen|falling|fall)\s+(?:completely\s+|entirely\s+|back\s+)?to\b", "capture", "fall"),
    ((r"\b(?:drove|drives?|driven|driving|pushed|pushes|push|pushing|forced|forces|expelled|expels?|expelling|ousted|ousts?|cleared|clearing|clears?|kicked|flushed|routed)\b"
     r"(?=(?:\s+[\w'’-]+){0,6}?\s+(?:out\s+of|from|out)\b)"), "capture", "drive"),
    (r"\b(?:lifts?|lifted|lifting|broke|break|breaks|broken|breaking)\s+(?:through\s+)?(?:the\s+|a\s+)?(?:[\w-]+\s+){0,4}?siege\s+(?:on|of|in|around)\b", "contested", "siege"),
    ((r"\b(?:re-?captur(?:ed|es|e|ing)|re-?took|re-?takes?|re-?taken|re-?taking|seiz(?:ed|es|e|ing)|captur(?:ed|es|e|ing)"
     r"|liberat(?:ed|es|e|ing)|freed|frees|free|took|takes?|taken|taking|overran|overrun|overruns?|regain(?:ed|s)?|reclaim(?:ed|s)?|secured|secures?|won\s+back)\b"), "capture", "take"),
    (r"\b(?:in|under)\s+(?:full\s+|complete\s+|total\s+)?control\s+of\b", "held", "take-held"),
    (r"\b(?:recover(?:ed|s)?|re-?establish(?:ed|es)?|restor(?:ed|es)|retain(?:ed|s)?|maintain(?:ed|s)?|kept|keeps?)\s+(?:full\s+|complete\s+|total\s+)?control\s+(?:of|over)\b", "held", "take-held"),
    ((r"\b(?:entered|enters?|entering|stormed|storms?|storming|broke\s+into|breaks\s+into|pushed\s+into|advanced\s+into|advancing\s+into|moved\s+into"
     r"|besieged|besieges?|encircled|encircles?|surrounded|surrounds?|attacked|attacks|launched\s+an?\s+(?:offensive|assault|attack)\s+on|closing\s+in\s+on|closed\s+in\s+on|reached)\b"), "contested", "enter"),
    (r"\b(?:lost|loses|lose|losing|abandoned|abandons?|evacuated|fled|flees|flee)\b|\b(?:withdr(?:ew|awn|aws|aw)|withdrawing|retreated|retreats?|retreating|pulled\s+out|pulls\s+out|pull\s+out|pulling\s+out|fled)\s+(?:from|of)\b", "loss", "lose"),
    (r"\b(?:held|holds|hold|holding|controlled|controls|controlling)\b", "held", "hold"),
    (r"(?<!full )(?<!complete )(?<!total )(?<!under )(?<!in )(?<!of )(?<!the )(?<!its )(?<!their )(?<!back )\bcontrol\b(?!\s+(?:of|over)\b)(?=\s+(?:\d|the|most|much|all|half|parts?|large|\w+\s+percent))", "held", "hold"),
    (r"\b(?:the\s+)?(?:re-?capture|capture|liberation|retaking|seizure|takeover|recovery|fall|loss|defeat)\s+of\b", "capture", "noun"),
    (r"\b(?:strongholds?|bastions?|heartland|power\s+cent(?:re|er)s?|de\s+facto\s+capital)\b", "held", "cue"),
    (r"\b[\w.]+-(?:held|controlled|run)\b", "held", "held-adj"),
    (r"\bunder\s+(?:the\s+)?(?:full\s+|complete\s+|total\s+)?(?:[\w'’.-]+\s+){0,4}?control\b", "held", "under"),
]  # fmt: skip
_VERB_RES = [(re.compile(p, re.I), kind, role) for p, kind, role in _VERBS]
_INTENT_BEFORE = re.compile(
    r"\b(to|at|closer to|bid to|aim(?:ed|ing)? (?:at|to)|in order to|plans? to|efforts? to|campaign to|push to|offensive to|operation to|attempts? to|would|could|will|may|might)\s*$",
    re.I,
)
_PASSIVE_BEFORE = re.compile(
    r"\b(was|were|been|being|be|is|are|has been|had been|have been)\s+(?:\w+ly\s+)?$", re.I
)
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
_ANAPHOR = re.compile(
    r"^[\"”’']?(?:\s+(?:back\s+)?(?:(?:full|complete|total|near[- ]complete)\s+)?control\s+(?:of|over))?\s+(?:the|this|that|its)\s+(?:[\w-]+\s+){0,3}?(?:city|town|village)\b(?!\s+of\b)",
    re.I,
)
_COORD_GAP = re.compile(
    r"^[\s,]*(?:and|,|as well as|&)\s+(?:the\s+)?(?:(?:nearby|neighbo(?:u)?ring|northern|southern|eastern|western|central|ancient|key|strategic|iraqi|syrian|kurdish|border|provincial|\w+-held)\s+){0,3}(?:(?:city|town|village|cities|towns|villages)\s+of\s+)?$",
    re.I,
)
_COUNTRY_PHRASE = re.compile(
    r"\bin\s+(?:neighbo(?:u)?ring\s+)?(?:iraq|syria|turkey)\b|\bin\s+the\s+(?:north|south|east|west)\b",
    re.I,
)
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


@dataclass
class _Actor:
    code: str
    start: int
    end: int
    text: str


def _actors(sentence: str, names_isis: bool) -> list[_Actor]:
    found: list[_Actor] = []
    for regex, code in _ACTOR_RES:
        for m in regex.finditer(sentence):
            if any(not (m.end() <= a.start or m.start() >= a.end) for a in found):
                continue
            if code == "ISIS?":
                if not names_isis:
                    continue
                code = "ISIS"
            found.append(_Actor(code, m.start(), m.end(), m.group()))
    # "Turkish forces and Free Syrian Army militias": the rebels are Turkish-backed.
    if any(a.code == "TURKEY" for a in found):
        for a in found:
            if a.code == "REBELS":
                a.code = "TURKEY"
    return sorted(found, key=lambda a: a.start)


def _resolve(code: str | None, country: str) -> str | None:
    if code is None:
        return None
    if code == "GOV":
        return "IQGOV" if country == "IQ" else "SYGOV"
    if code == "KURD":
        return "KRG" if country == "IQ" else "SDF"
    if code == "USB":
        return "IQGOV" if country == "IQ" else "SDF"
    return code


def _subject(actors: list[_Actor], sentence: str, before: int, *, floor: int = 0) -> _Actor | None:
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


def _actor_after(
    actors: list[_Actor], sentence: str, after: int, words: str, *, gap: int = 8
) -> _Actor | None:
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


@dataclass
class _Clause:
    """Where a control phrase sits in its sentence, to find the places it governs."""

    text: str
    towns: list[Mention]
    dates: list
    vs: int
    ve: int
    next_verb: int
    last_place: Mention | None

    def after_places(self, limit_chars: int = 90) -> list[Mention]:
        """The first place after the phrase, and the places listed with it."""
        text, towns, ve = self.text, self.towns, self.ve
        first = next(
            (
                m
                for m in towns
                if m.start >= ve and m.start - ve <= limit_chars and m.start < self.next_verb + 1
            ),
            None,
        )
        if first is None:
            return []
        chain = [first]
        for m in towns:
            if m.start <= chain[-1].start:
                continue
            gap = text[chain[-1].end : m.start]
            for _a, _b, span in self.dates:
                gap = gap.replace(span.text, " ")
            gap = _COUNTRY_PHRASE.sub(" ", gap)
            if _COORD_GAP.match(gap):
                chain.append(m)
            else:
                break
        return chain

    def place_before(self, limit_chars: int = 80) -> list[Mention]:
        """The last place named before the phrase."""
        cands = [m for m in self.towns if m.end <= self.vs and self.vs - m.end <= limit_chars]
        return cands[-1:] if cands else []

    def anaphor(self) -> list[Mention]:
        """ "the city" right after the phrase: the place last named."""
        m_an = _ANAPHOR.match(self.text[self.ve :])
        if not m_an:
            return []
        earlier = [m for m in self.towns if m.end <= self.vs]
        referent = earlier[-1] if earlier else self.last_place
        if referent is None:
            return []
        # The claim sits where "the city" is written (for its date).
        return [replace(referent, start=self.ve + m_an.start(), end=self.ve + m_an.end())]


def _token_index(tokens: list[Token], char: int) -> int:
    for i, tok in enumerate(tokens):
        if tok.start >= char:
            return i
    return len(tokens)


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
        actors = _actors(text, names_isis)
        dates = find_dates(text, published)
        verbs = []
        for regex, kind, role in _VERB_RES:
            for m in regex.finditer(text):
                if any(not (m.end() <= v[1] or m.start() >= v[0]) for v in verbs):
                    continue
                # A control phrase inside a place's or an actor's name is none.
                if any(p.start <= m.start() < p.end for p in s.mentions) or (
                    role != "held-adj" and any(a.start <= m.start() < a.end for a in actors)
                ):
                    continue
                verbs.append((m.start(), m.end(), kind, role, m.group()))
        verbs.sort()
        for k, (vs, ve, kind, role, word) in enumerate(verbs):
            before = text[:vs]
            if role in ("take", "enter", "lose", "hold", "drive") and _INTENT_BEFORE.search(before):
                continue
            # Nouns ("stronghold", "IS-held") do not end a clause as verbs do.
            later = [v for v in verbs[k + 1 :] if v[3] not in ("cue", "held-adj")]
            next_verb = later[0][0] if later else len(text)
            prev_verb = verbs[k - 1][1] if k > 0 else 0
            passive = role in ("take", "hold") and bool(_PASSIVE_BEFORE.search(before))
            objects: list[Mention] = []
            controller = previous = None
            c_kind = kind

            clause = _Clause(text, towns, dates, vs, ve, next_verb, last_place)
            after_places, place_before, anaphor = (
                clause.after_places,
                clause.place_before,
                clause.anaphor,
            )

            if role == "fall":
                objects = place_before(120)
                if not objects:
                    objects = anaphor() or (
                        [last_place]
                        if last_place
                        and re.search(
                            r"\b(?:the\s+)?(?:city|town)\s+(?:was\s+|had\s+|has\s+)?(?:\w+\s+)?$",
                            before,
                            re.I,
                        )
                        else []
                    )
                actor = next((a for a in actors if a.start >= ve and a.start - ve <= 15), None)
                controller = actor.code if actor else None
            elif role == "noun":
                objects = after_places(40)
                if word.lower().split()[-2] in ("fall", "loss", "defeat"):
                    to = _actor_after(actors, text, objects[-1].end if objects else ve, "to", gap=0)
                    if to is not None:
                        controller = to.code
                    else:
                        c_kind = "loss"
                        # "The loss of Ramadi is a major blow to the Islamic State"
                        place_end = objects[-1].end if objects else ve
                        blow = re.compile(
                            r"\b(?:blow|setback|defeat|loss)\s+(?:to|for)\s+(?:the\s+)?$", re.I
                        )
                        loser = next(
                            (
                                a
                                for a in actors
                                if a.start >= place_end and blow.search(text[: a.start])
                            ),
                            None,
                        )
                        previous = loser.code if loser else None
                else:
                    by = _actor_after(actors, text, objects[-1].end if objects else ve, "by")
                    subj = by or _subject(actors, text, vs, floor=0)
                    controller = subj.code if subj else None
            elif role == "drive":
                m_out = re.compile(r"\b(?:out\s+of|from|out)\b", re.I).search(text, ve)
                anchor = m_out.end() if m_out else ve
                objects = [m for m in after_places(200) if m.start >= anchor][:3] or []
                if not objects and re.match(r"^[\"”’']?\s+", text[ve:]):
                    # "cleared Raqqa of jihadist fighters": the place is the object.
                    objects = [m for m in after_places(30) if m.start < anchor][:1]
                if not objects:
                    tail_anaphor = _ANAPHOR.match(text[anchor:])
                    if tail_anaphor:
                        earlier = [m for m in towns if m.end <= vs]
                        objects = earlier[-1:] or ([last_place] if last_place else [])
                if passive or re.search(r"\b(was|were|been|being)\s+$", before, re.I):
                    subj = _subject(actors, text, vs)
                    previous = subj.code if subj else None
                    by = _actor_after(actors, text, ve, "by")
                    controller = by.code if by else None
                else:
                    subj = _subject(actors, text, vs)
                    controller = subj.code if subj else None
                    loser = next((a for a in actors if ve <= a.start < anchor), None)
                    previous = loser.code if loser else None
                c_kind = "capture" if controller else "loss"
            elif role in ("take", "enter", "siege", "take-held"):
                if passive:
                    objects = place_before(100) or []
                    by = _actor_after(actors, text, ve, "by")
                    controller = by.code if by else None
                else:
                    objects = after_places() or anaphor()
                    subj = _subject(actors, text, vs)
                    controller = subj.code if subj else None
                    frm = _actor_after(actors, text, objects[-1].end if objects else ve, "from")
                    if frm is not None and frm.code != controller:
                        previous = frm.code
                if role == "take-held":
                    c_kind = "held"
            elif role == "lose":
                objects = after_places(60) or anaphor()
                subj = _subject(actors, text, vs)
                previous = subj.code if subj else None
                to = _actor_after(actors, text, objects[-1].end if objects else ve, "to")
                controller = to.code if to else None
                c_kind = "capture" if controller else "loss"
            elif role == "hold":
                if passive:
                    objects = place_before(100)
                    by = _actor_after(actors, text, ve, "by")
                    controller = by.code if by else None
                else:
                    objects = after_places(60) or anaphor()
                    subj = _subject(actors, text, vs)
                    controller = subj.code if subj else None
            elif role == "cue":
                objects = after_places(40)
                if not objects:
                    objects = place_before(60)
                subj = _subject(actors, text, vs, floor=0)
                if re.search(r"\b(its|their)\s+(?:\w+\s+){0,4}$", before, re.I):
                    # "its de facto capital": whoever "its" is, the last actor named.
                    earlier = [a for a in actors if a.end <= vs]
                    subj = earlier[-1] if earlier else subj
                controller = subj.code if subj else None
                if subj is None:
                    # "an ISIS bastion": the actor right before the word.
                    a = next((a for a in actors if 0 <= vs - a.end <= 3), None)
                    controller = a.code if a else None
                if word.lower() == "capital" and controller is None:
                    objects = []
            elif role == "held-adj":
                prefix = word.rsplit("-", 1)[0]
                actor = next((a for a in _actors(prefix, True)), None)
                if actor is None:
                    lowered = prefix.lower()
                    code = {"government": "GOV", "regime": "GOV", "rebel": "REBELS", "opposition": "REBELS",
                            "kurdish": "KURD", "jihadist": "ISIS", "militant": "ISIS"}.get(lowered)  # fmt: skip
                else:
                    code = actor.code
                controller = code
                objects = after_places(40)
                if not objects:
                    m_is = re.search(
                        r"\b(is|was|remains)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}$", before, re.I
                    )
                    objects = place_before(60) if m_is else []
            elif role == "under":
                inside = next((a for a in actors if vs <= a.start and a.end <= ve), None)
                if inside is None and re.search(r"\b(its|their)\b", word, re.I):
                    inside = _subject(actors, text, vs)
                controller = inside.code if inside else None
                objects = place_before(60) or []
                if not objects:
                    m_an = re.search(
                        r"\b(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:city|town)\s*$", before, re.I
                    )
                    if m_an:
                        earlier = [m for m in towns if m.end <= vs]
                        objects = earlier[-1:] or ([last_place] if last_place else [])
            if not objects:
                continue
            # Partial claims are contested.
            if c_kind in ("capture", "held") and role in ("take", "noun", "drive", "hold", "enter"):
                between = text[ve : objects[0].start]
                if (
                    _PARTIAL.search(between)
                    or _DIRECTION_BEFORE.search(text[: objects[0].start])
                    or _PARTIAL_AFTER.match(text[objects[0].end :])
                ):
                    c_kind = "contested"
            if (
                c_kind == "capture"
                and role == "take"
                and re.search(
                    r"^\s*(?:control\s+of\s+)?(?:\w+\s+){0,2}(?:percent|%)", text[ve:], re.I
                )
            ):
                c_kind = "contested"
            for n, obj in enumerate(objects):
                country = country_of(obj.place_id)
                ctrl = _resolve(controller, country)
                prev = _resolve(previous, country)
                if ctrl is not None and ctrl == prev:
                    prev = None
                span = _date_for(
                    dates, text, s.tokens, verb=(vs, ve), obj=obj,
                    following=objects[n + 1].start if n + 1 < len(objects) else next_verb,
                    region=(prev_verb, next_verb), kind=c_kind,
                    after_only=objects[n - 1].end if n > 0 else None,
                )  # fmt: skip
                notes = []
                if span is None and published is not None:
                    span = Span.day(published, "", stated=False)
                if obj.shared_with_province:
                    notes.append(f"“{obj.text}” is also a province's name: taken as the town")
                claims.append(
                    Claim(obj.place_id, c_kind, ctrl, prev, span, text, s.index, obj.text, notes)
                )
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
    vs, ve = verb
    lo, hi = region
    best = None
    for a, b, span in dates:
        if a < lo or b > max(hi, following):
            continue
        if after_only is not None and a < obj.end:
            continue
        if after_only is None and ve <= a and b <= obj.start:
            pass
        elif a < obj.end and b > vs and a > ve:
            continue
        expr = span.text.lower()
        if kind != "held" and expr.startswith("since"):
            continue
        if re.search(r"\b(after|before|earlier)$", expr) and a >= obj.end:
            continue  # "N months after X" dates what follows it
        if a >= obj.end:
            if a > following:
                continue
            distance = len(tokenize(text[obj.end : a]))
            if distance > 10:
                distance += 10
        elif b <= vs:
            distance = len(tokenize(text[b:vs])) + 1
        else:
            distance = 0
        if best is None or distance < best[0]:
            best = (distance, span)
    return best[1] if best else None


def merge_claims(claims: list[Claim]) -> list[Claim]:
    """Merge claims that say the same thing (same place, kind and sides, dates that fit).

    A loss by one side and a capture by another of the same place at the same
    time become one capture; claims with no side at all are dropped.
    """

    def group(kind):
        return "change" if kind in ("capture", "loss") else kind

    def overlap(x: Claim, y: Claim) -> bool:
        if x.span is None or y.span is None or not x.span.stated or not y.span.stated:
            return True
        return x.span.start <= y.span.end and y.span.start <= x.span.end

    def fits(x: Claim, y: Claim) -> bool:
        if x.place_id != y.place_id or group(x.kind) != group(y.kind) or not overlap(x, y):
            return False
        if x.controller and y.controller and x.controller != y.controller:
            return False
        if x.previous and y.previous and x.previous != y.previous:
            return False
        crossed = (x.controller and x.controller == y.previous) or (
            y.controller and y.controller == x.previous
        )
        return not crossed

    def rank(c: Claim):
        if c.span is None:
            return (2, 0)
        return (0 if c.span.stated else 1, (c.span.end - c.span.start).days)

    out: list[Claim] = []
    for c in claims:
        if c.controller is None and c.previous is None and c.kind != "contested":
            continue
        for k, o in enumerate(out):
            if fits(o, c):
                keep, other = (o, c) if rank(o) <= rank(c) else (c, o)
                merged = replace(
                    keep,
                    controller=keep.controller or other.controller,
                    previous=keep.previous or other.previous,
                    notes=list(dict.fromkeys(keep.notes + other.notes)),
                )
                if merged.controller and merged.kind == "loss":
                    merged.kind = "capture"
                out[k] = merged
                break
        else:
            out.append(c)
    return out


def sentences_of(text: str, matcher: PlaceMatcher) -> list[Sentence]:
    """Split a text into sentences and find their place mentions."""
    out = []
    for i, piece in enumerate(split_sentences(text)):
        tokens = tokenize(piece)
        # A place's name inside an organisation's (Hayat Tahrir al-Sham) is no mention.
        actors = _actors(piece, True)
        mentions = [
            m
            for m in matcher.find(piece, tokens)
            if not any(a.start <= m.start and m.end <= a.end for a in actors)
        ]
        out.append(Sentence(piece, i, mentions, tokens))
    return out
