'use strict';
// `kind: 'directory'`: the phone book with the CSV file of bench/phone-book.js (`spec.file`,
// `spec.contacts` contacts). `mode`: `names`, ours' throughput with the directory attached to the
// connection or not; `load`, loading it (time and heap per contact); `lookup`, `pbx-lookup`'s
// latency in Node-RED.
const { Directory } = require('../../dist/connection/directory/directory');
const { FileSource } = require('../../dist/connection/directory/file-source');
const { PLAN, callerNumbers } = require('../phone-book');
const { startRed } = require('../red');
const { until, timedPush, settledHeap, quantile } = require('./host');
const { USERS, watcher, watched, ourFlow, ready } = require('./flows');

/** onlinePBX 3.0 BLF: every event names its other leg, a caller the names seam looks up. */
const PROTOCOL = 'onlinepbx3';
/** Untimed events (after the directory has loaded) and untimed lookups before the timed ones: JIT warm-up. */
const WARMUP_EVENTS = 20000;
const WARMUP_LOOKUPS = 1000;

/** The `pbx-directory` node `d1` with the bench's file as its one source. */
function directoryNode(file) {
  return {
    id: 'd1',
    type: 'pbx-directory',
    name: 'bench',
    country: PLAN.country,
    areaCode: PLAN.areaCode,
    outsidePrefix: PLAN.outsidePrefix,
    internalDigits: String(PLAN.internalDigits),
    suffixDigits: '0',
    sources: [{ type: 'file', label: 'bench', path: file }],
  };
}

/** The directory `d1` has all `contacts` contacts in memory. */
async function loaded(red, contacts) {
  await until(() => {
    const status = red.node('d1')?.directory?.status();
    return status?.key === 'contacts' && status.params.count === contacts;
  }, `${contacts} contacts loaded`);
}

/**
 * Ours (onlinePBX 3.0 BLF, the other legs cycling through the callers) with the directory
 * attached to the connection (`spec.attached`) or without one: events per second, and how many
 * events of the warm-up had a contact from the phone book (`namedPerEvent`, the share of callers
 * that are in it: proof the seam looked them up).
 */
async function names(host, spec) {
  const { connection } = await host.call('start', { protocol: PROTOCOL, users: USERS });
  const red = await startRed();
  const numbers = callerNumbers(spec.contacts);
  try {
    const withBook = { ...connection, properties: { ...connection.properties, directory: 'd1' } };
    const flows = ourFlow(spec.attached ? withBook : connection, [watcher(PROTOCOL, 'w1', watched(PROTOCOL, USERS))]);
    await red.deploy(spec.attached ? [directoryNode(spec.file), ...flows] : flows);
    if (spec.attached) await loaded(red, spec.contacts);
    await ready(red, host, USERS);
    let named = 0;
    red.sink.onMessage = (msg) => {
      if (msg.payload.otherPartyContact) named++;
    };
    await timedPush(host, red.sink, PROTOCOL, WARMUP_EVENTS, USERS, numbers);
    red.sink.onMessage = null;
    const run = await timedPush(host, red.sink, PROTOCOL, spec.n, USERS, numbers);
    return { rate: run.rate, cpuPct: run.cpuPct, namedPerEvent: named / WARMUP_EVENTS };
  } finally {
    await red.stop();
  }
}

/**
 * A `Directory` with the file as its one source, as `pbx-directory` makes it: the time from
 * `start()` until every contact is in memory, and the heap it keeps per contact (after against
 * before, each after three collections).
 */
async function load(_host, spec) {
  const before = settledHeap();
  const directory = new Directory([new FileSource('bench', spec.file)], {
    plan: PLAN,
    suffixDigits: 0,
    log: () => {},
  });
  const started = performance.now();
  await directory.start();
  const loadMs = performance.now() - started;
  const { count } = directory.status().params;
  if (count !== spec.contacts) throw new Error(`directory bench: ${count} of ${spec.contacts} contacts loaded`);
  const after = settledHeap();
  await directory.close();
  return { loadMs, bytesPerContact: (after - before) / count, contacts: count };
}

/**
 * `pbx-lookup` on the directory in Node-RED (inject's place taken by `receive`, its output into
 * the sink): `spec.queries` lookups one after the other, the callers' numbers in turn (two in ten
 * known), each from `receive` to the sink, after WARMUP_LOOKUPS untimed ones and a collection.
 */
async function lookup(host, spec) {
  const red = await startRed();
  const numbers = callerNumbers(spec.contacts);
  try {
    await red.deploy([
      { id: 'tab', type: 'tab', label: 'bench' },
      directoryNode(spec.file),
      {
        id: 'l1',
        type: 'pbx-lookup',
        z: 'tab',
        directory: 'd1',
        number: 'payload',
        numberType: 'msg',
        wires: [['sink']],
      },
      { id: 'sink', type: 'bench-sink', z: 'tab' },
    ]);
    await loaded(red, spec.contacts);
    const node = red.node('l1');
    let known = 0;
    const ask = (number) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        red.sink.onMessage = (msg) => {
          if (msg.known) known++;
          resolve(performance.now() - t0);
        };
        node.receive({ payload: number });
      });
    for (let q = 0; q < WARMUP_LOOKUPS; q++) await ask(numbers[q % numbers.length]);
    // The load's garbage (the parsed file) collected now, as in a Node-RED that loaded it long ago.
    settledHeap();
    known = 0;
    const times = [];
    for (let q = 0; q < spec.queries; q++) times.push(await ask(numbers[q % numbers.length]));
    red.sink.onMessage = null;
    return {
      queries: spec.queries,
      known,
      lookupP50Ms: quantile(times, 0.5),
      lookupP99Ms: quantile(times, 0.99),
    };
  } finally {
    await red.stop();
  }
}

const MODES = { names, load, lookup };

function directory(host, spec) {
  return MODES[spec.mode](host, spec);
}

module.exports = { directory };
