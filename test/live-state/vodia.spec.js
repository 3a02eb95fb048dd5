'use strict';
// Live state through the real nodes against the Vodia simulator: msg.previous/since, changes only,
// call records and pbx-state.
const assert = require('assert');
const { helper, loadFlow, waitFor } = require('../support/red');
const { connectionTo, recordHelpers, connection, connected } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { VodiaSim } = require('../../dist/sim/vodia');

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('live state: vodia', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new VodiaSim({ domain: 'tenant.test' })),
    () => sim,
  );

  /** Loads the flow and records its helper nodes before the first report can arrive. */
  async function load(nodes) {
    await loadFlow([connectionTo.vodia(sim), ...nodes], { c1: { password: 'secret' } });
    const recs = recordHelpers(nodes);
    await connected();
    return recs;
  }

  it('pbx-presence-in: msg.previous and msg.since on every output; output changes drops repeats', async () => {
    const { ha: all, hc: changes } = await load([
      { id: 'all', type: 'pbx-presence-in', connection: 'c1', users: '42', wires: [['ha']] },
      { id: 'chg', type: 'pbx-presence-in', connection: 'c1', users: '42', output: 'changes', wires: [['hc']] },
      { id: 'ha', type: 'helper' },
      { id: 'hc', type: 'helper' },
    ]);
    const first = await all.next();
    assert.strictEqual(first.previous, null);
    assert.ok(first.since > Date.now() - 5000 && first.since <= Date.now());
    await changes.next();
    sim.setUser('42', { dnd: true });
    const dnd = await all.next((m) => m.payload.status === 'dnd');
    assert.strictEqual(dnd.previous.status, 'available');
    assert.ok(dnd.since >= first.since);
    sim.setUser('42', { dnd: true });
    await all.next((m) => m.event === 'user-state' && m !== dnd);
    await settle();
    assert.deepStrictEqual(
      changes.list.map((m) => m.payload.status),
      ['available', 'dnd'],
      'the repeated dnd report is no change',
    );
    assert.strictEqual(connection().store.get('presence', '42').payload.status, 'dnd');
    assert.ok(connection().store.get('presence', '41'), 'the store holds every account Vodia reports');
  });

  it('pbx-call-in records: one per call, answered and missed, after the ended message', async () => {
    const { hl: legs, hr: records } = await load([
      { id: 'calls', type: 'pbx-call-in', connection: 'c1', wires: [['hl']] },
      { id: 'recs', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
      { id: 'hl', type: 'helper' },
      { id: 'hr', type: 'helper' },
    ]);
    const answered = sim.startCall({ from: '0301234', to: '41' });
    await legs.next((m) => m.topic === answered && m.payload.state === 'ringing');
    sim.setCallState(answered, 'connected');
    const up = await legs.next((m) => m.topic === answered && m.payload.state === 'connected');
    assert.strictEqual(up.previous.state, 'ringing');
    await new Promise((r) => setTimeout(r, 50));
    sim.endCall(answered);
    const rec = await records.next();
    assert.strictEqual(rec.event, 'call-record');
    assert.strictEqual(rec.topic, answered);
    assert.strictEqual(rec.vendor, 'vodia');
    assert.strictEqual(rec.payload.answered, true);
    assert.strictEqual(rec.payload.missed, false);
    assert.strictEqual(rec.payload.direction, 'inbound');
    assert.ok(rec.payload.talkMs >= 40 && rec.payload.durationMs >= rec.payload.talkMs, JSON.stringify(rec.payload));
    assert.ok(legs.list.some((m) => m.topic === answered && m.payload.state === 'ended'));
    const missed = sim.startCall({ from: '0309999', to: '42' });
    await legs.next((m) => m.topic === missed);
    sim.endCall(missed);
    const miss = await records.next();
    assert.deepStrictEqual([miss.payload.callId, miss.payload.missed, miss.payload.talkMs], [missed, true, 0]);
    await settle();
    assert.strictEqual(records.list.length, 2, 'exactly one record per call');
    assert.ok(
      records.list.every((m) => m.payload.state === undefined),
      'records are not call messages',
    );
    assert.ok(
      legs.list.every((m) => m.event !== 'call-record'),
      'output all gets no records',
    );
    assert.strictEqual(connection().store.size('call'), 0, 'ended calls leave the store');
  });

  it('pbx-state: a key, every key, and a condition with two outputs', async () => {
    const {
      h1: one,
      hy: yes,
      hn: no,
      hb: lamps,
    } = await load([
      { id: 'one', type: 'pbx-state', connection: 'c1', kind: 'presence', key: '41', wires: [['h1']] },
      {
        id: 'cond',
        type: 'pbx-state',
        connection: 'c1',
        kind: 'presence',
        key: '',
        is: 'available',
        forSeconds: 0,
        outputs: 2,
        wires: [['hy'], ['hn']],
      },
      { id: 'lamp', type: 'pbx-state', connection: 'c1', kind: 'blf', key: '', wires: [['hb']] },
      { id: 'h1', type: 'helper' },
      { id: 'hy', type: 'helper' },
      { id: 'hn', type: 'helper' },
      { id: 'hb', type: 'helper' },
    ]);
    await waitFor(() => connection().store.get('presence', '41'), 5000, 'store filled');
    helper.getNode('one').receive({ payload: 'x' });
    const m = await one.next();
    assert.deepStrictEqual([m.topic, m.known, m.stale, m.payload.status], ['41', true, false, 'available']);
    assert.strictEqual(m.payload.dn, 'Alice', "with the user's name (Vodia's domain-state account name)");
    assert.strictEqual(typeof m.since, 'number');
    sim.setUser('42', { dnd: true });
    await waitFor(() => connection().store.get('presence', '42').payload.status === 'dnd');
    helper.getNode('cond').receive({ payload: {} });
    const avail = await yes.next();
    const rest = await no.next();
    assert.ok(avail.payload.some((p) => p.user === '41') && avail.payload.every((p) => p.status === 'available'));
    assert.ok(
      rest.payload.some((p) => p.user === '42' && p.dn === 'Bob'),
      'every answer with the names',
    );
    helper.getNode('cond').receive({ payload: { user: '42' } });
    const bob = await no.next();
    assert.deepStrictEqual([bob.topic, bob.payload.status], ['42', 'dnd']);
    helper.getNode('cond').receive({ payload: { user: 'nobody' } });
    const unknown = await no.next();
    assert.deepStrictEqual([unknown.known, unknown.payload], [false, null], 'an unknown key is no error');
    helper.getNode('lamp').receive({ payload: {} });
    const all = await lamps.next();
    const keys = all.payload.map((p) => p.extension);
    assert.deepStrictEqual(
      keys,
      [...keys].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })),
    );
    // During a call from a caller with a SIP display name, the lamp's answer names the other party.
    const call = sim.startCall({ from: '+4930123456', fromName: 'Müller GmbH', to: '42' });
    await waitFor(() => connection().store.get('blf', '42')?.payload.state === 'ringing', 3000, '42 ringing');
    helper.getNode('lamp').receive({ payload: { extension: '42' } });
    const lamp = await lamps.next();
    assert.deepStrictEqual(
      [lamp.topic, lamp.payload.state, lamp.payload.otherParty, lamp.payload.otherPartyName],
      ['42', 'ringing', '+4930123456', 'Müller GmbH'],
    );
    sim.endCall(call);
  });
});
