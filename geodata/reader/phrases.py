# ruff: noqa: E501 - the patterns of control phrases read best on one line each
"""Control phrases and the places, actors and kind of claim each one governs.

A *control phrase* (recaptured, retook, seized, captured, took full control
of, liberated, fell to, was driven out of, lost, withdrew from, pulled out
of, entered, broke the siege of, stormed, held, stronghold of...) has a
*role* that says where its place and its actors are: the place is the
nearest one named after the verb, or before it for "fell to" and passives;
"the city" stands for the last place named. :data:`ROLE_READERS` has one
reader per role; each returns a :class:`Reading` of its :class:`Clause`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from geodata.reader.actors import Actor, actor_after, find_actors, subject_of
from geodata.reader.places import Mention

__all__ = ["VERB_RES", "Clause", "Reading", "ROLE_READERS", "find_phrases", "clause_at"]

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
VERB_RES = [(re.compile(p, re.I), kind, role) for p, kind, role in _VERBS]
_INTENT_BEFORE = re.compile(
    r"\b(to|at|closer to|bid to|aim(?:ed|ing)? (?:at|to)|in order to|plans? to|efforts? to|campaign to|push to|offensive to|operation to|attempts? to|would|could|will|may|might)\s*$",
    re.I,
)
_PASSIVE_BEFORE = re.compile(
    r"\b(was|were|been|being|be|is|are|has been|had been|have been)\s+(?:\w+ly\s+)?$", re.I
)
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


@dataclass
class Clause:
    """Where a control phrase sits in its sentence, to find the places it governs.

    ``vs``, ``ve``: where the phrase starts and ends; ``prev_verb``,
    ``next_verb``: the end of the phrase before it and the start of the next
    (the clause's region); ``kind`` and ``role``: from :data:`VERB_RES`.
    """

    text: str
    towns: list[Mention]
    dates: list
    vs: int
    ve: int
    prev_verb: int
    next_verb: int
    last_place: Mention | None
    actors: list[Actor]
    word: str
    kind: str
    role: str
    passive: bool

    @property
    def before(self) -> str:
        """The sentence up to the phrase."""
        return self.text[: self.vs]

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


@dataclass
class Reading:
    """What a clause says: its places, the sides (codes before resolution), its kind."""

    objects: list[Mention]
    controller: str | None
    previous: str | None
    kind: str


def find_phrases(text: str, mentions: list[Mention], actors: list[Actor]) -> list[tuple]:
    """``(start, end, kind, role, words)`` of every control phrase, in order.

    A phrase inside a place's or an actor's name is none, and the first
    pattern to claim a stretch of text wins it.
    """
    verbs: list[tuple] = []
    for regex, kind, role in VERB_RES:
        for m in regex.finditer(text):
            if any(not (m.end() <= v[1] or m.start() >= v[0]) for v in verbs):
                continue
            # A control phrase inside a place's or an actor's name is none.
            if any(p.start <= m.start() < p.end for p in mentions) or (
                role != "held-adj" and any(a.start <= m.start() < a.end for a in actors)
            ):
                continue
            verbs.append((m.start(), m.end(), kind, role, m.group()))
    verbs.sort()
    return verbs


def clause_at(
    verbs: list[tuple],
    k: int,
    *,
    text: str,
    towns: list[Mention],
    dates: list,
    last_place: Mention | None,
    actors: list[Actor],
) -> Clause | None:
    """The clause of the ``k``-th phrase, or None when it only says what is intended."""
    vs, ve, kind, role, word = verbs[k]
    before = text[:vs]
    if role in ("take", "enter", "lose", "hold", "drive") and _INTENT_BEFORE.search(before):
        return None
    # Nouns ("stronghold", "IS-held") do not end a clause as verbs do.
    later = [v for v in verbs[k + 1 :] if v[3] not in ("cue", "held-adj")]
    next_verb = later[0][0] if later else len(text)
    prev_verb = verbs[k - 1][1] if k > 0 else 0
    passive = role in ("take", "hold") and bool(_PASSIVE_BEFORE.search(before))
    return Clause(
        text,
        towns,
        dates,
        vs,
        ve,
        prev_verb,
        next_verb,
        last_place,
        actors,
        word,
        kind,
        role,
        passive,
    )


# --- one reader per role ------------------------------------------------------


def _code(actor: Actor | None) -> str | None:
    return actor.code if actor else None


def _fall(c: Clause) -> Reading:
    """ "Palmyra fell to ...": the place before, the actor right after."""
    objects = c.place_before(120)
    if not objects:
        objects = c.anaphor() or (
            [c.last_place]
            if c.last_place
            and re.search(
                r"\b(?:the\s+)?(?:city|town)\s+(?:was\s+|had\s+|has\s+)?(?:\w+\s+)?$",
                c.before,
                re.I,
            )
            else []
        )
    actor = next((a for a in c.actors if a.start >= c.ve and a.start - c.ve <= 15), None)
    return Reading(objects, _code(actor), None, c.kind)


_BLOW = re.compile(r"\b(?:blow|setback|defeat|loss)\s+(?:to|for)\s+(?:the\s+)?$", re.I)


def _noun(c: Clause) -> Reading:
    """ "the capture of X by ...", "the fall of X to ...", "the loss of X"."""
    objects = c.after_places(40)
    place_end = objects[-1].end if objects else c.ve
    if c.word.lower().split()[-2] not in ("fall", "loss", "defeat"):
        by = actor_after(c.actors, c.text, place_end, "by")
        subj = by or subject_of(c.actors, c.text, c.vs, floor=0)
        return Reading(objects, _code(subj), None, c.kind)
    to = actor_after(c.actors, c.text, place_end, "to", gap=0)
    if to is not None:
        return Reading(objects, to.code, None, c.kind)
    # "The loss of Ramadi is a major blow to the Islamic State"
    loser = next(
        (a for a in c.actors if a.start >= place_end and _BLOW.search(c.text[: a.start])), None
    )
    return Reading(objects, None, _code(loser), "loss")


def _drive(c: Clause) -> Reading:
    """ "A drove B out of X", "B was driven from X by A"."""
    text, actors, vs, ve = c.text, c.actors, c.vs, c.ve
    m_out = re.compile(r"\b(?:out\s+of|from|out)\b", re.I).search(text, ve)
    anchor = m_out.end() if m_out else ve
    objects = [m for m in c.after_places(200) if m.start >= anchor][:3] or []
    if not objects and re.match(r"^[\"”’']?\s+", text[ve:]):
        # "cleared Raqqa of jihadist fighters": the place is the object.
        objects = [m for m in c.after_places(30) if m.start < anchor][:1]
    if not objects:
        tail_anaphor = _ANAPHOR.match(text[anchor:])
        if tail_anaphor:
            earlier = [m for m in c.towns if m.end <= vs]
            objects = earlier[-1:] or ([c.last_place] if c.last_place else [])
    if c.passive or re.search(r"\b(was|were|been|being)\s+$", c.before, re.I):
        previous = _code(subject_of(actors, text, vs))
        controller = _code(actor_after(actors, text, ve, "by"))
    else:
        controller = _code(subject_of(actors, text, vs))
        previous = _code(next((a for a in actors if ve <= a.start < anchor), None))
    return Reading(objects, controller, previous, "capture" if controller else "loss")


def _take(c: Clause) -> Reading:
    """ "A took X (from B)", "X was taken by A"; also enter, siege and take-held."""
    if c.passive:
        objects = c.place_before(100) or []
        return Reading(objects, _code(actor_after(c.actors, c.text, c.ve, "by")), None, c.kind)
    objects = c.after_places() or c.anaphor()
    controller = _code(subject_of(c.actors, c.text, c.vs))
    frm = actor_after(c.actors, c.text, objects[-1].end if objects else c.ve, "from")
    previous = frm.code if frm is not None and frm.code != controller else None
    return Reading(objects, controller, previous, c.kind)


def _lose(c: Clause) -> Reading:
    """ "B lost X (to A)"."""
    objects = c.after_places(60) or c.anaphor()
    previous = _code(subject_of(c.actors, c.text, c.vs))
    to = actor_after(c.actors, c.text, objects[-1].end if objects else c.ve, "to")
    controller = _code(to)
    return Reading(objects, controller, previous, "capture" if controller else "loss")


def _hold(c: Clause) -> Reading:
    """ "A holds X", "X is held by A"."""
    if c.passive:
        objects = c.place_before(100)
        return Reading(objects, _code(actor_after(c.actors, c.text, c.ve, "by")), None, c.kind)
    objects = c.after_places(60) or c.anaphor()
    return Reading(objects, _code(subject_of(c.actors, c.text, c.vs)), None, c.kind)


def _cue(c: Clause) -> Reading:
    """ "X, an ISIS stronghold", "its de facto capital"."""
    objects = c.after_places(40)
    if not objects:
        objects = c.place_before(60)
    subj = subject_of(c.actors, c.text, c.vs, floor=0)
    if re.search(r"\b(its|their)\s+(?:\w+\s+){0,4}$", c.before, re.I):
        # "its de facto capital": whoever "its" is, the last actor named.
        earlier = [a for a in c.actors if a.end <= c.vs]
        subj = earlier[-1] if earlier else subj
    controller = _code(subj)
    if subj is None:
        # "an ISIS bastion": the actor right before the word.
        controller = _code(next((a for a in c.actors if 0 <= c.vs - a.end <= 3), None))
    if c.word.lower() == "capital" and controller is None:
        objects = []
    return Reading(objects, controller, None, c.kind)


# Holders named by an adjective ("regime-held") that names no actor itself.
_ADJECTIVES = {
    "government": "GOV",
    "regime": "GOV",
    "rebel": "REBELS",
    "opposition": "REBELS",
    "kurdish": "KURD",
    "jihadist": "ISIS",
    "militant": "ISIS",
}


def _held_adj(c: Clause) -> Reading:
    """ "IS-held Mosul", "Mosul is a regime-held town"."""
    prefix = c.word.rsplit("-", 1)[0]
    actor = next((a for a in find_actors(prefix, True)), None)
    controller = _ADJECTIVES.get(prefix.lower()) if actor is None else actor.code
    objects = c.after_places(40)
    if not objects:
        m_is = re.search(r"\b(is|was|remains)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}$", c.before, re.I)
        objects = c.place_before(60) if m_is else []
    return Reading(objects, controller, None, c.kind)


def _under(c: Clause) -> Reading:
    """ "X, under ISIS control", "the city, under their control"."""
    inside = next((a for a in c.actors if c.vs <= a.start and a.end <= c.ve), None)
    if inside is None and re.search(r"\b(its|their)\b", c.word, re.I):
        inside = subject_of(c.actors, c.text, c.vs)
    objects = c.place_before(60) or []
    if not objects:
        m_an = re.search(r"\b(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:city|town)\s*$", c.before, re.I)
        if m_an:
            earlier = [m for m in c.towns if m.end <= c.vs]
            objects = earlier[-1:] or ([c.last_place] if c.last_place else [])
    return Reading(objects, _code(inside), None, c.kind)


#: The reader of each role of :data:`VERB_RES`.
ROLE_READERS = {
    "fall": _fall,
    "noun": _noun,
    "drive": _drive,
    "take": _take,
    "enter": _take,
    "siege": _take,
    "take-held": _take,
    "lose": _lose,
    "hold": _hold,
    "cue": _cue,
    "held-adj": _held_adj,
    "under": _under,
}
