"""Per-session view state, mirrored in the URL so a copied link reopens the view.

Everything lives in ``st.session_state`` (never in module globals, which all
sessions share). The URL carries:

``date``
    ``YYYY-MM-DD``.
``place``
    The selected place's id (any spelling is accepted when opening).
``factions``
    Comma-separated faction codes shown, ``none`` for none (absent: all).
``layers``
    Comma-separated layer keys shown (see :data:`geodata.style.LAYERS`),
    ``none`` for none (absent: all).
``compare``
    ``YYYY-MM-DD``: compare mode, this date beside ``date`` (which must be later).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geodata.dataset import Dataset
from geodata.factions import FACTION_CODES, normalize_faction
from geodata.gazetteer import GeocodeError
from geodata.style import LAYERS

__all__ = [
    "DEFAULT_DATE",
    "date_bounds",
    "parse_view",
    "view_params",
    "init_state",
    "sync_query_params",
    "select_place",
    "shown_factions",
    "shown_layers",
]

DEFAULT_DATE = dt.date(2016, 3, 27)  # Palmyra retaken
_NONE = "none"


def date_bounds(dataset: Dataset) -> tuple[dt.date, dt.date]:
    """First and last day of the slider: the whole range the data speaks of.

    Data of a single day still gets a range (that day and the next): a
    slider needs two ends.
    """
    first, last = dataset.date_range()
    return first.date(), max(last.date(), first.date() + dt.timedelta(days=1))


def _codes(text: str, valid, normalize=lambda v: v) -> tuple[list[str], list[str]]:
    if text.strip().lower() == _NONE:
        return [], []
    good, bad = [], []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            code = normalize(part)
        except ValueError:
            code = None
        if code in valid:
            good.append(code)
        else:
            bad.append(part)
    return list(dict.fromkeys(good)), bad


def _asked_date(text: str) -> dt.date | None:
    """The date a ``date`` query parameter asks for, or None when it is not one."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_view(params: dict, dataset: Dataset) -> tuple[dict, list[str]]:
    """Turn query parameters into a view, with a message for each value ignored.

    Parameters
    ----------
    params : dict
        Query parameters (``str`` values).
    dataset : Dataset

    Returns
    -------
    (dict, list of str)
        ``date`` (datetime.date), ``place`` (id or None), ``factions`` and
        ``layers`` (lists), ``compare`` (datetime.date or None), and the
        problems found.
    """
    first, last = date_bounds(dataset)
    default = min(max(DEFAULT_DATE, first), last)
    view = {"date": default, "place": None, "factions": list(FACTION_CODES), "layers": list(LAYERS)}
    problems: list[str] = []
    if params.get("date"):
        view["date"] = _view_date(params["date"], first, last, default, problems)
    if params.get("place"):
        view["place"] = _view_place(params["place"], dataset, problems)
    if "factions" in params:
        view["factions"], bad = _codes(params["factions"], FACTION_CODES, normalize_faction)
        if bad:
            problems.append(f"unknown factions ignored: {', '.join(bad)}")
    if "layers" in params:
        view["layers"], bad = _codes(params["layers"], LAYERS)
        if bad:
            problems.append(f"unknown layers ignored: {', '.join(bad)}")
    view["compare"] = None
    if params.get("compare"):
        view["compare"] = _view_compare(params["compare"], first, view["date"], problems)
    return view, problems


def _view_date(text: str, first, last, default, problems: list[str]):
    """``?date=``: the date asked for, clamped to the data (or the default if unreadable)."""
    date = _asked_date(text)
    if date is None:
        problems.append(f"date {text!r} ignored: expected YYYY-MM-DD")
        return default
    if not first <= date <= last:
        problems.append(f"date {date} is outside the data ({first} to {last}): clamped")
    return min(max(date, first), last)


