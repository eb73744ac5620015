/* Frontline Atlas: the date layers of the live map, drawn in the map frame.
 *
 * Loaded once, after Leaflet, as a static file (dashboard.map.frame_js and
 * dashboard.map.assets). Each slider step, streamlit-folium evaluates a short
 * script made by dashboard.map.script.date_script, which calls
 * window.__fa.draw with the map, a new group for the date's halos, the
 * epoch's id, a function returning the epoch's data, the options of the date
 * (o.towns names the dataset's town table) and a function returning that
 * table. Each function is called only when the frame does not hold its data
 * yet, and is null when the app knows the frame holds it. The frame keeps
 * the last epoch's layers on the map, and the data of the last o.keep
 * epochs and the town table. With o.follow, the script also carries the
 * follow table (once per dataset) and the epochs next to the date's, and the
 * frame draws the slider's next date itself as soon as the slider or a change
 * button moves it (see "follow" below).
 *
 * Every string from the data reaches the page as text (textContent), never
 * as HTML; the legend's HTML comes escaped from dashboard.map.legend.legend_html.
 *
 * Colours, widths and dashes come from window.__faStyle (geodata.style's
 * LIVE_FRAME and LIVE_PAGE), set just before this file.
 *
 * makeAtlas() makes one drawer per map: window.__fa draws the main map;
 * compare mode (dashboard/map/compare.js) makes a second one, "secondary",
 * for the map of the earlier date (no legend, no test globals).
 */
