"""The export panel: the map and the data at the chosen date as files.

Files are made only when their button is clicked (``st.download_button``
with a callable): the callables capture plain values, never session state,
because Streamlit runs them outside the script run.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from geodata import Dataset
from geodata.export import EXPORT_FORMATS, export_state
from geodata.extent import check_extent
from geodata.replay import MAX_FRAMES, mp4_available, render_replay, replay_dates

from .safe import md
from .state import date_bounds

__all__ = ["export_panel", "EXTENT_CHOICES"]

EXTENT_CHOICES = {
    "view": "The map as you see it",
    "theatre": "Syria and Iraq",
    "syria": "Syria",
    "iraq": "Iraq",
}


def _extent(choice: str, view_bounds) -> str | tuple[float, float, float, float]:
    if choice == "view" and view_bounds:
        try:
            return check_extent(tuple(view_bounds))
        except ValueError:
            return "theatre"  # zoomed out beyond the theatre: the whole theatre it is
    return "theatre" if choice == "view" else choice


def _make(dataset: Dataset, date: str, fmt: str, extent, dpi: int) -> bytes:
    # The interactive map carries Leaflet inside: it opens offline and loads nothing
    # from the network (no CDN, no tiles; our own borders are drawn).
    return export_state(dataset, date, fmt, extent=extent, dpi=dpi, self_contained=True)


def export_panel(dataset: Dataset, date: pd.Timestamp, *, view_bounds=None) -> None:
    """Download buttons for every export format, and a replay renderer.

    Parameters
    ----------
    dataset : Dataset
        This session's data.
    date : pandas.Timestamp
        The chosen date.
    view_bounds : tuple, optional
        ``(west, south, east, north)`` of the map as the user sees it.
    """
    _image_and_data_downloads(dataset, date.strftime("%Y-%m-%d"), view_bounds)
    _replay_section(dataset, date)


def _image_and_data_downloads(dataset: Dataset, day: str, view_bounds) -> None:
    """Area and resolution of the map images, then one download button per format."""
    # The options never change (a widget whose options change is a new widget,
    # which would lose the user's choice); without bounds yet, "view" falls
    # back to the whole theatre.
    choices = list(EXTENT_CHOICES)
    col1, col2 = st.columns(2)
    with col1:
        choice = st.selectbox(
            "Area of the map images",
            choices,
            index=choices.index("theatre"),
            format_func=EXTENT_CHOICES.get,
            key="export_extent",
        )
    with col2:
        dpi = st.select_slider(
            "PNG resolution (dpi)", [100, 150, 200, 300], value=150, key="export_dpi"
        )
    extent = _extent(choice, view_bounds)
    st.caption(
        "Map images carry a title with the date, a legend, a scale bar, a north arrow and "
        "the attribution. Data files hold every place, territory and front line."
    )
    cols = st.columns(4)
    for i, (code, fmt) in enumerate(EXPORT_FORMATS.items()):
        with cols[i % 4]:
            st.download_button(
                fmt.label,
                data=functools.partial(_make, dataset, day, code, extent, int(dpi)),
                file_name=f"frontline-atlas_{day}{fmt.extension}",
                mime=fmt.mime,
                key=f"export_{code}",
                on_click="ignore",
                width="stretch",
            )


def _replay_section(dataset: Dataset, date: pd.Timestamp) -> None:
    """Span, step and format of a replay; the button that renders it, and its download."""
    st.markdown("**Animated replay**")
    first, last = date_bounds(dataset)  # the slider's range
    c1, c2, c3 = st.columns(3)
    start = c1.date_input(
        "From",
        value=min(max(first, (date - pd.DateOffset(years=1)).date()), last),
        min_value=first,
        max_value=last,
        key="replay_start",
    )
    end = c2.date_input(
        "To",
        value=min(max(first, date.date()), last),
        min_value=first,
        max_value=last,
        key="replay_end",
    )
    step = c3.selectbox(
        "Step",
        ["month", "week", "event"],
        key="replay_step",
        format_func={"month": "a month", "week": "a week", "event": "each change"}.get,
    )
    formats = ["gif", "mp4"] if mp4_available() else ["gif"]
    fmt = st.radio("Format", formats, horizontal=True, key="replay_fmt")
    if start > end:
        st.warning("The replay starts after it ends: swap the dates.")
        return
    frames = len(replay_dates(dataset, pd.Timestamp(start), pd.Timestamp(end), step=step))
    if frames > MAX_FRAMES:
        st.warning(
            f"{frames} frames is more than the limit of {MAX_FRAMES}: "
            "choose a shorter span or a longer step."
        )
        return
    if st.button(f"Render the replay ({frames} frames)", key="replay_go"):
        bar = st.progress(0.0, text="Rendering frames…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"Frame {done} of {total}")

        try:
            data = render_replay(
                dataset,
                pd.Timestamp(start),
                pd.Timestamp(end),
                step=step,
                fmt=fmt,
                progress=progress,
            )
        except ValueError as error:
            bar.empty()
            st.error(f"The replay could not be made: {md(error)}")
            return
        bar.empty()
        st.session_state["replay_file"] = (data, f"frontline-atlas_{start}_{end}.{fmt}", fmt)
    made = st.session_state.get("replay_file")
    if made:
        data, name, fmt_done = made
        st.download_button(
            f"Download {name}",
            data=data,
            file_name=name,
            mime="image/gif" if fmt_done == "gif" else "video/mp4",
            key="replay_download",
            on_click="ignore",
        )
