'use strict';
// Issue 14.8: live state across an outage, through the real nodes and the simulators. A state
// that changed while the connection was out is reported once after the reconnect, with the
// state from before the outage as msg.previous; unchanged keys are not reported again (output
// "changes"); pbx-state answers stale while out and fresh once the PBX confirmed the entry.
// Absence is checked after a marker change sent behind the resync on the same socket, never
// after a fixed sleep.
const assert = require('assert');
const { waitFor } = require('../support/red');
const { useVendor, since } = require('./outage');

describe('live state across an outage: innovaphone presence', function () {
  this.timeout(15000);
  const v = useVendor('innovaphone');
  const twoMonitors = (sim) => sim.pbx.subscriptions().length === 2;

  it('a presence change during the outage: once, with the previous state; stale while out, fresh after', async () => {
    const { hc: changes, hs: state } = await v.load([
      { id: 'p', type: 'pbx-presence-in', connection: 'c1', users: 'alice,bob', output: 'changes', wires: [['hc']] },
      { id: 's', type: 'pbx-state', connection: 'c1', kind: 'presence', key: '', wires: [['hs']] },
      { id: 'hc', type: 'helper' },
      { id: 'hs', type: 'helper' },
    ]);
    await changes.next((m) => m.topic === 'alice');
    await changes.next((m) => m.topic === 'bob');
    const before = { ...v.connection().store.get('presence', 'alice') };
    assert.strictEqual(before.payload.status, 'available');
    const seen = changes.list.length;

    await v.outage();
    v.sim.pbx.setPresence('alice', { activity: 'away', note: 'out to lunch' });
    const out = await v.ask('s', state, { payload: { user: 'alice' } });
    assert.deepStrictEqual(
      [out.known, out.stale, out.payload.status, out.since],
      [true, true, 'available', before.since],
      'while out: what was last known, marked stale',
    );
    const all = await v.ask('s', state, { payload: {} });
    assert.deepStrictEqual([all.stale, all.payload.length], [true, 2]);

    await v.restore(twoMonitors);
    v.sim.pbx.setPresence('bob', { activity: 'dnd' });
    await changes.next((m) => m.topic === 'bob' && m.payload.status === 'dnd');
    assert.deepStrictEqual(
      since(changes, seen),
      [
        ['alice', 'away'],
        ['bob', 'dnd'],
      ],
      'alice once (the resync), bob only for the marker: its resync was no change',
    );
    const alice = changes.list[seen];
    assert.deepStrictEqual([alice.previous.status, alice.previous.note], ['available', undefined]);
    assert.strictEqual(alice.payload.note, 'out to lunch');
    assert.ok(alice.since > before.since, 'since: when the new state was seen');

    const fresh = await v.ask('s', state, { payload: { user: 'alice' } });
    assert.deepStrictEqual([fresh.stale, fresh.payload.status, fresh.since], [false, 'away', alice.since]);
    const every = await v.ask('s', state, { payload: {} });
    assert.deepStrictEqual(
      [every.stale, every.payload.map((p) => p.status)],
      [false, ['away', 'dnd']],
      'every entry confirmed by the new monitors',
    );
  });
});

describe('live state across an outage: vodia accounts and lamps', function () {
  this.timeout(15000);
  const v = useVendor('vodia');
  const subscribed = (sim) => sim.subscribedCount === 1;

  it('domain-state after the reconnect: a changed account and lamp once, with previous; stale while out', async () => {
    const {
      hp: presence,
      hb: lamps,
      hs: state,
    } = await v.load([
      { id: 'p', type: 'pbx-presence-in', connection: 'c1', users: '', output: 'changes', wires: [['hp']] },
      { id: 'b', type: 'pbx-blf-in', connection: 'c1', extensions: '41,42', output: 'changes', wires: [['hb']] },
      { id: 'sp', type: 'pbx-state', connection: 'c1', kind: 'presence', key: '', wires: [['hs']] },
      { id: 'sb', type: 'pbx-state', connection: 'c1', kind: 'blf', key: '', wires: [['hs']] },
      { id: 'hp', type: 'helper' },
      { id: 'hb', type: 'helper' },
      { id: 'hs', type: 'helper' },
    ]);
    await presence.next((m) => m.topic === '500');
    await lamps.next((m) => m.topic === '41');
    await lamps.next((m) => m.topic === '42');
    const seen = { presence: presence.list.length, lamps: lamps.list.length };
    const before = { ...v.connection().store.get('presence', '41') };
    assert.deepStrictEqual(
      [before.payload.status, v.connection().store.get('blf', '42').payload.state],
      ['available', 'idle'],
    );

    await v.outage();
    v.sim.setUser('41', { dnd: true });
    const call = v.sim.startCall({ from: '0301234', to: '42' });
    const out = await v.ask('sp', state, { payload: { user: '41' } });
    assert.deepStrictEqual([out.known, out.stale, out.payload.status], [true, true, 'available']);
    const lamp = await v.ask('sb', state, { payload: { extension: '42' } });
    assert.deepStrictEqual([lamp.known, lamp.stale, lamp.payload.state], [true, true, 'idle']);

    await v.restore(subscribed);
    v.sim.setUser('43', { chatstatus: 'online' });
    await presence.next((m) => m.topic === '43' && m.payload.chatstatus === 'online');
    assert.deepStrictEqual(
      since(presence, seen.presence),
      [
        ['41', 'dnd'],
        ['42', 'busy'],
        ['43', 'offline'],
      ],
      '41 (dnd) and 42 (in a call) changed during the outage, once each; 40 and 500 did not (43 is the marker)',
    );
    const dnd = presence.list[seen.presence];
    assert.deepStrictEqual([dnd.previous.status, dnd.previous.dnd, dnd.payload.dnd], ['available', false, true]);
    assert.ok(dnd.since > before.since);
    assert.deepStrictEqual(since(lamps, seen.lamps, 'state'), [['42', 'ringing']], 'lamp 42 once, 41 not at all');
    const ringing = lamps.list[seen.lamps];
    assert.deepStrictEqual([ringing.previous.state, ringing.payload.callId], ['idle', call]);

    const fresh = await v.ask('sp', state, { payload: { user: '41' } });
    assert.deepStrictEqual([fresh.stale, fresh.payload.status], [false, 'dnd']);
    const everyone = await v.ask('sp', state, { payload: {} });
    assert.strictEqual(everyone.stale, false, 'every account confirmed by domain-state');
    const everyLamp = await v.ask('sb', state, { payload: {} });
    assert.strictEqual(everyLamp.stale, false, 'every lamp confirmed by domain-state');
    assert.strictEqual(everyLamp.payload.find((p) => p.extension === '42').state, 'ringing');
  });
});

