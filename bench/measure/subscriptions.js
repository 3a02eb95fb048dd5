'use strict';
// `kind: 'dispatch'` (one connection, many input nodes) and `kind: 'setup'` (many subscriptions
// at deploy).
const { startRed } = require('../red');
const { until, timedPush } = require('./host');
const { userList, watcher, ourFlow, ready } = require('./flows');

/**
 * `spec.nodes` input nodes on one connection, events per second. Every configuration gets the
 * same events, over the same `spec.keys` extensions (one node watches them all, 500 nodes one
 * each): what differs is only how many nodes they go to, not how many keys the store and the
 * router hold (50 against 50,000 keys is `storeScaleRatio`'s question).
 */
async function dispatch(host, spec) {
  const k = spec.nodes;
  const keys = spec.keys || k;
  const protocol = 'onlinepbx3';
  const { connection } = await host.call('start', { protocol, users: keys });
  const red = await startRed();
  try {
    const extensions = (i) => Array.from({ length: keys }, (_, j) => String(2000 + j)).filter((_, j) => j % k === i);
    const watchers = Array.from({ length: k }, (_, i) => watcher(protocol, `w${i}`, extensions(i)));
    await red.deploy(ourFlow(connection, watchers));
    await ready(red, host, 0);
    await timedPush(host, red.sink, protocol, 5000, keys);
    return { rate: (await timedPush(host, red.sink, protocol, spec.n, keys)).rate };
  } finally {
    await red.stop();
  }
}

/** One input node watching `spec.subs` innovaphone users: until confirmed, until the first event of each. */
async function setup(host, spec) {
  const k = spec.subs;
  const { connection } = await host.call('start', { protocol: 'innovaphone', users: k });
  const red = await startRed();
  try {
    red.sink.trackTopics = true;
    global.gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const flows = ourFlow(connection, [watcher('innovaphone', 'w1', userList(k))]);
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
