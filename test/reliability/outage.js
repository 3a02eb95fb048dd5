'use strict';
// Outages for the live-state reliability specs (issue 14.8): the simulator keeps running, and its
// state goes on changing, while its own login fault keeps the connection from getting back in.
// Then the fault is lifted and the connection resyncs from what the PBX reports after the login.
const { helper, waitFor } = require('../support/red');
const { connected, connection, loadCatching, recordHelpers } = require('../support/flow');
const { simProfile } = require('../../scripts/sim-profiles');

const DAY_MS = 24 * 3600 * 1000;

/** Per vendor the simulator's profile, the options it starts with, and its own login fault. */
const VENDORS = {
  innovaphone: {
    sims: simProfile('innovaphone'),
    // New WebSockets are answered 503.
    refuse: (sim, on) => sim.setUnavailable(on),
    refused: /503/,
  },
  vodia: {
    sims: simProfile('vodia'),
    // Sessions that expire at once: the REST login works, the WebSocket is refused (403).
    refuse: (sim, on) => sim.setSessionTtl(on ? 0 : DAY_MS),
    refused: /refused the WebSocket/,
  },
  'onlinepbx 2.0': {
    sims: simProfile('onlinepbx'),
    options: { apiVersion: '2', apiKey: 'live-key' },
    // The socket.io handshake answers 503.
    refuse: (sim, on) => sim.setHandshakeFault(on ? 'unavailable' : undefined),
    refused: /503/,
  },
};

/**
 * Runs a fresh simulator of `vendor` around every test of the calling `describe`. Returns the
 * steps of an outage test; `v.sim` is the current simulator.
 */
function useVendor(name) {
  const vendor = VENDORS[name];
  const v = {
    sim: undefined,
    connection,
    /** Loads the nodes (plus the connection and a catch node) and records every helper node. */
    async load(nodes) {
      const config = { id: 'c1', type: 'pbx-connection', name, ...vendor.sims.connection(v.sim) };
      const credentials = { c1: vendor.sims.credentials(v.sim) };
      const recs = recordHelpers(nodes, await loadCatching([config, ...nodes], credentials, 'herr'));
      await connected();
      return recs;
    },
    /** The socket drops and every login is refused until `restore`. */
    async outage() {
      vendor.refuse(v.sim, true);
      v.sim.dropAll();
      await waitFor(() => connection().state !== 'connected', 5000, 'disconnected');
      // A login refused by the fault: the change that follows happens while we are out.
      await waitFor(() => vendor.refused.test(connection().detail), 5000, 'a refused login');
    },
    /** Lifts the fault and waits for the login and for `ready(sim)` (the subscriptions are back). */
    async restore(ready = () => true) {
      vendor.refuse(v.sim, false);
      await waitFor(() => connection().state === 'connected' && ready(v.sim), 5000, `${name} restore`);
    },
    /** Sends `msg` to the pbx-state node `id` and returns its answer from the helper `rec`. */
    async ask(id, rec, msg) {
      helper.getNode(id).receive(msg);
      return rec.next();
    },
  };
  beforeEach(async () => {
    v.sim = await vendor.sims.start(vendor.options);
  });
  afterEach(async () => {
    await helper.unload();
    await v.sim.stop();
  });
  return v;
}

/** The messages of `rec` from index `from` on, as `[topic, state or status]` pairs. */
function since(rec, from, field = 'status') {
  return rec.list.slice(from).map((m) => [m.topic, m.payload && m.payload[field]]);
}

module.exports = { useVendor, since };
