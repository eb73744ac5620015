"""``frontline read PATH|URL|-``: a news report's places and claims, checked against the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geodata.reader import MAX_BYTES, ReadError, is_url, read_source

from .args import CliError, load_data
from .output import dump

__all__ = ["register"]


def _published_arg(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_read(args) -> int:

    dataset = load_data(getattr(args, "data", None))
    source = args.source
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
            report = read_source(raw, dataset, published=args.published)
        elif is_url(source):
            report = read_source(
                source, dataset, published=args.published, allow_hosts=args.allow_host or ()
            )
        else:
            path = Path(source)
            if not path.is_file():
                raise CliError(f"no such file: {source}", 2)
            if path.stat().st_size > MAX_BYTES:
                raise ReadError(
                    f"{source} is {path.stat().st_size:,} bytes; at most {MAX_BYTES:,} are read"
                )
            report = read_source(path.read_bytes(), dataset, published=args.published)
    except ReadError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"cannot read {source}: {error.strerror or error}") from None
    if args.json:
        dump(report.to_dict())
        return 0
    print(f"{report.title or '(no title)'}")
    print(f"published: {report.published or 'unknown'}")
    for note in report.notes:
        print(f"note: {note}")
    print(f"\nplaces ({len(report.places)}):")
    for p in report.places:
        where = p.id or "not in our data"
        print(f"  {p.name} [{where}] as {', '.join(p.mentions)}")
    print(f"\nclaims ({len(report.claims)}):")
    for c in report.claims:
        who = c.controller or "?"
        if c.previous:
            who += f" (from {c.previous})"
        print(f"  {c.verdict.upper():12} {c.name}: {c.kind} {who}, {c.date or 'no date'}")
        print(f"               {c.note}")
    return 0


def register(sub, common) -> None:
    """Add the ``read`` sub-command to the ``frontline`` parser."""
    p = sub.add_parser(
        "read",
        parents=[common],
        help="a news report's places and control claims, checked against the data",
    )
    p.add_argument(
        "source", metavar="PATH|URL|-", help="a text or HTML file, an http(s) URL, or - for stdin"
    )
    p.add_argument(
        "--published",
        type=_published_arg,
        metavar="YYYY-MM-DD",
        help="the report's date (default: found in the text)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        metavar="HOST",
        help="fetch from this host even on a private or loopback address "
        "(for tests with a local server); repeatable",
    )
    p.set_defaults(func=cmd_read)
