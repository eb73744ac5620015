"""Check a news report: paste it, upload it (.txt/.html) or give its URL.

The panel shows the report's date (and moves the timeline there), marks its
places on the map, and lists its claims with their verdicts, each linked to
the source of the matching event. "Add these claims to my data" turns the
claims that are not in the data into rows of this session's own data
(:func:`geodata.reader.rows.add_claims`); rows that would break a place's
chain of control are listed, never added.

Everything from the report is untrusted: it is shown as escaped text
(:mod:`dashboard.safe`), never run. The reading itself is
:mod:`geodata.reader`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import string

import pandas as pd
import streamlit as st

from geodata.dataset import Dataset
from geodata.events import format_date
from geodata.factions import FACTIONS
from geodata.reader import ReadError, is_url, read_report, read_source
from geodata.reader.rows import ROW_COLUMNS, add_claims
from geodata.style import LIVE_PANELS, REPORT_COLOR, VERDICT_COLORS

from . import state
from .safe import esc, link, md, safe_url

__all__ = ["report_panel", "claims_html", "places_html", "report_marks"]

_SOURCES = {"paste": "Paste the text", "file": "Upload a file", "url": "Give its URL"}
_VERDICTS = {
    "agrees": ("agrees", VERDICT_COLORS["agrees"]),
    "disagrees": ("disagrees", VERDICT_COLORS["disagrees"]),
    "not-in-data": ("not in our data", VERDICT_COLORS["not-in-data"]),
    "unclear": ("unclear", VERDICT_COLORS["unclear"]),
}
_KINDS = {"capture": "took", "loss": "lost", "held": "holds", "contested": "fights for"}

# Colours: geodata.style (a string.Template: CSS is full of braces).
_CSS = string.Template("""
<style>
.fa-report table { border-collapse: collapse; width: 100%; font-size: .85rem; }
.fa-report th, .fa-report td { text-align: left; vertical-align: top; padding: 4px 6px;
  border-bottom: 1px solid ${rule}; }
.fa-report .fa-verdict { display: inline-block; padding: 1px 6px; border-radius: 3px;
  color: ${verdict_text}; font-weight: 600; font-size: .78rem; white-space: nowrap; }
.fa-report .fa-quote { color: ${quote}; font-style: italic; font-size: .8rem; }
.fa-report tr.fa-claim td { border-bottom: none; padding-bottom: 0; }
.fa-report .fa-note { color: ${note}; font-size: .8rem; }
.fa-places > span { display: inline-block; margin: 0 1rem .25rem 0; }
.fa-report .fa-mark { color: ${mark}; font-weight: 700; }
</style>
""").substitute(
    LIVE_PANELS,
    verdict_text=VERDICT_COLORS["text"],
    quote=VERDICT_COLORS["other"],
    mark=REPORT_COLOR,
)


def _faction(code) -> str:
    if not code:
        return "someone (the text does not say)"
    faction = FACTIONS.get(code)
    return faction.name if faction else str(code)


def _what(claim) -> str:
    if claim.kind == "loss":
        return f"{_faction(claim.previous)} lost it"
    text = f"{_faction(claim.controller)} {_KINDS.get(claim.kind, claim.kind)} it"
    if claim.previous:
        text += f" from {_faction(claim.previous)}"
    return text


def places_html(report) -> str:
    """The places the report names, with the spellings found (escaped)."""
    items = []
    for p in report.places:
        where = "" if p.id else " <span class='fa-note'>(not in our data)</span>"
        spellings = ", ".join(esc(m) for m in p.mentions)
        note = (
            " <span class='fa-note'>(also a province's name: taken as the town)</span>"
            if p.note
            else ""
        )
        items.append(
            f"<span><span class='fa-mark'>◯</span> <b>{esc(p.name)}</b>{where} "
            f"<span class='fa-note'>as {spellings}</span>{note}</span>"
        )
    return "<div class='fa-report fa-places'>" + ("".join(items) or "No places found.") + "</div>"


def claims_html(report, dataset: Dataset) -> str:
    """The claims as a table: verdict, place, what and when, the sentence, our data and source."""
    if not report.claims:
        return "<div class='fa-report'><p>No claims of control found in this report.</p></div>"
    rows = []
    for c in report.claims:
        label, color = _VERDICTS.get(c.verdict, (c.verdict, VERDICT_COLORS["other"]))
        when = c.date or "no date"
        if c.date and not c.date_stated:
            when += " (report's date)"
        source = link(c.source_url, c.source_title or "source") if c.source_url else ""
        event = f" <span class='fa-note'>({esc(c.event_id)})</span>" if c.event_id else ""
        rows.append(
            "<tr class='fa-claim'>"
            f"<td><span class='fa-verdict' style='background:{esc(color)}'>{esc(label)}</span></td>"
            f"<td><b>{esc(c.name)}</b>: {esc(_what(c))}, {esc(when)}</td>"
            f"<td class='fa-note'>{esc(c.summary or c.note)} {source}{event}</td>"
            "</tr>"
            "<tr class='fa-said'><td></td>"
            f"<td colspan='2' class='fa-quote'>“{esc(c.text)}”</td></tr>"
        )
    return (
        "<div class='fa-report'><table><thead><tr><th>Verdict</th><th>The report says</th>"
        "<th>Our data</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def report_marks(report) -> list[dict]:
    """The report's places for the map: ``{"lat", "lon", "name"}`` (drawn as rings)."""
    return [{"lat": p.lat, "lon": p.lon, "name": p.name} for p in report.places]


