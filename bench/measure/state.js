'use strict';
// `kind: 'state'`: the `pbx-state` node's query latency over a large live state store, and the
// heap of the stored entries.
const { answerAll } = require('../../dist/connection/state-query');
const { startRed } = require('../red');
const { until, settledHeap, quantile } = require('./host');
const { USERS, watcher, ourFlow, ready } = require('./flows');

/** Untimed `pbx-state` queries before the timed ones (JIT warm-up). */
const STATE_WARMUP = 20;

/**
 * The live state store with `spec.entries` Vodia users, filled through the real path (simulator,
 * socket, adapter, connection) in Node-RED: the latency of a `pbx-state` node asked for "all
 * presence, is available" (`spec.queries` times, one after the other, from `receive` to the
 * second output reaching the sink), the same query straight on `answerAll`, and the heap of the
 * stored presence entries (the heap with them minus the heap once the presence map is emptied).
 */
async function state(host, spec) {
  const protocol = 'vodia';
  const k = spec.entries;
  const { connection } = await host.call('start', { protocol, users: USERS });
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
    const flows = ourFlow(connection, [watcher(protocol, 'w1', []), query]);
    await red.deploy(flows);
    await ready(red, host, 0);
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
    return {
      stored,
      matching,
      rest,
      firstQueryMs,
      queryP50Ms: quantile(times, 0.5),
      queryP99Ms: quantile(times, 0.99),
      answerAllP50Ms: quantile(direct, 0.5),
      answerAllP99Ms: quantile(direct, 0.99),
      bytesPerStateEntry: (filled - emptied) / stored,
      bytesPerUser: (filled - before) / stored,
    };
  } finally {
    await red.stop();
  }
}

module.exports = { state };
