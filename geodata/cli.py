"""The ``frontline`` command line: the data, states and exports without a browser.

Every ``--json`` output is one JSON document on stdout; errors go to stderr
with exit status 1 (bad data or no match) or 2 (bad arguments), never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .dataset import Dataset
from .events import TIMELINE_END, TIMELINE_START, format_date
from .gazetteer import GeocodeError
from .io import DATA_DIR, load_builtin, load_dataset, read_limited, read_table
from .problems import DataError, errors_only, parse_date
from .timeline import control_at, events_between
from .validate import validate_events, validate_places

__all__ = ["main", "build_parser"]


class CliError(Exception):
    """An error for the user: message on stderr, then exit with ``code``."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _date_arg(text: str) -> pd.Timestamp:
    try:
        date = parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not TIMELINE_START <= date <= TIMELINE_END:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the data's range {TIMELINE_START.date()}..{TIMELINE_END.date()}"
        )
    return date


def load_data(path: str | None) -> Dataset:
    """Load ``--data PATH``.

    A folder holds ``places.csv`` and ``events.csv``; a single events file
    (CSV, GeoJSON or GeoPackage, places by id or by name in any spelling) is
    read like an upload in the app (:func:`geodata.upload.read_upload`) against
    the built-in places. Names that need a person to confirm them are an error
    listing the suggestions: fix them in the file (or confirm them in the app).
    """
    if not path:
        return load_builtin()
    p = Path(path)
    if p.is_dir():
        return load_dataset(p / "places.csv", p / "events.csv", name=p.name)
    if not p.exists():
        raise CliError(f"--data: no such file or folder: {path}", 2)
    from .upload import read_upload

    raw = read_limited(p)  # the size is checked before reading: a 200 MB file is not read
    result = read_upload(raw, filename=p.name, mode="replace")
    if result.errors:
        raise DataError(result.errors)
    if result.to_confirm:
        lines = [f"  - {entry.message}" for entry in result.to_confirm[:20]]
        raise CliError(
            f"{p.name}: {len(result.to_confirm)} place name(s) need confirming; write the "
            "place id (or a known spelling) in the file:\n" + "\n".join(lines)
        )
    if result.dataset is None:
        raise CliError(f"{p.name}: {result.summary}")
    return result.dataset


