/* Frontline Atlas: the date layers of the live map, drawn in the map frame.
 *
 * Loaded once with the base map (dashboard/layers.py adds it to the map's
 * script). Each slider step, streamlit-folium evaluates a short script made
 * by dashboard.layers.date_script, which calls window.__fa.draw with the
 * map, a new group for the date's halos, the epoch's id, a function
 * returning the epoch's data (only called when the epoch is new: the frame
 * keeps the last epoch's layers on the map) and the options of the date.
 *
 * Every string from the data reaches the page as text (textContent), never
 * as HTML; the legend's HTML comes escaped from dashboard.layers.legend_html.
 */
window.__fa = (function () {
  'use strict';
  var kept = null;     // the last epoch's layers: {id, index, towns, ...}
  var tip = null;      // one tooltip, moved to the town under the pointer
  var legend = null;   // one legend control, its content replaced per date

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function tooltipContent(t, i) {
    var box = element('div');
    box.appendChild(element('b', null, t.name[i]));
    if (t.ar[i]) {
      box.appendChild(document.createTextNode(' '));
      var ar = element('span', null, t.ar[i]);
      ar.lang = 'ar';
      ar.dir = 'rtl';
      box.appendChild(ar);
    }
    box.appendChild(element('br'));
    box.appendChild(document.createTextNode(t.holder[i]));
    box.appendChild(element('div', 'fa-hint', 'Click for its history and sources'));
    return box;
  }

  function build(id, data) {
    var t = data.towns, colors = data.colors, n = t.id.length, i;
    var out = {id: id, data: data, index: {}};
    out.territories = L.geoJSON(data.territories, {
      pane: 'territories', interactive: false,
      style: function (f) { return f.properties.style; }
    });
    // A white casing under the red line keeps it apart from red territory.
    out.fronts = L.layerGroup([
      L.geoJSON(data.fronts, {pane: 'fronts', interactive: false, style: {
        color: '#ffffff', weight: 6.5, opacity: 0.9, lineCap: 'round'}}),
      L.geoJSON(data.fronts, {pane: 'fronts', interactive: false, style: {
        color: data.front_color, weight: 3.5, opacity: 1, lineCap: 'round'}})
    ]);
    var markers = new Array(n), labels = [];
    for (i = 0; i < n; i++) {
      var key = (t.flags[i] & 1) === 1, contested = (t.flags[i] & 2) === 2;
      markers[i] = L.circleMarker([t.lat[i], t.lon[i]], {
        pane: 'towns', radius: key ? 7 : 5, fillColor: colors[t.fill[i]], fillOpacity: 1,
        color: colors[t.ring[i]], weight: contested ? 3.5 : 1.5, opacity: 1,
        placeId: t.id[i], townIndex: i
      });
      out.index[t.id[i]] = i;
      if (key) {
        var label = element('span', null, t.name[i]);
        labels.push(L.marker([t.lat[i], t.lon[i]], {
          pane: 'labels', interactive: false, keyboard: false,
          icon: L.divIcon({className: 'fa-label', html: label, iconSize: null,
                           iconAnchor: [-9, 9]})
        }));
      }
    }
    out.towns = L.featureGroup(markers);
    out.towns.on('mouseover', function (e) {
      var m = e.layer, map = m._map;
      if (!map) { return; }
      if (!tip) {
        tip = L.tooltip({direction: 'top', offset: [0, -8], className: 'fa-tip'});
      }
      tip.setLatLng(m.getLatLng()).setContent(tooltipContent(t, m.options.townIndex));
      tip.openOn(map);
    });
    out.towns.on('mouseout', function (e) {
      if (tip && e.layer._map) { e.layer._map.closeTooltip(tip); }
    });
    out.labels = L.layerGroup(labels);
    return out;
  }

  function halos(ids, style) {
    var group = L.layerGroup(), t = kept.data.towns;
    ids.forEach(function (id) {
      var i = kept.index[id];
      if (i === undefined) { return; }
      group.addLayer(L.circleMarker([t.lat[i], t.lon[i]],
        Object.assign({pane: 'recent', interactive: false}, style)));
    });
    return group;
  }

  function showLegend(map, html) {
    if (!legend) {
      legend = L.control({position: 'bottomright'});
      legend.onAdd = function () {
        var div = L.DomUtil.create('div', 'fa-legend');
        L.DomEvent.on(div, 'click', function (e) {
          if (e.target.closest && e.target.closest('.fa-toggle')) {
            collapse(div, !window.__faLegendCollapsed);
          }
        });
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
    }
    if (legend._map !== map) { legend.addTo(map); }
    var div = legend.getContainer();
    if (div.__faHtml !== html) {
      div.innerHTML = html;  // escaped by dashboard.layers.legend_html
      div.__faHtml = html;
    }
    collapse(div, !!window.__faLegendCollapsed);
  }

  function collapse(div, collapsed) {
    // Remembered in the frame, so a new date keeps the user's choice.
    window.__faLegendCollapsed = collapsed;
    var button = div.querySelector('.fa-toggle');
    div.classList.toggle('fa-collapsed', collapsed);
    if (!button) { return; }
    button.setAttribute('aria-expanded', String(!collapsed));
    button.title = collapsed ? 'Show legend' : 'Hide legend';
    button.setAttribute('aria-label', button.title);
    button.textContent = collapsed ? '+' : '\u2212';
  }

  // The epoch's layers sit on the map itself, not in the date's group that
  // streamlit-folium removes before each step: a step within an epoch then
  // leaves them (and their canvases) alone.
  function place(map, layer, on) {
    if (on && !map.hasLayer(layer)) { map.addLayer(layer); }
    if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
  }

  var PARTS = ['territories', 'fronts', 'towns', 'labels'];

  function draw(map, group, id, data, o) {
    var shown = {};
    o.shown.forEach(function (k) { shown[k] = true; });
    if (!kept || kept.id !== id) {
      if (tip) { map.closeTooltip(tip); }
      if (kept) { PARTS.forEach(function (k) { place(map, kept[k], false); }); }
      kept = build(id, data());
    }
    PARTS.forEach(function (k) { place(map, kept[k], !!shown[k]); });
    if (shown.recent && o.recent.length) { group.addLayer(halos(o.recent, o.recent_style)); }
    if (o.selected !== null) { group.addLayer(halos([o.selected], o.selected_style)); }
    showLegend(map, o.legend);
    window.__frontlineDate = o.date;  // for tests and benchmarks: the date drawn
  }

  return {draw: draw};
})();