def _read(dataset: Dataset) -> None:
    """Button callback: read the report, keep it, move the timeline to its date."""
    ss = st.session_state
    ss.pop("report_rows", None)
    kind = ss.get("report_source", "paste")
    published = (ss.get("report_published") or "").strip() or None
    try:
        if published:
            dt.date.fromisoformat(published)
        if kind == "url":
            url = (ss.get("report_url") or "").strip()
            if not is_url(url):
                raise ReadError("give a full http:// or https:// address")
            report = read_source(url, dataset, published=published)
        elif kind == "file":
            upload = ss.get("report_file")
            if upload is None:
                raise ReadError("choose a .txt or .html file first")
            report = read_source(upload.getvalue(), dataset, published=published)
        else:
            text = ss.get("report_text") or ""
            if not text.strip():
                raise ReadError("paste the report's text first")
            report = read_source(text, dataset, published=published)
    except (ReadError, ValueError) as error:
        ss["report_error"] = str(error)
        return
    ss["report_error"] = None
    ss["report"] = report
    ss["report_marks"] = report_marks(report)
    if report.published:
        first, last = state.date_bounds(dataset)
        day = dt.date.fromisoformat(report.published)
        ss["date"] = min(max(day, first), last)
        ss["playing"] = False


def _rows_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*ROW_COLUMNS, "problem"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _add(dataset: Dataset, report) -> None:
    ss = st.session_state
    url = safe_url(ss.get("report_row_url") or report.url or "")
    if url is None:
        ss["report_rows_error"] = "Give the report's http(s) address: every row needs its source."
        return
    ss["report_rows_error"] = None
    out = add_claims(
        report, dataset, source_url=url, source_title=(ss.get("report_row_title") or "").strip()
    )
    ss["report_rows"] = out
    if out.result is not None and out.result.dataset is not None:
        ss["dataset"] = out.result.dataset  # this session only, like an upload
        ss["upload_result"] = out.result
        # Check the report again, against the data with its new rows.
        ss["report"] = read_report(
            report.text, out.result.dataset, published=report.published, url=report.url
        )


