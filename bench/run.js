'use strict';
// `npm run bench`: every measurement of issues 9 and 18 in a fresh process, a table with each
// ratio and its goal, and bench/results.json. Run it on an idle machine: other load skews the
// numbers. `BENCH_ONLY=<section>[,<section>...]` runs only those sections (throughput, store,
// mqtt, state, dispatch, setup, heap, latency, directory; each about a minute or two) and merges their
// figures into the last bench/results.json: for comparing a change before and after.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { benchProtocols } = require('../scripts/sim-profiles');
const { report, SECTIONS } = require('./report');
const { writePhoneBook } = require('./phone-book');

const N = Number(process.env.BENCH_EVENTS) || 200000;
/**
 * Rates vary by tens of percent from run to run on a small machine: configurations that are
 * compared run in this many interleaved rounds (A B A B ...), each figure the median of its runs.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
/** The state store's scale run: events cycle through this few and this many distinct users. */
const SCALE_KEYS = [50, 50000];
/** `pbx-state` asked for all of this many presence entries, this many times per run. */
const STATE_ENTRIES = 10000;
const STATE_QUERIES = 200;
/** Every protocol the vendors' simulator profiles offer the bench (src/sim/<vendor>/bench.ts). */
const PROTOCOLS = benchProtocols().map((b) => b.name);
/** The protocol of the pbx-mqtt run: Vodia presence, every event a change of its user. */
const MQTT_PROTOCOL = 'vodia';
/** Redeploy counts of the heap curve: a plateau is warm-up (compiled code), a steady climb a leak. */
const CURVE = [1, 2, 5, 10, 50, 100, 200];
const REDEPLOYS = 200;
/**
 * Untimed redeploys before the heap rounds' first sample, ours and the baseline alike: the first
 * deploys compile (bytecode, then optimized code) the paths a deploy runs, more of them for ours
 * (its package) than for core nodes; what grows after them is what a long-running Node-RED keeps.
 */
const HEAP_WARMUP = 20;
const LATENCY_EVENTS = { 1000: 5000, 10000: 50000 };
/** The directory section: contacts in the CSV phone book, `pbx-lookup` queries per run, vCards in Radicale. */
const CONTACTS = Number(process.env.BENCH_CONTACTS) || 100000;
const LOOKUPS = Number(process.env.BENCH_LOOKUPS) || 2000;
const CARDS = Number(process.env.BENCH_CARDS) || 5000;

/**
 * `rounds` rounds of every spec in `specs` one after the other (A B A B ...), so a noisy spell
 * of the machine hits each configuration alike; per spec every run's result.
 */
function interleaved(specs, rounds = ROUNDS) {
  const runs = specs.map(() => []);
  for (let r = 0; r < rounds; r++)
    specs.forEach((spec, i) => {
      process.stderr.write(`  round ${r + 1}/${rounds}: ${spec.label}\n`);
      runs[i].push(measure(spec));
    });
  return runs;
}

/** Median, min and max of `values`. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const round = (n, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const rounded = (s, digits = 0) => ({
  median: round(s.median, digits),
  min: round(s.min, digits),
  max: round(s.max, digits),
});
/** The spread of `field` over `runs`, rounded. */
const spreadOf = (runs, field, digits = 0) => rounded(spread(runs.map((m) => m[field])), digits);
/** The spread of the per-round ratios `a[r][field] / b[r][field]`. */
const ratioSpread = (a, b, field, digits = 2) => rounded(spread(a.map((m, r) => m[field] / b[r][field])), digits);

