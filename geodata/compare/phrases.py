"""How holders and dates read in a comparison: phrases, labels, the period."""

from __future__ import annotations

import pandas as pd

from geodata.events import format_date
from geodata.factions import FACTIONS, UNKNOWN
from geodata.timeline import to_date

__all__ = ["faction_phrase", "faction_label", "period_text", "check_dates"]

# How each holder reads inside a sentence.
_PHRASES = {
    "SYGOV": "the Syrian government",
    "ISIS": "ISIS",
    "REBELS": "the Syrian opposition",
    "NUSRA": "al-Nusra/HTS",
    "SDF": "the SDF",
    "IQGOV": "the Iraqi government",
    "KRG": "the Kurdish Peshmerga",
    "TURKEY": "Turkey and its allies",
    UNKNOWN: "an unknown holder",
}


def faction_phrase(code) -> str:
    """How a holder reads in a sentence: ``"the Syrian government"``, ``"ISIS"``.

    Examples
    --------
    >>> faction_phrase("IQGOV")
    'the Iraqi government'
    >>> faction_phrase(None)
    'an unknown holder'
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        code = UNKNOWN
    if code in _PHRASES:
        return _PHRASES[code]
    return FACTIONS[code].name if code in FACTIONS else str(code)


def faction_label(code) -> str:
    """A holder's display name (``"Holder unknown"`` for none)."""
    if code is None or code == UNKNOWN or (not isinstance(code, str) and pd.isna(code)):
        return "Holder unknown"
    return FACTIONS[code].name if code in FACTIONS else str(code)


def period_text(start, end) -> str:
    """``"1 March and 10 April 2016"``: the two dates, the year once when shared.

    Examples
    --------
    >>> period_text("2016-01-01", "2016-12-31")
    '1 January and 31 December 2016'
    >>> period_text("2015-05-20", "2016-03-27")
    '20 May 2015 and 27 March 2016'
    """
    start, end = to_date(start), to_date(end)
    if start.year == end.year:
        return f"{start.day} {start.strftime('%B')} and {format_date(end)}"
    return f"{format_date(start)} and {format_date(end)}"


def check_dates(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return both dates as timestamps, or raise ``ValueError`` unless start < end.

    Raises
    ------
    ValueError
        When ``start`` is on or after ``end``, or a date is not a date.
    """
    start, end = to_date(start), to_date(end)
    if start >= end:
        raise ValueError(
            f"the first date ({start.date()}) must be before the second ({end.date()})"
        )
    return start, end
