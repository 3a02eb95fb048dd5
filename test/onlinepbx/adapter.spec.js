'use strict';
// The onlinePBX adapter against the simulator, without Node-RED: handshake and key check,
// subscriptions, every command, events on every channel, heartbeats, faults, both API versions.
const assert = require('assert');
const { createOnlinePbxAdapter } = require('../../dist/protocols/onlinepbx/adapter');
const { OnlinePbxSim } = require('../../dist/sim/onlinepbx');
const {
  AuthError,
  DisconnectedError,
  PbxRequestError,
  TimeoutError,
  UnsupportedError,
} = require('../../dist/protocols/common/errors');
const { waitFor } = require('../support/wait');
const { adapterSettings, fakeEvents } = require('../support/adapter');
const { simulatorEach } = require('../support/fixtures');
const { SUBSCRIBED_EVENTS, V2_COMMANDS } = require('./samples');

const KEY = 'sEcr3t/key+&=';

function settings(sim, extra = {}) {
  return adapterSettings('onlinepbx', {
    url: sim.url,
    domain: sim.domain,
    apiVersion: sim.apiVersion,
    apiKey: KEY,
    ...extra,
  });
}

let sim;
let adapter;
/** Before each test of the calling describe: the simulator `create()` builds; after it, the adapter closed first. */
function simulatorAndAdapterEach(create) {
  simulatorEach(
    () => (sim = create()),
    () => sim,
    () => {
      if (adapter) adapter.close();
      adapter = undefined;
    },
  );
}

async function connect(extra, ev = fakeEvents()) {
  adapter = createOnlinePbxAdapter(settings(sim, extra), ev);
  await adapter.open();
  return ev;
}