def _dump(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _none(value):
    """Missing values (None, NaN, NaT) as None, for JSON."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def state_records(state) -> list[dict]:
    """Turn :func:`~geodata.timeline.control_at` output into JSON-ready dicts."""
    return [
        {
            "id": row.id,
            "name": row.name,
            "lat": round(row.geometry.y, 5),
            "lon": round(row.geometry.x, 5),
            "controller": _none(row.controller),
            "status": row.status,
            "contested_by": _none(row.contested_by),
            "since": _iso(row.since),
            "since_precision": _none(row.since_precision),
        }
        for row in state.itertuples()
    ]


def event_records(events: pd.DataFrame) -> list[dict]:
    """Turn events into JSON-ready dicts (dates as ISO strings, blanks as null)."""
    out = []
    for row in events.to_dict("records"):
        row = {k: v for k, v in row.items() if k != "when"}
        for key in ("date", "end_date"):
            row[key] = _iso(row[key])
        out.append({k: (None if v == "" else _none(v)) for k, v in row.items()})
    return out


def cmd_geocode(args) -> int:
    data = load_data(args.data)
    try:
        result = data.gazetteer.geocode(args.name)
    except GeocodeError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        _dump(result.to_dict())
    else:
        print(f"{result.name} ({result.id}) {result.lat:.4f}, {result.lon:.4f} {result.country} "
              f"[{result.match}, score {result.score:.0f}, {result.source}]")  # fmt: skip
    return 0


def cmd_state(args) -> int:
    data = load_data(args.data)
    records = state_records(control_at(data, args.date))
    if args.json:
        _dump(records)
        return 0
    print(f"Control on {args.date.date()} ({data.name} data)")
    for r in records:
        extra = f" vs {r['contested_by']}" if r["contested_by"] else ""
        print(f"  {r['name']:<24} {r['controller'] or '-':<7} {r['status']}{extra} "
              f"since {r['since']}")  # fmt: skip
    return 0


def cmd_events(args) -> int:
    data = load_data(args.data)
    events = data.events
    if args.place:
        try:
            place_id = data.resolve_place(args.place)
        except GeocodeError as exc:
            raise CliError(str(exc)) from None
        events = events[events["place_id"] == place_id]
    if args.start or args.end:
        window = events_between(data, args.start or TIMELINE_START, args.end or TIMELINE_END)
        events = window[window["event_id"].isin(events["event_id"])]
    events = events.sort_values(["date", "place_id"], kind="stable")
    if args.json:
        _dump(event_records(events))
        return 0
    for e in events.itertuples():
        change = f"{e.from_faction or '-'} -> {e.to_faction}"
        print(f"{format_date(e.date, e.date_precision):>18}  {e.place_id:<16} {e.kind:<9} "
              f"{change:<16} {e.source_title}")  # fmt: skip
    return 0


def cmd_validate(args) -> int:
    default = Path(args.data) if args.data else DATA_DIR
    if default.is_file():
        default_files = [default]
    else:
        default_files = [default / "places.csv", default / "events.csv"]
    files = [Path(f) for f in args.files] or default_files
    problems, tables = [], {"places": [], "events": []}
    for path in files:
        try:
            table = read_table(path)
        except DataError as exc:
            problems += exc.problems
            continue
        kind = "events" if {"kind", "place_id"} & set(table.columns) else "places"
        tables[kind].append((path.name, table))
    place_ids, place_names = set(), {}
    for name, table in tables["places"]:
        problems += validate_places(table, file=name)
        if "id" in table.columns:
            place_ids |= set(table["id"].str.strip())
            place_names |= dict(zip(table["id"], table.get("name", table["id"]), strict=False))
    if not tables["places"]:
        builtin = load_builtin().places
        place_ids = set(builtin["id"])
        place_names = dict(zip(builtin["id"], builtin["name"], strict=False))
    for name, table in tables["events"]:
        problems += validate_events(table, place_ids, file=name, place_names=place_names)
    errors = errors_only(problems)
    if args.json:
        _dump({"valid": not errors, "problems": [p.to_dict() for p in problems]})
    else:
        for p in problems:
            print(p, file=sys.stderr)
        checked = ", ".join(str(f) for f in files)
        print(f"{'invalid' if errors else 'valid'}: {len(errors)} error(s), "
              f"{len(problems) - len(errors)} warning(s) in {checked}")  # fmt: skip
    return 1 if errors else 0


def cmd_territory(args) -> int:
    from .territory import territory_geojson

    data = load_data(args.data)
    doc = territory_geojson(data, args.date, max_reach_km=args.max_reach_km)
    if args.format == "geojson" or args.json:
        json.dump(doc, sys.stdout, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        sys.stdout.write("\n")
        return 0
    print(f"Estimated territory on {args.date.date()} (reach {args.max_reach_km:g} km)")
    for f in doc["features"]:
        props = f["properties"]
        if props["layer"] == "territory":
            other = f" vs {props['contested_by']}" if props["contested_by"] else ""
            print(f"  {props['faction']:<7} {props['status']}{other}: {props['area_km2']:,.0f} km2")
        else:
            a, b = props["factions"]
            print(f"  front line {a}/{b}: {props['length_km']:,.0f} km")
    return 0


def cmd_areas(args) -> int:
    from .territory import area_series, area_split

    data = load_data(args.data)
    if args.split:
        split = area_split(data, max_reach_km=args.max_reach_km)
        if args.json:
            _dump(
                [
                    {"date": _iso(r.date), "faction": r.faction, "country": r.country,
                     "tier": r.tier, "area_km2": r.area_km2}  # fmt: skip
                    for r in split.itertuples()
                ]
            )
            return 0
        table = split.pivot_table(
            index="date", columns=["country", "faction", "tier"], values="area_km2", fill_value=0
        )
        print(table.round(0).astype(int).to_string())
        return 0
    series = area_series(data, max_reach_km=args.max_reach_km)
    rows = [
        {"date": _iso(r.date), "faction": r.faction, "area_km2": r.area_km2}
        for r in series.itertuples()
    ]
    if args.json:
        _dump(rows)
        return 0
    table = series.pivot_table(index="date", columns="faction", values="area_km2", fill_value=0)
    print(table.round(0).astype(int).to_string())
    return 0


def cmd_coverage(args) -> int:
    from .coverage import coverage, format_coverage

    report = coverage(load_data(args.data))
    if args.json:
        _dump(
            {
                "totals": report.totals,
                "by_area": report.by_area.to_dict("records"),
                "uncovered": report.uncovered.to_dict("records"),
                "excluded": report.excluded.to_dict("records"),
                "no_change": report.no_change,
                "events_by_year": {str(k): int(v) for k, v in report.events_by_year.items()},
                "events_by_domain": {k: int(v) for k, v in report.events_by_domain.items()},
            }
        )
        return 0
    print(format_coverage(report))
    return 0


def _bounded(kind, low, high, *, what: str, bounds: str):
    """An argparse type: a number of ``kind`` from ``low`` to ``high``, with clear errors."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {bounds}, got {value:g}")
        return value

    return parse


