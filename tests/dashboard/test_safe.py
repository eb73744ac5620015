"""The dashboard's escaping: every data string reaching HTML, links only for http(s)."""

from __future__ import annotations

import pytest

from dashboard.safe import esc, link, safe_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("<b>&'\"", "&lt;b&gt;&amp;&#x27;&quot;"),
        (None, ""),
        (float("nan"), ""),
        (12, "12"),
    ],
)
def test_esc(value, expected):
    assert esc(value) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/x?a=1", True),
        ("http://example.org", True),
        ("  HTTPS://example.org/  ", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.org/x", False),
        ("/relative/path", False),
        ("ftp://example.org", False),
        ("https://", False),
        ("http://[broken", False),
        ("", False),
        (None, False),
        (float("nan"), False),
    ],
)
def test_only_http_urls_become_links(url, ok):
    assert (safe_url(url) is not None) is ok
    html = link(url, "text")
    assert html.startswith("<a href=") is ok
    if not ok:
        assert html == "text"


def test_link_escapes_url_and_text():
    html = link('https://example.org/?q="><script>', "<i>t</i>")
    assert "<script>" not in html and "<i>" not in html
    assert 'href="https://example.org/?q=&quot;&gt;&lt;script&gt;"' in html
    assert 'rel="noopener noreferrer"' in html
