'use strict';
const assert = require('assert');
const { Router } = require('../../dist/connection/router');

describe('Router', () => {
  const msg = () => ({ topic: '204', event: 'blf', payload: { state: 'busy' }, raw: { a: 1 } });

  it('delivers by key and to `*` watchers, each further watcher getting its own copy', () => {
    const r = new Router();
    const got = { a: [], all: [], other: [] };
    r.add({ channel: 'blf', key: '204' }, { onMessage: (m) => got.a.push(m), onError: assert.fail });
    r.add({ channel: 'blf', key: '*' }, { onMessage: (m) => got.all.push(m), onError: assert.fail });
    r.add({ channel: 'blf', key: '205' }, { onMessage: (m) => got.other.push(m), onError: assert.fail });
    const m = msg();
    r.dispatch('blf', '204', m);
    assert.strictEqual(got.a[0], m);
    assert.notStrictEqual(got.all[0].payload, m.payload);
    assert.deepStrictEqual(got.all[0], m);
    assert.strictEqual(got.other.length, 0);
    assert.ok(r.listening('blf', '999'), '`*` listens to every key');
    assert.ok(!r.listening('presence', '204'));
  });

  it('counts holders: first add and last remove are reported', () => {
    const r = new Router();
    const w1 = { onMessage() {}, onError() {} };
    const w2 = { onMessage() {}, onError() {} };
    const i = { channel: 'presence', key: 'alice' };
    assert.strictEqual(r.add(i, w1), true);
    assert.strictEqual(r.add(i, w2), false);
    assert.strictEqual(r.remove(i, w1), false);
    assert.strictEqual(r.remove(i, w2), true);
    assert.strictEqual(r.remove(i, w2), false);
    assert.deepStrictEqual(r.interests(), []);
  });
});