describe('live state across an outage: onlinepbx 2.0 (no lamp or call snapshot)', function () {
  this.timeout(15000);
  const v = useVendor('onlinepbx 2.0');
  const subscribed = (sim) => ['blf', 'calls', 'registration'].every((g) => sim.subscribedGroups().includes(g));

  it('lamps and calls stay stale after the reconnect until reported; registrations are confirmed by user_list', async () => {
    const {
      hb: lamps,
      hr: records,
      hs: state,
    } = await v.load([
      { id: 'b', type: 'pbx-blf-in', connection: 'c1', extensions: '101', output: 'changes', wires: [['hb']] },
      { id: 'r', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
      { id: 'sb', type: 'pbx-state', connection: 'c1', kind: 'blf', key: '101', wires: [['hs']] },
      { id: 'sp', type: 'pbx-state', connection: 'c1', kind: 'presence', key: '101', wires: [['hs']] },
      { id: 'sc', type: 'pbx-state', connection: 'c1', kind: 'call', key: '', wires: [['hs']] },
      { id: 'hb', type: 'helper' },
      { id: 'hr', type: 'helper' },
      { id: 'hs', type: 'helper' },
    ]);
    await v.restore(subscribed);
    const store = v.connection().store;
    const old = v.sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 20, hangupAfterMs: null });
    await lamps.next((m) => m.payload.state === 'busy');
    const legs = v.sim.pbx.legsOf('101');
    assert.strictEqual(legs.length, 2);
    await waitFor(() => legs.every((id) => store.get('call', id)), 5000, 'both channels in the store');
    assert.ok(store.get('presence', '101'), 'registration known from user_list');
    const seen = lamps.list.length;

    await v.outage();
    assert.ok(v.sim.pbx.command('hangup_call', { uuid: old }).ok);
    await waitFor(() => v.sim.pbx.legsOf('101').length === 0, 5000, 'the call ended on the PBX while we were out');
    const out = await v.ask('sb', state, {});
    assert.deepStrictEqual([out.known, out.stale, out.payload.state], [true, true, 'busy']);

    await v.restore((sim) => subscribed(sim) && !store.get('presence', '101').stale);
    const presence = await v.ask('sp', state, {});
    assert.deepStrictEqual([presence.stale, presence.payload.status], [false, 'available'], 'confirmed by user_list');
    const lamp = await v.ask('sb', state, {});
    assert.deepStrictEqual(
      [lamp.known, lamp.stale, lamp.payload.state],
      [true, true, 'busy'],
      'no lamp snapshot: the last known state, stale',
    );
    const calls = await v.ask('sc', state, { payload: {} });
    assert.strictEqual(calls.stale, true);
    assert.deepStrictEqual(calls.payload.map((c) => c.callId).sort(), [...legs].sort(), 'no call snapshot either');

    // The next report of the lamp confirms it; the call that ended unseen gets no record.
    const next = v.sim.pbx.playCall({ from: '101', to: '103', answerAfterMs: null, hangupAfterMs: 30 });
    const ringing = await lamps.next((m) => m.payload.state === 'ringing');
    assert.deepStrictEqual([ringing.previous.state, ringing.payload.callId], ['busy', next]);
    const fresh = await v.ask('sb', state, {});
    assert.strictEqual(fresh.stale, false);
    const rec = await records.next();
    assert.strictEqual(rec.topic, next);
    assert.deepStrictEqual(
      records.list.map((m) => m.topic),
      [next],
      'no record is made up for the call that ended during the outage',
    );
    assert.strictEqual(
      lamps.list[seen],
      ringing,
      'nothing reported for the lamp between the outage and its next report',
    );
  });
});