_reach_arg = _bounded(float, 1, 500, what="a distance in km", bounds="a reach between 1 and 500 km")
_frame_ms_arg = _bounded(int, 50, 10_000, what="milliseconds", bounds="50 to 10000 ms per frame")


def _dpi_arg(text: str) -> int:
    from .render import check_dpi

    try:
        return check_dpi(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _extent_arg(text: str):
    from .extent import check_extent

    try:
        return check_extent(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


#: Paths that name this process's own output streams: written in place, like ``-``.
_STREAM_PATHS = re.compile(r"^/(dev/(stdout|stderr|fd/\d+)|proc/self/fd/\d+)$")


@dataclass(frozen=True)
class Output:
    """Where ``--out`` writes: ``path`` (a regular file, replaced atomically) or a
    ``stream`` (``-`` for stdout, or a device such as ``/dev/null``, written in place)."""

    path: Path
    stream: bool = False

    def __str__(self) -> str:
        return "standard output" if str(self.path) == "-" else str(self.path)

    @property
    def to_stdout(self) -> bool:
        return str(self.path) in ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def output_target(text: str) -> Output:
    """Decide how ``--out TEXT`` is written, refusing what must not be replaced.

    ``-``, ``/dev/stdout`` and character devices (``/dev/null``, a terminal)
    are streams, written in place and never replaced. A symbolic link is
    followed when it points to a file in its own folder (the link stays);
    pipes, sockets, folders and links pointing elsewhere are refused.

    Raises
    ------
    CliError
        With exit status 2 and the reason.
    """
    if text == "-" or _STREAM_PATHS.match(text):
        return Output(Path(text), stream=True)
    out = Path(text).expanduser()
    try:
        link = out.is_symlink()
        info = out.stat() if out.exists() else None
    except OSError as exc:
        raise CliError(f"--out {text}: {exc.strerror or exc}", 2) from None
    if link and info is None:
        raise CliError(f"--out {text} is a symbolic link to nothing; expected a file name", 2)
    if info is not None and stat.S_ISCHR(info.st_mode):
        return Output(out, stream=True)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise CliError(f"--out {text} is a folder; expected a file name", 2)
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a special file"
        raise CliError(f"--out {text} is {kind}; expected a regular file name, - for "
                       "standard output, or a device such as /dev/null", 2)  # fmt: skip
    if link:
        target = out.resolve()
        if target.parent != out.parent.resolve():
            raise CliError(f"--out {text} is a symbolic link to {target}, outside its folder: "
                           "give that file's own path, or remove the link", 2)  # fmt: skip
        out = target  # the link's own file is replaced, the link kept
    return Output(out)


def _output_path(text: str, suffixes: dict[str, str], given: str | None) -> tuple[Output, str]:
    """Check ``--out`` before any work: what it is (:func:`output_target`), its
    folder exists and is writable.

    Returns the output and the format (``given``, or read from the suffix).
    """
    out = output_target(text)
    fmt = given
    if fmt is None:
        fmt = suffixes.get(out.path.suffix.lower()) if not out.stream else None
        if fmt is None:
            known = ", ".join(sorted(suffixes))
            suffix = out.path.suffix if not out.stream else ""
            raise CliError(f"--out {text}: cannot tell the format from the suffix "
                           f"{suffix or '(none)'!r}; expected one of {known}", 2)  # fmt: skip
    if out.stream:
        return out, fmt
    folder = out.path.parent
    if not folder.is_dir():
        raise CliError(f"--out {text}: no such folder {str(folder)!r}", 2)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(f"--out {text}: the folder {str(folder)!r} is not writable", 1)
    return out, fmt


def _write(out: Output, content: bytes) -> None:
    from .files import write_atomic

    try:
        if str(out.path) == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        elif out.stream:
            # A device is written in place: opened without O_CREAT, never replaced.
            fd = os.open(out.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "wb") as stream:
                stream.write(content)
        else:
            write_atomic(out.path, content)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None


def _report(out: Output, args, record: dict, text: str) -> None:
    """Say what was written (``--json``: as JSON), on stdout unless the file went there."""
    stream = sys.stderr if out.to_stdout else sys.stdout
    if args.json:
        json.dump(record, stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
    else:
        print(text, file=stream)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def cmd_export(args) -> int:
    from .export import EXPORT_FORMATS, export_state

    suffixes = {f.extension: f.code for f in EXPORT_FORMATS.values()}
    suffixes |= {".json": "geojson", ".htm": "html"}
    out, fmt = _output_path(args.out, suffixes, args.format)
    if fmt != "html" and (args.self_contained or args.tiles):
        flag = "--self-contained" if args.self_contained else "--tiles"
        raise CliError(f"{flag} is for the html format, not {fmt}", 2)
    data = load_data(args.data)
    try:
        content = export_state(data, args.date, fmt, extent=args.extent or "theatre",
                               dpi=args.dpi, self_contained=args.self_contained,
                               tiles=args.tiles)  # fmt: skip
    except DataError:
        raise  # a damaged built-in file (exit 1), not a bad argument
    except ValueError as exc:
        raise CliError(str(exc), 2) from None
    except FileNotFoundError as exc:  # --self-contained without django-js-lib-leaflet
        raise CliError(str(exc), 1) from None
    _write(out, content)
    record = {"path": str(out.path), "format": fmt, "date": _iso(args.date), "bytes": len(content)}
    _report(out, args, record, f"wrote {out} ({fmt}, {_size(len(content))})")
    return 0


def _progress_bar(stream, label: str):
    """A ``progress(done, total)`` callback drawing a bar on ``stream``."""
    tty = stream.isatty()
    state = {"last": -1}

    def progress(done: int, total: int) -> None:
        if tty:
            width = 30
            filled = round(width * done / max(total, 1))
            stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                stream.write("\n")
            stream.flush()
        else:
            # Logs get a line per tenth, not a carriage-return animation.
            tenth = done * 10 // max(total, 1)
            if tenth != state["last"]:
                state["last"] = tenth
                print(f"{label}: {done}/{total}", file=stream, flush=True)

    return progress


def cmd_replay(args) -> int:
    from .replay import (
        MAX_FRAMES,
        TooManyFrames,
        VideoUnavailable,
        render_replay,
        replay_dates,
        too_many_hint,
    )

    out, fmt = _output_path(args.out, {".gif": "gif", ".mp4": "mp4"}, None)
    if args.start > args.end:
        raise CliError(f"--start {args.start.date()} is after --end {args.end.date()}", 2)
    data = load_data(args.data)
    n = len(replay_dates(data, args.start, args.end, step=args.step))
    if n > MAX_FRAMES:
        raise CliError(f"{n} frames from {args.start.date()} to {args.end.date()} by "
                       f"--step {args.step}: the limit is {MAX_FRAMES}; "
                       f"{too_many_hint(args.step)}", 2)  # fmt: skip
    try:
        content = render_replay(
            data, args.start, args.end, step=args.step, fmt=fmt, dpi=args.dpi,
            extent=args.extent or "theatre", frame_ms=args.frame_ms,
            progress=_progress_bar(sys.stderr, "rendering frames"),
        )  # fmt: skip
    except VideoUnavailable as exc:
        raise CliError(str(exc), 1) from None
    except DataError:
        raise
    except (TooManyFrames, ValueError) as exc:
        raise CliError(str(exc), 2) from None
    _write(out, content)
    record = {"path": str(out.path), "format": fmt, "frames": n, "bytes": len(content)}
    _report(out, args, record, f"wrote {out} ({fmt}, {n} frames, {_size(len(content))})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``frontline`` command."""
    # The registries the choices and defaults come from (not copies of them).
    from .export import EXPORT_FORMATS
    from .replay import STEPS
    from .territory import DEFAULT_MAX_REACH_KM

    reach_help = f"how far a town's control reaches (default {DEFAULT_MAX_REACH_KM:g})"
    parser = argparse.ArgumentParser(
        prog="frontline",
        description="Who controlled which town, when, in Syria and Iraq 2012-2019.",
    )
    data_help = ("a folder with places.csv and events.csv, or an events CSV "
                 "(checked against the built-in places); default: the built-in data")  # fmt: skip
    parser.add_argument("--data", metavar="PATH", help=data_help)
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: "frontline --data X state" and "frontline state --data X" both work.
    common.add_argument("--data", metavar="PATH", default=argparse.SUPPRESS, help=data_help)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("geocode", parents=[common], help="resolve a place name in any spelling")
    p.add_argument("name", help="e.g. 'Deir Ezzour', 'Tadmur', 'الموصل'")
    p.set_defaults(func=cmd_geocode)

    p = sub.add_parser("state", parents=[common], help="controller of every place at a date")
    p.add_argument("--date", required=True, type=_date_arg, help="YYYY-MM-DD")
    p.set_defaults(func=cmd_state)

    p = sub.add_parser("events", parents=[common], help="the sourced events, oldest first")
    p.add_argument("--place", help="only this place (any spelling)")
    p.add_argument("--start", type=_date_arg, help="from this date (YYYY-MM-DD)")
    p.add_argument("--end", type=_date_arg, help="up to this date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("validate", parents=[common], help="check place and event CSV files")
    p.add_argument("files", nargs="*", help="CSV files (default: the built-in data)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("territory", parents=[common],
                       help="estimated territories and front lines at a date")  # fmt: skip
    p.add_argument("--date", required=True, type=_date_arg, help="YYYY-MM-DD")
    p.add_argument("--format", choices=["geojson", "text"], default="text")
    p.add_argument("--max-reach-km", type=_reach_arg, default=DEFAULT_MAX_REACH_KM,
                   help=reach_help)  # fmt: skip
    p.set_defaults(func=cmd_territory)

    p = sub.add_parser("areas", parents=[common],
                       help="estimated area per faction at the start of every epoch")  # fmt: skip
    p.add_argument("--max-reach-km", type=_reach_arg, default=DEFAULT_MAX_REACH_KM,
                   help=reach_help)  # fmt: skip
    p.add_argument("--split", action="store_true",
                   help="one row per faction, country (SY, IQ) and tier (core, nominal); "
                        "land of unknown holder under UNKNOWN")  # fmt: skip
    p.set_defaults(func=cmd_areas)

    p = sub.add_parser("coverage", parents=[common],
                       help="coverage of the reference list of towns, events per year "
                            "and per source")  # fmt: skip
    p.set_defaults(func=cmd_coverage)

    extent_help = ("theatre (default), syria, iraq, or a box W,S,E,N in degrees "
                   "(e.g. 38,34,42,37)")  # fmt: skip
    p = sub.add_parser("export", parents=[common],
                       help="the map or the data at a date as a file (png, svg, pdf, html, "
                            "geojson, gpkg, kml, csv)")  # fmt: skip
    p.add_argument("--date", required=True, type=_date_arg, help="YYYY-MM-DD")
    p.add_argument("--format", choices=list(EXPORT_FORMATS),
                   help="file format (default: from the --out suffix)")  # fmt: skip
    p.add_argument("--out", required=True, metavar="PATH",
                   help="file to write (replaced atomically: never left half-written; an "
                        "existing file keeps its permissions), or - for standard output "
                        "(give --format)")  # fmt: skip
    p.add_argument("--extent", type=_extent_arg, metavar="EXTENT",
                   help=f"view of the map formats (png, svg, pdf, html): {extent_help}; "
                        "data formats always hold every place")  # fmt: skip
    p.add_argument("--dpi", type=_dpi_arg, default=150,
                   help="resolution of PNG images, 72..300 (default 150)")  # fmt: skip
    p.add_argument("--self-contained", action="store_true",
                   help="html: inline Leaflet, so the page loads nothing from the network "
                        "(default: Leaflet 1.9.4 from the jsDelivr CDN, with integrity "
                        "hashes)")  # fmt: skip
    p.add_argument("--tiles", action="store_true",
                   help="html: add OpenStreetMap background tiles (loaded from "
                        "tile.openstreetmap.org when opened; default: off)")  # fmt: skip
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("replay", parents=[common],
                       help="an animated map over a date range "
                            "(GIF, or MP4 with imageio-ffmpeg)")  # fmt: skip
    p.add_argument("--start", required=True, type=_date_arg, help="first frame (YYYY-MM-DD)")
    p.add_argument("--end", required=True, type=_date_arg, help="last frame (YYYY-MM-DD)")
    p.add_argument("--step", choices=list(STEPS), default="month",
                   help="a frame per change of the map (event), per week, "
                        "or per month (default)")  # fmt: skip
    p.add_argument("--out", required=True, metavar="PATH",
                   help="replay.gif or replay.mp4 (the format follows the suffix)")  # fmt: skip
    p.add_argument("--extent", type=_extent_arg, metavar="EXTENT", help=extent_help)
    p.add_argument("--dpi", type=_dpi_arg, default=100,
                   help="resolution, 72..300 (default 100: 700 pixels wide)")  # fmt: skip
    p.add_argument("--frame-ms", type=_frame_ms_arg, default=700,
                   help="how long each frame shows, in ms (default 700)")  # fmt: skip
    p.set_defaults(func=cmd_replay)

    from .compare.cli import register as register_compare

    register_compare(sub, common)
    for register in _EXTRA_COMMANDS:
        register(sub, common)
    return parser


# Other modules (territory, export) register their sub-commands here.
_EXTRA_COMMANDS: list = []


def _register_read(sub, common) -> None:
    from .reader.cli import register

    register(sub, common)


_EXTRA_COMMANDS.append(_register_read)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"frontline: error: {exc}", file=sys.stderr)
        return exc.code
    except DataError as exc:
        print(f"frontline: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        # Ctrl-C: nothing was written (files are replaced only when complete).
        print("\nfrontline: interrupted; nothing written", file=sys.stderr)
        return 130
