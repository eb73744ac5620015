"""Leaflet for the HTML export, from the CDN or inlined.

From the CDN, pinned with integrity hashes, or inlined from the installed
``django-js-lib-leaflet`` (no folium needed here).
"""

from __future__ import annotations

import base64
import re
from importlib import resources
from pathlib import Path

__all__ = ["LEAFLET_VERSION", "LEAFLET_CDN", "leaflet_dir", "leaflet_tags"]

#: Leaflet as the HTML export loads it from the CDN, with Subresource Integrity
#: hashes: the sha384 of ``leaflet.js`` and ``leaflet.css`` of Leaflet 1.9.4 as
#: shipped by django-js-lib-leaflet (byte for byte the release's ``dist`` files;
#: ``tests/test_security.py`` checks the hashes against the installed files).
LEAFLET_VERSION = "1.9.4"
LEAFLET_CDN = {
    "leaflet.js": (
        f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js",
        "sha384-cxOPjt7s7Iz04uaHJceBmS+qpjv2JkIHNVcuOrM+YHwZOmJGBXI00mdUXEq65HTH",
    ),
    "leaflet.css": (
        f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css",
        "sha384-sHL9NAb7lN7rfvG5lfHpm643Xkcjzp4jFvuavGOndn6pjVqS6ny56CAt3nsEVT4H",
    ),
}


def leaflet_dir() -> Path:
    """Return the folder of Leaflet's files in the installed ``django-js-lib-leaflet``.

    Raises
    ------
    FileNotFoundError
        When the package is missing or lacks ``leaflet.js``.
    """
    try:
        root = Path(str(resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"))
    except ModuleNotFoundError:
        raise FileNotFoundError(
            "the package django-js-lib-leaflet is not installed: it provides Leaflet's files"
        ) from None
    if not (root / "leaflet.js").is_file():
        raise FileNotFoundError(f"expected Leaflet's files in {root}, found no leaflet.js there")
    return root


def leaflet_tags(self_contained: bool) -> str:
    """``<link>``/``<script>`` tags for Leaflet: the CDN with SRI, or the files inlined."""
    if not self_contained:
        (js, js_hash), (css, css_hash) = LEAFLET_CDN["leaflet.js"], LEAFLET_CDN["leaflet.css"]
        return (
            f'<link rel="stylesheet" href="{css}" integrity="{css_hash}" crossorigin="anonymous">\n'
            f'<script src="{js}" integrity="{js_hash}" crossorigin="anonymous"></script>\n'
        )
    folder = leaflet_dir()
    css = (folder / "leaflet.css").read_text("utf-8")

    def data_url(match: re.Match) -> str:
        image = folder / match.group(1)
        if not image.is_file():
            return match.group(0)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_url, css)
    js = (folder / "leaflet.js").read_text("utf-8")
    # Leaflet's own files, not data; still, nothing may close the elements early.
    css, js = css.replace("</", "<\\/"), js.replace("</script", "<\\/script")
    return f"<style>\n{css}\n</style>\n<script>\n{js}\n</script>\n"
