"""The ``frontline`` command line's argument types, its error and the ``--data`` option."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from geodata.dataset import Dataset
from geodata.events import TIMELINE_END, TIMELINE_START
from geodata.io import load_builtin, load_dataset, read_limited
from geodata.problems import DataError, parse_date

__all__ = [
    "CliError",
    "bounded",
    "date_arg",
    "dpi_arg",
    "extent_arg",
    "frame_ms_arg",
    "load_data",
    "reach_arg",
]


class CliError(Exception):
    """An error for the user: message on stderr, then exit with ``code``."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def date_arg(text: str) -> pd.Timestamp:
    try:
        date = parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not TIMELINE_START <= date <= TIMELINE_END:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the data's range {TIMELINE_START.date()}..{TIMELINE_END.date()}"
        )
    return date


def bounded(kind, low, high, *, what: str, bounds: str):
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


reach_arg = bounded(float, 1, 500, what="a distance in km", bounds="a reach between 1 and 500 km")
frame_ms_arg = bounded(int, 50, 10_000, what="milliseconds", bounds="50 to 10000 ms per frame")


def dpi_arg(text: str) -> int:
    from geodata.render import check_dpi

    try:
        return check_dpi(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def extent_arg(text: str):
    from geodata.extent import check_extent

    try:
        return check_extent(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
    from geodata.upload import read_upload

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
