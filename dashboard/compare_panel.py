"""Compare mode's change table under the map, and its downloads.

:func:`comparison_html` writes a :class:`geodata.compare.Comparison` as an
escaped panel: the summary, the towns that changed hands (from, to, the
capture's date, every event between with its source), the towns that came
back, and the area per faction. :func:`show_compare` places it, with a lazy
panel that makes the before/after figure and the CSV only when clicked. The
two maps themselves are :mod:`dashboard.compare_view`'s.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geodata.compare import Comparison, changes_csv, compare, faction_label
from geodata.dataset import Dataset
from geodata.events import format_date
from geodata.factions import UNKNOWN, faction_color
from geodata.style import UNKNOWN_COLOR

from .safe import esc, link

__all__ = ["comparison_html", "show_compare"]


_CSS = (
    "<style>"
    ".fa-compare .fa-summary { font-size: .95rem; margin: .2rem 0 .5rem 0; }"
    ".fa-compare .fa-scroll { max-height: 460px; overflow-y: auto; }"
    ".fa-panel.fa-compare ul.fa-changes li { font-size: .78rem; padding: 1px 0; border: none; }"
    ".fa-panel.fa-compare .fa-when { min-width: 0; margin-right: .4rem; }"
    ".fa-compare td { font-size: .82rem; }"
    "</style>"
)


def _chip(code) -> str:
    color = UNKNOWN_COLOR if code in (None, UNKNOWN) else faction_color(code)
    return f"<span class='fa-chip' style='background:{esc(color)}'></span>"


def _holder(code) -> str:
    return f"{_chip(code)}{esc(faction_label(code))}"


def _when(event: dict) -> str:
    return format_date(pd.Timestamp(event["date"]), event.get("date_precision") or "day")


def _events(items: list[dict]) -> str:
    out = []
    for e in items:
        source = link(e.get("source_url"), e.get("source_title") or "source")
        out.append(
            f"<li><span class='fa-when'>{esc(_when(e))}</span>{esc(e['kind'])}: "
            f"{esc(faction_label(e.get('from_faction')))} → "
            f"{esc(faction_label(e.get('to_faction')))} "
            f"<span class='fa-note'>({source})</span></li>"
        )
    return f"<ul class='fa-changes'>{''.join(out)}</ul>"


def _km2(value: float) -> str:
    return "0" if round(value) == 0 else f"{value:+,.0f}"


def comparison_html(c: Comparison) -> str:
    """The change table of a comparison, escaped: the summary, the towns that
    changed hands (from, to, the capture's date, every event between with its
    source), the towns that came back, and the area per faction."""
    rows = []
    for r in c.changes.itertuples(index=False):
        when = (
            format_date(pd.Timestamp(r.date), r.date_precision or "day")
            if not pd.isna(r.date)
            else ""
        )
        source = link(r.source_url, r.source_title or "source") if r.event_id else ""
        rows.append(
            f"<tr data-place='{esc(r.place_id)}'><td><b>{esc(r.name)}</b></td>"
            f"<td>{_holder(r.from_faction)}</td><td>{_holder(r.to_faction)}</td>"
            f"<td>{esc(when)}<div class='fa-note'>{source}</div></td>"
            f"<td>{_events(r.events)}</td></tr>"
        )
    if rows:
        table = (
            "<div class='fa-scroll'><table class='fa-compare-changes'><thead><tr><th>Town</th>"
            "<th>From</th><th>To</th><th>Captured</th><th>Events between, with sources</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    else:
        table = "<p class='fa-note'>No town changed hands between the two dates.</p>"
    back = ""
    if len(c.returned):
        items = []
        for r in c.returned.itertuples(index=False):
            path = " → ".join(faction_label(h) for h in r.path)
            items.append(
                f"<li data-place='{esc(r.place_id)}'><b>{esc(r.name)}</b>: {esc(path)}"
                f"{_events(r.events)}</li>"
            )
        back = (
            "<p class='fa-heading'>Changed hands and came back</p>"
            f"<ul class='fa-changes fa-returned'>{''.join(items)}</ul>"
        )
    area_rows = []
    tiers = c.areas.set_index(["faction", "tier"])
    for r in c.faction_areas().itertuples(index=False):

        def tier(name, r=r):
            k = (r.faction, name)
            return _km2(tiers.loc[k, "change_km2"]) if k in tiers.index else "–"

        area_rows.append(
            f"<tr><td>{_holder(r.faction)}</td><td>{r.from_km2:,.0f}</td><td>{r.to_km2:,.0f}</td>"
            f"<td><b>{esc(_km2(r.change_km2))}</b></td><td>{esc(tier('core'))}</td>"
            f"<td>{esc(tier('nominal'))}</td><td>{r.gained_km2:,.0f} / {r.lost_km2:,.0f}</td></tr>"
        )
    areas = (
        "<p class='fa-heading'>Area per faction (km²)</p>"
        "<table class='fa-compare-areas'><thead><tr><th>Faction</th>"
        f"<th>{esc(format_date(c.start))}</th><th>{esc(format_date(c.end))}</th>"
        "<th>Change</th><th>core</th><th>nominal</th><th>gained / lost</th></tr></thead>"
        f"<tbody>{''.join(area_rows)}</tbody></table>"
        "<div class='fa-note'>Areas on each date are the estimated territories (as in the area "
        "chart); gained and lost are the hatched land of the towns that changed hands.</div>"
    )
    return (
        _CSS + "<div class='fa-panel fa-compare'>"
        f"<p class='fa-heading'>{esc(c.title)}</p>"
        f"<p class='fa-summary'>{esc(c.summary)}</p>{table}{back}{areas}</div>"
    )


def _figure(dataset: Dataset, start: str, end: str, fmt: str) -> bytes:
    # Deferred: matplotlib takes about a second to import, and only this download needs it.
    from geodata.render.compare import render_comparison

    return render_comparison(dataset, compare(dataset, start, end), fmt=fmt)


def _csv(dataset: Dataset, start: str, end: str) -> bytes:
    return changes_csv(compare(dataset, start, end))


def show_compare(dataset: Dataset, c: Comparison) -> None:
    """Place the change table and, while its panel is open, the downloads."""
    st.html(comparison_html(c))
    downloads = st.expander(
        "Download the before/after figure and the change table",
        key="compare_download_open",
        on_change="rerun",
    )
    if not downloads.open:
        return
    start, end = c.start.strftime("%Y-%m-%d"), c.end.strftime("%Y-%m-%d")
    name = f"frontline-compare-{start}-to-{end}"
    with downloads:
        cols = st.columns(4)
        # Made only when clicked (a figure takes seconds); the callables hold
        # plain values, never session state.
        for col, fmt, mime in zip(
            cols[:3],
            ("png", "svg", "pdf"),
            ("image/png", "image/svg+xml", "application/pdf"),
            strict=True,
        ):
            col.download_button(
                f"Figure ({fmt.upper()})",
                data=lambda fmt=fmt: _figure(dataset, start, end, fmt),
                file_name=f"{name}.{fmt}",
                mime=mime,
                key=f"compare_dl_{fmt}",
                on_click="ignore",
                icon=":material/download:",
            )
        cols[3].download_button(
            "Change table (CSV)",
            data=lambda: _csv(dataset, start, end),
            file_name=f"{name}.csv",
            mime="text/csv",
            key="compare_dl_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption(
            "Both maps show Syria and Iraq; the figure lists up to 16 towns, the CSV all of "
            "them with every event between the dates."
        )
