"""The state at a date as files: images, HTML, GeoJSON, GeoPackage, KML, CSV.

Every writer takes a :class:`~geodata.scene.Scene` (the same layers the maps
draw) and returns the file's bytes, so the app can offer them as downloads and
the command line can write them with :func:`geodata.files.write_atomic`.
:data:`EXPORT_FORMATS` lists the formats, each with the function that writes
it, and :func:`export_state` looks the format up there.

One module per format: :mod:`~geodata.export.geojson`,
:mod:`~geodata.export.gpkg`, :mod:`~geodata.export.kml`,
:mod:`~geodata.export.csv` and :mod:`~geodata.export.html` (the interactive
map, with folium: imported only when an HTML map is written), over the rows
of :mod:`~geodata.export.tables`. The map images are drawn by
:mod:`geodata.render`.

Escaping
--------
Every text value that comes from data (place names, sources, notes) is
escaped for where it lands: XML text in KML (by :mod:`xml.etree`, and HTML
escaping inside the HTML descriptions Google Earth renders), HTML and
JSON strings in the interactive map's script (see :mod:`geodata.export.html`),
and formula-prefixes in CSV (see :func:`to_csv`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from geodata.dataset import Dataset
from geodata.extent import check_extent
from geodata.scene import build_scene

from .csv import neutralise_csv_cell, to_csv
from .geojson import to_geojson
from .gpkg import to_gpkg
from .kml import to_kml
from .leaflet import LEAFLET_CDN, leaflet_dir
from .tables import EXPORT_PLACE_COLUMNS, places_table

__all__ = [
    "ExportFormat",
    "EXPORT_FORMATS",
    "EXPORT_PLACE_COLUMNS",
    "places_table",
    "to_geojson",
    "to_gpkg",
    "to_kml",
    "to_csv",
    "to_html",
    "folium_layers",
    "LEAFLET_CDN",
    "leaflet_dir",
    "export_state",
    "neutralise_csv_cell",
]


# --------------------------------------------------------------------------- writers
# Every writer takes (dataset, date, *, extent, dpi, width_in, self_contained,
# tiles) and ignores the options that are not its format's.


def _image_writer(fmt: str) -> Callable[..., bytes]:
    """A writer of map images in ``fmt`` (png, svg or pdf), drawn by geodata.render."""

    def write(dataset: Dataset, date, *, extent="theatre", dpi=150, width_in=None, **_) -> bytes:
        # matplotlib loads when an image is asked for, not with the registry (the
        # CLI's parser reads EXPORT_FORMATS for its --format choices on every run).
        from geodata.render import DEFAULT_WIDTH_IN, check_dpi, render_map

        dpi = check_dpi(dpi)
        box = check_extent(extent)
        scene = build_scene(dataset, date, extent=box)
        return render_map(scene, fmt=fmt, dpi=dpi, width_in=width_in or DEFAULT_WIDTH_IN)

    return write


def _data_writer(to_bytes: Callable[..., bytes]) -> Callable[..., bytes]:
    """A writer of a data format: every place, territory and front line, whatever the view."""

    def write(dataset: Dataset, date, *, extent="theatre", **_) -> bytes:
        return to_bytes(build_scene(dataset, date, extent=extent), dataset=dataset)

    return write


def _write_html(
    dataset: Dataset, date, *, extent="theatre", self_contained=False, tiles=False, **_
) -> bytes:
    """Write the interactive map (folium is imported here, on first use)."""
    from .html import to_html as html_map

    scene = build_scene(dataset, date, extent=extent)
    return html_map(scene, dataset=dataset, self_contained=self_contained, tiles=tiles)


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ExportFormat:
    """One format the state can be exported in.

    What the app needs to offer it as a download, and the function that writes it.

    Attributes
    ----------
    code : str
        E.g. ``"png"``; the CLI's ``--format`` choices.
    extension : str
        E.g. ``".png"``.
    mime : str
    label : str
        What the app's format menu shows.
    write : callable
        ``write(dataset, date, *, extent, dpi, width_in, self_contained, tiles)``
        returns the file's bytes (see :func:`export_state`).
    """

    code: str
    extension: str
    mime: str
    label: str
    write: Callable[..., bytes]


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.code: f
    for f in (
        ExportFormat("png", ".png", "image/png", "Map image (PNG)", _image_writer("png")),
        ExportFormat(
            "svg", ".svg", "image/svg+xml", "Map image (SVG, vector)", _image_writer("svg")
        ),
        ExportFormat("pdf", ".pdf", "application/pdf", "Map (PDF, vector)", _image_writer("pdf")),
        ExportFormat("html", ".html", "text/html", "Interactive map (HTML)", _write_html),
        ExportFormat(
            "geojson", ".geojson", "application/geo+json", "GeoJSON", _data_writer(to_geojson)
        ),
        ExportFormat(
            "gpkg",
            ".gpkg",
            "application/geopackage+sqlite3",
            "GeoPackage (QGIS)",
            _data_writer(to_gpkg),
        ),
        ExportFormat(
            "kml",
            ".kml",
            "application/vnd.google-earth.kml+xml",
            "KML (Google Earth)",
            _data_writer(to_kml),
        ),
        ExportFormat("csv", ".csv", "text/csv", "Places as CSV", _data_writer(to_csv)),
    )
}


def export_state(
    dataset: Dataset,
    date,
    fmt: str,
    *,
    extent="theatre",
    dpi: int = 150,
    width_in: float | None = None,
    self_contained: bool = False,
    tiles: bool = False,
) -> bytes:
    """Export the state at a date in any of :data:`EXPORT_FORMATS`.

    Parameters
    ----------
    dataset : Dataset
    date : str or datetime-like
    fmt : str
        ``png``, ``svg``, ``pdf``, ``html``, ``geojson``, ``gpkg``, ``kml`` or ``csv``.
    extent : str or tuple, default "theatre"
        The view of the map formats (png, svg, pdf, html). The data formats
        always hold every place, territory and front line.
    dpi : int, default 150
        For png (72..300).
    width_in : float, optional
        Width of the map image in inches (default 8).
    self_contained, tiles : bool, default False
        For html: see :func:`to_html`.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format, a bad extent or dpi.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> export_state(load_builtin(), "2016-03-27", "geojson")[:30]
    b'{"type": "FeatureCollection", '
    """
    fmt = str(fmt).lower()
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"expected a format {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    return EXPORT_FORMATS[fmt].write(
        dataset,
        date,
        extent=extent,
        dpi=dpi,
        width_in=width_in,
        self_contained=self_contained,
        tiles=tiles,
    )


# The interactive map's builders import folium: loaded on first use, so that
# importing geodata.export (the CLI, the data formats) does not load folium.
_LAZY = {"to_html": "html", "folium_layers": "html"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
