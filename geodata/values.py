"""Small helpers every stage uses the same way: missing values and rounded geometry.

Missing means ``None``, NaN or NaT (what pandas leaves in an empty cell); a
string, even empty, is never missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

__all__ = ["is_missing", "or_none", "rounded", "rounded_mapping", "text_or_empty"]


def is_missing(value) -> bool:
    """Whether ``value`` is None, NaN or NaT.

    Examples
    --------
    >>> is_missing(float("nan")), is_missing(""), is_missing(0)
    (True, False, False)
    """
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def or_none(value):
    """``value``, or None when it is missing (for JSON)."""
    return None if is_missing(value) else value


def text_or_empty(value) -> str:
    """``value`` as text, or "" when it is missing (for CSV, KML and HTML)."""
    return "" if is_missing(value) else str(value)


def rounded(geometry, digits: int = 5):
    """A shapely geometry with coordinates rounded to ``digits`` decimals
    (5: about 1 m, the precision of the GeoJSON the exports write)."""
    return shapely.transform(geometry, lambda c: np.round(c, digits))


def rounded_mapping(geometry, digits: int = 5) -> dict:
    """A GeoJSON geometry dict of :func:`rounded`."""
    return shapely.geometry.mapping(rounded(geometry, digits))
