"""Report export benchmarks: static map PNGs and replay GIFs (section 4)."""

from __future__ import annotations

import time

import numpy as np

from geodata import load_builtin
from geodata.export import export_state
from geodata.render import render_map
from geodata.replay import render_replay, replay_dates
from geodata.scene import build_scene

__all__ = ["export_benchmarks"]

DATE = "2016-03-27"
REPLAY = ("2016-01-01", "2016-12-01")  # 12 monthly frames


def _seconds(fn, *, repeat: int) -> tuple[float, object]:
    """Median wall time of ``fn()`` in seconds, and its last result."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)), out


def export_benchmarks(results) -> None:
    """PNG at 150 and 300 dpi (target: 150 dpi under 2 s); seconds per GIF frame."""
    dataset = load_builtin()
    # End to end, as the export panel and `frontline export` do it: the scene, then the drawing.
    t_first, _ = _seconds(lambda: export_state(dataset, DATE, "png", dpi=150), repeat=1)
    t150, png150 = _seconds(lambda: export_state(dataset, DATE, "png", dpi=150), repeat=3)
    t300, png300 = _seconds(lambda: export_state(dataset, DATE, "png", dpi=300), repeat=3)
    scene = build_scene(dataset, DATE)
    t_draw, _ = _seconds(lambda: render_map(scene, dpi=150), repeat=3)
    results.add("4. export: PNG 150 dpi, first in the process", t_first, "s", "< 2 s", t_first < 2)
    results.add("4. export: PNG 150 dpi (8 in wide, scene + drawing)", t150, "s", "< 2 s", t150 < 2)
    results.add("4. export: PNG 150 dpi, drawing only (render_map)", t_draw, "s", "", None)
    results.add("4. export: PNG 300 dpi (scene + drawing)", t300, "s", "", None)
    results.notes.append(
        f"Export PNGs of {DATE}: {len(png150) / 1e3:,.0f} kB at 150 dpi, "
        f"{len(png300) / 1e3:,.0f} kB at 300 dpi (median of 3 after the first)."
    )

    frames = len(replay_dates(dataset, *REPLAY, step="month"))
    t = time.perf_counter()
    gif = render_replay(dataset, *REPLAY, step="month", fmt="gif")
    per_frame = (time.perf_counter() - t) / frames
    results.add(
        f"4. export: replay GIF, {frames} monthly frames, per frame", per_frame, "s", "", None
    )
    results.notes.append(
        f"Replay GIF {REPLAY[0]} to {REPLAY[1]} by month: {frames} frames at 100 dpi "
        f"(700 px wide), {len(gif) / 1e6:,.1f} MB, {per_frame * frames:,.1f} s in all."
    )
