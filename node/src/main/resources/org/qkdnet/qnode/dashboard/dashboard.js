// qnode dashboard: draws the network picture the station streams (server-sent events from
// api/events, a relative URL: this page talks to its own station only) on the SVG map.
// Figures only: the station never sends key material here.
'use strict';
(function () {
  const map = document.getElementById('map');
  // the SVG namespace, taken from the page's own SVG element
  const NS = map.namespaceURI;
  const GREY = '#9e9e9e';
  const CONDITION_COLOURS = {
    UP: '#2e7d32', DRAINED: '#1565c0', UNREACHABLE: '#ef6c00', STORE_FAILED: '#c62828'
  };
  const OTHER_CONDITION = '#757575';
  const HOP_MILLIS = 350;
  const MAX_DOTS = 40;
  const MAX_EVENTS = 15;
  // Animation steps run on a timer, not requestAnimationFrame: frames stop in a background tab (and
  // in a headless browser), timers only slow down, and each step places a dot by the clock anyway.
  const FRAME_MILLIS = 40;

  let picture = null;
  let selected = null; // {kind: 'link' | 'station', id}
  let dots = 0;
  let delivered = 0;
  let failed = 0;

  function svg(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) {
      e.setAttribute(k, v);
    }
    if (parent) {
      parent.appendChild(e);
    }
    return e;
  }

  function set(e, attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (e.getAttribute(k) !== String(v)) {
        e.setAttribute(k, v);
      }
    }
  }

  /** Red (empty) through yellow to green (full) on the station's log scale (level 0..1). */
  function poolColour(level) {
    const l = Math.max(0, Math.min(1, level));
    return 'hsl(' + Math.round(120 * l) + ', 75%, ' + (l > 0.5 ? 35 : 42) + '%)';
  }

  function linkColour(l) {
    return l.state === 'UP' ? poolColour(l.level) : GREY;
  }

  function bytes(n) {
    if (n >= 1048576) {
      return (n / 1048576).toFixed(2) + ' MiB';
    }
    if (n >= 1024) {
      return (n / 1024).toFixed(1) + ' KiB';
    }
    return n + ' B';
  }

  function rate(bps) {
    if (bps === null || bps === undefined) {
      return '–';
    }
    return bps >= 1e6 ? (bps / 1e6).toFixed(2) + ' Mbit/s' : (bps / 1e3).toFixed(1) + ' kbit/s';
  }

  /** A band of half-width w around the segment a-b: a link's click target, wider than the line drawn. */
  function band(a, b, w) {
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const nx = -(b.y - a.y) / len * w;
    const ny = (b.x - a.x) / len * w;
    return [[a.x + nx, a.y + ny], [b.x + nx, b.y + ny], [b.x - nx, b.y - ny], [a.x - nx, a.y - ny]]
      .map(p => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join(' ');
  }

  function station(id) {
    return picture ? picture.stations.find(s => s.id === id) : undefined;
  }

  function draw(p) {
    picture = p;
    document.getElementById('title').textContent =
      'qnode · ' + p.topology + ' · as station ' + p.station + ' sees it';
    const links = document.getElementById('links');
    const stations = document.getElementById('stations');
    for (const l of p.links) {
      const a = station(l.a);
      const b = station(l.b);
      if (!a || !b || a.x === undefined || b.x === undefined) {
        continue;
      }
      let line = document.getElementById('link-' + l.id);
      if (!line) {
        const g = svg('g', { 'data-link': l.id }, links);
        line = svg('line', { id: 'link-' + l.id, class: 'link' }, g);
        svg('title', {}, line);
        const hit = svg('polygon', { class: 'hit', 'data-link': l.id }, g);
        svg('text', { class: 'km', id: 'km-' + l.id }, g);
        hit.addEventListener('click', () => select('link', l.id));
      }
      set(line, { x1: a.x, y1: a.y, x2: b.x, y2: b.y });
      set(line.parentNode.querySelector('polygon.hit'), { points: band(a, b, 11) });
      set(line, {
        stroke: linkColour(l),
        'stroke-dasharray': l.state === 'UP' ? 'none' : '10 8',
        'data-state': l.state,
        'data-level': l.level
      });
      line.querySelector('title').textContent = l.a + '–' + l.b + ': ' + l.state + ', ' + l.km + ' km';
      const km = document.getElementById('km-' + l.id);
      set(km, { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 8 });
      km.textContent = l.km + ' km';
    }
    for (const s of p.stations) {
      if (s.x === undefined) {
        continue;
      }
      let g = document.getElementById('station-' + s.id);
      if (!g) {
        g = svg('g', { id: 'station-' + s.id, class: 'station' }, stations);
        svg('circle', { r: s.role === 'backbone' ? 15 : 11, cx: 0, cy: 0 }, g);
        svg('title', {}, g);
        const label = svg('text', { y: -22 }, g);
        label.textContent = s.id;
        const name = svg('text', { class: 'name', y: 30 }, g);
        name.textContent = s.name;
        g.addEventListener('click', () => select('station', s.id));
      }
      set(g, { transform: 'translate(' + s.x + ',' + s.y + ')', 'data-condition': s.condition });
      set(g.querySelector('circle'), { fill: CONDITION_COLOURS[s.condition] || OTHER_CONDITION });
      g.querySelector('title').textContent = s.id + ' (' + s.name + ', ' + s.role + '): ' + s.condition;
    }
    showSelected();
  }

  function select(kind, id) {
    selected = { kind: kind, id: id };
    showSelected();
  }

  function row(table, label, value, numeric) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = label;
    const td = document.createElement('td');
    td.textContent = value;
    if (numeric) {
      td.className = 'num';
    }
    tr.append(th, td);
    table.appendChild(tr);
  }

  function showSelected() {
    document.querySelectorAll('.selected').forEach(e => e.classList.remove('selected'));
    const box = document.getElementById('selected');
    if (!selected || !picture) {
      return;
    }
    const h = document.createElement('h2');
    const table = document.createElement('table');
    table.id = 'details';
    if (selected.kind === 'link') {
      const l = picture.links.find(x => x.id === selected.id);
      if (!l) {
        return;
      }
      document.getElementById('link-' + l.id).classList.add('selected');
      h.textContent = 'Link ' + l.a + '–' + l.b;
      table.dataset.link = l.id;
      row(table, 'state', l.state);
      row(table, 'length', l.km + ' km', true);
      row(table, 'secure key rate', rate(l.secureBitsPerSecond), true);
      row(table, 'QBER', l.qber === null ? '–' : (100 * l.qber).toFixed(2) + ' %', true);
      row(table, 'pool level', Math.round(100 * l.level) + ' % (smaller send pool ' + bytes(l.minSendBytes) + ')', true);
      for (const [end, other] of [[l.endA, l.endB], [l.endB, l.endA]]) {
        row(table, end.station + ' end', end.state);
        row(table, '  pool ' + end.station + '→' + other.station, bytes(end.sendBytes), true);
        row(table, '  pool ' + other.station + '→' + end.station, bytes(end.receiveBytes), true);
        row(table, '  unassigned', bytes(end.unassignedBytes), true);
      }
    } else {
      const s = station(selected.id);
      if (!s) {
        return;
      }
      document.getElementById('station-' + s.id).classList.add('selected');
      h.textContent = 'Station ' + s.id + ' (' + s.name + ')';
      table.dataset.station = s.id;
      row(table, 'condition', s.condition);
      row(table, 'role', s.role);
      row(table, 'membership', s.status);
      row(table, 'reachable', s.reachable ? 'yes' : 'no');
      row(table, 'drained', s.drained ? 'yes' : 'no');
      row(table, 'key store', s.storeFailed ? 'FAILED' : 'ok');
      row(table, 'position', s.lat.toFixed(3) + '°, ' + s.lon.toFixed(3) + '°');
    }
    box.replaceChildren(h, table);
  }

  function addEvent(e) {
    const li = document.createElement('li');
    li.className = e.kind;
    const t = document.createElement('time');
    t.textContent = new Date(e.time).toLocaleTimeString();
    li.append(t, e.kind.toUpperCase() + ' ' + e.subject + ': ' + e.detail);
    const list = document.getElementById('events');
    list.prepend(li);
    while (list.children.length > MAX_EVENTS) {
      list.lastChild.remove();
    }
  }

  /** A dot along the stations of one path, one hop every HOP_MILLIS. */
  function animate(path) {
    const points = path.map(station).filter(s => s && s.x !== undefined);
    if (points.length < 2 || dots >= MAX_DOTS) {
      return;
    }
    dots++;
    const dot = svg('circle', { class: 'relay-dot', r: 6, cx: points[0].x, cy: points[0].y },
      document.getElementById('relay-dots'));
    const total = HOP_MILLIS * (points.length - 1);
    const start = performance.now();
    function step(now) {
      const t = Math.min(1, (now - start) / total);
      const hop = Math.min(points.length - 2, Math.floor(t * (points.length - 1)));
      const f = t * (points.length - 1) - hop;
      const a = points[hop];
      const b = points[hop + 1];
      set(dot, { cx: a.x + (b.x - a.x) * f, cy: a.y + (b.y - a.y) * f });
      if (t < 1) {
        setTimeout(() => step(performance.now()), FRAME_MILLIS);
      } else {
        dot.remove();
        dots--;
      }
    }
    step(start);
  }

  /** A red ring that widens and fades where a relay failed. */
  function flash(id) {
    const s = station(id);
    if (!s || s.x === undefined || dots >= MAX_DOTS) {
      return;
    }
    dots++;
    const ring = svg('circle', { class: 'relay-failed', r: 12, cx: s.x, cy: s.y },
      document.getElementById('relay-dots'));
    const start = performance.now();
    function step(now) {
      const t = Math.min(1, (now - start) / 900);
      set(ring, { r: 12 + 24 * t, opacity: 1 - t });
      if (t < 1) {
        setTimeout(() => step(performance.now()), FRAME_MILLIS);
      } else {
        ring.remove();
        dots--;
      }
    }
    step(start);
  }

  function onRelay(e) {
    const r = e.relay;
    if (!r) {
      return;
    }
    if (r.delivered) {
      delivered++;
      r.paths.forEach(animate);
    } else {
      failed++;
      flash(r.at || r.from);
      addEvent(e);
    }
    document.getElementById('relays').textContent =
      'relays: ' + delivered + ' delivered, ' + failed + ' failed';
  }

  const live = document.getElementById('live');
  function setLive(state, text) {
    live.dataset.live = state;
    live.textContent = text;
  }

  const source = new EventSource('api/events');
  source.onopen = () => setLive('live', 'live');
  source.onerror = () => setLive('reconnecting', 'reconnecting');
  source.addEventListener('picture', m => {
    draw(JSON.parse(m.data));
    setLive('live', 'live · ' + new Date().toLocaleTimeString());
  });
  for (const kind of ['member', 'link', 'route', 'alarm']) {
    source.addEventListener(kind, m => addEvent(JSON.parse(m.data)));
  }
  source.addEventListener('relay', m => onRelay(JSON.parse(m.data)));
})();
