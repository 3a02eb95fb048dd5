'use strict';
// PbxConnection.view: the one live view of the state store that the wallboard, pbx-mqtt and
// pbx-state use. A real PbxConnection over the scriptable adapter of the connection tests.
const assert = require('assert');
const { PbxConnection } = require('../../dist/connection/pbx-connection');
const { fakeFactory } = require('./fake-adapter');
const { waitFor } = require('../support/wait');

const settings = { vendor: 'vodia', loginTimeoutMs: 200, keepaliveMs: 1000, tls: {} };

function setup() {
  const fake = fakeFactory();
  const conn = new PbxConnection(settings, fake.factory, {
    backoff: { baseMs: 10, capMs: 40, jitter: 0 },
    log: () => {},
  });
  const adapter = fake.adapters[0];
  adapter.channels = new Set(['presence', 'blf', 'call']);
  const seen = [];
  const states = [];
  const listener = {
    entry: (kind, key, entry, change) =>
      seen.push([kind, key, entry && (entry.payload.state || entry.payload.status), change]),
    state: (state) => states.push(state),
  };
  const report = (kind, key, payload) =>
    adapter.events.emit(kind, key, { topic: key, payload, event: 'test', raw: {} });
  return { conn, adapter, seen, states, listener, report };
}

describe('PbxConnection.view', () => {
  let t;
  afterEach(() => t && t.conn.close());

  it('holds its keys like an input node, tells changes of its keys only, and lets go of everything on stop', async () => {
    t = setup();
    const view = t.conn.view({ kinds: ['blf', 'call'], keys: ['41', '42'] }, t.listener);
    await waitFor(() => t.conn.state === 'connected');
    await waitFor(() => t.adapter.watched.length === 3);
    assert.deepStrictEqual(t.adapter.watched.sort(), ['blf:41', 'blf:42', 'call:*']);
    // The view started the connection: `connecting` is the state it started in, `connected` came later.
    assert.deepStrictEqual(t.states, ['connected']);
    assert.deepStrictEqual(t.seen, [
      ['blf', '41', undefined, 'connection'],
      ['blf', '42', undefined, 'connection'],
    ]);
    t.seen.length = 0;
    t.report('blf', '41', { extension: '41', state: 'ringing' });
    t.report('blf', '43', { extension: '43', state: 'ringing' });
    t.report('presence', '44', { user: '44', status: 'busy' });
    t.report('call', 'c1', { callId: 'c1', state: 'ringing' });
    assert.deepStrictEqual(t.seen, [
      ['blf', '41', 'ringing', 'added'],
      ['call', 'c1', 'ringing', 'added'],
    ]);
    assert.deepStrictEqual(
      view.entries('blf').map(([key]) => key),
      ['41'],
      'the configured keys only',
    );
    assert.strictEqual(view.get('blf', '43').payload.state, 'ringing', 'get reads the whole store');
    view.stop();
    t.report('blf', '41', { extension: '41', state: 'idle' });
    assert.strictEqual(t.seen.length, 2, 'nothing after stop');
    assert.deepStrictEqual(t.adapter.unwatched.sort(), ['blf:41', 'blf:42', 'call:*']);
  });

  it('an ended call rides on the store: its last entry, with its end, after the store let go of it', async () => {
    t = setup();
    const view = t.conn.view({ kinds: ['call'], keys: null }, t.listener);
    await waitFor(() => t.conn.state === 'connected');
    t.report('call', 'c1', { callId: 'c1', state: 'ringing', from: '41' });
    t.report('call', 'c1', { callId: 'c1', state: 'ended', from: '41' });
    const ended = [];
    t.conn.view(
      { kinds: ['call'], keys: null },
      { entry: (kind, key, entry, change) => ended.push({ key, entry, change }) },
    );
    t.report('call', 'c2', { callId: 'c2', state: 'connected' });
    t.report('call', 'c2', { callId: 'c2', state: 'ended', cause: 'normal' });
    assert.deepStrictEqual(t.seen.slice(0, 2), [
      ['call', 'c1', 'ringing', 'added'],
      ['call', 'c1', 'ended', 'removed'],
    ]);
    const last = ended.find((e) => e.change === 'removed');
    assert.deepStrictEqual(last.entry.payload, { callId: 'c2', state: 'ended', cause: 'normal' });
    assert.strictEqual(last.entry.stale, false);
    assert.ok(last.entry.since > 0);
    assert.strictEqual(view.get('call', 'c2'), undefined, 'the store holds it no more');
  });

  it('follows the connection: its state, stale entries, and configured keys the PBX never reported', async () => {
    t = setup();
    t.conn.view({ kinds: ['blf'], keys: ['41', '99'] }, t.listener);
    await waitFor(() => t.conn.state === 'connected');
    t.report('blf', '41', { extension: '41', state: 'idle' });
    t.seen.length = 0;
    t.states.length = 0;
    t.adapter.events.dropped('gone');
    assert.deepStrictEqual(t.states, ['disconnected']);
    assert.deepStrictEqual(t.seen, [
      ['blf', '41', 'idle', 'stale'],
      ['blf', '99', undefined, 'connection'],
    ]);
    await waitFor(() => t.conn.state === 'connected');
    assert.deepStrictEqual(t.states, ['disconnected', 'connecting', 'connected']);
  });

  it("names a key: the connection's names first, else the key's presence dn; a lamp is told when its name changes", async () => {
    t = setup();
    const view = t.conn.view({ kinds: ['blf'], keys: ['41', '42'] }, t.listener);
    await waitFor(() => t.conn.state === 'connected');
    t.seen.length = 0;
    t.report('blf', '41', { extension: '41', state: 'idle' });
    t.report('presence', '41', { user: '41', status: 'available', dn: 'Alice Adams' });
    t.report('presence', '41', { user: '41', status: 'busy', dn: 'Alice Adams' });
    t.report('presence', '42', { user: '42', status: 'busy', dn: '42' });
    assert.strictEqual(view.nameOf('41'), 'Alice Adams');
    assert.strictEqual(view.nameOf('42'), undefined, 'a name equal to the key is none');
    assert.deepStrictEqual(t.seen, [
      ['blf', '41', 'idle', 'added'],
      ['blf', '41', 'idle', 'named'],
    ]);
    // The PBX names its users one report at a time: the view is told once for the batch, after the store's rename.
    t.conn.names.learn([{ number: '42', name: 'Bob Brown' }]);
    t.conn.names.learn([{ number: '43', name: 'Carol Clark' }]);
    assert.strictEqual(view.nameOf('42'), 'Bob Brown');
    assert.strictEqual(t.seen.length, 2, 'told after the rename pass, not once per user');
    await waitFor(() => t.seen.length > 2);
    assert.deepStrictEqual(t.seen.slice(2), [['blf', '42', undefined, 'named']], 'only the name that changed');
  });

  it('a view without an entry listener only reads: it holds its keys and is told nothing', async () => {
    t = setup();
    const view = t.conn.view({ kinds: ['presence'], keys: ['41'] }, {});
    await waitFor(() => t.adapter.watched.includes('presence:41'));
    t.report('presence', '41', { user: '41', status: 'away' });
    assert.strictEqual(view.get('presence', '41').payload.status, 'away');
    assert.strictEqual(view.state, 'connected');
    const unheld = t.conn.view({ kinds: ['presence'], keys: null, hold: false }, {});
    assert.strictEqual(t.adapter.watched.length, 1, 'hold: false holds nothing');
    assert.deepStrictEqual(
      unheld.entries('presence').map(([key]) => key),
      ['41'],
    );
  });
});