def _show_rows() -> None:
    ss = st.session_state
    out = ss.get("report_rows")
    if ss.get("report_rows_error"):
        st.error(md(ss["report_rows_error"]))
    if out is None:
        return
    if out.added:
        st.success(
            md(f"Added {len(out.added)} row(s) to your data (this session only, low certainty).")
        )
    elif not out.refused:
        st.info("No claim here is missing from the data: nothing to add.")
    for s in out.skipped:
        st.caption(md(f"{s['place']} ({s['kind']}, {s['date']}): left out — {s['why']}"))
    if out.refused:
        st.warning(
            md(
                f"{len(out.refused)} row(s) would break a place's chain of control and were not "
                "added. Fix them (for example the losing side or the date) and upload them under "
                "“Your own data”."
            )
        )
        table = pd.DataFrame(out.refused)[
            ["place", "kind", "date", "from_faction", "to_faction", "problem"]
        ]
        st.dataframe(table, hide_index=True, key="report_refused")
        st.download_button(
            "Download these rows (CSV)",
            data=_rows_csv(out.refused),
            file_name="report-rows-to-fix.csv",
            mime="text/csv",
            on_click="ignore",
            key="report_refused_csv",
        )


def report_panel(dataset: Dataset) -> None:
    """The "Check a news report" panel (inside an expander of the main view)."""
    ss = st.session_state
    st.html(_CSS)
    _report_form(dataset)
    if ss.get("report_error"):
        st.error(md(f"Cannot read this report: {ss['report_error']}"))
    report = ss.get("report")
    if report is None:
        return
    _report_summary(report, dataset)
    _add_claims_form(report, dataset)
    _show_rows()
    if st.button("Clear the report", key="report_clear"):
        for key in ("report", "report_marks", "report_rows", "report_error"):
            ss.pop(key, None)
        st.rerun()


def _report_form(dataset: Dataset) -> None:
    """Where the report comes from (pasted, a file, a URL), its date, and the button."""
    st.radio(
        "The report",
        list(_SOURCES),
        format_func=_SOURCES.get,
        key="report_source",
        horizontal=True,
    )
    kind = st.session_state.get("report_source", "paste")
    if kind == "paste":
        st.text_area("Report text", key="report_text", height=150, max_chars=2_000_000)
    elif kind == "file":
        st.file_uploader("Report file", type=["txt", "html", "htm"], key="report_file")
    else:
        st.text_input("Report URL", key="report_url", placeholder="https://…")
    col1, col2 = st.columns([1, 1], vertical_alignment="bottom")
    col1.text_input(
        "Published (optional)",
        key="report_published",
        placeholder="YYYY-MM-DD",
        help="The report's date, when its text does not carry one.",
    )
    col2.button(
        "Check the report", key="report_go", on_click=_read, args=(dataset,), type="primary"
    )


def _report_summary(report, dataset: Dataset) -> None:
    """The report's title and date, its places and its claims with their verdicts."""
    head = f"**{md(report.title)}**" if report.title else "**Untitled report**"
    if report.published:
        when = format_date(pd.Timestamp(report.published))
        head += f" — published {md(when)}; the timeline shows that date."
    else:
        head += " — no publication date found: give one above to resolve “on Sunday”, “last year”…"
    st.markdown(head)
    if report.url:
        st.html(f"<div class='fa-report fa-note'>From {link(report.url)}</div>")
    st.html(places_html(report))
    counts = pd.Series([c.verdict for c in report.claims]).value_counts().to_dict()
    st.caption(
        md(
            f"{len(report.claims)} claim(s): "
            + ", ".join(f"{n} {_VERDICTS[v][0]}" for v, n in counts.items() if v in _VERDICTS)
        )
        if report.claims
        else "No claims of control found."
    )
    st.html(claims_html(report, dataset))


def _add_claims_form(report, dataset: Dataset) -> None:
    """ "Add these claims to my data", for the claims the data does not hold yet."""
    ss = st.session_state
    missing = [c for c in report.claims if c.verdict == "not-in-data"]
    if not missing:
        return
    st.markdown(md(f"{len(missing)} claim(s) are not in our data."))
    if not report.url:
        st.text_input("Source URL for the rows (required)", key="report_row_url")
    st.text_input("Source title (optional)", key="report_row_title", placeholder=report.title or "")
    if st.button("Add these claims to my data", key="report_add"):
        _add(dataset, report)
        if (ss.get("report_rows") is not None) and ss["report_rows"].added:
            st.rerun()  # the whole page switches to the data with the new rows
