# ruff: noqa: E501 - the patterns of control phrases, actors and dates read best on one line each
"""Place mentions: every spelling the gazetteer knows, matched in running text.

The matcher looks up runs of one to five words, normalised as the gazetteer
normalises names (:func:`geodata.gazetteer.normalize_name`: case, diacritics,
hyphens and the Arabic article do not matter), in the gazetteer's table of
spellings; the longest run wins. Only exact spellings count here (no fuzzy
matching on running text, which would find towns in ordinary words), and a
Latin name must be capitalised as names are.

A name followed by *province*, *governorate* or *region* (or preceded by
*province of*) is the province, not the town: it is set aside. A town whose
name is also a province's (Raqqa, Deir ez-Zor, Aleppo...) is taken for the
town and marked ``shared_with_province``, so the reader can say it was unsure.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from geodata.gazetteer import Gazetteer, normalize_name

__all__ = ["Mention", "Token", "tokenize", "PlaceMatcher"]

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’ʿʾ`-]*\w)?|\d+", re.UNICODE)
_MAX_WORDS = 5
_PROVINCE_AFTER = re.compile(
    r"^\s*(provinces?|governorates?|regions?|district|countryside)\b", re.I
)
_PROVINCE_BEFORE = re.compile(r"\b(provinces?|governorates?|region) of\s*$", re.I)
_CITY_BEFORE = re.compile(r"\b(city|town|village|centre|center|capital) of\s*$", re.I)
# Lower-case words that are articles or English words and must not start or end a name.
_EDGE_WORDS = {"as", "at", "an", "ad", "ed", "es", "en", "et", "er", "ul", "the", "of", "and"}
# Spellings that are ordinary words, organisation names or too short to trust.
_UNSAFE = {"sham", "ana", "bab", "hit", "tal", "tell", "dam", "ras", "ain", "dar", "jabal", "jebel",
           "hamra", "nahr", "abu", "bir", "tall", "umm", "dayr", "deir", "qasr", "said", "army",
           "state", "police", "may", "city", "mar", "ras al", "ayn", "ein", "new", "islamic state",
           "ali", "bridge", "camp", "mount", "arab"}  # fmt: skip
# Names allowed despite _UNSAFE when written just so (capitalised, not sentence-initial).
_CAPITALISED_OK = {"hit": "Hit"}
_HAS_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|ad|an|az|at|ath|ed|er|es|et|ez|en)[- ]\w", re.I)
# Provinces (governorates) of Syria and Iraq; a town of the same name may be meant either way.
PROVINCES = {
    normalize_name(n)
    for n in (
        "Aleppo", "Raqqa", "Deir ez-Zor", "Hasakah", "Idlib", "Hama", "Homs", "Latakia", "Tartus",
        "Damascus", "Rif Dimashq", "Daraa", "Suwayda", "Quneitra", "Anbar", "Nineveh", "Ninawa",
        "Kirkuk", "Erbil", "Duhok", "Sulaymaniyah", "Diyala", "Salahuddin", "Salah al-Din",
        "Baghdad", "Babil", "Karbala", "Najaf", "Wasit", "Basra", "Maysan", "Dhi Qar", "Muthanna",
        "Qadisiyah", "Halabja",
    )
}  # fmt: skip
COUNTRIES = {"syria", "iraq", "turkey", "jordan", "lebanon", "iran", "israel", "kurdistan"}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass
class Mention:
    """One place named in a sentence."""

    place_id: str
    text: str
    start: int  # character offsets in the sentence
    end: int
    first_token: int
    last_token: int
    province: bool = False  # the province of that name, not the town
    shared_with_province: bool = False


_ARTICLE_PREFIX = re.compile(r"^(al|el|ar|as|ash|ad|an|az|at|ath|ad|ed|er|es|et|ez|en|ul)$", re.I)


def tokenize(text: str) -> list[Token]:
    """Words (letters, digits, inner hyphens and apostrophes) with their offsets.

    Two capitalised names joined by a hyphen ("Fallujah-Ramadi corridor") are
    two words; a name with its article ("al-Shadadi", "Deir ez-Zor") is one.
    """
    tokens = []
    for m in _TOKEN.finditer(text):
        word, start = m.group(), m.start()
        if len(word) > 3 and word[-2:].lower() in ("'s", "’s"):  # Tikrit's downtown
            word = word[:-2]
        parts = word.split("-")
        if len(parts) > 1 and all(
            len(p) >= 3 and p[:1].isupper() and not _ARTICLE_PREFIX.match(p) for p in parts
        ):
            offset = start
            for part in parts:
                tokens.append(Token(part, offset, offset + len(part)))
                offset += len(part) + 1
        else:
            tokens.append(Token(word, start, start + len(word)))
    return tokens


class PlaceMatcher:
    """Finds the places of a gazetteer named in sentences.

    Parameters
    ----------
    gazetteer : Gazetteer
    dataset_ids : set of str
        Ids of the places with events in the data: preferred when a spelling
        names several places.
    """

    def __init__(
        self, gazetteer: Gazetteer, dataset_ids: set[str], event_counts: dict | None = None
    ):
        self.gazetteer = gazetteer
        self.dataset_ids = dataset_ids
        counts = event_counts or {}
        #: spelling -> the other places it also names (the matcher took the first).
        self.also: dict[str, list[str]] = {}
        self._index: dict[str, str] = {}
        self._first_words: set[str] = set()
        self._with_article: dict[str, str] = {}  # unsafe alone, fine with the article: al-Bab
        for key, ids in gazetteer.spellings().items():
            if not key or key in COUNTRIES or len(key) < 3:
                continue
            in_data = [i for i in ids if i in dataset_ids]
            curated = [i for i in ids if gazetteer.record(i)["source"] == "curated"]
            chosen = in_data or curated or ids
            if len(chosen) > 1:
                # A spelling of several towns ("Sinjar", "Sinjar (Idlib)"): the one
                # so named rather than so aliased, then the one with most events.
                def rank(place_id, key=key):
                    named = normalize_name(gazetteer.record(place_id)["name"]) == key
                    return (not named, -counts.get(place_id, 0))

                ranked = sorted(chosen, key=rank)
                if rank(ranked[0]) == rank(ranked[1]):
                    continue  # nothing to choose between them: not trusted in running text
                self.also[key] = ranked[1:]
                chosen = ranked[:1]
            if key in _UNSAFE:
                self._with_article[key] = chosen[0]
            else:
                self._index[key] = chosen[0]
        for word, _name in _CAPITALISED_OK.items():
            ids = gazetteer.spellings().get(word, [])
            curated = [i for i in ids if gazetteer.record(i)["source"] == "curated"]
            if len(curated) == 1:
                self._index.setdefault(f"!{word}", curated[0])

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one matcher per dataset, kept in its cache
    def _lookup(self, phrase: str) -> str | None:
        key = normalize_name(phrase)
        hit = self._index.get(key)
        if hit is None and key in self._with_article and _HAS_ARTICLE.match(phrase):
            hit = self._with_article[key]
        return hit

    def find(self, sentence: str, tokens: list[Token] | None = None) -> list[Mention]:
        """Every place named in a sentence, longest spelling first, without overlaps."""
        tokens = tokens if tokens is not None else tokenize(sentence)
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            first = tokens[i].text
            latin = first[:1].isalpha() and first[:1].isascii()
            if latin and not (
                first[:1].isupper()
                or first.lower().startswith(
                    ("al-", "el-", "ar-", "as-", "ash-", "ad-", "ad-", "an-", "az-", "at-")
                )
            ):
                i += 1
                continue
            if first.lower() in _EDGE_WORDS and first.islower():
                i += 1
                continue
            hit = None
            for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
                last = tokens[i + n - 1]
                if n > 1 and (
                    last.text.lower() in _EDGE_WORDS or last.text.lower() in ("al", "el")
                ):
                    continue
                # A name does not run across punctuation other than spaces and hyphens.
                span = sentence[tokens[i].start : last.end]
                if n > 1 and re.search(r"[^\w\s'’ʿʾ`-]", span):
                    continue
                place = self._lookup(span)
                if (
                    place is None
                    and n == 1
                    and first.lower() in _CAPITALISED_OK
                    and first[:1].isupper()
                    and i > 0
                ):
                    place = self._index.get(f"!{first.lower()}")
                if place is not None:
                    hit = (n, place, span)
                    break
            if hit is None:
                i += 1
                continue
            n, place, span = hit
            start, end = tokens[i].start, tokens[i + n - 1].end
            mentions.append(Mention(place, span, start, end, i, i + n - 1))
            i += n
        self._mark_provinces(sentence, mentions)
        return mentions

    def _mark_provinces(self, sentence: str, mentions: list[Mention]) -> None:
        for k, m in enumerate(mentions):
            after = sentence[m.end :]
            before = sentence[: m.start]
            plural = _PROVINCE_AFTER.match(after)
            if plural or _PROVINCE_BEFORE.search(before):
                m.province = True
                if plural and plural.group(1).lower().endswith("s"):
                    # "Aleppo and Idlib Provinces": the names listed before too.
                    j = k - 1
                    while j >= 0 and re.fullmatch(
                        r"\s*(,|and|,\s*and)\s*", sentence[mentions[j].end : mentions[j + 1].start]
                    ):
                        mentions[j].province = True
                        j -= 1
            elif (
                normalize_name(self.gazetteer.record(m.place_id)["name"]) in PROVINCES
                or normalize_name(m.text) in PROVINCES
            ):
                m.shared_with_province = not _CITY_BEFORE.search(before)
