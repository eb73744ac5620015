"""Summaries of timed steps (``bench.harness.Driver.step``) and how they are reported."""

from __future__ import annotations

import numpy as np

__all__ = ["step_summary", "frame_note", "add_steps"]


def step_summary(steps: list[dict]) -> dict:
    ms = np.array([s["ms"] for s in steps])
    idle = [s["idle_ms"] for s in steps if s.get("idle_ms") is not None]
    return {
        "median": float(np.median(ms)),
        # The old measure: until the page's poll saw the new date (see PAINT_JS).
        "poll": float(np.median([s.get("poll_ms", s["ms"]) for s in steps])),
        "followed": sum(bool(s.get("followed")) for s in steps),
        "p95": float(np.percentile(ms, 95)),
        "idle": float(np.median(idle)) if idle else float("nan"),
        "remounts": sum(not s["mark"] for s in steps),
        "kB": float(np.median([s["bytes"] for s in steps])) / 1e3,
        "n": len(steps),
        # Medians of: action -> message to the server; action -> the frame gets its script.
        "sent": float(np.median([s["sent_ms"] for s in steps if "sent_ms" in s] or [np.nan])),
        "script": float(np.median([s["script_ms"] for s in steps if "script_ms" in s] or [np.nan])),
        # The map frame's own work (dashboard/map/atlas.js), on the steps that opened an epoch.
        "frame": _frame_medians([s.get("fa") for s in steps]),
    }


def _frame_medians(stats: list) -> dict | None:
    new = [f for f in stats if f and f.get("parse", 0) > 0]
    if not new:
        return None
    out = {
        k: float(np.median([f.get(k, 0.0) for f in new]))
        for k in ("parse", "build", "add", "total")
    }
    return {**out, "n": len(new), "of": len(stats)}


def frame_note(label: str, s: dict) -> str | None:
    """A sentence on the map frame's work for a new epoch (None when no step opened one)."""
    f = s.get("frame")
    if not f:
        return None
    return (
        f"{label}: in the map frame, {f['n']} of {f['of']} steps opened a new epoch; its data "
        f"took a median {f['parse']:,.0f} ms to parse, {f['build']:,.0f} ms to build into "
        f"layers and {f['add']:,.0f} ms to put on the map ({f['total']:,.0f} ms in all, before "
        "the browser paints)."
    )


def add_steps(results, label: str, s: dict, *, target_ms: float | None) -> None:
    met = None if target_ms is None else s["median"] <= target_ms
    target = "" if target_ms is None else f"median <= {target_ms:,.0f} ms"
    results.add(f"3. {label}: median of {s['n']}", s["median"], "ms", target, met)
    results.add(f"3. {label}: 95th percentile", s["p95"], "ms", "", None)
    results.add(
        f"3. {label}: median until the page's 5 ms poll saw the new date (the earlier "
        "sessions' measure)",
        s["poll"],
        "ms",
        "",
        None,
    )
    results.add(
        f"3. {label}: map frame remounted",
        f"{s['remounts']} of {s['n']}",
        "",
        "" if target_ms is None else "no remount",
        None if target_ms is None else s["remounts"] == 0,
    )
    if s["sent"] == s["sent"]:  # not NaN: our app (the naive one has no date script)
        results.add(
            f"3. {label}: of which until the step's message leaves the page",
            s["sent"],
            "ms",
            "",
            None,
        )
        results.add(
            f"3. {label}: until the run's date script reaches the map frame",
            s["script"],
            "ms",
            "",
            None,
        )
        results.add(
            f"3. {label}: drawn by the map frame before the run's script, which agreed",
            f"{s['followed']} of {s['n']}",
            "",
            "",
            None,
        )
