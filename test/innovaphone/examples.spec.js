'use strict';
// The innovaphone example flows: well-formed, importable, and doing what their comment says when
// deployed against the simulator (the demo App object `npm start` uses, on a free port).
const assert = require('assert');
const { helper, record, waitFor } = require('../support/red');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { examplesIn, deployExample, csvFileIn, csvLines } = require('../support/examples');
const { InnovaphoneSim, DEMO, DEFAULT_DEVICES } = require('../../dist/sim/innovaphone');

const EXAMPLES = [
  'Presence to debug',
  'Set presence',
  'Favourites',
  'Signaling monitor',
  'Click to dial (innovaphone)',
  'Call log (innovaphone)',
  'Node info and events',
  'Missed calls (innovaphone)',
  'Ring whoever is free (innovaphone)',
  'Call durations to CSV (innovaphone)',
  'Home Assistant via MQTT (innovaphone)',
  'Who is calling (innovaphone)',
];
const examples = examplesIn('innovaphone');

describe('innovaphone examples', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new InnovaphoneSim({ app: DEMO.app, password: DEMO.credentials.password })),
    () => sim,
  );
  afterEach(() => {
    patch = (n) => n;
  });
  /** What deploy does to each node of the example first (a test may point the file node elsewhere). */
  let patch = (n) => n;
  const store = () => helper.getNode('demo-innovaphone').connection.store;
  const rccReady = () =>
    waitFor(() => sim.rcc.clientCount === 1 && sim.rcc.received.some((m) => m.mt === 'Initialize'), 5000, 'RCC');
  /** An outside caller rings `to`; once the connection has seen it, `to` answers (or not) and the call ends. */
  async function call(from, to, answer) {
    const leg = sim.rcc.incomingCall({ from, to });
    const seen = (state) =>
      store()
        .entries('call')
        .some(([, e]) => e.payload.from === from && e.payload.state === state);
    await waitFor(() => seen('ringing'), 5000, `${from} ringing`);
    if (answer) {
      sim.rcc.answer(leg);
      await waitFor(() => seen('connected'), 5000, `${from} connected`);
    }
    sim.rcc.hangup(leg);
  }

  /** Deploys the example; recorders on the debug nodes `ids` catch the messages from the start. */
  async function deploy(name, ...ids) {
    await deployExample(examples.read(name).map(patch), sim.url, DEMO.credentials);
    const recs = ids.map((id) => record(id));
    await waitFor(() => helper.getNode('demo-innovaphone').connection.state === 'connected', 5000, 'connected');
    return recs;
  }

  it('every example is importable, explains itself and uses the demo connection', () => {
    assert.deepStrictEqual(examples.names().sort(), [...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      const c = examples.check(name);
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
    examples.checkCsv('Call durations to CSV (innovaphone)');
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

  it("Who is calling: one line per ringing call, with the caller's Name Identification and the user's display name", async () => {
    const [lines] = await deploy('Who is calling (innovaphone)', 'd1');
    await rccReady();
    await waitFor(
      () => helper.getNode('demo-innovaphone').connection.names.nameOf('202') === 'Bob Brown',
      5000,
      'UserInfo',
    );
    sim.rcc.incomingCall({ from: '0711123456', to: 'bob', fromName: 'Schmidt & Co.' });
    const first = await lines.next();
    assert.strictEqual(first.payload, 'Schmidt & Co. (0711123456) is calling Bob Brown');
    assert.strictEqual(first.topic, 'Call from Schmidt & Co.');
    sim.rcc.incomingCall({ from: '0897654321', to: 'carol' });
    assert.strictEqual((await lines.next()).payload, '0897654321 is calling Carol Clark');
    sim.rcc.incomingCall({ from: 'alice', to: 'dave' });
    assert.strictEqual((await lines.next()).payload, 'Alice Adams (201) is calling Dave Davis');
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(lines.list.length, 3, "the two users' legs of a call are one line");
  });

  it('Missed calls: a record with missed: true per unanswered inbound call, counted in flow.missedCalls', async () => {
    const [missed, counts] = await deploy('Missed calls (innovaphone)', 'd1', 'd2');
    await rccReady();
    const flow = helper.getNode('fn').context().flow;
    await call('0711123456', 'carol', true);
    await call('0711999888', 'bob', false);
    const m = await missed.next();
    assert.deepStrictEqual(
      [m.event, m.payload.direction, m.payload.from, m.payload.answered, m.payload.missed],
      ['call-record', 'inbound', '0711999888', false, true],
      JSON.stringify(m.payload),
    );
    assert.strictEqual((await counts.next()).payload, 1);
    assert.strictEqual(flow.get('missedCalls'), 1);
    await call('0711777666', 'alice', false);
    assert.strictEqual((await counts.next()).payload, 2);
    assert.strictEqual(flow.get('missedCalls'), 2);
    assert.strictEqual(missed.list.length, 2, 'the answered call is not a missed one');
  });

  it('Ring whoever is free: alice, the one available, gets the door on the phone; nobody available, nobody rung', async () => {
    const [picked, ringing, notFree] = await deploy('Ring whoever is free (innovaphone)', 'pk', 'd1', 'd2');
    const status = (u) => store().get('presence', u)?.payload.status;
    await waitFor(() => ['alice', 'bob', 'carol', 'dave'].every((u) => status(u)), 5000, 'the four monitored');
    assert.strictEqual(status('alice'), 'available');
    helper.getNode('in').receive({ payload: 'ding' });
    const m = await ringing.next();
    assert.ok(m.payload.callId, JSON.stringify(m.payload));
    assert.deepStrictEqual([m.payload.from, m.payload.to, m.payload.user], ['alice', '200', 'alice']);
    await waitFor(() => sim.rcc.calls().some((l) => l.cn === 'alice'), 5000, "alice's phone rings");
    assert.ok(sim.rcc.received.some((r) => r.mt === 'UserCall' && r.e164 === '200'));

    sim.pbx.setPresence('alice', { activity: 'away' });
    await waitFor(() => status('alice') === 'away', 5000, 'alice away');
    helper.getNode('in').receive({ payload: 'ding' });
    const none = await notFree.next((x) => x.payload.length === 4);
    assert.deepStrictEqual(
      none.payload.map((p) => p.user),
      ['alice', 'bob', 'carol', 'dave'],
    );
    assert.ok(none.payload.every((p) => p.status !== 'available'));
    assert.strictEqual(picked.list.length, 1, 'output 1 stays silent');
    assert.strictEqual(sim.rcc.received.filter((r) => r.mt === 'UserCall').length, 1);
  });

  it('Call durations to CSV: one line per call record, in the columns the comment names', async () => {
    const file = csvFileIn();
    patch = (n) => (n.type === 'file' ? { ...n, filename: file.path } : n);
    try {
      const [written] = await deploy('Call durations to CSV (innovaphone)', 'd1');
      await rccReady();
      await call('0711123456', 'bob', true);
      await written.next();
      await call('0711999888', 'carol', false);
      await written.next();
      const [a, b] = csvLines(file.path);
      assert.deepStrictEqual(
        [a.direction, a.from, a.answered, a.missed],
        ['inbound', '0711123456', 'true', 'false'],
        JSON.stringify(a),
      );
      assert.ok(
        Number(a.answeredAt) >= Number(a.startedAt) && Number(a.endedAt) >= Number(a.answeredAt),
        JSON.stringify(a),
      );
      assert.deepStrictEqual(
        [b.direction, b.from, b.answeredAt, b.talkMs, b.missed],
        ['inbound', '0711999888', '', '0', 'true'],
      );
      assert.strictEqual(Number(b.endedAt) - Number(b.startedAt), Number(b.durationMs));
      assert.notStrictEqual(a.callId, b.callId);
    } finally {
      file.remove();
    }
  });
});
