"""The live map: a folium base map mounted once, and a script per date.

Modules, upstream first:

- :mod:`~dashboard.map.payload` — the wire format: an epoch's data
  (:func:`~dashboard.map.payload.scene_payload`,
  :func:`~dashboard.map.payload.epoch_data`) and the base map's geography,
  as JSON for the browser (no Streamlit, no folium);
- :mod:`~dashboard.map.follow` — :func:`~dashboard.map.follow.follow_table`,
  what the frame needs to draw a slider step itself before the run's script;
- :mod:`~dashboard.map.frame_js` — the frame's drawing code (``atlas.js``,
  ``compare.js`` and their symbology), served as one static file;
- :mod:`~dashboard.map.elements` — the base map's folium elements: CSS,
  geography loader;
- :mod:`~dashboard.map.base` — :func:`~dashboard.map.base.base_map`, panes,
  base layers;
- :mod:`~dashboard.map.legend` — the legend's HTML;
- :mod:`~dashboard.map.script` — :func:`~dashboard.map.script.date_script`,
  what one date shows;
- :mod:`~dashboard.map.assets` — Leaflet, the geography and the drawing code
  as static files (``python -m dashboard.map.assets``);
- :mod:`~dashboard.map.mount` — :func:`~dashboard.map.mount.show_map`, the
  map on the page (the only one here that imports Streamlit).

Colours, widths and dashes all come from :mod:`geodata.style`. This
``__init__`` imports nothing, so that the caches (which need only the
payload) and ``python -m dashboard.map.assets`` load neither Streamlit nor
folium.
"""

__all__: list[str] = []
