'use strict';
// `kind: 'dispatch'` (one connection, many input nodes) and `kind: 'setup'` (many subscriptions
// at deploy).
const { startRed } = require('../red');
const { until, timedPush } = require('./host');
const { userList, watcher, ourFlow, ready } = require('./flows');

/** `spec.nodes` input nodes on one connection, each watching its own extension: events per second. */
async function dispatch(host, spec) {
  const k = spec.nodes;
  const protocol = 'onlinepbx3';
  const { port } = await host.call('start', { protocol, users: k });
  const red = await startRed();
  try {
    const watchers = Array.from({ length: k }, (_, i) => watcher(protocol, `w${i}`, [String(2000 + i)]));
    await red.deploy(ourFlow(protocol, port, watchers));
    await ready(red, host, protocol, 0);
    await timedPush(host, red.sink, protocol, 5000, k);
    return { rate: (await timedPush(host, red.sink, protocol, spec.n, k)).rate };
  } finally {
    await red.stop();
  }
}

/** One input node watching `spec.subs` innovaphone users: until confirmed, until the first event of each. */
async function setup(host, spec) {
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

module.exports = { dispatch, setup };
