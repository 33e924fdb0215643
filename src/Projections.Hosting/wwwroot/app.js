// Projections dashboard: a dependency-free single-page app over /api.
// Every value that comes from events or the API is inserted as text (textContent / text nodes), never as HTML.
'use strict';

(() => {
  const view = document.getElementById('view');
  const nav = document.getElementById('nav');
  const connection = document.getElementById('connection');
  let teardown = [];

  // ---- DOM helpers -------------------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (name === 'text') node.textContent = String(value);
      else if (name === 'style') node.style.cssText = value; // through CSSOM: the Content-Security-Policy forbids style attributes
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function replace(node, ...children) { node.replaceChildren(); append(node, children); }

  const fmt = new Intl.NumberFormat('en-US');
  const num = (v) => (v === null || v === undefined ? '–' : fmt.format(v));
  const dec = (v, digits = 1) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));
  const time = (v) => (v ? new Date(v).toLocaleString('en-GB', { hour12: false }) : '–');
  // Time of day when it is today, else a short date too: fits a metric tile.
  const shortTime = (v) => {
    if (!v) return '–';
    const d = new Date(v);
    const clock = d.toLocaleTimeString('en-GB', { hour12: false });
    return d.toDateString() === new Date().toDateString() ? clock : `${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: '2-digit' })} ${clock.slice(0, 5)}`;
  };
  const humanize = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()).replace(/ ([A-Z])(?=[a-z])/g, (m, c) => ' ' + c.toLowerCase());
  const statusLabel = { live: 'live', catchingUp: 'catching up', stopped: 'stopped', starting: 'starting', rebuilding: 'rebuilding', standby: 'standby (another host writes)' };

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
    if (m) return `${m}m ${String(r).padStart(2, '0')}s`;
    return `${r}s`;
  }

  // ---- API ---------------------------------------------------------------------------------
  const projectionPath = (name) => `api/projections/${encodeURIComponent(name)}`;
  // The key travels as ?key=: in a path, keys such as '..' or '.' would be removed as dot segments.
  const entityPath = (name, key, rest = '', query = '') =>
    `${projectionPath(name)}/entity${rest}?key=${encodeURIComponent(key)}${query ? '&' + query : ''}`;

  async function api(path, init) {
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      setConnection(false);
      throw new Error('The host does not answer.');
    }
    setConnection(true);
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = new Error(body?.detail || `${response.status} ${response.statusText}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function setConnection(up) {
    connection.textContent = up ? 'connected' : 'host unreachable';
    connection.classList.toggle('down', !up);
  }

  function every(ms, fn) {
    let stopped = false, timer = 0;
    const tick = async () => {
      try { await fn(); } catch (e) { /* shown by fn; keep polling */ }
      if (!stopped) timer = setTimeout(tick, ms);
    };
    tick();
    teardown.push(() => { stopped = true; clearTimeout(timer); });
  }

  // ---- routing -----------------------------------------------------------------------------
  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, query = ''] = raw.split('?');
    try {
      return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
    } catch {
      return { malformed: raw };
    }
  }

  const hrefEntities = (name, query) => `#/p/${encodeURIComponent(name)}${query && String(query) ? '?' + query : ''}`;
  const hrefEntity = (name, key) => `#/p/${encodeURIComponent(name)}/e/${encodeURIComponent(key)}`;
  // A key encodeURIComponent refuses (a lone UTF-16 surrogate) is shown as text rather than as a broken link.
  const entityLink = (name, key) => {
    try {
      return el('a', { href: hrefEntity(name, key) }, key);
    } catch {
      return el('span', { 'data-role': 'unlinkable-key' }, key);
    }
  };
  const hrefDeadLetters = (name) => `#/p/${encodeURIComponent(name)}/dead-letters`;
  const hrefDiff = (name) => `#/p/${encodeURIComponent(name)}/diff`;
  const hrefView = (name) => `#/view/${encodeURIComponent(name)}`;

  function route() {
    teardown.forEach((fn) => fn());
    teardown = [];
    const { parts, query, malformed } = parseHash();
    view.replaceChildren();
    if (malformed !== undefined) view.append(el('div', { class: 'error-box', 'data-role': 'bad-link' },
      'This link is malformed (a bad %-escape): ', malformed, '. ', el('a', { href: '#/' }, 'Back to the dashboard')));
    else if (parts[0] === 'p' && parts[1] && parts[2] === 'e' && parts[3] !== undefined) renderDetail(parts[1], parts[3]);
    else if (parts[0] === 'p' && parts[1] && parts[2] === 'dead-letters') renderDeadLetters(parts[1], query);
    else if (parts[0] === 'p' && parts[1] && parts[2] === 'diff') renderDiff(parts[1], query);
    else if (parts[0] === 'p' && parts[1]) renderEntities(parts[1], query);
    else if (parts[0] === 'view' && parts[1]) renderView(parts[1]);
    else renderDashboard();
    markNav();
  }

  async function loadNav() {
    try {
      const [projections, views] = await Promise.all([api('api/projections'), api('api/views')]);
      replace(nav, el('a', { href: '#/', 'data-nav': '' }, 'Dashboard'),
        projections.map((p) => el('a', { href: hrefEntities(p.name), 'data-nav': p.name }, p.name)),
        views.map((v) => el('a', { href: hrefView(v.name), 'data-nav': `view:${v.name}` }, v.title)));
      markNav();
    } catch (e) {
      setTimeout(loadNav, 2000);
    }
  }

  function markNav() {
    const { parts } = parseHash();
    const current = parts[0] === 'p' ? parts[1] : parts[0] === 'view' ? `view:${parts[1]}` : '';
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.getAttribute('data-nav') === current);
  }

  // ---- dashboard ---------------------------------------------------------------------------
  function renderDashboard() {
    const cards = el('div', { class: 'cards' });
    const error = el('div');
    const hosts = el('div', { class: 'table-wrap', 'data-role': 'hosts' });
    const shards = el('div', { 'data-role': 'shards' });
    view.append(el('h1', {}, 'Dashboard'), error, cards, shards, el('h2', { class: 'section' }, 'Hosts'), hosts);
    // Projections with several shards: the Hosts table names the shards a host writes of those.
    const sharded = new Set();
    every(2000, () => renderHosts(hosts, sharded));
    const byName = new Map();
    every(1000, async () => {
      let projections;
      try {
        projections = await api('api/projections');
        replace(error);
      } catch (e) {
        replace(error, el('div', { class: 'error-box' }, e.message));
        throw e;
      }
      if (projections.length === 0) replace(cards, el('div', { class: 'empty card' }, 'No projections are registered.'));
      for (const p of projections) {
        if (!byName.has(p.name)) {
          const card = projectionCard(p.name);
          byName.set(p.name, card);
          cards.append(card.node);
        }
        byName.get(p.name).update(p);
        if (p.shards.length > 1) sharded.add(p.name); else sharded.delete(p.name);
      }
      replace(shards, shardTable(projections.filter((p) => p.shards.length > 1)));
      await Promise.all([...byName.values()].map((card) => card.refreshCharts()));
    });
  }

  // Events/s, lag and flush size over the host's last 15 minutes: the whole window once, then the samples after the last one drawn.
  function projectionCharts(name) {
    const series = [['eventsPerSecond', 'Events/s'], ['lagEvents', 'Lag (events)'], ['flushSize', 'Flush size (documents)']]
      .map(([key, label]) => ({ key, chart: window.ProjectionsCharts.timeSeries(label, key) }));
    const node = el('div', { class: 'charts', 'data-role': 'charts' }, series.map((s) => s.chart.node));
    let samples = [], lastSeq = 0;
    async function refresh() {
      const answer = await api(`${projectionPath(name)}/charts${lastSeq ? `?after=${lastSeq}` : ''}`);
      if (answer.samples.length === 0 && samples.length > 0) return;
      samples = samples.concat(answer.samples);
      if (samples.length) lastSeq = samples[samples.length - 1].seq;
      const windowMs = answer.windowSeconds * 1000;
      const newest = samples.length ? Date.parse(samples[samples.length - 1].at) : 0;
      samples = samples.filter((s) => newest - Date.parse(s.at) <= windowMs);
      for (const s of series) s.chart.draw(samples.map((sample) => ({ at: sample.at, value: sample[s.key] })), windowMs);
    }
    return { node, refresh };
  }

  // Every host sharing the store (design.md "Several hosts"): which one writes each projection, which are standbys, which are gone.
  async function renderHosts(target, sharded) {
    let answer;
    try {
      answer = await api('api/hosts');
    } catch (e) {
      replace(target, el('div', { class: 'empty' }, e.message));
      throw e;
    }
    const roleHints = { writing: 'holds the lease: the only host writing these projections', standby: 'takes over when the writer stops renewing its lease', gone: 'its heartbeat ran out, or it stopped' };
    replace(target, answer.hosts.length === 0 ? el('div', { class: 'empty' }, 'This store records no hosts.') : el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Host'), el('th', {}, 'Address'), el('th', {}, 'Role'), el('th', {}, 'Writes'),
        el('th', {}, 'Last heartbeat'), el('th', {}, 'Started'))),
      el('tbody', {}, answer.hosts.map((h) => el('tr', { 'data-host': h.id },
        el('td', { class: 'mono' }, h.id, h.thisHost ? el('span', { class: 'muted' }, ' (this host)') : null),
        el('td', {}, h.address ?? '–'),
        el('td', {}, el('span', { class: `badge ${h.role}`, 'data-role': 'host-role', title: roleHints[h.role] }, h.role)),
        el('td', { 'data-role': 'host-writes' }, writtenShards(h.writes, sharded) || '–'),
        el('td', {}, shortTime(h.lastHeartbeat)),
        el('td', {}, shortTime(h.startedAt)))))));
  }

  // "plant-items (generation 1), station-load (generation 1, shards 0, 2)": one entry per projection generation, its shards when it has several.
  function writtenShards(writes, sharded) {
    const groups = new Map();
    for (const w of writes) {
      const id = `${w.projection} (generation ${w.generation}`;
      if (!groups.has(id)) groups.set(id, { projection: w.projection, shards: [] });
      groups.get(id).shards.push(w.shard);
    }
    return [...groups].map(([id, g]) => !sharded.has(g.projection) ? `${id})`
      : `${id}, ${g.shards.length > 1 ? 'shards' : 'shard'} ${g.shards.sort((a, b) => a - b).join(', ')})`).join(', ');
  }

  // Every shard of the projections that have several (design.md "Shards"): who writes it, its lease epoch, status, checkpoint,
  // lag, and when the checkpoint last moved. Absent while every projection has one shard: its card is that shard.
  const shardStatusLabel = { elsewhere: 'other host', unowned: 'no writer', starting: 'starting', catchingUp: 'catching up', live: 'live', stopped: 'stopped' };
  const shardStatusHint = {
    elsewhere: 'Another host writes it: its live state is there; this host answers its keys from the store.',
    unowned: 'Nobody holds its lease: its writer stopped or died, and a host takes it at its next lease check.',
  };
  function shardTable(projections) {
    if (projections.length === 0) return null;
    const head = [['Projection'], ['Shard'], ['Writer', 'The host holding the shard\'s lease'], ['Address', 'Where the writer\'s API answers with the live state'],
      ['Epoch', 'Lease epoch: grows with every change of writer'], ['Status'], ['Checkpoint'], ['Lag (events)', 'Events behind the head'],
      ['Checkpoint moved', 'When this host last saw the checkpoint move']];
    return [
      el('h2', { class: 'section' }, 'Shards'),
      el('div', { class: 'table-wrap' }, el('table', {},
        el('thead', {}, el('tr', {}, head.map(([h, title]) => el('th', { title }, h)))),
        el('tbody', {}, projections.map((p) => p.shards.map((s, i) => el('tr', { 'data-shard-of': p.name, 'data-shard': s.shard },
          el('td', {}, i === 0 ? el('a', { href: hrefEntities(p.name) }, p.name) : ''),
          el('td', { class: 'num' }, s.shard),
          el('td', { class: 'mono', 'data-role': 'shard-owner' }, s.owner ?? '–', s.here ? el('span', { class: 'muted' }, ' (this host)') : null),
          el('td', { 'data-role': 'shard-address' }, s.ownerAddress ?? '–'),
          el('td', { class: 'num', 'data-role': 'shard-epoch' }, num(s.epoch)),
          el('td', {}, el('span', { class: `badge ${s.status}`, 'data-role': 'shard-status', title: shardStatusHint[s.status] }, shardStatusLabel[s.status] ?? s.status)),
          el('td', { class: 'num mono', 'data-role': 'shard-checkpoint' }, s.checkpoint ?? '–'),
          el('td', { class: 'num', 'data-role': 'shard-lag' }, num(s.lagEvents)),
          el('td', { 'data-role': 'shard-moved', title: s.checkpointMovedAt ? time(s.checkpointMovedAt) : 'Not seen moving since this host started' },
            shortTime(s.checkpointMovedAt)))))))),
    ];
  }

  // On a sharded projection's card: which shards the figures are of.
  function cardShardsLine(shards) {
    if (shards.length <= 1) return null;
    const here = shards.filter((s) => s.here).map((s) => s.shard);
    return here.length === 0 ? `${shards.length} shards, all written by other hosts (see Shards below).`
      : `${shards.length} shards: these figures are of ${here.length > 1 ? 'shards' : 'shard'} ${here.join(', ')}, written by this host (all shards below).`;
  }

  function projectionCard(name) {
    const badge = el('span', { class: 'badge', 'data-role': 'status' });
    const deadLink = el('a', { href: hrefDeadLetters(name) }, 'Dead letters');
    const message = el('div', { class: 'muted', 'data-role': 'rebuild-message' });
    const tokenArea = el('span');
    const rebuildButton = el('button', { type: 'button', 'data-role': 'rebuild' }, 'Rebuild');
    rebuildButton.addEventListener('click', () => requestRebuild(name, message, tokenArea, false));
    const previewButton = el('button', { type: 'button', 'data-role': 'rebuild-preview', title: 'Build the new generation beside the active one without switching: diff it, then switch or discard (admin token).' }, 'Rebuild as preview');
    previewButton.addEventListener('click', () => requestRebuild(name, message, tokenArea, true));
    const errorBox = el('div');
    const rebuildBox = el('div');
    const progress = el('div', { class: 'progress', title: 'checkpoint / head' }, el('div', { style: 'width:0%' }));
    const metrics = el('div', { class: 'metrics' });
    const shardsLine = el('div', { class: 'muted', 'data-role': 'card-shards', style: 'margin-top:8px' });
    const reconciliation = el('div', { class: 'muted', 'data-role': 'reconciliation', style: 'margin-top:8px' });
    const charts = projectionCharts(name);
    const node = el('section', { class: 'card', 'data-projection': name },
      el('div', { class: 'card-head' },
        el('h2', {}, el('a', { href: hrefEntities(name) }, name), badge),
        el('div', { class: 'links' }, el('a', { href: hrefEntities(name) }, 'Entities'), deadLink, rebuildButton, previewButton)),
      errorBox, rebuildBox, progress, metrics, shardsLine, charts.node, reconciliation,
      el('div', { style: 'margin-top:10px; display:flex; gap:8px; align-items:center' }, message, tokenArea));

    function update(p) {
      const state = p.rebuild ? 'rebuilding' : p.status;
      badge.className = `badge ${state}`;
      badge.textContent = p.rebuild ? `${statusLabel[p.status] || p.status} · rebuilding` : statusLabel[p.status] || p.status;
      replace(errorBox, p.status === 'stopped' && p.error ? el('div', { class: 'error-box', 'data-role': 'error' }, p.error, parkControl(name, p.stoppedOn, message, tokenArea)) : null);
      replace(rebuildBox, p.rebuild?.preview && p.rebuild.caughtUp ? previewControls(name, p.rebuild.generation, message, tokenArea) : p.rebuild ? [
        el('div', { class: 'notice', 'data-role': 'rebuild-progress' },
          `${p.rebuild.preview ? 'Building a preview of' : 'Rebuilding'} generation ${p.rebuild.generation}: ${dec(p.rebuild.percent)}% (position ${p.rebuild.processed ?? '–'} of ${p.rebuild.target}), ` +
          `${num(Math.round(p.rebuild.eventsPerSecond))} events/s, ETA ${duration(p.rebuild.estimatedRemainingSeconds)}`),
        el('div', { class: 'progress rebuild' }, el('div', { style: `width:${p.rebuild.percent}%` })),
      ] : null);
      // Positions are "n" or "commit/prepare" (EventStoreDB): the commit part orders them.
      const head = parseInt(p.head ?? '0', 10) || 0, checkpoint = parseInt(p.checkpoint ?? '0', 10) || 0;
      progress.firstChild.style.width = `${head > 0 ? Math.min(100, (100 * checkpoint) / head) : 100}%`;
      deadLink.textContent = `Dead letters (${num(p.parkedEvents)})`;
      replace(reconciliation, reconciliationLine(p.reconciliation));
      replace(shardsLine, cardShardsLine(p.shards));
      replace(metrics,
        metric('Checkpoint', p.checkpoint ?? '–', 'checkpoint'),
        metric('Head', p.head ?? '–', 'head'),
        metric('Lag (events)', num(p.lagEvents), 'lagEvents', p.lagEvents === 0),
        metric('Lag (seconds)', dec(p.lagSeconds), 'lagSeconds', p.lagSeconds === 0),
        metric('Events/s', num(Math.round(p.eventsPerSecond)), 'eventsPerSecond'),
        metric('Last flush size', num(p.lastFlushDocuments), 'lastFlushDocuments'),
        metric('Last flush (ms)', dec(p.lastFlushMilliseconds), 'lastFlushMilliseconds'),
        metric('Dirty', num(p.dirtyAggregates), 'dirtyAggregates'),
        metric('Live aggregates', num(p.liveAggregates), 'liveAggregates'),
        metric('Parked events', num(p.parkedEvents), 'parkedEvents'),
        metric('Generation', num(p.generation), 'generation'),
        metric('Events processed', num(p.eventsProcessed), 'eventsProcessed'),
        metric('Unflushed events', num(p.unflushedEvents), 'unflushedEvents'),
        metric('Flushes', num(p.flushes), 'flushes'),
        metric('Last flush at', shortTime(p.lastFlushAt), 'lastFlushAt', false, time(p.lastFlushAt)),
        metric('Stream time', shortTime(p.streamTime), 'streamTime', false, time(p.streamTime)),
        metric('Clock lead', p.wallClockLeadSeconds == null ? '–' : duration(p.wallClockLeadSeconds), 'wallClockLeadSeconds', false,
          'How far the wall clock is ahead of stream time'),
        metric('Stream time moves by', advanceLabels[p.streamTimeAdvance] ?? p.streamTimeAdvance, 'streamTimeAdvance',
          p.streamTimeAdvance === 'advancing' || p.streamTimeAdvance === 'followingEvents', advanceHints[p.streamTimeAdvance]));
    }
    return { node, update, refreshCharts: charts.refresh };
  }

  // Why the wall clock does or does not move stream time (design.md "Stream time and timers").
  const advanceLabels = {
    disabled: 'events only', sourceDisconnected: 'events only: source disconnected', catchingUp: 'events only: catching up',
    eventsBehind: 'events only: events behind', idle: 'events only: no event yet', followingEvents: 'events', advancing: 'wall clock',
  };
  const advanceHints = {
    disabled: 'The wall-clock advance is turned off (--wall-clock-advance false).',
    sourceDisconnected: 'The event source lost its connection; stream time holds until it has caught up again.',
    catchingUp: 'The source is delivering older events; stream time follows them.',
    eventsBehind: 'The latest event time was further behind the wall clock than the allowed lateness when it arrived.',
    idle: 'No event has arrived since the start to show the events are current.',
    followingEvents: 'Events are current; the wall clock takes over if they pause.',
    advancing: 'The source is quiet and current: the wall clock moves stream time, up to now minus the allowed lateness.',
  };

  // The background reconciliation (--reconcile-interval): nothing when it is off.
  function reconciliationLine(r) {
    if (!r) return null;
    if (!r.rounds) return 'Reconciliation: waiting for the first round.';
    const last = `last round ${shortTime(r.lastRoundAt)}: ${num(r.lastChecked)} checked` + (r.lastInFlight ? `, ${num(r.lastInFlight)} in flight` : '');
    return [el('span', { class: `badge ${r.mismatches ? 'stopped' : 'live'}` }, r.mismatches ? `${num(r.mismatches)} mismatches` : 'no mismatch'),
      ` Reconciliation: ${num(r.checked)} aggregates re-folded from the events in ${num(r.rounds)} rounds; ${last}`,
      r.lastMismatchedKeys.length ? el('span', { 'data-role': 'mismatched-keys' }, `; differ: ${r.lastMismatchedKeys.join(', ')}`) : null];
  }

  function metric(label, value, key, good, title) {
    return el('div', { class: 'metric' }, el('div', { class: 'label' }, label),
      el('div', { class: good ? 'value zero' : 'value', 'data-metric': key, title: title || value }, value));
  }

  // "Park this event and continue": offered while a projection is stopped on a poison event or timer.
  function parkControl(name, stoppedOn, message, tokenArea) {
    if (!stoppedOn) return null;
    const what = stoppedOn.position ? `event ${stoppedOn.streamId}@${stoppedOn.streamRevision} (position ${stoppedOn.position})` : `timeout of ${stoppedOn.timerKey}`;
    const button = el('button', { type: 'button', 'data-role': 'park', style: 'margin-top:8px; display:block' }, `Park this ${stoppedOn.position ? 'event' : 'timeout'} and continue`);
    button.title = `Writes ${what} to the dead letters and restarts the projection after it (admin token).`;
    button.addEventListener('click', () => requestPark(name, stoppedOn.position, message, tokenArea));
    return button;
  }

  async function requestPark(name, position, message, tokenArea, token) {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const query = position ? `?position=${encodeURIComponent(position)}` : '';
    replace(message, 'Parking…');
    try {
      const body = await api(`${projectionPath(name)}/park-and-continue${query}`, { method: 'POST', headers });
      replace(tokenArea);
      replace(message, body?.message || 'Parked; the projection continues.');
    } catch (e) {
      replace(message, el('span', { style: 'color:var(--bad)' }, e.message));
      if (e.status === 401) {
        const input = el('input', { type: 'password', placeholder: 'admin token', 'aria-label': 'Admin token', autocomplete: 'off' });
        const send = el('button', { type: 'button', class: 'primary' }, 'Park with token');
        send.addEventListener('click', () => requestPark(name, position, message, tokenArea, input.value));
        replace(tokenArea, input, send);
      }
    }
  }

  function requestRebuild(name, message, tokenArea, preview) {
    adminPost(`${projectionPath(name)}/rebuild${preview ? '?preview=true' : ''}`, preview ? 'Requesting a rebuild preview…' : 'Requesting rebuild…',
      preview ? 'Preview with token' : 'Rebuild with token', message, tokenArea);
  }

  // An admin action (rebuild, switch, discard): on 401 it asks for the token and offers to send it again.
  async function adminPost(path, busy, retryLabel, message, tokenArea, token, done) {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    replace(message, busy);
    try {
      const body = await api(path, { method: 'POST', headers });
      replace(tokenArea);
      replace(message, body?.message || 'Done.');
      if (done) done();
    } catch (e) {
      replace(message, el('span', { style: 'color:var(--bad)', 'data-role': 'action-error' }, e.message));
      if (e.status === 401) {
        const input = el('input', { type: 'password', placeholder: 'admin token', 'aria-label': 'Admin token', autocomplete: 'off' });
        const send = el('button', { type: 'button', class: 'primary' }, retryLabel);
        send.addEventListener('click', () => adminPost(path, busy, retryLabel, message, tokenArea, input.value, done));
        replace(tokenArea, input, send);
      }
    }
  }

  // A caught-up preview (design.md "Preview generations"): see what it changes, then switch to it or discard it.
  function previewControls(name, generation, message, tokenArea, done) {
    const action = (verb, label) => el('button', { type: 'button', 'data-role': verb,
      onclick: () => adminPost(`${projectionPath(name)}/${verb}`, `${label}…`, `${label} with token`, message, tokenArea, undefined, done) }, label);
    return el('div', { class: 'notice', 'data-role': 'preview' },
      `Preview of generation ${generation} has caught up and follows live events; it is not served until you switch. `,
      el('a', { href: hrefDiff(name), 'data-role': 'diff-link' }, 'Diff'), ' ', action('switch', 'Switch'), ' ', action('discard', 'Discard'));
  }

  // ---- entity browser ----------------------------------------------------------------------
  async function renderEntities(name, query) {
    const title = el('h1', {}, name);
    const error = el('div');
    view.append(el('div', { class: 'crumbs' }, el('a', { href: '#/' }, 'Dashboard'), ' › ', name), title, error);
    let projection;
    try {
      projection = await api(projectionPath(name));
    } catch (e) {
      replace(error, el('div', { class: 'error-box' }, e.message));
      return;
    }

    // By default the list shows what is still going on: aggregates the projection's retirement rule does not call finished.
    const state = { skip: Number(query.get('skip')) || 0, take: 50, filters: {}, showFinished: query.get('finished') === 'any' };
    for (const field of ['key', ...projection.fields]) state.filters[field] = query.get(field) || '';
    // Declared fields are chosen from the values the live aggregates have (a select); a field with too many values stays a text box.
    const values = await api(`${projectionPath(name)}/field-values`).catch(() => ({}));
    const seen = Object.fromEntries(projection.fields.map((f) => [f, new Set(state.filters[f] ? [state.filters[f]] : [])]));
    const selects = {};
    const lists = Object.fromEntries(projection.fields.map((f) => [f, el('datalist', { id: `values-${f}` })]));
    const finishedBox = el('input', { type: 'checkbox', 'data-role': 'show-finished', checked: state.showFinished,
      onchange: () => { state.showFinished = finishedBox.checked; state.skip = 0; load(); } });

    const form = el('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      filterInput('key', 'Key contains', ''),
      projection.fields.map((f) => (values[f]?.complete ? filterSelect(f, humanize(f)) : filterInput(f, humanize(f), `values-${f}`))),
      projection.finishes ? el('label', { class: 'check' }, el('span', {}, finishedBox, ' Show finished')) : null,
      el('button', { type: 'button', onclick: clear }, 'Clear'),
      Object.values(lists));
    offer(values);
    every(15000, async () => offer(await api(`${projectionPath(name)}/field-values`)));
    const total = el('span', { class: 'muted', 'data-role': 'total' });
    const hidden = el('span', { class: 'muted', 'data-role': 'finished-hidden' });
    const storedMatch = el('div');
    const table = el('div', { class: 'table-wrap' });
    const pager = el('div', { class: 'pager' });
    title.append(el('a', { href: hrefDeadLetters(name), style: 'font-size:13px; font-weight:normal' }, 'dead letters'));
    view.append(form, el('div', { style: 'margin-bottom:8px' }, total, ' ', hidden), storedMatch, table, pager);

    // Adds values not offered yet to each field's choices (values seen once stay offered), keeping the selection.
    function offer(answer) {
      for (const f of projection.fields) for (const v of answer[f]?.values ?? []) seen[f].add(v);
      for (const f of projection.fields) {
        const known = [...seen[f]].sort();
        if (selects[f]) {
          const current = selects[f].value;
          replace(selects[f], el('option', { value: '' }, 'any'), known.map((v) => el('option', { value: v }, v)));
          selects[f].value = current;
        } else replace(lists[f], known.map((v) => el('option', { value: v })));
      }
    }

    function filterSelect(field, label) {
      const select = el('select', { name: field, 'aria-label': label, 'data-filter': field });
      selects[field] = select;
      replace(select, el('option', { value: '' }, 'any'), [...seen[field]].map((v) => el('option', { value: v }, v)));
      select.value = state.filters[field];
      select.addEventListener('change', () => {
        state.filters[field] = select.value;
        state.skip = 0;
        load();
      });
      return el('label', {}, label, select);
    }

    let debounce = 0;
    function filterInput(field, label, list) {
      const input = el('input', { name: field, value: state.filters[field], list: list || null, autocomplete: 'off', placeholder: 'any', 'aria-label': label });
      input.addEventListener('input', () => {
        state.filters[field] = input.value.trim();
        state.skip = 0;
        clearTimeout(debounce);
        debounce = setTimeout(load, 250);
      });
      return el('label', {}, label, input);
    }

    function clear() {
      for (const input of form.querySelectorAll('input:not([type=checkbox]), select')) input.value = '';
      for (const field of Object.keys(state.filters)) state.filters[field] = '';
      state.skip = 0;
      state.showFinished = finishedBox.checked = false;
      load();
    }

    // withPaging: the API's query (skip, take, finished=false by default); else the page's own link (finished=any when shown).
    function currentQuery(withPaging) {
      const q = new URLSearchParams();
      for (const [field, value] of Object.entries(state.filters)) if (value) q.set(field, value);
      if (withPaging) { q.set('skip', state.skip); q.set('take', state.take); } else if (state.skip) q.set('skip', state.skip);
      if (projection.finishes && !state.showFinished && withPaging) q.set('finished', 'false');
      if (projection.finishes && state.showFinished && !withPaging) q.set('finished', 'any');
      return q;
    }

    async function load() {
      history.replaceState(null, '', hrefEntities(name, currentQuery(false)));
      hidden.textContent = projection.finishes && !state.showFinished ? '(finished ones hidden)' : '';
      let page;
      try {
        page = await api(`${projectionPath(name)}/entities?${currentQuery(true)}`);
        replace(error);
      } catch (e) {
        replace(error, el('div', { class: 'error-box' }, e.message));
        return;
      }
      const fresh = {};
      for (const item of page.items) for (const f of projection.fields) {
        const v = item.fields[f];
        if (v && !seen[f].has(v) && seen[f].size < 200) (fresh[f] ??= { values: [] }).values.push(v);
      }
      if (Object.keys(fresh).length) offer(fresh);
      total.textContent = `${num(page.total)} live ${page.total === 1 ? 'entity' : 'entities'}`;
      // Retired (or evicted) items are only in the store: the API looks the exact key up there.
      const found = page.storedMatch;
      replace(storedMatch, found ? el('div', { class: 'stored-match', 'data-role': 'stored-match', 'data-key': found.key },
        entityLink(name, found.key), ' ',
        el('span', { class: `badge ${found.retired ? 'retired' : 'stored'}` }, found.retired ? 'retired' : 'not in memory'), ' ',
        el('span', { class: 'muted' }, `${found.retired ? 'finished and left memory; ' : ''}stored version ${num(found.version)} · position ${found.position} · written ${time(found.updatedAt)}`),
        projection.fields.filter((f) => found.fields[f]).map((f) => el('span', { class: 'muted' }, ` · ${humanize(f)}: ${found.fields[f]}`))) : null);
      replace(table, page.items.length === 0 ? el('div', { class: 'empty' }, 'No live entity matches.') : el('table', {},
        el('thead', {}, el('tr', {}, el('th', {}, 'Key'), projection.fields.map((f) => el('th', {}, humanize(f))),
          el('th', {}, 'Version'), el('th', {}, 'Persisted'), el('th', {}, 'Timeout at'), el('th', {}, 'Position'))),
        el('tbody', {}, page.items.map((item) => el('tr', { 'data-key': item.key },
          el('td', {}, entityLink(name, item.key)),
          projection.fields.map((f) => el('td', { 'data-field': f }, f === 'status' && item.fields[f]
            ? el('span', { class: `badge ${item.fields[f].toLowerCase()}` }, item.fields[f]) : item.fields[f] ?? '')),
          el('td', { class: 'num' }, num(item.version)),
          el('td', { class: 'num' }, num(item.persistedVersion)),
          el('td', {}, time(item.timeoutAt)),
          el('td', { class: 'num mono' }, item.position))))));
      const last = Math.min(page.total, state.skip + page.items.length);
      replace(pager,
        page.total ? `${num(page.items.length ? state.skip + 1 : 0)}–${num(last)} of ${num(page.total)}` : '',
        el('button', { type: 'button', disabled: state.skip === 0, onclick: () => { state.skip = Math.max(0, state.skip - state.take); load(); } }, '‹ Previous'),
        el('button', { type: 'button', disabled: last >= page.total, onclick: () => { state.skip += state.take; load(); } }, 'Next ›'));
    }

    every(3000, load);
  }

  // ---- detail ------------------------------------------------------------------------------
  function renderDetail(name, key) {
    const badge = el('span', { class: 'badge big', 'data-role': 'entity-status' });
    const lostBanner = el('div');
    const retiredBanner = el('div');
    const stateTitle = el('h3', {}, 'Current state (live)');
    const error = el('div');
    const stateTree = el('div', { class: 'tree', 'data-role': 'state' });
    const storedTree = el('div', { class: 'tree', 'data-role': 'persisted' }, el('span', { class: 'muted' }, 'Loading…'));
    const facts = el('dl', { class: 'facts' });
    const events = el('ul', { class: 'events', 'data-role': 'recent-events' });
    const live = el('span', { class: 'muted stream-state', 'data-role': 'stream-state' }, 'connecting…');
    view.append(
      el('div', { class: 'crumbs' }, el('a', { href: '#/' }, 'Dashboard'), ' › ', el('a', { href: hrefEntities(name) }, name), ' › ', key),
      el('h1', {}, el('span', { 'data-role': 'entity-key' }, key), badge, live),
      error, lostBanner, retiredBanner,
      el('div', { class: 'detail' },
        el('div', { class: 'stack' },
          el('section', { class: 'card' }, stateTitle, stateTree),
          el('section', { class: 'card' }, el('h3', {}, 'Persisted document'), storedTree)),
        el('div', { class: 'stack' },
          el('section', { class: 'card' }, el('h3', {}, 'Versions'), facts),
          el('section', { class: 'card' }, el('h3', {}, 'Recent events'), events))),
      historySection(name, key));

    let knownEvents = new Set();
    let storedTimer = 0, storedLoading = false, liveState = null, storedDoc = null;
    async function loadStored() {
      if (storedLoading) return;
      storedLoading = true;
      try {
        storedDoc = await api(entityPath(name, key, '', 'source=store'));
        showStored();
      } catch (e) {
        replace(storedTree, el('span', { class: 'muted' }, e.status === 404 ? 'Not persisted yet: the next flush writes it.' : e.message));
      } finally {
        storedLoading = false;
      }
    }
    function scheduleStored() { clearTimeout(storedTimer); storedTimer = setTimeout(loadStored, 300); }

    // The persisted document next to the live state: the top-level fields that differ, then the whole document folded.
    function showStored() {
      if (!storedDoc) return;
      const stored = storedDoc.state || {};
      const live = liveState || {};
      const keys = [...new Set([...Object.keys(live), ...Object.keys(stored)])];
      const differing = keys.filter((k) => JSON.stringify(live[k]) !== JSON.stringify(stored[k]));
      replace(storedTree,
        el('div', { class: 'muted', style: 'margin-bottom:8px' }, `version ${num(storedDoc.version)} · position ${storedDoc.position} · written ${time(storedDoc.updatedAt)}`),
        differing.length === 0
          ? el('div', { 'data-role': 'persisted-diff' }, 'Same as the live state.')
          : el('table', { 'data-role': 'persisted-diff' },
            el('thead', {}, el('tr', {}, el('th', {}, 'Field'), el('th', {}, 'Live'), el('th', {}, 'Persisted'))),
            el('tbody', {}, differing.map((k) => el('tr', {}, el('td', { class: 'k' }, k), el('td', {}, tree(live[k])), el('td', {}, tree(stored[k])))))),
        el('details', { style: 'margin-top:8px' }, el('summary', {}, 'Whole persisted document'), tree(stored)));
    }

    function show(message) {
      const entity = message.entity;
      const status = entity.fields?.status;
      badge.hidden = !status;
      badge.className = `badge big ${(status || '').toLowerCase()}`;
      badge.textContent = status || '';
      const timedOut = message.kind === 'timedOut' || entity.recentEvents[0]?.eventType === '$timeout' || (status || '').toLowerCase() === 'lost';
      replace(lostBanner, timedOut ? el('div', { class: 'banner-lost', 'data-role': 'lost' },
        (status || '').toLowerCase() === 'lost' ? 'Lost: no event arrived before its timeout.' : 'Its timeout fired.') : null);
      replace(retiredBanner, entity.retired ? el('div', { class: 'banner-retired', 'data-role': 'retired' },
        'Retired: it finished and left memory; this is its stored document. Another event for it brings it back.') : null);
      stateTitle.textContent = entity.source === 'live' ? 'Current state (live)' : 'Current state (stored, not in memory)';
      replace(stateTree, tree(entity.state));
      liveState = entity.state;
      showStored();
      const behind = (entity.version ?? 0) - (entity.persistedVersion ?? 0);
      replace(facts,
        el('dt', {}, 'Live version'), el('dd', { 'data-role': 'live-version' }, num(entity.version)),
        el('dt', {}, 'Persisted version'), el('dd', { 'data-role': 'persisted-version' }, num(entity.persistedVersion), ' ',
          el('span', { class: `badge sync ${behind > 0 ? 'catchingUp' : 'live'}` }, behind > 0 ? `${behind} not yet persisted` : 'in sync')),
        el('dt', {}, 'Last position'), el('dd', { class: 'mono' }, entity.position),
        el('dt', {}, 'Timeout at'), el('dd', {}, time(entity.timeoutAt)),
        el('dt', {}, 'Source'), el('dd', {}, entity.source === 'live' ? 'memory (live)' : entity.retired ? 'store (retired)' : 'store (not in memory)'));
      const recent = entity.recentEvents; // newest first
      replace(events, recent.length === 0 ? el('li', { class: 'muted' }, 'None remembered.') : recent.map((e) => {
        const id = `${e.position}:${e.eventType}:${e.version}`;
        const item = el('li', { class: knownEvents.size && !knownEvents.has(id) ? 'fresh' : null, 'data-event-type': e.eventType },
          el('span', {}, el('strong', {}, e.eventType === '$timeout' ? 'timeout fired' : e.eventType), el('br'),
            el('span', { class: 'muted mono' }, e.eventType === '$timeout' ? `at stream position ${e.position}` : `${e.streamId}@${e.streamRevision} · pos ${e.position}`)),
          el('span', { class: 'muted', style: 'text-align:right' }, `v${e.version}`, el('br'), time(e.time)));
        return item;
      }));
      knownEvents = new Set(recent.map((e) => `${e.position}:${e.eventType}:${e.version}`));
      if (message.kind === 'persisted' || message.kind === 'snapshot') scheduleStored();
    }

    const source = new EventSource(entityPath(name, key, '/stream'));
    source.addEventListener('entity', (e) => {
      live.textContent = '● live';
      live.style.color = 'var(--ok)';
      replace(error);
      show(JSON.parse(e.data));
    });
    source.addEventListener('error', async () => {
      live.textContent = source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…';
      live.style.color = 'var(--warn)';
      if (source.readyState === EventSource.CLOSED) {
        try { await api(entityPath(name, key)); } catch (err) { replace(error, el('div', { class: 'error-box' }, err.message)); }
      }
    });
    teardown.push(() => { source.close(); clearTimeout(storedTimer); });
  }

  // The aggregate's whole history, folded on demand by the reference fold; step through it to see the state as of each event or timeout.
  function historySection(name, key) {
    const body = el('div', { 'data-role': 'history' }, el('button', { type: 'button', 'data-role': 'history-load' }, 'Fold the history'));
    const section = el('section', { class: 'card', style: 'margin-top:16px' }, el('h3', {}, 'History'), body);
    body.firstChild.addEventListener('click', async () => {
      replace(body, el('span', { class: 'muted' }, 'Folding…'));
      try {
        show(await api(entityPath(name, key, '/history', 'take=500')));
      } catch (e) {
        replace(body, el('div', { class: 'error-box' }, e.message));
      }
    });
    function show(page) {
      const steps = page.items;
      let index = steps.length - 1;
      const label = el('span', { 'data-role': 'history-step-label' });
      const prev = el('button', { type: 'button', 'data-role': 'history-prev' }, '◀ Previous');
      const next = el('button', { type: 'button', 'data-role': 'history-next' }, 'Next ▶');
      const changes = el('div', { 'data-role': 'history-changes' });
      const state = el('div', { class: 'tree', 'data-role': 'history-state' });
      const list = el('ol', { class: 'events', 'data-role': 'history-steps' });
      function select(i) {
        index = i;
        const step = steps[i];
        prev.disabled = i === 0;
        next.disabled = i === steps.length - 1;
        label.textContent = `Step ${i + 1} of ${steps.length}: ${step.kind === 'timeout' ? 'timeout fired' : step.eventType} · v${step.version} · ${time(step.time)}`;
        replace(changes, step.changes.length === 0 ? el('span', { class: 'muted' }, 'No field changed.') : el('table', {},
          el('thead', {}, el('tr', {}, el('th', {}, 'Field'), el('th', {}, 'Before'), el('th', {}, 'After'))),
          el('tbody', {}, step.changes.map((c) => el('tr', {}, el('td', { class: 'k' }, c.path), el('td', {}, tree(c.old)), el('td', {}, tree(c.new)))))));
        replace(state, tree(step.state));
        [...list.children].forEach((li, n) => li.classList.toggle('fresh', n === i));
      }
      prev.addEventListener('click', () => select(index - 1));
      next.addEventListener('click', () => select(index + 1));
      replace(list, steps.map((step, i) => {
        const li = el('li', { 'data-event-type': step.eventType },
          el('span', {}, el('strong', {}, step.kind === 'timeout' ? 'timeout fired' : step.eventType), el('br'),
            el('span', { class: 'muted mono' }, step.kind === 'timeout' ? `deadline ${time(step.time)}` : `${step.streamId}@${step.streamRevision} · pos ${step.position}`)),
          el('span', { class: 'muted', style: 'text-align:right' }, `v${step.version}`, el('br'), `${step.changes.length} changed`));
        li.addEventListener('click', () => select(i));
        return li;
      }));
      replace(body,
        el('div', { class: 'muted', 'data-role': 'history-scan' },
          `${num(steps.length)} steps folded from ${num(page.scanned)} events up to checkpoint ${page.checkpoint ?? '–'}.`, page.message ? ` ${page.message}` : ''),
        el('div', { class: 'detail', style: 'margin-top:8px' },
          el('div', { class: 'stack' }, el('div', {}, prev, ' ', next, ' ', label), el('h4', {}, 'Fields changed'), changes, el('h4', {}, 'State after this step'), state),
          list));
      if (steps.length > 0) select(index);
    }
    return section;
  }

  // A JSON value as nested tables: objects as key/value rows, arrays as numbered rows.
  function tree(value) {
    if (value === null || value === undefined) return el('span', { class: 'nul' }, 'null');
    if (Array.isArray(value)) {
      if (value.length === 0) return el('span', { class: 'nul' }, 'empty list');
      const rows = value.map((v, i) => el('tr', {}, el('td', { class: 'k' }, `${i + 1}`), el('td', {}, tree(v))));
      const table = el('table', {}, el('tbody', {}, rows));
      return value.length > 8 ? el('details', {}, el('summary', {}, `${value.length} items`), table) : table;
    }
    if (typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 0) return el('span', { class: 'nul' }, 'empty');
      return el('table', {}, el('tbody', {}, entries.map(([k, v]) => el('tr', {}, el('td', { class: 'k' }, k), el('td', {}, tree(v))))));
    }
    if (typeof value === 'string') return el('span', { class: 'str' }, value);
    if (typeof value === 'number') return el('span', { class: 'num' }, String(value));
    return el('span', { class: 'bool' }, String(value));
  }

  // ---- dead letters ------------------------------------------------------------------------
  function renderDeadLetters(name, query) {
    const error = el('div');
    const body = el('div', { class: 'table-wrap' });
    const pager = el('div', { class: 'pager' });
    let skip = Number(query.get('skip')) || 0;
    const take = 50;
    view.append(
      el('div', { class: 'crumbs' }, el('a', { href: '#/' }, 'Dashboard'), ' › ', el('a', { href: hrefEntities(name) }, name), ' › dead letters'),
      el('h1', {}, `Dead letters of ${name}`), error, body, pager);

    async function load() {
      let letters;
      try {
        letters = await api(`${projectionPath(name)}/dead-letters?skip=${skip}&take=${take}`);
        replace(error);
      } catch (e) {
        replace(error, el('div', { class: 'error-box' }, e.message));
        return;
      }
      replace(body, letters.length === 0 && skip === 0 ? el('div', { class: 'empty' }, 'No parked events.') : el('table', {},
        el('thead', {}, el('tr', {}, ['Position', 'Event', 'Reason', 'Parked at', 'Payload'].map((h) => el('th', {}, h)))),
        el('tbody', {}, letters.map((d) => el('tr', {},
          el('td', { class: 'mono' }, d.position),
          el('td', {}, el('strong', {}, d.eventType), el('br'), el('span', { class: 'muted mono' }, `${d.streamId}@${d.streamRevision}`), el('br'), el('span', { class: 'muted mono' }, d.eventId)),
          el('td', { style: 'max-width:380px; white-space:pre-wrap; word-break:break-word' }, d.reason),
          el('td', {}, time(d.parkedAt)),
          el('td', { style: 'max-width:360px' }, el('pre', { class: 'payload mono' }, d.data)))))));
      replace(pager,
        el('button', { type: 'button', disabled: skip === 0, onclick: () => { skip = Math.max(0, skip - take); load(); } }, '‹ Previous'),
        el('button', { type: 'button', disabled: letters.length < take, onclick: () => { skip += take; load(); } }, 'Next ›'));
    }
    every(5000, load);
  }

  // ---- an application's chart view (ProjectionsBuilder.AddView) ------------------------------
  function renderView(name) {
    const title = el('h1', {}, name);
    const description = el('p', { class: 'muted' });
    const error = el('div');
    const chart = el('div', { class: 'card', 'data-role': 'view-chart' });
    const highlighted = el('div', { 'data-role': 'view-highlighted' });
    view.append(el('div', { class: 'crumbs' }, el('a', { href: '#/' }, 'Dashboard'), ' › ', name), title, description, error, chart, highlighted);
    every(3000, async () => {
      let answer;
      try {
        answer = await api(`api/views/${encodeURIComponent(name)}`);
        replace(error);
      } catch (e) {
        replace(error, el('div', { class: 'error-box' }, e.message));
        throw e;
      }
      replace(title, answer.title);
      replace(description, answer.description || '', answer.standby ? ' This host is a standby: it holds no live aggregates.' : '',
        ` From ${num(answer.liveAggregates)} live aggregates of `, el('a', { href: hrefEntities(answer.projection) }, answer.projection), '.');
      const width = Math.max(320, chart.clientWidth - 36);
      replace(chart,
        el('div', { class: 'legend' }, el('span', { class: 'swatch' }), answer.countLabel, el('span', { class: 'swatch alert' }), answer.highlightLabel),
        window.ProjectionsCharts.bars(answer.bars.map((b) => ({ label: b.label, count: b.count, highlighted: b.highlightedKeys })),
          answer.countLabel, answer.highlightLabel, width));
      const flagged = answer.bars.filter((b) => b.highlightedKeys.length);
      replace(highlighted, flagged.length === 0 ? null : el('section', { class: 'card', style: 'margin-top:16px' },
        el('h3', {}, humanize(answer.highlightLabel)),
        el('ul', { class: 'lost-list' }, flagged.map((b) => el('li', { 'data-bar': b.label }, `${b.label}: `,
          b.highlightedKeys.map((key, i) => [i ? ', ' : '', el('span', { 'data-role': 'highlighted-key', 'data-key': key }, entityLink(answer.projection, key))]))))));
    });
  }

  // ---- preview diff ------------------------------------------------------------------------
  function renderDiff(name, query) {
    const error = el('div');
    const summary = el('div', { 'data-role': 'diff-summary' });
    const body = el('div', { class: 'table-wrap' });
    const pager = el('div', { class: 'pager' });
    const message = el('div', { class: 'muted' });
    const tokenArea = el('span');
    const actions = el('div');
    const filters = { key: query.get('key') || '', field: query.get('field') || '' };
    let skip = Number(query.get('skip')) || 0;
    const take = 50;
    const input = (field, label) => el('label', {}, label, ' ', el('input', { type: 'search', value: filters[field], 'data-filter': field,
      oninput: (e) => { filters[field] = e.target.value; skip = 0; clearTimeout(typing); typing = setTimeout(load, 300); } }));
    let typing = 0;
    teardown.push(() => clearTimeout(typing));
    view.append(
      el('div', { class: 'crumbs' }, el('a', { href: '#/' }, 'Dashboard'), ' › ', el('a', { href: hrefEntities(name) }, name), ' › diff'),
      el('h1', {}, `Preview of ${name} against the active generation`), error, summary, actions,
      el('div', { class: 'filters' }, input('key', 'Key'), input('field', 'Field')), body, pager,
      el('div', { style: 'margin-top:10px; display:flex; gap:8px; align-items:center' }, message, tokenArea));

    async function load() {
      const params = new URLSearchParams({ skip, take });
      for (const [field, value] of Object.entries(filters)) if (value) params.set(field, value);
      let diff;
      try {
        diff = await api(`${projectionPath(name)}/diff?${params}`);
        replace(error);
      } catch (e) {
        replace(error, el('div', { class: 'error-box', 'data-role': 'diff-error' }, e.message));
        return;
      }
      replace(summary, el('div', { class: 'metrics' },
        metric('Added', num(diff.added), 'added'), metric('Removed', num(diff.removed), 'removed'), metric('Changed', num(diff.changed), 'changed'),
        metric('Unchanged', num(diff.unchanged), 'unchanged'),
        metric('Pending', num(diff.pending), 'pending', diff.pending === 0, 'Touched after the lower of the two checkpoints: compared once both passed it.'),
        metric(`Generation ${diff.activeGeneration} (active)`, diff.activeCheckpoint ?? '–', 'activeCheckpoint', false, 'checkpoint'),
        metric(`Generation ${diff.previewGeneration} (preview)`, diff.previewCheckpoint ?? '–', 'previewCheckpoint', false, 'checkpoint')));
      replace(actions, el('div', { style: 'margin:12px 0' }, previewControls(name, diff.previewGeneration, message, tokenArea, () => { location.hash = '#/'; })));
      const value = (v) => (v === null || v === undefined ? '(none)' : JSON.stringify(v));
      replace(body, diff.documents.length === 0 ? el('div', { class: 'empty' }, diff.matching === 0 ? 'No differences.' : 'No more differences.') : el('table', {},
        el('thead', {}, el('tr', {}, ['Key', 'Change', 'Field', 'Active', 'Preview'].map((h) => el('th', {}, h)))),
        el('tbody', {}, diff.documents.map((d) => d.fields.map((f, i) => el('tr', { 'data-key': d.key, 'data-field': f.path },
          el('td', { class: 'mono' }, i === 0 ? d.key : ''), el('td', {}, i === 0 ? d.change : ''), el('td', { class: 'mono' }, f.path || '(state)'),
          el('td', { class: 'mono' }, value(f.old)), el('td', { class: 'mono' }, value(f.new))))))));
      replace(pager,
        el('button', { type: 'button', disabled: skip === 0, onclick: () => { skip = Math.max(0, skip - take); load(); } }, '‹ Previous'),
        el('span', { class: 'muted' }, `${num(diff.matching)} documents differ${filters.key || filters.field ? ' (filtered)' : ''}`),
        el('button', { type: 'button', disabled: skip + take >= diff.matching, onclick: () => { skip += take; load(); } }, 'Next ›'));
    }
    load();
  }

  window.addEventListener('hashchange', route);
  loadNav();
  route();
})();
