"""The ``frontline`` argument parser and its entry point.

The choices and defaults come from their registries (the export formats, the
replay steps, the territory's reach), never from copies of them.
"""

from __future__ import annotations

import argparse
import sys

from geodata.problems import DataError

from . import commands
from .args import CliError, date_arg, dpi_arg, extent_arg, frame_ms_arg, reach_arg

__all__ = ["build_parser", "main"]

_DATA_HELP = (
    "a folder with places.csv and events.csv, or an events CSV "
    "(checked against the built-in places); default: the built-in data"
)
_EXTENT_HELP = "theatre (default), syria, iraq, or a box W,S,E,N in degrees (e.g. 38,34,42,37)"


def _reach_option(p) -> None:
    from geodata.territory import DEFAULT_MAX_REACH_KM

    p.add_argument(
        "--max-reach-km",
        type=reach_arg,
        default=DEFAULT_MAX_REACH_KM,
        help=f"how far a town's control reaches (default {DEFAULT_MAX_REACH_KM:g})",
    )


def _add_data_commands(sub, common) -> None:
    """geocode, state, events, validate, coverage: the data itself."""
    p = sub.add_parser("geocode", parents=[common], help="resolve a place name in any spelling")
    p.add_argument("name", help="e.g. 'Deir Ezzour', 'Tadmur', 'الموصل'")
    p.set_defaults(func=commands.cmd_geocode)

    p = sub.add_parser("state", parents=[common], help="controller of every place at a date")
    p.add_argument("--date", required=True, type=date_arg, help="YYYY-MM-DD")
    p.set_defaults(func=commands.cmd_state)

    p = sub.add_parser("events", parents=[common], help="the sourced events, oldest first")
    p.add_argument("--place", help="only this place (any spelling)")
    p.add_argument("--start", type=date_arg, help="from this date (YYYY-MM-DD)")
    p.add_argument("--end", type=date_arg, help="up to this date (YYYY-MM-DD)")
    p.set_defaults(func=commands.cmd_events)

    p = sub.add_parser("validate", parents=[common], help="check place and event CSV files")
    p.add_argument("files", nargs="*", help="CSV files (default: the built-in data)")
    p.set_defaults(func=commands.cmd_validate)


def _add_space_commands(sub, common) -> None:
    """territory, areas, coverage: land and coverage."""
    p = sub.add_parser(
        "territory", parents=[common], help="estimated territories and front lines at a date"
    )
    p.add_argument("--date", required=True, type=date_arg, help="YYYY-MM-DD")
    p.add_argument("--format", choices=["geojson", "text"], default="text")
    _reach_option(p)
    p.set_defaults(func=commands.cmd_territory)

    p = sub.add_parser(
        "areas", parents=[common], help="estimated area per faction at the start of every epoch"
    )
    _reach_option(p)
    p.add_argument(
        "--split",
        action="store_true",
        help="one row per faction, country (SY, IQ) and tier (core, nominal); "
        "land of unknown holder under UNKNOWN",
    )
    p.set_defaults(func=commands.cmd_areas)

    p = sub.add_parser(
        "coverage",
        parents=[common],
        help="coverage of the reference list of towns, events per year and per source",
    )
    p.set_defaults(func=commands.cmd_coverage)


def _add_export(sub, common) -> None:
    """export: the map or the data at a date as a file."""
    from geodata.export import EXPORT_FORMATS

    p = sub.add_parser(
        "export",
        parents=[common],
        help="the map or the data at a date as a file (png, svg, pdf, html, "
        "geojson, gpkg, kml, csv)",
    )
    p.add_argument("--date", required=True, type=date_arg, help="YYYY-MM-DD")
    p.add_argument(
        "--format",
        choices=list(EXPORT_FORMATS),
        help="file format (default: from the --out suffix)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="file to write (replaced atomically: never left half-written; an "
        "existing file keeps its permissions), or - for standard output "
        "(give --format)",
    )
    p.add_argument(
        "--extent",
        type=extent_arg,
        metavar="EXTENT",
        help=f"view of the map formats (png, svg, pdf, html): {_EXTENT_HELP}; "
        "data formats always hold every place",
    )
    p.add_argument(
        "--dpi", type=dpi_arg, default=150, help="resolution of PNG images, 72..300 (default 150)"
    )
    p.add_argument(
        "--self-contained",
        action="store_true",
        help="html: inline Leaflet, so the page loads nothing from the network "
        "(default: Leaflet 1.9.4 from the jsDelivr CDN, with integrity hashes)",
    )
    p.add_argument(
        "--tiles",
        action="store_true",
        help="html: add OpenStreetMap background tiles (loaded from "
        "tile.openstreetmap.org when opened; default: off)",
    )
    p.set_defaults(func=commands.cmd_export)


def _add_replay(sub, common) -> None:
    """replay: an animated map over a date range."""
    from geodata.replay import STEPS

    p = sub.add_parser(
        "replay",
        parents=[common],
        help="an animated map over a date range (GIF, or MP4 with imageio-ffmpeg)",
    )
    p.add_argument("--start", required=True, type=date_arg, help="first frame (YYYY-MM-DD)")
    p.add_argument("--end", required=True, type=date_arg, help="last frame (YYYY-MM-DD)")
    p.add_argument(
        "--step",
        choices=list(STEPS),
        default="month",
        help="a frame per change of the map (event), per week, or per month (default)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="replay.gif or replay.mp4 (the format follows the suffix)",
    )
    p.add_argument("--extent", type=extent_arg, metavar="EXTENT", help=_EXTENT_HELP)
    p.add_argument(
        "--dpi",
        type=dpi_arg,
        default=100,
        help="resolution, 72..300 (default 100: 700 pixels wide)",
    )
    p.add_argument(
        "--frame-ms",
        type=frame_ms_arg,
        default=700,
        help="how long each frame shows, in ms (default 700)",
    )
    p.set_defaults(func=commands.cmd_replay)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``frontline`` command."""
    from . import compare, read

    parser = argparse.ArgumentParser(
        prog="frontline",
        description="Who controlled which town, when, in Syria and Iraq 2012-2019.",
    )
    parser.add_argument("--data", metavar="PATH", help=_DATA_HELP)
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: "frontline --data X state" and "frontline state --data X" both work.
    common.add_argument("--data", metavar="PATH", default=argparse.SUPPRESS, help=_DATA_HELP)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_data_commands(sub, common)
    _add_space_commands(sub, common)
    _add_export(sub, common)
    _add_replay(sub, common)
    compare.register(sub, common)
    read.register(sub, common)
    return parser


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
