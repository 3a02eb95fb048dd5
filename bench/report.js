'use strict';
// The bench's table: one block of lines per section of bench/results.json, each ratio with its
// goal and a pass/fail mark.
const fmt = (n, digits = 0) =>
  n === undefined || n === null ? '-' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });
const mark = (ok) => (ok ? 'met' : 'NOT met');
const signed = (n) => `${n >= 0 ? '+' : ''}${n}`;
const range = (s, unit = '') =>
  `median ${fmt(s.median, 2)}${unit}, min ${fmt(s.min, 2)}${unit}, max ${fmt(s.max, 2)}${unit}`;

/** A median rate and, from the interleaved rounds, its min-max. */
const cell = (t, mode) => `${fmt(t[mode])} (${fmt(t.range[mode][0])}-${fmt(t.range[mode][1])})`;

function throughputLines(r) {
  const lines = [
    `Throughput (events/s through one input node into a counting sink, ${fmt(r.machine.eventsPerRun)} events over 50 users, median of ${r.machine.rounds} interleaved rounds of limit, ours (state store on) and parse floor; the peer one run)`,
    '| protocol | limit (raw ws + JSON.parse) | ours | parse floor (core websocket in -> json -> sink) | core peer (websocket in, json, 50-way switch) | ours/limit (goal >= 0.5) | ours/limit per round | ours/peer (goal >= 10) | oursVsParseFloor (goal >= 0.9; per round) | receiver CPU limit/ours/parse/peer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [p, t] of Object.entries(r.throughput)) {
    const a = t.ours / t.limit;
    const b = t.ours / t.peer;
    const c = t.receiverCpuPct;
    const vp = t.oursVsParseFloor;
    lines.push(
      `| ${p} | ${cell(t, 'limit')} | ${cell(t, 'ours')} | ${cell(t, 'parse')} | ${fmt(t.peer)} | ${fmt(a, 2)} ${mark(a >= 0.5)} | ${t.oursLimitPerRound.min} to ${t.oursLimitPerRound.max} | ${fmt(b, 1)} ${mark(b >= 10)} | ${vp.median} ${mark(vp.median >= 0.9)} (${vp.min} to ${vp.max}) | ${c.limit}% / ${c.ours}% / ${c.parse}% / ${c.peer}% |`,
    );
  }
  return lines;
}

function storeLines(r) {
  const sc = r.storeScale;
  return [
    `State store scale (Vodia presence, ours, ${r.machine.rounds} interleaved rounds): 50 users ${range(sc.keys50, '/s')}; 50,000 users ${range(sc.keys50000, '/s')}; storeScaleRatio ${fmt(r.storeScaleRatio, 2)} (per round ${sc.perRound.min} to ${sc.perRound.max}; goal >= 0.9) ${mark(r.storeScaleRatio >= 0.9)}; the untimed warm-up that fills the store (2 reports per user): ${fmt(sc.warmup50000.median)}/s`,
  ];
}

function stateLines(r) {
  const q = r.stateQuery;
  return [
    `State store memory: bytesPerStateEntry ${fmt(r.bytesPerStateEntry)} (${range(q.bytesPerStateEntry)}; goal <= 1000) ${mark(r.bytesPerStateEntry <= 1000)}; the whole connection per Vodia user (adapter's account, presence and BLF entries): ${fmt(q.bytesPerUser.median)} bytes`,
    `pbx-state "all, is available" over ${fmt(q.entries)} entries (${fmt(q.matching)} match), ${q.queriesPerRun} queries per run, ${r.machine.rounds} runs: stateQueryP99Ms ${fmt(r.stateQueryP99Ms, 2)} (${range(q.nodeP99Ms, ' ms')}; goal < 5) ${mark(r.stateQueryP99Ms < 5)}; p50 ${fmt(q.nodeP50Ms.median, 2)} ms; the first (cold) query, which sorts the entries, ${fmt(q.firstQueryMs.median, 2)} ms; answerAll alone p50 ${fmt(q.answerAllP50Ms.median, 2)} ms, p99 ${fmt(q.answerAllP99Ms.median, 2)} ms`,
  ];
}

