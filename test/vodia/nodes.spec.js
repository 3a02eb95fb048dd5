'use strict';
// Issue 6 through the real nodes: a Vodia simulator, a pbx-connection and the user nodes.
const assert = require('assert');
const { helper, loadFlow, record, waitFor, waitStatus } = require('../support/red');
const { connectionTo, loadCatching, connection, connected, makeCallFromMsg } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { VodiaSim } = require('../../dist/sim/vodia');
const { ALICE_PRESENCE, callControlFrames } = require('./samples');

const CREDS = { c1: { password: 'secret' } };

function load(sim, nodes, creds = CREDS) {
  return loadCatching([connectionTo.vodia(sim), ...nodes], creds);
}

describe('vodia nodes', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new VodiaSim({ domain: 'tenant.test' })),
    () => sim,
  );
  afterEach(() => assert.ok(!sim.sipRegisterReceived, 'a sip-register reached the PBX'));

  describe('pbx-presence-in', () => {
    it('reports registered, dnd and chatstatus as status for the configured users, then each user-state', async () => {
      await load(sim, [
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: '41, 42', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      const alice = await rec.next((m) => m.topic === '41');
      assert.strictEqual(alice.vendor, 'vodia');
      assert.strictEqual(alice.event, 'domain-state');
      assert.strictEqual(alice.raw.action, 'domain-state');
      assert.deepStrictEqual(alice.payload, ALICE_PRESENCE);
      const bob = await rec.next((m) => m.topic === '42');
      assert.strictEqual(bob.payload.status, 'available');
      sim.setUser('42', { dnd: true });
      const dnd = await rec.next((m) => m.topic === '42');
      assert.strictEqual(dnd.event, 'user-state');
      assert.strictEqual(dnd.payload.status, 'dnd');
      assert.strictEqual(dnd.payload.dn, 'Bob', 'the patch keeps the rest of the account');
      sim.setUser('42', { dnd: false, registered: false, chatstatus: 'offline' });
      assert.strictEqual((await rec.next((m) => m.topic === '42')).payload.status, 'offline');
      sim.setUser('43', { registered: true });
      sim.setUser('41', { chatstatus: 'away' });
      assert.strictEqual((await rec.next((m) => m.topic === '41')).payload.status, 'away');
      assert.ok(!rec.list.some((m) => m.topic === '43'), 'only the configured users');
    });

    it('with no users reports every account, and is busy while on the phone', async () => {
      await load(sim, [
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: '', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      await waitFor(() => rec.list.length >= 5);
      assert.deepStrictEqual(rec.list.map((m) => m.topic).sort(), ['40', '41', '42', '43', '500']);
      sim.startCall({ from: '41', to: '42' });
      const busy = await rec.next((m) => m.topic === '41' && m.event === 'user-state');
      assert.strictEqual(busy.payload.status, 'busy');
    });
  });

  describe('pbx-blf-in', () => {
    it('subscribes with blf add and reports the lamp through a call', async () => {
      await load(sim, [
        { id: 'b1', type: 'pbx-blf-in', connection: 'c1', extensions: '41', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      assert.strictEqual((await rec.next()).payload.state, 'idle');
      await waitFor(() => sim.blfWatched.includes('41'));
      assert.deepStrictEqual(sim.actions.find((a) => a.action === 'blf').frame, { action: 'blf', add: ['41'] });
      const id = sim.startCall({ from: '+4930123', to: '41' });
      const ringing = await rec.next();
      assert.deepStrictEqual(ringing.payload, {
        extension: '41',
        state: 'ringing',
        callId: id,
        direction: 'inbound',
        otherParty: '+4930123',
      });
      assert.strictEqual(ringing.topic, '41');
      assert.strictEqual(ringing.event, 'call-state');
      sim.setCallState(id, 'connected');
      assert.strictEqual((await rec.next()).payload.state, 'busy');
      sim.setCallState(id, 'held');
      assert.strictEqual((await rec.next()).payload.state, 'held');
      sim.endCall(id);
      assert.strictEqual((await rec.next()).payload.state, 'idle');
      sim.setUser('41', { registered: false });
      assert.strictEqual((await rec.next()).payload.state, 'unregistered');
    });
  });

  describe('pbx-call-in', () => {
    for (const shape of ['v70', 'legacy']) {
      it(`follows a call in the ${shape} call-state shape: ringing, connected, held, ended`, async () => {
        sim.callShape = shape;
        await load(sim, [
          { id: 'ci', type: 'pbx-call-in', connection: 'c1', wires: [['h1']] },
          { id: 'h1', type: 'helper' },
        ]);
        await connected();
        await waitFor(() => sim.subscribedCount === 1);
        const rec = record('h1');
        const id = sim.startCall({ from: '41', to: '+4930123' });
        const ringing = await rec.next();
        assert.deepStrictEqual(ringing.payload, {
          callId: id,
          state: 'ringing',
          direction: 'outbound',
          from: '41',
          to: '+4930123',
          extension: '41',
          fromName: 'Alice',
        });
        assert.strictEqual(ringing.topic, id);
        assert.strictEqual(ringing.event, 'call-state');
        assert.strictEqual(ringing.vendor, 'vodia');
        assert.ok(
          shape === 'v70' ? ringing.raw.calls[0]['from-number'] === '41' : /sip:41@/.test(ringing.raw.calls[0].from),
        );
        sim.setCallState(id, 'connected');
        sim.setCallState(id, 'held');
        sim.endCall(id);
        const rest = [await rec.next(), await rec.next(), await rec.next()];
        assert.deepStrictEqual(
          rest.map((m) => m.payload.state),
          ['connected', 'held', 'ended'],
        );
        assert.strictEqual(rest[2].payload.callId, id);
      });
    }

    it('accepts calls as an object keyed by call id', async () => {
      sim.callsAs = 'map';
      await load(sim, [
        { id: 'ci', type: 'pbx-call-in', connection: 'c1', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      await waitFor(() => sim.subscribedCount === 1);
      const rec = record('h1');
      const id = sim.startCall({ from: '42', to: '41' });
      assert.strictEqual((await rec.next()).payload.state, 'ringing');
      assert.strictEqual(rec.list[0].raw.calls[id].id, id);
      sim.endCall(id);
      assert.strictEqual((await rec.next()).payload.state, 'ended');
    });
  });

  describe('pbx-make-call', () => {
    it('sends make-call and answers with the call id; a foreign from fails to the catch node', async () => {
      const { errors } = await load(sim, [makeCallFromMsg('mc', [['h1']]), { id: 'h1', type: 'helper' }]);
      await connected();
      const rec = record('h1');
      helper.getNode('mc').receive({ payload: { from: '40', to: '42' } });
      const out = await rec.next();
      const call = sim.activeCalls()[0];
      assert.deepStrictEqual(out.payload, { callId: call.id, to: '42' });
      assert.deepStrictEqual(sim.actions.find((a) => a.action === 'make-call').frame, {
        action: 'make-call',
        to: '42',
      });
      assert.strictEqual(call.from, '40');
      helper.getNode('mc').receive({ payload: { from: '41', to: '42' } });
      const err = await errors.next();
      assert.match(err.error.message, /own extension 40/);
    });

    it("without a from, calls from the connection's extension", async () => {
      const { errors } = await load(sim, [
        { id: 'mc', type: 'pbx-make-call', connection: 'c1', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      await connected();
      const rec = record('h1');
      helper.getNode('mc').receive({ payload: { to: '42' } });
      const out = await rec.next();
      const call = sim.activeCalls()[0];
      assert.deepStrictEqual(out.payload, { callId: call.id, to: '42' });
      assert.strictEqual(call.from, '40');
      assert.deepStrictEqual(sim.actions.find((a) => a.action === 'make-call').frame, {
        action: 'make-call',
        to: '42',
      });
      assert.strictEqual(errors.list.length, 0);
    });
  });

  describe('pbx-call-control', () => {
    async function controlFlow() {
      const ctx = await load(sim, [
        { id: 'cc', type: 'pbx-call-control', connection: 'c1', action: 'answer', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
        { id: 'ci', type: 'pbx-call-in', connection: 'c1', wires: [['h2']] },
        { id: 'h2', type: 'helper' },
      ]);
      await connected();
      await waitFor(() => sim.subscribedCount === 1);
      return { ...ctx, out: record('h1'), calls: record('h2') };
    }

    it('answer, hold, record, blind and attended transfer, hangup', async () => {
      const { out, calls } = await controlFlow();
      const cc = helper.getNode('cc');
      const id = sim.startCall({ from: '41', to: '40' });
      await calls.next((m) => m.payload.state === 'ringing');
      cc.receive({ payload: { callId: id } });
      assert.deepStrictEqual((await out.next()).payload, { sent: true, callId: id, action: 'answer' });
      await calls.next((m) => m.payload.state === 'connected');
      cc.receive({ action: 'hold', payload: { callId: id } });
      await calls.next((m) => m.payload.state === 'held');
      cc.receive({ action: 'record', payload: { callId: id } });
      await out.next((m) => m.payload.action === 'record');
      await waitFor(() => sim.activeCalls()[0].recording);
      cc.receive({ action: 'transfer', payload: { callId: id, to: '42' } });
      await calls.next((m) => m.payload.to === '42');
      const id2 = sim.startCall({ from: '40', to: '43', state: 'connected' });
      await calls.next((m) => m.payload.callId === id2);
      cc.receive({ action: 'transfer', payload: { callId: id, to: '43', attended: true, toCallId: id2 } });
      await calls.next((m) => m.payload.callId === id2 && m.payload.state === 'ended');
      cc.receive({ action: 'hangup', payload: { callId: id } });
      await calls.next((m) => m.payload.callId === id && m.payload.state === 'ended');
      const frames = sim.actions
        .filter((a) => /^(accept|hold|rec|clear)-call$|transfer/.test(a.action))
        .map((a) => a.frame);
      assert.deepStrictEqual(frames, callControlFrames(id, id2));
    });

    it('an action Vodia lacks fails naming vendor and action', async () => {
      const { errors } = await controlFlow();
      helper.getNode('cc').receive({ action: 'bridge', payload: { callId: 'x1' } });
      const err = await errors.next();
      assert.match(err.error.message, /vodia/);
      assert.match(err.error.message, /bridge/);
    });
  });

  describe('pbx-command', () => {
    it('sends a chat to an extension, fire-and-forget; any other action passes through; sip-register is refused', async () => {
      const { errors } = await load(sim, [
        { id: 'cm', type: 'pbx-command', connection: 'c1', command: 'chat', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
        { id: 'cr', type: 'pbx-command', connection: 'c1', command: '', wires: [['h2']] },
        { id: 'h2', type: 'helper' },
      ]);
      await connected();
      const out = record('h1');
      helper.getNode('cm').receive({ payload: { dest: '41', message: 'Coffee?' } });
      assert.deepStrictEqual((await out.next()).payload, { sent: true });
      assert.deepStrictEqual(sim.actions.find((a) => a.action === 'chat').frame, {
        action: 'chat',
        src: '40',
        dest: '41',
        message: 'Coffee?',
      });
      const raw = record('h2');
      helper.getNode('cr').receive({ payload: { command: 'add-to-crm', id: 'c9', sub: 'Lead', des: 'called back' } });
      await raw.next();
      assert.deepStrictEqual(sim.actions.find((a) => a.action === 'add-to-crm').frame, {
        action: 'add-to-crm',
        id: 'c9',
        sub: 'Lead',
        des: 'called back',
      });
      helper.getNode('cr').receive({ payload: { command: 'sip-register', useragent: 'x' } });
      assert.match((await errors.next()).error.message, /sip-register is never sent/);
    });
  });

  describe('pbx-event', () => {
    it('passes every frame by its action; an incoming chat arrives as `chat`', async () => {
      await load(sim, [
        { id: 'e1', type: 'pbx-event', connection: 'c1', events: 'chat', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
        { id: 'e2', type: 'pbx-event', connection: 'c1', events: '', wires: [['h2']] },
        { id: 'h2', type: 'helper' },
      ]);
      const chats = record('h1');
      const all = record('h2');
      await all.next((m) => m.topic === 'domain-state');
      sim.pushChat('41', '40', 'Lunch at noon');
      const chat = await chats.next();
      assert.strictEqual(chat.topic, 'chat');
      assert.strictEqual(chat.event, 'chat');
      assert.deepStrictEqual(chat.payload, { action: 'chat', dest: '41', src: '41', message: 'Lunch at noon' });
      assert.deepStrictEqual(chat.raw, chat.payload);
      sim.pushEvent('missed-calls', { count: 2 });
      assert.strictEqual((await all.next((m) => m.topic === 'missed-calls')).payload.count, 2);
      sim.setUser('42', { dnd: true });
      await all.next((m) => m.topic === 'user-state');
      assert.ok(!chats.list.some((m) => m.topic !== 'chat'));
    });
  });

  describe('connection', () => {
    it('a wrong password shows "auth failed" and never attempts the websocket', async () => {
      await load(sim, [{ id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: '', wires: [[]] }], {
        c1: { password: 'wrong' },
      });
      await waitStatus('p1', 'red', 'authFailed');
      assert.strictEqual(connection().state, 'auth-failed');
      await waitFor(() => sim.failedLogins >= 2, 5000, 'a retry at the backoff cap');
      assert.strictEqual(sim.upgradeAttempts, 0);
      assert.strictEqual(sim.loginCount, 0);
    });

    it('an expired session: the reconnect logs in for a new session and the nodes get the state again', async () => {
      await load(sim, [
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: '41', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      await rec.next();
      sim.expireSessions();
      await waitFor(() => sim.loginCount === 2 && sim.connectionCount === 1, 5000, 'a new session');
      assert.notStrictEqual(sim.acceptedSessions[0], sim.acceptedSessions[1]);
      assert.strictEqual((await rec.next()).event, 'domain-state', 'snapshot after the reconnect');
      sim.setUser('41', { dnd: true });
      assert.strictEqual((await rec.next()).payload.status, 'dnd');
    });

    it('a websocket refused for an expired session is retried with a new session, not shown as auth failure', async () => {
      sim.setSessionTtl(0);
      await load(sim, [
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: '41', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      await waitFor(() => sim.upgradeRefusals >= 1);
      await waitStatus('p1', 'red');
      assert.strictEqual(connection().state, 'disconnected');
      sim.setSessionTtl(60000);
      await connected();
      await rec.next();
      assert.ok(sim.loginCount >= 2);
      assert.ok(
        !helper
          .getNode('p1')
          .status.getCalls()
          .some((c) => /authFailed/.test(String(c.args[0].text))),
      );
    });

    it('admin login: a third-party session minted for the extension, a new token on every reconnect', async () => {
      await sim.stop();
      sim = new VodiaSim({ domain: 'tenant.test', admin: { user: 'admin', password: 'adminpw' } });
      await sim.start(0);
      await loadFlow(
        [
          connectionTo.vodia(sim, { authMode: 'admin' }),
          { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: '41', wires: [['h1']] },
          { id: 'h1', type: 'helper' },
        ],
        { c1: { adminUser: 'admin', adminPassword: 'adminpw' } },
      );
      const rec = record('h1');
      await rec.next();
      assert.strictEqual(sim.tokensMinted, 1);
      assert.strictEqual(sim.tokensActivated, 1);
      sim.dropAll();
      await waitFor(() => sim.tokensActivated === 2 && connection().state === 'connected', 5000, 'a new token');
      assert.strictEqual(sim.tokensMinted, 2);
      assert.strictEqual((await rec.next()).event, 'domain-state');
    });

    it('admin login with a wrong admin password shows "auth failed"; without an admin user it is a config error', async () => {
      await sim.stop();
      sim = new VodiaSim({ domain: 'tenant.test', admin: { user: 'admin', password: 'adminpw' } });
      await sim.start(0);
      await loadFlow(
        [
          connectionTo.vodia(sim, { authMode: 'admin' }),
          { id: 'p1', type: 'pbx-presence-in', connection: 'c1', wires: [[]] },
        ],
        {
          c1: { adminUser: 'admin', adminPassword: 'wrong' },
        },
      );
      await waitStatus('p1', 'red', 'authFailed');
      assert.strictEqual(sim.upgradeAttempts, 0);
      await helper.unload();
      await loadFlow(
        [
          connectionTo.vodia(sim, { authMode: 'admin' }),
          { id: 'p1', type: 'pbx-presence-in', connection: 'c1', wires: [[]] },
        ],
        {
          c1: { password: 'secret' },
        },
      );
      assert.match(helper.getNode('c1').configError, /'adminUser'/);
    });

    it('"allow legacy TLS renegotiation" sets SSL_OP_LEGACY_SERVER_CONNECT, only when ticked', async () => {
      const { constants } = require('crypto');
      await loadFlow([connectionTo.vodia(sim, { legacyTls: true })], CREDS);
      assert.ok(connection().settings.tls.secureOptions & constants.SSL_OP_LEGACY_SERVER_CONNECT);
      await helper.unload();
      await loadFlow([connectionTo.vodia(sim)], CREDS);
      assert.ok(!((connection().settings.tls.secureOptions ?? 0) & constants.SSL_OP_LEGACY_SERVER_CONNECT));
    });

    it('notices a half-open socket and restores blf subscriptions after reconnecting', async () => {
      await load(sim, [
        { id: 'b1', type: 'pbx-blf-in', connection: 'c1', extensions: '42', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      await rec.next();
      await waitFor(() => sim.blfWatched.includes('42'));
      sim.setSilent(true);
      await waitFor(() => connection().state !== 'connected', 5000, 'half-open detected');
      sim.setSilent(false);
      await waitFor(
        () => sim.loginCount === 2 && sim.blfWatched.includes('42') && connection().state === 'connected',
        5000,
        'restored',
      );
      const id = sim.startCall({ from: '42', to: '41' });
      const lamp = await rec.next((m) => m.payload.state === 'ringing');
      assert.strictEqual(lamp.payload.callId, id);
    });
  });
});
