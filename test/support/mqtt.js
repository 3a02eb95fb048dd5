'use strict';
// A real MQTT broker (aedes) inside the test, on 127.0.0.1 port 0, that records every message a
// client publishes as that client sent it (topic, payload text, retain flag, qos), and mqtt.js
// clients for subscribing and publishing like Home Assistant.
const net = require('net');
const { Aedes } = require('aedes');
const mqtt = require('mqtt');
const { waitFor } = require('./wait');

/** A broker on `port` (0: any free one); each start is a new, empty broker (no persistence). */
async function startBroker({ port: wanted = 0 } = {}) {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, '127.0.0.1', resolve);
  });
  const port = server.address().port;
  const published = [];
  const clients = [];
  broker.on('publish', (packet, client) => {
    // Messages of the broker itself ($SYS, will delivery without a client) are not ours.
    if (!client || packet.topic.startsWith('$SYS/')) return;
    published.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain, qos: packet.qos });
  });
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    /** Every message published so far, in order. */
    published,
    /** The messages published on `topic` (a string or RegExp) since index `from`. */
    on(topic, from = 0) {
      return published.slice(from).filter((m) => (typeof topic === 'string' ? m.topic === topic : topic.test(m.topic)));
    },
    /** Resolves with the first message on `topic` from index `from` that matches `pred`. */
    next(topic, pred = () => true, from = 0, ms = 5000) {
      return waitFor(() => this.on(topic, from).find(pred), ms, `a message on ${topic}`);
    },
    /** A subscribed mqtt.js client: `received` holds what it got (with the retain flag the broker set). */
    async subscriber(filter) {
      const client = await mqtt.connectAsync(this.url, { reconnectPeriod: 0 });
      clients.push(client);
      const received = [];
      client.on('message', (topic, payload, packet) =>
        received.push({ topic, payload: payload.toString(), retain: packet.retain }),
      );
      await client.subscribeAsync(filter, { qos: 1 });
      return { client, received };
    },
    async publish(topic, payload, options = {}) {
      const client = await mqtt.connectAsync(this.url, { reconnectPeriod: 0 });
      await client.publishAsync(topic, payload, { qos: 1, ...options });
      await client.endAsync();
    },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await new Promise((resolve) => broker.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback port that is free now (for a broker that starts after the flow pointing at it). */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The nodes of an example with every `mqtt-broker` pointed at `port`. */
function withBroker(nodes, port) {
  return nodes.map((n) => (n.type === 'mqtt-broker' ? { ...n, broker: '127.0.0.1', port: String(port) } : n));
}

module.exports = { startBroker, withBroker, freePort };
