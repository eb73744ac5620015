"""Bring your own data: upload, check, confirm place names, map.

The upload lives in this session's ``st.session_state`` only; a bad file
never replaces the data already shown.
"""

from __future__ import annotations

import streamlit as st

from geodata import Dataset
from geodata.upload import (
    NameToConfirm,
    UploadResult,
    builtin_csv,
    read_upload,
    template_csv,
)

from .safe import md

__all__ = ["upload_panel", "session_dataset"]

_LEAVE_OUT = "__leave_out__"
_SHOWN_PROBLEMS = 200


def session_dataset() -> Dataset | None:
    """This session's uploaded dataset, or None for the built-in data."""
    return st.session_state.get("dataset")


def _read(base: Dataset, confirmed: dict | None = None):
    ss = st.session_state
    upload = ss.get("upload_files")
    if not upload:
        return None
    events, places = upload
    return read_upload(
        events[1],
        filename=events[0],
        places=places[1] if places else None,
        places_filename=places[0] if places else None,
        base=base,
        mode=ss.get("upload_mode", "layer"),
        dayfirst=ss.get("upload_dayfirst", False),
        confirmed=confirmed,
    )


def _apply(result) -> None:
    """Keep the result; switch the map to it only when it is usable."""
    ss = st.session_state
    ss["upload_result"] = result
    if result is not None and result.dataset is not None and not result.errors:
        ss["dataset"] = result.dataset
        ss["place"] = None


def upload_panel(builtin: Dataset) -> None:
    """The upload form, its messages and the name confirmations."""
    _form(builtin)
    result = st.session_state.get("upload_result")
    if result is not None:
        _messages(result)
        if result.to_confirm:
            _confirm_names(builtin, result)
    _downloads()


def _form(builtin: Dataset) -> None:
    """The two file pickers, the options and the button that reads the files."""
    ss = st.session_state
    events_file = st.file_uploader(
        "Events (CSV, GeoJSON or GeoPackage)",
        type=["csv", "geojson", "json", "gpkg"],
        key="upload_events",
    )
    places_file = st.file_uploader(
        "Places, optional (CSV, GeoJSON or GeoPackage)",
        type=["csv", "geojson", "json", "gpkg"],
        key="upload_places",
    )
    st.radio(
        "Use it",
        ["layer", "replace"],
        format_func={
            "layer": "on top of the built-in data",
            "replace": "instead of the built-in data",
        }.get,
        key="upload_mode",
        horizontal=True,
    )
    st.checkbox("Dates are day first (27/03/2016)", key="upload_dayfirst")
    if st.button("Check and load", disabled=events_file is None, key="upload_go"):
        ss["upload_files"] = (
            (events_file.name, events_file.getvalue()),
            (places_file.name, places_file.getvalue()) if places_file else None,
        )
        ss["upload_confirmed"] = {}
        _apply(_read(builtin))
        st.rerun()  # the whole page switches to the new data (or shows why not)


def _messages(result: UploadResult) -> None:
    """The summary of the last upload, and every problem found in it."""
    if result.errors:
        st.error(
            f"{len(result.errors)} problem(s): the map keeps showing the data it had. "
            "Fix the file and load it again."
        )
    else:
        st.success(md(result.summary))
    if result.problems:
        # One line per problem, file, row and column first; md() keeps the
        # user's text literal (never a link, an image or HTML).
        lines = [f"- {md(p)}" for p in result.problems[:_SHOWN_PROBLEMS]]
        more = len(result.problems) - _SHOWN_PROBLEMS
        if more > 0:
            lines.append(f"- … and {more} more")
        with st.container(height=260 if len(lines) > 6 else "content", key="upload_problems"):
            st.markdown("\n".join(lines))


def _downloads() -> None:
    """The template and built-in CSVs, and the way back to the built-in data."""
    ss = st.session_state
    col1, col2 = st.columns(2)
    col1.download_button(
        "Template CSV",
        data=template_csv,
        file_name="events_template.csv",
        mime="text/csv",
        on_click="ignore",
        key="dl_template",
    )
    col2.download_button(
        "Built-in events CSV",
        data=lambda: builtin_csv()[1],
        file_name="events.csv",
        mime="text/csv",
        on_click="ignore",
        key="dl_builtin_events",
    )
    if session_dataset() is not None and st.button("Back to the built-in data", key="upload_reset"):
        for key in ("dataset", "upload_result", "upload_files", "upload_confirmed"):
            ss.pop(key, None)
        ss["place"] = None
        st.rerun()


def _options(entry: NameToConfirm) -> tuple[list[str], dict[str, str]]:
    """The choices offered for one name: its suggestions, then leaving its rows out."""
    options = [a["id"] for a in entry.alternatives]
    names = {a["id"]: f"{a['name']} ({a['score']:.0f})" for a in entry.alternatives}
    if entry.suggested_id and entry.suggested_id not in options:
        options.insert(0, entry.suggested_id)
        names[entry.suggested_id] = entry.suggested_name or entry.suggested_id
    options.append(_LEAVE_OUT)
    names[_LEAVE_OUT] = "leave these rows out"
    return options, names


def _confirm_names(builtin: Dataset, result: UploadResult) -> None:
    """One choice per place name to confirm, and the button that applies them."""
    ss = st.session_state
    st.markdown("**Place names to confirm**")
    answers = {}
    for i, entry in enumerate(result.to_confirm):
        options, names = _options(entry)
        answers[entry.name] = st.selectbox(
            md(f"“{entry.name}” — {entry.message}"),
            options,
            # Options are shown as plain text, not Markdown: md() would show "&#40;".
            format_func=lambda v, names=names: names.get(v, v),
            key=f"confirm_{i}_{entry.name}",
        )
    if st.button("Apply these answers", key="upload_confirm"):
        confirmed = dict(ss.get("upload_confirmed") or {})
        confirmed.update({k: (None if v == _LEAVE_OUT else v) for k, v in answers.items()})
        ss["upload_confirmed"] = confirmed
        _apply(_read(builtin, confirmed))
        st.rerun()
