"""``frontline compare``: what changed between two dates, as JSON, text or a figure.

Registered by :func:`geodata.cli.build_parser`; the comparison itself is
:mod:`geodata.compare`.
"""

from __future__ import annotations

import sys

from geodata.compare import changes_csv, compare, comparison_json, faction_label
from geodata.territory import DEFAULT_MAX_REACH_KM

from .args import CliError, date_arg, dpi_arg, extent_arg, load_data, reach_arg
from .output import dump, output_path, size_text, write_output

__all__ = ["register", "cmd_compare"]

_SUFFIXES = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".csv": "csv"}


def cmd_compare(args) -> int:
    """Print the change table (or its JSON) and write the figure or CSV to ``--out``."""
    start, end = args.start, args.end
    if start >= end:
        raise CliError(
            f"--from {start.date()} must be before --to {end.date()} "
            "(the first date is the 'before' map)",
            2,
        )
    out = fmt = None
    if args.out:
        out, fmt = output_path(args.out, _SUFFIXES, None)
    data = load_data(args.data)
    result = compare(data, start, end, max_reach_km=args.max_reach_km)
    if out is not None:
        if fmt == "csv":
            content = changes_csv(result)
        else:
            from geodata.render.compare import render_comparison  # matplotlib: only for a figure

            try:
                content = render_comparison(
                    data, result, fmt=fmt, dpi=args.dpi, extent=args.extent or "theatre"
                )
            except ValueError as exc:
                raise CliError(str(exc), 2) from None
        write_output(out, content)
    if args.json:
        dump(comparison_json(result))
    else:
        print(result.summary)
        for r in result.changes.itertuples(index=False):
            when = "" if r.date is None or r.date != r.date else r.date.date().isoformat()
            print(
                f"  {r.name}: {faction_label(r.from_faction)} -> {faction_label(r.to_faction)}"
                f"  {when}  {r.event_id or ''}  {r.source_url or ''}"
            )
        for r in result.returned.itertuples(index=False):
            print(f"  came back: {r.name}: {' -> '.join(faction_label(h) for h in r.path)}")
        for r in result.faction_areas().itertuples(index=False):
            if r.change_km2:
                print(
                    f"  {faction_label(r.faction)}: {r.from_km2:,.0f} -> {r.to_km2:,.0f} km² "
                    f"({r.change_km2:+,.0f})"
                )
    if out is not None:
        message = f"wrote {out} ({fmt}, {size_text(len(content))})"
        print(message, file=sys.stderr if args.json else sys.stdout)
    return 0


def register(sub, common) -> None:
    """Add ``compare`` to the sub-commands of ``frontline``."""
    p = sub.add_parser(
        "compare",
        parents=[common],
        help="what changed between two dates: towns, land, a before/after figure",
    )
    p.add_argument(
        "--from",
        dest="start",
        required=True,
        type=date_arg,
        metavar="YYYY-MM-DD",
        help="the first date (before)",
    )
    p.add_argument(
        "--to",
        dest="end",
        required=True,
        type=date_arg,
        metavar="YYYY-MM-DD",
        help="the second date (after)",
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="write the before/after figure (.png, .svg, .pdf) or the change "
        "table (.csv), replaced atomically",
    )
    p.add_argument(
        "--extent",
        type=extent_arg,
        metavar="EXTENT",
        help="view of both maps: theatre (default), syria, iraq or W,S,E,N",
    )
    p.add_argument(
        "--dpi",
        type=dpi_arg,
        default=150,
        help="resolution of a PNG figure, 72..300 (default 150)",
    )
    p.add_argument(
        "--max-reach-km",
        type=reach_arg,
        default=DEFAULT_MAX_REACH_KM,
        help=f"how far a town's control reaches (default {DEFAULT_MAX_REACH_KM:g})",
    )
    p.set_defaults(func=cmd_compare)
