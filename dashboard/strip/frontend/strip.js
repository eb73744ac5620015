/*
 * The control strip (dashboard/strip): one row per place, a bar per run of
 * constant control, the map's date as a vertical rule.
 *
 * A Streamlit component without a framework: the page says it is ready,
 * Streamlit posts each run's arguments ("streamlit:render"), and the strip
 * draws its bars only when the data's id or the frame's width changed; on
 * other runs (a slider step) it only moves the rule. A click on a row posts
 * the place's id back. Every name is set as text (textContent), never as
 * markup. Colours come from the data's style (geodata/style.py) and the
 * page's theme.
 */
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var ROW = 15, LABEL = 160, TOP = 34, BOTTOM = 22, RIGHT = 12;
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct',
    'Nov', 'Dec'];
  var svg = document.getElementById('strip');
  var legend = document.getElementById('legend');
  var drawn = {id: null, width: 0, text: null};
  var last = null;  // the latest arguments
  var clicks = 0;
  var rule = null, ruleLabel = null, rowsById = {}, selectedRow = null;

  function post(type, extra) {
    var msg = {isStreamlitMessage: true, type: type};
    Object.keys(extra || {}).forEach(function (k) { msg[k] = extra[k]; });
    window.parent.postMessage(msg, '*');
  }

  function node(tag, attrs, parent) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(el); }
    return el;
  }

  function dayText(day) {
    var d = new Date(day * 86400000);
    return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }

  function dayOf(iso) {
    var p = iso.split('-');
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000);
  }

  function short(name, max) {
    return name.length > max ? name.slice(0, max - 1) + '\u2026' : name;
  }

  function drawLegend(data, text) {
    legend.textContent = '';
    var head = document.createElement('b');
    head.textContent = 'Held by:';
    legend.appendChild(head);
    data.factions.forEach(function (f) {
      var item = document.createElement('span');
      var chip = document.createElement('span');
      chip.className = 'chip';
      chip.style.background = f[2];
      chip.style.border = '1px solid ' + data.style.chip_border;
      item.appendChild(chip);
      item.appendChild(document.createTextNode(f[1]));
      legend.appendChild(item);
    });
    var thin = document.createElement('span');
    var bar = document.createElement('span');
    bar.className = 'thin';
    bar.style.background = text;
    thin.appendChild(bar);
    thin.appendChild(document.createTextNode('thin bar: contested'));
    legend.appendChild(thin);
  }

  function draw(data, width, text) {
    drawn = {id: data.id, width: width, text: text};
    svg.textContent = '';
    rowsById = {};
    selectedRow = null;
    drawLegend(data, text);
    var span = Math.max(data.end - data.start, 1);
    var plot = Math.max(width - LABEL - RIGHT, 50);
    var x = function (day) { return LABEL + (day - data.start) / span * plot; };
    var height = TOP + data.rows.length * ROW + BOTTOM;
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('aria-label', 'Who held each of ' + data.rows.length + ' places over time');
    // Year lines, labelled above and below.
    var y0 = new Date(data.start * 86400000).getUTCFullYear();
    var y1 = new Date(data.end * 86400000).getUTCFullYear();
    for (var year = y0; year <= y1; year++) {
      var day = Math.round(Date.UTC(year, 0, 1) / 86400000);
      if (day < data.start || day > data.end) { continue; }
      node('line', {x1: x(day), x2: x(day), y1: TOP - 4, y2: height - BOTTOM + 4,
        stroke: data.style.grid}, svg);
      [TOP - 7, height - 6].forEach(function (y) {
        if (day === data.end) { return; }
        var t = node('text', {x: x(day) + 3, y: y, fill: text}, svg);
        t.textContent = String(year);
      });
    }
    var rows = data.rows.map(function (r, i) {
      var g = node('g', {'class': 'row', 'data-place': r[0]}, svg);
      node('title', {}, g).textContent = r[1];  // the full name, over the whole row
      var band = node('rect', {'class': 'band', x: 0, y: TOP + i * ROW, width: width,
        height: ROW}, g);
      var label = node('text', {x: LABEL - 6, y: TOP + i * ROW + ROW / 2 + 4,
        'text-anchor': 'end', fill: text}, g);
      label.textContent = short(r[1], data.max_label);
      g.addEventListener('mouseenter', function () { band.style.fill = data.style.hover; });
      g.addEventListener('mouseleave', function () { paintBand(r[0]); });
      g.addEventListener('click', function () {
        clicks += 1;
        // The time as well: a frame made anew (the tab shown again) counts from 1 again.
        post('streamlit:setComponentValue',
          {value: {place: r[0], n: Date.now() + '.' + clicks}, dataType: 'json'});
      });
      rowsById[r[0]] = band;
      return g;
    });
    data.bars.forEach(function (b) {
      var f = data.factions[b[1]];
      var thick = b[2] ? 4 : ROW - 4;
      var x0 = x(b[3]);
      var rect = node('rect', {x: x0, y: TOP + b[0] * ROW + (ROW - thick) / 2,
        width: Math.max(x(b[4]) - x0, 0.75), height: thick, fill: f[2]}, rows[b[0]]);
      var tip = node('title', {}, rect);
      var until = b[4] >= data.end ? 'onwards' : 'until ' + dayText(b[4]);
      tip.textContent = data.rows[b[0]][1] + ': ' + f[1] + (b[2] ? ', contested' : '') +
        ', from ' + dayText(b[3]) + ' ' + until;
    });
    rule = node('line', {y1: TOP - 2, y2: height - BOTTOM, stroke: data.style.mark,
      'stroke-width': 2}, svg);
    ruleLabel = node('text', {'class': 'mark', y: 13, fill: data.style.mark}, svg);
    drawn.x = x;
  }

  function paintBand(id) {
    var band = rowsById[id];
    if (band) {
      band.style.fill = id === selectedRow && last ? last.data.style.selected : 'transparent';
    }
  }

  function mark(args) {
    var day = dayOf(args.date);
    var px = drawn.x(Math.min(Math.max(day, last.data.start), last.data.end));
    rule.setAttribute('x1', px);
    rule.setAttribute('x2', px);
    ruleLabel.textContent = args.label;
    var w = ruleLabel.getComputedTextLength ? ruleLabel.getComputedTextLength() : 60;
    ruleLabel.setAttribute('x', Math.min(Math.max(px - w / 2, LABEL), drawn.width - w - 2));
    svg.setAttribute('data-date', args.date);  // for tests
    var previous = selectedRow;
    selectedRow = args.selected || null;
    if (previous !== selectedRow) { paintBand(previous); }
    paintBand(selectedRow);
  }

  function render(args, theme) {
    last = args;
    var width = document.documentElement.clientWidth || window.innerWidth;
    var text = (theme && theme.textColor) || drawn.text || 'currentColor';
    document.body.style.color = text;
    if (theme && theme.font) { document.body.style.fontFamily = theme.font; }
    if (args.data.id !== drawn.id || width !== drawn.width || text !== drawn.text) {
      draw(args.data, width, text);
    }
    mark(args);
    document.title = args.title;
    var h = document.body.scrollHeight;
    if (h !== render.height) {
      render.height = h;
      post('streamlit:setFrameHeight', {height: h});
    }
  }

  window.addEventListener('message', function (e) {
    if (e.data && e.data.type === 'streamlit:render') { render(e.data.args, e.data.theme); }
  });
  var pending = false;
  window.addEventListener('resize', function () {
    if (pending || !last) { return; }
    pending = true;
    requestAnimationFrame(function () { pending = false; render(last, null); });
  });
  post('streamlit:componentReady', {apiVersion: 1});
})();
