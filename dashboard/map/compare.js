/* Frontline Atlas: compare mode, two maps in the one map frame.
 *
 * Loaded once with the base map, after atlas.js. In compare mode the date's
 * script (dashboard.compare_view.compare_script) calls
 * window.__faCompare.show after the main map has drawn the later date: the
 * frame then splits in two (streamlit-folium's own two-map layout: #map_div
 * and its second map div), the earlier date is drawn on a second Leaflet map on the
 * left, and the two maps pan and zoom in step. The main map, on the right,
 * gets the land that changed hands, hatched in its new holder's colour, and
 * both maps ring the towns that changed hands. Out of compare mode the
 * script calls window.__faCompare.hide, which gives the main map the whole
 * frame again. Nothing is remounted: the second map is made once and kept.
 * When the main map draws a step itself (atlas.js, "follow"), step() draws
 * that date's changed land and rings from the comparisons the last run sent
 * ahead; the run's script then draws the same, and confirmStep() checks it.
 * The changed land is kept in the main map's store (window.__fa.keep), which
 * the app mirrors, so it is sent once.
 *
 * Every string from the data reaches the page as text (textContent).
 */
window.__faCompare = (function () {
  'use strict';
  var active = false;
  var left = null;       // {map, atlas, group, rings, title}
  var change = null;     // {id, layer}
  var mainRings = null;  // the rings on the main map
  var mainTitle = null;  // the "After" box on the main map
  var syncing = false;
  var folded = false;    // the legend was folded on entering compare mode
  var COLOR = /^#[0-9a-fA-F]{6}$/;
  // Colours and widths: geodata.style's LIVE_FRAME and LIVE_PAGE (see atlas.js).
  var S = window.__faStyle.frame, PAGE = window.__faStyle.page;

  // The second map's div. Never written out whole in this file: streamlit-folium
  // switches the frame to its two-map layout when the script names that div.
  var SECOND = 'map_' + 'div2';

  function css() {
    if (document.getElementById('fa-compare-css')) { return; }
    var style = document.createElement('style');
    style.id = 'fa-compare-css';
    style.textContent =
      '.fa-when { background: ' + PAGE.box + '; padding: 3px 8px; border-radius: 4px;' +
      ' box-shadow: 0 1px 4px ' + PAGE.box_shadow + '; font: 700 12.5px/1.3 "Helvetica Neue",' +
      ' Arial, sans-serif; color: ' + PAGE.text + '; }' +
      '.fa-when .fa-sub { font-weight: 400; font-size: 11px; color: ' + PAGE.sub + '; }' +
      '#parent.fa-split #map_div, #parent.fa-split #' + SECOND + ' { box-sizing: border-box; }' +
      '#parent.fa-split #' + SECOND + ' { border-right: 2px solid ' + PAGE.split + '; }';
    document.head.appendChild(style);
  }

  function box(text, sub) {
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'fa-when');
      div.appendChild(document.createElement('span'));
      div.appendChild(document.createElement('div')).className = 'fa-sub';
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.set = function (title, subtitle) {
      var div = control.getContainer();
      if (div.firstChild.textContent !== title) { div.firstChild.textContent = title; }
      if (div.lastChild.textContent !== (subtitle || '')) {
        div.lastChild.textContent = subtitle || '';
      }
    };
    return control;
  }

  // Keep ``to`` on the view of ``from`` while compare mode is on.
  function follow(from, to) {
    from.on('move zoomend viewreset resize', function () {
      if (!active || syncing) { return; }
      syncing = true;
      try {
        to.setView(from.getCenter(), from.getZoom(), {animate: false});
      } finally {
        syncing = false;
      }
    });
  }

  function makeLeft(main, o) {
    var div = document.getElementById(SECOND);
    div.style.height = main.getContainer().clientHeight + 'px';
    div.style.width = '';
    var map = L.map(div, {
      preferCanvas: true, attributionControl: false, zoomControl: true,
      minZoom: main.getMinZoom(), maxZoom: main.getMaxZoom(),
      zoomSnap: main.options.zoomSnap, zoomDelta: main.options.zoomDelta
    });
    Object.keys(o.panes).forEach(function (name) {
      var pane = map.createPane(name);
      pane.style.zIndex = String(o.panes[name]);
      pane.style.pointerEvents = name === 'towns' ? '' : 'none';
    });
    L.control.scale().addTo(map);
    var land = L.layerGroup().addTo(map);
    (window.__faBaseData || Promise.reject(new Error('no base data'))).then(function (base) {
      window.__faDrawBase(map, land, base);
    }).catch(function (e) {
      console.error('Frontline Atlas: compare map without borders: ' + e);
    });
    var out = {map: map, atlas: window.__faMake({secondary: true}), group: null,
               rings: null, title: box('', '')};
    out.title.addTo(map);
    follow(main, map);
    follow(map, main);
    return out;
  }

  function split(main, on) {
    var parent = document.getElementById('parent');
    var mainChild = main.getContainer().parentNode;
    if (on) {
      parent.classList.remove('single');
      parent.classList.add('double', 'fa-split');
      mainChild.style.cssFloat = 'right';  // the earlier date on the left
    } else {
      parent.classList.remove('double', 'fa-split');
      parent.classList.add('single');
      mainChild.style.cssFloat = '';
    }
  }

  function rings(atlas, ids, style) {
    var group = L.layerGroup();
    ids.forEach(function (id) {
      var at = atlas.position(id);
      if (!at) { return; }
      var casing = S.ring_casing;  // a white ring under the coloured one
      group.addLayer(L.circleMarker(at, {pane: 'recent', interactive: false,
        radius: style.radius + casing.radius, color: casing.color,
        weight: style.weight + casing.weight, fill: false, opacity: casing.opacity}));
      group.addLayer(L.circleMarker(at, Object.assign({pane: 'recent', interactive: false},
        style)));
    });
    return group;
  }

  // Hatching in the new holder's colour: an SVG pattern per colour, in the
  // defs of the change layer's own SVG renderer (the rest of the map is canvas).
  function hatched(main, id, data) {
    if (!main.getPane('change')) {
      var pane = main.createPane('change');
      pane.style.zIndex = '365';
      pane.style.pointerEvents = 'none';
    }
    var renderer = L.svg({pane: 'change', padding: 0.3});
    var group = L.layerGroup();
    var colors = {};
    var layer = L.geoJSON(data.land, {
      renderer: renderer, interactive: false,
      style: function (f) {
        var color = COLOR.test(f.properties.color) ? f.properties.color : S.hatch.fallback;
        colors[color] = true;
        return {color: color, weight: S.hatch.weight, opacity: S.hatch.opacity, dashArray: null,
                fillColor: 'url(#fa-hatch-' + color.slice(1) + ')', fillOpacity: 1};
      }
    });
    group.addLayer(layer);
    group.on('add', function () {
      var svg = renderer._container;
      if (!svg || svg.querySelector('defs.fa-hatches')) { return; }
      var defs = L.SVG.create('defs');
      defs.setAttribute('class', 'fa-hatches');
      Object.keys(colors).forEach(function (color) {
        var pattern = L.SVG.create('pattern');
        pattern.setAttribute('id', 'fa-hatch-' + color.slice(1));
        pattern.setAttribute('patternUnits', 'userSpaceOnUse');
        pattern.setAttribute('width', String(S.hatch.spacing));
        pattern.setAttribute('height', String(S.hatch.spacing));
        pattern.setAttribute('patternTransform', 'rotate(45)');
        var line = L.SVG.create('rect');
        line.setAttribute('width', String(data.hatch_width));
        line.setAttribute('height', String(S.hatch.spacing));
        line.setAttribute('fill', color);
        line.setAttribute('fill-opacity', String(S.hatch.fill_opacity));
        pattern.appendChild(line);
        defs.appendChild(pattern);
      });
      svg.insertBefore(defs, svg.firstChild);
    });
    return {id: id, layer: group};
  }

  // The changed land, hatched, on the main map (shown with the territories).
  function paintChange(main, changeId, data, shown) {
    if (!change || change.id !== changeId) {
      if (change) { main.removeLayer(change.layer); }
      change = hatched(main, changeId, data);
    }
    if (shown.indexOf('territories') >= 0) {
      if (!main.hasLayer(change.layer)) { main.addLayer(change.layer); }
    } else if (main.hasLayer(change.layer)) {
      main.removeLayer(change.layer);
    }
  }

  function clearRings(main) {
    if (mainRings) { main.removeLayer(mainRings); mainRings = null; }
    if (left && left.rings) { left.map.removeLayer(left.rings); left.rings = null; }
  }

  function paintRings(main, changed, style) {
    clearRings(main);
    mainRings = rings(window.__fa, changed, style).addTo(main);
    left.rings = rings(left.atlas, changed, style).addTo(left.map);
  }

  function setAfter(main, title, note) {
    if (!mainTitle) { mainTitle = box('', ''); }
    if (mainTitle._map !== main) { mainTitle.addTo(main); }
    mainTitle.set(title, note);
  }

  function show(main, beforeId, beforeData, changeId, changeData, o, towns, ahead) {
    css();
    var t0 = performance.now();
    if (!active) {
      // Half the width for each map: keep what the user was looking at in
      // view, or the whole theatre when they were looking at all of it.
      var bounds = main.getBounds();
      var e = o.extent, theatre = L.latLngBounds([[e[1], e[0]], [e[3], e[2]]]);
      if (bounds.contains(theatre)) { bounds = theatre; }
      split(main, true);
      if (!left) { left = makeLeft(main, o); }
      active = true;
      main.invalidateSize({pan: false});
      left.map.invalidateSize({pan: false});
      main.fitBounds(bounds, {animate: false});
      left.map.setView(main.getCenter(), main.getZoom(), {animate: false});
      // The legend would hide half the later map: folded (one click opens it).
      var toggle = document.querySelector('.fa-legend .fa-toggle');
      folded = !!toggle && !window.__faLegendCollapsed;
      if (folded) { toggle.click(); }
    }
    if (left.group) { left.map.removeLayer(left.group); }
    left.group = L.layerGroup().addTo(left.map);
    var stats = left.atlas.draw(left.map, left.group, beforeId, beforeData, o.before, towns);
    // The changed land shares the main map's store, in the order the app
    // counts it (dashboard.map.mount.frame_holds): now's, then the epochs ahead.
    var fa = window.__fa, data = fa.keep(changeId, changeData, o.keep), lost = null;
    (ahead || []).forEach(function (a) {
      if (!fa.keep(a[0], a[1], o.keep) && lost === null) { lost = a[0]; }
    });
    if (!data) {
      // Nothing of this comparison to draw from until the data comes: step()
      // must not draw against the comparison shown before.
      fa.ask(changeId);
      last = null;
      followed = null;
      return;
    }
    if (lost !== null) { fa.ask(lost); }
    confirmStep(changeId, o);
    paintChange(main, changeId, data, o.shown);
    paintRings(main, o.changed, o.ring_style);
    left.title.set(o.before_title, o.before_note);
    setAfter(main, o.after_title, o.after_note);
    last = {o: o, change: changeId, ahead: {}};
    (o.ahead || []).forEach(function (a) { last.ahead[a.epoch] = a; });
    // For tests and benchmarks.
    window.__faCompareState = {from: o.from, to: o.to, change: changeId,
                               changed: o.changed.slice(), before: stats,
                               ms: performance.now() - t0, source: 'app'};
  }

  // ---------------------------------------------------------------- follow
  // The main map drew a new date itself (atlas.js, "follow"): draw its
  // comparison with the earlier date too, from what the last run sent (the
  // comparisons of the epochs next to its date; within an epoch no town
  // changes hands, so one comparison serves all its days). Without one, the
  // hatching and rings go until the run draws them: never a stale comparison.
  var last = null;      // {o, change, ahead: {epoch id: {change, changed, note}}}
  var followed = null;  // what step() drew, for the run's script to confirm

  function step(main, s) {
    if (!active || !last || !left) { return; }
    var t0 = performance.now(), o = last.o;
    var c = s.epoch === o.epoch ? {change: last.change, changed: o.changed, note: o.after_note}
      : last.ahead[s.epoch];
    var data = c && s.date > o.from ? window.__fa.peek(c.change) : null;
    var title = 'After: ' + s.long;
    followed = null;
    if (!data) {
      if (change && main.hasLayer(change.layer)) { main.removeLayer(change.layer); }
      clearRings(main);
      setAfter(main, title, '');
      return;
    }
    paintChange(main, c.change, data, o.shown);
    paintRings(main, c.changed, o.ring_style);
    setAfter(main, title, c.note);
    followed = {to: s.date, change: c.change, changed: c.changed.join('|'), title: title,
                note: c.note};
    window.__faCompareFollow.drawn += 1;
    window.__faCompareState = {from: o.from, to: s.date, change: c.change,
                               changed: c.changed.slice(), before: null,
                               ms: performance.now() - t0, source: 'follow'};
  }

  // The run's script for a date drawn by step(): did it draw the same?
  function confirmStep(changeId, o) {
    if (!followed || followed.to !== o.to) { return; }
    var app = {to: o.to, change: changeId, changed: o.changed.join('|'), title: o.after_title,
               note: o.after_note};
    var same = ['change', 'changed', 'title', 'note'].every(function (k) {
      return followed[k] === app[k];
    });
    if (same) { window.__faCompareFollow.confirmed += 1; } else {
      window.__faCompareFollow.mismatches += 1;
      window.__faCompareFollow.last = {frame: followed, app: app};
    }
    followed = null;
  }

  function hide(main) {
    if (!active) { return; }
    active = false;
    last = null;
    followed = null;
    if (change && main.hasLayer(change.layer)) { main.removeLayer(change.layer); }
    clearRings(main);
    if (mainTitle && mainTitle._map) { mainTitle.remove(); }
    split(main, false);
    main.invalidateSize({pan: false});
    var toggle = document.querySelector('.fa-legend .fa-toggle');
    if (folded && toggle && window.__faLegendCollapsed) { toggle.click(); }
    folded = false;
    window.__faCompareState = null;
  }

  function view() {
    if (!active || !left) { return null; }
    return {center: left.map.getCenter(), zoom: left.map.getZoom()};
  }

  window.__faCompareFollow = {drawn: 0, confirmed: 0, mismatches: 0, last: null};
  return {show: show, hide: hide, step: step, view: view,
          left: function () { return left && left.map; }};
})();
