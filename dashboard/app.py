"""The page: layout and wiring. ``streamlit run app.py`` calls :func:`main`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from geodata.dataset import DataError, Dataset
from geodata.factions import FACTION_CODES, FACTIONS
from geodata.style import LAYERS
from geodata.territory import DEFAULT_MAX_REACH_KM
from geodata.version import DATA_VERSION, data_version_text

from . import cache, charts, compare_view, panels, state
from .compare_panel import show_compare
from .export_panel import export_panel
from .map.mount import frame_holds, show_map
from .map.script import Follow, date_script, map_title
from .report_panel import report_panel
from .safe import md
from .search import search_box
from .strip import show_strip, strip_for
from .timeline import PLAY_INTERVAL, advance_if_due, timeline_controls
from .upload_panel import upload_panel

__all__ = ["main"]


def _app_dir() -> Path:
    """Folder of the main script: Streamlit serves ``static/`` from there."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    script = getattr(ctx, "main_script_path", None) if ctx else None
    return Path(script).resolve().parent if script else Path.cwd()


def current_dataset() -> Dataset:
    """This session's dataset: an upload kept in session state, else the built-in data."""
    return st.session_state.get("dataset") or cache.builtin_dataset()


def _sidebar(dataset: Dataset) -> None:
    with st.sidebar:
        st.title("Frontline Atlas")
        st.caption(
            "Who controlled which town in the wars in Syria and Iraq, from sourced events, "
            "with estimated territories and front lines."
        )
        search_box(dataset)
        st.subheader("Show")
        st.pills(
            "Factions",
            options=list(FACTION_CODES),
            selection_mode="multi",
            format_func=lambda code: FACTIONS[code].name,
            key="factions",
            help="Towns and territories of the factions not chosen are hidden.",
        )
        for layer, label in LAYERS.items():
            st.checkbox(label, key=f"layer_{layer}")
        with st.expander("Your own data", expanded="upload_result" in st.session_state):
            upload_panel(cache.builtin_dataset())
        st.caption(
            f"Data: {md(dataset.name)} — {len(dataset.places)} places, {len(dataset.events)} "
            "sourced events. Territories are estimates around the towns whose control is "
            "known; follow each event's source link for the evidence."
        )


def _chart(spec: dict | None, stamp: pd.Timestamp) -> None:
    if spec is None:
        st.warning("This chart cannot be drawn for this data; the map and the panels can.")
        return
    st.vega_lite_chart(spec=charts.mark_date(spec, stamp), width="stretch")


def _strip(dataset: Dataset, key: str, stamp: pd.Timestamp) -> None:
    data = strip_for(dataset, key)
    if data is None:
        st.warning("This chart cannot be drawn for this data; the map and the panels can.")
        return
    _select(show_strip(data, stamp, selected=st.session_state.get("place")))


def _select(clicked: str | None) -> None:
    """Select a place the user just clicked (on the map or the strip), then redraw
    the fragment: the history panel, the map's selection ring, the strip's row."""
    if clicked is not None and clicked != st.session_state.get("place"):
        state.select_place(clicked)
        st.session_state["search_outcome"] = None
        st.rerun(scope="fragment")


def _ahead(dataset: Dataset, key: str, stamp: pd.Timestamp, shown_factions) -> tuple:
    """The epochs a step is likely to reach next (the one after the date's and the one
    before), if made already: a run never waits for them. The frame then draws such a
    step itself. Each as :class:`dashboard.map.script.Follow` wants it, with its start."""
    out = []
    changes = cache.change_days(dataset, key)
    for epoch in cache.neighbour_epochs(changes, stamp, ahead=1, behind=1):
        near = cache.ready_epoch(dataset, key, epoch, shown_factions)
        if near is not None:
            data = None if frame_holds(near.id) else near.data
            out.append((near.id, data, near.payload, epoch))
    return tuple(out)


def _map_column(dataset: Dataset, key: str, date, before, shown_factions) -> None:
    """The map (with compare mode's second map), then what changed, exports, reports.

    ``date`` is the timeline's, ``before`` compare mode's earlier date (or None).
    """
    ss = st.session_state
    stamp = pd.Timestamp(date)
    layers = cache.epoch_payload(dataset, key, cache.epoch_key(dataset, stamp), shown_factions)
    towns = cache.towns_for_frame(dataset, key)
    # Each table or epoch is sent only when the frame lacks it, asked in the
    # order in which the frame looks them up: the town table, the follow
    # table, the date's epoch, the epochs next to it (then compare mode's).
    towns_data = None if frame_holds(towns.id) else towns.data
    table = cache.follow_for_frame(dataset, key)
    follow_data = None if frame_holds(table.id) else table.data
    data = None if frame_holds(layers.id) else layers.data
    prefix, suffix = cache.epoch_id(key, "|", shown_factions).split("|")
    follow = Follow(
        table=table.id,
        data=follow_data,
        prefix=prefix,
        suffix=suffix,
        ahead=_ahead(dataset, key, stamp, shown_factions),
    )
    script = date_script(
        layers.payload,
        towns_id=towns.id,
        towns=towns_data,
        epoch=layers.id,
        data=data,
        date=stamp.strftime("%Y-%m-%d"),
        title=map_title(stamp),
        recent_ids=cache.recent_place_ids(dataset, stamp),
        selected=ss.get("place"),
        shown=state.shown_layers(),
        report=ss.get("report_marks") or (),
        follow=follow,
    )
    comparison = None
    if before is not None:
        extra, comparison = compare_view.compare_script(
            dataset,
            key,
            before,
            date,
            factions=shown_factions,
            shown=state.shown_layers(),
            epoch=layers.id,
            ahead=tuple((start, epoch) for epoch, _, _, start in follow.ahead),
        )
        script += extra
    else:
        script += compare_view.HIDE_SCRIPT
    _select(
        show_map(
            script,
            towns=layers.payload["towns"],
            extent=cache.theatre_extent(),
            bounds=bool(ss.get("export_open")),  # "the map as you see it"
        )
    )
    if comparison is not None:
        show_compare(dataset, comparison)
    panels.show_changes(cache.change_log(dataset, key), stamp)
    # Lazy: the panel's many widgets are built only while it is open, so
    # slider steps do not redraw them (see bench/RESULTS.md).
    exports = st.expander("Export this map and its data", key="export_open", on_change="rerun")
    if exports.open:
        with exports:
            export_panel(dataset, stamp, view_bounds=ss.get("map_bounds"))
    reading = st.expander("Check a news report", key="report_open", on_change="rerun")
    if reading.open:
        with reading:
            report_panel(dataset)


