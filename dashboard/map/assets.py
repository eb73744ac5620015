"""Leaflet served by the app itself, so the map draws with no network.

folium points the browser at CDN copies of Leaflet (and jQuery, Bootstrap,
Font Awesome...). streamlit-folium loads those scripts one after another and
gives up on the first that fails, so offline the map stays blank. We copy
Leaflet's files from the ``django-js-lib-leaflet`` package (Leaflet 1.9.4, no
dependencies) into ``static/leaflet/`` next to ``app.py``, which Streamlit
serves at ``app/static/leaflet/`` (``server.enableStaticServing``), and point
the map at them. ``static/`` is generated, never committed.

The base map's geography (land, country outlines and names) is written there
too, as ``static/atlas/base.json``, and so is the frame's drawing code, as
``static/atlas/atlas.js``: the map frame fetches each once, instead of
receiving them in the base map's script on every run (streamlit-folium sends
all of its arguments with every run). The script's URL carries a hash of its
content, so a browser never keeps an old copy after an update.

Run ``python -m dashboard.map.assets [APP_DIR]`` to write them ahead of time (the
Makefile does); the dashboard also does it, idempotently, on start-up.
"""

from __future__ import annotations

import filecmp
import hashlib
import shutil
import sys
from importlib import resources
from pathlib import Path

from geodata.files import write_atomic

__all__ = [
    "LEAFLET_FILES",
    "LEAFLET_JS_URL",
    "LEAFLET_CSS_URL",
    "leaflet_source_dir",
    "ensure_leaflet_static",
    "BASE_DATA_URL",
    "ensure_base_data",
    "ATLAS_JS_URL",
    "ensure_frame_script",
]

LEAFLET_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)

# streamlit-folium adds <script src> and <link href> for these inside its
# component iframe, served at <base>/component/streamlit_folium.st_folium/
# index.html; Streamlit serves static files at <base>/app/static/. A path
# relative to the iframe's document therefore works under any
# server.baseUrlPath and any host name, unlike one built from a request.
_STATIC_FROM_COMPONENT = "../../app/static/leaflet/"
LEAFLET_JS_URL = _STATIC_FROM_COMPONENT + "leaflet.js"
LEAFLET_CSS_URL = _STATIC_FROM_COMPONENT + "leaflet.css"
#: The base map's geography (:func:`dashboard.map.payload.base_data`), fetched once by the frame.
BASE_DATA_URL = "../../app/static/atlas/base.json"


def _frame_script() -> bytes:
    # Here, not at the top: copying Leaflet needs none of the map's modules.
    from .frame_js import frame_script

    return frame_script().encode("utf-8")


#: The frame's drawing code (:func:`dashboard.map.frame_js.frame_script`),
#: loaded by the frame after Leaflet; ``?v=`` changes with its content.
ATLAS_JS_URL = (
    "../../app/static/atlas/atlas.js?v=" + hashlib.sha256(_frame_script()).hexdigest()[:12]
)


def leaflet_source_dir() -> Path:
    """Return the folder of Leaflet's files in the installed ``django-js-lib-leaflet``.

    Raises
    ------
    FileNotFoundError
        When the package is missing or lacks ``leaflet.js``.
    """
    try:
        root = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    except ModuleNotFoundError:
        raise FileNotFoundError(
            "expected the PyPI package django-js-lib-leaflet (module js_lib_leaflet) to be "
            "installed: it provides the Leaflet files the offline map needs"
        ) from None
    path = Path(str(root))
    if not (path / "leaflet.js").is_file():
        raise FileNotFoundError(f"expected Leaflet's files in {path}, found no leaflet.js there")
    return path


def ensure_leaflet_static(app_dir: str | Path) -> Path:
    """Copy Leaflet's JS, CSS and images to ``<app_dir>/static/leaflet/`` if needed.

    Files already identical are left alone, so calling this on every run costs
    a few ``stat`` calls.

    Parameters
    ----------
    app_dir : str or pathlib.Path
        The folder of the Streamlit main script (``app.py``).

    Returns
    -------
    pathlib.Path
        The ``static/leaflet`` folder.
    """
    source = leaflet_source_dir()
    target = Path(app_dir) / "static" / "leaflet"
    for name in LEAFLET_FILES:
        src, dst = source / name, target / name
        if dst.is_file() and filecmp.cmp(src, dst, shallow=True):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(dst.name + ".tmp")
        shutil.copy2(src, tmp)  # keeps mtime: the next check is a stat
        tmp.replace(dst)  # atomic: a browser never gets half a file
    return target


def ensure_base_data(app_dir: str | Path) -> Path:
    """Write :func:`dashboard.map.payload.base_data` to ``<app_dir>/static/atlas/base.json``.

    Rewritten only when its content changed (atomically, like the Leaflet
    files), so calling it on every start-up is cheap.

    Returns
    -------
    pathlib.Path
        The file.
    """
    # Here, not at the top: copying Leaflet needs neither geopandas nor the borders.
    from .payload import base_data

    return _write_if_changed(Path(app_dir) / "static" / "atlas" / "base.json", base_data())


def ensure_frame_script(app_dir: str | Path) -> Path:
    """Write the frame's drawing code to ``<app_dir>/static/atlas/atlas.js``.

    Like :func:`ensure_base_data`: rewritten only when its content changed.
    """
    return _write_if_changed(Path(app_dir) / "static" / "atlas" / "atlas.js", _frame_script())


def _write_if_changed(target: Path, content: str | bytes) -> Path:
    content = content.encode("utf-8") if isinstance(content, str) else content
    if target.is_file() and target.read_bytes() == content:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(target, content)


if __name__ == "__main__":
    # Default: the checkout's root, where app.py is (dashboard/map/assets.py -> ../../..).
    app = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
    print(ensure_leaflet_static(app))
    print(ensure_base_data(app))
    print(ensure_frame_script(app))
