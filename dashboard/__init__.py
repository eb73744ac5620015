"""Frontline Atlas dashboard: the Streamlit page over :mod:`geodata`.

Only this package (and ``app.py``) imports Streamlit. Modules by concern:
``app`` (layout and wiring), ``state`` (session and URL), ``timeline``
(slider, play), ``map`` (the live map: its data for the browser, the folium
base map, the date's script, the legend, the mounting, offline Leaflet),
``panels`` (a place's history, key places, what changed), ``charts``,
``compare_view`` (compare mode), ``search``, ``export_panel``,
``upload_panel``, ``report_panel``, ``cache`` (Streamlit caches around
:mod:`geodata`) and ``safe`` (escaping). Wording and the history tables come
from :mod:`geodata.describe` and :mod:`geodata.history`.
"""

__all__ = ["main"]


def main() -> None:
    """Run the dashboard (see :func:`dashboard.app.main`)."""
    from .app import main as run

    run()
