'use strict';
// The MQTT part of the bench (pbx-mqtt on vs off): an aedes broker in a process of its own, as a
// real broker would be, that counts what arrives; and the nodes that mirror the connection's
// state store into it (pbx-mqtt -> core mqtt out). Forked as a script, this file is the broker.
const { fork } = require('child_process');
const net = require('net');

/** Forks the broker; resolves to `{port, received(), reset(), stop()}`. */
async function startBroker() {
  const child = fork(__filename, [], { stdio: 'inherit' });
  let next = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    w(m.result);
  });
  const call = (cmd) =>
    new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, resolve);
      child.send({ id, cmd });
    });
  const exited = new Promise((r) => child.once('exit', r));
  const { port } = await call('start');
  return {
    port,
    /** How many state messages (`<base>/presence/...`) arrived, and how many clients are connected. */
    status: () => call('status'),
    reset: () => call('reset'),
    async stop() {
      await call('stop');
      await exited;
    },
  };
}

/** pbx-mqtt on connection `c1`, wired to a core mqtt out on a broker at `port`. */
function mqttNodes(port) {
  return [
    {
      id: 'mq',
      type: 'pbx-mqtt',
      z: 'tab',
      connection: 'c1',
      kinds: 'presence,blf,call,record',
      keys: '',
      topic: '',
      discovery: true,
      discoveryPrefix: 'homeassistant',
      wires: [['mo']],
    },
    { id: 'mo', type: 'mqtt out', z: 'tab', topic: '', qos: '', retain: '', broker: 'mb', wires: [] },
    {
      id: 'mb',
      type: 'mqtt-broker',
      broker: '127.0.0.1',
      port: String(port),
      clientid: '',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
    },
  ];
}

function serve() {
  const { Aedes } = require('aedes');
  let broker;
  let server;
  let received = 0;
  const handlers = {
    async start() {
      broker = await Aedes.createBroker();
      broker.on('publish', (packet, client) => {
        if (client && packet.topic.includes('/presence/')) received++;
      });
      server = net.createServer(broker.handle);
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      return { port: server.address().port };
    },
    status: async () => ({ received, clients: broker.connectedClients }),
    async reset() {
      received = 0;
    },
    async stop() {
      await new Promise((r) => broker.close(r));
      await new Promise((r) => server.close(r));
      setImmediate(() => process.exit(0));
    },
  };
  process.on('message', async (m) => process.send({ id: m.id, result: await handlers[m.cmd]() }));
}

if (require.main === module) serve();

module.exports = { startBroker, mqttNodes };
