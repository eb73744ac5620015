"""The dashboard for benchmarks: ``streamlit run bench/bench_app.py``.

A bench-only entry point that runs the dashboard unchanged, with two hooks:

- ``BENCH_PLACES`` (0: the built-in data) puts a generated dataset of that
  many places in the session, where an upload would go (see
  :func:`dashboard.app.current_dataset`); ``BENCH_EVENTS`` (default 5) sets
  the events a place and ``BENCH_GRID`` (default ``QS``: the first day of a
  quarter) the dates they fall on (see :func:`bench.synthetic.synthetic_dataset`).

- With ``BENCH_PROFILE=FILE``, the dashboard's main view (what a slider step
  reruns) is profiled with pyinstrument, in the script's own thread, while
  ``FILE.on`` exists (see :func:`_profiled`).
- With ``BENCH_TRACEMALLOC=FILE``, memory allocations are traced from the
  first run on; each run that finds ``FILE.snap`` removes it and compares the
  heap with the first such snapshot, writing the biggest growths to ``FILE``
  (see :func:`_memory`).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` is not installed

import dashboard.app  # noqa: E402
from bench.synthetic import synthetic_dataset  # noqa: E402
from dashboard.app import main  # noqa: E402


@st.cache_resource(show_spinner=False)
def generated(places: int, events: int):
    return synthetic_dataset(places, events, grid=os.environ.get("BENCH_GRID", "QS"))


def run() -> None:
    places = int(os.environ.get("BENCH_PLACES", "0"))
    if places:
        st.session_state["dataset"] = generated(places, int(os.environ.get("BENCH_EVENTS", "5")))
    main()


def _inclusive(frame, seen=(), out=None) -> dict:
    """Seconds spent in each function, callees included, counted once per call path."""
    out = {} if out is None else out
    path = (frame.file_path_short or "").replace("\\", "/")
    name = f"{Path(path).stem}.{frame.function}" if path else frame.function
    if name not in seen:
        out[name] = out.get(name, 0.0) + frame.time
        seen = (*seen, name)
    for child in frame.children:
        _inclusive(child, seen, out)
    return out


def _profiled(view, path: str | None, memory_to: str | None):
    """Wrap the dashboard's main view (the fragment a slider step reruns) in pyinstrument.

    Only while ``PATH.on`` exists: each run appends a JSON line (total and
    inclusive seconds per function) to ``PATH`` and its text report to
    ``PATH`` with the suffix ``.txt``.
    """
    from pyinstrument import Profiler

    path = path or os.devnull
    flag, text = Path(f"{path}.on"), Path(path).with_suffix(".txt")

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if memory_to:
            _memory(memory_to)
        if not flag.exists():
            return view(*args, **kwargs)
        profiler = Profiler(interval=0.001)
        profiler.start()
        try:
            return view(*args, **kwargs)
        finally:
            profiler.stop()
            root = profiler.last_session.root_frame()
            functions = _inclusive(root) if root is not None else {}
            record = {"total": root.time if root is not None else 0.0, "functions": functions}
            with open(path, "a") as out:
                out.write(json.dumps(record) + "\n")
            with open(text, "a") as out:
                out.write(profiler.output_text(unicode=False, color=False))

    wrapper.bench_profiled = True
    return wrapper


@st.cache_resource(show_spinner=False)
def _kept() -> dict:
    """A dict that outlives reruns of this script (one per server process)."""
    return {}


def _memory(path: str) -> None:
    """On request (``PATH.snap``), write where traced memory grew since the first request."""
    import tracemalloc

    flag = Path(f"{path}.snap")
    if not tracemalloc.is_tracing():
        tracemalloc.start()
    if not flag.exists():
        return
    flag.unlink()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    kept = _kept()
    if "first" not in kept:
        kept["first"] = snapshot
        return
    top = snapshot.compare_to(kept["first"], "lineno")
    lines = [
        {"where": str(d.traceback[0]), "kB": d.size_diff / 1e3, "blocks": d.count_diff}
        for d in top[:10]
    ]
    total = sum(d.size_diff for d in top) / 1e6
    Path(path).write_text(json.dumps({"total_MB": total, "top": lines}))


profile_to = os.environ.get("BENCH_PROFILE")
memory_to = os.environ.get("BENCH_TRACEMALLOC")
if (profile_to or memory_to) and not getattr(dashboard.app._main_view, "bench_profiled", False):
    # Instrumentation only: the same function, timed (the module outlives reruns).
    dashboard.app._main_view = _profiled(dashboard.app._main_view, profile_to, memory_to)
run()
