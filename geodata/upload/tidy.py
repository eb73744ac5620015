"""Tidy a sheet: column names in any case, the cell limit, dates written day first.

Runs after reading (:mod:`.sheets`) and before places are resolved: the later
steps see lower-case column names, stripped cells and ISO dates.
"""

from __future__ import annotations

import dataclasses
import re

from geodata.problems import Problem

from .cells import Sheet, column_name

__all__ = ["MAX_CELL_CHARS", "explain_dates", "normalize_dates", "tidy"]

MAX_CELL_CHARS = 2_000
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_LOOSE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")


def tidy(sheet: Sheet) -> None:
    """Normalise column names, apply the cell limit (in place)."""
    table, file = sheet.table, sheet.file
    names = [column_name(column) for column in table.columns]
    keep, seen = [], {}
    for position, name in enumerate(names):
        mangled = re.match(r"^(.*)\.\d+$", name)  # pandas renames a repeated header 'date.1'
        base = mangled.group(1) if mangled and mangled.group(1) in seen else name
        cells = table.iloc[:, position].astype(str).str.strip()
        if base.startswith("unnamed:") and not cells.any():
            continue  # an empty column left by trailing separators
        if base in seen:
            where = f"columns {seen[base] + 1} and {position + 1}"
            message = f"column '{base}' appears more than once ({where})"
            sheet.problems.append(Problem(file, None, base, message, code="column.repeated"))
            continue
        seen[base] = position
        keep.append((position, base))
    # By position: after lower-casing, 'Date' and 'date' are two columns with one name.
    table = table.iloc[:, [position for position, _ in keep]].copy()
    table.columns = [name for _, name in keep]
    table = table.reset_index(drop=True).astype(str)
    for column in table.columns:
        table[column] = table[column].str.strip()
        lengths = table[column].str.len()
        for i in lengths.index[lengths > MAX_CELL_CHARS]:
            row = int(i) + sheet.first_row
            message = f"{int(lengths[i]):,} characters; the limit is {MAX_CELL_CHARS:,}"
            sheet.problems.append(Problem(file, row, column, message, code="cell.too_long"))
            table.loc[i, column] = table.loc[i, column][:MAX_CELL_CHARS]
    sheet.table = table


def normalize_dates(sheet: Sheet, *, dayfirst: bool) -> dict[tuple[int, str], str]:
    """Rewrite dates to ISO where that is safe; return ``{(row, column): as written}``."""
    notes: dict[tuple[int, str], str] = {}
    for column in ("date", "end_date"):
        if column not in sheet.table.columns:
            continue
        values = sheet.table[column].tolist()
        for i, text in enumerate(values):
            if loose := _LOOSE_ISO.match(text):
                y, m, d = loose.groups()
                values[i] = f"{y}-{int(m):02d}-{int(d):02d}"
            elif day_first := _DAY_FIRST.match(text):
                notes[(i + sheet.first_row, column)] = text
                if dayfirst:
                    d, m, y = day_first.groups()
                    values[i] = f"{y}-{int(m):02d}-{int(d):02d}"
        sheet.table[column] = values
    return notes


def explain_dates(problems, notes, *, dayfirst: bool, file: str) -> list[Problem]:
    """Say how a date was written, and which option reads it, in the date problems."""
    out = []
    for p in problems:
        written = notes.get((p.row, p.column)) if p.file == file else None
        out.append(p if written is None else _explained(p, written, dayfirst=dayfirst))
    return out


def _explained(p: Problem, written: str, *, dayfirst: bool) -> Problem:
    first, second, year = (int(n) for n in _DAY_FIRST.match(written).groups())
    if second > 12 >= first:
        message = (
            f"expected a date as YYYY-MM-DD, got {written!r}, which looks month first "
            "(US style); write dates as YYYY-MM-DD"
        )
        suggestion = f"{year}-{first:02d}-{second:02d}"
        return dataclasses.replace(p, message=message, suggestion=suggestion)
    if dayfirst:
        return dataclasses.replace(p, message=f"{p.message} (written {written!r}, read day first)")
    message = (
        f"expected a date as YYYY-MM-DD, got {written!r}: if your dates are written "
        "day first (27/03/2016 for 27 March 2016), choose the day-first option"
    )
    unambiguous = first > 12 or first == second
    suggestion = f"{year}-{second:02d}-{first:02d}" if unambiguous else None
    return dataclasses.replace(p, message=message, suggestion=suggestion)
