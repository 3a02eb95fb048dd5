'use strict';
// Issue 14.8: a call that ends while the connection is out is ended by the resync after the
// reconnect: one `ended` per leg on output "all", one call record with endedWhileDisconnected
// on output "records"; a call still in progress survives the resync, confirmed. Absence of
// duplicates is checked after a marker call ended behind the resync, never after a fixed sleep.
const assert = require('assert');
const { waitFor } = require('../support/red');
const { useVendor } = require('./outage');

const CALL_NODES = [
  { id: 'r', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
  { id: 'a', type: 'pbx-call-in', connection: 'c1', wires: [['ha']] },
  { id: 's', type: 'pbx-state', connection: 'c1', kind: 'call', key: '', wires: [['hs']] },
  { id: 'hr', type: 'helper' },
  { id: 'ha', type: 'helper' },
  { id: 'hs', type: 'helper' },
];

const endedOf = (rec, callId) => rec.list.filter((m) => m.topic === callId && m.payload.state === 'ended');

describe('calls across an outage: innovaphone RCC', function () {
  this.timeout(15000);
  const v = useVendor('innovaphone');

  it('a call ended during the outage: one ended per leg and one record, endedWhileDisconnected', async () => {
    const { hr: records, ha: all, hs: state } = await v.load(CALL_NODES);
    const store = v.connection().store;
    await waitFor(() => v.sim.rcc.received.some((m) => m.mt === 'Initialize'), 5000, 'RCC initialized');
    const leg = v.sim.rcc.incomingCall({ from: 'alice', to: 'bob' });
    await waitFor(() => all.list.filter((m) => m.payload.state === 'ringing').length === 2, 5000, 'both legs ring');
    v.sim.rcc.answer(leg);
    await waitFor(() => all.list.filter((m) => m.payload.state === 'connected').length === 2, 5000, 'both talk');
    const legs = [...new Set(all.list.map((m) => m.topic))];
    const survivor = v.sim.rcc.incomingCall({ from: '0711999', to: 'carol' });
    const ringing = await all.next((m) => m.payload.from === '0711999');
    const kept = ringing.topic;
    assert.strictEqual(store.size('call'), 3);

    await v.outage();
    v.sim.rcc.hangup(leg);
    const out = await v.ask('s', state, { payload: {} });
    assert.deepStrictEqual(
      [out.stale, out.payload.map((c) => c.state).sort()],
      [true, ['connected', 'connected', 'ringing']],
      'while out: the calls as last known, stale',
    );

    await v.restore();
    const rec = await records.next();
    assert.deepStrictEqual(
      [rec.topic, rec.payload.endedWhileDisconnected, rec.payload.answered, rec.payload.direction],
      [legs[0], true, true, 'local'],
      JSON.stringify(rec.payload),
    );
    assert.ok(rec.payload.endedAt >= rec.payload.answeredAt);
    const confirmed = await v.ask('s', state, { payload: { callId: kept } });
    assert.deepStrictEqual(
      [confirmed.known, confirmed.stale, confirmed.payload.state],
      [true, false, 'ringing'],
      'listed again by the PBX',
    );

    v.sim.rcc.hangup(survivor);
    const marker = await records.next();
    assert.deepStrictEqual(
      [marker.topic, marker.payload.endedWhileDisconnected, marker.payload.missed],
      [kept, undefined, true],
    );
    assert.deepStrictEqual(
      records.list.map((m) => m.topic),
      [legs[0], kept],
      'one record per call, the one that ended during the outage once',
    );
    for (const id of legs) {
      const ended = endedOf(all, id);
      assert.strictEqual(ended.length, 1, `one ended for leg ${id}`);
      assert.strictEqual(ended[0].previous.state, 'connected');
    }
    assert.strictEqual(store.size('call'), 0, 'ended calls leave the store');
  });
});

describe('calls across an outage: vodia', function () {
  this.timeout(15000);
  const v = useVendor('vodia');

  it('calls ended during the outage (answered and missed): one ended and one record each, from the call list', async () => {
    const { hr: records, ha: all, hs: state } = await v.load(CALL_NODES);
    const answered = v.sim.startCall({ from: '0301234', to: '41' });
    await all.next((m) => m.topic === answered && m.payload.state === 'ringing');
    v.sim.setCallState(answered, 'connected');
    await all.next((m) => m.topic === answered && m.payload.state === 'connected');
    const missed = v.sim.startCall({ from: '0309999', to: '42' });
    await all.next((m) => m.topic === missed);
    const kept = v.sim.startCall({ from: '43', to: '0401111' });
    await all.next((m) => m.topic === kept);

    await v.outage();
    v.sim.endCall(answered);
    v.sim.endCall(missed);
    const out = await v.ask('s', state, { payload: { callId: answered } });
    assert.deepStrictEqual([out.known, out.stale, out.payload.state], [true, true, 'connected']);

    await v.restore((sim) => sim.subscribedCount === 1);
    await waitFor(() => records.list.length >= 2, 5000, 'two records');
    const byId = Object.fromEntries(records.list.map((m) => [m.topic, m.payload]));
    assert.deepStrictEqual(
      [byId[answered].endedWhileDisconnected, byId[answered].answered, byId[answered].missed],
      [true, true, false],
      JSON.stringify(byId[answered]),
    );
    assert.deepStrictEqual(
      [byId[missed].endedWhileDisconnected, byId[missed].answered, byId[missed].missed, byId[missed].talkMs],
      [true, false, true, 0],
      JSON.stringify(byId[missed]),
    );
    const confirmed = await v.ask('s', state, { payload: { callId: kept } });
    assert.deepStrictEqual([confirmed.known, confirmed.stale, confirmed.payload.state], [true, false, 'ringing']);
    const gone = await v.ask('s', state, { payload: { callId: answered } });
    assert.deepStrictEqual([gone.known, gone.stale], [false, false], 'ended calls leave the store');

    v.sim.endCall(kept);
    const marker = await records.next((m) => m.topic === kept);
    assert.strictEqual(marker.payload.endedWhileDisconnected, undefined, 'ended while connected');
    assert.deepStrictEqual(
      records.list.map((m) => m.topic).sort(),
      [answered, missed, kept].sort(),
      'exactly one record per call',
    );
    const ended = endedOf(all, answered);
    assert.strictEqual(ended.length, 1, 'one ended on output all');
    assert.strictEqual(ended[0].previous.state, 'connected');
    assert.strictEqual(endedOf(all, missed).length, 1);
    assert.strictEqual(endedOf(all, kept).length, 1);
  });
});
