"""Checks that keep hostile data files harmless: strict numbers, no control characters.

Used by :mod:`geodata.validate` (so ``frontline validate``, loading and uploads
all refuse the same cells) and by the readers in :mod:`geodata.io` and
:mod:`geodata.upload` (limits checked before a file is parsed).
"""

from __future__ import annotations

import re

import pandas as pd

from .problems import Problem

__all__ = [
    "neutralise_csv_cell",
    "MAX_COLUMNS",
    "MAX_CONTROL_PROBLEMS",
    "CONTROL_CHARACTERS",
    "parse_degrees",
    "control_problems",
]

#: Columns (or GeoJSON/GeoPackage properties) a data file may have; the events
#: format has 12, a place table 9.
MAX_COLUMNS = 200
#: Cells with control characters reported one by one; the rest are counted.
MAX_CONTROL_PROBLEMS = 50

# A decimal number written with ASCII digits only: float() also takes
# Arabic-Indic ("٣٥.٢") and full-width digits, "3_5", "nan" and "infinity".
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$", re.ASCII)

#: C0 controls but tab, line feed and carriage return; DEL; and the two
#: non-characters U+FFFE and U+FFFF. None has a place in a name, a note or a
#: link, and XML (KML) cannot hold them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def parse_degrees(text) -> float:
    """Parse a coordinate written as an ASCII decimal number.

    Raises
    ------
    ValueError
        For anything else, with what was expected.

    Examples
    --------
    >>> parse_degrees(" 35.2 ")
    35.2
    >>> parse_degrees("٣٥.٢")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: expected a number in degrees, got '٣٥.٢': write it with the digits 0-9 ...
    """
    text = str(text).strip()
    if not _NUMBER.match(text):
        raise ValueError(
            f"expected a number in degrees, got {text[:40]!r}: write it with the digits 0-9 "
            "and a point, such as 35.2"
        )
    return float(text)


def _describe(char: str) -> str:
    names = {"\x00": "NUL", "\x07": "bell", "\x1b": "escape", "\x7f": "DEL"}
    name = names.get(char)
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def control_problems(table: pd.DataFrame, *, file: str, first_row: int = 2) -> list:
    """One problem per cell (and column name) holding a control character.

    Tabs and line breaks (inside a quoted cell) are allowed. At most
    :data:`MAX_CONTROL_PROBLEMS` cells are listed; one more problem counts the rest.

    Returns
    -------
    list of geodata.problems.Problem
    """
    problems: list = []
    hidden = 0

    def add(row, column, text: str) -> None:
        nonlocal hidden
        if len(problems) >= MAX_CONTROL_PROBLEMS:
            hidden += 1
            return
        char = CONTROL_CHARACTERS.search(text).group()
        position = text.index(char) + 1
        problems.append(
            Problem(
                file,
                row,
                column,
                f"control character {_describe(char)} at character {position}: remove it "
                "(only tabs and line breaks may be in a cell)",
                code="cell.control_character",
            )
        )

    for column in table.columns:
        name = str(column)
        shown = CONTROL_CHARACTERS.sub("?", name)
        if CONTROL_CHARACTERS.search(name):
            add(first_row - 1 if first_row > 1 else None, shown, name)
        cells = table[column]
        if cells.dtype != object and not pd.api.types.is_string_dtype(cells):
            continue
        text = cells.astype(str)
        hits = text.str.contains(CONTROL_CHARACTERS.pattern, regex=True, na=False).to_numpy()
        for position in hits.nonzero()[0]:
            add(int(position) + first_row, shown, text.iloc[position])
    if hidden:
        problems.append(
            Problem(
                file,
                None,
                None,
                f"… and {hidden:,} more cells with control characters",
                code="cell.control_more",
            )
        )
    return problems


#: What a spreadsheet runs as a formula when a text cell starts with it.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value: str) -> str:
    """Prefix a text cell a spreadsheet would run as a formula with ``'``.

    Examples
    --------
    >>> neutralise_csv_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_csv_cell("Raqqa")
    'Raqqa'
    """
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value
