"""Streamlit caches around the pure ``geodata`` functions.

Datasets are passed in, never reached for: a user's upload is cached apart
from the built-in data because every cached function is keyed by the
dataset's content fingerprint (the dataset object itself is not hashed, hence
the leading underscore). Map layers are keyed by epoch — the span between two
changes of control — so moving the date within an epoch recomputes nothing.
"""

from __future__ import annotations

import bisect
import functools
import gc
import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from geodata import Dataset, history, load_builtin
from geodata.scene import build_scene, resolve_extent
from geodata.timeline import change_dates, control_at, epoch_of, places_changed_between

from .map.assets import ensure_base_data, ensure_frame_script, ensure_leaflet_static
from .map.follow import follow_table
from .map.payload import epoch_data, parse_expression, scene_payload, town_table

__all__ = [
    "builtin_dataset",
    "leaflet_static",
    "fingerprint",
    "TownTable",
    "towns_for_frame",
    "follow_for_frame",
    "EpochLayers",
    "epoch_id",
    "epoch_payload",
    "ready_epoch",
    "remember_made",
    "recent_place_ids",
    "warm",
    "epoch_jobs",
    "neighbour_epochs",
    "epoch_key",
    "control_state",
    "change_days",
    "change_log",
    "theatre_extent",
]

RECENT_DAYS = 28
_LOG = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def builtin_dataset() -> Dataset:
    """The built-in data, loaded once per server process (read-only).

    Everything alive by then (the modules, Streamlit's own objects, this data)
    lives as long as the server: it is moved out of the garbage collector's
    scans (``gc.freeze``). Streamlit runs a full collection after every run,
    which otherwise walked those ~200,000 objects each time, 110 to 200 ms
    holding the interpreter lock while the run's messages waited to go out
    (see ``bench/RESULTS.md``).
    """
    dataset = load_builtin()
    gc.collect()
    gc.freeze()
    return dataset


@st.cache_resource(show_spinner=False)
def leaflet_static(app_dir: str) -> str:
    """Copy Leaflet's files and write the base map's data and the frame's drawing
    code for static serving, once per server process."""
    ensure_base_data(Path(app_dir))
    ensure_frame_script(Path(app_dir))
    return str(ensure_leaflet_static(Path(app_dir)))


def fingerprint(dataset: Dataset) -> str:
    """A short hash of a dataset's places and events: the cache key for its results."""

    def compute() -> str:
        digest = hashlib.sha256()
        places = pd.DataFrame(dataset.places.drop(columns="geometry")).assign(
            x=dataset.places.geometry.x, y=dataset.places.geometry.y
        )
        for frame in (places, dataset.events):
            digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy())
        return digest.hexdigest()[:16]

    return dataset.cached("dashboard-fingerprint", compute)


