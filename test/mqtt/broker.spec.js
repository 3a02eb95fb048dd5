'use strict';
// pbx-mqtt publishing through a core mqtt-broker itself (property `broker`), against a real broker
// (aedes) that comes up only after the deploy, and one that restarts empty (no persistence): every
// config, the availability and every retained entry arrive, the Calls config arrives before the
// first event, and the node's output keeps carrying the same messages. Also Home Assistant
// sensors named after the person from the names the simulator's accounts have, renamed when the
// PBX renames them.
const assert = require('assert');
const { helper, record, waitFor, waitStatus, nodeModules, catalogs } = require('../support/red');
const { connectionTo } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { startBroker, freePort } = require('../support/mqtt');
const { VodiaSim, DEFAULT_ACCOUNTS } = require('../../dist/sim/vodia');

const BASE = 'pbx/head_office';
const EVENT_CONFIG = 'homeassistant/event/pbx_head_office_calls/config';
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** The last retained payload per topic among `messages` (what a broker keeps). */
function retainedOf(messages) {
  const out = new Map();
  for (const m of messages) if (m.retain) out.set(m.topic, m.payload);
  return out;
}

describe('pbx-mqtt with its own mqtt-broker', function () {
  this.timeout(20000);
  let sim;
  let broker;
  simulatorWithFlowsEach(
    // Account 44 has no name: its sensors keep today's names.
    () =>
      (sim = new VodiaSim({
        domain: 'tenant.test',
        accounts: [...DEFAULT_ACCOUNTS, { account: '44', registered: true, dnd: false, chatstatus: 'online' }],
      })),
    () => sim,
  );
  afterEach(async () => {
    if (broker) await broker.stop();
    broker = undefined;
  });

  /**
   * pbx-mqtt with `broker` b1 on `port`, its output recorded at h1; `viaMqttOut`: today's wiring
   * instead, no `broker`, the output into a core mqtt out on b1.
   */
  async function deploy(port, { viaMqttOut = false } = {}) {
    const flow = [
      { id: 'f1', type: 'tab' },
      connectionTo.vodia(sim, { name: 'Head office' }),
      { id: 'b1', type: 'mqtt-broker', z: 'f1', broker: '127.0.0.1', port: String(port), protocolVersion: '4' },
      viaMqttOut
        ? { id: 'm1', type: 'pbx-mqtt', z: 'f1', connection: 'c1', wires: [['h1', 'o1']] }
        : { id: 'm1', type: 'pbx-mqtt', z: 'f1', connection: 'c1', broker: 'b1', wires: [['h1']] },
      { id: 'h1', type: 'helper', z: 'f1' },
      ...(viaMqttOut ? [{ id: 'o1', type: 'mqtt out', z: 'f1', topic: '', qos: '', retain: '', broker: 'b1' }] : []),
    ];
    await catalogs;
    await helper.load([...nodeModules(), require('@node-red/nodes/core/network/10-mqtt.js')], flow, {
      c1: { password: 'secret' },
    });
    const out = record('h1');
    await out.next((m) => m.topic === `${BASE}/status` && m.payload === 'online');
    await waitFor(() => out.list.some((m) => m.topic === `${BASE}/blf/43`), 5000, 'every entry at the output');
    await settle();
    return out;
  }

  /** Once the node has published every expected topic there: what a client subscribing then gets retained. */
  async function retainedAtBroker(expected) {
    await waitFor(() => [...expected.keys()].every((t) => retainedOf(broker.published).has(t)), 5000, 'every topic');
    await settle(100);
    const sub = await broker.subscriber(['homeassistant/#', `${BASE}/#`]);
    await waitFor(() => retainedOf(sub.received).size >= expected.size, 5000, `${expected.size} retained messages`);
    await settle(100);
    return retainedOf(sub.received);
  }

  it('a broker that comes up after the deploy gets every config, the availability and every entry; Calls config before the first event', async () => {
    const port = await freePort();
    const out = await deploy(port);
    const expected = retainedOf(out.list);
    assert.ok(expected.has(EVENT_CONFIG));
    assert.ok(expected.has('homeassistant/sensor/pbx_head_office_presence_41/config'));
    assert.strictEqual(expected.get(`${BASE}/status`), 'online');
    await waitStatus('m1', 'green');
    // The broker, retrying meanwhile, never replaces the node's status (the PBX connection's).
    await settle(600);
    assert.strictEqual(helper.getNode('m1').status.lastCall.args[0].fill, 'green');

    broker = await startBroker({ port });
    assert.deepStrictEqual(await retainedAtBroker(expected), expected);
    assert.ok(broker.published.every((m) => m.qos === 1));

    const from = broker.published.length;
    const missed = sim.startCall({ from: '0309999', to: '42' });
    await broker.next(`${BASE}/call/${missed}`, () => true, from);
    sim.endCall(missed);
    const event = await broker.next(`${BASE}/event`, (m) => JSON.parse(m.payload).event_type === 'missed', from);
    const eventAt = broker.published.indexOf(event);
    const configAt = broker.published.findIndex((m, i) => i >= from && m.topic === EVENT_CONFIG);
    assert.ok(configAt >= from && configAt < eventAt, 'the Calls config right before the first event');
    assert.strictEqual(broker.published[configAt].retain, true);
    const second = sim.startCall({ from: '0308888', to: '42' });
    await broker.next(`${BASE}/call/${second}`, () => true, from);
    sim.endCall(second);
    await waitFor(() => broker.on(`${BASE}/event`, from).length === 2, 5000, 'the second event');
    assert.strictEqual(broker.on(EVENT_CONFIG, from).length, 1, 'once, before the first event only');
    // The output carries the same messages as the broker gets.
    assert.ok(out.list.some((m) => m.topic === `${BASE}/event` && m.payload === event.payload));
  });

  it('a broker that restarts empty gets everything again, the change made while it was away included', async () => {
    const port = await freePort();
    broker = await startBroker({ port });
    const out = await deploy(port);
    await waitFor(() => broker.on(`${BASE}/blf/43`).length, 5000, 'everything at the first broker');
    await broker.stop();
    broker = undefined;
    sim.setUser('41', { dnd: true });
    await out.next((m) => m.topic === `${BASE}/presence/41` && JSON.parse(m.payload).status === 'dnd');
    await settle();

    broker = await startBroker({ port });
    const expected = retainedOf(out.list);
    const got = await retainedAtBroker(expected);
    assert.deepStrictEqual(got, expected);
    assert.strictEqual(JSON.parse(got.get(`${BASE}/presence/41`)).status, 'dnd');
    assert.strictEqual(got.get(`${BASE}/status`), 'online');
    assert.ok(got.has(EVENT_CONFIG));
  });

  it("today's wiring into mqtt out, broker up after the deploy: the Calls config still arrives before the first event", async () => {
    const port = await freePort();
    const out = await deploy(port, { viaMqttOut: true });
    broker = await startBroker({ port });
    await waitFor(() => helper.getNode('o1').brokerConn.connected, 5000, 'mqtt out connected');
    const from = broker.published.length;
    assert.strictEqual(broker.on(EVENT_CONFIG).length, 0, 'the deploy sent it before the broker was up');
    const missed = sim.startCall({ from: '0309999', to: '42' });
    await broker.next(`${BASE}/call/${missed}`, () => true, from);
    sim.endCall(missed);
    const event = await broker.next(`${BASE}/event`, () => true, from);
    const configAt = broker.published.findIndex((m) => m.topic === EVENT_CONFIG);
    assert.ok(configAt >= from && configAt < broker.published.indexOf(event), 'the Calls config before the event');
    assert.strictEqual(broker.published[configAt].retain, true);
    assert.ok(out.list.some((m) => m.topic === EVENT_CONFIG));
  });

  it('a broker id that is no mqtt-broker: said once, the output keeps working', async () => {
    const flow = [
      { id: 'f1', type: 'tab' },
      connectionTo.vodia(sim, { name: 'Head office' }),
      { id: 'm1', type: 'pbx-mqtt', z: 'f1', connection: 'c1', broker: 'c1', wires: [['h1']] },
      { id: 'h1', type: 'helper', z: 'f1' },
    ];
    await catalogs;
    await helper.load(nodeModules(), flow, { c1: { password: 'secret' } });
    const out = record('h1');
    await out.next((m) => m.topic === `${BASE}/status` && m.payload === 'online');
    const said = helper.log().args.filter((a) => a[0].level === helper.log().ERROR && a[0].id === 'm1');
    assert.deepStrictEqual(
      said.map((a) => a[0].msg),
      ['pbx-mqtt: c1 is not an mqtt-broker config node; publishing only to the output'],
    );
  });

  it('sensors are named after the person once the connection knows the name; unique ids stay; any name is valid JSON', async () => {
    const port = await freePort();
    broker = await startBroker({ port });
    await deploy(port);
    const config = (kind, key) => {
      const m = broker.on(`homeassistant/sensor/pbx_head_office_${kind}_${key}/config`).pop();
      return m && JSON.parse(m.payload);
    };
    await waitFor(() => config('blf', '44'), 5000, 'the configs');
    // Vodia's account name is the presence `dn`: the PBX's own name for the person.
    assert.strictEqual(config('presence', '41').name, 'Alice');
    assert.strictEqual(config('blf', '41').name, 'Alice line');
    assert.strictEqual(config('presence', '44').name, 'Presence 44');
    assert.strictEqual(config('blf', '44').name, 'Line 44');

    const from = broker.published.length;
    const nasty = 'Eve "Q" \\ O\'Neil\u0000\u001b[31m\n</script><img src=x onerror=alert(1)>';
    // The PBX renames its users (a `user-state` with the account's new name).
    sim.setUser('41', { name: 'Alice Adams' });
    sim.setUser('42', { name: nasty });
    await waitFor(() => broker.on(/^homeassistant\/sensor\//, from).length === 4, 5000, 'four configs again');
    await settle();
    assert.strictEqual(broker.on(/^homeassistant\/sensor\//, from).length, 4, 'only the renamed sensors');
    assert.strictEqual(config('presence', '41').name, 'Alice Adams');
    assert.strictEqual(config('blf', '41').name, 'Alice Adams line');
    assert.strictEqual(config('presence', '41').unique_id, 'pbx_head_office_presence_41');
    assert.strictEqual(config('blf', '41').unique_id, 'pbx_head_office_blf_41');
    const named = config('presence', '42').name;
    assert.doesNotMatch(named, /\p{Cc}/u);
    assert.strictEqual(named, 'Eve "Q" \\ O\'Neil[31m</script><img src=x onerror=alert(1)>');
    assert.strictEqual(config('presence', '43').name, 'Carol', 'a name not learned stays');
    assert.strictEqual(config('presence', '44').name, 'Presence 44', 'unnamed: as before');

    // The same name again changes nothing.
    const again = broker.published.length;
    sim.setUser('41', { name: 'Alice Adams' });
    await settle();
    assert.strictEqual(broker.on(/^homeassistant\//, again).length, 0);
  });
});
