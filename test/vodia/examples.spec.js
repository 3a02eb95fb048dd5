'use strict';
// The Vodia example flows: well-formed, importable, and doing what their comment says when
// deployed against the simulator (the same demo data `npm start` uses, on a free port).
const assert = require('assert');
const { helper, record, waitFor } = require('../support/red');
const { examplesIn, checkExample, deployExample } = require('../support/examples');
const { VodiaSim, DEMO } = require('../../sim/vodia');

const EXAMPLES = ['Who is on the phone', 'DND lamp', 'Click to dial', 'Call control', 'Chat', 'Ring whoever is free'];
const examples = examplesIn('Vodia');

describe('vodia examples', function () {
  this.timeout(15000);
  let sim;
  beforeEach(async () => {
    sim = new VodiaSim({ domain: DEMO.domain, accounts: DEMO.accounts, chatAutoReply: true });
    await sim.start(0);
  });
  afterEach(async () => {
    await helper.unload();
    await sim.stop();
  });

  async function deploy(name) {
    await deployExample(examples.read(name), sim.url, DEMO.credentials);
    await waitFor(
      () => helper.getNode('demo-vodia').connection.state === 'connected' && sim.subscribedCount === 1,
      5000,
      'connected',
    );
  }

  it('every example is importable, explains itself and uses the demo connection', () => {
    assert.deepStrictEqual(examples.names().sort(), [...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      const c = checkExample(name, examples.read(name));
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
  it('Ring whoever is free: the doorbell rings the first available extension from 40, or says nobody is free', async () => {
    await deploy('Ring whoever is free');
    const made = record('m1');
    const nobody = record('d2');
    await waitFor(() => helper.getNode('demo-vodia').connection.store.size('presence') > 0, 5000, 'presence known');
    const free = helper
      .getNode('demo-vodia')
      .connection.store.entries('presence')
      .filter(([, e]) => e.payload.status === 'available')
      .map(([k]) => k);
    helper.getNode('i1').receive({ payload: Date.now() });
    if (free.length === 0) {
      assert.deepStrictEqual((await nobody.next()).payload, []);
      return;
    }
    const call = await made.next();
    assert.deepStrictEqual(call.payload.to, free[0]);
    await waitFor(() => sim.activeCalls().some((c) => c.to === free[0]), 5000, 'the PBX rings the free extension');
  });
});
