"""How the static maps write text: one font, plain text (no mathtext, no LaTeX)."""

from __future__ import annotations

import functools

import matplotlib

from geodata.style import PRINT_COLORS

__all__ = ["FONT", "TEXT", "MUTED", "PLAIN_TEXT", "plain_text"]

FONT = "DejaVu Sans"
#: Colour of the maps' text, and of secondary text (subtitle, attribution).
TEXT = PRINT_COLORS["text"]
MUTED = PRINT_COLORS["muted"]

#: Every text of the map is drawn as written: "$" in a place name is not the start of
#: a formula (mathtext), and nothing goes through LaTeX. Text objects keep the
#: setting they were made with, so it holds through savefig too.
PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}


def plain_text(draw):
    """Run a drawing function with :data:`PLAIN_TEXT`.

    Parameters
    ----------
    draw : callable
        A function that makes matplotlib text.

    Returns
    -------
    callable
        ``draw`` wrapped in ``matplotlib.rc_context(PLAIN_TEXT)``.
    """

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(PLAIN_TEXT):
            return draw(*args, **kwargs)

    return wrapper
