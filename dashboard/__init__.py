"""Frontline Atlas dashboard: the Streamlit page over :mod:`geodata`.

Only this package (and ``app.py``) imports Streamlit. Modules by concern:
``app`` (layout), ``state`` (session and URL), ``timeline`` (slider, play),
``mapview`` (the live map), ``layers`` (folium objects from a scene),
``panels``, ``charts`` and ``describe`` (history, changes, charts, wording), ``search``,
``cache`` (Streamlit caches), ``assets`` (offline Leaflet), ``safe`` (escaping).
"""

__all__ = ["main"]


def main() -> None:
    """Run the dashboard (see :func:`dashboard.app.main`)."""
    from .app import main as run

    run()
