"""The state at a date as a standalone interactive map (folium/Leaflet).

This module imports folium; :mod:`geodata.export` loads it only when an HTML
map is asked for.

Escaping
--------
folium's elements are Jinja templates, and branca re-reads each element's
*rendered* output as a template once more. No text from data may reach that
second pass as template syntax: tooltips and popups go into the page as JSON
strings whose ``{``, ``}``, ``%`` and ``#`` are written as ``\\uXXXX`` escapes
(:func:`_js_string`), and the legend is inserted as a raw element that is
never parsed (:class:`_Raw`). Everything else from data is HTML-escaped
(:func:`_safe`).
"""

from __future__ import annotations

import html
import json

import folium
import shapely
from branca.element import Element
from folium.elements import MacroElement
from folium.template import Template

from geodata.dataset import Dataset
from geodata.extent import resolve_extent
from geodata.factions import faction_color
from geodata.scene import Scene
from geodata.style import (
    ATTRIBUTION,
    FRONT_COLOR,
    HTML_COLORS,
    HTML_DASH,
    HTML_OPACITY,
    HTML_WIDTHS,
    fill_opacity,
)
from geodata.values import rounded_mapping, text_or_empty

from .leaflet import leaflet_tags
from .tables import _faction_name, _place_description, places_table

__all__ = ["folium_layers", "to_html"]

_C, _W = HTML_COLORS, HTML_WIDTHS


def _safe(value) -> str:
    """Escape text from data for HTML."""
    return html.escape(text_or_empty(value), quote=True)


