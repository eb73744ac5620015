"""The factions of the Syrian and Iraqi wars, with their map colours.

Codes are fixed: data files, the command line and the dashboard all use them.
Colours follow the convention readers know from Wikipedia's war maps
(government red, ISIS black, rebels green, Kurdish-led forces yellow,
al-Nusra/HTS grey); lightness and saturation are set so that every pair of
factions that can share a front stays apart for every reader: a CIEDE2000
difference of at least 10 between the colours, as drawn and as the core fill
on the map, for normal vision and simulated protanopia, deuteranopia and
tritanopia (Machado 2009; :mod:`geodata.colours`, checked by a test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .style import FACTION_COLORS, MISSING_FACTION_COLOR

__all__ = [
    "Faction",
    "FACTIONS",
    "FACTION_CODES",
    "UNKNOWN",
    "faction_color",
    "normalize_faction",
]


@dataclass(frozen=True)
class Faction:
    """A party to the conflict as drawn on the map.

    Parameters
    ----------
    code : str
        Fixed upper-case code used in every data file (e.g. ``"SYGOV"``).
    name : str
        Display name.
    description : str
        One sentence on who is included.
    color : str
        Fill colour as ``#rrggbb``.
    """

    code: str
    name: str
    description: str
    color: str


FACTIONS: dict[str, Faction] = {
    f.code: f
    for f in (
        Faction(
            "SYGOV",
            "Syrian government",
            "Syrian Arab Army, National Defence Forces and allied militias, with Russian "
            "and Iranian support.",
            FACTION_COLORS["SYGOV"],
        ),
        Faction(
            "ISIS",
            "Islamic State (ISIS)",
            "The Islamic State of Iraq and the Levant and its predecessor ISI.",
            FACTION_COLORS["ISIS"],
        ),
        Faction(
            "REBELS",
            "Syrian opposition",
            "Free Syrian Army groups and other Syrian rebel factions outside al-Nusra/HTS.",
            FACTION_COLORS["REBELS"],
        ),
        Faction(
            "NUSRA",
            "al-Nusra Front / HTS",
            "Jabhat al-Nusra, later Jabhat Fatah al-Sham and Hayat Tahrir al-Sham.",
            FACTION_COLORS["NUSRA"],
        ),
        Faction(
            "SDF",
            "SDF / YPG",
            "Syrian Democratic Forces and the Kurdish People's Protection Units (YPG/YPJ).",
            FACTION_COLORS["SDF"],
        ),
        Faction(
            "IQGOV",
            "Iraqi government",
            "Iraqi Security Forces, Counter-Terrorism Service and Popular Mobilization Forces.",
            FACTION_COLORS["IQGOV"],
        ),
        Faction(
            "KRG",
            "Kurdish Peshmerga",
            "Forces of the Kurdistan Regional Government of Iraq.",
            FACTION_COLORS["KRG"],
        ),
        Faction(
            "TURKEY",
            "Turkey and allies",
            "Turkish Armed Forces and Turkish-backed Syrian rebels (Euphrates Shield, SNA).",
            FACTION_COLORS["TURKEY"],
        ),
    )
}

FACTION_CODES: tuple[str, ...] = tuple(FACTIONS)

#: The holder code for a period when no source says who held a place. Data
#: files may write it as the ``to_faction`` of an ``initial`` row or a
#: ``capture`` (and so as the ``from_faction`` of the capture that ends the
#: period). It is not a faction: the map shows such a place as *unknown*.
UNKNOWN = "UNKNOWN"

# Names people write in data files, mapped to codes (compared after _key()).
_SYNONYMS = {
    "syrian government": "SYGOV",
    "syria": "SYGOV",
    "government": "SYGOV",
    "saa": "SYGOV",
    "regime": "SYGOV",
    "assad": "SYGOV",
    "isil": "ISIS",
    "is": "ISIS",
    "islamic state": "ISIS",
    "daesh": "ISIS",
    "daish": "ISIS",
    "rebels": "REBELS",
    "opposition": "REBELS",
    "fsa": "REBELS",
    "free syrian army": "REBELS",
    "syrian opposition": "REBELS",
    "nusra": "NUSRA",
    "al nusra": "NUSRA",
    "al nusra front": "NUSRA",
    "jabhat al nusra": "NUSRA",
    "hts": "NUSRA",
    "hayat tahrir al sham": "NUSRA",
    "sdf": "SDF",
    "ypg": "SDF",
    "syrian democratic forces": "SDF",
    "iraq": "IQGOV",
    "iraqi government": "IQGOV",
    "isf": "IQGOV",
    "pmf": "IQGOV",
    "krg": "KRG",
    "peshmerga": "KRG",
    "kurdish peshmerga": "KRG",
    "turkey": "TURKEY",
    "tfsa": "TURKEY",
    "sna": "TURKEY",
}


def _key(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", value.lower()).strip()


def normalize_faction(value: object) -> str:
    """Return the faction code for a code or a common name, in any case.

    Parameters
    ----------
    value : object
        A code (``"isis"``, ``"SDF"``), a display name (``"Syrian government"``)
        or a common synonym (``"Daesh"``, ``"Peshmerga"``).

    Returns
    -------
    str
        One of :data:`FACTION_CODES`, or :data:`UNKNOWN` for ``"unknown"``.

    Raises
    ------
    ValueError
        When nothing matches; the message lists the valid codes.

    Examples
    --------
    >>> normalize_faction("daesh")
    'ISIS'
    """
    text = "" if value is None else str(value).strip()
    if text.upper() in (UNKNOWN, "UNKNOWN HOLDER", "?"):
        return UNKNOWN
    if text.upper() in FACTIONS:
        return text.upper()
    key = _key(text)
    for faction in FACTIONS.values():
        if _key(faction.name) == key:
            return faction.code
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    raise ValueError(f"unknown faction {text!r}: expected one of {', '.join(FACTION_CODES)}")


def faction_color(code: str) -> str:
    """Return the fill colour of a faction code (grey for unknown codes).

    Examples
    --------
    >>> faction_color("ISIS")
    '#1a1a1a'
    """
    faction = FACTIONS.get(code)
    return faction.color if faction else MISSING_FACTION_COLOR
