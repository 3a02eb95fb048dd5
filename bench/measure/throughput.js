'use strict';
// `kind: 'throughput'`: events per second from the simulator into the counting sink, through
// the raw limit (a ws client that only parses), ours, the floor, the parse floor or the core peer.
const WebSocket = require('ws');
const { startRed } = require('../red');
const { startBroker, mqttNodes } = require('../mqtt');
const { until, timedPush } = require('./host');
const { benchProtocol } = require('../../scripts/sim-profiles');
const { USERS, watcher, watched, ourFlow, ready, peerFlow } = require('./flows');

/** The physical limit: a raw ws client that only parses (after cutting a frame prefix: 2.0's socket.io). */
async function limit(host, protocol, port, n) {
  const counter = { count: 0 };
  const prefix = benchProtocol(protocol).bench.framePrefix;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
  ws.on('message', (d) => {
    const text = d.toString();
    JSON.parse(prefix ? text.slice(text.indexOf(prefix) + prefix.length) : text);
    counter.count++;
  });
  await new Promise((r) => ws.once('open', r));
  await until(async () => (await host.call('status')).connections === 1, 'client');
  await timedPush(host, counter, protocol, 2000, USERS);
  const run = await timedPush(host, counter, protocol, n, USERS);
  ws.close();
  return run;
}

async function throughput(host, spec) {
  const { protocol, mode, n } = spec;
  // `spec.keys`: the events cycle through this many distinct users (the state store's scale run).
  const distinct = spec.keys || USERS;
  const { port, connection } = await host.call('start', { protocol, users: USERS, raw: mode !== 'ours' });
  if (mode === 'limit') return limit(host, protocol, port, n);
  const red = await startRed();
  // `spec.mqtt`: pbx-mqtt mirrors the store into a broker besides (the run ends when it has all).
  const broker = spec.mqtt ? await startBroker() : undefined;
  let published = 0;
  try {
    if (mode === 'ours') {
      const flows = ourFlow(connection, [watcher(protocol, 'w1', watched(protocol, USERS))]);
      await red.deploy(broker ? [...flows, ...mqttNodes(broker.port)] : flows);
      await ready(red, host, USERS);
      if (broker) await until(async () => (await broker.status()).clients === 1, 'mqtt out connected');
    } else {
      await red.deploy(peerFlow(protocol, port, mode));
      await until(async () => (await host.call('status')).connections === 1, 'peer connected');
    }
    // The warm-up reports every user twice (two cycles, so the timed run starts with a change of
    // state, as with 50 users): the timed run measures a store that already holds its keys.
    // Filling it is a one-time cost: the warm-up's own rate, `warmupRate`, shows it.
    const warmup = await timedPush(host, red.sink, protocol, Math.max(2000, 2 * distinct), distinct);
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
    const run = await timedPush(host, red.sink, protocol, n, distinct);
    let rate = run.rate;
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
    return {
      rate,
      cpuPct: run.cpuPct,
      entries,
      warmupRate: warmup.rate,
      ...(broker && { publishedPerEvent: published / n }),
    };
  } finally {
    await red.stop();
    if (broker) await broker.stop();
  }
}

module.exports = { throughput };
