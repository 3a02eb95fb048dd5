'use strict';
// The flows the measurements deploy: ours (the config node, input nodes, the counting sink) and
// the core-node ones they are compared with.
const { until } = require('./host');

/** Users (or extensions) the events cycle through, unless a measurement says otherwise. */
const USERS = 50;

function configNode(protocol, port) {
  if (protocol === 'innovaphone')
    return [
      { vendor: 'innovaphone', url: `ws://127.0.0.1:${port}/PBX0/APPS/websocket`, app: 'nodered' },
      { password: 'pwd' },
    ];
  if (protocol === 'vodia')
    return [
      { vendor: 'vodia', url: `ws://127.0.0.1:${port}/websocket`, domain: 'bench.test', user: '40' },
      { password: 'secret' },
    ];
  const v3 = protocol === 'onlinepbx3';
  return [
    {
      vendor: 'onlinepbx',
      apiVersion: v3 ? '3' : '2',
      url: v3 ? `ws://127.0.0.1:${port}/` : `http://127.0.0.1:${port}`,
      domain: 'bench.test',
    },
    { apiKey: 'bench-key' },
  ];
}

const userList = (k) => Array.from({ length: k }, (_, i) => `u${i}`);

/** The input node that watches `keys` (users or extensions) of `protocol`. */
function watcher(protocol, id, keys) {
  if (protocol === 'innovaphone' || protocol === 'vodia')
    return { id, type: 'pbx-presence-in', z: 'tab', connection: 'c1', users: keys.join(','), wires: [['sink']] };
  return { id, type: 'pbx-blf-in', z: 'tab', connection: 'c1', extensions: keys.join(','), wires: [['sink']] };
}

/** Our flow: the config node, `watchers` and the sink. */
function ourFlow(protocol, port, watchers) {
  const [config, credentials] = configNode(protocol, port);
  // Credentials inline on the node, as the editor sends them on deploy.
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'c1', type: 'pbx-connection', ...config, credentials },
    ...watchers,
    { id: 'sink', type: 'bench-sink', z: 'tab' },
  ];
}

/** Our flow is connected and (innovaphone) has `expectSubs` subscriptions at the PBX. */
async function ready(red, host, protocol, expectSubs) {
  await until(() => red.node('c1')?.connection?.state === 'connected', 'connected');
  if (protocol === 'innovaphone')
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
 * What a user builds from core nodes: websocket in -> (2.0: split) -> json -> 50-way switch -> sink.
 * `floor`: websocket in -> sink only, Node-RED's own cost of a message from a socket, with no
 * parsing at all: no input node can be faster than this.
 */
function peerFlow(protocol, port, floor = false) {
  const keyProp = {
    innovaphone: 'payload.src',
    onlinepbx2: 'payload.args[0].uid',
    onlinepbx3: 'payload.data.uid',
    vodia: 'payload.account',
  }[protocol];
  const values = Array.from({ length: USERS }, (_, i) => (protocol === 'innovaphone' ? `p:u${i}` : String(2000 + i)));
  const v2 = protocol === 'onlinepbx2';
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
      wires: [[floor ? 'sink' : v2 ? 'fn' : 'js']],
    },
    ...(v2
      ? [
          {
            id: 'fn',
            type: 'function',
            z: 'tab',
            func: "msg.payload = msg.payload.slice(msg.payload.indexOf(':::') + 3);\nreturn msg;",
            outputs: 1,
            wires: [['js']],
          },
        ]
      : []),
    { id: 'js', type: 'json', z: 'tab', property: 'payload', action: '', pretty: false, wires: [['sw']] },
    {
      id: 'sw',
      type: 'switch',
      z: 'tab',
      property: keyProp,
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

module.exports = { USERS, userList, watcher, ourFlow, ready, websocketClient, peerFlow };
