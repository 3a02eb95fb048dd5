'use strict';
// Node-RED test harness shared by every node-level test: one helper init, all node modules,
// small waiting helpers that wait on events (never on fixed sleeps).
const path = require('path');
const helper = require('node-red-node-test-helper');
const { waitFor } = require('./wait');

// Fast reconnects and short timeouts so fault tests run in milliseconds, not minutes.
helper.init(require.resolve('node-red'), {
  pbxConnectionBackoff: { baseMs: 20, capMs: 300, jitter: 0.5 },
  pbxConnectionLoginTimeout: 1500,
  pbxConnectionKeepalive: 400,
  // A core mqtt-broker retries every 5 s by default: tests of a late or restarted broker wait less.
  mqttReconnectTime: 200,
});

const NODE_TYPES = [
  'pbx-connection',
  'pbx-presence-in',
  'pbx-blf-in',
  'pbx-call-in',
  'pbx-event',
  'pbx-make-call',
  'pbx-call-control',
  'pbx-set-presence',
  'pbx-profile',
  'pbx-command',
  'pbx-device-provisioned',
  'pbx-device-in',
  'pbx-signaling',
  'pbx-state',
  'pbx-mqtt',
  'pbx-directory',
  'pbx-lookup',
];
const root = path.join(__dirname, '..', '..');
const MODULE = '@pbxflow/node-red-pbx';

// The helper's RED._ returns the key; a real runtime translates from our catalogs. The nodes get a
// RED._ like the runtime's (en-US, the runtime's default language), the other nodes the helper's.
const { i18n } = require('@node-red/util');
const BOARD = '@pbxflow/node-red-dashboard-2-pbx/ui-pbx-board';
const catalogs = (async () => {
  await i18n.init({ lang: 'en-US' });
  for (const t of NODE_TYPES)
    await i18n.registerMessageCatalog(`${MODULE}/${t}`, path.join(root, 'nodes', 'locales'), `${t}.json`);
  await i18n.registerMessageCatalog(BOARD, path.join(root, 'dashboard', 'nodes', 'locales'), 'ui-pbx-board.json');
})();

/** A node module given a RED whose `_` translates as in Node-RED (`type.key` in the catalog of `namespace`). */
function translating(mod, namespace) {
  const translate = (key, subs) => i18n._(key.includes(':') ? key : `${namespace}:${key}`, subs);
  return (RED) => mod(Object.create(RED, { _: { value: translate } }));
}

/** Our node modules, each with its own catalog. */
function nodeModules() {
  return NODE_TYPES.map((t) => translating(require(path.join(root, 'dist', 'nodes', `${t}.js`)), `${MODULE}/${t}`));
}

/** The wallboard widget's node module, with its catalog. */
function boardModule() {
  return translating(require(path.join(root, 'dashboard', 'dist', 'nodes', 'ui-pbx-board.js')), BOARD);
}

/** Config nodes the tests deploy globally, as the editor does by default. */
const GLOBAL_CONFIGS = new Set(['pbx-connection', 'pbx-directory']);

/** Loads `flow` (a tab `f1` is added when missing, and `z:'f1'` on nodes without one but the global config nodes). */
async function loadFlow(flow, credentials = {}) {
  const nodes = flow.some((n) => n.type === 'tab') ? flow : [{ id: 'f1', type: 'tab' }, ...flow];
  for (const n of nodes) if (n.type !== 'tab' && !GLOBAL_CONFIGS.has(n.type) && !n.z) n.z = 'f1';
  await catalogs;
  await helper.load(nodeModules(), nodes, credentials);
}

/** Records every message a helper node receives: `rec.list`, `await rec.next(pred)`. */
function record(nodeId) {
  const node = helper.getNode(nodeId);
  const list = [];
  let seen = 0;
  node.on('input', (msg) => list.push(msg));
  return {
    list,
    /** The next message not returned before that matches `pred`. */
    async next(pred = () => true, ms = 5000) {
      return waitFor(
        () => {
          for (let i = seen; i < list.length; i++) {
            if (pred(list[i])) {
              seen = i + 1;
              return list[i];
            }
          }
          return undefined;
        },
        ms,
        `a message at ${nodeId}`,
      );
    },
  };
}

/** Resolves when node `id` has shown a status with `fill` (and text matching `text`, if given). */
function waitStatus(id, fill, text) {
  const node = helper.getNode(id);
  return waitFor(
    () =>
      node.status
        .getCalls()
        .some((c) => c.args[0] && c.args[0].fill === fill && (!text || new RegExp(text).test(String(c.args[0].text)))),
    5000,
    `status ${fill} on ${id}`,
  );
}

module.exports = { helper, loadFlow, waitFor, record, waitStatus, NODE_TYPES, nodeModules, boardModule, catalogs };
