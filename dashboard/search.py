"""Find a place by any spelling, zoom to it and open its history."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from geodata.dataset import Dataset
from geodata.gazetteer import GeocodeError

from . import state
from .safe import md

__all__ = ["SearchOutcome", "find_place", "search_box"]

SEARCH_ZOOM = 9


@dataclass(frozen=True)
class SearchOutcome:
    """What a search found.

    ``place_id`` is set when the name is a place of the dataset; ``center``
    when the gazetteer knows where it is (also for GeoNames towns without
    events); ``suggestions`` lists ``(id, name)`` to offer on failure.
    """

    query: str
    place_id: str | None = None
    name: str | None = None
    center: tuple[float, float] | None = None
    message: str = ""
    suggestions: list[tuple[str, str]] = field(default_factory=list)


def find_place(dataset: Dataset, query: str) -> SearchOutcome:
    """Resolve ``query`` against the dataset's gazetteer (no Streamlit).

    Examples
    --------
    >>> from geodata import load_builtin
    >>> find_place(load_builtin(), "Tadmur").place_id
    'palmyra'
    """
    query = query.strip()
    try:
        hit = dataset.gazetteer.geocode(query)
    except GeocodeError as error:
        suggestions = [(pid, name) for pid, name, _ in error.suggestions]
        return SearchOutcome(query, message=str(error), suggestions=suggestions)
    center = (hit.lat, hit.lon)
    if hit.id in set(dataset.places["id"]):
        return SearchOutcome(query, place_id=hit.id, name=hit.name, center=center)
    return SearchOutcome(
        query,
        name=hit.name,
        center=center,
        message=f"{hit.name} is a known town but has no events in this data.",
    )


def _apply(outcome: SearchOutcome) -> None:
    st.session_state["search_outcome"] = outcome
    if outcome.center is not None:
        state.select_place(outcome.place_id, center=outcome.center, zoom=SEARCH_ZOOM)


def _pick(suggestion_id: str, dataset: Dataset) -> None:
    # Ids are spellings the gazetteer knows, so this resolves exactly.
    _apply(find_place(dataset, suggestion_id))


def search_box(dataset: Dataset) -> None:
    """The sidebar search form, with "did you mean" buttons after a miss."""
    with st.form("search", border=False):
        query = st.text_input(
            "Find a place",
            key="search_query",
            placeholder="e.g. Tadmur, Deir Ezzour, الموصل",
            help="Any common spelling, in Latin or Arabic script.",
        )
        submitted = st.form_submit_button("Search", icon=":material/search:")
    if submitted and query.strip():
        _apply(find_place(dataset, query))
    outcome: SearchOutcome | None = st.session_state.get("search_outcome")
    if outcome is None:
        return
    # Names and the query are data: md() keeps them literal in Markdown.
    if outcome.place_id is not None:
        st.success(f"Found {md(outcome.name)}.", icon=":material/location_on:")
    elif outcome.center is not None:
        st.info(md(outcome.message))
    else:
        st.warning(f"No place matches “{md(outcome.query)}”.")
        if outcome.suggestions:
            st.caption("Did you mean:")
            for pid, name in outcome.suggestions:
                st.button(
                    md(name),
                    key=f"suggest-{pid}",
                    on_click=_pick,
                    args=(pid, dataset),
                    help=f"Show {md(name)}",
                )
