"""The reader's parts: sentences, actors, and one reader per role of a control phrase."""

import pytest

from geodata.reader.actors import find_actors, resolve_actor
from geodata.reader.phrases import ROLE_READERS, VERB_RES, clause_at, find_phrases
from geodata.reader.places import PlaceMatcher
from geodata.reader.sentences import sentences_of, split_sentences


def test_abbreviations_do_not_end_a_sentence():
    text = "Gen. Smith said the U.S. forces left. Then rain fell.\nA new paragraph"
    assert split_sentences(text) == [
        "Gen. Smith said the U.S. forces left.",
        "Then rain fell.",
        "A new paragraph",
    ]


@pytest.mark.parametrize(
    ("code", "country", "faction"),
    [
        ("GOV", "SY", "SYGOV"),
        ("GOV", "IQ", "IQGOV"),
        ("KURD", "SY", "SDF"),
        ("KURD", "IQ", "KRG"),
        ("USB", "SY", "SDF"),
        ("ISIS", "IQ", "ISIS"),
        (None, "SY", None),
    ],
)
def test_actors_resolve_by_the_places_country(code, country, faction):
    assert resolve_actor(code, country) == faction


def test_militants_are_isis_only_when_the_report_names_islamic_state():
    sentence = "The militants seized the town."
    assert [a.code for a in find_actors(sentence, True)] == ["ISIS"]
    assert find_actors(sentence, False) == []


def test_rebels_named_with_turkish_forces_are_turkish_backed():
    actors = find_actors("Turkish forces and Free Syrian Army rebels entered the town.", True)
    assert {a.code for a in actors} == {"TURKEY"}


def test_every_role_has_a_reader():
    assert {role for _regex, _kind, role in VERB_RES} == set(ROLE_READERS)


def _reading(builtin, text):
    (sentence,) = sentences_of(text, builtin_matcher(builtin))
    towns = [m for m in sentence.mentions if not m.province]
    actors = find_actors(text, True)
    verbs = find_phrases(text, sentence.mentions, actors)
    out = []
    for k in range(len(verbs)):
        c = clause_at(verbs, k, text=text, towns=towns, dates=[], last_place=None, actors=actors)
        if c is not None:
            r = ROLE_READERS[c.role](c)
            out.append((c.role, [m.place_id for m in r.objects], r.controller, r.previous, r.kind))
    return out


def builtin_matcher(builtin):
    counts = builtin.events["place_id"].value_counts().to_dict()
    return PlaceMatcher(builtin.gazetteer, set(builtin.places["id"]), counts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Syrian government forces recaptured Palmyra from Islamic State.",
            ("take", ["palmyra"], "SYGOV", "ISIS", "capture"),
        ),
        ("Palmyra fell to Islamic State fighters.", ("fall", ["palmyra"], "ISIS", None, "capture")),
        ("Islamic State lost Palmyra.", ("lose", ["palmyra"], None, "ISIS", "loss")),
        (
            "Kurdish forces drove Islamic State out of Kobani.",
            ("drive", ["kobani"], "KURD", "ISIS", "capture"),
        ),
        (
            "Palmyra was captured by the Syrian army.",
            ("take", ["palmyra"], "SYGOV", None, "capture"),
        ),
    ],
)
def test_role_readers(builtin, text, expected):
    assert expected in _reading(builtin, text)


def test_intent_is_not_a_claim(builtin):
    assert _reading(builtin, "The army launched a campaign to recapture Palmyra.") == []