def _side_column(dataset: Dataset, key: str, stamp: pd.Timestamp) -> None:
    """The selected place's history and the key places at the date."""
    control = cache.control_state(dataset, key, cache.epoch_key(dataset, stamp))
    panels.show_place(dataset, st.session_state.get("place"), control, stamp)
    panels.show_key_places(control, stamp)


def _chart_tabs(dataset: Dataset, key: str, stamp: pd.Timestamp) -> None:
    """Control over time and area per faction, in lazy tabs."""
    # Lazy tabs: only the chart shown is sent and redrawn on each step.
    control_tab, area_tab = st.tabs(
        ["Control over time", "Area per faction"], key="chart_tab", on_change="rerun"
    )
    if control_tab.open:
        with control_tab:
            _strip(dataset, key, stamp)
    if area_tab.open:
        with area_tab:
            measure = st.radio(
                "Show",
                list(charts.AREA_MEASURES),
                format_func=charts.AREA_MEASURES.get,
                horizontal=True,
                key="area_measure",
            )
            _chart(charts.area_spec(dataset, key, measure), stamp)
            st.caption(
                "Core: the land within a town's reach (up to "
                f"{DEFAULT_MAX_REACH_KM:g} km, less where towns are dense), by the town's "
                "holder at each change. Shares: every km² of the country goes to the holder of "
                "its nearest town; land of unknown holder counts apart."
            )


def _main_view(dataset: Dataset, key: str) -> None:
    first, last = state.date_bounds(dataset)
    changes = cache.change_days(dataset, key)
    advance_if_due(changes, last)

    # The controls come first: a run interrupted by the next one (play, quick
    # clicks) must have drawn the slider, or Streamlit forgets its value.
    date = timeline_controls(changes, first, last)
    before = compare_view.compare_controls(date, first, last)
    stamp = pd.Timestamp(date)
    factions = state.shown_factions()
    shown_factions = None if set(factions) == set(FACTION_CODES) else tuple(factions)

    # Compare mode: two maps side by side get a wider column.
    map_col, side_col = st.columns([3, 1] if before is not None else [2, 1], gap="medium")
    with map_col:
        _map_column(dataset, key, date, before, shown_factions)
    with side_col:
        _side_column(dataset, key, stamp)
    _chart_tabs(dataset, key, stamp)
    st.caption(
        f"Data version {data_version_text()} · cite as: Frontline Atlas, data "
        f"{DATA_VERSION}, sourced control events for Syria and Iraq 2012-2019 (see README)."
    )
    state.sync_query_params()
    # While the user looks at this date, get the next epochs ready.
    _warm_next(dataset, key, stamp, before, shown_factions)


def _warm_next(dataset: Dataset, key: str, stamp, before, shown_factions) -> None:
    """Queue the epochs next to the date (in compare mode each with its
    comparison), the nearest first (:func:`dashboard.cache.warm`)."""
    jobs = []
    for epoch in cache.neighbour_epochs(cache.change_days(dataset, key), stamp):
        jobs += cache.epoch_jobs(dataset, key, [epoch], shown_factions)
        if before is not None:
            jobs += compare_view.comparison_jobs(dataset, key, before, [epoch])
    cache.warm(jobs, owner=_session_id())


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


def main() -> None:
    """Run one pass of the dashboard (Streamlit calls the script on every interaction)."""
    # No page_icon: Streamlit fetches icon images from a CDN, which fails offline.
    st.set_page_config(page_title="Frontline Atlas", layout="wide")
    try:
        _page()
    except DataError as error:  # a damaged built-in file: a message, not a traceback page
        st.error(
            "Frontline Atlas cannot show its data: "
            + md("; ".join(str(p) for p in error.problems[:5]))
        )
        st.stop()


def _page() -> None:
    try:
        cache.leaflet_static(str(_app_dir()))
    except FileNotFoundError as error:  # the map cannot load Leaflet: say why
        st.error(f"The map cannot be drawn: {md(error)}. Run `make static` after installing.")
    dataset = current_dataset()
    key = cache.fingerprint(dataset)
    state.init_state(dataset, key)
    # One container whatever it holds: the map keeps its place in the page, so
    # Streamlit never remounts it when these notes come and go.
    with st.container():
        for problem in st.session_state.pop("url_problems", []):
            st.warning(f"Link: {md(problem)}")  # the URL is the user's: keep it literal
    _sidebar(dataset)
    panels.inject_css()
    run_every = PLAY_INTERVAL if st.session_state.get("playing") else None
    st.fragment(_main_view, run_every=run_every)(dataset, key)
