"""One sentence saying who took what from whom between the two dates."""

from __future__ import annotations

from geodata.factions import UNKNOWN

from .phrases import faction_phrase, period_text
from .result import Comparison

__all__ = ["summary_sentence"]


def _names(names: list[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
    rest = len(names) - (limit - 1)
    return f"{', '.join(names[: limit - 1])} and {rest} other towns"


def summary_sentence(comparison_or_parts, *, max_clauses: int = 3) -> str:
    """One sentence saying who took what from whom between the two dates.

    Parameters
    ----------
    comparison_or_parts : Comparison or tuple
        A :class:`Comparison`, or ``(start, end, changes, land)``.
    max_clauses : int, default 3
        Gaining holders named; the others are counted.

    Examples
    --------
    ``"Between 1 March and 10 April 2016 the Syrian government took Palmyra
    and al-Qaryatayn from ISIS: +6,914 km²."``
    """
    if isinstance(comparison_or_parts, Comparison):
        c = comparison_or_parts
        start, end, changes, land = c.start, c.end, c.changes, c.land
    else:
        start, end, changes, land = comparison_or_parts
    opening = f"Between {period_text(start, end)}"
    if changes.empty:
        return f"{opening} no town changed hands."
    taken = {(r.from_faction, r.to_faction): r.area_km2 for r in land.itertuples(index=False)}
    frame = changes.assign(
        a=changes["from_faction"].fillna(UNKNOWN), b=changes["to_faction"].fillna(UNKNOWN)
    )
    gains = []
    for b, group in frame.groupby("b", sort=False):
        if "area_km2" in group:  # the towns' cells: the gains of the area table
            km2 = float(group["area_km2"].sum())
        else:
            km2 = sum(taken.get((a, b), 0.0) for a in set(group["a"]))
        gains.append((km2, len(group), b, group))
    gains.sort(key=lambda g: (-g[0], -g[1], g[2]))
    clauses = []
    for km2, _n, b, group in gains[:max_clauses]:
        losers = []
        for a, towns in group.groupby("a", sort=False):
            ordered = towns.sort_values(["key", "date"], ascending=[False, True], kind="stable")
            losers.append((-len(towns), a, _names(list(ordered["name"]))))
        losers.sort()
        if b == UNKNOWN:
            what = " and ".join(f"{n} (from {faction_phrase(a)})" for _k, a, n in losers)
            clauses.append(f"the holder of {what} became unknown")
            continue
        what = " and ".join(f"{n} from {faction_phrase(a)}" for _k, a, n in losers)
        clause = f"{faction_phrase(b)} took {what}"
        if km2 > 0:
            clause += f": +{km2:,.0f} km²"
        clauses.append(clause)
    rest = gains[max_clauses:]
    if rest:
        towns = sum(n for _k, n, _b, _g in rest)
        clauses.append(
            f"{len(rest)} other holder{'s' if len(rest) > 1 else ''} took "
            f"{towns} town{'s' if towns > 1 else ''}"
        )
    body = clauses[0] if len(clauses) == 1 else "; ".join(clauses[:-1]) + "; and " + clauses[-1]
    return f"{opening} {body}."