def _view_place(text: str, dataset: Dataset, problems: list[str]):
    """``?place=``: a place id, or a name in any spelling."""
    if text in set(dataset.places["id"]):
        return text
    try:
        return dataset.resolve_place(text)
    except GeocodeError as error:
        problems.append(f"place ignored: {error}")
        return None


def _view_compare(text: str, first, date, problems: list[str]):
    """``?compare=``: the earlier date of compare mode (before the view's date)."""
    before = _asked_date(text)
    if before is None:
        problems.append(f"compare {text!r} ignored: expected YYYY-MM-DD")
        return None
    if not first <= before < date:
        problems.append(
            f"compare {before} ignored: expected a date from {first} and before the date {date}"
        )
        return None
    return before


def view_params(view: dict) -> dict[str, str]:
    """The query parameters of a view: the inverse of :func:`parse_view`.

    Defaults (all factions, all layers, no place) are left out to keep links short.
    """
    params = {"date": view["date"].isoformat()}
    if view.get("compare"):
        params["compare"] = view["compare"].isoformat()
    if view.get("place"):
        params["place"] = view["place"]
    for key, every in (("factions", FACTION_CODES), ("layers", tuple(LAYERS))):
        chosen = [c for c in every if c in set(view[key])]  # canonical order
        if len(chosen) != len(every):
            params[key] = ",".join(chosen) or _NONE
    return params


def init_state(dataset: Dataset, key: str) -> None:
    """Fill ``st.session_state`` from the URL on a session's first run (or a new dataset)."""
    ss = st.session_state
    if ss.get("_view_of") == key:
        return
    params = st.query_params.to_dict()
    # A date clamped into an earlier dataset's range (say, an upload whose
    # names still await confirmation) comes back when the data reaches it.
    wanted, shown = ss.get("_clamped_date") or (None, None)
    if wanted and params.get("date") == shown:
        params["date"] = wanted
    view, problems = parse_view(params, dataset)
    asked = _asked_date(params["date"]) if params.get("date") else None
    if asked is not None and asked != view["date"]:
        ss["_clamped_date"] = (params["date"], view["date"].isoformat())
    else:
        ss.pop("_clamped_date", None)
    ss["_view_of"] = key
    ss["date"] = view["date"]
    ss["place"] = view["place"]
    ss["factions"] = view["factions"]
    for layer in LAYERS:
        ss[f"layer_{layer}"] = layer in view["layers"]
    ss["compare_on"] = view["compare"] is not None
    ss["compare_from"] = view["compare"]
    ss["map_view"] = None
    ss["playing"] = False
    ss.setdefault("speed", "event")
    ss["url_problems"] = problems


def current_view() -> dict:
    """The view in ``st.session_state`` (same keys as :func:`parse_view`)."""
    ss = st.session_state
    return {
        "date": ss["date"],
        "place": ss.get("place"),
        "factions": shown_factions(),
        "layers": sorted(shown_layers()),
        "compare": ss.get("compare_from") if ss.get("compare_on") else None,
    }


def sync_query_params() -> None:
    """Write the current view to the URL (only when it changed)."""
    params = view_params(current_view())
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def select_place(
    place_id: str | None, *, center: tuple[float, float] | None = None, zoom: int | None = None
) -> None:
    """Select a place; with ``center``, also ask the map to fly there.

    The map only moves when the requested view differs from the last one it
    was given, so a repeated request carries a counter in a negligible offset.
    """
    ss = st.session_state
    ss["place"] = place_id
    if center is not None:
        count = (ss.get("map_view") or {}).get("count", 0) + 1
        lat, lon = center
        ss["map_view"] = {"center": [lat + count * 1e-7, lon], "zoom": zoom, "count": count}


def shown_factions() -> list[str]:
    """Faction codes ticked in the filter."""
    return list(st.session_state.get("factions", FACTION_CODES))


def shown_layers() -> set[str]:
    """Layer keys ticked in the filter."""
    return {k for k in LAYERS if st.session_state.get(f"layer_{k}", True)}
