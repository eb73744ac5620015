"""The text of a report: plain text as it is, HTML reduced to its article.

Nothing in a page is ever run: HTML is parsed as data (lxml), scripts,
styles, forms and frames are dropped, and only text comes out. The article's
body is found by ``trafilatura`` (boilerplate removal: navigation, menus,
comments and footers are left out); a plain lxml pass over ``<article>``,
``<main>`` or ``<body>`` is the fallback when it finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "ReportText", "ReadError", "decode", "looks_like_html", "extract"]

#: The largest report read (bytes): a news article is a few tens of kB.
MAX_BYTES = 2_000_000

_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|article|p|div|title)\b", re.I)
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "form", "button", "select", "nav", "header", "footer", "aside", "menu",
)  # fmt: skip
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote",
           "section", "article", "figcaption", "time", "dd", "dt", "pre"}  # fmt: skip


class ReadError(ValueError):
    """Input that cannot be read as a report (too large, binary, refused URL...)."""


@dataclass
class ReportText:
    """A report reduced to text.

    Attributes
    ----------
    text : str
        The article's text, one paragraph a line.
    title : str or None
        The page's title (HTML) or None (plain text: the reader finds it).
    published : str or None
        ``YYYY-MM-DD`` from the page's metadata (HTML ``<meta>``/``<time>``),
        or None.
    kind : {"text", "html"}
    """

    text: str
    title: str | None = None
    published: str | None = None
    kind: str = "text"


def decode(raw: bytes, *, charset: str | None = None) -> str:
    """Decode uploaded or fetched bytes, refusing binary data.

    Raises
    ------
    ReadError
        Over :data:`MAX_BYTES`, or bytes that are not text (NUL bytes, many
        control characters).
    """
    if len(raw) > MAX_BYTES:
        raise ReadError(
            f"the report is {len(raw):,} bytes; at most {MAX_BYTES:,} are read "
            "(a news article is far smaller)"
        )
    head = raw[:8192]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ReadError("the file is not readable text") from error
    if b"\x00" in head:
        raise ReadError("the file is binary data, not text or HTML")
    text = None
    for encoding in filter(None, (charset, "utf-8-sig")):
        try:
            text = raw.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        text = raw.decode("cp1252", errors="replace")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if sample and (controls / len(sample) > 0.02 or sample.count("\ufffd") / len(sample) > 0.1):
        raise ReadError("the file is binary data, not text or HTML")
    return text


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document or fragment."""
    return bool(_HTML_HINT.search(text[:4096].encode("utf-8", "replace")))


def _plain(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _lxml_text(html: str) -> tuple[str, str | None]:
    """Fallback: the text of <article>, <main> or <body> without the page's chrome."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return "", None
    title = root.findtext(".//title")
    for bad in root.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        bad.drop_tree()
    for comment in root.xpath("//comment()"):
        comment.drop_tree()
    body = next(iter(root.xpath("//article") or root.xpath("//main") or root.xpath("//body")), root)
    parts: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _BLOCKS:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCKS:
            parts.append("\n")

    walk(body)
    return _plain("".join(parts)), (title or "").strip() or None


def _metadata(html: str, url: str | None) -> tuple[str | None, str | None]:
    try:
        import trafilatura

        meta = trafilatura.extract_metadata(
            html, default_url=url, date_config={"extensive_search": False, "original_date": True}
        )
    except Exception:  # noqa: BLE001 - a page trafilatura cannot read still has its text
        return None, None
    if meta is None:
        return None, None
    date = meta.date if meta.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date) else None
    return (meta.title or None), date


def extract(text: str, *, url: str | None = None) -> ReportText:
    """Reduce a report to its text (HTML: the article's body only).

    Parameters
    ----------
    text : str
        Plain text or HTML.
    url : str, optional
        Where the page came from (helps trafilatura with metadata).

    Returns
    -------
    ReportText
    """
    if not looks_like_html(text):
        return ReportText(_plain(text), kind="text")
    body = None
    try:
        import trafilatura

        body = trafilatura.extract(
            text,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_recall=True,
            output_format="txt",
        )
    except Exception:  # noqa: BLE001 - fall back to the plain pass below
        body = None
    fallback, page_title = _lxml_text(text)
    if not body or len(body) < 0.3 * len(fallback):
        body = fallback
    title, published = _metadata(text, url)
    return ReportText(_plain(body), title=title or page_title, published=published, kind="html")
