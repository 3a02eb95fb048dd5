'use strict';
// Interoperability proof: OUR socket.io 0.9 client (no socket.io-client) against the real,
// stock socket.io@0.9.19 server package acting as onlinePBX, over ws:// and wss://. The server
// side is set up as in the spec's measurements: key/domain authorised from the handshake query,
// every command answered with a `callback` event echoing `hash`, events pushed as plain emits.
const assert = require('assert');
const http = require('http');
const https = require('https');
const WebSocket = require('ws');
const sio = require('socket.io');
const SioTransport = require('socket.io/lib/transport');
const { createOnlinePbxAdapter } = require('../../dist/protocols/onlinepbx/adapter');
const { OnlinePbxSim } = require('../../dist/sim/onlinepbx');
const { PbxConnection } = require('../../dist/connection/pbx-connection');
const { AuthError, PbxRequestError } = require('../../dist/protocols/common/errors');
const { adapterSettings, fakeEvents } = require('../support/adapter');
const { selfSignedCertificate } = require('../support/tls-proxy');
const { waitFor } = require('../support/wait');
const { BLF_204, BLF_204_PAYLOAD, REGISTRATION_201, SUBSCRIBED_EVENTS, channelCreate } = require('./samples');

const KEY = 'k123/+?&';
const DOMAIN = 'demo.onpbx.ru';
const COMMANDS = {
  make_call: { from: '101', to: '79161234567' },
  transfer: { uuid: 'u-1', to: '102' },
  bridge: { uuid: 'u-1', to_uuid: 'u-2' },
  eavesdrop: { uuid: 'u-1', from: '103' },
  hangup_call: { uuid: 'u-1' },
  subscribe: { events: 'list' },
  reboot_phone: { num: '101', model: 'cisco' },
  reloadgw: { num: '74951234567' },
  sip_message: { num: '101', text: 'Привет: hello' },
  flush_reg: { num: '101' },
  trunk_list: {},
  user_list: {},
  message: { data: 'Hi All!', target: 'domain' },
};

// Counts the heartbeat echoes each stock server receives (`io.heartbeatEchoes`), so tests can
// wait for heartbeats rather than sleep.
const onHeartbeatClear = SioTransport.prototype.onHeartbeatClear;
SioTransport.prototype.onHeartbeatClear = function (...args) {
  this.manager.heartbeatEchoes = (this.manager.heartbeatEchoes || 0) + 1;
  return onHeartbeatClear.apply(this, args);
};

/** A stock socket.io 0.9.19 server playing onlinePBX. */
async function startStockServer({ pems, heartbeatInterval = 0.2, heartbeatTimeout = 1 } = {}) {
  const server = pems ? https.createServer({ key: pems.key, cert: pems.cert }) : http.createServer();
  const tcp = new Set();
  server.on('connection', (s) => {
    tcp.add(s);
    s.on('close', () => tcp.delete(s));
  });
  const io = sio.listen(server, {
    log: false,
    'heartbeat interval': heartbeatInterval,
    'heartbeat timeout': heartbeatTimeout,
    'close timeout': 1,
    // Its per-client expiry timers would outlive the test otherwise.
    'client store expiration': 0,
    'browser client': false,
  });
  const state = { handshakes: [], received: [], kicks: 0, serverDisconnects: [], sockets: new Set() };
  io.set('authorization', (hs, cb) => {
    state.handshakes.push({ ...hs.query });
    cb(null, hs.query.key === KEY && hs.query.domain === DOMAIN);
  });
  io.sockets.on('connection', (socket) => {
    state.sockets.add(socket);
    const flags = {
      calls: false,
      blf: false,
      fax: false,
      conference: false,
      messages: false,
      callback: false,
      api: false,
      registration: false,
    };
    socket.on('disconnect', (reason) => {
      state.sockets.delete(socket);
      state.serverDisconnects.push(reason);
    });
    for (const name of Object.keys(COMMANDS)) {
      socket.on(name, (args) => {
        state.received.push({ name, args });
        const reply = { status: true, hash: args.callback_hash };
        if (name === 'subscribe' && args.events && typeof args.events === 'object') {
          Object.assign(flags, args.events);
          Object.assign(reply, { text: 'Subscriptions are updated', data: { ...flags } });
        } else if (name === 'subscribe') reply.data = { ...flags };
        else if (name === 'make_call' && args.to === '79990000000')
          Object.assign(reply, { status: false, text: 'CALL_REJECTED' });
        else if (name === 'make_call' || name === 'eavesdrop')
          reply.data = { uuid: 'ac1fc137-265e-460b-8f5d-151bd389484e' };
        else if (name === 'user_list')
          reply.data = [
            {
              name: 'Vyacheslav',
              local_ip: '172.27.0.58',
              local_port: '5060',
              exp: 1375525567000,
              realm: DOMAIN,
              uid: '222',
              ip: '213.222.45.85',
              port: '5060',
              agent: 'Cisco/SPA303-7.4.9c',
            },
          ];
        socket.emit('callback', reply);
      });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    url: `${pems ? 'https' : 'http'}://127.0.0.1:${port}`,
    io,
    state,
    /** Events as onlinePBX sends them: plain emits with one object argument. */
    push: (name, data) => io.sockets.emit(name, data),
    /** Server-side kick: the stock server sends `0::` ("booted"). */
    kickAll: () => {
      for (const s of state.sockets) s.disconnect();
    },
    dropTcp: () => {
      for (const s of tcp) s.destroy();
    },
    async stop() {
      for (const s of tcp) s.destroy();
      await new Promise((resolve) => server.close(resolve));
      // Transports end on socket close and clear their own timers; the gc interval stops with the server.
      for (const id of Object.keys(io.transports)) io.transports[id].clearTimeouts();
    },
  };
}

function settings(url, extra = {}) {
  return adapterSettings('onlinepbx', {
    url,
    domain: DOMAIN,
    apiVersion: '2',
    apiKey: KEY,
    loginTimeoutMs: 3000,
    keepaliveMs: 400,
    ...extra,
  });
}

function resources() {
  const counts = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] || 0) + 1;
  return counts;
}

