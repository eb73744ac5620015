"""The version of the built-in data: a date-stamped release with its counts.

Each release of ``geodata/data`` gets a version (``geodata/data/VERSION``,
the release date as ``YYYY.MM.DD``) and an entry in ``geodata/data/CHANGELOG.md``.
The app shows it in its footer and every export carries it (in the
attribution of the images, KML, GeoJSON and HTML, and in the metadata of the
PNG, SVG and PDF files).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: The built-in data's folder (``geodata.io.DATA_DIR`` is this one). It is
#: defined here, at the bottom of the flow, because the style table names the
#: data's version in its credit line and the faction table reads the style
#: table's colours.
DATA_DIR = Path(str(resources.files("geodata") / "data"))

__all__ = ["DATA_VERSION", "data_version_text"]

#: The release of the built-in data, e.g. ``"2026.12.02"``.
DATA_VERSION = (DATA_DIR / "VERSION").read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def _counts() -> tuple[int, int]:
    def rows(name: str) -> int:
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
            return sum(1 for _ in csv.DictReader(fh))

    return rows("places.csv"), rows("events.csv")


def data_version_text() -> str:
    """Return e.g. ``"2026.12.02 (565 places, 1,410 events)"``.

    Examples
    --------
    >>> data_version_text().startswith(DATA_VERSION)
    True
    """
    places, events = _counts()
    return f"{DATA_VERSION} ({places:,} places, {events:,} events)"
