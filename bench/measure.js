'use strict';
// One measurement in a fresh process (so results do not skew each other): the simulator runs in
// a child process of its own (bench/sim-host.js), the PBX client side here. Prints one JSON line.
const { fork } = require('child_process');
const fs = require('fs');
const os = require('os');
const v8 = require('v8');
const path = require('path');
const WebSocket = require('ws');
const { startRed } = require('./red');
const { startBroker, mqttNodes } = require('./mqtt');

const spec = JSON.parse(process.argv[2]);
const USERS = 50;
const WAIT_MS = 60000;
/** Untimed `pbx-state` queries before the timed ones (JIT warm-up). */
const STATE_WARMUP = 20;

function simHost() {
  const child = fork(path.join(__dirname, 'sim-host.js'), [], { stdio: 'inherit' });
  let next = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  return {
    call: (cmd, args = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        child.send({ id, cmd, ...args });
      }),
    exited: new Promise((r) => child.once('exit', r)),
  };
}

async function until(check, label, ms = WAIT_MS) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out: ${label}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function configNode(protocol, port) {
  if (protocol === 'innovaphone')
    return [
      { vendor: 'innovaphone', url: `ws://127.0.0.1:${port}/PBX0/APPS/websocket`, app: 'nodered' },
      { password: 'pwd' },
    ];
  if (protocol === 'vodia')
    return [
      { vendor: 'vodia', url: `ws://127.0.0.1:${port}/websocket`, domain: 'bench.test', user: '40' },
      { password: 'secret' },
    ];
  const v3 = protocol === 'onlinepbx3';
  return [
    {
      vendor: 'onlinepbx',
      apiVersion: v3 ? '3' : '2',
      url: v3 ? `ws://127.0.0.1:${port}/` : `http://127.0.0.1:${port}`,
      domain: 'bench.test',
    },
    { apiKey: 'bench-key' },
  ];
}

const userList = (k) => Array.from({ length: k }, (_, i) => `u${i}`);

/** The input node that watches `keys` (users or extensions) of `protocol`. */
function watcher(protocol, id, keys) {
  if (protocol === 'innovaphone')
    return { id, type: 'pbx-presence-in', z: 'tab', connection: 'c1', users: keys.join(','), wires: [['sink']] };
  if (protocol === 'vodia')
    return { id, type: 'pbx-presence-in', z: 'tab', connection: 'c1', users: keys.join(','), wires: [['sink']] };
  return { id, type: 'pbx-blf-in', z: 'tab', connection: 'c1', extensions: keys.join(','), wires: [['sink']] };
}

/** Our flow: the config node, `watchers` and the sink. */
function ourFlow(protocol, port, watchers) {
  const [config, credentials] = configNode(protocol, port);
  // Credentials inline on the node, as the editor sends them on deploy.
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'c1', type: 'pbx-connection', ...config, credentials },
    ...watchers,
    { id: 'sink', type: 'bench-sink', z: 'tab' },
  ];
}

async function ready(red, host, protocol, expectSubs) {
  await until(() => red.node('c1')?.connection?.state === 'connected', 'connected');
  if (protocol === 'innovaphone')
    await until(async () => (await host.call('status')).subscriptions >= expectSubs, 'subscriptions');
  // The other protocols confirm their subscriptions without a reply we can see from here.
  else await new Promise((r) => setTimeout(r, 500));
}

/** Events per second, and how busy this (the receiving) process was meanwhile. */
async function timedPush(host, sink, protocol, n, users) {
  sink.count = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  host.call('push', { protocol, n, users });
  await until(() => sink.count >= n, `${n} events`);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  lastCpuPct = ((cpu.user + cpu.system) / 1000 / ms) * 100;
  return n / (ms / 1000);
}
let lastCpuPct = 0;