function mqttLines(r) {
  const m = r.mqtt;
  return [
    `pbx-mqtt (${m.protocol} presence, every event a change, ${fmt(m.eventsPerRun)} events, ${m.rounds} interleaved rounds): off median ${fmt(m.off.median)}/s (${fmt(m.off.min)}-${fmt(m.off.max)}), on median ${fmt(m.on.median)}/s (${fmt(m.on.min)}-${fmt(m.on.max)}); mqttOverheadRatio ${fmt(r.mqttOverheadRatio, 2)} (per round ${m.perRound.min} to ${m.perRound.max}; goal >= 0.8) ${mark(r.mqttOverheadRatio >= 0.8)}; MQTT state messages per event ${m.publishedPerEvent} (each user's latest state per event-loop turn)`,
  ];
}

function dispatchLines(r) {
  const d = r.dispatch;
  return [
    `Dispatch (onlinePBX 3.0 BLF, the same events over 500 extensions: 1 node watching all, 100 nodes 5 each, 500 nodes 1 each; ${r.machine.rounds} interleaved rounds): 1 node ${fmt(d.nodes1)}/s, 100 nodes ${fmt(d.nodes100)}/s, 500 nodes ${fmt(d.nodes500)}/s; dispatchRatio 500/1 = ${fmt(r.dispatchRatio, 2)} (per round ${d.ratioPerRound.min} to ${d.ratioPerRound.max}; goal >= 0.9) ${mark(r.dispatchRatio >= 0.9)}`,
  ];
}

function setupLines(r) {
  return [
    `Setup: 1,000 innovaphone presence subscriptions confirmed ${fmt(r.setup1000Ms)} ms after deploy (goal < 1000) ${mark(r.setup1000Ms < 1000)}; first event on each after ${fmt(r.setupFirstEvents1000Ms)} ms; ${fmt(r.bytesPerSubscription)} bytes of heap per subscription; 10,000 confirmed ${fmt(r.setup10000Ms)} ms (goal < 2000) ${mark(r.setup10000Ms < 2000)}, first event on each after ${fmt(r.setupFirstEvents10000Ms)} ms`,
  ];
}

function heapLines(r) {
  const h = r.heapRounds;
  return [
    `Memory: heap after 200 full redeploys of a 100-node flow vs after the first: ${signed(r.heapGrowthPct)}% (goal < 5) ${mark(r.heapGrowthPct < 5)}, of which ${fmt(r.codeGrowthBytes / 2 ** 20, 2)} MB compiled code and ${r.objectsHeapGrowthPct}% objects (goal < 0.5) ${mark(r.objectsHeapGrowthPct < 0.5)}; core-node baseline ${signed(r.coreBaselineHeapGrowthPct)}%; heap after ${Object.keys(r.heapCurvePct).join('/')} redeploys: ${Object.values(r.heapCurvePct).map(signed).join('/')}%; RSS ${fmt(r.memory.rssFirst / 2 ** 20, 1)} -> ${fmt(r.memory.rssLast / 2 ** 20, 1)} MB; sockets at the PBX afterwards: ${r.memory.socketsAfter}`,
    `Heap vs core websocket (${h.rounds} interleaved rounds, growth over ${h.redeploys} redeploys after ${h.warmup} untimed ones): ours ${range(h.ours, '%')}; core nodes with one core websocket reconnecting on each deploy ${range(h.websocket, '%')}; heapVsCoreWebsocket ${r.heapVsCoreWebsocket} (per round ${h.ratio.min} to ${h.ratio.max}; goal <= 1.10) ${mark(r.heapVsCoreWebsocket <= 1.1)}`,
  ];
}

