'use strict';
// The AppWebsocket client against the AppWebsocket simulator: login, src correlation (with the
// <mt>Result fallback), multi-part results, errors, drops, keepalive and the login backlog.
const assert = require('assert');
const { AppWebsocket } = require('../../dist/protocols/innovaphone/app-websocket');
const { AuthError, DisconnectedError, PbxRequestError } = require('../../dist/protocols/common/errors');
const { AppServer, appPasswordLogin } = require('../../dist/sim/innovaphone/app-server');
const { sessionKey } = require('../../dist/protocols/innovaphone/crypto');
const { waitFor } = require('../support/wait');

describe('innovaphone AppWebsocket', () => {
  let server;
  let socket;
  const handlers = {};
  afterEach(async () => {
    socket?.close();
    socket = undefined;
    await server.stop();
    for (const k of Object.keys(handlers)) delete handlers[k];
  });

  async function serve(extra = {}) {
    server = new AppServer({
      checkLogin: appPasswordLogin('nodered', 'pwd'),
      onMessage: (c, m) => handlers[m.mt]?.(c, m),
      ...extra,
    });
    await server.start(0);
  }

  function connect(password = 'pwd', opts = {}) {
    return AppWebsocket.open({
      url: `ws://127.0.0.1:${server.port}/PBX0/APPS/websocket`,
      tls: {},
      login: { app: 'nodered', password },
      keepaliveMs: 60000,
      log: () => undefined,
      ...opts,
    });
  }

  it('logs in with the digest and derives the same session key as the server', async () => {
    await serve();
    socket = await connect();
    assert.strictEqual(server.loginCount, 1);
    assert.strictEqual(socket.loginResult.ok, true);
    await waitFor(() => server.clients.length === 1);
    assert.strictEqual(socket.sessionKey, server.clients[0].sessionKey);
    assert.match(socket.sessionKey, /^[0-9a-f]{64}$/);
  });

  it('rejects a wrong password with AuthError', async () => {
    await serve();
    await assert.rejects(
      connect('wrong'),
      (err) => err instanceof AuthError && /nodered/.test(err.message) && !/wrong/.test(err.message),
    );
    assert.strictEqual(server.loginAttempts, 1);
    assert.strictEqual(server.loginCount, 0);
  });

  it('accepts a numeric challenge as a string', async () => {
    await serve();
    const WebSocket = require('ws');
    // A hand-written PBX that sends the challenge as a JSON number, as old builds did.
    const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    let digest;
    wss.on('connection', (ws) =>
      ws.on('message', (d) => {
        const m = JSON.parse(d);
        if (m.mt === 'AppChallenge') ws.send(JSON.stringify({ mt: 'AppChallengeResult', challenge: 1234567890 }));
        if (m.mt === 'AppLogin') {
          digest = m.digest;
          ws.send(JSON.stringify({ mt: 'AppLoginResult', ok: true }));
          ws.send(JSON.stringify({ api: 'PbxApi', mt: 'Hello' }));
        }
      }),
    );
    socket = await AppWebsocket.open({
      url: `ws://127.0.0.1:${wss.address().port}`,
      tls: {},
      login: { app: 'nodered', password: 'pwd' },
      keepaliveMs: 60000,
      log: () => undefined,
    });
    const { loginDigest } = require('../../dist/protocols/innovaphone/crypto');
    assert.strictEqual(digest, loginDigest({ app: 'nodered' }, undefined, '1234567890', 'pwd'));
    assert.strictEqual(socket.sessionKey, sessionKey('1234567890', 'pwd'));
    // The frame sent right behind the login result is kept for the handler.
    const got = await new Promise((r) => socket.onMessage(r));
    assert.strictEqual(got.mt, 'Hello');
    socket.close();
    socket = undefined;
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });

  it('correlates answers by src, falls back to the Result name, joins multi-part results and maps errors', async () => {
    await serve();
    handlers.GetNodeInfo = (c, m) => c.send({ api: 'PbxApi', mt: 'GetNodeInfoResult', src: m.src, name: 'root' });
    handlers.NoSrc = (c) => c.send({ api: 'PbxApi', mt: 'NoSrcResult', value: 7 });
    handlers.GetDevices = (c, m) => {
      c.send({ mt: 'GetDevicesResult', src: m.src, devices: [1, 2] });
      c.send({ mt: 'DeviceUpdate', src: m.src });
      c.send({ mt: 'GetDevicesResult', src: m.src, devices: [3], last: true });
    };
    handlers.SetPresence = (c, m) =>
      c.send({ api: 'PbxApi', mt: 'SetPresenceResult', src: m.src, error: 3, errorText: 'no such user' });
    socket = await connect();
    const seen = [];
    socket.onMessage((m) => seen.push(m.mt));
    const [info] = await socket.request({ api: 'PbxApi', mt: 'GetNodeInfo' }, 1000);
    assert.strictEqual(info.name, 'root');
    const [nosrc] = await socket.request({ api: 'PbxApi', mt: 'NoSrc' }, 1000);
    assert.strictEqual(nosrc.value, 7);
    const parts = await socket.request({ mt: 'GetDevices' }, 1000, { multipart: true });
    assert.deepStrictEqual(
      parts.flatMap((p) => p.devices),
      [1, 2, 3],
    );
    await assert.rejects(
      socket.request({ api: 'PbxApi', mt: 'SetPresence' }, 1000),
      (e) => e instanceof PbxRequestError && /no such user/.test(e.message),
    );
    assert.ok(seen.includes('DeviceUpdate'), 'indications with the request src still reach the handler');
  });

  it('pages a result that carries "more": the request again with more = that value, same src, every page kept', async () => {
    await serve();
    const asked = [];
    handlers.ListThings = (c, m) => {
      asked.push(m);
      const from = m.more ?? 0;
      const page = {
        api: 'PbxApi',
        mt: 'ListThingsResult',
        src: m.src,
        things: ['a', 'b', 'c', 'd', 'e'].slice(from, from + 2),
      };
      c.send(from + 2 < 5 ? { ...page, more: from + 2 } : page);
    };
    socket = await connect();
    socket.onMessage(() => undefined);
    const pages = await socket.request({ api: 'PbxApi', mt: 'ListThings', x: 1 }, 1000, { paged: true });
    assert.deepStrictEqual(
      pages.flatMap((p) => p.things),
      ['a', 'b', 'c', 'd', 'e'],
    );
    assert.deepStrictEqual(
      asked.map((m) => [m.src, m.more, m.x]),
      [
        [asked[0].src, undefined, 1],
        [asked[0].src, 2, 1],
        [asked[0].src, 4, 1],
      ],
    );
    // Not paged unless asked: the first result answers.
    const [single] = await socket.request({ api: 'PbxApi', mt: 'ListThings' }, 1000);
    assert.strictEqual(single.more, 2);
  });

  it('fails a pending request at once when the socket drops, and reports the drop once', async () => {
    await serve();
    socket = await connect();
    const drops = [];
    socket.onDropped((r) => drops.push(r));
    const pending = socket.request({ api: 'PbxApi', mt: 'GetNodeInfo' }, 10000);
    await waitFor(() => server.clients.length === 1);
    const t0 = Date.now();
    server.dropAll();
    await assert.rejects(pending, (e) => e instanceof DisconnectedError);
    assert.ok(Date.now() - t0 < 1000);
    await waitFor(() => drops.length === 1);
    assert.throws(() => socket.send({ mt: 'X' }), DisconnectedError);
  });

  it('sends KeepAlive when idle and notices a half-open socket', async () => {
    await serve();
    socket = await connect('pwd', { keepaliveMs: 100 });
    const drops = [];
    socket.onDropped((r) => drops.push(r));
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(server.keepAliveCount >= 1, 'KeepAlive sent while idle');
    assert.strictEqual(drops.length, 0, 'answered pings keep the socket');
    server.setSilent(true);
    await waitFor(() => drops.length === 1, 2000);
    assert.match(drops[0], /half-open/);
  });

  it('gives up the login when aborted and leaves no socket', async () => {
    await serve();
    server.setReplyDelay(60000);
    const abort = new AbortController();
    const opening = connect('pwd', { signal: abort.signal });
    await waitFor(() => server.connectionCount === 1);
    abort.abort();
    await assert.rejects(opening, DisconnectedError);
    await waitFor(() => server.connectionCount === 0);
  });
});
