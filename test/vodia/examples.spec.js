'use strict';
// The Vodia example flows: well-formed, importable, and doing what their comment says when
// deployed against the simulator (the same demo data `npm start` uses, on a free port).
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { helper, record, waitFor, NODE_TYPES } = require('../support/red');
const { VodiaSim, DEMO } = require('../../sim/vodia');

const DIR = path.join(__dirname, '..', '..', 'examples', 'Vodia');
const CORE = ['common/20-inject', 'common/21-debug', 'common/90-comment', 'function/10-switch', 'function/15-change'];
const coreModules = () => CORE.map((m) => require(`@node-red/nodes/core/${m}.js`));
const ourModules = () => NODE_TYPES.map((t) => require(path.join(__dirname, '..', '..', 'nodes', `${t}.js`)));
const EXAMPLES = ['Who is on the phone', 'DND lamp', 'Click to dial', 'Call control', 'Chat'];

function example(name) {
  return JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));
}

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
    const flow = example(name).map((n) => (n.type === 'pbx-connection' ? { ...n, url: sim.url } : { ...n, z: 'f1' }));
    await helper.load([...ourModules(), ...coreModules()], [{ id: 'f1', type: 'tab' }, ...flow], {
      'demo-vodia': DEMO.credentials,
    });
    await waitFor(
      () => helper.getNode('demo-vodia').connection.state === 'connected' && sim.subscribedCount === 1,
      5000,
      'connected',
    );
  }

  it('every example is a flat importable array with the demo connection, a comment and a debug node', () => {
    assert.deepStrictEqual(fs.readdirSync(DIR).sort(), EXAMPLES.map((e) => `${e}.json`).sort());
    for (const name of EXAMPLES) {
      const nodes = example(name);
      const ids = new Set(nodes.map((n) => n.id));
      assert.strictEqual(ids.size, nodes.length, `${name}: unique ids`);
      const configs = nodes.filter((n) => n.type === 'pbx-connection');
      assert.strictEqual(configs.length, 1, name);
      const c = configs[0];
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
      assert.ok(!/password|credentials|apiKey/.test(JSON.stringify(nodes)), `${name}: no credentials`);
      assert.ok(
        nodes.some((n) => n.type === 'comment' && n.info),
        `${name}: a comment`,
      );
      assert.ok(
        nodes.some((n) => n.type === 'debug'),
        `${name}: a debug node`,
      );
      for (const n of nodes) {
        assert.ok(
          ['pbx-connection', 'inject', 'debug', 'comment', 'switch', 'change'].includes(n.type) ||
            NODE_TYPES.includes(n.type),
          `${name}: ${n.type}`,
        );
        if (n.connection !== undefined) assert.strictEqual(n.connection, 'demo-vodia');
        for (const port of n.wires || []) for (const to of port) assert.ok(ids.has(to), `${name}: wire to ${to}`);
      }
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
    sim.setUser('41', { dnd: true });
    assert.strictEqual((await lamp.next()).payload, true);
    sim.setUser('41', { dnd: false });
    assert.strictEqual((await lamp.next()).payload, false);
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
});