window.__faMake = function makeAtlas(settings) {
  'use strict';
  var secondary = !!(settings && settings.secondary);
  var kept = null;     // the last epoch's layers: {id, index, towns, ...}
  var tip = null;      // one tooltip, moved to the town under the pointer
  var legend = null;   // one legend control, its content replaced per date
  var S = window.__faStyle.frame;

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
    box.appendChild(document.createTextNode(t.holders[t.holder[i]]));
    box.appendChild(element('div', 'fa-hint', 'Click for its history and sources'));
    return box;
  }

  // All the towns of an epoch on one canvas: one Leaflet layer whatever
  // their number (10,000 circle markers took most of a new epoch's time).
  // A renderer subclass, so Leaflet positions the canvas, pads it beyond the
  // view and animates zooms as it does for its own canvas. Hover and click
  // are hit-tested here; a click on a town fires this layer's "click" with
  // the town's position, which streamlit-folium reports to the app.
  var Towns = L.Renderer.extend({
    options: {pane: 'towns', padding: 0.3},

    initialize: function (towns, colors) {
      L.Renderer.prototype.initialize.call(this, {});
      this._t = towns;
      this._colors = colors;
      this._hover = -1;
    },

    onAdd: function (map) {
      L.Renderer.prototype.onAdd.call(this, map);
      map.on('mousemove', this._onMove, this);
      map.on('mouseout', this._onOut, this);
      map.on('click', this._onClick, this);
    },

    onRemove: function (map) {
      map.off('mousemove', this._onMove, this);
      map.off('mouseout', this._onOut, this);
      map.off('click', this._onClick, this);
      this._onOut();
      L.Renderer.prototype.onRemove.call(this, map);
    },

    _initContainer: function () {
      this._container = document.createElement('canvas');
      this._container.style.pointerEvents = 'none';  // the map gets the events
      this._ctx = this._container.getContext('2d');
    },

    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
    },

    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, size = b.getSize(), c = this._container;
      var ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(c, b.min);
      c.width = Math.round(ratio * size.x);
      c.height = Math.round(ratio * size.y);
      c.style.width = size.x + 'px';
      c.style.height = size.y + 'px';
      var ctx = this._ctx, t = this._t, n = t.id.length, map = this._map, i;
      ctx.setTransform(ratio, 0, 0, ratio, -ratio * b.min.x, -ratio * b.min.y);
      // Layer points stay valid while the map pans: kept for hit-testing.
      var xs = this._x = new Float64Array(n), ys = this._y = new Float64Array(n);
      for (i = 0; i < n; i++) {
        var p = map.latLngToLayerPoint([t.lat[i], t.lon[i]]);
        xs[i] = p.x;
        ys[i] = p.y;
      }
      for (i = 0; i < n; i++) {
        var r = this._radius(i), x = xs[i], y = ys[i];
        if (x < b.min.x - 10 || x > b.max.x + 10 || y < b.min.y - 10 || y > b.max.y + 10) {
          continue;
        }
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fillStyle = this._colors[t.fill[i]];
        ctx.fill();
        ctx.lineWidth = (t.flags[i] & 2) === 2 ? S.town.contested_line : S.town.line;
        ctx.strokeStyle = this._colors[t.ring[i]];
        ctx.stroke();
      }
    },

    _radius: function (i) {
      return (this._t.flags[i] & 1) === 1 ? S.town.key_radius : S.town.radius;
    },

    // The town under a layer point nearest to it (towns a few pixels apart,
    // like Mosul and Qaraqosh at the theatre's zoom, overlap), or -1.
    _hit: function (point) {
      if (!this._x) { return -1; }
      var best = -1, bestD = Infinity;
      for (var i = this._x.length - 1; i >= 0; i--) {
        var dx = this._x[i] - point.x, dy = this._y[i] - point.y, r = this._radius(i) + 2;
        var d = dx * dx + dy * dy;
        if (d <= r * r && d < bestD) { best = i; bestD = d; }
      }
      return best;
    },

    _onMove: function (e) {
      var i = this._hit(e.layerPoint), map = this._map;
      if (i === this._hover) { return; }
      this._hover = i;
      map.getContainer().style.cursor = i < 0 ? '' : 'pointer';
      if (i < 0) {
        if (tip) { map.closeTooltip(tip); }
        return;
      }
      if (!tip) {
        tip = L.tooltip({direction: 'top', offset: [0, -8], className: 'fa-tip'});
      }
      tip.setLatLng([this._t.lat[i], this._t.lon[i]]).setContent(tooltipContent(this._t, i));
      tip.openOn(map);
    },

    _onOut: function () {
      this._hover = -1;
      if (this._map) {
        this._map.getContainer().style.cursor = '';
        if (tip) { this._map.closeTooltip(tip); }
      }
    },

    _onClick: function (e) {
      var i = this._hit(e.layerPoint);
      if (i < 0) { return; }
      var latlng = L.latLng(this._t.lat[i], this._t.lon[i]);
      this.fire('click', {latlng: latlng, layer: this, placeId: this._t.id[i],
                          originalEvent: e.originalEvent});
    },

    // For tests and benchmarks: {id: [fill, ring]} of every town drawn.
    colors: function () {
      var out = {}, t = this._t;
      for (var i = 0; i < t.id.length; i++) {
        out[t.id[i]] = [this._colors[t.fill[i]], this._colors[t.ring[i]]];
      }
      return out;
    }
  });

  var MAX_CASED_VERTICES = 20000;
  var DEPTH = {LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2};

  // Back to GeoJSON: dashboard.map.payload.encode_geometry sends each ring or
  // line as one flat list of integer steps of 1/scale degree (x, y, x, y...).
  function decoded(collection, scale) {
    function line(steps) {
      var out = [], x = 0, y = 0;
      for (var i = 0; i + 1 < steps.length; i += 2) {
        x += steps[i];
        y += steps[i + 1];
        out.push([x / scale, y / scale]);
      }
      return out;
    }
    function walk(value, depth) {
      return depth === 0 ? line(value) : value.map(function (v) { return walk(v, depth - 1); });
    }
    return {type: 'FeatureCollection', features: collection.features.map(function (f) {
      var g = f.geometry;
      return {type: 'Feature', properties: f.properties,
              geometry: {type: g.type, coordinates: walk(g.deltas, DEPTH[g.type])}};
    })};
  }

  function vertices(collection) {
    var n = 0;
    collection.features.forEach(function (f) {
      var g = f.geometry;
      if (g.type === 'LineString') { n += g.coordinates.length; }
      if (g.type === 'MultiLineString') {
        g.coordinates.forEach(function (line) { n += line.length; });
      }
    });
    return n;
  }

  // The layers of a new epoch; the key places' labels of ``old`` (the last
  // epoch) are kept when they are the same, as in most epochs.
  // An epoch's towns: the positions, names and holders the frame draws from,
  // the names and positions taken from the dataset's town table by ``idx``.
  function townColumns(epoch, table) {
    var idx = epoch.idx, n = idx.length, t = {id: [], name: [], ar: [], lat: [], lon: [],
      fill: epoch.fill, ring: epoch.ring, flags: epoch.flags, holder: epoch.holder,
      holders: epoch.holders};
    for (var i = 0; i < n; i++) {
      var k = idx[i];
      t.id.push(table.id[k]);
      t.name.push(table.name[k]);
      t.ar.push(table.ar[k]);
      t.lat.push(table.lat[k]);
      t.lon.push(table.lon[k]);
    }
    return t;
  }

  function build(id, data, table, old) {
    var t = townColumns(data.towns, table), colors = data.colors, n = t.id.length, i;
    var out = {id: id, towns_: t, index: {}};
    var territories = decoded(data.territories, data.coord_scale);
    var frontLines = decoded(data.fronts, data.coord_scale);
    // smoothFactor: Leaflet simplifies each path to this many screen pixels
    // before drawing; above its default of 1, thousands of small cells draw
    // (and rasterise) much faster, with no visible change at the zoom used.
    out.territories = L.geoJSON(territories, {
      pane: 'territories', interactive: false, smoothFactor: 2,
      style: function (f) { return f.properties.style; }
    });
    // A white casing under the red line keeps it apart from red territory;
    // not for a dense web of fronts (thousands of towns of mixed holders),
    // where it would whiten the map and double the drawing.
    // Created in drawing order: a layer group adds its layers to the map
    // (and the canvas draws them) in the order they were made.
    var fronts = [];
    if (vertices(frontLines) <= MAX_CASED_VERTICES) {
      fronts.push(L.geoJSON(frontLines, {pane: 'fronts', interactive: false,
        smoothFactor: 2, style: S.front_casing}));
    }
    // Solid where towns of both sides are within reach (core), dashed across
    // nominal land.
    fronts.push(L.geoJSON(frontLines, {pane: 'fronts', interactive: false, smoothFactor: 2,
      style: function (f) {
        var nominal = f.properties.tier === 'nominal';
        return {color: data.front_color, weight: nominal ? S.front.nominal_weight : S.front.weight,
                opacity: S.front.opacity, lineCap: nominal ? 'butt' : 'round',
                dashArray: nominal ? S.front.nominal_dash : null};
      }}));
    out.fronts = L.layerGroup(fronts);
    var keyTowns = [];
    out.labelKey = '';
    for (i = 0; i < n; i++) {
      out.index[t.id[i]] = i;
      if ((t.flags[i] & 1) === 1) {
        keyTowns.push(i);
        out.labelKey += t.id[i] + '|' + t.name[i] + '|' + t.lat[i] + '|' + t.lon[i] + '\n';
      }
    }
    out.towns = new Towns(t, colors);
    out.labels = old && old.labelKey === out.labelKey ? old.labels : L.layerGroup(
      keyTowns.map(function (k) {
        return L.marker([t.lat[k], t.lon[k]], {
          pane: 'labels', interactive: false, keyboard: false,
          icon: L.divIcon({className: 'fa-label', html: element('span', null, t.name[k]),
                           iconSize: null, iconAnchor: [-9, 9]})
        });
      }));
    return out;
  }

  function halos(ids, style) {
    var group = L.layerGroup(), t = kept.towns_;
    ids.forEach(function (id) {
      var i = kept.index[id];
      if (i === undefined) { return; }
      group.addLayer(L.circleMarker([t.lat[i], t.lon[i]],
        Object.assign({pane: 'recent', interactive: false}, style)));
    });
    return group;
  }

  // Places named in the news report being checked: a ring at each, in or out of the data.
  function reportRings(places, style) {
    var group = L.layerGroup();
    places.forEach(function (p) {
      // Not interactive: the town under the ring keeps its tooltip and click.
      group.addLayer(L.circleMarker([p.lat, p.lon],
        Object.assign({pane: 'recent', interactive: false, className: 'fa-report-ring'}, style)));
    });
    return group;
  }

  function showLegend(map, html, title) {
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
      div.innerHTML = html;  // escaped by dashboard.map.legend.legend_html
      div.__faHtml = html;
      collapse(div, !!window.__faLegendCollapsed);
    }
    var head = div.querySelector('.fa-title');
    if (head.textContent !== title) { head.textContent = title; }
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

  // The data of the last epochs drawn, most recent last: the server sends an
  // epoch's data only when it has not sent it to this frame among the last
  // o.keep epochs (dashboard.map.mount.frame_holds keeps the same list), and
  // null otherwise.
  var store = [];

  function stored(id, data, keep) {
    var i, entry = null;
    for (i = 0; i < store.length; i++) {
      if (store[i].id === id) { entry = store.splice(i, 1)[0]; break; }
    }
    var parse = 0;
    if (!entry && data) {
      var t1 = performance.now();
      entry = {id: id, data: data()};
      parse = performance.now() - t1;
    }
    if (!entry) { return null; }
    store.push(entry);
    store.splice(0, Math.max(store.length - keep, 0));
    return {data: entry.data, parse: parse};
  }

  // The frame lost data the server believes it holds (a remounted frame, a
  // step Streamlit's page skipped): ask for it again. streamlit-folium's value
  // goes back to the app, which forgets what the frame holds and reruns.
  function requestData(id) {
    var G = window.__GLOBAL_DATA__ || {};
    var nonce = Date.now().toString(36) + Math.random().toString(36).slice(2);
    if (window.Streamlit && window.Streamlit.setComponentValue) {
      window.Streamlit.setComponentValue(
        Object.assign({}, G.previous_data || {}, {fa_missing: {epoch: id, nonce: nonce}}));
    }
  }

  // The stored data of this id, or null; unlike stored(), it leaves the order
  // alone (the app's list, dashboard.map.mount.frame_holds, does not see it).
  function peek(id) {
    for (var i = 0; i < store.length; i++) {
      if (store[i].id === id) { return store[i].data; }
    }
    return null;
  }

  // Draw an epoch's layers and a date's halos, rings and legend.
  function render(map, group, id, data, table, o, stats) {
    var shown = {};
    o.shown.forEach(function (k) { shown[k] = true; });
    if (!kept || kept.id !== id) {
      if (tip) { map.closeTooltip(tip); }
      var old = kept, t1 = performance.now();
      kept = build(id, data, table, old);
      stats.build = performance.now() - t1;
      t1 = performance.now();
      if (old) {
        PARTS.forEach(function (k) { if (old[k] !== kept[k]) { place(map, old[k], false); } });
      }
      stats.remove = performance.now() - t1;
    }
    var t2 = performance.now();
    PARTS.forEach(function (k) { place(map, kept[k], !!shown[k]); });
    stats.add = performance.now() - t2;
    if (shown.recent && o.recent.length) { group.addLayer(halos(o.recent, o.recent_style)); }
    if (o.selected !== null) { group.addLayer(halos([o.selected], o.selected_style)); }
    if (o.report && o.report.length) { group.addLayer(reportRings(o.report, o.report_style)); }
    if (!secondary) { showLegend(map, o.legend, o.title); }
  }

  function draw(map, group, id, data, o, towns, followData, ahead) {
    var t0 = performance.now(), stats = {epoch: id, parse: 0, build: 0, source: 'app'};
    // In the order dashboard.map.mount.frame_holds sees them: the town table,
    // the follow table, the epoch, the epochs next to it.
    var table = stored(o.towns, towns, o.keep);
    var follow = o.follow ? stored(o.follow.table, followData, o.keep) : null;
    var entry = stored(id, data, o.keep);
    // An epoch ahead the app believes sent but the frame lacks (a run cut short
    // by the next one after it counted the data as sent): ask for it once drawn.
    var lost = null;
    (ahead || []).forEach(function (a) {
      if (!stored(a[0], a[1], o.keep) && lost === null) { lost = a[0]; }
    });
    if (!table || !entry) {
      // Leave the map as it is, legend included, until the data comes.
      requestData(table ? id : o.towns);
      stats.missing = true;
      if (!secondary) { window.__faStats = stats; }
      return stats;
    }
    stats.parse = entry.parse + table.parse + (follow ? follow.parse : 0);
    if (!secondary) { confirm(id, o); }
    render(map, group, id, entry.data, table.data, o, stats);
    stats.total = performance.now() - t0;
    if (lost !== null) { requestData(lost); }
    if (secondary) { return stats; }
    var first = last === null;  // the first run's date drawn here
    last = {map: map, o: o, day: dayNumber(o.date)};
    if (o.follow) {
      o.follow.legend = o.legend;  // what a null in o.follow.legends stands for
      watch(o.follow);
      if (first) { catchUp(o.follow, id); }
    }
    window.__frontlineDate = o.date;  // for tests and benchmarks: the date drawn
    window.__faReport = (o.report || []).map(function (p) { return p.name; });  // for tests
    window.__faStats = stats;  // milliseconds, for the benchmarks
    return stats;
  }

  // ---------------------------------------------------------------- follow
  // The slider's new date, drawn by the frame at once from the epochs it
  // holds, before the app's run for that date comes back (a third of a
  // second on a slow machine, most of it Streamlit's page). The frame
  // watches the page's date slider and its previous/next change buttons
  // (same origin: Streamlit's component frames may read their page). The
  // run's script then draws the same date again, which costs nothing more
  // than its halos; if what it draws differs from what the frame drew, the
  // run's wins, and __faFollow.mismatches counts it (a test keeps it at 0).
  // When the frame lacks the epoch, or cannot read the page, it waits for the
  // run as before.
  var last = null;  // {map, o, day} of the last date drawn
  var followed = null;  // {day, id, title, recent} of the last date drawn here
  var seenDay = null;  // the slider's day last acted on (watch)
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
                'August', 'September', 'October', 'November', 'December'];
  var DAY_MS = 86400000;

  function dayNumber(iso) { return Math.round(Date.parse(iso + 'T00:00:00Z') / DAY_MS); }

  function isoDay(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }

  // As geodata.events.format_date: "27 March 2016".
  function longDate(day) {
    var d = new Date(day * DAY_MS);
    return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }

  // Index of the last value <= x in a sorted array (-1 if none).
  function lastAtMost(values, x) {
    var lo = 0, hi = values.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (values[mid] <= x) { lo = mid + 1; } else { hi = mid; }
    }
    return lo - 1;
  }

  // The places with an event (or a contest's end) in the window before ``day``,
  // as dashboard.cache.recent_place_ids, sorted as the app sends them.
  function recentIds(F, table, day) {
    var seen = {}, out = [];
    var hi = lastAtMost(F.days, day);
    for (var i = hi; i >= 0 && F.days[i] >= day - F.recent_days; i--) {
      var id = table.id[F.towns[i]];
      if (!seen[id]) { seen[id] = true; out.push(id); }
    }
    return out.sort();
  }

  function followTo(day, how) {
    if (!last || !last.o.follow || day === last.day || isNaN(day)) { return; }
    var t0 = performance.now(), o = last.o, f = o.follow;
    var F = peek(f.table), table = peek(o.towns);
    if (!F || !table) { return; }
    var i = lastAtMost(F.starts, day);
    var id = f.prefix + isoDay(F.starts[Math.max(i, 0)]) + f.suffix;
    var data = peek(id), legendHtml = f.legends[id];
    if (!data || legendHtml === undefined) { return; }  // the run will draw it
    if (legendHtml === null) { legendHtml = f.legend; }  // the same as the run's date's
    var opts = Object.assign({}, o, {date: isoDay(day), title: f.title + longDate(day),
                                     recent: recentIds(F, table, day), legend: legendHtml});
    var map = last.map, group = L.layerGroup();
    // As streamlit-folium does before a run's script: the last date's group goes.
    (window.feature_group || []).forEach(function (layer) { map.removeLayer(layer); });
    var stats = {epoch: id, parse: 0, build: 0, source: 'follow', how: how};
    render(map, group, id, data, table, opts, stats);
    map.addLayer(group);
    window.feature_group = [group];
    stats.total = performance.now() - t0;
    followed = {day: day, id: id, title: opts.title, recent: opts.recent.join('|'),
                at: performance.now()};
    last = {map: map, o: opts, day: day};
    window.__faFollow.drawn += 1;
    window.__frontlineDate = opts.date;
    window.__faStats = stats;
    // Compare mode: the changed land and rings of the new date (compare.js).
    if (window.__faCompare && window.__faCompare.step) {
      window.__faCompare.step(map, {date: opts.date, long: longDate(day), epoch: id});
    }
  }

  // The run's script for a date the frame drew itself: did it draw the same?
  function confirm(id, o) {
    if (!followed || dayNumber(o.date) !== followed.day) { return; }
    var same = followed.id === id && followed.title === o.title &&
      followed.recent === o.recent.join('|');
    // How long before the run's script the frame had drawn the date.
    window.__faFollow.lead = performance.now() - followed.at;
    if (same) { window.__faFollow.confirmed += 1; } else {
      window.__faFollow.mismatches += 1;
      window.__faFollow.last = {frame: followed, app: {id: id, title: o.title,
                                                       recent: o.recent.join('|')}};
    }
    followed = null;
  }

  var watching = null;  // the page's document being watched

  // streamlit-folium ignores the runs that come while the map is still loading,
  // then draws the first run's script: a date the user chose meanwhile (a click
  // on Next change right after the page opened) is drawn here, or asked for.
  function catchUp(f, id) {
    var day = sliderDay(f);
    if (day === null || day === last.day) { return; }
    seenDay = day;
    followTo(day, 'slider');
    if (last.day !== day) { requestData(id); }  // the app sends this run's state again
  }

  function sliderDay(f) {
    var doc;
    try { doc = window.parent.document; } catch (e) { return null; }
    return inputDay(doc && doc.querySelector('.st-key-' + f.slider + ' input[type=range]'));
  }

  // The day of the slider's hidden range input (its value is in microseconds).
  function inputDay(input) {
    return input ? Math.round(Number(input.value) / (DAY_MS * 1000)) : null;
  }

  function watch(f) {
    var doc;
    try { doc = window.parent.document; } catch (e) { return; }  // not the same origin
    if (!doc || doc === document || watching === doc) { return; }
    watching = doc;
    var sliderClass = 'st-key-' + f.slider;
    var View = doc.defaultView || window;
    // The slider is react-aria's: its hidden range input holds the date in
    // microseconds and changes its aria-valuetext as soon as a key moves it.
    // Streamlit's page writes the attribute again, unchanged, while a run is
    // under way: only a new value is a step (else a Next change click, drawn
    // here before the slider moves, would be undone until the run is over).
    // So the value the slider has now is seen already: the page's first write
    // of it may come only with the run of the user's first click.
    seenDay = sliderDay(f);
    var observer = new View.MutationObserver(function (records) {
      for (var i = records.length - 1; i >= 0; i--) {
        var input = records[i].target;
        if (input.type === 'range' && input.closest && input.closest('.' + sliderClass)) {
          var day = inputDay(input);
          if (day !== seenDay) {
            seenDay = day;
            followTo(day, 'slider');
          }
          return;
        }
      }
    });
    observer.observe(doc.body, {subtree: true, attributes: true,
                                attributeFilter: ['aria-valuetext']});
    function onClick(e) {
      var target = e.target && e.target.closest ? e.target.closest('button') : null;
      if (!target || target.disabled || !last || !last.o.follow) { return; }
      var fo = last.o.follow, F = peek(fo.table);
      if (!F) { return; }
      var next = target.closest('.st-key-' + fo.next), prev = target.closest('.st-key-' + fo.prev);
      if (!next && !prev) { return; }
      // The slider's date, as the app's previous_change / next_change read it.
      var input = doc.querySelector('.' + sliderClass + ' input[type=range]');
      var day = input ? inputDay(input) : last.day;
      var j = lastAtMost(F.changes, next ? day : day - 1);
      var to = next ? F.changes[j + 1] : F.changes[j];
      if (to !== undefined && j >= (next ? -1 : 0)) { followTo(to, next ? 'next' : 'prev'); }
    }
    doc.addEventListener('click', onClick, true);
    // A remounted frame leaves the page: stop watching it from here.
    window.addEventListener('pagehide', function () {
      observer.disconnect();
      doc.removeEventListener('click', onClick, true);
    });
  }

  // For tests: forget the stored epochs, as a remounted frame would (or only
  // the one with this id, as a run cut short after the app counted it sent).
  function forget(id) {
    store = id === undefined ? [] : store.filter(function (e) { return e.id !== id; });
  }

  // For tests: {id: [fill, ring]} of the towns on the map ({} when hidden).
  function towns() {
    return kept && kept.towns._map ? kept.towns.colors() : {};
  }

  // The town's position by id (compare mode rings the towns that changed).
  function position(id) {
    if (!kept || kept.index[id] === undefined) { return null; }
    var t = kept.towns_, i = kept.index[id];
    return [t.lat[i], t.lon[i]];
  }

  if (!secondary) { window.__faFollow = {drawn: 0, confirmed: 0, mismatches: 0, lead: null, last: null}; }
  // For compare mode (compare.js), whose changed land shares this store: the
  // data of an id as stored() keeps it (null when missing), a look without
  // reordering, and a request for data the frame lost.
  function keep(id, data, n) {
    var entry = stored(id, data, n);
    return entry ? entry.data : null;
  }

  // The map's view goes back to the app only while the app needs it (the export
  // panel's "the map as you see it"). Each value streamlit-folium sends reruns the
  // page, and a rerun sent on every pan, or just after the first draw, could
  // replace the run a click had just started (the step lost half-way).
  function wantBounds(on) {
    var G = window.__GLOBAL_DATA__;
    if (!G) { return; }
    var had = (G.returned_objects || []).indexOf('bounds') >= 0;
    G.returned_objects = on ? ['last_object_clicked', 'bounds'] : ['last_object_clicked'];
    if (!on) {
      var clicked = (G.previous_data || {}).last_object_clicked;
      G.previous_data = {last_object_clicked: clicked === undefined ? null : clicked};
    } else if (!had && window.map && window.Streamlit) {
      // The view the user is looking at now, at once (streamlit-folium's own
      // send, after a move, waits 250 ms and then finds nothing new).
      var clickedNow = G.last_object_clicked == null ? null : G.last_object_clicked;
      var data = {last_object_clicked: clickedNow, bounds: window.map.getBounds()};
      G.previous_data = data;
      window.Streamlit.setComponentValue(data);
    }
  }

  return {draw: draw, towns: towns, position: position, forget: forget,
          keep: keep, peek: peek, ask: requestData, wantBounds: wantBounds,
          stored: function () { return store.map(function (e) { return e.id; }); }};
};
window.__fa = window.__faMake();