for (const version of ['2', '3']) {
  describe(`onlinepbx adapter, API ${version}.0`, function () {
    this.timeout(10000);
    simulatorAndAdapterEach(
      () => new OnlinePbxSim({ apiVersion: version, apiKey: KEY, heartbeatIntervalMs: 100, heartbeatTimeoutS: 1 }),
    );

    it('connects with the key; a wrong key is an AuthError saying auth failed', async () => {
      await connect();
      assert.strictEqual(sim.loginCount, 1);
      assert.strictEqual(sim.connectionCount, 1);
      adapter.close();
      const bad = createOnlinePbxAdapter(settings(sim, { apiKey: 'wrong' }), fakeEvents());
      await assert.rejects(
        bad.open(),
        (e) =>
          e instanceof AuthError && (version === '3' || /auth failed/.test(e.message)) && !e.message.includes('wrong'),
      );
      bad.close();
      assert.strictEqual(sim.refusedCount, 1);
      assert.strictEqual(sim.loginCount, 1);
    });

    it('subscribes to what the watched channels need, once per turn, and again on every new socket', async () => {
      const ev = await connect();
      await Promise.all([
        adapter.watch({ channel: 'blf', key: '101' }),
        adapter.watch({ channel: 'presence', key: '*' }),
        adapter.watch({ channel: 'call', key: '*' }),
      ]);
      const expected =
        version === '3' ? ['calls', 'user_blf', 'user_registration'] : ['blf', 'callback', 'calls', 'registration'];
      assert.deepStrictEqual(sim.subscribedGroups(), expected);
      assert.strictEqual(sim.count('subscribe'), 1, 'the open and three watches made one subscribe');
      if (version === '2') {
        assert.deepStrictEqual(sim.received.find((r) => r.command === 'subscribe').data.events, SUBSCRIBED_EVENTS);
        assert.match(sim.received[0].id, /^[0-9A-Za-z]{16}$/);
      }
      adapter.unwatch({ channel: 'call', key: '*' });
      await waitFor(() => !sim.subscribedGroups().includes('calls'));
      if (version === '3') assert.strictEqual(sim.count('unsubscribe'), 1);
      // A new socket: the connection calls open() and then watch() for every interest again.
      sim.dropAll();
      await waitFor(() => ev.drops.length === 1);
      adapter.close();
      await adapter.open();
      await Promise.all([
        adapter.watch({ channel: 'blf', key: '101' }),
        adapter.watch({ channel: 'presence', key: '*' }),
      ]);
      assert.deepStrictEqual(
        sim.subscribedGroups(),
        expected.filter((g) => g !== 'calls'),
      );
      sim.pbx.setRegistration('102', false);
      await waitFor(() => ev.of('presence', '102').length === 1);
    });

    it('reports blf, presence and one call lifecycle per channel from a scripted call, and every event', async () => {
      const ev = await connect();
      await Promise.all([
        adapter.watch({ channel: 'blf', key: '*' }),
        adapter.watch({ channel: 'call', key: '*' }),
        adapter.watch({ channel: 'presence', key: '*' }),
        adapter.watch({ channel: 'event', key: '*' }),
      ]);
      const a = sim.pbx.playCall({
        from: '101',
        to: '79161234567',
        answerAfterMs: 20,
        hangupAfterMs: 40,
        cause: 'NORMAL_CLEARING',
      });
      await waitFor(() => ev.of('call', a).some((m) => m.payload.state === 'ended'));
      assert.deepStrictEqual(
        ev.of('call', a).map((m) => `${m.event}:${m.payload.state}`),
        ['channel_create:ringing', 'channel_answer:connected', 'channel_destroy:ended'],
      );
      const ended = ev.of('call', a).pop();
      assert.deepStrictEqual(ended.payload, {
        callId: a,
        state: 'ended',
        // 101's own call out: FreeSWITCH's channel is `inbound`, the users' call is outbound (issue 26).
        direction: 'outbound',
        from: '101',
        to: '79161234567',
        fromName: 'Anna Ivanova',
        extension: '101',
        cause: 'NORMAL_CLEARING',
      });
      assert.strictEqual(ended.topic, a);
      assert.strictEqual(ended.raw[version === '3' ? 'event' : 'name'], 'channel_destroy', 'raw is the frame object');
      const lamps = ev.of('blf', '101').map((m) => m.payload.state);
      assert.deepStrictEqual(lamps, ['ringing', 'busy', 'idle']);
      assert.strictEqual(ev.of('blf', '101')[0].event, version === '3' ? 'user_blf' : 'blf');
      assert.strictEqual(ev.of('blf', '101')[0].payload.otherParty, '79161234567');
      assert.deepStrictEqual(ev.of('blf', '79161234567'), [], 'outside numbers have no lamp');
      if (version === '3') {
        await waitFor(() => ev.of('event', 'call_end').length === 1);
        assert.strictEqual(ev.of('event', 'call_end')[0].payload.hangup_cause, 'NORMAL_CLEARING');
      }
      sim.pbx.setRegistration('103', false);
      const p = await waitFor(() => ev.of('presence', '103')[0]);
      assert.deepStrictEqual(p.payload, { user: '103', num: '103', status: 'offline', registered: false });
      assert.strictEqual(p.event, version === '3' ? 'user_registration' : 'registration');
      assert.strictEqual(ev.of('blf', '103').pop().payload.state, 'unregistered');
      const names = new Set(ev.of('event').map((m) => m.key));
      for (const n of [
        'channel_create',
        'channel_answer',
        'channel_bridge',
        'channel_destroy',
        version === '3' ? 'user_blf' : 'blf',
      ]) {
        assert.ok(names.has(n), `event channel saw ${n}`);
      }
      // The answer to our subscribe is a reply, not an event (2.0: the official lib never
      // hands a `callback` to an event handler).
      assert.ok(!names.has(version === '3' ? 'subscribed' : 'callback'), 'replies are not events');
      const e = ev.of('event', 'channel_create')[0];
      assert.strictEqual(e.topic, 'channel_create');
      assert.strictEqual(e.payload.uuid, a);
    });

    it('reports held calls from channel_hold / channel_unhold', async () => {
      const ev = await connect();
      await adapter.watch({ channel: 'call', key: '*' });
      const a = sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 10, hangupAfterMs: null });
      await waitFor(() => ev.of('call', a).some((m) => m.payload.state === 'connected'));
      sim.pbx.hold(a, true);
      await waitFor(() => ev.of('call', a).some((m) => m.payload.state === 'held'));
      sim.pbx.hold(a, false);
      await waitFor(() => ev.of('call', a).filter((m) => m.payload.state === 'connected').length === 2);
    });

    it('reports every lamp of its subscription to the state store, raw events only to listeners', async () => {
      const ev = await connect(
        undefined,
        fakeEvents((channel, key) => channel === 'blf' && key === '102'),
      );
      await adapter.watch({ channel: 'blf', key: '102' });
      sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 5, hangupAfterMs: 5 });
      await waitFor(() => ev.of('blf', '102').length === 3 && ev.of('blf', '101').length === 3);
      // Lamps nobody watches still reach the connection (its store); no pbx-event frame, no calls unsubscribed.
      assert.deepStrictEqual(new Set(ev.emitted.map((e) => `${e.channel}:${e.key}`)), new Set(['blf:101', 'blf:102']));
    });

    it('hangs up, transfers and bridges calls; unknown channels are PBX errors', async () => {
      const ev = await connect();
      await adapter.watch({ channel: 'call', key: '*' });
      const a = sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 5, hangupAfterMs: null });
      await waitFor(() => ev.of('call', a).some((m) => m.payload.state === 'connected'));
      const t = await adapter.handlers.callControl({ action: 'transfer', callId: a, to: '103' }, 2000);
      assert.deepStrictEqual(t.payload, { action: 'transfer', callId: a });
      await waitFor(() =>
        ev.of('call').some((m) => m.payload.state === 'ended' && m.payload.cause === 'BLIND_TRANSFER'),
      );
      const newLeg = await waitFor(() =>
        ev.of('call').find((m) => m.payload.to === '103' && m.event === 'channel_create'),
      );
      const other = sim.pbx.playCall({ from: '104', to: '105', answerAfterMs: 5, hangupAfterMs: null });
      const b = await adapter.handlers.callControl({ action: 'bridge', callId: a, toCallId: other }, 2000);
      assert.strictEqual(b.payload.action, 'bridge');
      const h = await adapter.handlers.callControl({ action: 'hangup', callId: a }, 2000);
      assert.deepStrictEqual(h.payload, { action: 'hangup', callId: a });
      const end = await waitFor(() => ev.of('call', a).find((m) => m.payload.state === 'ended'));
      assert.strictEqual(end.payload.cause, 'MANAGER_REQUEST');
      await waitFor(() => ev.of('call', newLeg.payload.callId).some((m) => m.payload.state === 'ended'));
      assert.strictEqual(sim.count(version === '3' ? 'hangup_channel' : 'hangup_call'), 1);
      await assert.rejects(
        adapter.handlers.callControl({ action: 'hangup', callId: 'no-such-uuid' }, 2000),
        (e) => e instanceof PbxRequestError && /CHANNEL_NOT_FOUND/.test(e.message),
      );
      await assert.rejects(
        adapter.handlers.callControl({ action: 'hold', callId: a }, 2000),
        (e) => e instanceof UnsupportedError && /onlinepbx.*'hold'/.test(e.message),
      );
    });

    it('times out a request the PBX does not answer in time, then works again', async () => {
      await connect();
      sim.setReplyDelay(400);
      const cmd =
        version === '3'
          ? { command: 'subscribe', params: { eventGroups: ['gateway'] } }
          : { command: 'user_list', params: {} };
      await assert.rejects(
        adapter.handlers.command(cmd, 100),
        (e) => e instanceof TimeoutError && /no answer within 0.1 s/.test(e.message),
      );
      sim.setReplyDelay(0);
      const r = await adapter.handlers.command(cmd, 2000);
      assert.ok(r.payload);
    });

    it('rejects pending requests at once when the socket drops, and reports the drop once', async () => {
      const ev = await connect();
      sim.setReplyDelay(2000);
      const cmd =
        version === '3'
          ? { command: 'unsubscribe', params: { eventGroups: ['calls'] } }
          : { command: 'trunk_list', params: {} };
      const pending = adapter.handlers.command(cmd, 5000);
      await waitFor(() => sim.received.length > (version === '2' ? 1 : 0));
      sim.dropAll();
      await assert.rejects(pending, DisconnectedError);
      await waitFor(() => ev.drops.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      assert.strictEqual(ev.drops.length, 1);
      await assert.rejects(adapter.handlers.command(cmd, 500), DisconnectedError);
    });

    it('notices a half-open socket (silent PBX) within 2.5 keepalive intervals', async () => {
      const ev = await connect({ keepaliveMs: 100 });
      // 2.0 can only judge silence once a heartbeat has shown the PBX's interval.
      if (version === '2') await waitFor(() => sim.echoedHeartbeats > 0);
      sim.setSilent(true);
      const t0 = Date.now();
      await waitFor(() => ev.drops.length === 1, 3000);
      assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
      assert.match(ev.drops[0], /half-open/);
    });

    it('a server-side close is a drop; malformed frames are ignored with one debug line', async () => {
      const ev = await connect();
      await adapter.watch({ channel: 'blf', key: '*' });
      for (const junk of ['{', '5:::{', '[1,2]', '9::', '{"no":"event"}', '5:::{"name":7}', Buffer.from([1, 2, 3])])
        sim.sendRaw(junk);
      sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: null, hangupAfterMs: 5 });
      await waitFor(() => ev.of('blf', '101').length === 2);
      assert.ok(
        ev.logs.some((l) => l.startsWith('debug:')),
        'logged',
      );
      assert.ok(ev.logs.length <= 4, ev.logs.join('\n'));
      sim.closeAll();
      await waitFor(() => ev.drops.length === 1);
    });

    it('close() during open() settles open and leaves nothing behind', async () => {
      sim.setSilent(true);
      adapter = createOnlinePbxAdapter(settings(sim), fakeEvents());
      const opening = adapter.open();
      await new Promise((r) => setTimeout(r, 50));
      adapter.close();
      await assert.rejects(opening, /closed|login/);
    });

    it('suggests the users it knows', async () => {
      const ev = await connect();
      await adapter.watch({ channel: 'blf', key: '*' });
      sim.pbx.playCall({ from: '105', to: '103', answerAfterMs: null, hangupAfterMs: 5 });
      await waitFor(() => ev.of('blf').length >= 4);
      const users = await adapter.suggestions('users');
      if (version === '2')
        assert.deepStrictEqual(users, ['101', '102', '103', '105'], 'user_list (registered phones) and lamps seen');
      else assert.deepStrictEqual(users, ['103', '105'], 'API 3.0 has no user_list: the users seen');
      assert.deepStrictEqual(await adapter.suggestions('hw'), []);
    });
  });
}

