// The style and script every ccsim HTML page carries (html.cpp). The script reads the page's
// JSON data element and draws it; it loads nothing, so a page works offline and from file://.
// User text goes into the page only through textContent and attribute values, never as HTML.
#pragma once

namespace ccsim::report::detail {

inline constexpr const char* kHtmlStyle = R"css(
:root { --fg: #1d2430; --muted: #5f6b7a; --line: #d5dae1; --peer: #1f6feb; --shim: #8250df;
        --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --bg2: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
main { padding: 16px 24px 48px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 0 0 8px; }
.meta code, td code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; color: #fff; }
span.badge.ok { background: var(--ok); color: #fff; } span.badge.bad { background: var(--bad); color: #fff; }
table { border-collapse: collapse; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.err, .err { color: var(--bad); } .ok { color: var(--ok); }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 8px 0;
            position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); z-index: 2; }
.controls label { white-space: nowrap; }
#layout { display: flex; gap: 16px; align-items: flex-start; }
#sequence { overflow: auto; flex: 1 1 auto; }
#detail { position: sticky; top: 56px; flex: 0 0 360px; max-height: 80vh; overflow: auto;
          background: var(--bg2); border: 1px solid var(--line); padding: 8px; margin: 0;
          font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; }
svg text { font: 11px ui-monospace, SFMono-Regular, Menlo, monospace; }
svg .lane-head { font-weight: 600; font-size: 12px; }
svg .lane { stroke: var(--line); }
svg text.gap { fill: var(--muted); font-style: italic; }
svg .ev text.time { fill: var(--muted); }
svg .ev { cursor: pointer; }
svg .ev:hover text { text-decoration: underline; }
svg .msg line { stroke-width: 1.5; }
svg .from-peer line { stroke: var(--peer); } svg .from-peer text { fill: var(--peer); }
svg .from-shim line { stroke: var(--shim); } svg .from-shim text { fill: var(--shim); }
svg .send circle { fill: #fff; stroke-width: 1.5; }
svg .from-peer circle { stroke: var(--peer); } svg .from-shim circle { stroke: var(--shim); }
svg .state text { fill: var(--muted); } svg .note text { fill: var(--muted); font-style: italic; }
svg .timer text { fill: var(--warn); } svg .stream_end text { fill: var(--bad); }
svg .outcome text.ok { fill: var(--ok); font-weight: 600; } svg .outcome text.bad { fill: var(--bad); font-weight: 600; }
svg .selected rect.hit { fill: #fff8c5; }
svg rect.hit { fill: transparent; }
.copy { margin-left: 6px; font-size: 12px; }
.cov td { text-align: center; min-width: 28px; }
.cov td.hit { background: #dafbe1; }
.cov td.miss { color: #c0c6ce; }
)css";

inline constexpr const char* kHtmlScript = R"js(
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('ccsim-data').textContent);
  const app = document.getElementById('app');
  const SVG = 'http://www.w3.org/2000/svg';

  // el('tag', {attr: value, class: ...}, child...): children are nodes or text (never HTML).
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'onclick' || k === 'onchange') e[k] = v; else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined)
      e.append(typeof kid === 'string' || typeof kid === 'number' ? String(kid) : kid);
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function table(headers, rows, attrs) {
    const t = el('table', attrs || {});
    t.append(el('tr', {}, ...headers.map(h => el('th', {}, h))));
    for (const r of rows) t.append(r);
    return t;
  }
  function copyButton(text) {
    return el('button', {class: 'copy', type: 'button', title: 'copy to the clipboard',
                         onclick: () => navigator.clipboard && navigator.clipboard.writeText(text)}, 'copy');
  }
  function hashParams() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ''));
    return p;
  }

  // ---------------------------------------------------------------- a run
  function drawRun() {
    const events = data.events;
    document.title = 'ccsim: ' + (data.name || data.file);
    app.append(el('h1', {}, data.name || data.file));
    if (data.description) app.append(el('p', {class: 'meta'}, data.description));
    app.append(el('p', {class: 'meta'},
      el('span', {class: 'badge ' + (data.passed ? 'ok' : 'bad'), id: 'verdict'},
         data.passed ? 'expectations held' : 'FAILED'), ' ',
      'file ', el('code', {}, data.file), ' \u00b7 profile ', el('code', {}, data.profile),
      ' \u00b7 seed ', el('code', {}, data.seed), ' \u00b7 digest ', el('code', {}, data.digest),
      ' \u00b7 ended at ', el('code', {}, data.end), ' \u00b7 ', String(data.events_seen), ' trace events'));
    if (data.limit_error) app.append(el('p', {class: 'err'}, 'run limit: ' + data.limit_error));
    if (data.failures.length)
      app.append(el('ul', {id: 'failures'}, ...data.failures.map(f => el('li', {class: 'err'}, f))));
    if (data.events_shown < data.events_seen)
      app.append(el('p', {class: 'err', id: 'truncated'}, 'This page holds the first ' +
        data.events_shown + ' of ' + data.events_seen + ' events; ccsim run --jsonl writes them all.'));

    app.append(el('h2', {}, 'Outcomes'));
    app.append(table(['txid', 'channel', 'submitted', 'answered', 'result'],
      data.outcomes.map(o => el('tr', {'data-txid': o.txid},
        el('td', {}, o.txid), el('td', {}, o.channel), el('td', {class: 'num'}, o.submitted),
        el('td', {class: 'num'}, o.completed),
        o.error !== null && (o.status === null || o.status >= 400)
          ? el('td', {class: 'err'}, (o.status === null ? '' : 'status=' + o.status + ' ') + 'error=' + JSON.stringify(o.error))
          : el('td', {class: 'ok'}, 'status=' + o.status + (o.payload ? ' payload=' + JSON.stringify(o.payload) : '')))),
      {id: 'outcomes'}));

    const timers = events.map((e, i) => [e, i]).filter(([e]) => e.k === 'timer');
    app.append(el('h2', {}, 'Timers'));
    app.append(timers.length
      ? table(['time', 'actor', 'stream', 'txid', 'timer'], timers.map(([e, i]) => el('tr', {'data-i': i},
          el('td', {class: 'num'}, e.ts), el('td', {}, e.a), el('td', {}, e.s), el('td', {}, e.tx),
          el('td', {}, e.d))), {id: 'timers'})
      : el('p', {class: 'meta', id: 'timers'}, 'No timer fired.'));

    // Lanes: the endorser, then each stream's peer and shim ends, then the other actors.
    const laneOf = e => (e.a === 'peer' || e.a === 'shim') ? e.a + ' ' + e.s : e.a;
    const lanes = [];
    const laneIndex = new Map();
    const addLane = name => { if (!laneIndex.has(name)) { laneIndex.set(name, lanes.length); lanes.push(name); } };
    addLane('endorser');
    for (const e of events) if (e.a === 'peer' || e.a === 'shim') { addLane('peer ' + e.s); addLane('shim ' + e.s); }
    for (const e of events) addLane(laneOf(e));

    // A delivery's send: the oldest unmatched send of the same stream, sender, type and txid.
    const pending = new Map();
    const sendOf = new Map();
    events.forEach((e, i) => {
      const key = e.s + '\u0000' + e.f + '\u0000' + e.ty + '\u0000' + e.tx;
      if (e.k === 'send') { if (!pending.has(key)) pending.set(key, []); pending.get(key).push(i); }
      else if (e.k === 'deliver' && pending.has(key) && pending.get(key).length) sendOf.set(i, pending.get(key).shift());
    });

    const txids = [...new Set(events.map(e => e.tx).filter(t => t && t !== '-'))].sort();
    const streams = [...new Set(events.map(e => e.s).filter(s => s && s !== '-'))].sort();
    // A txid's chaincodes: the streams its messages crossed (a cc2cc callee's too).
    const ccOfTx = new Map();
    for (const e of events) if (e.tx && e.s && e.s !== '-') {
      if (!ccOfTx.has(e.tx)) ccOfTx.set(e.tx, new Set());
      ccOfTx.get(e.tx).add(e.s);
    }
    const kinds = ['send', 'deliver', 'state', 'timer', 'stream_end', 'note', 'outcome'];

    const params = hashParams();
    const state = {txid: params.get('txid') || '', chaincode: params.get('chaincode') || '',
                   hidden: new Set((params.get('hide') || '').split(',').filter(Boolean)),
                   page: Math.max(0, (parseInt(params.get('page') || '1', 10) || 1) - 1)};
    const PAGE = 1000;

    const txSelect = el('select', {id: 'filter-txid'}, el('option', {value: ''}, 'all txids'),
                        ...txids.map(t => el('option', {value: t}, t)));
    const ccSelect = el('select', {id: 'filter-chaincode'}, el('option', {value: ''}, 'all chaincodes'),
                        ...streams.map(s => el('option', {value: s}, s)));
    txSelect.value = state.txid; ccSelect.value = state.chaincode;
    const boxes = kinds.map(k => {
      const box = el('input', {type: 'checkbox', 'data-kind': k});
      box.checked = !state.hidden.has(k);
      box.onchange = () => { if (box.checked) state.hidden.delete(k); else state.hidden.add(k); state.page = 0; redraw(); };
      return el('label', {}, box, ' ' + k);
    });
    const shown = el('span', {id: 'shown'});
    const prev = el('button', {type: 'button', onclick: () => { state.page--; redraw(); }}, '\u2190 earlier');
    const next = el('button', {type: 'button', onclick: () => { state.page++; redraw(); }}, 'later \u2192');
    txSelect.onchange = () => { state.txid = txSelect.value; state.page = 0; redraw(); };
    ccSelect.onchange = () => { state.chaincode = ccSelect.value; state.page = 0; redraw(); };
    app.append(el('h2', {}, 'Messages'));
    app.append(el('div', {class: 'controls'}, el('label', {}, 'txid ', txSelect),
      el('label', {}, 'chaincode ', ccSelect), ...boxes, prev, next, shown));
    const seq = el('div', {id: 'sequence'});
    const detail = el('pre', {id: 'detail'}, 'Click an event to see it whole.');
    app.append(el('div', {id: 'layout'}, seq, detail));

    function visible(e) {
      if (state.hidden.has(e.k)) return false;
      if (state.txid && e.tx !== state.txid) return false;
      if (state.chaincode) {
        if (e.s && e.s !== '-') return e.s === state.chaincode;
        // The endorser's lines of a transaction that reached the chaincode.
        return !!(e.tx && ccOfTx.has(e.tx) && ccOfTx.get(e.tx).has(state.chaincode));
      }
      return true;
    }

    function redraw() {
      const params = new URLSearchParams();
      if (state.txid) params.set('txid', state.txid);
      if (state.chaincode) params.set('chaincode', state.chaincode);
      if (state.hidden.size) params.set('hide', [...state.hidden].sort().join(','));
      const selected = [];
      events.forEach((e, i) => { if (visible(e)) selected.push(i); });
      const pages = Math.max(1, Math.ceil(selected.length / PAGE));
      state.page = Math.min(Math.max(0, state.page), pages - 1);
      if (state.page > 0) params.set('page', String(state.page + 1));
      const hash = params.toString();
      if (hash !== location.hash.replace(/^#/, '')) history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
      const rows = selected.slice(state.page * PAGE, (state.page + 1) * PAGE);
      prev.disabled = state.page === 0; next.disabled = state.page >= pages - 1;
      shown.textContent = selected.length === 0 ? 'no event matches'
        : 'events ' + (state.page * PAGE + 1) + '\u2013' + (state.page * PAGE + rows.length) + ' of ' +
          selected.length + (selected.length < events.length ? ' (of ' + events.length + ')' : '') +
          (pages > 1 ? ', page ' + (state.page + 1) + ' of ' + pages : '');
      draw(rows);
    }

    function draw(rows) {
      const LEFT = 120, COL = 170, TOP = 34, ROW = 22;
      const width = LEFT + COL * lanes.length + 320;  // room for the last lane's texts
      // The time axis: a row per event, and between two rows extra room growing with the
      // logarithm of the virtual time between them (1ms: 6px, 1s: 60px, at most 120px), so
      // that a timeout's wait shows as a gap, shaded and labelled from 10ms on.
      const ys = [];
      const gaps = [];
      rows.forEach((i, r) => {
        let top = r === 0 ? TOP : ys[r - 1] + ROW / 2;
        if (r > 0) {
          const dt = events[i].t - events[rows[r - 1]].t;
          const extra = Math.min(120, Math.round(20 * Math.log10(1 + dt / 1e6)));
          if (dt >= 1e7) gaps.push([top, extra, dt]);
          top += extra;
        }
        ys.push(top + ROW / 2);
      });
      const height = (rows.length ? ys[ys.length - 1] + ROW / 2 : TOP) + 12;
      const s = svg('svg', {width: width, height: height, id: 'sequence-svg', role: 'img'});
      const gapText = ns => ns >= 1e9 ? (ns / 1e9).toFixed(3) + 's' : (ns / 1e6).toFixed(3) + 'ms';
      for (const [top, extra, dt] of gaps) {
        s.append(svg('rect', {x: 0, y: top, width: width, height: extra, fill: '#f6f8fa'}));
        if (extra >= 12) s.append(svg('text', {class: 'gap', x: 4, y: top + extra / 2 + 4}, '+' + gapText(dt)));
      }
      const x = name => LEFT + COL * laneIndex.get(name) + COL / 2;
      lanes.forEach(name => {
        s.append(svg('line', {class: 'lane', x1: x(name), y1: TOP - 8, x2: x(name), y2: height}));
        s.append(svg('text', {class: 'lane-head', x: x(name), y: 16, 'text-anchor': 'middle'}, name));
      });
      const rowOf = new Map(rows.map((i, r) => [i, r]));
      const y = r => ys[r];
      rows.forEach((i, r) => {
        const e = events[i];
        const g = svg('g', {class: 'ev ' + e.k + (e.f ? ' from-' + e.f : ''), 'data-i': i, 'data-kind': e.k,
                            'data-txid': e.tx, 'data-stream': e.s, 'data-type': e.ty || undefined});
        g.append(svg('rect', {class: 'hit', x: 0, y: y(r) - ROW / 2, width: width, height: ROW}));
        g.append(svg('text', {class: 'time', x: 4, y: y(r) + 4}, e.ts));
        const here = x(laneOf(e));
        const label = (text, at, anchor) => g.append(svg('text', {x: at, y: y(r) - 4, 'text-anchor': anchor || 'middle'}, text));
        const tip = [e.ts, e.k, e.a, e.s, e.st, e.ty, e.tx, e.d].filter(Boolean).join('  ');
        g.append(svg('title', {}, tip));
        if (e.k === 'send') {
          g.append(svg('circle', {cx: here, cy: y(r), r: 4}));
          label(e.ty + (e.tx ? ' ' + e.tx : '') + ' sent', here + 8, 'start');
        } else if (e.k === 'deliver') {
          const fromLane = e.f + ' ' + e.s;
          const x1 = laneIndex.has(fromLane) ? x(fromLane) : here - COL / 2;
          const sendRow = sendOf.has(i) && rowOf.has(sendOf.get(i)) ? rowOf.get(sendOf.get(i)) : r;
          const dir = here >= x1 ? -1 : 1;
          g.append(svg('line', {x1: x1, y1: y(sendRow), x2: here, y2: y(r),
                                'stroke-dasharray': sendRow === r && sendOf.has(i) && !rowOf.has(sendOf.get(i)) ? '4 3' : undefined}));
          g.append(svg('path', {d: 'M' + here + ' ' + y(r) + ' l' + (dir * 7) + ' -4 v8 z',
                                fill: e.f === 'peer' ? 'var(--peer)' : 'var(--shim)'}));
          label(e.ty + (e.tx ? ' ' + e.tx : '') + (e.d ? ' ' + e.d : ''), (x1 + here) / 2, 'middle');
        } else if (e.k === 'outcome') {
          const ok = e.error === null || e.error === undefined;
          const result = [e.status === null || e.status === undefined ? '' : 'status=' + e.status,
                          ok ? '' : 'error=' + JSON.stringify(e.error), e.d].filter(Boolean).join(' ');
          g.append(svg('text', {class: ok ? 'ok' : 'bad', x: here + 6, y: y(r) + 4}, (e.tx ? e.tx + ': ' : '') + result));
        } else {
          const mark = {state: '\u25c7', timer: '\u25f7', stream_end: '\u2716', note: '\u2022'}[e.k] || '\u2022';
          g.append(svg('text', {x: here - 4, y: y(r) + 4}, mark + ' ' + (e.d || e.k)));
        }
        g.addEventListener('click', () => {
          for (const old of s.querySelectorAll('.selected')) old.classList.remove('selected');
          g.classList.add('selected');
          const shownEvent = Object.assign({}, e);
          if (sendOf.has(i)) shownEvent.sent_at = events[sendOf.get(i)].ts;
          detail.textContent = JSON.stringify(shownEvent, null, 2);
        });
        s.append(g);
      });
      seq.replaceChildren(s);
    }
    redraw();
  }

  // ---------------------------------------------------------------- a campaign
  function drawCampaign() {
    const r = data.report;
    app.append(el('h1', {}, 'ccsim fuzz campaign'));
    app.append(el('p', {class: 'meta'},
      el('span', {class: 'badge ' + (r.failed ? 'bad' : 'ok'), id: 'verdict'}, r.failed ? 'FAILED' : 'no property failed'),
      ' seed ', el('code', {}, r.seed), ' \u00b7 ', String(r.runs), ' runs per scenario \u00b7 strategy ',
      el('code', {}, r.strategy), ' \u00b7 shards ', r.shards.join(', '),
      r.elapsed_seconds !== undefined ? ' \u00b7 ' + r.elapsed_seconds.toFixed(1) + ' s' : '',
      r.runs_per_second ? ' \u00b7 ' + r.runs_per_second + ' runs/s' : '',
      r.interrupted ? ' \u00b7 interrupted' : ''));

    if (data.progress && data.progress.length > 1) {
      app.append(el('h2', {}, 'Runs per second'));
      app.append(rateChart(data.progress));
    }
    r.scenarios.forEach((sc, n) => {
      app.append(el('h2', {}, sc.name || sc.file));
      app.append(el('p', {class: 'meta'}, el('code', {}, sc.file), ' \u00b7 ', String(sc.runs), ' runs, ',
        String(sc.events), ' events, ~', String(sc.distinct_traces), ' distinct traces \u00b7 properties: ',
        sc.properties.join(', ')));
      app.append(el('h3', {}, 'Failures'));
      if (!sc.failures.length && !sc.failures_dropped && !sc.determinism_mismatch) {
        app.append(el('p', {class: 'ok', 'data-scenario': n}, 'No property failed.'));
      } else {
        app.append(table(['property', 'runs', 'first run', 'seed', 'strategy', 'what failed', 'replay'],
          sc.failures.map(f => el('tr', {class: 'failure', 'data-property': f.property},
            el('td', {}, f.property), el('td', {class: 'num'}, String(f.count)), el('td', {class: 'num'}, String(f.run)),
            el('td', {}, el('code', {}, f.seed)), el('td', {}, f.strategy), el('td', {class: 'err'}, f.message),
            el('td', {}, f.replay ? el('code', {}, f.replay) : '-', f.replay ? copyButton(f.replay) : null))),
          {class: 'failures', 'data-scenario': n}));
        if (sc.failures_dropped) app.append(el('p', {class: 'err'}, sc.failures_dropped + ' more distinct failures not kept'));
        if (sc.determinism_mismatch) app.append(el('p', {class: 'err'}, 'nondeterministic: run ' +
          sc.determinism_mismatch.run + ' differed at event ' + sc.determinism_mismatch.event));
      }
      app.append(el('h3', {}, 'Coverage: (peer state, shim state) \u00d7 message delivered'));
      app.append(coverageTable(sc.coverage.deliveries, n));
      if (sc.coverage.transitions.length) {
        app.append(el('h3', {}, 'Handler transitions seen'));
        app.append(el('ul', {}, ...sc.coverage.transitions.map(t => el('li', {}, el('code', {}, t)))));
      }
    });
  }

  // "ready/created TRANSACTION to shim" -> rows by state pair, a column per message type.
  function coverageTable(deliveries, n) {
    const cells = new Map();
    const pairs = new Set(), types = new Set();
    for (const d of deliveries) {
      const m = /^(\S+) (\S+) to (\S+)$/.exec(d);
      if (!m) continue;
      pairs.add(m[1]); types.add(m[2]);
      const key = m[1] + ' ' + m[2];
      cells.set(key, (cells.get(key) ? cells.get(key) + ', ' : '') + '\u2192' + m[3]);
    }
    const typeList = [...types].sort(), pairList = [...pairs].sort();
    if (!pairList.length) return el('p', {class: 'meta'}, 'No delivery recorded.');
    return table(['peer / shim state', ...typeList], pairList.map(p => el('tr', {},
      el('th', {}, p), ...typeList.map(t => {
        const c = cells.get(p + ' ' + t);
        return el('td', {class: c ? 'hit' : 'miss', 'data-cell': p + ' ' + t, title: c ? p + ' ' + t + ' ' + c : 'not seen'}, c || '\u00b7');
      }))), {class: 'cov', 'data-scenario': n});
  }

  // [[seconds, runs done], ...] -> a line of runs/s between samples.
  function rateChart(samples) {
    const W = 640, H = 180, L = 56, B = 28;
    const points = [];
    for (let i = 1; i < samples.length; i++) {
      const dt = samples[i][0] - samples[i - 1][0];
      if (dt > 0) points.push([samples[i][0], (samples[i][1] - samples[i - 1][1]) / dt]);
    }
    const s = svg('svg', {width: W, height: H, id: 'rate-chart'});
    if (!points.length) return s;
    const tMax = samples[samples.length - 1][0] || 1;
    const rMax = Math.max(...points.map(p => p[1])) || 1;
    const px = t => L + (W - L - 10) * t / tMax, py = v => H - B - (H - B - 10) * v / rMax;
    s.append(svg('line', {x1: L, y1: H - B, x2: W - 10, y2: H - B, stroke: '#999'}));
    s.append(svg('line', {x1: L, y1: 10, x2: L, y2: H - B, stroke: '#999'}));
    s.append(svg('text', {x: L - 4, y: 14, 'text-anchor': 'end'}, String(Math.round(rMax))));
    s.append(svg('text', {x: L - 4, y: H - B, 'text-anchor': 'end'}, '0'));
    s.append(svg('text', {x: W - 10, y: H - 8, 'text-anchor': 'end'}, tMax.toFixed(1) + ' s'));
    s.append(svg('text', {x: L, y: H - 8}, 'wall-clock time'));
    s.append(svg('polyline', {fill: 'none', stroke: 'var(--peer)', 'stroke-width': 2,
                              points: points.map(p => px(p[0]).toFixed(1) + ',' + py(p[1]).toFixed(1)).join(' ')}));
    return s;
  }

  if (data.kind === 'run') drawRun(); else drawCampaign();
  document.body.setAttribute('data-drawn', 'yes');
})();
)js";

}  // namespace ccsim::report::detail
