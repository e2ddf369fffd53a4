// Sluice dashboard: reads the scheduler's REST API (scheduler/Api/README.md) and its event stream.
// No build step and no dependency; served with a strict Content-Security-Policy, so nothing here
// writes inline script or style markup (element.style properties are set through the CSSOM).
'use strict';

(() => {
  const POLL_MS = 2000;
  const HISTORY_MS = 5 * 60 * 1000;
  const EVENT_LINES = 60;
  const TOKEN_KEY = 'sluice.apiToken';
  // After a 404 of the deployments list (a scheduler without deployments), ask again this rarely, or on a deployment.* event.
  const DEPLOYMENTS_RECHECK_MS = 30000;
  const TERMINAL = new Set(['succeeded', 'rolledBack', 'failed', 'aborted']);
  // Which deployment buttons make sense in which status (the scheduler has the last word).
  const ACTIONS = {
    promote: ['baking', 'waitingForPromotion'],
    pause: ['pending', 'inProgress', 'baking', 'waitingForPromotion'],
    resume: ['paused'],
    rollback: ['pending', 'inProgress', 'baking', 'waitingForPromotion', 'paused'],
    abort: ['pending', 'inProgress', 'baking', 'waitingForPromotion', 'paused', 'rollingBack'],
  };
  // Blue, green, orange, purple, red, teal, …: the first version seen is blue, the next green.
  const HUES = [212, 140, 32, 275, 0, 180, 55, 320];

  const state = {
    consumers: [],
    selected: null,
    status: null,
    deployments: null, // null: the scheduler has no deployments endpoint (404) or none to show
    deploymentsMissingSince: null, // when the deployments list last answered 404
    samples: [], // {t, rate, lag} per status poll of the selected consumer
    lastOffsets: null, // {t, offsets: Map 'topic/partition' -> committed offset}
    versionHues: new Map(),
    inFlight: null,
    queued: false,
  };

  const $ = (id) => document.getElementById(id);

  /** Creates an element: el('td', {className: 'x'}, 'text', child…). Text is always text, never markup. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'dataset') Object.assign(node.dataset, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function time(value) {
    const d = value ? new Date(value) : new Date();
    return Number.isNaN(d.getTime()) ? String(value) : d.toTimeString().slice(0, 8);
  }

  function number(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return '–';
    const abs = Math.abs(n);
    if (abs >= 1e9) return (n / 1e9).toFixed(1) + 'G';
    if (abs >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (abs >= 1e4) return (n / 1e3).toFixed(1) + 'k';
    return abs >= 100 || Number.isInteger(n) ? Math.round(n).toString() : String(Number(n.toPrecision(2)));
  }

  // ---- REST ------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, problem) {
      const p = problem && typeof problem === 'object' ? problem : {};
      const title = p.title || `HTTP ${status}`;
      const fields = p.errors ? Object.values(p.errors).flat().join(' ') : '';
      super(title);
      this.status = status;
      this.title = title;
      this.detail = [p.detail || (typeof problem === 'string' ? problem : ''), fields].filter(Boolean).join(' ');
    }
  }

  /** Calls the API; mutating calls carry the token. Throws ApiError with the problem+json title/detail. */
  async function api(method, path, body) {
    const headers = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (method !== 'GET' && token) headers.Authorization = 'Bearer ' + token;
    let response;
    try {
      response = await fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, { title: 'Scheduler unreachable', detail: e.message });
    }
    const type = response.headers.get('Content-Type') || '';
    const payload = response.status === 204 ? null : type.includes('json') ? await response.json().catch(() => null) : await response.text();
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  }

  const consumerPath = (name) => '/api/v1/consumers/' + encodeURIComponent(name);

  function showError(error) {
    $('error-title').textContent = error.title || error.message || 'Error';
    $('error-detail').textContent = error.detail || '';
    $('error').hidden = false;
  }

  function showNotice(text) {
    $('notice').textContent = text;
    $('notice').hidden = false;
    clearTimeout(showNotice.timer);
    showNotice.timer = setTimeout(() => { $('notice').hidden = true; }, 4000);
  }

  // ---- consumers ---------------------------------------------------------------------------------

  async function refreshConsumers() {
    try {
      state.consumers = await api('GET', '/api/v1/consumers');
    } catch (e) {
      showError(e);
      return;
    }
    renderConsumers();
    if (!state.selected && state.consumers.length > 0 && !location.hash) select(state.consumers[0].name);
  }

  function renderConsumers() {
    const list = $('consumers');
    list.replaceChildren(...state.consumers.map((c) => {
      const link = el('a', { href: '#/consumers/' + encodeURIComponent(c.name) },
        el('span', { className: 'name' }, c.name),
        el('span', { className: 'muted' }, `${c.activeVersion} · ${c.instances}×`));
      if (c.name === state.selected) link.setAttribute('aria-current', 'page');
      return el('li', { dataset: { name: c.name } }, link);
    }));
    $('consumers-empty').hidden = state.consumers.length > 0;
  }

  function selectionFromHash() {
    const match = /^#\/consumers\/(.+)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function select(name) {
    if (selectionFromHash() !== name) {
      location.hash = '#/consumers/' + encodeURIComponent(name);
      return; // hashchange selects
    }
    applySelection(name);
  }

  function applySelection(name) {
    if (state.selected === name) return;
    state.selected = name;
    state.status = null;
    state.deployments = null;
    state.deploymentsMissingSince = null;
    state.samples = [];
    state.lastOffsets = null;
    $('scale-instances').value = '';
    renderConsumers();
    render();
    refreshSelected();
  }

  // ---- status and deployments ----------------------------------------------------------------------

  /** Re-fetches the selected consumer's status and deployments; calls while one runs are merged into one more. */
  function refreshSelected() {
    if (state.inFlight) {
      state.queued = true;
      return state.inFlight;
    }
    state.inFlight = (async () => {
      try {
        do {
          state.queued = false;
          await fetchSelected();
        } while (state.queued);
      } finally {
        state.inFlight = null;
      }
    })();
    return state.inFlight;
  }

  async function fetchSelected() {
    const name = state.selected;
    if (!name) return;
    const missing = state.deploymentsMissingSince;
    const askDeployments = missing === null || Date.now() - missing >= DEPLOYMENTS_RECHECK_MS;
    const [status, deployments] = await Promise.allSettled([
      api('GET', consumerPath(name) + '/status'),
      askDeployments ? api('GET', consumerPath(name) + '/deployments') : Promise.resolve(null),
    ]);
    if (name !== state.selected) return;
    if (status.status === 'rejected') {
      showError(status.reason);
      // The consumer is gone (deleted, or a stale address): stop polling it.
      if (status.reason.status === 404) deselect();
      return;
    }
    state.status = status.value;
    sample(status.value);
    if (askDeployments && deployments.status === 'fulfilled') {
      state.deployments = Array.isArray(deployments.value) ? deployments.value : null;
      state.deploymentsMissingSince = null;
    } else if (askDeployments) {
      // 404: this scheduler has no deployments endpoint: no deployment panel.
      state.deployments = null;
      if (deployments.reason.status === 404) state.deploymentsMissingSince = Date.now();
      else showError(deployments.reason);
    }
    render();
  }

  function deselect() {
    state.selected = null;
    state.status = null;
    state.deployments = null;
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    renderConsumers();
    render();
  }

  /** Adds a throughput and lag point: records/s from the committed offsets' growth since the last poll. */
  function sample(status) {
    const now = Date.now();
    // An event-driven refresh right after a poll would make a noisy rate: keep at most one point a second.
    if (state.lastOffsets && now - state.lastOffsets.t < 1000) return;
    const offsets = new Map();
    let lag = null;
    for (const p of status.partitions) {
      if (p.committedOffset !== null && p.committedOffset !== undefined) offsets.set(p.topic + '/' + p.partition, p.committedOffset);
      if (p.lag !== null && p.lag !== undefined) lag = (lag || 0) + p.lag;
    }
    let rate = null;
    const last = state.lastOffsets;
    if (last) {
      let moved = 0;
      let compared = 0;
      for (const [key, offset] of offsets) {
        const before = last.offsets.get(key);
        // A partition that moved back (a rewind) or appeared since says nothing about the rate.
        if (before !== undefined && offset >= before) {
          moved += offset - before;
          compared++;
        }
      }
      if (compared > 0) rate = moved / ((now - last.t) / 1000);
    }
    state.lastOffsets = { t: now, offsets };
    state.samples.push({ t: now, rate, lag });
    while (state.samples.length > 0 && state.samples[0].t < now - HISTORY_MS) state.samples.shift();
  }

  function hueOf(version) {
    if (!state.versionHues.has(version)) state.versionHues.set(version, HUES[state.versionHues.size % HUES.length]);
    return state.versionHues.get(version);
  }

  // ---- rendering -----------------------------------------------------------------------------------

  function render() {
    const s = state.status;
    $('no-selection').hidden = Boolean(state.selected);
    $('consumer').hidden = !state.selected;
    if (!state.selected) return;
    $('c-name').textContent = state.selected;
    if (!s) {
      for (const id of ['c-topics', 'c-version', 'c-desired', 'c-running', 'c-partitions']) $(id).textContent = '–';
      renderTasks([]);
      renderPartitions({ tasks: [], partitions: [] });
      renderOperations([]);
      renderDeployment();
      renderCharts();
      return;
    }
    $('c-topics').textContent = s.topics.join(', ');
    $('c-version').textContent = s.activeVersion;
    $('c-desired').textContent = s.desiredInstances;
    $('c-running').textContent = s.runningTasks;
    $('c-partitions').textContent = s.partitions.length;
    if (document.activeElement !== $('scale-instances') && $('scale-instances').value === '') {
      $('scale-instances').placeholder = s.desiredInstances;
    }
    renderTasks(s.tasks);
    renderPartitions(s);
    renderOperations(s.operations);
    renderDeployment();
    renderCharts();
  }

  function renderTasks(tasks) {
    $('tasks').replaceChildren(...tasks.map((t) => {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.backgroundColor = `hsl(${hueOf(t.version)} 60% 55%)`;
      return el('tr', { dataset: { task: t.taskId } },
        el('td', { className: 'mono' }, t.taskId),
        el('td', { className: 'mono' }, t.agentId || '–'),
        el('td', {}, swatch, t.version),
        el('td', { className: 'state-' + t.mesosState }, t.mesosState),
        el('td', { className: t.connected ? 'ok' : 'warn' }, `${t.controlPlaneState}${t.connected ? ' · connected' : ' · not connected'}`));
    }));
    $('tasks-empty').hidden = tasks.length > 0;
  }

  function renderPartitions(s) {
    const versionOf = new Map(s.tasks.map((t) => [t.taskId, t.version]));
    const lags = s.partitions.map((p) => p.lag || 0);
    // Shade on a log scale, so one partition far behind does not wash out the rest; 100 records is "some lag".
    const scale = Math.log10(1 + Math.max(100, ...lags));
    const versions = new Set();
    $('partitions').replaceChildren(...s.partitions.map((p) => {
      const version = p.owner ? versionOf.get(p.owner) : undefined;
      const cell = el('div', {
        className: 'cell ' + p.state + (version === undefined ? ' unowned' : ''),
        title: `${p.topic}[${p.partition}] ${p.state}` +
          (p.owner ? `\nowner ${p.owner}${version ? ' (' + version + ')' : ''}, epoch ${p.epoch}` : '\nno owner') +
          `\ncommitted ${p.committedOffset ?? '–'}, lag ${p.lag ?? '–'}`,
        dataset: { topic: p.topic, partition: String(p.partition), version: version || '' },
      }, String(p.partition));
      if (version !== undefined) {
        versions.add(version);
        const shade = p.lag ? Math.log10(1 + p.lag) / scale : 0;
        cell.style.backgroundColor = `hsl(${hueOf(version)} 65% ${Math.round(80 - shade * 45)}%)`;
        if (shade > 0.55) cell.classList.add('dark');
      }
      return cell;
    }));
    $('legend').replaceChildren(...[...versions].sort().map((v) => legendItem(v, v)));
    $('partitions-empty').hidden = s.partitions.length > 0;
  }

  function legendItem(version, text) {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.backgroundColor = `hsl(${hueOf(version)} 65% 60%)`;
    return el('li', {}, swatch, text);
  }

  function renderOperations(operations) {
    $('operations-empty').hidden = operations.length > 0;
    $('operations').replaceChildren(...operations.map((o) => el('li', { dataset: { operation: o.id, status: o.status } },
      el('span', { className: 'time' }, time(o.updatedAt)),
      el('span', { className: 'kind' }, o.kind + (o.instances !== null && o.instances !== undefined ? ` to ${o.instances}` : '')),
      el('span', { className: 'badge status-' + o.status }, o.status),
      el('span', { className: 'mono muted' }, o.id),
      o.message ? el('span', {}, o.message) : null)));
  }

  /** The deployment to show: the one still running, else the most recent one. */
  function currentDeployment() {
    const list = state.deployments;
    if (!list || list.length === 0) return null;
    return list.find((d) => !TERMINAL.has(d.status))
      || [...list].sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)))[0];
  }

  function renderDeployment() {
    const d = currentDeployment();
    $('deployment').hidden = !d;
    if (!d) return;
    $('deployment').dataset.id = d.id;
    $('d-versions').textContent = `${d.fromVersion} → ${d.toVersion}`;
    $('d-status').textContent = d.status;
    $('d-status').className = 'badge status-' + d.status;
    const steps = Array.isArray(d.steps) ? d.steps : [];
    // step is the index of the current step in steps (0-based).
    const current = Math.min(Math.max(0, d.step ?? 0), Math.max(0, steps.length - 1));
    $('d-step').textContent = steps.length
      ? `Step ${current + 1} of ${steps.length}: ${steps[current]}% of partitions on ${d.toVersion}` +
        (d.bakeSeconds ? `, bake ${d.bakeSeconds} s` : '') + (d.autoPromote ? ', promotes automatically' : ', waits for promotion')
      : '';
    $('d-steps').replaceChildren(...steps.map((pct, i) =>
      el('li', { className: i < current ? 'done' : i === current ? 'current' : '' }, pct + '%')));

    const shares = Object.entries(d.partitions || {});
    const total = shares.reduce((sum, [, n]) => sum + n, 0);
    $('d-share').replaceChildren(...shares.filter(([, n]) => n > 0).map(([version, n]) => {
      const part = el('div', { title: `${version}: ${n} partitions`, dataset: { version } });
      part.style.flexGrow = String(n);
      part.style.backgroundColor = `hsl(${hueOf(version)} 65% 60%)`;
      return part;
    }));
    $('d-share-legend').replaceChildren(...shares.map(([version, n]) =>
      legendItem(version, `${version}: ${n} (${total ? Math.round((100 * n) / total) : 0}%)`)));

    $('d-gates').replaceChildren(...(d.gates || []).map((g) => el('tr', {},
      el('td', {}, g.name),
      el('td', {}, number(g.threshold)),
      el('td', {}, g.value === null || g.value === undefined ? '–' : number(g.value)),
      el('td', { className: g.passed === true ? 'ok' : g.passed === false ? 'bad' : 'muted' },
        g.passed === true ? 'yes' : g.passed === false ? 'no' : 'not yet'))));
    $('d-message').textContent = [d.message, `updated ${time(d.updatedAt)}`].filter(Boolean).join(' · ');
    for (const button of $('deployment').querySelectorAll('button[data-action]')) {
      button.disabled = !ACTIONS[button.dataset.action].includes(d.status);
    }
  }

  // ---- charts ---------------------------------------------------------------------------------------

  function renderCharts() {
    const points = state.samples;
    const lastRate = [...points].reverse().find((p) => p.rate !== null);
    const lastLag = [...points].reverse().find((p) => p.lag !== null);
    $('throughput-now').textContent = lastRate ? number(lastRate.rate) + ' records/s' : '';
    $('lag-now').textContent = lastLag ? number(lastLag.lag) + ' records' : '';
    drawChart($('throughput'), points.map((p) => [p.t, p.rate]), 'hsl(212 70% 45%)');
    drawChart($('lag'), points.map((p) => [p.t, p.lag]), 'hsl(10 70% 50%)');
  }

  /** A line chart of [time, value|null] since the first point (at least 30 s, at most HISTORY_MS); null breaks the line. */
  function drawChart(canvas, points, colour) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const pad = { left: 48, right: 8, top: 8, bottom: 18 };
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;
    const now = Date.now();
    const values = points.map(([, v]) => v).filter((v) => v !== null);
    canvas.dataset.points = String(values.length);
    const max = niceCeiling(Math.max(1, ...values));
    const span = Math.min(HISTORY_MS, Math.max(30000, points.length ? now - points[0][0] : 0));
    const x = (t) => pad.left + w * (1 - (now - t) / span);
    const y = (v) => pad.top + h * (1 - v / max);

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#667';
    g.strokeStyle = '#e3e6ec';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4;
      g.beginPath();
      g.moveTo(pad.left, Math.round(y(v)) + 0.5);
      g.lineTo(pad.left + w, Math.round(y(v)) + 0.5);
      g.stroke();
      g.fillText(number(v), pad.left - 6, y(v));
    }
    g.textBaseline = 'top';
    g.textAlign = 'left';
    g.fillText(span >= 60000 ? `−${Math.round(span / 60000)} min` : `−${Math.round(span / 1000)} s`, pad.left, pad.top + h + 4);
    g.textAlign = 'right';
    g.fillText('now', pad.left + w, pad.top + h + 4);
    if (values.length === 0) {
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText('no data yet', pad.left + w / 2, pad.top + h / 2);
      return;
    }
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    let drawing = false;
    for (const [t, v] of points) {
      if (v === null) {
        drawing = false;
        continue;
      }
      if (drawing) g.lineTo(x(t), y(v));
      else g.moveTo(x(t), y(v));
      drawing = true;
    }
    g.stroke();
    // The latest point as a dot, so a single sample (or the end of the line) is visible.
    const last = [...points].reverse().find(([, v]) => v !== null);
    g.beginPath();
    g.arc(x(last[0]), y(last[1]), 3, 0, 2 * Math.PI);
    g.fill();
  }

  function niceCeiling(v) {
    const magnitude = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((c) => c >= v);
  }

  // ---- events -----------------------------------------------------------------------------------------

  function setStream(text, live) {
    $('stream').textContent = text;
    $('stream').dataset.state = live ? 'live' : 'down';
  }

  function addEventLine(e) {
    const data = e.data ? Object.entries(e.data).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join(' ') : '';
    const line = el('li', { dataset: { type: e.type, consumer: e.consumer || '' } },
      el('span', { className: 'time' }, time(e.time)),
      el('span', { className: 'kind' }, e.type),
      e.consumer ? el('span', { className: 'consumer' }, e.consumer) : null,
      e.message ? el('span', {}, e.message) : null,
      data ? el('span', { className: 'mono muted' }, data) : null);
    if (e.consumer && e.consumer === state.selected) line.classList.add('selected');
    const list = $('events');
    list.prepend(line);
    $('events-empty').hidden = true;
    while (list.childElementCount > EVENT_LINES) list.lastElementChild.remove();
  }

  function onEvent(type, e) {
    if (type === 'keepalive') return;
    if (type === 'stream.opened') {
      setStream('live', true);
      // Anything may have changed while the stream was down.
      refreshConsumers();
      refreshSelected();
      return;
    }
    addEventLine({ ...e, type });
    // The list shows instances and version: a scale (operation.*) changes them as a replace (consumer.*) does.
    if (type.startsWith('consumer.') || type.startsWith('operation.')) refreshConsumers();
    if (e.consumer && e.consumer === state.selected) {
      if (type === 'consumer.deleted') {
        deselect();
        return;
      }
      if (type.startsWith('deployment.')) state.deploymentsMissingSince = null;
      refreshSelected();
    }
  }

  /**
   * Reads GET /api/v1/events with fetch rather than EventSource: EventSource hands named events ("event: task.running")
   * only to listeners registered for that exact name, and the engine's vocabulary (task.*, partition.*, deployment.*)
   * is open-ended; a reader of the raw stream sees every type. Reconnects with backoff.
   */
  async function streamEvents() {
    let backoff = 1000;
    for (;;) {
      try {
        const response = await fetch('/api/v1/events', { headers: { Accept: 'text/event-stream' }, cache: 'no-store' });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = (buffer + value).replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message = parseEvent(block);
            if (message) {
              backoff = 1000;
              onEvent(message.type, message.data);
            }
          }
        }
      } catch (e) {
        console.warn('event stream:', e.message);
      }
      setStream(`reconnecting in ${Math.round(backoff / 1000)} s`, false);
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, 15000);
    }
  }

  function parseEvent(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0 && type === 'message') return null;
    let parsed = {};
    try {
      parsed = data.length ? JSON.parse(data.join('\n')) : {};
    } catch {
      parsed = { message: data.join('\n') };
    }
    return { type, data: parsed };
  }

  // ---- actions ----------------------------------------------------------------------------------------

  async function deploymentAction(action) {
    const d = currentDeployment();
    if (!d || !state.selected) return;
    try {
      await api('POST', `${consumerPath(state.selected)}/deployments/${encodeURIComponent(d.id)}/${action}`);
      showNotice(`${action} of ${d.id} accepted`);
    } catch (e) {
      showError(e);
    }
    refreshSelected();
  }

  async function scale(instances) {
    try {
      const operation = await api('POST', consumerPath(state.selected) + '/scale', { instances });
      showNotice(`scale to ${instances} accepted (${operation.id})`);
      $('scale-instances').value = '';
    } catch (e) {
      showError(e);
    }
    refreshSelected();
  }

  function showTokenState() {
    $('token-state').textContent = sessionStorage.getItem(TOKEN_KEY) ? 'token set for this tab' : 'no token';
  }

  function start() {
    $('error-close').addEventListener('click', () => { $('error').hidden = true; });
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
      $('token').value = '';
      showTokenState();
    });
    $('scale-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const instances = Number($('scale-instances').value);
      if (state.selected && Number.isInteger(instances) && instances >= 0) scale(instances);
    });
    for (const button of $('deployment').querySelectorAll('button[data-action]')) {
      button.addEventListener('click', () => deploymentAction(button.dataset.action));
    }
    window.addEventListener('hashchange', () => {
      const name = selectionFromHash();
      if (name) applySelection(name);
    });
    window.addEventListener('resize', renderCharts);
    showTokenState();
    render();
    const initial = selectionFromHash();
    if (initial) applySelection(initial);
    refreshConsumers();
    streamEvents();
    setInterval(() => {
      if (state.selected) refreshSelected();
    }, POLL_MS);
  }

  start();
})();
