"""The ``frontline`` sub-commands over the data: each ``cmd_*`` takes the parsed
arguments and returns the exit status (errors are raised as :class:`CliError`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from geodata.events import TIMELINE_END, TIMELINE_START, format_date
from geodata.gazetteer import GeocodeError
from geodata.io import DATA_DIR, load_builtin, read_table
from geodata.problems import DataError, errors_only
from geodata.timeline import control_at, events_between
from geodata.validate import validate_events, validate_places

from .args import CliError, load_data
from .output import (
    dump,
    event_records,
    iso,
    output_path,
    progress_bar,
    report,
    size_text,
    state_records,
    write_output,
)

__all__ = [
    "cmd_areas",
    "cmd_coverage",
    "cmd_events",
    "cmd_export",
    "cmd_geocode",
    "cmd_replay",
    "cmd_state",
    "cmd_territory",
    "cmd_validate",
]


def cmd_geocode(args) -> int:
    data = load_data(args.data)
    try:
        result = data.gazetteer.geocode(args.name)
    except GeocodeError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        dump(result.to_dict())
    else:
        print(
            f"{result.name} ({result.id}) {result.lat:.4f}, {result.lon:.4f} {result.country} "
            f"[{result.match}, score {result.score:.0f}, {result.source}]"
        )
    return 0


def cmd_state(args) -> int:
    data = load_data(args.data)
    records = state_records(control_at(data, args.date))
    if args.json:
        dump(records)
        return 0
    print(f"Control on {args.date.date()} ({data.name} data)")
    for r in records:
        extra = f" vs {r['contested_by']}" if r["contested_by"] else ""
        print(
            f"  {r['name']:<24} {r['controller'] or '-':<7} {r['status']}{extra} since {r['since']}"
        )
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
        dump(event_records(events))
        return 0
    for e in events.itertuples():
        change = f"{e.from_faction or '-'} -> {e.to_faction}"
        print(
            f"{format_date(e.date, e.date_precision):>18}  {e.place_id:<16} {e.kind:<9} "
            f"{change:<16} {e.source_title}"
        )
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
        dump({"valid": not errors, "problems": [p.to_dict() for p in problems]})
    else:
        for p in problems:
            print(p, file=sys.stderr)
        checked = ", ".join(str(f) for f in files)
        print(
            f"{'invalid' if errors else 'valid'}: {len(errors)} error(s), "
            f"{len(problems) - len(errors)} warning(s) in {checked}"
        )
    return 1 if errors else 0


def cmd_territory(args) -> int:
    from geodata.territory import territory_geojson

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
    from geodata.territory import area_series, area_split

    data = load_data(args.data)
    if args.split:
        split = area_split(data, max_reach_km=args.max_reach_km)
        if args.json:
            dump(
                [
                    {
                        "date": iso(r.date),
                        "faction": r.faction,
                        "country": r.country,
                        "tier": r.tier,
                        "area_km2": r.area_km2,
                    }
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
        {"date": iso(r.date), "faction": r.faction, "area_km2": r.area_km2}
        for r in series.itertuples()
    ]
    if args.json:
        dump(rows)
        return 0
    table = series.pivot_table(index="date", columns="faction", values="area_km2", fill_value=0)
    print(table.round(0).astype(int).to_string())
    return 0


def cmd_coverage(args) -> int:
    from geodata.coverage import coverage, format_coverage

    report = coverage(load_data(args.data))
    if args.json:
        dump(
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


def cmd_export(args) -> int:
    from geodata.export import EXPORT_FORMATS, export_state

    suffixes = {f.extension: f.code for f in EXPORT_FORMATS.values()}
    suffixes |= {".json": "geojson", ".htm": "html"}
    out, fmt = output_path(args.out, suffixes, args.format)
    if fmt != "html" and (args.self_contained or args.tiles):
        flag = "--self-contained" if args.self_contained else "--tiles"
        raise CliError(f"{flag} is for the html format, not {fmt}", 2)
    data = load_data(args.data)
    try:
        content = export_state(
            data,
            args.date,
            fmt,
            extent=args.extent or "theatre",
            dpi=args.dpi,
            self_contained=args.self_contained,
            tiles=args.tiles,
        )
    except DataError:
        raise  # a damaged built-in file (exit 1), not a bad argument
    except ValueError as exc:
        raise CliError(str(exc), 2) from None
    except FileNotFoundError as exc:  # --self-contained without django-js-lib-leaflet
        raise CliError(str(exc), 1) from None
    write_output(out, content)
    record = {"path": str(out.path), "format": fmt, "date": iso(args.date), "bytes": len(content)}
    report(out, args, record, f"wrote {out} ({fmt}, {size_text(len(content))})")
    return 0


def cmd_replay(args) -> int:
    from geodata.replay import (
        MAX_FRAMES,
        TooManyFrames,
        VideoUnavailable,
        render_replay,
        replay_dates,
        too_many_hint,
    )

    out, fmt = output_path(args.out, {".gif": "gif", ".mp4": "mp4"}, None)
    if args.start > args.end:
        raise CliError(f"--start {args.start.date()} is after --end {args.end.date()}", 2)
    data = load_data(args.data)
    n = len(replay_dates(data, args.start, args.end, step=args.step))
    if n > MAX_FRAMES:
        raise CliError(
            f"{n} frames from {args.start.date()} to {args.end.date()} by "
            f"--step {args.step}: the limit is {MAX_FRAMES}; "
            f"{too_many_hint(args.step)}",
            2,
        )
    try:
        content = render_replay(
            data,
            args.start,
            args.end,
            step=args.step,
            fmt=fmt,
            dpi=args.dpi,
            extent=args.extent or "theatre",
            frame_ms=args.frame_ms,
            progress=progress_bar(sys.stderr, "rendering frames"),
        )
    except VideoUnavailable as exc:
        raise CliError(str(exc), 1) from None
    except DataError:
        raise
    except (TooManyFrames, ValueError) as exc:
        raise CliError(str(exc), 2) from None
    write_output(out, content)
    record = {"path": str(out.path), "format": fmt, "frames": n, "bytes": len(content)}
    report(out, args, record, f"wrote {out} ({fmt}, {n} frames, {size_text(len(content))})")
    return 0
