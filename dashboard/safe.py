"""Escaping for every data string that reaches HTML (or Streamlit Markdown).

Place names, notes and source titles come from data files, and a user may
upload their own; links and search terms come from users. None of it is
trusted. Every renderer in ``dashboard`` (map tooltips, DivIcon labels, the
legend, the panels and the "what changed" list) builds HTML only through
:func:`esc` and :func:`link`; text shown through Streamlit's Markdown (alerts,
button labels, captions) goes through :func:`md`.
"""

from __future__ import annotations

import html
import math
import re
from urllib.parse import urlsplit

__all__ = ["esc", "md", "safe_url", "link"]

# Everything Streamlit's Markdown could read as syntax: CommonMark punctuation,
# "$" (LaTeX), ":" (emoji, icons, colour directives). A numeric character
# reference is always literal text in CommonMark, never syntax. (A bare
# "https://..." is still linked by GFM after parsing, but its text is the
# address itself, so it cannot pose as something else.)
_MARKDOWN = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>~$:&@/=\"']")


def esc(value: object) -> str:
    """Return ``value`` as text safe inside HTML elements and quoted attributes.

    ``None`` and NaN become the empty string.

    Examples
    --------
    >>> esc('<b>"Raqqa" & co</b>')
    '&lt;b&gt;&quot;Raqqa&quot; &amp; co&lt;/b&gt;'
    >>> esc(None)
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def md(value: object) -> str:
    r"""Return ``value`` as literal text inside Streamlit Markdown (labels, alerts, captions).

    Streamlit renders widget labels and alert messages as Markdown, where data
    could become a link or an image; character references keep it literal.

    Examples
    --------
    >>> md("[x](y)")
    '&#91;x&#93;&#40;y&#41;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _MARKDOWN.sub(lambda m: f"&#{ord(m.group())};", str(value))


def safe_url(url: object) -> str | None:
    """Return ``url`` stripped if it is an absolute http(s) URL with a host, else None.

    Examples
    --------
    >>> safe_url(" https://example.org/a ")
    'https://example.org/a'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def link(url: object, text: object = None) -> str:
    """Return an escaped ``<a>`` opening in a new tab, or the escaped text alone.

    Only http(s) URLs become links; anything else (``javascript:``, ``data:``,
    relative paths, empty) is shown as plain text.

    Parameters
    ----------
    url : str
        The target.
    text : str, optional
        The visible text (default: the URL itself).

    Examples
    --------
    >>> link("https://example.org/?a=1&b=2", "A & B")  # doctest: +NORMALIZE_WHITESPACE
    '<a href="https://example.org/?a=1&amp;b=2" target="_blank"
    rel="noopener noreferrer">A &amp; B</a>'
    >>> link("javascript:alert(1)", "x")
    'x'
    """
    label = text if text not in (None, "") else url
    href = safe_url(url)
    if href is None:
        return esc(label)
    return f'<a href="{esc(href)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'
