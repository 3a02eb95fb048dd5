'use strict';
// The flows the measurements deploy: ours (the config node, input nodes, the counting sink) and
// the core-node ones they are compared with.
const { benchProtocol } = require('../../scripts/sim-profiles');
const { until } = require('./host');

/** Users (or extensions) the events cycle through, unless a measurement says otherwise. */
const USERS = 50;

const userList = (k) => Array.from({ length: k }, (_, i) => `u${i}`);

/** The input node that watches `keys` (users or extensions) of `protocol`: its vendor's bench profile says which. */
function watcher(protocol, id, keys) {
  const { type, property } = benchProtocol(protocol).bench.watcher;
  return { id, type, z: 'tab', connection: 'c1', [property]: keys.join(','), wires: [['sink']] };
}

/** The keys ours watches for `users` bench users (empty: every one). */
function watched(protocol, users) {
  return benchProtocol(protocol).bench.watched(users);
}

/** Our flow: the config node (`connection`, as the sim host's `start` gives it), `watchers` and the sink. */
function ourFlow(connection, watchers) {
  // Credentials inline on the node, as the editor sends them on deploy.
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'c1', type: 'pbx-connection', ...connection.properties, credentials: connection.credentials },
    ...watchers,
    { id: 'sink', type: 'bench-sink', z: 'tab' },
  ];
}

/** Our flow is connected and, where the protocol shows them, has `expectSubs` subscriptions at the PBX. */
async function ready(red, host, expectSubs) {
  await until(() => red.node('c1')?.connection?.state === 'connected', 'connected');
  if ((await host.call('status')).subscriptions !== undefined)
    await until(async () => (await host.call('status')).subscriptions >= expectSubs, 'subscriptions');
  // The other protocols confirm their subscriptions without a reply we can see from here.
  else await new Promise((r) => setTimeout(r, 500));
}

/** The core `websocket-client` config node `wc` of the core-node flows. */
function websocketClient(port) {
  return {
    id: 'wc',
    type: 'websocket-client',
    path: `ws://127.0.0.1:${port}/`,
    tls: '',
    wholemsg: 'false',
    hb: '0',
    subprotocol: '',
  };
}

/**
 * Core-node flows by `shape`. `peer`, what a user builds from core nodes: websocket in -> (2.0:
 * cut the socket.io prefix) -> json -> 50-way switch -> sink. `floor`: websocket in -> sink only,
 * Node-RED's own cost of a message from a socket, with no parsing at all: no input node can be
 * faster. `parse`, the parse floor: websocket in -> (cut) -> json -> sink, the least a node that
 * keeps the parsed frame (`msg.raw`) must do.
 */
function peerFlow(protocol, port, shape = 'peer') {
  const { bench } = benchProtocol(protocol);
  const values = bench.keyValues(USERS);
  const prefix = bench.framePrefix;
  return [
    { id: 'tab', type: 'tab', label: 'peer' },
    websocketClient(port),
    {
      id: 'wi',
      type: 'websocket in',
      z: 'tab',
      name: '',
      server: '',
      client: 'wc',
      wires: [[shape === 'floor' ? 'sink' : prefix ? 'fn' : 'js']],
    },
    ...(prefix
      ? [
          {
            id: 'fn',
            type: 'function',
            z: 'tab',
            func: `msg.payload = msg.payload.slice(msg.payload.indexOf(${JSON.stringify(prefix)}) + ${prefix.length});\nreturn msg;`,
            outputs: 1,
            wires: [['js']],
          },
        ]
      : []),
    {
      id: 'js',
      type: 'json',
      z: 'tab',
      property: 'payload',
      action: '',
      pretty: false,
      wires: [[shape === 'parse' ? 'sink' : 'sw']],
    },
    {
      id: 'sw',
      type: 'switch',
      z: 'tab',
      property: bench.keyProperty,
      propertyType: 'msg',
      rules: values.map((v) => ({ t: 'eq', v, vt: 'str' })),
      checkall: 'true', // the switch node's default: check every rule
      repair: false,
      outputs: USERS,
      wires: values.map(() => ['sink']),
    },
    { id: 'sink', type: 'bench-sink', z: 'tab' },
  ];
}

module.exports = { USERS, userList, watcher, watched, ourFlow, ready, websocketClient, peerFlow };
