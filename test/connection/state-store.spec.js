'use strict';
const assert = require('assert');
const { StateStore } = require('../../dist/connection/state-store');
const { answerAll, answerKey } = require('../../dist/connection/state-query');

const report = (payload, extra = {}) => ({ topic: 'x', payload, event: 'e', raw: {}, ...extra });

describe('StateStore', () => {
  it('keeps one entry per key with since = when the state last changed, not when a note did', () => {
    const store = new StateStore();
    const m1 = report({ user: 'alice', status: 'busy', note: 'a' });
    store.apply('presence', 'alice', m1, 1000);
    assert.deepStrictEqual([m1.previous, m1.since, m1.changed], [null, 1000, true]);
    const m2 = report({ user: 'alice', status: 'busy', note: 'b' });
    store.apply('presence', 'alice', m2, 2000);
    assert.deepStrictEqual(m2.previous, { user: 'alice', status: 'busy', note: 'a' });
    assert.strictEqual(m2.since, 1000, 'a note is no change of state');
    assert.strictEqual(m2.changed, true);
    const m3 = report({ user: 'alice', status: 'available', note: 'b' });
    store.apply('presence', 'alice', m3, 3000);
    assert.strictEqual(m3.since, 3000);
    assert.deepStrictEqual(store.get('presence', 'alice'), {
      payload: { user: 'alice', status: 'available', note: 'b' },
      since: 3000,
      updatedAt: 3000,
      stale: false,
    });
  });

  it('says unchanged for the same payload, timestamp aside, and takes the PBX time for since', () => {
    const store = new StateStore();
    store.apply('blf', '101', report({ extension: '101', state: 'idle', timestamp: 5 }, { at: 5000 }), 9000);
    assert.strictEqual(store.get('blf', '101').since, 5000, "the PBX's own time");
    const again = report({ extension: '101', state: 'idle', timestamp: 6 }, { at: 6000 });
    store.apply('blf', '101', again, 9500);
    assert.strictEqual(again.changed, false);
    assert.strictEqual(again.since, 5000);
    const nested = report({ extension: '101', state: 'idle', x: [{ a: 1 }] });
    store.apply('blf', '101', nested, 9600);
    assert.strictEqual(nested.changed, true);
    const same = report({ extension: '101', state: 'idle', x: [{ a: 1 }] });
    store.apply('blf', '101', same, 9700);
    assert.strictEqual(same.changed, false, 'nested values compared by value');
  });

  it('owns its copy: a flow changing msg.payload or msg.previous does not change the store', () => {
    const store = new StateStore();
    const m1 = report({ user: 'bob', status: 'busy' });
    store.apply('presence', 'bob', m1, 1);
    m1.payload.status = 'hacked';
    assert.strictEqual(store.get('presence', 'bob').payload.status, 'busy');
    const m2 = report({ user: 'bob', status: 'away' });
    store.apply('presence', 'bob', m2, 2);
    m2.previous.status = 'hacked';
    assert.strictEqual(store.get('presence', 'bob').payload.status, 'away');
  });

  it('lets ended calls go, and marks everything stale until reported again', () => {
    const store = new StateStore();
    store.apply('call', 'c1', report({ callId: 'c1', state: 'ringing' }), 1);
    store.apply('presence', 'a', report({ user: 'a', status: 'busy' }), 1);
    store.markStale();
    assert.strictEqual(store.get('call', 'c1').stale, true);
    assert.strictEqual(store.get('presence', 'a').stale, true);
    store.apply('presence', 'a', report({ user: 'a', status: 'busy' }), 2);
    assert.strictEqual(store.get('presence', 'a').stale, false);
    const end = report({ callId: 'c1', state: 'ended' });
    store.apply('call', 'c1', end, 3);
    assert.strictEqual(end.previous.state, 'ringing');
    assert.strictEqual(store.get('call', 'c1'), undefined);
    assert.strictEqual(store.size('call'), 0);
  });

  it('rename: new names for a known entry, its times and staleness as they were, observers told', () => {
    const store = new StateStore();
    const seen = [];
    store.observe((kind, key, entry, change) => seen.push([key, change, entry.payload.dn]));
    store.apply('presence', '205', report({ user: '205', status: 'away' }), 1000);
    store.markStale();
    store.rename('presence', '205', { user: '205', status: 'away', dn: 'Erin' });
    store.rename('presence', 'nobody', { user: 'nobody', dn: 'X' });
    assert.deepStrictEqual(store.get('presence', '205'), {
      payload: { user: '205', status: 'away', dn: 'Erin' },
      since: 1000,
      updatedAt: 1000,
      stale: true,
    });
    assert.deepStrictEqual(seen, [
      ['205', 'added', undefined],
      ['205', 'stale', undefined],
      ['205', 'changed', 'Erin'],
    ]);
    assert.strictEqual(store.get('presence', 'nobody'), undefined, 'an unknown key is not made up');
  });

  it('stays bounded: 100,000 calls leave nothing behind, calls never ended are capped', () => {
    const store = new StateStore();
    for (let i = 0; i < 100000; i++) {
      store.apply('call', `c${i}`, report({ callId: `c${i}`, state: 'ringing' }), i);
      store.apply('call', `c${i}`, report({ callId: `c${i}`, state: 'connected' }), i);
      store.apply('call', `c${i}`, report({ callId: `c${i}`, state: 'ended' }), i);
    }
    assert.strictEqual(store.size('call'), 0);
    for (let i = 0; i < 20000; i++) store.apply('call', `n${i}`, report({ callId: `n${i}`, state: 'connected' }), i);
    assert.strictEqual(store.size('call'), 10000, 'capped at 10,000 unfinished calls');
    assert.ok(store.get('call', 'n19999') && !store.get('call', 'n0'), 'the oldest went first');
  });

  it('answers pbx-state: one key, every key sorted numerically, conditions with a duration', () => {
    const store = new StateStore();
    for (const [u, status, at] of [
      ['10', 'available', 0],
      ['9', 'busy', 0],
      ['100', 'available', 9000],
    ])
      store.apply('presence', u, report({ user: u, status }), at);
    const cond = { is: 'available', forMs: 5000 };
    assert.deepStrictEqual(answerKey(store, 'presence', '10', true, cond, 10000), {
      payload: { user: '10', status: 'available' },
      known: true,
      stale: false,
      since: 0,
      holds: true,
    });
    assert.strictEqual(answerKey(store, 'presence', '100', true, cond, 10000).holds, false, 'not long enough');
    assert.deepStrictEqual(answerKey(store, 'presence', 'nobody', false, cond, 10000), {
      payload: null,
      known: false,
      stale: true,
      holds: false,
    });
    const all = answerAll(store, 'presence', true, undefined, 10000);
    assert.deepStrictEqual(
      all.matching.map((p) => p.user),
      ['9', '10', '100'],
    );
    const cond2 = answerAll(store, 'presence', true, { is: 'available', forMs: 0 }, 10000);
    assert.deepStrictEqual([cond2.matching.map((p) => p.user), cond2.rest.map((p) => p.user)], [['10', '100'], ['9']]);
    all.matching[0].status = 'changed';
    assert.strictEqual(store.get('presence', '9').payload.status, 'busy', 'answers are copies');
  });

  it('keeps its sorted entries current: a report, a new key, an ended call', () => {
    const store = new StateStore();
    const users = () => store.entries('presence').map(([key, e]) => `${key}:${e.payload.status}`);
    store.apply('presence', '10', report({ user: '10', status: 'busy' }), 0);
    store.apply('presence', '2', report({ user: '2', status: 'busy' }), 0);
    assert.deepStrictEqual(users(), ['2:busy', '10:busy']);
    store.apply('presence', '10', report({ user: '10', status: 'available' }), 1);
    assert.deepStrictEqual(users(), ['2:busy', '10:available'], 'a report of a known key');
    store.apply('presence', '3', report({ user: '3', status: 'away' }), 2);
    assert.deepStrictEqual(users(), ['2:busy', '3:away', '10:available'], 'a new key');
    store.apply('call', 'c2', report({ callId: 'c2', state: 'ringing' }), 0);
    store.apply('call', 'c1', report({ callId: 'c1', state: 'connected' }), 0);
    assert.deepStrictEqual(
      store.entries('call').map(([key]) => key),
      ['c1', 'c2'],
    );
    store.apply('call', 'c1', report({ callId: 'c1', state: 'ended' }), 1);
    assert.deepStrictEqual(
      store.entries('call').map(([key]) => key),
      ['c2'],
      'an ended call leaves',
    );
  });

  it('tells observers what a viewer sees change: new keys, changed payloads, stale and confirmed, keys leaving with their last entry', () => {
    const store = new StateStore();
    const seen = [];
    const stop = store.observe((kind, key, entry, change) =>
      seen.push([kind, key, entry.payload.state, entry.stale, change]),
    );
    store.apply('blf', '101', report({ extension: '101', state: 'idle', timestamp: 1 }), 1000);
    store.apply('blf', '101', report({ extension: '101', state: 'idle', timestamp: 2 }), 2000);
    store.apply('blf', '101', report({ extension: '101', state: 'ringing' }), 3000);
    store.markStale();
    store.markStale();
    store.apply('blf', '101', report({ extension: '101', state: 'ringing' }), 4000);
    store.apply('call', 'c1', report({ callId: 'c1', state: 'ringing' }), 5000);
    store.apply('call', 'c1', report({ callId: 'c1', state: 'ended' }), 6000);
    // A call whose first report is its end never enters the store, and still ends for its viewers.
    store.apply('call', 'c2', report({ callId: 'c2', state: 'ended' }), 6500);
    stop();
    store.apply('blf', '101', report({ extension: '101', state: 'idle' }), 7000);
    assert.deepStrictEqual(seen, [
      ['blf', '101', 'idle', false, 'added'],
      ['blf', '101', 'ringing', false, 'changed'],
      ['blf', '101', 'ringing', true, 'stale'],
      ['blf', '101', 'ringing', false, 'confirmed'],
      ['call', 'c1', 'ringing', false, 'added'],
      ['call', 'c1', 'ended', false, 'removed'],
      ['call', 'c2', 'ended', false, 'removed'],
    ]);
    assert.strictEqual(store.get('call', 'c1'), undefined, 'the ended call has left');
    assert.strictEqual(store.size('call'), 0);
  });
});