function measure(spec) {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', path.join(__dirname, 'measure.js'), JSON.stringify(spec)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

/**
 * Limit, ours and the parse floor per protocol in interleaved rounds, the core peer once. The
 * floor without parsing (core websocket in -> sink) left these rounds: ours keeps the parsed frame
 * (msg.raw), so the floor to hold it to parses too; latency still measures core websocket in alone.
 */
function throughput() {
  const results = { throughput: {} };
  for (const protocol of PROTOCOLS) {
    process.stderr.write(`throughput ${protocol} limit/ours/parse floor, interleaved...\n`);
    // Ours with the state store on, as always: every report updates it before the nodes get it.
    const modes = ['limit', 'ours', 'parse'];
    const runs = interleaved(modes.map((mode) => ({ kind: 'throughput', protocol, mode, n: N, label: mode })));
    const row = {};
    const cpu = {};
    const ranges = {};
    modes.forEach((mode, i) => {
      const rate = spread(runs[i].map((m) => m.rate));
      row[mode] = Math.round(rate.median);
      ranges[mode] = [Math.round(rate.min), Math.round(rate.max)];
      cpu[mode] = Math.round(spread(runs[i].map((m) => m.cpuPct)).median);
    });
    // ours/limit of each round too: the spread of the ratios themselves.
    const r = ratioSpread(runs[1], runs[0], 'rate');
    row.oursLimitPerRound = { min: r.min, max: r.max };
    // What ours does beyond parsing the frame it keeps as msg.raw: goal >= 0.9.
    row.oursVsParseFloor = ratioSpread(runs[1], runs[2], 'rate');
    // The peer runs once (at about 10,000 events/s a run lasts 20 s, long enough to even out what
    // the median of short runs evens out), with as many events as ours: a slow flow's rate falls
    // as its backlog grows, so half the events made the peer look a third faster.
    process.stderr.write(`throughput ${protocol} peer...\n`);
    const peer = measure({ kind: 'throughput', protocol, mode: 'peer', n: N });
    row.peer = Math.round(peer.rate);
    cpu.peer = Math.round(peer.cpuPct);
    row.range = ranges;
    // How busy the receiving process was: below 100% the simulator's sending, not we, set the pace.
    row.receiverCpuPct = cpu;
    results.throughput[protocol] = row;
  }
  return results;
}

/** Ours with 50 and with 50,000 distinct users in the store, interleaved: `storeScaleRatio`. */
function store() {
  process.stderr.write('state store scale: 50 vs 50,000 distinct users (Vodia presence), interleaved...\n');
  const specs = SCALE_KEYS.map((keys) => ({
    kind: 'throughput',
    protocol: 'vodia',
    mode: 'ours',
    n: N,
    keys,
    label: `${keys} users`,
  }));
  const runs = interleaved(specs);
  const scale = {};
  SCALE_KEYS.forEach((keys, i) => {
    scale[`keys${keys}`] = spreadOf(runs[i], 'rate');
    scale[`entries${keys}`] = runs[i][0].entries;
    // The untimed warm-up that first fills the store (2 reports per user): the one-time cost of new keys.
    scale[`warmup${keys}`] = spreadOf(runs[i], 'warmupRate');
  });
  const [few, many] = SCALE_KEYS.map((k) => scale[`keys${k}`].median);
  const perRound = ratioSpread(runs[1], runs[0], 'rate');
  scale.perRound = { min: perRound.min, max: perRound.max };
  return { storeScale: scale, storeScaleRatio: round(many / few, 2) };
}

/**
 * Throughput of our flow with pbx-mqtt off and on (into an aedes broker in its own process
 * through core mqtt out), interleaved rounds; the ratio is `mqttOverheadRatio`.
 */
function mqtt() {
  process.stderr.write(`pbx-mqtt off/on (${MQTT_PROTOCOL}), interleaved...\n`);
  const runs = interleaved(
    [false, true].map((on) => ({
      kind: 'throughput',
      protocol: MQTT_PROTOCOL,
      mode: 'ours',
      n: N,
      mqtt: on,
      label: on ? 'pbx-mqtt on' : 'pbx-mqtt off',
    })),
  );
  const [off, on] = runs.map((r) => spread(r.map((m) => m.rate)));
  const perRound = ratioSpread(runs[1], runs[0], 'rate');
  return {
    mqtt: {
      protocol: MQTT_PROTOCOL,
      off: rounded(off),
      on: rounded(on),
      perRound: { min: perRound.min, max: perRound.max },
      publishedPerEvent: round(spread(runs[1].map((m) => m.publishedPerEvent)).median, 3),
      eventsPerRun: N,
      rounds: ROUNDS,
    },
    mqttOverheadRatio: round(on.median / off.median, 2),
  };
}

/** `pbx-state` over a large store: query latency and bytes per entry, `ROUNDS` runs. */
function state() {
  process.stderr.write(`pbx-state: all presence, is available, over ${STATE_ENTRIES} entries...\n`);
  const runs = Array.from({ length: ROUNDS }, (_, r) => {
    process.stderr.write(`  run ${r + 1}/${ROUNDS}\n`);
    return measure({ kind: 'state', entries: STATE_ENTRIES, queries: STATE_QUERIES });
  });
  const stateQuery = {
    entries: runs[0].stored,
    matching: runs[0].matching,
    rest: runs[0].rest,
    queriesPerRun: STATE_QUERIES,
    firstQueryMs: spreadOf(runs, 'firstQueryMs', 2),
    nodeP50Ms: spreadOf(runs, 'queryP50Ms', 2),
    nodeP99Ms: spreadOf(runs, 'queryP99Ms', 2),
    answerAllP50Ms: spreadOf(runs, 'answerAllP50Ms', 2),
    answerAllP99Ms: spreadOf(runs, 'answerAllP99Ms', 2),
    bytesPerStateEntry: spreadOf(runs, 'bytesPerStateEntry'),
    bytesPerUser: spreadOf(runs, 'bytesPerUser'),
  };
  return {
    stateQuery,
    stateQueryP99Ms: stateQuery.nodeP99Ms.median,
    bytesPerStateEntry: stateQuery.bytesPerStateEntry.median,
  };
}

/** 1, 100 and 500 input nodes on one connection, interleaved: `dispatchRatio`. */
function dispatch() {
  process.stderr.write('dispatch 1, 100, 500 nodes, interleaved...\n');
  const nodes = [1, 100, 500];
  // The same events over 500 extensions for each: 1 node watching all, 100 nodes 5 each, 500 nodes 1 each.
  const keys = nodes[nodes.length - 1];
  const runs = interleaved(nodes.map((k) => ({ kind: 'dispatch', nodes: k, keys, n: N, label: `${k} nodes` })));
  const result = {};
  nodes.forEach((k, i) => (result[`nodes${k}`] = Math.round(spread(runs[i].map((m) => m.rate)).median)));
  const ratio = ratioSpread(runs[2], runs[0], 'rate');
  result.ratioPerRound = { min: ratio.min, max: ratio.max };
  return { dispatch: result, dispatchRatio: ratio.median };
}

function setup() {
  process.stderr.write('setup of 1000 subscriptions...\n');
  const s1k = measure({ kind: 'setup', subs: 1000 });
  process.stderr.write('setup of 10000 subscriptions...\n');
  const s10k = measure({ kind: 'setup', subs: 10000 });
  return {
    setup1000Ms: Math.round(s1k.confirmedMs),
    setupFirstEvents1000Ms: Math.round(s1k.firstEventsMs),
    bytesPerSubscription: Math.round(s1k.bytesPerSubscription),
    setup10000Ms: Math.round(s10k.confirmedMs),
    setupFirstEvents10000Ms: Math.round(s10k.firstEventsMs),
  };
}

/**
 * The heap over redeploys: the growth from the first deploy (ours, with a heap snapshot that
 * tells compiled code from objects, the core-node baseline, the curve), and ours against core
 * nodes with one core websocket in interleaved rounds: `heapVsCoreWebsocket`.
 */
function heap() {
  const memorySpec = { kind: 'memory', nodes: 100, redeploys: REDEPLOYS };
  process.stderr.write(`memory over ${REDEPLOYS} redeploys...\n`);
  const plain = measure(memorySpec);
  process.stderr.write('memory again, telling compiled code from objects (heap snapshots)...\n');
  const split = measure({ ...memorySpec, snapshots: true });
  process.stderr.write('memory baseline: the same redeploys with core nodes...\n');
  const baseline = measure({ ...memorySpec, core: true });
  process.stderr.write('heap curve over 400 redeploys...\n');
  const curve = measure({ ...memorySpec, redeploys: 400, curve: CURVE });
  process.stderr.write(
    'heap: ours vs core nodes with one core websocket that reconnects on each deploy, interleaved...\n',
  );
  const [websocket, ours] = interleaved([
    { ...memorySpec, warmup: HEAP_WARMUP, websocket: true, label: 'core websocket' },
    { ...memorySpec, warmup: HEAP_WARMUP, label: 'ours' },
  ]);
  const heapCurvePct = {};
  for (const [n, used] of Object.entries(curve.curve))
    heapCurvePct[n] = round(((used - curve.heapFirst) / curve.heapFirst) * 100, 1);
  const ratio = ratioSpread(ours, websocket, 'heapGrowthPct');
  return {
    heapGrowthPct: round(plain.heapGrowthPct, 1),
    codeGrowthBytes: split.codeGrowth,
    objectsHeapGrowthPct: round(split.objectsGrowthPct, 2),
    coreBaselineHeapGrowthPct: round(baseline.heapGrowthPct, 1),
    heapCurvePct,
    heapRounds: {
      rounds: ROUNDS,
      redeploys: REDEPLOYS,
      warmup: HEAP_WARMUP,
      ours: spreadOf(ours, 'heapGrowthPct', 2),
      websocket: spreadOf(websocket, 'heapGrowthPct', 2),
      ratio: { min: ratio.min, max: ratio.max },
    },
    heapVsCoreWebsocket: ratio.median,
    memory: {
      heapFirst: plain.heapFirst,
      heapLast: plain.heapLast,
      rssFirst: plain.rssFirst,
      rssLast: plain.rssLast,
      socketsAfter: plain.connections,
    },
  };
}

/**
 * Paced innovaphone presence at 1,000 events/s through ours, through core `websocket in` (what
 * Node-RED itself adds) and to a raw client (what the machine adds), and ours at 10,000/s, interleaved.
 */
function latency() {
  process.stderr.write(
    'latency at 1,000 and 10,000 events/s, of core websocket in and of a raw client, interleaved...\n',
  );
  const at = (rate, mode) => ({ kind: 'latency', rate, n: LATENCY_EVENTS[rate], mode, label: `${mode} ${rate}/s` });
  const [limit1k, floor1k, ours1k, ours10k] = interleaved([
    at(1000, 'limit'),
    at(1000, 'floor'),
    at(1000, 'ours'),
    at(10000, 'ours'),
  ]);
  const of = (runs) => ({ p50: spreadOf(runs, 'p50', 2), p99: spreadOf(runs, 'p99', 2) });
  const latencyRuns = {
    rounds: ROUNDS,
    warmupEvents: 20000,
    limit1k: of(limit1k),
    floor1k: of(floor1k),
    ours1k: of(ours1k),
    ours10k: of(ours10k),
  };
  // Ours' p99 over core websocket in's at 1,000 events/s, per round: what ours adds to Node-RED's own.
  const vsCore = ratioSpread(ours1k, floor1k, 'p99');
  latencyRuns.p99VsCorePerRound = { min: vsCore.min, max: vsCore.max };
  const medians = (l) => ({ p50: l.p50.median, p99: l.p99.median });
  return {
    latency: latencyRuns,
    latencyMs: medians(latencyRuns.ours1k),
    latency10kMs: medians(latencyRuns.ours10k),
    latencyP99VsCore: vsCore.median,
  };
}

/** Whether `command` is on the PATH (Radicale for the CardDAV figures). */
function installed(command) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/**
 * The phone book: ours with a directory of `CONTACTS` contacts attached to the connection and
 * without, interleaved (`namesOverheadRatio`); loading them from CSV (`directoryLoad100kMs`) and the
 * heap they keep (`bytesPerContact`), and `pbx-lookup` in Node-RED (`lookupP99Ms`), `ROUNDS` runs
 * each; CardDAV from a local Radicale (`carddavSync5kMs`, `carddavDeltaMs`; skipped without it).
 */
function directory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-bench-book-'));
  const file = path.join(dir, 'contacts.csv');
  writePhoneBook(file, CONTACTS);
  // Half the throughput section's events: each run first starts Node-RED and loads the phone book.
  const n = Math.round(N / 2);
  const base = { kind: 'directory', file, contacts: CONTACTS };
  try {
    process.stderr.write(`directory: ours without and with ${CONTACTS} contacts attached, interleaved...\n`);
    const [off, on] = interleaved(
      [false, true].map((attached) => ({
        ...base,
        mode: 'names',
        attached,
        n,
        label: attached ? 'directory attached' : 'no directory',
      })),
    );
    const ratio = ratioSpread(on, off, 'rate');
    process.stderr.write(`directory: loading ${CONTACTS} contacts from CSV, ${ROUNDS} runs...\n`);
    const loads = Array.from({ length: ROUNDS }, () => measure({ ...base, mode: 'load' }));
    process.stderr.write(`directory: pbx-lookup, ${LOOKUPS} lookups per run, ${ROUNDS} runs...\n`);
    const lookups = Array.from({ length: ROUNDS }, () => measure({ ...base, mode: 'lookup', queries: LOOKUPS }));
    const result = {
      directory: {
        contacts: CONTACTS,
        protocol: 'onlinepbx3',
        eventsPerRun: n,
        rounds: ROUNDS,
        off: spreadOf(off, 'rate'),
        on: spreadOf(on, 'rate'),
        perRound: { min: ratio.min, max: ratio.max },
        namedPerEvent: round(spread(on.map((m) => m.namedPerEvent)).median, 3),
        loadMs: spreadOf(loads, 'loadMs'),
        bytesPerContact: spreadOf(loads, 'bytesPerContact'),
        lookupsPerRun: LOOKUPS,
        lookupKnown: lookups[0].known,
        lookupP50Ms: spreadOf(lookups, 'lookupP50Ms', 3),
        lookupP99Ms: spreadOf(lookups, 'lookupP99Ms', 3),
      },
      namesOverheadRatio: ratio.median,
      bytesPerContact: round(spread(loads.map((m) => m.bytesPerContact)).median),
      directoryLoad100kMs: round(spread(loads.map((m) => m.loadMs)).median),
      lookupP99Ms: round(spread(lookups.map((m) => m.lookupP99Ms)).median, 3),
    };
    if (!installed('radicale')) {
      // Undefined, so a partial run drops the figures of the run before (JSON leaves them out).
      return { ...result, carddavSync5kMs: undefined, carddavDeltaMs: undefined };
    }
    process.stderr.write(`directory: CardDAV, ${CARDS} vCards in a local Radicale...\n`);
    const dav = measure({ kind: 'carddav', cards: CARDS, rounds: ROUNDS });
    result.directory.carddav = { cards: dav.cards, rounds: dav.rounds };
    result.carddavSync5kMs = dav.carddavSync5kMs;
    result.carddavDeltaMs = dav.carddavDeltaMs;
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const RUNS = { throughput, store, mqtt, state, dispatch, setup, heap, latency, directory };

function main() {
  const only = (process.env.BENCH_ONLY || '').split(',').filter(Boolean);
  const unknown = only.filter((s) => !RUNS[s]);
  if (unknown.length) throw new Error(`BENCH_ONLY=${unknown.join(',')}: known are ${Object.keys(RUNS).join(', ')}`);
  const sections = only.length ? only : Object.keys(SECTIONS);
  const file = path.join(__dirname, 'results.json');
  // A partial run merges its sections into the last full run's figures.
  const results = only.length && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const started = Date.now();
  for (const s of sections) Object.assign(results, RUNS[s]());
  results.machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0].model,
    platform: `${os.platform()} ${os.arch()}`,
    nodeRed: require('node-red/package.json').version,
    eventsPerRun: N,
    rounds: ROUNDS,
  };
  results.date = new Date().toISOString();
  results.durationS = Math.round((Date.now() - started) / 1000);
  if (only.length) results.sectionsOfLastRun = only;
  else delete results.sectionsOfLastRun;
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${report(results, sections)}\n`);
}

main();
