"""Chromium traces of a stepping page: where the main thread's time goes."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["TRACE_CATEGORIES", "main_thread_breakdown", "trace_note"]


TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]


def main_thread_breakdown(path: Path, steps: int) -> dict:
    """Milliseconds per step on the page's main thread, by kind of work, from a trace.

    ``frame``: the map frame handling its update (streamlit-folium evaluating our
    script, our drawing code, its walk over the map's layers); ``react``:
    Streamlit's page rendering the run's elements; ``commit``: handing the
    painted layers (the map's canvases among them) to the compositor;
    ``redraw``: Leaflet's canvas redraws; ``gc``: garbage collection; ``busy``:
    every task, all kinds included.
    """
    events = json.loads(path.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    names = {
        (e["pid"], e["tid"]): e.get("args", {}).get("name")
        for e in events
        if e.get("name") == "thread_name"
    }
    counts: dict = {}
    for e in events:
        key = (e.get("pid"), e.get("tid"))
        counts[key] = counts.get(key, 0) + 1
    mains = [k for k, v in names.items() if v == "CrRendererMain"]
    if not mains:
        return {}
    main = max(mains, key=lambda k: counts.get(k, 0))
    out = dict.fromkeys(("frame", "react", "commit", "redraw", "gc", "busy"), 0.0)
    for e in events:
        if (e.get("pid"), e.get("tid")) != main or e.get("ph") != "X" or "dur" not in e:
            continue
        name, ms = e["name"], e["dur"] / 1000
        data = e.get("args", {}).get("data", {}) or {}
        if name == "RunTask":
            out["busy"] += ms
        elif name == "HandlePostMessage":
            out["frame"] += ms
        elif name == "FunctionCall" and "react-dom" in data.get("url", ""):
            out["react"] += ms
        elif name == "Commit":
            out["commit"] += ms
        elif name == "FunctionCall" and data.get("functionName") == "_redraw":
            out["redraw"] += ms
        elif name in ("MinorGC", "MajorGC"):
            out["gc"] += ms
    return {k: v / max(steps, 1) for k, v in out.items()}


def trace_note(label: str, how: str, b: dict) -> str | None:
    if not b:
        return None
    return (
        f"{label}, {how} (Chromium trace, page main thread, ms per step): "
        f"{b['busy']:,.0f} busy in all; the map frame handling its update {b['frame']:,.0f} "
        f"(our drawing code included); Streamlit's React rendering {b['react']:,.0f}; "
        f"compositor commits {b['commit']:,.0f} (the map's canvases are rasterised then); "
        f"Leaflet canvas redraws {b['redraw']:,.0f}; garbage collection {b['gc']:,.0f}."
    )
