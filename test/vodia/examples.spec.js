'use strict';
// The Vodia example flows: well-formed, importable, and doing what their comment says when
// deployed against the simulator (the same demo data `npm start` uses, on a free port).
const assert = require('assert');
const { helper, record, waitFor } = require('../support/red');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { examplesIn, deployExample, csvFileIn, csvLines } = require('../support/examples');
const { VodiaSim, DEMO } = require('../../dist/sim/vodia');

const EXAMPLES = [
  'Who is on the phone',
  'DND lamp',
  'Click to dial',
  'Call control',
  'Chat',
  'Ring whoever is free',
  'Missed calls',
  'Call durations to CSV',
  'Home Assistant via MQTT',
  'Who is calling',
];
const examples = examplesIn('Vodia');

describe('vodia examples', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new VodiaSim({ domain: DEMO.domain, accounts: DEMO.accounts, chatAutoReply: true })),
    () => sim,
  );

  /** Deploys the example (each node through `patch`) and waits for the domain subscription. */
  async function deploy(name, patch = (n) => n) {
    await deployExample(examples.read(name).map(patch), sim.url, DEMO.credentials);
    await waitFor(
      () => helper.getNode('demo-vodia').connection.state === 'connected' && sim.subscribedCount === 1,
      5000,
      'connected',
    );
  }

  it('every example is importable, explains itself and uses the demo connection', () => {
    assert.deepStrictEqual(examples.names().sort(), [...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      const c = examples.check(name);
      assert.deepStrictEqual(
        { id: c.id, vendor: c.vendor, url: c.url, domain: c.domain, user: c.user },
        {
          id: 'demo-vodia',
          vendor: 'vodia',
          url: `ws://127.0.0.1:${DEMO.port}/websocket`,
          domain: DEMO.domain,
          user: DEMO.user,
        },
      );
    }
    examples.checkCsv('Call durations to CSV');
  });

  it('Who is on the phone: names the account that is on a call', async () => {
    await deploy('Who is on the phone');
    const busy = record('d1');
    const calls = record('d2');
    sim.startCall({ from: '41', to: '+4930123456' });
    assert.strictEqual((await busy.next()).payload, 'Alice Adams is on the phone');
    assert.strictEqual((await calls.next()).payload.state, 'ringing');
  });

  it('DND lamp: true when 41 turns DND on, and its busy lamp', async () => {
    await deploy('DND lamp');
    const lamp = record('d1');
    const blf = record('d2');
    // The domain-state snapshot answering the subscription may still be on its way: skip it.
    const change = (m) => m.event === 'user-state';
    sim.setUser('41', { dnd: true });
    assert.strictEqual((await lamp.next(change)).payload, true);
    sim.setUser('41', { dnd: false });
    assert.strictEqual((await lamp.next(change)).payload, false);
    sim.startCall({ from: '42', to: '41' });
    assert.strictEqual((await blf.next((m) => m.payload.state !== 'idle')).payload.state, 'ringing');
  });

  it('Click to dial: make-call to 42, answered with the call id', async () => {
    await deploy('Click to dial');
    const out = record('d1');
    helper.getNode('i1').receive({});
    const msg = await out.next();
    assert.strictEqual(msg.payload.callId, sim.activeCalls()[0].id);
    assert.deepStrictEqual(sim.actions.find((a) => a.action === 'make-call').frame, { action: 'make-call', to: '42' });
  });

  it('Call control: answers, holds and hangs up the last ringing call', async () => {
    await deploy('Call control');
    const sent = record('d1');
    const id = sim.startCall({ from: '+4930123456', to: '40' });
    await waitFor(() => helper.getNode('ch1').context().flow.get('lastCall') === id, 5000, 'flow.lastCall');
    for (const [inject, action] of [
      ['i0', 'accept-call'],
      ['i1', 'hold-call'],
      ['i2', 'rec-call'],
      ['i3', 'blind-transfer'],
      ['i4', 'clear-call'],
    ]) {
      helper.getNode(inject).receive({});
      await sent.next();
      await waitFor(() => sim.count(action) === 1, 5000, action);
      assert.strictEqual(sim.actions.find((a) => a.action === action).frame.id, id);
    }
    assert.strictEqual(sim.actions.find((a) => a.action === 'blind-transfer').frame.to, '42');
    await waitFor(() => sim.activeCalls().length === 0);
  });

  it('Chat: sends a chat to 41 and shows the reply', async () => {
    await deploy('Chat');
    const sent = record('d1');
    const chats = record('d2');
    helper.getNode('i1').receive({});
    assert.deepStrictEqual((await sent.next()).payload, { sent: true });
    assert.deepStrictEqual(sim.actions.find((a) => a.action === 'chat').frame, {
      action: 'chat',
      src: '40',
      dest: '41',
      message: 'Hello from Node-RED',
    });
    const reply = await chats.next();
    assert.strictEqual(reply.topic, 'chat');
    assert.strictEqual(reply.payload.dest, '41');
  });
  it('Ring whoever is free: the doorbell rings the desk (40), then the first available extension but the desk', async () => {
    await deploy('Ring whoever is free');
    const made = record('m1');
    await waitFor(() => helper.getNode('demo-vodia').connection.store.size('presence') > 0, 5000, 'presence known');
    const free = helper
      .getNode('demo-vodia')
      .connection.store.entries('presence')
      .filter(([k, e]) => e.payload.status === 'available' && k !== '40')
      .map(([k]) => k);
    assert.ok(free.length > 0, 'the demo starts with free extensions');
    helper.getNode('i1').receive({ payload: Date.now() });
    const call = await made.next();
    assert.strictEqual(call.payload.to, free[0]);
    await waitFor(() => sim.activeCalls().some((c) => c.to === free[0]), 5000, 'the PBX rings the free extension');
  });

  it('Ring whoever is free: with nobody available, output 2 gets everyone and nobody is rung', async () => {
    await deploy('Ring whoever is free');
    const picked = record('ch1');
    const nobody = record('d2');
    const store = helper.getNode('demo-vodia').connection.store;
    const people = DEMO.accounts.filter((a) => a.type === undefined).map((a) => a.account);
    for (const a of people) sim.setUser(a, { dnd: true });
    await waitFor(
      () => people.every((a) => store.get('presence', a)?.payload.status === 'dnd'),
      5000,
      'everyone on DND',
    );
    helper.getNode('i1').receive({ payload: Date.now() });
    const m = await nobody.next();
    assert.ok(
      m.payload.length >= people.length && m.payload.every((p) => p.status !== 'available'),
      JSON.stringify(m.payload),
    );
    assert.strictEqual(picked.list.length, 0, 'output 1 stays silent');
    assert.strictEqual(sim.count('make-call'), 0);
  });

  it("Who is calling: one readable line per ringing call, with the caller's name or number and the called user", async () => {
    await deploy('Who is calling');
    const lines = record('d1');
    const named = sim.startCall({ from: '+4930123456', fromName: 'Müller GmbH', to: '41' });
    const first = await lines.next();
    assert.strictEqual(first.payload, 'Müller GmbH (+4930123456) is calling Alice Adams');
    assert.strictEqual(first.topic, 'Call from Müller GmbH');
    assert.strictEqual(first.call.callId, named);
    sim.setCallState(named, 'connected');
    sim.startCall({ from: '+12125550123', to: '42' });
    sim.startCall({ from: '+442071234567', fromName: '+442071234567', to: '43' });
    assert.strictEqual((await lines.next()).payload, '+12125550123 is calling Bob Brown');
    assert.strictEqual(
      (await lines.next()).payload,
      '+442071234567 is calling Carol Clark',
      'a name equal to the number is none',
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(lines.list.length, 3, 'connected is no second line');
  });

  it('Missed calls: a record with missed: true per unanswered inbound call, counted in flow.missedCalls', async () => {
    await deploy('Missed calls');
    const missed = record('d1');
    const counts = record('d2');
    const flow = helper.getNode('fn').context().flow;
    const answered = sim.startCall({ from: '+4930123456', to: '41' });
    sim.setCallState(answered, 'connected');
    sim.endCall(answered);
    const a = sim.startCall({ from: '+442071234567', to: '42' });
    await waitFor(() => helper.getNode('demo-vodia').connection.store.get('call', a), 5000, 'ringing');
    sim.endCall(a);
    const m = await missed.next();
    assert.deepStrictEqual(
      [m.event, m.topic, m.payload.direction, m.payload.from, m.payload.to, m.payload.answered, m.payload.missed],
      ['call-record', a, 'inbound', '+442071234567', '42', false, true],
    );
    assert.strictEqual((await counts.next()).payload, 1);
    assert.strictEqual(flow.get('missedCalls'), 1);
    const b = sim.startCall({ from: '+12125550123', to: '45' });
    await waitFor(() => helper.getNode('demo-vodia').connection.store.get('call', b), 5000, 'ringing');
    sim.endCall(b);
    assert.strictEqual((await counts.next()).payload, 2);
    assert.strictEqual(flow.get('missedCalls'), 2);
    assert.strictEqual(missed.list.length, 2, 'the answered call is not a missed one');
  });

  it('Call durations to CSV: one line per call record, in the columns the comment names', async () => {
    const file = csvFileIn();
    await deploy('Call durations to CSV', (n) => (n.type === 'file' ? { ...n, filename: file.path } : n));
    const written = record('d1');
    const store = helper.getNode('demo-vodia').connection.store;
    try {
      const answered = sim.startCall({ from: '41', to: '+4930123456' });
      await waitFor(() => store.get('call', answered), 5000, 'ringing');
      sim.setCallState(answered, 'connected');
      await waitFor(() => store.get('call', answered)?.payload.state === 'connected', 5000, 'connected');
      sim.endCall(answered);
      await written.next();
      const missed = sim.startCall({ from: '+442071234567', to: '43' });
      await waitFor(() => store.get('call', missed), 5000, 'ringing');
      sim.endCall(missed);
      await written.next();
      const [a, b] = csvLines(file.path);
      assert.deepStrictEqual(
        [a.callId, a.direction, a.from, a.to, a.answered, a.missed],
        [answered, 'outbound', '41', '+4930123456', 'true', 'false'],
      );
      assert.ok(
        Number(a.answeredAt) >= Number(a.startedAt) && Number(a.endedAt) >= Number(a.answeredAt),
        JSON.stringify(a),
      );
      assert.deepStrictEqual(
        [b.callId, b.direction, b.answeredAt, b.talkMs, b.missed],
        [missed, 'inbound', '', '0', 'true'],
      );
      assert.strictEqual(Number(b.endedAt) - Number(b.startedAt), Number(b.durationMs));
    } finally {
      file.remove();
    }
  });
});
