'use strict';
// pbx-mqtt as a node, without a broker: what it sends (msg.topic/payload/retain/qos), the input
// that republishes, a base topic and key filter of its own, and bad configurations.
const assert = require('assert');
const { helper, loadFlow, record, waitFor, waitStatus } = require('../support/red');
const { connectionTo } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { VodiaSim } = require('../../dist/sim/vodia');

const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

describe('pbx-mqtt node', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new VodiaSim({ domain: 'tenant.test' })),
    () => sim,
  );

  const config = () => connectionTo.vodia(sim, { name: 'Head office' });

  it('a base topic and keys of its own, discovery off: only those keys, the msgs mqtt out needs', async () => {
    await loadFlow(
      [
        config(),
        {
          id: 'm1',
          type: 'pbx-mqtt',
          connection: 'c1',
          kinds: 'presence,blf',
          keys: '41, 42',
          topic: 'tenants/acme/+pbx',
          discovery: false,
          wires: [['h1']],
        },
        { id: 'h1', type: 'helper' },
      ],
      { c1: { password: 'secret' } },
    );
    const out = record('h1');
    await out.next((m) => m.topic === 'tenants/acme/_pbx/status' && m.payload === 'online');
    await out.next((m) => m.topic === 'tenants/acme/_pbx/blf/42');
    await settle();
    const topics = new Set(out.list.map((m) => m.topic));
    assert.deepStrictEqual([...topics].sort(), [
      'tenants/acme/_pbx/blf/41',
      'tenants/acme/_pbx/blf/42',
      'tenants/acme/_pbx/presence/41',
      'tenants/acme/_pbx/presence/42',
      'tenants/acme/_pbx/status',
    ]);
    for (const m of out.list) {
      assert.strictEqual(m.qos, 1);
      assert.strictEqual(m.retain, true);
      assert.strictEqual(typeof m.payload, 'string');
    }
    const presence = JSON.parse(out.list.find((m) => m.topic === 'tenants/acme/_pbx/presence/41').payload);
    assert.deepStrictEqual([presence.user, presence.stale, typeof presence.since], ['41', false, 'number']);
    assert.strictEqual(presence.dn, 'Alice', "with the user's name");

    // Any input republishes everything; Home Assistant's last will (offline) does not.
    const before = out.list.length;
    helper.getNode('m1').receive({ topic: 'homeassistant/status', payload: 'offline' });
    await settle();
    assert.strictEqual(out.list.length, before);
    helper.getNode('m1').receive({ topic: 'homeassistant/status', payload: Buffer.from('online') });
    await waitFor(() => out.list.length === before + 5, 5000, 'everything again');
    helper.getNode('m1').receive({ payload: 'anything' });
    await waitFor(() => out.list.length === before + 10, 5000, 'everything again');
  });

  it('calls: each change once, the end with its last state from the store, named; the record and the Calls event with the names; a closed node lets go of its keys', async () => {
    await loadFlow(
      [
        config(),
        { id: 'm1', type: 'pbx-mqtt', connection: 'c1', kinds: 'call,record', discovery: false, wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ],
      { c1: { password: 'secret' } },
    );
    const out = record('h1');
    await out.next((m) => m.topic === 'pbx/head_office/status' && m.payload === 'online');
    // An outside caller with a SIP display name (`from-name`) rings Bob (his account name).
    const callId = sim.startCall({ from: '+4930123456', fromName: 'Müller GmbH', to: '42' });
    await out.next((m) => m.topic === `pbx/head_office/call/${callId}`);
    sim.setCallState(callId, 'connected');
    await out.next((m) => m.topic === `pbx/head_office/call/${callId}` && JSON.parse(m.payload).state === 'connected');
    sim.endCall(callId);
    const end = JSON.parse((await out.next((m) => JSON.parse(m.payload).state === 'ended')).payload);
    assert.deepStrictEqual([end.callId, end.stale, typeof end.since], [callId, false, 'number']);
    assert.ok(end.since >= Date.now() - 5000, 'since: when it ended');
    const recordMsg = await out.next((m) => m.topic === 'pbx/head_office/record');
    const event = JSON.parse((await out.next((m) => m.topic === 'pbx/head_office/event')).payload);
    await settle();
    const calls = out.list.filter((m) => m.topic.startsWith('pbx/head_office/call/'));
    assert.deepStrictEqual(
      calls.map((m) => JSON.parse(m.payload).state),
      ['ringing', 'connected', 'ended'],
    );
    for (const m of calls) {
      const call = JSON.parse(m.payload);
      assert.deepStrictEqual([call.fromName, call.toName], ['Müller GmbH', 'Bob'], m.payload);
    }
    assert.ok(calls.every((m) => m.retain === false));
    const rec = JSON.parse(recordMsg.payload);
    assert.deepStrictEqual(
      [rec.callId, rec.from, rec.fromName, rec.to, rec.toName, rec.answered],
      [callId, '+4930123456', 'Müller GmbH', '42', 'Bob', true],
    );
    // Home Assistant makes every field of an event but event_type an attribute of the Calls event.
    assert.deepStrictEqual(
      [event.event_type, event.callId, event.fromName, event.toName],
      ['answered', callId, 'Müller GmbH', 'Bob'],
    );
    assert.strictEqual(helper.getNode('c1').connection.store.size('call'), 0, 'the store let go of the call');
    const before = out.list.length;
    await helper.getNode('m1').close(true);
    sim.startCall({ from: '41', to: '43' });
    await settle();
    assert.strictEqual(out.list.length, before, 'the view stopped with the node');
  });

  it('the default base topic is pbx/<connection name as a slug>; unique ids carry it', async () => {
    await loadFlow(
      [config(), { id: 'm1', type: 'pbx-mqtt', connection: 'c1', wires: [['h1']] }, { id: 'h1', type: 'helper' }],
      { c1: { password: 'secret' } },
    );
    const out = record('h1');
    const cfg = await out.next((m) => m.topic === 'homeassistant/sensor/pbx_head_office_presence_41/config');
    assert.strictEqual(JSON.parse(cfg.payload).state_topic, 'pbx/head_office/presence/41');
    await waitStatus('m1', 'green');
  });

  it('without a connection: a status and done(err) on input; a vendor without live state: a status', async () => {
    const { DevicesSim } = require('../../dist/sim/innovaphone-devices');
    const devices = new DevicesSim();
    await devices.start(0);
    try {
      await loadFlow(
        [
          { id: 'd1', type: 'pbx-connection', vendor: 'innovaphone-devices', url: devices.url, app: 'devices' },
          { id: 'm1', type: 'pbx-mqtt', connection: '', wires: [[]] },
          { id: 'm2', type: 'pbx-mqtt', connection: 'd1', wires: [[]] },
          { id: 'k1', type: 'catch', scope: ['m1', 'm2'], uncaught: false, wires: [['herr']] },
          { id: 'herr', type: 'helper' },
        ],
        { d1: { password: 'pwd' } },
      );
      const errors = record('herr');
      await waitStatus('m1', 'red', 'connection');
      await waitStatus('m2', 'red', 'innovaphone-devices does not report');
      helper.getNode('m1').receive({ payload: 'x' });
      assert.match((await errors.next()).error.message, /connection/);
      helper.getNode('m2').receive({ payload: 'x' });
      assert.match(
        (await errors.next()).error.message,
        /innovaphone-devices does not report presence\/blf\/call state/,
      );
    } finally {
      await helper.unload();
      await devices.stop();
    }
  });
});
