'use strict';
// pbx-mqtt through the example flows (the node publishing through its own `mqtt-broker`, core
// `mqtt in` for Home Assistant's birth message) against a real broker
// (aedes) started here and the vendor simulators: the topics, retained flags and Home Assistant
// discovery configs of NODES.md `pbx-mqtt`, availability around an outage, records as events,
// the republish on Home Assistant's birth message, one publish per change, and no secret.
const assert = require('assert');
const { helper, waitFor, record, NODE_TYPES } = require('../support/red');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { examplesIn, checkExample, deployExample, CORE } = require('../support/examples');
const { startBroker, withBroker } = require('../support/mqtt');
const { VodiaSim, DEMO: VODIA } = require('../../dist/sim/vodia');
const { OnlinePbxSim, SimPbx, DEMO: ONLINEPBX } = require('../../dist/sim/onlinepbx');
const { InnovaphoneSim, DEMO: INNOVAPHONE } = require('../../dist/sim/innovaphone');

const DAY_MS = 24 * 3600 * 1000;
// Secrets that no topic could contain by chance (the demo ones, `demo`, are part of `pbx/vodia_demo`).
const VODIA_PASSWORD = 'Vodia-S3cret-7731';
const VODIA_ACCOUNTS = VODIA.accounts.map((a) => (a.password ? { ...a, password: VODIA_PASSWORD } : a));
const VODIA_CREDENTIALS = { password: VODIA_PASSWORD };
const API_KEY = 'onlinepbx-K3y-5512';
const INNOVAPHONE_PASSWORD = 'innovaphone-Pw-9904';
const SLUG = /^[a-zA-Z0-9_-]+$/;
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** Every discovery config published so far, by topic (the last one of each), parsed. */
function configs(broker, from = 0) {
  const out = new Map();
  for (const m of broker.on(/^homeassistant\/(sensor|event)\/[^/]+\/config$/, from)) out.set(m.topic, m);
  return out;
}