_JINJA_AND_HTML = str.maketrans(
    {c: f"\\u{ord(c):04x}" for c in "<>&'{}%#"} | {"\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _js_string(text: str) -> str:
    """Return ``text`` as a JavaScript string literal that is inert everywhere.

    JSON, with ``<``, ``>``, ``&`` and ``'`` (safe inside an HTML ``<script>``)
    and ``{``, ``}``, ``%``, ``#`` (no Jinja delimiter can form when branca reads
    the rendered script as a template again) written as ``\\uXXXX`` escapes,
    which JavaScript decodes back to the same text.

    Examples
    --------
    >>> _js_string("{{7*7}} <b>")
    '"\\\\u007b\\\\u007b7*7\\\\u007d\\\\u007d \\\\u003cb\\\\u003e"'
    """
    return json.dumps(text, ensure_ascii=False).translate(_JINJA_AND_HTML)


class _Bind(MacroElement):
    """Binds an HTML tooltip and popup to its parent layer with Leaflet alone.

    folium's own ``Tooltip``/``Popup`` paste their text into a JavaScript
    template literal (and popups need jQuery); here the HTML (already escaped
    by the caller) goes in as a :func:`_js_string`, safe inside a script and
    free of template syntax.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
            {%- if this.tooltip %}{{ this._parent.get_name() }}.bindTooltip(
                {{ this.tooltip }}, {"sticky": true});{% endif %}
            {%- if this.popup %}{{ this._parent.get_name() }}.bindPopup(
                {{ this.popup }}, {"maxWidth": 320});{% endif %}
            {% endmacro %}"""
    )

    def __init__(self, tooltip: str | None = None, popup: str | None = None):
        super().__init__()
        self.tooltip = _js_string(tooltip) if tooltip else None
        self.popup = _js_string(popup) if popup else None


def _bind(layer, *, tooltip: str | None = None, popup: str | None = None) -> None:
    """Bind an HTML tooltip and popup (already escaped) to a folium layer."""
    layer.add_child(_Bind(tooltip, popup))


class _Raw(Element):
    """A branca element whose text is output as is: never parsed as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        """Return the text unchanged."""
        return self._text


def _style(color, weight, fill=None, opacity=0.0, dash=None):
    """A folium ``style_function`` returning one fixed Leaflet path style."""
    return lambda _feature: {
        "color": color,
        "weight": weight,
        "fillColor": fill or color,
        "fillOpacity": opacity,
        "opacity": 1.0,
        "dashArray": dash,
    }


def _border_layer(scene: Scene):
    """Country borders, Syria and Iraq outlined darker."""
    borders = folium.FeatureGroup(name="Country borders", show=True)
    for row in scene.borders.itertuples():
        theatre = row.role == "theatre"
        layer = folium.GeoJson(
            shapely.geometry.mapping(row.geometry),
            style_function=_style(
                _C["theatre_edge"] if theatre else _C["context_edge"],
                _W["theatre_edge"] if theatre else _W["context_edge"],
                fill=_C["land"],
                opacity=HTML_OPACITY["theatre_land" if theatre else "context_land"],
            ),
        )
        layer.add_to(borders)
    return borders


def _territory_layer(scene: Scene):
    """Territories in faction colours, contested zones outlined in the attacker's."""
    territories = folium.FeatureGroup(name="Territory (estimated)", show=True)
    for r in scene.territories.itertuples():
        tier = getattr(r, "tier", "core")
        text = f"{_faction_name(r.faction)} ({tier}): {r.area_km2:,.0f} km²"
        contested = r.status == "contested"
        if contested:
            text += f", contested by {_faction_name(text_or_empty(r.contested_by))}"
        layer = folium.GeoJson(
            rounded_mapping(r.geometry),
            style_function=_style(
                faction_color(text_or_empty(r.contested_by)) if contested else r.color,
                _W["contested_edge"] if contested else 0,
                fill=r.color,
                opacity=fill_opacity("html", tier, contested=contested),
                dash=HTML_DASH["contested"] if contested else None,
            ),
        )
        _bind(layer, tooltip=_safe(text))
        layer.add_to(territories)
    return territories


def _front_layer(scene: Scene):
    """Front lines on a white casing, dashed across nominal land."""
    fronts = folium.FeatureGroup(name="Front lines (estimated)", show=True)
    front_color = next((e.color for e in scene.legend if e.kind == "frontline"), FRONT_COLOR)
    for r in scene.front_lines.itertuples():
        text = f"Front line {_faction_name(r.faction_a)} / {_faction_name(r.faction_b)}"
        nominal = getattr(r, "tier", "core") == "nominal"
        casing = _W["front_casing_nominal" if nominal else "front_casing"]
        folium.GeoJson(
            rounded_mapping(r.geometry), style_function=_style(_C["casing"], casing)
        ).add_to(fronts)
        layer = folium.GeoJson(
            rounded_mapping(r.geometry),
            style_function=_style(
                front_color,
                _W["front_nominal" if nominal else "front"],
                dash=HTML_DASH["front_nominal"] if nominal else None,
            ),
        )
        _bind(layer, tooltip=_safe(text))
        layer.add_to(fronts)
    return fronts


def _town_layer(scene: Scene, dataset: Dataset | None):
    """Towns coloured by controller, ringed in the attacker's colour when contested."""
    towns = folium.FeatureGroup(name="Towns", show=True)
    for row in places_table(scene, dataset).to_dict("records"):
        contested = row["status"] == "contested"
        # folium/Leaflet take (lat, lon), not (lon, lat).
        marker = folium.CircleMarker(
            location=(row["lat"], row["lon"]),
            radius=7 if row["key_place"] else 5,
            color=faction_color(row["contested_by"]) if contested else _C["town_edge"],
            weight=_W["contested_ring"] if contested else _W["town_edge"],
            fill=True,
            fill_color=row["color"],
            fill_opacity=HTML_OPACITY["town"],
        )
        _bind(marker, tooltip=_safe(row["name"]), popup=_place_description(row))
        marker.add_to(towns)
    return towns


def folium_layers(scene: Scene, *, dataset: Dataset | None = None) -> list:
    """Build the scene's layers as folium feature groups (borders, territories,
    front lines, towns), the same layers and colours as the report map.

    Every text from data is escaped; only Leaflet is needed in the browser.

    Returns
    -------
    list of folium.FeatureGroup
    """
    return [
        _border_layer(scene),
        _territory_layer(scene),
        _front_layer(scene),
        _town_layer(scene, dataset),
    ]


def _html_legend(scene: Scene) -> str:
    """The map's legend box (HTML, every text from data escaped)."""
    items = []
    for entry in scene.legend:
        if entry.kind != "faction":
            continue
        items.append(
            f'<div><span style="display:inline-block;width:12px;height:12px;'
            f"background:{_safe(entry.color)};opacity:{HTML_OPACITY['legend_swatch']};"
            f"border:1px solid {_safe(entry.color)};"
            f'margin-right:6px;vertical-align:-2px"></span>{_safe(entry.label)}</div>'
        )
    front = next((e.color for e in scene.legend if e.kind == "frontline"), FRONT_COLOR)
    items.append(
        f'<div><span style="display:inline-block;width:14px;height:0;border-top:3px solid '
        f'{_safe(front)};margin-right:6px;vertical-align:3px"></span>Estimated front line</div>'
    )
    items.append(
        '<div><span style="display:inline-block;width:9px;height:9px;border-radius:50%;'
        f'border:3px solid {_C["legend_ring"]};margin-right:6px"></span>'
        "Contested town (ring: attacker)</div>"
    )
    return (
        '<div style="position:fixed;bottom:44px;left:10px;z-index:1000;'
        f"background:{_C['legend_box']};"
        f"padding:8px 12px;border-radius:4px;box-shadow:0 1px 4px {_C['legend_shadow']};"
        'font:12px/1.45 sans-serif;max-width:320px">'
        f'<div style="font-weight:bold;font-size:15px;margin-bottom:4px">{_safe(scene.title)}</div>'
        + "".join(items)
        + f'<div style="color:{_C["legend_muted"]};font-size:10px;margin-top:6px">'
        f"{_safe(ATTRIBUTION)}</div></div>"
    )


def to_html(
    scene: Scene,
    *,
    dataset: Dataset | None = None,
    extent=None,
    self_contained: bool = False,
    tiles: bool = False,
) -> bytes:
    """Return a standalone interactive map (folium/Leaflet) of the scene.

    Our own borders are drawn as a layer, so the map reads with no background
    tiles. By default the page loads Leaflet (one script, one stylesheet) from
    the jsDelivr CDN, pinned to version 1.9.4 with Subresource Integrity
    hashes, and nothing else.

    Parameters
    ----------
    scene : Scene
    dataset : Dataset, optional
        For each place's source (see :func:`places_table`).
    extent : str or tuple, optional
        The initial view; default: the scene's extent.
    self_contained : bool, default False
        Inline Leaflet (JS, CSS and its images) from the installed
        django-js-lib-leaflet: the file then loads nothing from the network
        (unless ``tiles``) and works offline.
    tiles : bool, default False
        Add OpenStreetMap background tiles (fetched from tile.openstreetmap.org
        by the browser of whoever opens the file).

    Returns
    -------
    bytes
        UTF-8 HTML.

    Raises
    ------
    FileNotFoundError
        With ``self_contained``, when django-js-lib-leaflet is not installed.
    """
    leaflet = leaflet_tags(self_contained)  # first: a missing package fails before any work
    west, south, east, north = scene.extent if extent is None else resolve_extent(extent)
    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),  # (lat, lon)
        zoom_start=6,
        tiles="OpenStreetMap" if tiles else None,
        control_scale=True,
        zoom_snap=0.25,
    )
    for layer in folium_layers(scene, dataset=dataset):
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])  # [[lat, lon], [lat, lon]]
    # Leaflet is all the page needs (added below, with SRI or inlined): drop folium's
    # CDN links (Leaflet 1.9.3 without integrity, jQuery, Bootstrap, icon fonts).
    fmap.default_js, fmap.default_css = [], []
    fmap.get_root().html.add_child(_Raw(_html_legend(scene)))
    fmap.get_root().title = scene.title
    page = fmap.get_root().render()
    head = page.index("<head>") + len("<head>")
    return (page[:head] + "\n" + leaflet + page[head:]).encode("utf-8")