function latencyLines(r) {
  const l = r.latency;
  const at = (x) => `p50 ${x.p50.median} ms, p99 ${x.p99.median} ms (p99 ${x.p99.min} to ${x.p99.max})`;
  return [
    `Latency (innovaphone presence, sender to sink, ${l.rounds} interleaved rounds after ${fmt(l.warmupEvents)} untimed events, medians): at 1,000 events/s ${at(l.ours1k)}, goal p99 < 2 ${mark(r.latencyMs.p99 < 2)}; at 10,000 events/s ${at(l.ours10k)}, goal p99 < 5 ${mark(r.latency10kMs.p99 < 5)}; at 1,000 events/s core websocket in -> sink (Node-RED itself) ${at(l.floor1k)}, a raw ws client (the machine itself, no Node-RED) ${at(l.limit1k)}; latencyP99VsCore ${fmt(r.latencyP99VsCore, 2)} (ours' p99 over core websocket in's at 1,000 events/s, per round ${l.p99VsCorePerRound.min} to ${l.p99VsCorePerRound.max}; goal <= 1.25) ${mark(r.latencyP99VsCore <= 1.25)}`,
  ];
}

function directoryLines(r) {
  const d = r.directory;
  const dav = d.carddav.skipped
    ? `CardDAV: skipped, ${d.carddav.skipped}`
    : `CardDAV from a local Radicale (${fmt(d.carddav.cards)} vCards, median of ${d.carddav.rounds}): full sync carddavSync5kMs ${fmt(r.carddavSync5kMs)} ms, one changed contact picked up carddavDeltaMs ${fmt(r.carddavDeltaMs)} ms`;
  return [
    `Phone book (${fmt(d.contacts)} contacts from CSV; onlinePBX 3.0 BLF, the other legs cycling through 1,000 callers, ${fmt(d.namedPerEvent * 100)}% of them in the phone book; ${fmt(d.eventsPerRun)} events, ${d.rounds} interleaved rounds): without a directory ${range(d.off, '/s')}; with it attached ${range(d.on, '/s')}; namesOverheadRatio ${fmt(r.namesOverheadRatio, 2)} (per round ${d.perRound.min} to ${d.perRound.max}; goal >= 0.95) ${mark(r.namesOverheadRatio >= 0.95)}`,
    `Phone book load (${d.rounds} runs): directoryLoad100kMs ${fmt(r.directoryLoad100kMs)} (${range(d.loadMs, ' ms')}; goal < 3000) ${mark(r.directoryLoad100kMs < 3000)}; bytesPerContact ${fmt(r.bytesPerContact)} (${range(d.bytesPerContact)}; goal <= 400) ${mark(r.bytesPerContact <= 400)}`,
    `pbx-lookup (${fmt(d.lookupsPerRun)} lookups per run, ${fmt(d.lookupKnown)} known, ${d.rounds} runs): lookupP99Ms ${fmt(r.lookupP99Ms, 3)} (${range(d.lookupP99Ms, ' ms')}; goal < 1) ${mark(r.lookupP99Ms < 1)}; p50 ${fmt(d.lookupP50Ms.median, 3)} ms`,
    dav,
  ];
}

const SECTIONS = {
  throughput: throughputLines,
  store: storeLines,
  mqtt: mqttLines,
  state: stateLines,
  dispatch: dispatchLines,
  setup: setupLines,
  heap: heapLines,
  latency: latencyLines,
  directory: directoryLines,
};

/** The lines of `sections` (all by default) of the results `r`. */
function report(r, sections = Object.keys(SECTIONS)) {
  const lines = [];
  for (const s of sections) lines.push(...SECTIONS[s](r), '');
  lines.push(
    `Machine: ${r.machine.cpus} x ${r.machine.cpu}, ${r.machine.platform}, Node ${r.machine.node}, Node-RED ${r.machine.nodeRed}; ${r.durationS} s`,
  );
  return lines.join('\n');
}

module.exports = { report, SECTIONS };