/** Nothing of the credentials in any topic or payload. */
function assertNoSecret(broker, secrets) {
  for (const m of broker.published) {
    const text = `${m.topic} ${m.payload}`;
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret in ${m.topic}`);
    assert.ok(!/"(password|apiKey)"/.test(m.payload), `a credential field in ${m.topic}`);
  }
}

describe('pbx-mqtt examples against a real broker', function () {
  this.timeout(20000);
  let broker;
  beforeEach(async () => {
    broker = await startBroker();
  });
  afterEach(async () => {
    await helper.unload();
    await broker.stop();
  });

  describe('Vodia: Home Assistant via MQTT', () => {
    const BASE = 'pbx/vodia_demo';
    let sim;
    simulatorWithFlowsEach(
      () => (sim = new VodiaSim({ domain: VODIA.domain, accounts: VODIA_ACCOUNTS })),
      () => sim,
    );

    const example = () => withBroker(examplesIn('Vodia').read('Home Assistant via MQTT'), broker.port);
    /** Deploys the example and waits until every account's config and state are out. */
    async function deploy() {
      await deployExample(example(), sim.url, VODIA_CREDENTIALS);
      await broker.next(`${BASE}/status`, (m) => m.payload === 'online');
      await waitFor(
        () => broker.on(`${BASE}/presence/45`).length && broker.on(`${BASE}/blf/600`).length,
        5000,
        'all keys',
      );
      await waitFor(
        () => configs(broker).has('homeassistant/event/pbx_vodia_demo_calls/config'),
        5000,
        'the event config',
      );
      await settle();
    }

    it('the example: a comment, pbx-mqtt with its broker, mqtt in on homeassistant/status, every property', () => {
      const nodes = examplesIn('Vodia').read('Home Assistant via MQTT');
      checkExample('Home Assistant via MQTT', nodes);
      const pbxMqtt = nodes.find((n) => n.type === 'pbx-mqtt');
      for (const p of ['name', 'connection', 'broker', 'kinds', 'keys', 'topic', 'discovery', 'discoveryPrefix'])
        assert.ok(p in pbxMqtt, p);
      const brokerNode = nodes.find((n) => n.type === 'mqtt-broker');
      assert.strictEqual(pbxMqtt.broker, brokerNode.id, 'the simplest form: no mqtt out');
      assert.ok(!nodes.some((n) => n.type === 'mqtt out'));
      assert.strictEqual(brokerNode.willTopic, `${BASE}/status`);
      const birth = nodes.find((n) => n.type === 'mqtt in' && n.topic === 'homeassistant/status');
      assert.deepStrictEqual(birth.wires, [[pbxMqtt.id]]);
      assert.ok(nodes.every((n) => NODE_TYPES.includes(n.type) || CORE[n.type] || n.type === 'pbx-connection'));
    });

    it('retained discovery configs with the required fields and retained state per user and extension', async () => {
      await deploy();
      const late = await broker.subscriber(['homeassistant/#', `${BASE}/#`]);
      await waitFor(() => late.received.some((m) => m.topic === `${BASE}/blf/600`), 5000, 'the retained messages');
      await settle(100);
      const retained = new Map(late.received.filter((m) => m.retain).map((m) => [m.topic, m.payload]));
      assert.strictEqual(retained.get(`${BASE}/status`), 'online');
      const sensors = [...retained.keys()].filter((t) => t.startsWith('homeassistant/sensor/'));
      assert.strictEqual(sensors.length, VODIA.accounts.length * 2, 'a presence and a line sensor per account');
      for (const topic of sensors) {
        const config = JSON.parse(retained.get(topic));
        const [, , id] = topic.split('/');
        assert.strictEqual(config.unique_id, id);
        assert.match(config.unique_id, SLUG);
        assert.match(config.unique_id, /^pbx_vodia_demo_(presence|blf)_/);
        const kind = config.unique_id.includes('_presence_') ? 'presence' : 'blf';
        assert.match(config.state_topic, new RegExp(`^${BASE}/${kind}/[a-zA-Z0-9_-]+$`));
        assert.strictEqual(config.json_attributes_topic, config.state_topic);
        assert.strictEqual(
          config.value_template,
          kind === 'presence' ? '{{ value_json.status }}' : '{{ value_json.state }}',
        );
        assert.strictEqual(config.availability_topic, `${BASE}/status`);
        assert.deepStrictEqual(config.device, {
          identifiers: ['pbx_vodia_demo'],
          name: 'Vodia demo',
          manufacturer: 'vodia',
        });
        const state = JSON.parse(retained.get(config.state_topic));
        assert.strictEqual(typeof state.since, 'number');
        assert.strictEqual(state.stale, false);
      }
      const event = JSON.parse(retained.get('homeassistant/event/pbx_vodia_demo_calls/config'));
      assert.deepStrictEqual(
        [event.unique_id, event.state_topic, event.event_types, event.availability_topic],
        ['pbx_vodia_demo_calls', `${BASE}/event`, ['answered', 'missed'], `${BASE}/status`],
      );
      assert.strictEqual(JSON.parse(retained.get(`${BASE}/presence/43`)).status, 'dnd');
      assert.strictEqual(JSON.parse(retained.get(`${BASE}/blf/44`)).state, 'unregistered');
      assert.ok(
        broker.published.every((m) => m.qos === 1),
        'qos 1',
      );
      assertNoSecret(broker, [VODIA_PASSWORD]);
    });

    it('presence and BLF changes: one retained publish each; calls, records and events not retained', async () => {
      await deploy();
      const from = broker.published.length;
      sim.setUser('41', { dnd: true });
      const dnd = await broker.next(`${BASE}/presence/41`, (m) => JSON.parse(m.payload).status === 'dnd', from);
      assert.strictEqual(dnd.retain, true);
      const missed = sim.startCall({ from: '0309999', to: '42' });
      const ringing = await broker.next(`${BASE}/blf/42`, (m) => JSON.parse(m.payload).state === 'ringing', from);
      assert.strictEqual(ringing.retain, true);
      await broker.next(`${BASE}/call/${missed}`, (m) => JSON.parse(m.payload).state === 'ringing', from);
      sim.endCall(missed);
      const answered = sim.startCall({ from: '0301234', to: '41' });
      await broker.next(`${BASE}/call/${answered}`, () => true, from);
      sim.setCallState(answered, 'connected');
      await broker.next(`${BASE}/call/${answered}`, (m) => JSON.parse(m.payload).state === 'connected', from);
      sim.endCall(answered);
      await waitFor(() => broker.on(`${BASE}/record`, from).length === 2, 5000, 'two records');
      await waitFor(() => broker.on(`${BASE}/event`, from).length === 2, 5000, 'two events');
      await settle();

      const records = broker.on(`${BASE}/record`, from).map((m) => JSON.parse(m.payload));
      assert.deepStrictEqual(
        records.map((r) => [r.callId, r.missed, r.answered]),
        [
          [missed, true, false],
          [answered, false, true],
        ],
      );
      const events = broker.on(`${BASE}/event`, from).map((m) => JSON.parse(m.payload));
      assert.deepStrictEqual(
        events.map((e) => [e.event_type, e.callId]),
        [
          ['missed', missed],
          ['answered', answered],
        ],
      );
      assert.deepStrictEqual(events[1], { event_type: 'answered', ...records[1] });
      const calls = broker.on(new RegExp(`^${BASE}/call/`), from);
      assert.deepStrictEqual(
        calls.filter((m) => m.topic.endsWith(answered)).map((m) => JSON.parse(m.payload).state),
        ['ringing', 'connected', 'ended'],
        'each call change once',
      );
      for (const m of [...calls, ...broker.on(`${BASE}/record`, from), ...broker.on(`${BASE}/event`, from)])
        assert.strictEqual(m.retain, false, m.topic);

      // One publish per change: no topic carries the same payload twice in a row.
      const last = new Map();
      for (const m of broker.published.slice(from)) {
        assert.notStrictEqual(last.get(m.topic), m.payload, `${m.topic} published twice for one change`);
        last.set(m.topic, m.payload);
      }
      assert.strictEqual(broker.on(`${BASE}/presence/41`, from).length, 1, 'one publish for the DND change of 41');
      // No config again for known keys; the Calls config once, right before the first event.
      assert.deepStrictEqual(
        broker.on(/^homeassistant\//, from).map((m) => m.topic),
        ['homeassistant/event/pbx_vodia_demo_calls/config'],
      );
      const configAt = broker.published.findIndex((m, i) => i >= from && m.topic.startsWith('homeassistant/'));
      assert.strictEqual(broker.published[configAt + 1].topic, `${BASE}/event`, 'right before the first event');
      assertNoSecret(broker, [VODIA_PASSWORD]);
    });

    it('availability offline during an outage, online after it; the resynced state is republished', async () => {
      await deploy();
      const from = broker.published.length;
      sim.setSessionTtl(0);
      sim.dropAll();
      const offline = await broker.next(`${BASE}/status`, (m) => m.payload === 'offline', from);
      assert.strictEqual(offline.retain, true);
      const stale = await broker.next(`${BASE}/presence/41`, () => true, from);
      assert.strictEqual(JSON.parse(stale.payload).stale, true, 'the entries go out again as stale');
      await waitFor(
        () => /refused the WebSocket/.test(helper.getNode('demo-vodia').connection.detail),
        5000,
        'a refused login',
      );
      sim.setUser('41', { dnd: true });
      const during = broker.published.length;
      sim.setSessionTtl(DAY_MS);
      const online = await broker.next(`${BASE}/status`, (m) => m.payload === 'online', during);
      assert.strictEqual(online.retain, true);
      const back = await broker.next(`${BASE}/presence/41`, (m) => JSON.parse(m.payload).stale === false, during);
      assert.strictEqual(JSON.parse(back.payload).status, 'dnd', 'the change made during the outage');
      await waitFor(() => broker.on(`${BASE}/blf/600`, during).length, 5000, 'every entry confirmed');
      await waitFor(() => configs(broker, during).size === VODIA.accounts.length * 2 + 1, 5000, 'every config again');
      await settle();
      assert.strictEqual(broker.on(`${BASE}/presence/41`, during).length, 1, 'one publish for the resynced 41');
      for (const m of broker.on(new RegExp(`^${BASE}/(presence|blf)/`), during)) {
        assert.strictEqual(JSON.parse(m.payload).stale, false, m.topic);
        assert.strictEqual(m.retain, true);
      }
    });

    it('republishes everything on homeassistant/status online, nothing on offline; unique ids stable across redeploys', async () => {
      await deploy();
      const first = [...configs(broker).values()].map((m) => JSON.parse(m.payload).unique_id).sort();
      let from = broker.published.length;
      await broker.publish('homeassistant/status', 'offline');
      await settle();
      assert.deepStrictEqual(broker.on(/^(homeassistant\/(sensor|event)|pbx)\//, from), [], 'nothing for offline');
      await broker.publish('homeassistant/status', 'online');
      await waitFor(() => configs(broker, from).size === first.length, 5000, 'every config again');
      await waitFor(() => broker.on(new RegExp(`^${BASE}/(presence|blf)/`), from).length === VODIA.accounts.length * 2);
      assert.strictEqual(broker.on(`${BASE}/status`, from).pop().payload, 'online');

      await helper.unload();
      from = broker.published.length;
      await deploy();
      const again = [...configs(broker, from).values()].map((m) => JSON.parse(m.payload).unique_id).sort();
      assert.deepStrictEqual(again, first);
      assertNoSecret(broker, [VODIA_PASSWORD]);
    });
  });

  it('onlinePBX: Home Assistant via MQTT publishes users and lamps, and registration changes', async () => {
    const BASE = 'pbx/onlinepbx_demo_api_2_0';
    const pbx = new SimPbx({ domain: ONLINEPBX.domain, users: ONLINEPBX.users });
    const sim = new OnlinePbxSim({ apiVersion: '2', pbx, apiKey: API_KEY });
    await sim.start(0);
    try {
      const nodes = withBroker(examplesIn('onlinePBX').read('Home Assistant via MQTT'), broker.port);
      await deployExample(nodes, sim.url, { apiKey: API_KEY });
      await broker.next(`${BASE}/status`, (m) => m.payload === 'online');
      await broker.next(`${BASE}/presence/101`);
      const from = broker.published.length;
      pbx.setRegistration('101', false);
      const off = await broker.next(`${BASE}/presence/101`, (m) => JSON.parse(m.payload).status === 'offline', from);
      assert.strictEqual(off.retain, true);
      const config = JSON.parse(
        configs(broker).get('homeassistant/sensor/pbx_onlinepbx_demo_api_2_0_presence_101/config').payload,
      );
      assert.strictEqual(config.device.manufacturer, 'onlinepbx');
      assertNoSecret(broker, [API_KEY]);
    } finally {
      await helper.unload();
      pbx.stop();
      await sim.stop();
    }
  });

  it('innovaphone: Home Assistant via MQTT publishes the configured users, no BLF', async () => {
    const BASE = 'pbx/innovaphone_demo';
    const sim = new InnovaphoneSim({ app: INNOVAPHONE.app, password: INNOVAPHONE_PASSWORD });
    await sim.start(0);
    try {
      const nodes = withBroker(examplesIn('innovaphone').read('Home Assistant via MQTT (innovaphone)'), broker.port);
      await deployExample(nodes, sim.url, { password: INNOVAPHONE_PASSWORD });
      await waitFor(
        () => ['alice', 'bob', 'carol', 'dave'].every((u) => broker.on(`${BASE}/presence/${u}`).length),
        5000,
        'four users',
      );
      const from = broker.published.length;
      sim.pbx.setPresence('alice', { activity: 'away', note: '' });
      await broker.next(`${BASE}/presence/alice`, (m) => JSON.parse(m.payload).status === 'away', from);
      assert.deepStrictEqual(broker.on(new RegExp(`^${BASE}/blf/`)), []);
      const alice = configs(broker).get('homeassistant/sensor/pbx_innovaphone_demo_presence_alice/config');
      // Named after the person: the presence `dn` the PBX sends; the unique id stays the key's.
      assert.deepStrictEqual(
        [JSON.parse(alice.payload).name, JSON.parse(alice.payload).unique_id],
        ['Alice Adams', 'pbx_innovaphone_demo_presence_alice'],
      );
      assertNoSecret(broker, [INNOVAPHONE_PASSWORD]);
    } finally {
      await helper.unload();
      await sim.stop();
    }
  });

  it('Many sites into one broker: a base topic per site, their availability at the debug node', async () => {
    const vodia = new VodiaSim({ domain: VODIA.domain, accounts: VODIA_ACCOUNTS });
    const pbx = new SimPbx({ domain: ONLINEPBX.domain, users: ONLINEPBX.users });
    const onlinepbx = new OnlinePbxSim({ apiVersion: '2', pbx, apiKey: API_KEY });
    const innovaphone = new InnovaphoneSim({ app: INNOVAPHONE.app, password: INNOVAPHONE_PASSWORD });
    for (const s of [vodia, onlinepbx, innovaphone]) await s.start(0);
    try {
      const urls = { 'demo-vodia': vodia.url, 'demo-onlinepbx': onlinepbx.url, 'demo-innovaphone': innovaphone.url };
      const nodes = withBroker(examplesIn('MQTT').read('Many sites into one broker'), broker.port);
      assert.deepStrictEqual(examplesIn('MQTT').names(), ['Many sites into one broker']);
      assert.ok(nodes.some((n) => n.type === 'comment' && n.info.includes('pbx/site/')));
      const flow = nodes.map((n) => (n.type === 'pbx-connection' ? { ...n, url: urls[n.id] } : { ...n, z: 'f1' }));
      const modules = [
        ...NODE_TYPES.map((t) => require(`../../dist/nodes/${t}.js`)),
        require('@node-red/nodes/core/network/10-mqtt.js'),
      ];
      modules.push(
        require('@node-red/nodes/core/common/21-debug.js'),
        require('@node-red/nodes/core/common/90-comment.js'),
      );
      await helper.load(modules, [{ id: 'f1', type: 'tab' }, ...flow], {
        'demo-vodia': VODIA_CREDENTIALS,
        'demo-onlinepbx': { apiKey: API_KEY },
        'demo-innovaphone': { password: INNOVAPHONE_PASSWORD },
      });
      const status = record('d1');
      const sites = ['berlin', 'moscow', 'vienna'];
      await waitFor(
        () => sites.every((s) => broker.on(`pbx/site/${s}/status`).some((m) => m.payload === 'online')),
        5000,
        'every site online',
      );
      await waitFor(
        () => broker.on('pbx/site/vienna/presence/41').length && broker.on('pbx/site/berlin/presence/alice').length,
      );
      await broker.next('pbx/site/moscow/presence/101');
      await waitFor(() =>
        sites.every((s) => status.list.some((m) => m.topic === `pbx/site/${s}/status` && m.payload === 'online')),
      );
      assert.deepStrictEqual(broker.on(/^homeassistant\//), [], 'discovery is off in this example');
      assertNoSecret(broker, [VODIA_PASSWORD, API_KEY, INNOVAPHONE_PASSWORD]);
    } finally {
      await helper.unload();
      pbx.stop();
      for (const s of [vodia, onlinepbx, innovaphone]) await s.stop();
    }
  });
});
