"""Place the control strip (a Streamlit component of our own, ``frontend/``).

Each run sends the strip's data (about 14 kB, unchanged within a dataset)
and the date; the frame redraws its bars only when the data's id changes
and otherwise moves the date rule. A click on a row sends the place's id
back (with a nonce, so that one click selects once).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from geodata.dataset import Dataset
from geodata.events import format_date
from geodata.history import busiest_places, control_segments
from geodata.scene import KEY_PLACES

from .data import strip_data

__all__ = ["FRONTEND", "strip_for", "show_strip"]

#: The frame's page and script.
FRONTEND = Path(__file__).resolve().parent / "frontend"
_COMPONENT = components.declare_component("control_strip", path=str(FRONTEND))
_LOG = logging.getLogger(__name__)


# Cached as a resource (not copied on each hit): the dict is never changed.
# A strip that cannot be made is cached as None, said once and never retried
# (an exception is not cached: it would fail again on every slider step).
@st.cache_resource(show_spinner=False, max_entries=8)
def strip_for(_dataset: Dataset, key: str) -> dict | None:
    """:func:`~dashboard.strip.data.strip_data` of a dataset's busiest places,
    the key places first, or None; ``key`` is :func:`dashboard.cache.fingerprint`."""
    try:
        segments = busiest_places(control_segments(_dataset), first=KEY_PLACES)
        return {**strip_data(segments, first=KEY_PLACES), "id": key}
    except Exception:  # noqa: BLE001 - any failure: no strip, said once
        _LOG.warning("control strip failed for %s", key, exc_info=True)
        return None


def show_strip(data: dict, date, *, selected: str | None = None, key: str = "strip"):
    """Draw the strip with its rule at ``date``; return a place id the user just
    clicked (once per click), else None."""
    stamp = pd.Timestamp(date)
    value = _COMPONENT(
        data=data,
        date=stamp.strftime("%Y-%m-%d"),
        label=f"{stamp.day} {stamp:%b %Y}",
        title=f"Who held each place, the date of the map ({format_date(stamp)}) marked",
        selected=selected,
        key=key,
        default=None,
    )
    seen = f"_{key}_clicks"
    if not isinstance(value, dict) or value.get("n") == st.session_state.get(seen):
        return None
    st.session_state[seen] = value.get("n")
    place = value.get("place")
    return place if isinstance(place, str) and place in {r[0] for r in data["rows"]} else None
