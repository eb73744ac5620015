"""The state of every place as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import numpy as np

from geodata.dataset import Dataset
from geodata.safety import neutralise_csv_cell
from geodata.scene import Scene

from .tables import places_table

__all__ = ["to_csv", "neutralise_csv_cell"]


def to_csv(scene: Scene, *, dataset: Dataset | None = None) -> bytes:
    """Return the state of every place as CSV (the columns of :func:`places_table`).

    Text cells that a spreadsheet would evaluate as a formula (starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with a
    single quote. Only text columns are neutralised: ``lat`` and ``lon`` are
    numbers and keep their sign. Booleans are ``true``/``false``. The file is
    UTF-8 with a byte-order mark (so Excel shows Arabic names correctly) and
    CRLF line ends (RFC 4180).

    Returns
    -------
    bytes
    """
    table = places_table(scene, dataset)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            if column in ("lat", "lon"):
                cells.append(f"{value:.5f}")
            elif isinstance(value, bool | np.bool_):
                cells.append("true" if value else "false")
            else:
                cells.append(neutralise_csv_cell(str(value)))
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
