"""Turn a report's claims into rows of the user's own data (low certainty).

The rows go through the same path as an uploaded events file
(:func:`geodata.upload.read_upload`, ``mode="layer"``: on top of the data
shown), so they are checked like any upload. Rows the checks refuse (a
capture whose losing side did not hold the town then, a contest over a
town nobody is known to hold...) are never added: they are returned with
their problems for the user to fix.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from geodata.dataset import Dataset
from geodata.events import TIMELINE_START
from geodata.factions import UNKNOWN
from geodata.problems import Problem
from geodata.upload import UploadResult, read_upload

__all__ = ["ClaimRows", "claim_rows", "add_claims", "ROW_COLUMNS"]

ROW_COLUMNS = (
    "place", "lat", "lon", "kind", "date", "date_precision", "from_faction", "to_faction",
    "certainty", "source_title", "source_url", "note",
)  # fmt: skip
_FILE = "report-claims.csv"


@dataclass
class ClaimRows:
    """What adding a report's claims gave."""

    result: UploadResult | None  # the upload of the rows kept (None: nothing to add)
    added: list[dict] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)  # the row and "problem"
    skipped: list[dict] = field(default_factory=list)  # claims that make no row, and why


def _holder(base: Dataset | None, place_id: str | None, date: str) -> str | None:
    if base is None or not place_id or place_id not in set(base.places["id"]):
        return None
    import pandas as pd

    from geodata.timeline import control_table

    table = control_table(base, pd.Timestamp(date) - pd.Timedelta(days=1))  # the day before
    row = table[table["id"] == place_id]
    return None if row.empty else row.iloc[0]["controller"]


def claim_rows(
    report,
    *,
    source_url: str,
    source_title: str = "",
    verdicts=("not-in-data",),
    base: Dataset | None = None,
):
    """Rows for the claims whose verdict is in ``verdicts``; and the claims left out, with why.

    The losing side is the claim's, else the holder in ``base`` at that date,
    else unknown. A town new to the data starts with an ``initial`` row of
    unknown holder at the start of the timeline, so its chain of control holds.
    """
    rows, skipped = [], []
    new_places: set[str] = set()
    for claim in report.claims:
        if claim.verdict not in verdicts:
            continue
        why = None
        if claim.date is None:
            why = "no date"
        elif claim.kind == "held":
            why = "says who holds the town, not a change of hands: nothing to add"
        elif claim.kind == "contested" and not claim.controller:
            why = "does not say who attacks"
        if why:
            skipped.append(
                {"place": claim.name, "kind": claim.kind, "date": claim.date, "why": why}
            )
            continue
        precision = {10: "day", 7: "month", 4: "year"}[len(claim.date)]
        date = claim.date + {"day": "", "month": "-01", "year": "-01-01"}[precision]
        kind = "contest" if claim.kind == "contested" else "capture"
        to_faction = claim.controller or UNKNOWN
        from_faction = claim.previous or _holder(base, claim.place_id, date) or UNKNOWN
        # A town new to the data takes the name the report gives it (its
        # GeoNames spellings do not come along).
        place = claim.name if claim.place_id else (claim.mention or claim.name)
        if not claim.place_id and place not in new_places:
            new_places.add(place)
            rows.append(
                {
                    "place": place,
                    "lat": f"{claim.lat:.5f}",
                    "lon": f"{claim.lon:.5f}",
                    "kind": "initial",
                    "date": TIMELINE_START.date().isoformat(),
                    "date_precision": "day",
                    "from_faction": "",
                    "to_faction": UNKNOWN,
                    "certainty": "low",
                    "source_title": source_title or report.title or "",
                    "source_url": source_url,
                    "note": "A town new to the data: its holder before the report is not known.",
                }
            )
        rows.append(
            {
                "place": place,
                "lat": "" if claim.place_id else f"{claim.lat:.5f}",
                "lon": "" if claim.place_id else f"{claim.lon:.5f}",
                "kind": kind,
                "date": date,
                "date_precision": precision,
                "from_faction": from_faction,
                "to_faction": to_faction,
                "certainty": "low",
                "source_title": source_title or report.title or "",
                "source_url": source_url,
                "note": f"From a news report: {claim.text}"[:1000],
            }
        )
    return rows, skipped


def _place_id(base: Dataset, name: str) -> str | None:
    try:
        return base.gazetteer.geocode(name).id
    except ValueError:
        return None


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def add_claims(
    report, base: Dataset, *, source_url: str, source_title: str = "", verdicts=("not-in-data",)
) -> ClaimRows:
    """Add a report's claims to ``base`` as the user's own rows, keeping only rows that check.

    Parameters
    ----------
    report : geodata.reader.Report
    base : Dataset
        The data shown (built-in or the user's): the rows go on top of it.
    source_url : str
        The report's URL, or one the user gives (every row needs an http(s) source).
    source_title : str, optional
        Default: the report's title.

    Returns
    -------
    ClaimRows
        ``result.dataset`` is the new data when some rows were kept.
    """
    rows, skipped = claim_rows(
        report, source_url=source_url, source_title=source_title, verdicts=verdicts, base=base
    )
    if not rows:
        return ClaimRows(None, [], [], skipped)
    refused: list[dict] = []
    kept = list(rows)
    result = None
    for _ in range(4):
        result = read_upload(_csv(kept), filename=_FILE, base=base, mode="layer")
        mine, theirs, whole_file = _problems_of(result)
        names = {e.name for e in result.to_confirm}
        if whole_file:
            message = "; ".join(p.message for p in whole_file)
            refused += [{**row, "problem": message} for row in kept]
            return ClaimRows(None, [], refused, skipped)
        if not any(p.row is not None for p in mine) and not names and not theirs:
            break
        kept, dropped = _drop_bad_rows(kept, base, mine, theirs, names)
        refused += dropped
        if not kept:
            return ClaimRows(None, [], refused, skipped)
    if result is None or result.errors or result.dataset is None:
        return ClaimRows(None, [], refused + [{**r, "problem": "refused"} for r in kept], skipped)
    return ClaimRows(result, kept, refused, skipped)


def _problems_of(result):
    """Split an upload's errors: the claim rows' own (``mine``), those found at the data
    below per place id (``theirs``), and those that concern the whole file."""
    mine = [p for p in result.errors if p.file == _FILE]
    # A problem found in the data below ("broken chain" at a built-in row)
    # names the place: it is that place's new rows that break it.
    theirs: dict[str, list[str]] = {}
    for p in result.errors:
        if p.file != _FILE:
            m = re.search(r"'([\w-]+)'", p.message)
            theirs.setdefault(m.group(1) if m else "", []).append(p.message)
    below = [Problem(_FILE, None, None, m, code="claims.base_row") for m in theirs.get("", [])]
    whole_file = [p for p in mine if p.row is None] + below
    return mine, theirs, whole_file


def _drop_bad_rows(kept, base, mine, theirs, names):
    """The rows with no problem, and the others with their problems."""
    still, dropped = [], []
    for number, row in enumerate(kept, start=2):
        problems = [p.message for p in mine if p.row == number]
        problems += theirs.get(_place_id(base, row["place"]), [])
        if row["place"] in names:
            problems.append("the place's name needs confirming")
        if problems:
            dropped.append({**row, "problem": "; ".join(problems)})
        else:
            still.append(row)
    return still, dropped
