"""The folium elements of the base map: the frame's drawing code, its CSS, its geography.

Each is a :class:`folium.elements.MacroElement` with its own small template,
rendered once per session with the base map (:func:`dashboard.map.base.base_map`):

- :class:`Css` — the frame's styles (labels, legend, tooltips);
- :class:`BaseData` — fetches the base map's geography
  (:func:`dashboard.map.base.base_data`) and draws it.

Every colour comes from :mod:`geodata.style` (``LIVE_PAGE``). The frame's
drawing code is not an element: :mod:`dashboard.map.frame_js`.
"""

from __future__ import annotations

from folium.elements import MacroElement
from folium.template import Template

from geodata.style import LIVE_PAGE

__all__ = ["Css", "BaseData"]

# Colours are the element's ``c`` (geodata.style.LIVE_PAGE).
_CSS = """
{% macro header(this, kwargs) %}
<style>
.leaflet-container { background: {{ this.c.sea }};
  font: 12px/1.35 "Helvetica Neue", Arial, sans-serif; }
.fa-label { white-space: nowrap; }
.fa-label span { font-weight: 700; font-size: 12.5px; color: {{ this.c.text }};
  text-shadow: 0 0 2px {{ this.c.halo }}, 0 0 2px {{ this.c.halo }},
    0 0 3px {{ this.c.halo }}, 0 0 4px {{ this.c.halo }}; }
.fa-country { white-space: nowrap; text-align: center; color: {{ this.c.country }}; font-size: 12px;
  letter-spacing: .18em; text-transform: uppercase; font-weight: 600;
  text-shadow: 0 0 2px {{ this.c.halo }}, 0 0 3px {{ this.c.halo }}; }
.fa-country.fa-theatre { color: {{ this.c.theatre }}; font-size: 15px; letter-spacing: .3em; }
.fa-legend { background: {{ this.c.box }}; padding: 6px 8px; border-radius: 5px;
  box-shadow: 0 1px 4px {{ this.c.box_shadow }}; color: {{ this.c.text }};
  font-size: 11px; line-height: 1.3;
  max-width: 340px; }
.fa-legend .fa-head { display: flex; align-items: center; justify-content: space-between;
  gap: 8px; }
.fa-legend .fa-title { font-weight: 700; font-size: 12.5px; }
.fa-legend .fa-toggle { border: 1px solid {{ this.c.button_border }};
  background: {{ this.c.button }}; border-radius: 3px;
  width: 20px; height: 20px; line-height: 16px; padding: 0; cursor: pointer; font-size: 14px; }
.fa-legend .fa-toggle:focus-visible { outline: 2px solid {{ this.c.focus }}; }
.fa-legend.fa-collapsed .fa-body { display: none; }
.fa-legend .fa-body { margin-top: 4px; }
.fa-legend .fa-grid { display: grid; grid-template-columns: auto auto; column-gap: 10px; }
.fa-legend .fa-row { display: flex; align-items: center; gap: 5px; margin: 1px 0; }
.fa-legend .fa-sw { flex: 0 0 17px; width: 17px; height: 11px; display: inline-block;
  box-sizing: border-box; }
.fa-legend .fa-sep { border-top: 1px solid {{ this.c.rule }}; margin: 4px 0; }
.fa-legend .fa-note { color: {{ this.c.note }}; font-size: 10.5px; margin-top: 4px; }
.fa-tip { font-size: 12px; }
.fa-tip .fa-hint { color: {{ this.c.hint }}; font-size: 11px; margin-top: 2px; }
</style>
{% endmacro %}
"""


class Css(MacroElement):
    """The frame's styles: country names, town labels, the legend, tooltips."""

    _template = Template(_CSS)

    def __init__(self):
        super().__init__()
        self._name = "FrontlineCss"
        self.c = LIVE_PAGE


class BaseData(MacroElement):
    """Fetches :func:`dashboard.map.base.base_data` and draws it: land in ``land``,
    outlines, names."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map, land) {
    function style(f) { return f.properties.style; }
    // Land, outlines and country names on a map; compare mode draws its second
    // map's base with the same function.
    window.__faDrawBase = function (map, land, base) {
        L.geoJSON(base.land, {pane: 'land', interactive: false, style: style}).addTo(land);
        L.geoJSON(base.lines, {pane: 'borders', interactive: false, style: style}).addTo(map);
        base.labels.forEach(function (t) {
            var div = document.createElement('div');
            div.className = t.theatre ? 'fa-country fa-theatre' : 'fa-country';
            div.textContent = t.name;
            L.marker([t.lat, t.lon], {
                pane: 'countrylabels', interactive: false, keyboard: false,
                icon: L.divIcon({className: '', html: div, iconSize: [160, 20],
                                 iconAnchor: [80, 10]})
            }).addTo(map);
        });
    };
    // Kept as a promise: compare mode draws the same base on its second map.
    window.__faBaseData = fetch({{ this.url|tojson }}).then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status + ' for ' + r.url); }
        return r.json();
    });
    window.__faBaseData.then(function (base) {
        window.__faDrawBase(map, land, base);
        window.__faBaseDrawn = true;
    }).catch(function (e) {
        console.error('Frontline Atlas: the country borders did not load: ' + e);
    });
})({{ this._parent.get_name() }}, {{ this.land }});
{% endmacro %}"""
    )

    def __init__(self, url: str, land: str):
        super().__init__()
        self._name = "FrontlineBase"
        self.url, self.land = url, land
