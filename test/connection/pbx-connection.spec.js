'use strict';
const assert = require('assert');
const { PbxConnection } = require('../../dist/connection/pbx-connection');
const { backoffDelay } = require('../../dist/connection/backoff');
const { fakeFactory } = require('./fake-adapter');
const { waitFor } = require('../support/wait');

const settings = { vendor: 'innovaphone', loginTimeoutMs: 200, keepaliveMs: 1000, tls: {} };
const backoff = { baseMs: 10, capMs: 80, jitter: 0.5 };

function setup(outcome = 'ok') {
  const fake = fakeFactory();
  const logs = [];
  const conn = new PbxConnection(settings, fake.factory, {
    backoff,
    log: (level, text) => logs.push(`${level} ${text}`),
  });
  const adapter = fake.adapters[0];
  adapter.outcome = outcome;
  const states = [];
  const user = { onState: (s, d) => states.push(d ? `${s}: ${d}` : s) };
  return { conn, adapter, logs, states, user };
}

describe('PbxConnection', () => {
  let t;
  afterEach(() => t && t.conn.close());

  it('connects on the first register and establishes every interest after login', async () => {
    t = setup();
    t.conn.register(t.user);
    const got = [];
    t.conn.watch(t.user, { channel: 'presence', key: 'alice' }, (m) => got.push(m), assert.fail);
    await waitFor(() => t.conn.state === 'connected');
    await waitFor(() => t.adapter.watched.includes('presence:alice'));
    t.adapter.events.emit('presence', 'alice', { topic: 'alice', payload: { status: 'busy' }, event: 'x', raw: {} });
    assert.strictEqual(got.length, 1);
    assert.deepStrictEqual(t.states.slice(0, 2), ['connecting', 'connected']);
  });

  it('stores a report no node gets as it is, and a copy of one a node gets (the flow may change it)', async () => {
    t = setup();
    t.conn.register(t.user);
    const got = [];
    t.conn.watch(t.user, { channel: 'presence', key: 'alice' }, (m) => got.push(m), assert.fail);
    await waitFor(() => t.conn.state === 'connected');
    const unwatched = { extension: '20', state: 'idle' };
    t.adapter.events.emit('blf', '20', { topic: '20', payload: unwatched, event: 'x', raw: {} });
    assert.strictEqual(t.conn.store.get('blf', '20').payload, unwatched);
    t.adapter.events.emit('presence', 'alice', { topic: 'alice', payload: { status: 'busy' }, event: 'x', raw: {} });
    got[0].payload.status = 'changed by a flow';
    assert.deepStrictEqual(t.conn.store.get('presence', 'alice').payload, { status: 'busy' });
  });

  it('restores every interest after a drop, with one log line per state change', async () => {
    t = setup();
    t.conn.register(t.user);
    t.conn.watch(t.user, { channel: 'presence', key: 'alice' }, () => undefined, assert.fail);
    t.conn.watch(t.user, { channel: 'event', key: '*' }, () => undefined, assert.fail);
    await waitFor(() => t.adapter.watched.length === 2);
    t.adapter.events.dropped('socket closed');
    assert.strictEqual(t.conn.state, 'disconnected');
    await waitFor(() => t.adapter.watched.length === 4);
    assert.deepStrictEqual(t.adapter.watched.slice(2).sort(), ['event:*', 'presence:alice']);
    assert.deepStrictEqual(t.logs, ['info connected', 'warn disconnected: socket closed', 'info connected']);
  });

  it('shows auth failed and retries only at the backoff cap', async () => {
    t = setup('auth');
    t.conn.register(t.user);
    await waitFor(() => t.conn.state === 'auth-failed');
    const first = Date.now();
    await waitFor(() => t.adapter.opens === 3, 2000);
    const perRetry = (Date.now() - first) / 2;
    assert.ok(perRetry >= backoff.capMs - 5, `retried after ${perRetry} ms`);
    assert.deepStrictEqual(t.logs, ['warn auth-failed: wrong password'], 'one log line, not one per attempt');
  });

  it('gives up a login that does not finish within the login timeout and retries', async () => {
    t = setup('hang');
    t.conn.register(t.user);
    await waitFor(() => t.conn.state === 'disconnected', 1000);
    assert.match(t.conn.detail, /no login within/);
    assert.ok(t.adapter.closes >= 1, 'the half-open attempt was closed');
    t.adapter.outcome = 'ok';
    await waitFor(() => t.conn.state === 'connected', 2000);
  });

  it('fails requests at once while not connected, and rejects unsupported operations', async () => {
    t = setup('fail');
    t.conn.register(t.user);
    await waitFor(() => t.conn.state === 'disconnected');
    await assert.rejects(t.conn.perform('command', {}, 1000), { name: 'DisconnectedError', message: /not connected/ });
    await assert.rejects(t.conn.perform('makeCall', {}, 1000), {
      name: 'UnsupportedError',
      message: /innovaphone does not support makeCall/,
    });
  });

  it('unwatches when the last holder deregisters and reports watch failures to the holders', async () => {
    t = setup();
    const other = { onState: () => undefined };
    t.conn.register(t.user);
    t.conn.register(other);
    const errors = [];
    t.conn.watch(t.user, { channel: 'presence', key: 'alice' }, () => undefined, assert.fail);
    t.conn.watch(other, { channel: 'presence', key: 'alice' }, () => undefined, assert.fail);
    t.conn.watch(
      other,
      { channel: 'presence', key: 'bad' },
      () => undefined,
      (e) => errors.push(e.message),
    );
    t.conn.watch(
      other,
      { channel: 'blf', key: '100' },
      () => undefined,
      (e) => errors.push(e.message),
    );
    await waitFor(() => errors.length === 2);
    assert.deepStrictEqual(errors.sort(), ['innovaphone does not report blf events', 'no such user']);
    t.conn.deregister(t.user);
    assert.deepStrictEqual(t.adapter.unwatched, []);
    t.conn.deregister(other);
    assert.deepStrictEqual(t.adapter.unwatched.sort(), ['presence:alice', 'presence:bad']);
  });

  it('close stops reconnecting', async () => {
    t = setup('fail');
    t.conn.register(t.user);
    await waitFor(() => t.adapter.opens >= 1);
    t.conn.close();
    const opens = t.adapter.opens;
    await new Promise((r) => setTimeout(r, 150));
    assert.strictEqual(t.adapter.opens, opens);
    assert.strictEqual(t.conn.state, 'closed');
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, jittered downwards by at most the jitter share', () => {
    const p = { baseMs: 1000, capMs: 30000, jitter: 0.5 };
    assert.strictEqual(
      backoffDelay(0, p, () => 0),
      1000,
    );
    assert.strictEqual(
      backoffDelay(3, p, () => 0),
      8000,
    );
    assert.strictEqual(
      backoffDelay(50, p, () => 0),
      30000,
    );
    assert.strictEqual(
      backoffDelay(50, p, () => 1),
      15000,
    );
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(i % 10, p);
      assert.ok(d >= 500 && d <= 30000, String(d));
    }
  });
});
