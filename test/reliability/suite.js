'use strict';
// Shared steps of the reliability suite: a flow with one watching node and one command node on
// one connection, run against a vendor simulator described by a profile (profiles.js).
const assert = require('assert');
const { helper, loadFlow, record, waitFor } = require('../support/red');

/**
 * Starts a fresh simulator before each test of the calling `describe` and, after it, unloads
 * the flow and stops the simulator. Returns the current simulator.
 */
function useSimulator(profile) {
  let sim;
  beforeEach(async () => {
    sim = await profile.start();
  });
  afterEach(async () => {
    await helper.unload();
    await sim.stop();
  });
  return () => sim;
}

/** `via`: reach the simulator through a proxy (`{ port, tls }`) instead of directly. */
function flowFor(profile, sim, { credentials = profile.credentials, extra = [], via } = {}) {
  const flow = [
    { id: 'c1', type: 'pbx-connection', name: profile.name, ...profile.configNode(sim, via) },
    { id: 'w1', type: profile.watcher.type, connection: 'c1', ...profile.watcher, wires: [['h1']] },
    { id: 'h1', type: 'helper' },
    { id: 'k1', type: 'catch', scope: null, uncaught: false, wires: [['hc']] },
    { id: 'hc', type: 'helper' },
    ...extra,
  ];
  if (profile.request)
    flow.push(
      { id: 'r1', type: profile.request.node.type, connection: 'c1', ...profile.request.node, wires: [['hr']] },
      { id: 'hr', type: 'helper' },
    );
  return { flow, credentials: { c1: credentials } };
}

async function start(profile, sim, opts) {
  const { flow, credentials } = flowFor(profile, sim, opts);
  await loadFlow(flow, credentials);
  return { events: record('h1'), errors: record('hc'), replies: profile.request ? record('hr') : undefined };
}

/** Waits until the connection is up and the watcher's subscription is active on the PBX. */
function restored(profile, sim, ms = 5000) {
  return waitFor(
    () => helper.getNode('c1').connection.state === 'connected' && profile.restored(sim),
    ms,
    `${profile.name} restore`,
  );
}

/** Sends events `from`..`from+count-1` and checks each arrives exactly once. */
async function expectEventsOnce(profile, sim, rec, from, count = 10) {
  const before = rec.list.length;
  for (let i = from; i < from + count; i++) profile.emit(sim, i);
  await waitFor(
    () => seqs(profile, rec.list.slice(before)).filter((s) => s >= from).length >= count,
    5000,
    'events after restore',
  );
  await new Promise((r) => setImmediate(r));
  const got = seqs(profile, rec.list.slice(before)).filter((s) => s >= from);
  assert.deepStrictEqual(
    got.sort((a, b) => a - b),
    Array.from({ length: count }, (_, k) => from + k),
    'each event exactly once',
  );
}

function seqs(profile, msgs) {
  return msgs.map((m) => profile.seq(m)).filter((s) => s !== undefined);
}

/** Every text a user could see: log lines at every level, status texts, errors and messages. */
function everythingVisible(recs) {
  const texts = [];
  for (const c of helper.log().getCalls()) texts.push(JSON.stringify(c.args[0]));
  const any = helper.getNode('c1');
  for (const c of any.status.getCalls()) texts.push(JSON.stringify(c.args[0]));
  for (const r of recs) for (const m of r.list) texts.push(safeJson(m));
  return texts.join('\n');
}

function safeJson(v) {
  const seen = new WeakSet();
  return JSON.stringify(v, (_k, x) => {
    if (x && typeof x === 'object') {
      if (seen.has(x)) return undefined;
      seen.add(x);
    }
    return x;
  });
}

module.exports = { useSimulator, flowFor, start, restored, expectEventsOnce, everythingVisible };
