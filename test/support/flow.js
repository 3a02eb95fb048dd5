'use strict';
// The flow most node tests deploy: one pbx-connection `c1` pointed at a simulator, the nodes
// under test, and a catch node whose helper records every error; then waiting for `c1`.
const { simProfiles } = require('../../scripts/sim-profiles');
const { helper, loadFlow, record, waitFor } = require('./red');

/**
 * The pbx-connection node `c1` for each registered vendor's simulator (its profile,
 * `src/sim/<vendor>/profile.ts`); `extra` adds or overrides fields.
 */
const connectionTo = Object.fromEntries(
  simProfiles().map((profile) => [
    profile.vendor,
    (sim, extra) => ({ id: 'c1', type: 'pbx-connection', ...profile.connection(sim), ...extra }),
  ]),
);

/** A catch node for the whole tab, wired to the helper `errorsId`. */
function catchAll(errorsId = 'hc') {
  return [
    { id: 'k1', type: 'catch', scope: null, uncaught: false, wires: [[errorsId]] },
    { id: errorsId, type: 'helper' },
  ];
}

/** Loads `nodes` with a catch-all; returns `{ errors }`, the recorder of every caught error. */
async function loadCatching(nodes, credentials, errorsId = 'hc') {
  await loadFlow([...nodes, ...catchAll(errorsId)], credentials);
  return { errors: record(errorsId) };
}

/** A recorder for each helper node of `nodes`, by id, added to `recorders`. */
function recordHelpers(nodes, recorders = {}) {
  for (const n of nodes) if (n.type === 'helper') recorders[n.id] = record(n.id);
  return recorders;
}

/** pbx-make-call fields that dial from msg.payload.from to msg.payload.to. */
const DIAL_FROM_MSG = { from: 'payload.from', fromType: 'msg', to: 'payload.to', toType: 'msg' };
/** A pbx-make-call node on `c1` that dials from msg.payload.from to msg.payload.to. */
function makeCallFromMsg(id, wires) {
  return { id, type: 'pbx-make-call', connection: 'c1', ...DIAL_FROM_MSG, wires };
}

/** The connection behind the config node `c1`. */
const connection = () => helper.getNode('c1').connection;
/** Resolves when `c1` is connected. */
const connected = () => waitFor(() => connection().state === 'connected', 5000, 'connected');

module.exports = { connectionTo, catchAll, loadCatching, recordHelpers, makeCallFromMsg, connection, connected };