describe('onlinepbx interop with the stock socket.io 0.9.19 server', function () {
  this.timeout(15000);
  const cleanup = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()();
  });

  async function stock(opts) {
    const s = await startStockServer(opts);
    cleanup.push(() => s.stop());
    return s;
  }

  async function adapterFor(url, extra, ev = fakeEvents()) {
    const a = createOnlinePbxAdapter(settings(url, extra), ev);
    cleanup.push(async () => a.close());
    await a.open();
    return { a, ev };
  }

  for (const secure of [false, true]) {
    const scheme = secure ? 'wss://' : 'ws://';
    it(`${scheme}: handshake with the encoded key, subscribe, events and callback replies for all 13 commands`, async () => {
      const pems = secure ? selfSignedCertificate() : undefined;
      const s = await stock({ pems });
      const { a, ev } = await adapterFor(s.url, secure ? { tls: { ca: pems.cert } } : {});
      assert.deepStrictEqual(
        s.state.handshakes.map((h) => [h.key, h.domain]),
        [[KEY, DOMAIN]],
        'key and domain arrive decoded, exactly',
      );
      await Promise.all([
        a.watch({ channel: 'blf', key: '*' }),
        a.watch({ channel: 'call', key: '*' }),
        a.watch({ channel: 'presence', key: '*' }),
      ]);
      const sub = s.state.received.find((r) => r.name === 'subscribe');
      assert.deepStrictEqual(sub.args.events, SUBSCRIBED_EVENTS);
      assert.match(sub.args.callback_hash, /^[0-9A-Za-z]{16}$/);

      s.push('blf', BLF_204);
      s.push('registration', REGISTRATION_201);
      s.push('channel_create', channelCreate('c-1'));
      s.push('channel_destroy', {
        uuid: 'c-1',
        direction: 'inbound',
        created_stamp: '1440864124272',
        state: 'CS_DESTROY',
        endpoint: '9090001122',
        hangup_cause: 'NO_ANSWER',
      });
      await waitFor(() => ev.of('call', 'c-1').length === 2);
      assert.deepStrictEqual(ev.of('blf', '204')[0].payload, BLF_204_PAYLOAD);
      assert.deepStrictEqual(ev.of('blf', '204')[0].raw, {
        name: 'blf',
        args: [BLF_204],
      });
      assert.deepStrictEqual(ev.of('presence', '201')[0].payload, {
        user: '201',
        num: '201',
        status: 'available',
        registered: true,
      });
      assert.deepStrictEqual(
        ev.of('call', 'c-1').map((m) => m.payload.state),
        ['ringing', 'ended'],
      );
      assert.strictEqual(ev.of('call', 'c-1')[1].payload.cause, 'NO_ANSWER');

      for (const [command, params] of Object.entries(COMMANDS)) {
        const r = await a.handlers.command({ command, params }, 2000);
        assert.ok(r.raw && r.raw.name === 'callback', command);
        const got = s.state.received.filter((x) => x.name === command).pop();
        assert.strictEqual(got.args.callback_hash, r.raw.args[0].hash, command);
      }
      assert.strictEqual(s.state.received.find((r) => r.name === 'sip_message').args.text, 'Привет: hello');
      assert.deepStrictEqual((await a.handlers.makeCall({ from: '101', to: '102' }, 2000)).payload, {
        callId: 'ac1fc137-265e-460b-8f5d-151bd389484e',
      });
      await assert.rejects(
        a.handlers.makeCall({ from: '101', to: '79990000000' }, 2000),
        (e) => e instanceof PbxRequestError && e.message === 'onlinePBX make_call: CALL_REJECTED',
      );
      assert.strictEqual((await a.handlers.command({ command: 'user_list', params: {} }, 2000)).payload[0].uid, '222');
    });
  }

  it('wss:// refuses a certificate nobody trusts, with a text that says what to do', async () => {
    const s = await stock({ pems: selfSignedCertificate() });
    const a = createOnlinePbxAdapter(settings(s.url), fakeEvents());
    cleanup.push(async () => a.close());
    await assert.rejects(a.open(), /TLS certificate of 127\.0\.0\.1:\d+ not trusted .*tls-config/);
  });

  it('a wrong key is refused at the handshake (403): AuthError "auth failed", no websocket', async () => {
    const s = await stock();
    const a = createOnlinePbxAdapter(settings(s.url, { apiKey: 'wrong' }), fakeEvents());
    cleanup.push(async () => a.close());
    await assert.rejects(
      a.open(),
      (e) => e instanceof AuthError && /^auth failed/.test(e.message) && /HTTP 403/.test(e.message),
    );
    assert.strictEqual(s.state.sockets.size, 0);
  });

  it('heartbeats: we echo 2::, so the stock heartbeat timeout never ends the session', async () => {
    const s = await stock({ heartbeatInterval: 0.1, heartbeatTimeout: 0.3 });
    const { a, ev } = await adapterFor(s.url, { keepaliveMs: 30000 });
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepStrictEqual(s.state.serverDisconnects, [], 'the server never timed us out');
    assert.deepStrictEqual(ev.drops, []);
    assert.strictEqual((await a.handlers.command({ command: 'trunk_list', params: {} }, 2000)).payload.status, true);
  });

  it('a keepalive setting shorter than the PBX heartbeat interval never cuts a healthy session', async () => {
    // Stock-like integer seconds: a ping every 1 s. With a 100 ms keepalive a watchdog of 2.5
    // keepalives would cut the session before each heartbeat; the interval is learned instead.
    const s = await stock({ heartbeatInterval: 1, heartbeatTimeout: 3 });
    const { ev } = await adapterFor(s.url, { keepaliveMs: 100 });
    await waitFor(() => s.io.heartbeatEchoes >= 3, 8000, 'three heartbeats echoed');
    assert.deepStrictEqual(ev.drops, []);
    assert.strictEqual(s.state.handshakes.length, 1, 'no reconnect');
    assert.deepStrictEqual(s.state.serverDisconnects, []);
  });

  it('callback replies are not events: the event channel sees only what the PBX pushes', async () => {
    const s = await stock();
    const { a, ev } = await adapterFor(s.url);
    await a.watch({ channel: 'event', key: '*' });
    await a.handlers.command({ command: 'trunk_list', params: {} }, 2000);
    // A late reply (its command timed out) and one for nobody are dropped too.
    for (const socket of s.state.sockets) socket.emit('callback', { status: true, hash: 'AAAAAAAAAAAAAAAA' });
    s.push('blf', { uid: '101', status: 'ringing' });
    await waitFor(() => ev.of('event').length >= 1);
    assert.deepStrictEqual(
      ev.of('event').map((m) => m.topic),
      ['blf'],
    );
  });

  it('a server-side disconnect (0::) and a network drop: reconnect with a new handshake and re-subscribe', async () => {
    const s = await stock();
    const logs = [];
    const conn = new PbxConnection(settings(s.url), createOnlinePbxAdapter, {
      backoff: { baseMs: 20, capMs: 200, jitter: 0 },
      log: (l, t) => logs.push(`${l}: ${t}`),
    });
    cleanup.push(async () => conn.close());
    const states = [];
    const user = { onState: (st) => states.push(st) };
    conn.register(user);
    const lamps = [];
    conn.watch(
      user,
      { channel: 'blf', key: '*' },
      (m) => lamps.push(m.payload),
      (e) => logs.push(`watch error: ${e.message}`),
    );
    const subscribed = () =>
      s.state.sockets.size === 1 && s.state.received.filter((r) => r.name === 'subscribe').length;
    await waitFor(() => conn.state === 'connected' && subscribed() === 1);
    s.push('blf', { uid: '101', status: 'ringing' });
    await waitFor(() => lamps.length === 1);

    s.kickAll();
    await waitFor(() => states.includes('disconnected'));
    await waitFor(() => conn.state === 'connected' && subscribed() === 2);
    assert.strictEqual(s.state.handshakes.length, 2, 'a new handshake (new sid)');
    assert.ok(
      logs.some((l) => /the PBX ended the session \(0::\)/.test(l)),
      logs.join('\n'),
    );
    s.push('blf', { uid: '101', status: 'hangup' });
    await waitFor(() => lamps.length === 2);

    s.dropTcp();
    await waitFor(() => states.filter((x) => x === 'disconnected').length === 2);
    await waitFor(() => conn.state === 'connected' && subscribed() === 3);
    s.push('blf', { uid: '101', status: 'answered' });
    await waitFor(() => lamps.length === 3);
    assert.deepStrictEqual(
      lamps.map((l) => l.state),
      ['ringing', 'idle', 'busy'],
    );
    assert.strictEqual(s.state.handshakes.length, 3);
  });

  it('says goodbye with 0:: (the server sees a client disconnect, not a timeout)', async () => {
    const s = await stock();
    const { a } = await adapterFor(s.url);
    a.close();
    await waitFor(() => s.state.serverDisconnects.length === 1);
    assert.strictEqual(s.state.serverDisconnects[0], 'booted', 'stock 0.9 names a client 0:: "booted"');
  });

  it('a WebSocket ping ends a stock 0.9 session (why the 2.0 client never pings)', async () => {
    const s = await stock();
    const code = await closeCodeAfterPing(s.url);
    assert.strictEqual(code, 1006, 'the server answered with a broken pong frame');
  });

  it('the simulator ends a 2.0 session on a WebSocket ping too', async () => {
    const sim = new OnlinePbxSim({ apiVersion: '2', apiKey: KEY, domain: DOMAIN });
    await sim.start(0);
    cleanup.push(() => sim.stop());
    const code = await closeCodeAfterPing(sim.url);
    assert.strictEqual(code, 1006);
  });

  it('stops completely: no timer, server or socket of socket.io 0.9 or ours is left', async () => {
    // Mocha's own timer for this test exists once the test runs.
    await new Promise((r) => setImmediate(r));
    const before = resources();
    const s = await startStockServer();
    const a = createOnlinePbxAdapter(settings(s.url), fakeEvents());
    await a.open();
    await a.watch({ channel: 'event', key: '*' });
    s.push('blf', { uid: '1', status: 'ringing' });
    await new Promise((r) => setTimeout(r, 300));
    a.close();
    await s.stop();
    // The one timer allowed beyond the start is waitFor's own poll.
    let after;
    await waitFor(
      () => {
        after = resources();
        return (
          (after.Timeout || 0) <= (before.Timeout || 0) + 1 &&
          ['TCPServerWrap', 'TCPSocketWrap', 'TLSWrap'].every((k) => (after[k] || 0) <= (before[k] || 0))
        );
      },
      3000,
      'resources back to the start',
    ).catch((e) => {
      throw new Error(`${e.message}: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    });
  });
});

/** Hands a raw socket.io 0.9 session at `base` a WebSocket ping; resolves with the close code. */
async function closeCodeAfterPing(base) {
  const body = await new Promise((resolve, reject) => {
    http
      .get(`${base}/socket.io/1/?key=${encodeURIComponent(KEY)}&domain=${DOMAIN}&t=1`, (res) => {
        let b = '';
        res.on('data', (c) => (b += c));
        res.on('end', () => resolve(b));
      })
      .on('error', reject);
  });
  const ws = new WebSocket(`${base.replace('http', 'ws')}/socket.io/1/websocket/${body.split(':')[0]}`);
  ws.on('error', () => undefined);
  await new Promise((resolve) => ws.once('message', resolve));
  ws.ping();
  return new Promise((resolve) => ws.once('close', resolve));
}
