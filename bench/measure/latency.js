'use strict';
// `kind: 'latency'`: innovaphone presence paced at `spec.rate` events/s, from the simulator's
// send (the frame carries its send time) to the counting sink. `mode: 'limit'`: to a raw ws
// client in this process instead, what the machine itself adds (sockets, scheduling, the
// sender's pauses); `mode: 'floor'`: through core `websocket in` straight to the sink, what
// Node-RED itself adds (the sink reads the send time from the unparsed frame).
const WebSocket = require('ws');
const { startRed } = require('../red');
const { until, timedPush, settledHeap, quantile } = require('./host');
const { USERS, watcher, watched, ourFlow, ready, peerFlow } = require('./flows');

/**
 * Untimed events before the paced ones, then a collection: the latency of a running Node-RED,
 * not of code V8 has not compiled yet or of the warm-up's garbage.
 */
const WARMUP_EVENTS = 20000;
/** The first paced events are not counted either. */
const SKIP = 200;

/** A raw ws client that parses each frame and takes its latency. */
async function rawClient(host, port) {
  const sink = { count: 0, latencies: [] };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
  ws.on('message', (d) => {
    const sent = JSON.parse(d.toString()).t;
    sink.count++;
    if (typeof sent === 'number') sink.latencies.push(performance.timeOrigin + performance.now() - sent);
  });
  await new Promise((r) => ws.once('open', r));
  await until(async () => (await host.call('status')).connections === 1, 'client');
  return { sink, stop: () => ws.close() };
}

async function latency(host, spec) {
  const protocol = 'innovaphone';
  const limit = spec.mode === 'limit';
  const floor = spec.mode === 'floor';
  const { port, connection } = await host.call('start', { protocol, users: USERS, raw: limit || floor });
  let red;
  let sink;
  let stopClient;
  try {
    if (limit) ({ sink, stop: stopClient } = await rawClient(host, port));
    else if (floor) {
      red = await startRed();
      await red.deploy(peerFlow(protocol, port, 'floor'));
      await until(async () => (await host.call('status')).connections === 1, 'websocket in connected');
      sink = red.sink;
      sink.onMessage = (msg) => {
        const sent = JSON.parse(msg.payload).t;
        if (typeof sent === 'number') sink.latencies.push(performance.timeOrigin + performance.now() - sent);
      };
    } else {
      red = await startRed();
      await red.deploy(ourFlow(connection, [watcher(protocol, 'w1', watched(protocol, USERS))]));
      await ready(red, host, USERS);
      sink = red.sink;
    }
    await timedPush(host, sink, protocol, WARMUP_EVENTS, USERS);
    settledHeap();
    sink.latencies.length = 0;
    await host.call('paced', { protocol, n: spec.n, users: USERS, rate: spec.rate });
    await until(() => sink.latencies.length >= spec.n, 'paced events');
    const counted = sink.latencies.slice(SKIP);
    return { p50: quantile(counted, 0.5), p99: quantile(counted, 0.99) };
  } finally {
    if (stopClient) stopClient();
    if (red) await red.stop();
  }
}

module.exports = { latency };
