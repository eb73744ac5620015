"""Datasets as the CSV text an upload reads: downloads, the template, text tables.

:func:`places_text` and :func:`events_text` turn typed data back into the text
tables a CSV holds; the downloads are made of them, and so is the base history
an upload is checked against in ``"layer"`` mode (:mod:`.merge`).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from geodata.dataset import Dataset
from geodata.events import EVENT_COLUMNS, PLACE_COLUMNS
from geodata.io import load_builtin, with_columns

__all__ = ["builtin_csv", "dataset_csv", "events_text", "places_text", "template_csv"]


def places_text(places) -> pd.DataFrame:
    """A dataset's places as the text table a places CSV holds."""
    table = pd.DataFrame(places.drop(columns="geometry"))
    # Points are (x, y) = (lon, lat).
    table["lat"] = [repr(float(y)) for y in places.geometry.y]
    table["lon"] = [repr(float(x)) for x in places.geometry.x]
    return with_columns(table, PLACE_COLUMNS).fillna("").astype(str).reset_index(drop=True)


def events_text(events: pd.DataFrame) -> pd.DataFrame:
    """Typed events back to the text table an events CSV holds."""
    table = events[list(EVENT_COLUMNS)].copy()
    for column in ("date", "end_date"):
        table[column] = [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in table[column]]
    return table.fillna("").astype(str).reset_index(drop=True)


def _csv_bytes(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue().encode("utf-8")


def dataset_csv(dataset: Dataset) -> tuple[bytes, bytes]:
    """Return a dataset as ``(places.csv, events.csv)`` bytes, readable by ``read_upload``.

    Events are in the dataset's order (by place, date and kind), so the row
    numbers that :func:`geodata.upload.read_upload` gives for base events in
    ``"layer"`` mode are those of this file.
    """
    return _csv_bytes(places_text(dataset.places)), _csv_bytes(events_text(dataset.events))


def builtin_csv() -> tuple[bytes, bytes]:
    """Return the built-in data as ``(places.csv, events.csv)`` bytes, for a download.

    Examples
    --------
    >>> places, events = builtin_csv()
    >>> events.splitlines()[0].decode()[:22]
    'event_id,place_id,kind'
    """
    return dataset_csv(load_builtin())


def template_csv() -> bytes:
    """Return a template events CSV: the header and two example rows.

    Places are named (``place``) rather than given by id, which
    :func:`geodata.upload.read_upload` accepts; any of the built-in names or
    spellings works.
    """
    columns = ["place", *[c for c in EVENT_COLUMNS if c not in ("event_id", "place_id")]]
    source = "Palmyra offensive (May 2015) - Wikipedia"
    url = "https://en.wikipedia.org/wiki/Palmyra_offensive_(May_2015)"
    note_before = "Government-held until the ISIS offensive of May 2015"
    note_after = "ISIS stormed the town on 20 May 2015"
    # Cells in the order of `columns`: place, kind, date, precision, end, end precision,
    # from, to, certainty, source title, source URL, note.
    before = ["", "", "", "SYGOV", "high", source, url, note_before]
    after = ["", "", "SYGOV", "ISIS", "high", source, url, note_after]
    rows = [
        ["Palmyra", "initial", "2012-01-01", "day", *before],
        ["Palmyra", "capture", "2015-05-20", "day", *after],
    ]
    return _csv_bytes(pd.DataFrame(rows, columns=columns))
