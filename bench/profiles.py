"""Server profiles of the benchmarked app (pyinstrument, written by
``bench/bench_app.py``) and the notes made from them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .harness import OUT

__all__ = ["Profile", "breakdown", "findings", "median_ms", "profile_notes"]


class Profile:
    """Server profiles written by ``bench/bench_app.py`` (see its ``_profiled``)."""

    def __init__(self, name: str):
        self.path = OUT / f"profile-{name}.jsonl"
        self.flag = Path(f"{self.path}.on")
        for old in (self.path, self.path.with_suffix(".txt"), self.flag):
            old.unlink(missing_ok=True)

    def env(self) -> dict:
        return {"BENCH_PROFILE": str(self.path)}

    def on(self) -> None:
        self.flag.touch()

    def off(self) -> None:
        self.flag.unlink(missing_ok=True)

    def records(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]


# Wrappers and plumbing that every run goes through: left out of the notes.
_PLUMBING = {
    "bench_app.wrapper",
    "app._main_view",
    "fragment.wrapped_fragment",
    "exec_code.",
    "cache_utils.",
    "metrics_util.",
    "script_runner.",
    "threading.",
    "<module>",
    "fragment.",
    "dg_proxy.",
    "delta_generator.",
    "layouts.",
    "contextlib.",
}


def breakdown(records: list[dict], *, limit: int = 12) -> str:
    """``total; f1 ms; f2 ms...``: median inclusive time per function over ``records``."""
    total = float(np.median([r["total"] for r in records]))
    names = {n for r in records for n in r["functions"]}
    median = {n: float(np.median([r["functions"].get(n, 0.0) for r in records])) for n in names}
    shown = [
        f"{name} {sec * 1000:,.0f}"
        for name, sec in sorted(median.items(), key=lambda kv: -kv[1])
        if sec >= 0.03 * total and not any(name.startswith(p) for p in _PLUMBING)
    ][:limit]
    return f"{total * 1000:,.0f} ms in all; inclusive ms: " + ", ".join(shown)


def median_ms(records: list[dict], name: str, *, when_run: bool = False) -> float:
    """Median inclusive ms of function ``name`` (``when_run``: over the runs that call it)."""
    values = [r["functions"].get(name, 0.0) for r in records]
    if when_run:
        values = [v for v in values if v > 0] or [0.0]
    return float(np.median(values)) * 1000


# Functions worth naming in the notes (pyinstrument "module.function"), and what they are.
_NAMED = (
    ("mount.show_map", "the map (show_map)", False),
    ("__init__.st_folium", "st_folium, which renders the whole folium map again", False),
    ("mount._show", "the map component call", False),
    ("base.base_map", "building the base map", False),
    ("script.date_script", "the date's script (legend, halos, options)", False),
    ("payload.epoch_data", "the epoch's data for the browser, on a new epoch", True),
    ("map.render", "folium/branca rendering", False),
    ("environment.from_string", "Jinja compiling each rendered snippet as a new template", False),
    ("filters.do_tojson", "tojson of the layers' data", False),
    ("cache.epoch_payload", "the epoch's payload, on a new epoch", True),
    ("component.strip_for", "the control strip's data", False),
    ("component.show_strip", "the control strip", False),
    ("charts.area_spec", "the area chart's spec", False),
    ("vega_charts.vega_lite_chart", "the Vega-Lite elements", False),
    ("panels.show_key_places", "key places", False),
    ("panels.show_changes", "what changed", False),
    ("export_panel.export_panel", "the export panel", False),
    ("cache.recent_place_ids", "recent places", False),
)


def findings(label: str, steps: list[dict], summary: dict | None) -> str:
    """Where a step's server run spends its time, in named parts (nested parts included)."""
    parts = []
    for name, what, when_run in _NAMED:
        ms = median_ms(steps, name, when_run=when_run)
        if ms >= 5:
            parts.append(f"{what} {ms:,.0f}")
    text = (
        f"Where a step's server time goes, {label} (pyinstrument, median ms of "
        f"{median_ms(steps, 'app._main_view'):,.0f}; parts overlap where one calls another): "
        + "; ".join(parts)
        + "."
    )
    if summary:
        text += (
            f" Each step sends the browser {summary['kB']:,.0f} kB (the map's date script with "
            "the epoch's data, the chart elements and the panels); the rest of a step is "
            "that transfer, the map frame evaluating the script, and drawing."
        )
    return text


def profile_notes(
    label: str, first: list[dict], steps: list[dict], path: Path, summary: dict | None = None
) -> list[str]:
    notes = []
    if first:
        notes.append(
            f"Profile of the first load, {label} (pyinstrument, the main view only; imports and "
            f"the page before it are not in it): " + breakdown(first[:1]) + "."
        )
    if steps:
        notes.append(
            f"Profile of a step, {label} (median of {len(steps)} server runs): "
            + breakdown(steps)
            + f". Full reports: bench/out/{path.with_suffix('.txt').name}."
        )
        notes.append(findings(label, steps, summary))
    return notes