describe('onlinepbx adapter, API 2.0 specifics', function () {
  this.timeout(10000);
  simulatorAndAdapterEach(
    () => new OnlinePbxSim({ apiVersion: '2', apiKey: KEY, heartbeatIntervalMs: 50, heartbeatTimeoutS: 0.3 }),
  );

  it('echoes heartbeats: the session outlives several server heartbeat timeouts', async () => {
    const ev = await connect({ keepaliveMs: 30000 });
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepStrictEqual(ev.drops, []);
    assert.strictEqual(sim.connectionCount, 1);
    assert.strictEqual(sim.loginCount, 1);
  });

  it('runs all 13 commands with their documented replies', async () => {
    const ev = await connect();
    await adapter.watch({ channel: 'event', key: 'message' });
    const run = (command, params) => adapter.handlers.command({ command, params }, 2000).then((r) => r.payload);
    const call = await adapter.handlers.makeCall(
      { from: '101', to: '79161234567', from_name: 'Desk', topic: 'not sent' },
      2000,
    );
    assert.match(call.payload.callId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(call.raw.name, 'callback');
    assert.deepStrictEqual(sim.received.find((r) => r.command === 'make_call').data, {
      from: '101',
      to: '79161234567',
      from_name: 'Desk',
      callback_hash: call.raw.args[0].hash,
    });
    const uuid = call.payload.callId;
    await waitFor(() => sim.pbx.channels.includes(uuid));
    const spy = await adapter.handlers.callControl({ action: 'eavesdrop', callId: uuid, from: '103' }, 2000);
    assert.match(spy.payload.listenerCallId, /^[0-9a-f-]{36}$/);
    assert.deepStrictEqual(await run('transfer', { uuid, to: '102' }), { status: true });
    const legs = await waitFor(() => (sim.pbx.legsOf('102').length >= 2 ? sim.pbx.legsOf('102') : undefined));
    assert.deepStrictEqual(await run('bridge', { uuid: legs[0], to_uuid: legs[1] }), { status: true });
    assert.deepStrictEqual(await run('eavesdrop', { uuid, from: '105' }).then((p) => Object.keys(p)), ['uuid']);
    assert.deepStrictEqual(await run('hangup_call', { uuid }), { status: true });
    const sub = await run('subscribe', { events: { blf: true } });
    assert.strictEqual(sub.blf, true);
    assert.strictEqual(sub.messages, true, 'a flow subscribe keeps what the nodes watch');
    assert.strictEqual(sub.callback, true);
    assert.strictEqual(sub.fax, false);
    assert.deepStrictEqual(Object.keys(await run('subscribe', { events: 'list' })).sort(), [
      'api',
      'blf',
      'callback',
      'calls',
      'conference',
      'fax',
      'messages',
      'registration',
    ]);
    assert.deepStrictEqual(await run('reboot_phone', { num: '101', model: 'yealink' }), { status: true });
    assert.deepStrictEqual(await run('reloadgw', { num: '74951234567' }), { status: true });
    assert.deepStrictEqual(await run('sip_message', { num: '102', text: 'Hello World!' }), { status: true });
    assert.deepStrictEqual(await run('flush_reg', { num: '103' }), { status: true });
    const trunks = await run('trunk_list', {});
    assert.deepStrictEqual(Object.keys(trunks[0]), ['extension', 'desc', 'dest', 'uri', 'status']);
    const users = await run('user_list', {});
    assert.deepStrictEqual(Object.keys(users[0]), [
      'name',
      'local_ip',
      'local_port',
      'exp',
      'realm',
      'uid',
      'ip',
      'port',
      'agent',
    ]);
    assert.deepStrictEqual(await run('message', { data: 'Hi All!', target: 'domain' }), { status: true });
    const msg = await waitFor(() => ev.of('event', 'message')[0]);
    assert.deepStrictEqual(msg.payload, { data: 'Hi All!', target: 'domain' });
    for (const c of V2_COMMANDS) {
      assert.ok(sim.count(c) >= 1, c);
    }
  });

  it('turns status:false into PbxRequestError with the PBX text; bad params never reach the PBX', async () => {
    await connect();
    sim.pbx.rejecting.add('79990000000');
    await assert.rejects(
      adapter.handlers.makeCall({ from: '101', to: '79990000000' }, 2000),
      (e) =>
        e instanceof PbxRequestError &&
        e.message === 'onlinePBX make_call: CALL_REJECTED' &&
        e.detail.text === 'CALL_REJECTED',
    );
    await assert.rejects(adapter.handlers.makeCall({ from: '104', to: '101' }, 2000), /USER_NOT_REGISTERED/);
    await assert.rejects(
      adapter.handlers.command({ command: 'reloadgw', params: { num: '1' } }, 2000),
      /GATEWAY_NOT_FOUND/,
    );
    await assert.rejects(adapter.handlers.command({ command: 'no_such', params: {} }, 2000), /UNKNOWN_COMMAND/);
    const before = sim.received.length;
    await assert.rejects(
      adapter.handlers.command({ command: 'sip_message', params: { num: '1' } }, 2000),
      /'text' is missing/,
    );
    await assert.rejects(adapter.handlers.command({ command: 'callback', params: {} }, 2000), /reserved/);
    assert.strictEqual(sim.received.length, before);
  });

  it('handshake failures are clear errors: 503, a web page, no websocket transport, a refused socket', async () => {
    const open = async () => {
      const a = createOnlinePbxAdapter(settings(sim), fakeEvents());
      try {
        await a.open();
      } finally {
        a.close();
      }
    };
    sim.setHandshakeFault('unavailable');
    await assert.rejects(open(), (e) => !(e instanceof AuthError) && /HTTP 503/.test(e.message));
    sim.setHandshakeFault('garbage');
    await assert.rejects(open(), /did not answer like a socket\.io 0\.9 server/);
    sim.setHandshakeFault('no-websocket');
    await assert.rejects(open(), /does not offer the websocket transport \(offers xhr-polling, jsonp-polling\)/);
    sim.setHandshakeFault(undefined);
    const elsewhere = createOnlinePbxAdapter(
      settings(sim, { url: `http://127.0.0.1:${sim.port}/elsewhere` }),
      fakeEvents(),
    );
    await assert.rejects(elsewhere.open(), /HTTP 404/);
    elsewhere.close();
    await open();
  });

  it('understands batched framing, acks events that ask for it, and ends on a socket.io error packet', async () => {
    const ev = await connect();
    await adapter.watch({ channel: 'blf', key: '*' });
    const blf = (uid) => `5:::{"name":"blf","args":[{"uid":"${uid}","status":"ringing"}]}`;
    sim.sendRaw(`\ufffd${blf('201').length}\ufffd${blf('201')}\ufffd${blf('202').length}\ufffd${blf('202')}`);
    await waitFor(() => ev.of('blf', '201').length === 1 && ev.of('blf', '202').length === 1);
    sim.sendRaw('5:9+::{"name":"blf","args":[{"uid":"203","status":"hangup"}]}');
    await waitFor(() => ev.of('blf', '203').length === 1);
    sim.sendRaw('7:::1+0');
    await waitFor(() => ev.drops.length === 1);
    assert.match(ev.drops[0], /client not handshaken/);
  });

  it('says goodbye with 0:: on close', async () => {
    await connect();
    adapter.close();
    await waitFor(() => sim.connectionCount === 0);
  });

  it('a socket for an unknown sid is refused by the server with 7:::1+0', async () => {
    const WebSocket = require('ws');
    const ws = new WebSocket(`ws://127.0.0.1:${sim.port}/socket.io/1/websocket/nosuchsid?key=x&domain=y`);
    const got = await new Promise((resolve, reject) => {
      ws.once('message', (d) => resolve(d.toString()));
      ws.once('error', reject);
    });
    assert.strictEqual(got, '7:::1+0');
    await new Promise((r) => ws.once('close', r));
  });
});

describe('onlinepbx adapter, API 3.0 specifics', function () {
  this.timeout(10000);
  simulatorAndAdapterEach(() => new OnlinePbxSim({ apiVersion: '3', apiKey: KEY }));

  it('make_call is unsupported over the 3.0 WebSocket, with a clear text; nothing is sent', async () => {
    await connect();
    await assert.rejects(
      adapter.handlers.makeCall({ from: '101', to: '102' }, 1000),
      (e) =>
        e instanceof UnsupportedError &&
        /onlinePBX API 3.0 has no make_call over the WebSocket.*API 2.0.*HTTP API/.test(e.message),
    );
    await assert.rejects(
      adapter.handlers.command({ command: 'make_call', params: { from: '1', to: '2' } }, 1000),
      UnsupportedError,
    );
    await assert.rejects(
      adapter.handlers.callControl({ action: 'eavesdrop', callId: 'x', from: '1' }, 1000),
      UnsupportedError,
    );
    assert.deepStrictEqual(sim.received, []);
  });

  it('sends {command, reqId, data} and maps error_* events to PbxRequestError with the message', async () => {
    await connect();
    const r = await adapter.handlers.command({ command: 'subscribe', params: { eventGroups: ['gateway'] } }, 1000);
    assert.deepStrictEqual(r.payload, { eventGroups: ['gateway'] });
    assert.strictEqual(r.raw.event, 'subscribed');
    assert.strictEqual(typeof sim.received[0].id, 'string');
    await assert.rejects(
      adapter.handlers.command({ command: 'bridge', params: { uuids: ['a'] } }, 1000),
      (e) =>
        e instanceof PbxRequestError &&
        e.message === 'onlinePBX bridge: uuids must name two channels' &&
        e.detail.event === 'error_bridge',
    );
    await assert.rejects(
      adapter.handlers.command({ command: 'hangup_call', params: { uuid: 'nope' } }, 1000),
      /onlinePBX hangup_channel: CHANNEL_NOT_FOUND/,
    );
    await assert.rejects(adapter.handlers.command({ command: 'user_list', params: {} }, 1000), /UNKNOWN_COMMAND/);
  });

  it('reads the text of an error_* event from its data or, leniently, from the frame itself', async () => {
    await connect();
    sim.setReplyDelay(5000);
    const pending = adapter.handlers.callControl({ action: 'transfer', callId: 'x', to: '101' }, 3000);
    await waitFor(() => sim.received.length === 1);
    sim.sendRaw(JSON.stringify({ event: 'error_transfer', reqId: sim.received[0].id, message: 'CHANNEL_NOT_FOUND' }));
    await assert.rejects(
      pending,
      (e) => e instanceof PbxRequestError && e.message === 'onlinePBX transfer: CHANNEL_NOT_FOUND',
    );
  });

  it('matches answers that come without reqId by command, in order', async () => {
    const ev = await connect();
    sim.setEchoReqId(false);
    const [a, b] = await Promise.all([
      adapter.handlers.command({ command: 'subscribe', params: { eventGroups: ['gateway'] } }, 1000),
      adapter.handlers.command({ command: 'subscribe', params: { eventGroups: ['user_status'] } }, 1000),
    ]);
    assert.deepStrictEqual(a.payload.eventGroups, ['gateway']);
    assert.deepStrictEqual(b.payload.eventGroups, ['gateway', 'user_status']);
    await assert.rejects(adapter.handlers.callControl({ action: 'hangup', callId: 'nope' }, 1000), /CHANNEL_NOT_FOUND/);
    assert.ok(ev.drops.length === 0);
  });

  it('pings when idle and keeps a quiet but healthy socket', async () => {
    const ev = await connect({ keepaliveMs: 60 });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepStrictEqual(ev.drops, []);
    assert.strictEqual(sim.connectionCount, 1);
  });

  it('derives wss://<domain>:3342 when the URL is empty (fails fast on an unknown host)', async () => {
    const a = createOnlinePbxAdapter(settings(sim, { url: '', domain: 'pbx.invalid' }), fakeEvents());
    await assert.rejects(a.open(), /pbx\.invalid:3342/);
    a.close();
  });
});