async function throughput(host) {
  const { protocol, mode, n } = spec;
  // `spec.keys`: the events cycle through this many distinct users (the state store's scale run).
  const distinct = spec.keys || USERS;
  const { port } = await host.call('start', { protocol, users: USERS, raw: mode !== 'ours' });
  if (mode === 'limit') {
    // The physical limit: a raw ws client that only parses (and for 2.0 splits the socket.io frame).
    const counter = { count: 0 };
    const v2 = protocol === 'onlinepbx2';
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    ws.on('message', (d) => {
      const text = d.toString();
      JSON.parse(v2 ? text.slice(text.indexOf(':::') + 3) : text);
      counter.count++;
    });
    await new Promise((r) => ws.once('open', r));
    await until(async () => (await host.call('status')).connections === 1, 'client');
    await timedPush(host, counter, protocol, 2000, USERS);
    const rate = await timedPush(host, counter, protocol, n, USERS);
    ws.close();
    return { rate, cpuPct: lastCpuPct };
  }
  const red = await startRed();
  // `spec.mqtt`: pbx-mqtt mirrors the store into a broker besides (the run ends when it has all).
  const broker = spec.mqtt ? await startBroker() : undefined;
  let published = 0;
  try {
    if (mode === 'ours') {
      const keys = protocol === 'innovaphone' ? userList(USERS) : [];
      const flows = ourFlow(protocol, port, [watcher(protocol, 'w1', keys)]);
      await red.deploy(broker ? [...flows, ...mqttNodes(broker.port)] : flows);
      await ready(red, host, protocol, USERS);
      if (broker) await until(async () => (await broker.status()).clients === 1, 'mqtt out connected');
    } else {
      await red.deploy(peerFlow(protocol, port, mode === 'floor'));
      await until(async () => (await host.call('status')).connections === 1, 'peer connected');
    }
    // The warm-up reports every user twice (two cycles, so the timed run starts with a change of
    // state, as with 50 users): the timed run measures a store that already holds its keys.
    // Filling it is a one-time cost: the warm-up's own rate, `warmupRate`, shows it.
    const warmupRate = await timedPush(host, red.sink, protocol, Math.max(2000, 2 * distinct), distinct);
    if (broker) {
      // The warm-up's first round repeats the snapshot (no change, nothing published): wait until quiet.
      let last = -1;
      await until(async () => {
        const { received } = await broker.status();
        if (received === last) return true;
        last = received;
        await new Promise((r) => setTimeout(r, 300));
      }, 'the warm-up at the broker');
      await broker.reset();
      // Counted where they enter mqtt out: what the run must see arrive at the broker.
      red.node('mo').on('input', (msg) => {
        if (msg.topic.includes('/presence/')) published++;
      });
    }
    let rate = await timedPush(host, red.sink, protocol, n, distinct);
    if (broker) {
      // The run ends when the broker has every state message pbx-mqtt sent (each user's latest
      // state at the end of each turn of the event loop, NODES.md `pbx-mqtt`).
      const t0 = performance.now() - n / (rate / 1000);
      let last = -1;
      await until(async () => {
        await new Promise((r) => setImmediate(r));
        const done = published === last && (await broker.status()).received >= published;
        last = published;
        return done;
      }, 'the state messages at the broker');
      rate = n / ((performance.now() - t0) / 1000);
    }
    const entries = mode === 'ours' ? red.node('c1').connection.store.size('presence') : undefined;
    return { rate, cpuPct: lastCpuPct, entries, warmupRate, ...(broker && { publishedPerEvent: published / n }) };
  } finally {
    await red.stop();
    if (broker) await broker.stop();
  }
}

/** The core `websocket-client` config node `wc` of the core-node flows. */
function websocketClient(port) {
  return {
    id: 'wc',
    type: 'websocket-client',
    path: `ws://127.0.0.1:${port}/`,
    tls: '',
    wholemsg: 'false',
    hb: '0',
    subprotocol: '',
  };
}

/**
 * What a user builds from core nodes: websocket in -> (2.0: split) -> json -> 50-way switch -> sink.
 * `floor`: websocket in -> sink only, Node-RED's own cost of a message from a socket, with no
 * parsing at all: no input node can be faster than this.
 */
function peerFlow(protocol, port, floor = false) {
  const keyProp = {
    innovaphone: 'payload.src',
    onlinepbx2: 'payload.args[0].uid',
    onlinepbx3: 'payload.data.uid',
    vodia: 'payload.account',
  }[protocol];
  const values = Array.from({ length: USERS }, (_, i) => (protocol === 'innovaphone' ? `p:u${i}` : String(2000 + i)));
  const v2 = protocol === 'onlinepbx2';
  return [
    { id: 'tab', type: 'tab', label: 'peer' },
    websocketClient(port),
    {
      id: 'wi',
      type: 'websocket in',
      z: 'tab',
      name: '',
      server: '',
      client: 'wc',
      wires: [[floor ? 'sink' : v2 ? 'fn' : 'js']],
    },
    ...(v2
      ? [
          {
            id: 'fn',
            type: 'function',
            z: 'tab',
            func: "msg.payload = msg.payload.slice(msg.payload.indexOf(':::') + 3);\nreturn msg;",
            outputs: 1,
            wires: [['js']],
          },
        ]
      : []),
    { id: 'js', type: 'json', z: 'tab', property: 'payload', action: '', pretty: false, wires: [['sw']] },
    {
      id: 'sw',
      type: 'switch',
      z: 'tab',
      property: keyProp,
      propertyType: 'msg',
      rules: values.map((v) => ({ t: 'eq', v, vt: 'str' })),
      checkall: 'true', // the switch node's default: check every rule
      repair: false,
      outputs: USERS,
      wires: values.map(() => ['sink']),
    },
    { id: 'sink', type: 'bench-sink', z: 'tab' },
  ];
}

