"""Before and after: what changed between two dates, in towns, land and words.

:func:`compare` diffs the state at date A (``start``) with the state at date
B (``end``) and returns a :class:`Comparison`:

``changes``
    The towns whose holder at B differs from their holder at A, with the
    holder on each date, the capture that gave the town to its new holder
    (date, event id and source) and every dated event of the town between
    the two dates.
``returned``
    The towns that changed hands between the dates and came back: the same
    holder at A and at B, but captured at least once in between (Palmyra
    over 2016: ISIS, then the government from March, ISIS again from
    December).
``areas``
    Area per faction on each date, by tier (``core``, ``nominal``) and in
    all (``total``): ``from_km2``, ``to_km2``, ``change_km2`` (always
    ``to_km2 - from_km2``), and ``gained_km2`` / ``lost_km2``, the land of
    the towns that changed hands: their fixed cells, the same cells the
    areas are sums of, so a faction's gained minus lost is its change (the
    drawn ``land`` is smoothed per date and can differ from it by a few per
    cent for a small zone). The areas on each date are
    those of :func:`geodata.territory.area_split` (the same figures as the
    area chart), so each date's rows add up to the land of Syria and Iraq
    and the changes of all factions (``UNKNOWN`` included) add up to zero.
``land``
    The land that changed hands, as polygons: for each pair of holders
    (``from_faction`` at A, ``to_faction`` at B), the intersection of the
    new holder's land at B with the old holder's land at A, i.e. with land
    that was not the new holder's. Only the parts that hold a town that
    changed hands between that pair are kept: the map's zones are smoothed
    per date, and where a zone changes status (a town becomes contested) the
    smoothed edges shift a little, which would otherwise show as slivers of
    "changed" land nobody took.
``summary``
    One sentence: *Between 1 March and 10 April 2016 the Syrian government
    took Palmyra and al-Qaryatayn from ISIS: +6,900 km².*

Everything is computed from the dataset passed in; nothing here draws or
imports Streamlit. The figure is :func:`geodata.render.compare.render_comparison`.

Modules: :mod:`.phrases` (how holders and dates read), :mod:`.result`
(:class:`Comparison`), :mod:`.towns`, :mod:`.land`, :mod:`.areas`,
:mod:`.summary` and :mod:`.outputs` (JSON and CSV); the ``frontline
compare`` command is :mod:`geodata.cli.compare`.
"""

from __future__ import annotations

from geodata.dataset import Dataset
from geodata.events import TIMELINE_END, TIMELINE_START
from geodata.territory import DEFAULT_MAX_REACH_KM

from .areas import area_table, town_pieces
from .land import MIN_PART_KM2, changed_land
from .outputs import CSV_COLUMNS, changes_csv, comparison_json
from .phrases import check_dates, faction_label, faction_phrase, period_text
from .result import Comparison
from .summary import summary_sentence
from .towns import town_tables

__all__ = [
    "Comparison",
    "compare",
    "check_dates",
    "faction_label",
    "faction_phrase",
    "period_text",
    "summary_sentence",
    "changes_csv",
    "comparison_json",
    "CSV_COLUMNS",
    "MIN_PART_KM2",
]


def compare(
    dataset: Dataset, start, end, *, max_reach_km: float = DEFAULT_MAX_REACH_KM
) -> Comparison:
    """Compare the state at ``start`` (date A) with the state at ``end`` (date B).

    Parameters
    ----------
    dataset : Dataset
    start, end : str or datetime-like
        Date A and date B, A before B.
    max_reach_km : float, default 40
        Passed to :func:`geodata.territory.territories`.

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        When ``start`` is on or after ``end``.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> c = compare(load_builtin(), "2016-03-01", "2016-04-10")
    >>> {"palmyra", "al-qaryatayn"} <= set(c.changes["place_id"])
    True
    """
    start, end = check_dates(start, end)
    start = max(start, TIMELINE_START)
    end = min(end, TIMELINE_END)
    changes, returned, events = town_tables(dataset, start, end)
    land = changed_land(dataset, start, end, changes, max_reach_km)
    pieces = town_pieces(dataset, changes, max_reach_km)
    moved: dict[str, float] = {}
    for pid, *_rest, km2 in pieces:
        moved[pid] = moved.get(pid, 0.0) + km2
    changes["area_km2"] = [round(moved.get(pid, 0.0), 1) for pid in changes["place_id"]]
    areas = area_table(dataset, start, end, pieces, max_reach_km)
    summary = summary_sentence((start, end, changes, land))
    return Comparison(
        start=start,
        end=end,
        changes=changes,
        returned=returned,
        areas=areas,
        land=land,
        events=events,
        summary=summary,
    )
