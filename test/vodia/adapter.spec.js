'use strict';
// The Vodia adapter against the simulator, without Node-RED: login, subscriptions, state,
// operations, keepalive and the socket lifecycle.
const assert = require('assert');
const http = require('http');
const { createVodiaAdapter } = require('../../dist/protocols/vodia/adapter');
const { VodiaSim } = require('../../dist/sim/vodia');
const { waitFor } = require('../support/wait');
const { adapterSettings, fakeEvents } = require('../support/adapter');
const { simulatorEach } = require('../support/fixtures');
const { ALICE_PRESENCE, callControlFrames } = require('./samples');

function settings(sim, extra = {}) {
  return adapterSettings('vodia', { url: sim.url, domain: sim.domain, user: '40', password: 'secret', ...extra });
}

describe('vodia adapter', function () {
  this.timeout(10000);
  let sim;
  let adapter;
  simulatorEach(
    () => (sim = new VodiaSim({ domain: 'tenant.test' })),
    () => sim,
    () => {
      if (adapter) adapter.close();
      adapter = undefined;
    },
  );

  async function connect(extra, ev = fakeEvents()) {
    adapter = createVodiaAdapter(settings(sim, extra), ev);
    await adapter.open();
    return ev;
  }

  it('logs in over REST, opens the socket with the session cookie and subscribes; never sip-register', async () => {
    const ev = await connect();
    assert.strictEqual(sim.loginCount, 1);
    assert.strictEqual(sim.connectionCount, 1);
    await waitFor(
      () => sim.count('domain-calls') === 1 && sim.count('own-calls') === 1 && sim.count('avoid-disconnect') >= 1,
    );
    assert.deepStrictEqual(sim.actions.find((a) => a.action === 'own-calls').frame, {
      action: 'own-calls',
      subscribe: true,
    });
    await waitFor(() => ev.of('presence').length >= 5);
    assert.strictEqual(sim.sipRegisterReceived, false);
    assert.ok(!sim.actions.some((a) => a.action === 'sip-register'));
  });

  it('a wrong password is an AuthError and no websocket is attempted', async () => {
    adapter = createVodiaAdapter(settings(sim, { password: 'wrong' }), fakeEvents());
    await assert.rejects(adapter.open(), { name: 'AuthError' });
    assert.strictEqual(sim.failedLogins, 1);
    assert.strictEqual(sim.upgradeAttempts, 0);
    adapter = createVodiaAdapter(settings(sim, { user: '99' }), fakeEvents());
    await assert.rejects(adapter.open(), { name: 'AuthError' });
    assert.strictEqual(sim.upgradeAttempts, 0);
  });

  it('a `false` body is a refused login too; secrets never appear in errors', async () => {
    const server = http.createServer((req, res) => res.end('false'));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      adapter = createVodiaAdapter(
        { ...settings(sim), url: `ws://127.0.0.1:${server.address().port}/websocket`, password: 'TopSecret1' },
        fakeEvents(),
      );
      const err = await adapter.open().then(
        () => assert.fail('open succeeded'),
        (e) => e,
      );
      assert.strictEqual(err.name, 'AuthError');
      assert.ok(!/TopSecret1|b1b3773a05c0ed0176787a4f1574ff00/.test(err.message));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a login answered with a page instead of a session id is refused; no websocket is attempted', async () => {
    let upgrades = 0;
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Forbidden</body></html>');
    });
    server.on('upgrade', (req, socket) => {
      upgrades++;
      socket.destroy();
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      adapter = createVodiaAdapter(
        { ...settings(sim), url: `ws://127.0.0.1:${server.address().port}/websocket` },
        fakeEvents(),
      );
      await assert.rejects(adapter.open(), { name: 'AuthError' });
      assert.strictEqual(upgrades, 0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  for (const tokenForm of ['quoted', 'plain', 'object']) {
    it(`admin login (token ${tokenForm}): mint with Basic admin auth, activate, cookie; a new token per open`, async () => {
      await sim.stop();
      sim = new VodiaSim({ domain: 'tenant.test', admin: { user: 'admin', password: 'adminpw' }, tokenForm });
      await sim.start(0);
      const admin = { authMode: 'admin', adminUser: 'admin', adminPassword: 'adminpw', password: '' };
      const ev = await connect(admin);
      await waitFor(() => ev.of('presence', '41').length === 1);
      assert.strictEqual(sim.tokensMinted, 1);
      assert.strictEqual(sim.tokensActivated, 1);
      adapter.close();
      await adapter.open();
      assert.strictEqual(sim.tokensMinted, 2);
      assert.strictEqual(sim.acceptedSessions.length, 2);
      assert.notStrictEqual(sim.acceptedSessions[0], sim.acceptedSessions[1]);
    });
  }

  it('admin login: body `false` (bad admin credentials) and 404 (unknown extension) are AuthErrors, no websocket', async () => {
    await sim.stop();
    sim = new VodiaSim({ domain: 'tenant.test', admin: { user: 'admin', password: 'adminpw' } });
    await sim.start(0);
    const admin = { authMode: 'admin', adminUser: 'admin', adminPassword: 'TopSecret1' };
    adapter = createVodiaAdapter(settings(sim, admin), fakeEvents());
    const err = await adapter.open().then(
      () => assert.fail('open succeeded'),
      (e) => e,
    );
    assert.strictEqual(err.name, 'AuthError');
    assert.ok(!/TopSecret1/.test(err.message));
    adapter = createVodiaAdapter(settings(sim, { ...admin, adminPassword: 'adminpw', user: '99' }), fakeEvents());
    await assert.rejects(adapter.open(), { name: 'AuthError', message: /99.*404/ });
    assert.strictEqual(sim.tokensMinted, 0);
    assert.strictEqual(sim.upgradeAttempts, 0);
  });

  it('close() during the login aborts it and leaves nothing behind', async () => {
    sim.setReplyDelay(60000);
    adapter = createVodiaAdapter(settings(sim), fakeEvents());
    const opening = adapter.open();
    await waitFor(() => sim.pendingRestCount === 1);
    adapter.close();
    await assert.rejects(opening, /closed/);
    await waitFor(() => sim.pendingRestCount === 0, 2000, 'the REST request closed');
    assert.strictEqual(sim.upgradeAttempts, 0);
  });

  it('an expired session: the PBX closes the socket, dropped() once, the next open gets a new session', async () => {
    const ev = await connect();
    sim.expireSessions();
    await waitFor(() => ev.drops.length === 1);
    adapter.close();
    await adapter.open();
    assert.strictEqual(sim.loginCount, 2);
    assert.strictEqual(sim.acceptedSessions.length, 2);
    assert.notStrictEqual(sim.acceptedSessions[0], sim.acceptedSessions[1]);
    assert.strictEqual(ev.drops.length, 1);
  });

  it('a websocket refused for an expired session is not an auth failure; the next open logs in again', async () => {
    sim.setSessionTtl(0);
    adapter = createVodiaAdapter(settings(sim), fakeEvents());
    const err = await adapter.open().then(
      () => assert.fail('open succeeded'),
      (e) => e,
    );
    assert.notStrictEqual(err.name, 'AuthError');
    assert.match(err.message, /refused the WebSocket.*403/);
    assert.strictEqual(sim.upgradeRefusals, 1);
    sim.setSessionTtl(60000);
    await adapter.open();
    assert.strictEqual(sim.loginCount, 2);
    assert.strictEqual(sim.connectionCount, 1);
  });

  it('domain-state gives every account presence and lamp; user-state is a partial patch', async () => {
    const ev = await connect();
    await waitFor(() => ev.of('presence', '41').length === 1 && ev.of('blf', '43').length === 1);
    assert.deepStrictEqual(ev.of('presence', '41')[0].payload, ALICE_PRESENCE);
    assert.strictEqual(ev.of('presence', '41')[0].event, 'domain-state');
    assert.strictEqual(ev.of('presence', '41')[0].raw.action, 'domain-state');
    assert.strictEqual(ev.of('blf', '43')[0].payload.state, 'unregistered');
    assert.strictEqual(ev.of('blf', '41')[0].payload.state, 'idle');
    sim.setUser('41', { dnd: true });
    await waitFor(() => ev.of('presence', '41').length === 2);
    const p = ev.of('presence', '41')[1];
    assert.strictEqual(p.event, 'user-state');
    assert.deepStrictEqual(p.raw, {
      action: 'user-state',
      type: 'extensions',
      account: '41',
      domain: 'tenant.test',
      dnd: true,
    });
    assert.strictEqual(p.payload.status, 'dnd');
    assert.strictEqual(p.payload.dn, 'Alice', 'fields from domain-state survive the patch');
    assert.strictEqual(p.payload.registered, true);
    assert.deepStrictEqual(await adapter.suggestions('users'), ['40', '41', '42', '43', '500']);
    assert.deepStrictEqual(await adapter.suggestions('hw'), []);
  });

  for (const callShape of ['v70', 'legacy']) {
    for (const callsAs of ['array', 'map']) {
      it(`call-state in the ${callShape} shape, calls as ${callsAs}: ringing, connected, held, ended`, async () => {
        sim.callShape = callShape;
        sim.callsAs = callsAs;
        const ev = await connect();
        await waitFor(() => ev.of('presence').length >= 5);
        const id = sim.startCall({ from: '41', to: '40' });
        await waitFor(() => ev.of('call', id).length === 1);
        sim.setCallState(id, 'connected');
        await waitFor(() => ev.of('call', id).length === 2);
        sim.setCallState(id, 'held');
        await waitFor(() => ev.of('call', id).length === 3);
        sim.endCall(id);
        await waitFor(() => ev.of('call', id).length === 4);
        const calls = ev.of('call', id);
        assert.deepStrictEqual(
          calls.map((c) => c.payload.state),
          ['ringing', 'connected', 'held', 'ended'],
        );
        assert.deepStrictEqual(calls[0].payload, {
          callId: id,
          state: 'ringing',
          direction: 'inbound',
          from: '41',
          to: '40',
          extension: callShape === 'v70' ? '41' : '40',
          fromName: 'Alice',
          toName: 'Operator',
        });
        assert.strictEqual(calls[0].event, 'call-state');
        assert.strictEqual(calls[3].raw.action, 'call-state');
        const lamps = ev.of('blf', '41').map((b) => b.payload.state);
        assert.deepStrictEqual(lamps, ['idle', 'ringing', 'busy', 'held', 'idle']);
      });
    }
  }

  it('a domain-state the PBX pushes right after the handshake is not lost', async () => {
    await sim.stop();
    // It comes in the same TCP segment as the 101 answer, before any subscription.
    sim = new VodiaSim({ domain: 'tenant.test', snapshotOnOpen: true });
    await sim.start(0);
    const ev = await connect();
    // One snapshot on open, one answering domain-calls: each gives every account's presence.
    await waitFor(() => ev.of('presence', '41').length === 2, 3000, 'both snapshots');
    assert.ok(ev.of('event', 'domain-state').length === 2);
  });

  it('an older PBX that only answers get-users/get-calls still delivers its state', async () => {
    await sim.stop();
    sim = new VodiaSim({ domain: 'tenant.test', legacy: true });
    await sim.start(0);
    const ev = await connect();
    await waitFor(() => ev.of('presence').length >= 5, 3000, 'domain-state after get-users');
    assert.strictEqual(sim.count('get-users'), 1);
    assert.strictEqual(sim.count('get-calls'), 1);
    const id = sim.startCall({ from: '42', to: '41' });
    await waitFor(() => ev.of('call', id).length === 1);
  });

  it('does not ask the older way when the PBX answers the subscription', async () => {
    const ev = await connect();
    await waitFor(() => ev.of('presence').length >= 5);
    await new Promise((r) => setTimeout(r, 450));
    assert.strictEqual(sim.count('get-users'), 0);
  });

  it('sends avoid-disconnect repeatedly and notices a half-open socket', async () => {
    const ev = await connect({ keepaliveMs: 150 });
    await waitFor(() => sim.count('avoid-disconnect') >= 3, 3000, 'three keepalives');
    assert.strictEqual(ev.drops.length, 0, 'pongs keep a quiet socket alive');
    sim.setSilent(true);
    await waitFor(() => ev.drops.length === 1, 3000, 'half-open detected');
    assert.match(ev.drops[0], /keepalive/);
    await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(ev.drops.length, 1, 'dropped exactly once');
  });

  it('ignores malformed frames, keeps working, and passes every frame to the event channel', async () => {
    const ev = await connect();
    await waitFor(() => ev.of('presence').length >= 5);
    sim.sendRaw('{not json');
    sim.sendRaw('[1,2,3]');
    sim.sendRaw(Buffer.from([0, 1, 2]));
    sim.sendRaw('{"action":"user-state"}');
    sim.sendRaw('{"action":"call-state","calls":"junk"}');
    sim.sendRaw('{"action":"domain-state","accounts":7}');
    sim.sendRaw('{"action":"mystery","x":1}');
    sim.sendRaw('{"invitesdp":"v=0","callid":"c"}');
    sim.pushChat('41', '40', 'hello');
    await waitFor(() => ev.of('event', 'chat').length === 1);
    assert.deepStrictEqual(ev.of('event', 'chat')[0].payload, {
      action: 'chat',
      dest: '41',
      src: '41',
      message: 'hello',
    });
    assert.strictEqual(ev.of('event', 'mystery').length, 1);
    assert.strictEqual(ev.of('event', 'invitesdp').length, 1);
    assert.strictEqual(ev.drops.length, 0);
    assert.strictEqual(ev.logs.filter((l) => /mystery/.test(l)).length, 1);
    sim.sendRaw('{"action":"mystery","x":2}');
    sim.setUser('42', { dnd: true });
    await waitFor(() => ev.of('presence', '42').some((p) => p.payload.dnd === true));
    assert.strictEqual(ev.logs.filter((l) => /mystery/.test(l)).length, 1, 'one debug line per unknown name');
  });

  it('reports every account to the state store, raw frames only to listeners', async () => {
    const ev = await connect(
      {},
      fakeEvents((channel, key) => channel === 'presence' && key === '42'),
    );
    sim.setUser('41', { dnd: true });
    sim.setUser('42', { dnd: true });
    await waitFor(() => ev.of('presence', '42').length === 2 && ev.of('presence', '41').length === 2);
    const kinds = new Set(ev.emitted.map((e) => e.channel));
    assert.deepStrictEqual([...kinds].sort(), ['blf', 'presence'], 'no pbx-event frame nobody listens to');
    assert.ok(ev.of('blf', '41').length >= 1, 'the lamps of unwatched accounts are reported too');
    assert.ok(
      ev.of('presence', '41').some((m) => m.payload.dnd === true),
      'an unwatched account changes too',
    );
  });

  it('make-call reports the call id the PBX assigned', async () => {
    const ev = await connect();
    await waitFor(() => ev.of('presence').length >= 5);
    const r = await adapter.handlers.makeCall({ from: '40', to: '42' }, 5000);
    const call = sim.activeCalls()[0];
    assert.deepStrictEqual(r.payload, { callId: call.id, to: '42' });
    assert.strictEqual(r.raw.action, 'call-state');
    assert.deepStrictEqual(sim.actions.find((a) => a.action === 'make-call').frame, { action: 'make-call', to: '42' });
    await assert.rejects(async () => adapter.handlers.makeCall({ from: '41', to: '42' }, 5000), /own extension 40/);
  });

  it('call control sends accept-call, hold-call, blind/att-transfer, rec-call and clear-call; others are unsupported', async () => {
    const ev = await connect();
    await waitFor(() => ev.of('presence').length >= 5);
    const id = sim.startCall({ from: '41', to: '40' });
    await waitFor(() => ev.of('call', id).length === 1);
    const states = () => ev.of('call', id).map((c) => c.payload.state);
    assert.deepStrictEqual((await adapter.handlers.callControl({ action: 'answer', callId: id }, 1000)).payload, {
      sent: true,
      callId: id,
      action: 'answer',
    });
    await waitFor(() => states().includes('connected'));
    await adapter.handlers.callControl({ action: 'hold', callId: id }, 1000);
    await waitFor(() => states().includes('held'));
    await adapter.handlers.callControl({ action: 'record', callId: id }, 1000);
    await waitFor(() => ev.of('event', 'rec-start').length === 1);
    await adapter.handlers.callControl({ action: 'transfer', callId: id, to: '42' }, 1000);
    await waitFor(() => ev.of('call', id).some((c) => c.payload.to === '42'));
    const id2 = sim.startCall({ from: '40', to: '43', state: 'connected' });
    await adapter.handlers.callControl(
      { action: 'transfer', callId: id, to: '43', attended: true, toCallId: id2 },
      1000,
    );
    await waitFor(() => ev.of('call', id).some((c) => c.payload.to === '43' && c.payload.state === 'connected'));
    await adapter.handlers.callControl({ action: 'hangup', callId: id }, 1000);
    await waitFor(() => states().includes('ended'));
    await assert.rejects(adapter.handlers.callControl({ action: 'eavesdrop', callId: id }, 1000), {
      name: 'UnsupportedError',
      message: /vodia.*eavesdrop/,
    });
    const sent = sim.actions.filter((a) => /call|transfer/.test(a.action) && !/own-calls|domain-calls/.test(a.action));
    assert.deepStrictEqual(
      sent.map((a) => a.frame),
      callControlFrames(id, id2),
    );
  });

  it("a transfer naming a second call is attended; its target defaults to that call's other party", async () => {
    const ev = await connect();
    await waitFor(() => ev.of('presence').length >= 5);
    const id = sim.startCall({ from: '41', to: '40', state: 'connected' });
    const id2 = sim.startCall({ from: '40', to: '43', state: 'connected' });
    await waitFor(() => ev.of('call', id2).length === 1);
    await adapter.handlers.callControl({ action: 'transfer', callId: id, toCallId: id2 }, 1000);
    await waitFor(() => ev.of('call', id2).some((c) => c.payload.state === 'ended'));
    assert.deepStrictEqual(sim.actions.find((a) => a.action === 'att-transfer').frame, {
      action: 'att-transfer',
      id,
      from: '40',
      id2,
      to: '43',
    });
  });

  it('command sends any action fire-and-forget, chat with the portal fields, and refuses sip-register', async () => {
    const ev = await connect();
    await waitFor(() => ev.of('presence').length >= 5);
    const r = await adapter.handlers.command({ command: 'chat', params: { dest: '41', message: 'hi' } }, 1000);
    assert.deepStrictEqual(r.payload, { sent: true });
    await adapter.handlers.command({ command: 'add-to-crm', params: { id: 'x', sub: 'subject' } }, 1000);
    await waitFor(() => sim.count('add-to-crm') === 1);
    assert.deepStrictEqual(sim.actions.find((a) => a.action === 'chat').frame, {
      action: 'chat',
      src: '40',
      dest: '41',
      message: 'hi',
    });
    await assert.rejects(adapter.handlers.command({ command: 'sip-register', params: {} }, 1000), /never sent/);
    await assert.rejects(adapter.handlers.command({ command: 'SIP-REGISTER', params: {} }, 1000), /never sent/);
    await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(sim.sipRegisterReceived, false);
  });

  it('blf add for each watched extension, remove on unwatch, re-added after a new open', async () => {
    await connect();
    await adapter.watch({ channel: 'blf', key: '41' });
    await adapter.watch({ channel: 'blf', key: '*' });
    await waitFor(() => sim.blfWatched.includes('41'));
    assert.deepStrictEqual(
      sim.actions.filter((a) => a.action === 'blf').map((a) => a.frame),
      [{ action: 'blf', add: ['41'] }],
    );
    adapter.unwatch({ channel: 'blf', key: '41' });
    await waitFor(() => sim.blfWatched.length === 0);
  });

  it('a drop rejects a pending make-call at once and calls dropped() once', async () => {
    await sim.stop();
    sim = new VodiaSim({ domain: 'tenant.test' });
    await sim.start(0);
    const ev = await connect();
    sim.setSilent(true);
    const pending = adapter.handlers.makeCall({ to: '42' }, 5000);
    sim.dropAll();
    await assert.rejects(pending, { name: 'DisconnectedError' });
    await waitFor(() => ev.drops.length === 1);
    await assert.rejects(adapter.handlers.command({ command: 'chat', params: { dest: '41', message: 'x' } }, 1000), {
      name: 'DisconnectedError',
    });
  });
});