async function dispatch(host) {
  const k = spec.nodes;
  const protocol = 'onlinepbx3';
  const { port } = await host.call('start', { protocol, users: k });
  const red = await startRed();
  try {
    const watchers = Array.from({ length: k }, (_, i) => watcher(protocol, `w${i}`, [String(2000 + i)]));
    const flows = ourFlow(protocol, port, watchers);
    await red.deploy(flows);
    await ready(red, host, protocol, 0);
    await timedPush(host, red.sink, protocol, 5000, k);
    return { rate: await timedPush(host, red.sink, protocol, spec.n, k) };
  } finally {
    await red.stop();
  }
}

async function setup(host) {
  const k = spec.subs;
  const { port } = await host.call('start', { protocol: 'innovaphone', users: k });
  const red = await startRed();
  try {
    red.sink.trackTopics = true;
    global.gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const flows = ourFlow('innovaphone', port, [watcher('innovaphone', 'w1', userList(k))]);
    const t0 = performance.now();
    await red.deploy(flows);
    let confirmedMs;
    await until(async () => {
      if (confirmedMs === undefined && (await host.call('status')).subscriptions >= k)
        confirmedMs = performance.now() - t0;
      return confirmedMs !== undefined && red.sink.topics.size >= k;
    }, 'subscriptions and first events');
    const firstEventsMs = performance.now() - t0;
    global.gc();
    const bytesPerSubscription = (process.memoryUsage().heapUsed - heapBefore) / k;
    return { confirmedMs, firstEventsMs, bytesPerSubscription };
  } finally {
    await red.stop();
  }
}

/**
 * Bytes of compiled code (bytecode, machine code, feedback) in the heap, from a heap snapshot:
 * V8 grows it as it compiles code paths run for the first time, which says nothing of leaks.
 */