@st.cache_data(show_spinner=False)
def theatre_extent() -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of Syria and Iraq with a margin."""
    return resolve_extent("theatre")


@dataclass(frozen=True)
class TownTable:
    """A dataset's :func:`dashboard.map.payload.town_table`: ``id`` names it in the map
    frame, ``index`` gives each place's position in it, ``data`` is the script
    expression (:func:`dashboard.map.payload.parse_expression`) for the browser."""

    id: str
    index: dict
    data: str


@st.cache_resource(show_spinner=False, max_entries=8)
def towns_for_frame(_dataset: Dataset, key: str) -> TownTable:
    """The names and positions of a dataset's towns, made once for every session.

    Parameters
    ----------
    _dataset : Dataset
    key : str
        :func:`fingerprint` of the dataset.
    """
    index, text = town_table(_dataset.places)
    return TownTable(id=f"{key}/towns", index=index, data=parse_expression(text))


@st.cache_resource(show_spinner=False, max_entries=8)
def follow_for_frame(_dataset: Dataset, key: str) -> TownTable:
    """What the map frame needs to draw a new date itself
    (:func:`dashboard.map.follow.follow_table`), made once for every session.

    Parameters
    ----------
    _dataset : Dataset
    key : str
        :func:`fingerprint` of the dataset.
    """
    text = follow_table(_dataset, towns_for_frame(_dataset, key).index, RECENT_DAYS)
    return TownTable(id=f"{key}/follow", index={}, data=parse_expression(text))


def epoch_id(key: str, epoch: str, factions: tuple[str, ...] | None) -> str:
    """The name of an epoch's layers in the map frame (:attr:`EpochLayers.id`).

    Examples
    --------
    >>> epoch_id("k", "2016-03-27", None), epoch_id("k", "2016-03-27", ("ISIS", "SDF"))
    ('k/2016-03-27/*', 'k/2016-03-27/ISIS,SDF')
    """
    return f"{key}/{epoch}/{','.join(factions) if factions is not None else '*'}"


@dataclass(frozen=True)
class EpochLayers:
    """One epoch's map layers: ``payload`` (:func:`dashboard.map.payload.scene_payload`),
    ``data`` (its :func:`dashboard.map.payload.epoch_data`, as the script expression
    :func:`dashboard.map.payload.parse_expression` makes for the browser) and ``id``,
    which names them in the map frame. Shared read-only between runs."""

    id: str
    payload: dict
    data: str


# A resource, not data: st.cache_data would copy (unpickle) the payload on
# every run, which at 10,000 towns cost more than drawing them. Each entry is
# ~0.3 MB of JSON for the built-in data (656 towns), ~7 MB at 10,000 towns:
# 12 of them bound the server's memory (16 grew it by 60 MB over 500 steps with
# 656 towns); an epoch left behind takes ~0.1 s again.
@st.cache_resource(show_spinner=False, max_entries=12)
def epoch_payload(
    _dataset: Dataset, key: str, epoch: str, factions: tuple[str, ...] | None
) -> EpochLayers:
    """Map layers of one epoch, for every session with the same data.

    Parameters
    ----------
    _dataset : Dataset
    key : str
        :func:`fingerprint` of the dataset.
    epoch : str
        Start of the epoch, ``YYYY-MM-DD`` (:func:`geodata.timeline.epoch_of`).
    factions : tuple of str, optional
        Factions shown (None: all).
    """
    scene = build_scene(
        _dataset,
        epoch,
        recent_days=RECENT_DAYS,
        factions=None if factions is None else list(factions),
    )
    payload = scene_payload(scene)
    data = epoch_data(payload, towns_for_frame(_dataset, key).index)
    layers = EpochLayers(
        id=epoch_id(key, epoch, factions), payload=payload, data=parse_expression(data)
    )
    with _WARMING_LOCK:
        remember_made(_READY, (key, epoch, factions))
    return layers


def remember_made(made: dict, key: tuple, keep: int = 12) -> None:
    """Note ``key`` as made lately in ``made`` (oldest first, at most ``keep``:
    as many as the caches behind it hold). The caller holds the lock guarding it."""
    made[key] = None
    while len(made) > keep:
        made.pop(next(iter(made)))


def ready_epoch(
    dataset: Dataset, key: str, epoch: str, factions: tuple[str, ...] | None
) -> EpochLayers | None:
    """:func:`epoch_payload` if it was made lately (by a run or the warmer), else None.

    For the epochs next to the date's, which the map frame is sent ahead of
    time: a run never waits for one of them to be made.
    """
    with _WARMING_LOCK:
        ready = (key, epoch, factions) in _READY
    return epoch_payload(dataset, key, epoch, factions) if ready else None


# One background worker computes the epochs next to the one shown, so that
# "Next change" and play find them ready. One worker, so that warming never
# takes more than one core from the runs users wait for.
_WARMER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontline-warm")
# Queued jobs by name: {owner: generation of the owner's call that asked for it}.
_WARMING: dict[tuple, dict] = {}
_GENERATION: dict[str, int] = {}
_WARMING_LOCK = threading.Lock()
# The epochs epoch_payload made lately (remember_made).
_READY: dict[tuple, None] = {}


def _run_job(name: tuple, fn) -> None:
    with _WARMING_LOCK:
        # Stale when every session that asked for it has asked for other jobs since.
        askers = _WARMING[name]
        stale = all(_GENERATION.get(owner) != gen for owner, gen in askers.items())
        if stale:  # gone from the queue at once: a later call queues it again
            del _WARMING[name]
            return
    try:
        fn()
    except Exception:  # noqa: BLE001 - the run that needs it will compute it and report
        _LOG.debug("warming %s failed", name, exc_info=True)
    finally:
        with _WARMING_LOCK:
            _WARMING.pop(name, None)


def warm(jobs: list[tuple], owner: str = "") -> None:
    """Run ``jobs``, ``(name, function)`` pairs, on the background worker, in order.

    A job already queued is not queued again. Each call supersedes the same
    ``owner``'s earlier calls (a session: the user has moved on): their jobs
    that have not started are skipped, unless this call, or another owner's
    latest call, asks for them too. So a user stepping quickly keeps the
    worker on the epochs next to where they are, not on a backlog of epochs
    they have left.
    """
    with _WARMING_LOCK:
        generation = _GENERATION[owner] = _GENERATION.get(owner, 0) + 1
        for name, fn in jobs:
            queued = name in _WARMING
            _WARMING.setdefault(name, {})[owner] = generation
            if not queued:
                _WARMER.submit(_run_job, name, fn)


def epoch_jobs(
    dataset: Dataset, key: str, epochs: list[str], factions: tuple[str, ...] | None
) -> list[tuple]:
    """:func:`warm`'s jobs that make these epochs' :func:`epoch_payload` and
    :func:`control_state`."""

    def job(epoch):
        epoch_payload(dataset, key, epoch, factions)
        control_state(dataset, key, epoch)

    return [(("epoch", key, e, factions), functools.partial(job, e)) for e in epochs]


def neighbour_epochs(changes: list, date, *, ahead: int = 2, behind: int = 1) -> list[str]:
    """The starts of the ``ahead`` epochs after ``date``'s and the ``behind`` before it.

    Parameters
    ----------
    changes : list of datetime.date
        :func:`change_days`.
    date : datetime-like

    Examples
    --------
    >>> import datetime as dt
    >>> days = [dt.date(2015, 1, 1), dt.date(2015, 5, 20), dt.date(2016, 3, 27)]
    >>> neighbour_epochs(days, "2015-06-01")
    ['2016-03-27', '2015-01-01']
    """
    day = pd.Timestamp(date).date()
    i = bisect.bisect_right(changes, day)  # changes[i - 1] starts the current epoch
    picked = changes[i : i + ahead] + changes[max(i - 1 - behind, 0) : max(i - 1, 0)][::-1]
    return [d.strftime("%Y-%m-%d") for d in picked]


def epoch_key(dataset: Dataset, date) -> str:
    """The epoch containing ``date`` as ``YYYY-MM-DD`` (cheap: one searchsorted)."""
    return epoch_of(dataset, date).strftime("%Y-%m-%d")


# A resource: shared read-only by every run (the panels only read it); ~0.2 MB each.
@st.cache_resource(show_spinner=False, max_entries=16)
def control_state(_dataset: Dataset, key: str, epoch: str):
    """:func:`geodata.timeline.control_at` at the start of an epoch, which is the
    state on each of its days: computed once per epoch, not on every step.

    Parameters
    ----------
    _dataset : Dataset
    key : str
        :func:`fingerprint` of the dataset.
    epoch : str
        :func:`epoch_key` of a date.
    """
    return control_at(_dataset, epoch)


def recent_place_ids(dataset: Dataset, date, days: int = RECENT_DAYS) -> frozenset[str]:
    """Places with an event in the ``days`` before ``date`` (inclusive), as in a Scene.

    Not cached: a binary search in the dataset's sorted dates costs less than
    a cache lookup.
    """
    end = pd.Timestamp(date)
    return places_changed_between(dataset, end - pd.Timedelta(days=days), end)


@st.cache_data(show_spinner=False)
def change_days(_dataset: Dataset, key: str) -> list:
    """Dates on which the map changes, as :class:`datetime.date`."""
    return [d.date() for d in change_dates(_dataset)]


@st.cache_data(show_spinner=False)
def change_log(_dataset: Dataset, key: str) -> pd.DataFrame:
    """:func:`geodata.history.change_log`, once per dataset."""
    return history.change_log(_dataset)
