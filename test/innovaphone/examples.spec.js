'use strict';
// The innovaphone example flows: well-formed, importable, and doing what their comment says when
// deployed against the simulator (the demo App object `npm start` uses, on a free port).
const assert = require('assert');
const { helper, record, waitFor } = require('../support/red');
const { examplesIn, checkExample, deployExample } = require('../support/examples');
const { InnovaphoneSim, DEMO, DEFAULT_DEVICES } = require('../../sim/innovaphone');

const EXAMPLES = [
  'Presence to debug',
  'Set presence',
  'Favourites',
  'Signaling monitor',
  'Click to dial (innovaphone)',
  'Call log (innovaphone)',
  'Node info and events',
];
const examples = examplesIn('innovaphone');

describe('innovaphone examples', function () {
  this.timeout(15000);
  let sim;
  beforeEach(async () => {
    sim = new InnovaphoneSim({ app: DEMO.app, password: DEMO.credentials.password });
    await sim.start(0);
  });
  afterEach(async () => {
    await helper.unload();
    await sim.stop();
  });

  /** Deploys the example; recorders on the debug nodes `ids` catch the messages from the start. */
  async function deploy(name, ...ids) {
    await deployExample(examples.read(name), sim.url, DEMO.credentials);
    const recs = ids.map((id) => record(id));
    await waitFor(() => helper.getNode('demo-innovaphone').connection.state === 'connected', 5000, 'connected');
    return recs;
  }

  it('every example is importable, explains itself and uses the demo connection', () => {
    assert.deepStrictEqual(examples.names().sort(), [...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      const c = checkExample(name, examples.read(name));
      assert.deepStrictEqual(
        { id: c.id, vendor: c.vendor, url: c.url, app: c.app },
        {
          id: 'demo-innovaphone',
          vendor: 'innovaphone',
          url: `ws://127.0.0.1:${DEMO.port}/PBX0/APPS/websocket`,
          app: DEMO.app,
        },
      );
    }
  });

  it('Presence to debug: the four users, then each change', async () => {
    const [out] = await deploy('Presence to debug', 'd1');
    await waitFor(() => new Set(out.list.map((m) => m.topic)).size === 4, 5000, 'four users');
    assert.deepStrictEqual(new Set(out.list.map((m) => m.topic)), new Set(['alice', '202', 'carol', 'dave']));
    sim.pbx.setPresence('carol', { activity: 'away' });
    assert.strictEqual(
      (await out.next((m) => m.topic === 'carol' && m.payload.status === 'away')).payload.user,
      'carol',
    );
  });

  it('Set presence: dnd and back, seen by the monitor', async () => {
    const [result, seen] = await deploy('Set presence', 'd1', 'd2');
    await seen.next();
    helper
      .getNode('i1')
      .receive({ payload: JSON.parse(helper.getNode('i1').payload ?? '{"activity":"dnd","note":"focus time"}') });
    assert.strictEqual((await result.next()).payload.activity, 'dnd');
    assert.strictEqual((await seen.next((m) => m.payload.status === 'dnd')).payload.note, 'focus time');
    helper.getNode('i2').receive({ payload: { activity: '', note: '' } });
    await seen.next((m) => m.payload.status === 'available');
  });

  it('Favourites: adds carol and deletes bob', async () => {
    const [out] = await deploy('Favourites', 'd1');
    assert.deepStrictEqual(
      (await out.next()).payload.contacts.map((c) => c.name),
      ['bob'],
    );
    helper.getNode('f1').receive({ payload: { action: 'addContact', sip: 'carol', num: '203', dn: 'Carol Clark' } });
    await waitFor(() => out.list.some((m) => m.payload.contacts && m.payload.contacts.some((c) => c.name === 'carol')));
    helper.getNode('f1').receive({ payload: { action: 'deleteContact', contactId: 11 } });
    await waitFor(() =>
      out.list.some((m) => m.event === 'ProfileContactDeleted' && !m.payload.contacts.some((c) => c.name === 'bob')),
    );
  });

  it('Signaling monitor: attached, copies of the relayed signalling', async () => {
    const [out] = await deploy('Signaling monitor', 'd1');
    await out.next((m) => m.topic === 'Attached');
    sim.playDeviceCall(DEFAULT_DEVICES[0], '300', 50);
    await waitFor(() => sim.ep.returnedUnchanged === 4 && out.list.filter((m) => m.topic === 'Signaling').length === 4);
  });

  it('Click to dial: alice calls 202, the call shows up and is hung up after the delay', async () => {
    const [started, calls] = await deploy('Click to dial (innovaphone)', 'd1', 'd2');
    helper.getNode('i1').receive({ payload: { from: 'alice', to: '202' } });
    const res = await started.next();
    assert.ok(res.payload.callId);
    await calls.next();
    assert.ok(sim.rcc.received.some((m) => m.mt === 'UserCall'));
  });

  it('Call log: one line per ended call', async () => {
    const [log] = await deploy('Call log (innovaphone)', 'd1');
    await waitFor(() => sim.rcc.clientCount === 1 && sim.rcc.received.some((m) => m.mt === 'Initialize'));
    const leg = sim.rcc.incomingCall({ from: '0711123456', to: 'bob' });
    sim.rcc.answer(leg);
    sim.rcc.hangup(leg);
    const line = await log.next();
    assert.match(line.payload, /inbound {2}0711123456 -> .* \(bob\)$/);
  });

  it('Node info and events: GetNodeInfo and PresenceUpdate by name', async () => {
    const [info, events] = await deploy('Node info and events', 'd1', 'd2');
    helper.getNode('i1').receive({ payload: {} });
    assert.strictEqual((await info.next()).payload.mt, 'GetNodeInfoResult');
    assert.strictEqual((await events.next()).topic, 'PresenceUpdate');
  });
});