function codeBytes() {
  const file = path.join(os.tmpdir(), `pbx-bench-${process.pid}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.rmSync(file);
  const fields = snap.snapshot.meta.node_fields;
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  const code = snap.snapshot.meta.node_types[0].indexOf('code');
  let bytes = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length)
    if (snap.nodes[i + type] === code) bytes += snap.nodes[i + size];
  return bytes;
}

/**
 * The flow of a memory run, `spec.nodes` nodes: ours on one connection, or a baseline of core
 * nodes in the same shape. `spec.core`: change nodes (Node-RED's own growth). `spec.websocket`:
 * the same, with the first one a `websocket in` on a `websocket-client`, a socket that like ours
 * reconnects on every deploy. (One, not 100: more than 10 on one client make Node-RED print a
 * MaxListenersExceededWarning on every deploy.)
 */
function memoryFlow(protocol, port) {
  const watchers = Array.from({ length: spec.nodes }, (_, i) => {
    const id = `w${i}`;
    if (spec.websocket && i === 0)
      return { id, type: 'websocket in', z: 'tab', name: '', server: '', client: 'wc', wires: [['sink']] };
    if (spec.core || spec.websocket) return { id, type: 'change', z: 'tab', rules: [], wires: [['sink']] };
    return watcher(protocol, id, [String(2000 + i)]);
  });
  const flows = ourFlow(protocol, port, watchers);
  if (!spec.websocket) return flows;
  return [...flows.filter((n) => n.id !== 'c1'), websocketClient(port)];
}

async function memory(host) {
  const protocol = 'onlinepbx3';
  const { port } = await host.call('start', { protocol, users: spec.nodes, raw: !!spec.websocket });
  const red = await startRed();
  try {
    const flows = memoryFlow(protocol, port);
    const connected = () =>
      spec.websocket
        ? red.node('wc')?.server?.readyState === WebSocket.OPEN
        : red.node('c1')?.connection?.state === 'connected';
    const settle = async () => {
      if (!spec.core) await until(connected, 'connected');
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 3; i++) global.gc();
      // A heap snapshot leaves the process's RSS high: the run that counts code reports no RSS.
      return { ...process.memoryUsage(), code: spec.snapshots ? codeBytes() : 0 };
    };
    await red.deploy(flows);
    const first = await settle();
    // `spec.curve`: the heap after each of these redeploy counts too (a plateau is warm-up, a
    // steady climb a leak). Its settling pauses and collections are not in the plain run.
    const curve = {};
    for (let i = 1; i <= spec.redeploys; i++) {
      await red.deploy(flows);
      if (spec.curve?.includes(i) && i < spec.redeploys) curve[i] = (await settle()).heapUsed;
    }
    const last = await settle();
    if (spec.curve) curve[spec.redeploys] = last.heapUsed;
    return {
      heapFirst: first.heapUsed,
      heapLast: last.heapUsed,
      heapGrowthPct: ((last.heapUsed - first.heapUsed) / first.heapUsed) * 100,
      codeGrowth: last.code - first.code,
      objectsGrowthPct:
        ((last.heapUsed - last.code - (first.heapUsed - first.code)) / (first.heapUsed - first.code)) * 100,
      rssFirst: first.rss,
      rssLast: last.rss,
      curve,
      connections: (await host.call('status')).connections,
    };
  } finally {
    await red.stop();
  }
}

async function latency(host) {
  const protocol = 'innovaphone';
  const { port } = await host.call('start', { protocol, users: USERS });
  const red = await startRed();
  try {
    const flows = ourFlow(protocol, port, [watcher(protocol, 'w1', userList(USERS))]);
    await red.deploy(flows);
    await ready(red, host, protocol, USERS);
    red.sink.latencies.length = 0;
    await host.call('paced', { protocol, n: spec.n, users: USERS, rate: spec.rate });
    await until(() => red.sink.latencies.length >= spec.n, 'paced events');
    const sorted = red.sink.latencies.slice(200).sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { p50: at(0.5), p99: at(0.99) };
  } finally {
    await red.stop();
  }
}

/** Heap after three collections. */
function settledHeap() {
  for (let i = 0; i < 3; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

/**
 * The live state store with `spec.entries` Vodia users, filled through the real path (simulator,
 * socket, adapter, connection) in Node-RED: the latency of a `pbx-state` node asked for "all
 * presence, is available" (`spec.queries` times, one after the other, from `receive` to the
 * second output reaching the sink), the same query straight on `answerAll`, and the heap of the
 * stored presence entries (the heap with them minus the heap once the presence map is emptied).
 */
async function state(host) {
  const { answerAll } = require('../connection/state-query');
  const protocol = 'vodia';
  const k = spec.entries;
  const { port } = await host.call('start', { protocol, users: USERS });
  const red = await startRed();
  try {
    const query = {
      id: 'q1',
      type: 'pbx-state',
      z: 'tab',
      connection: 'c1',
      kind: 'presence',
      key: '',
      is: 'available',
      forSeconds: '0',
      wires: [['sink'], ['sink']],
    };
    const flows = ourFlow(protocol, port, [watcher(protocol, 'w1', []), query]);
    await red.deploy(flows);
    await ready(red, host, protocol, 0);
    const store = red.node('c1').connection.store;
    const before = settledHeap();
    // 1.5 cycles: the first half of the users is then in dnd, the rest available.
    const n = Math.round(k * 1.5);
    red.sink.count = 0;
    await host.call('push', { protocol, n, users: k });
    await until(() => red.sink.count >= n, `${n} events`);
    const stored = store.size('presence');
    const node = red.node('q1');
    let matching = 0;
    let rest = 0;
    /** One query through the node, from `receive` to its second output at the sink, in ms. */
    const ask = () =>
      new Promise((resolve) => {
        const t0 = performance.now();
        let got = 0;
        red.sink.onMessage = (msg) => {
          if (got === 0) matching = msg.payload.length;
          else rest = msg.payload.length;
          if (++got === 2) resolve(performance.now() - t0);
        };
        node.receive({});
      });
    // The first answer sorts the entries (the store keeps the sorted list until a key comes or
    // goes) and runs in unoptimized code: reported apart, as `firstQueryMs`. The next ones warm
    // the JIT up, untimed, so the percentiles are those of a running Node-RED (the early queries
    // were 8 of the 10 slowest of 200, by their index).
    const firstQueryMs = await ask();
    for (let q = 0; q < STATE_WARMUP; q++) await ask();
    const times = [];
    for (let q = 0; q < spec.queries; q++) times.push(await ask());
    red.sink.onMessage = null;
    const direct = [];
    for (let q = 0; q < spec.queries; q++) {
      const t0 = performance.now();
      answerAll(store, 'presence', true, { is: 'available', forMs: 0 }, Date.now());
      direct.push(performance.now() - t0);
    }
    const filled = settledHeap();
    // The sorted list of entries that answers the query is the store's too.
    store.maps.presence.clear();
    delete store.sorted.presence;
    const emptied = settledHeap();
    const p = (list, q) => {
      const sorted = list.slice().sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    };
    return {
      stored,
      matching,
      rest,
      firstQueryMs,
      queryP50Ms: p(times, 0.5),
      queryP99Ms: p(times, 0.99),
      answerAllP50Ms: p(direct, 0.5),
      answerAllP99Ms: p(direct, 0.99),
      bytesPerStateEntry: (filled - emptied) / stored,
      bytesPerUser: (filled - before) / stored,
    };
  } finally {
    await red.stop();
  }
}

const kinds = { throughput, dispatch, setup, memory, latency, state };

(async () => {
  const host = simHost();
  let result;
  try {
    result = await kinds[spec.kind](host);
  } finally {
    await host.call('stop').catch(() => undefined);
    await host.exited;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
})().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
