'use strict';
// Live state through the real nodes against the innovaphone simulator: presence with
// msg.previous and changes only, RCC call records (one per call for the legs of two users) and
// pbx-state, including a kind innovaphone cannot report.
const assert = require('assert');
const { helper, waitFor } = require('../support/red');
const { connectionTo, loadCatching, recordHelpers, connection } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { InnovaphoneSim } = require('../../dist/sim/innovaphone');

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('live state: innovaphone', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new InnovaphoneSim()),
    () => sim,
  );

  async function load(nodes) {
    const recs = recordHelpers(
      nodes,
      await loadCatching([connectionTo.innovaphone(sim), ...nodes], { c1: { password: 'pwd' } }, 'herr'),
    );
    await waitFor(() => connection().state === 'connected', 5000, 'connected');
    return recs;
  }

  it('presence: previous and since, changes only, and pbx-state for a configured key', async () => {
    const {
      ha: all,
      hc: changes,
      hs: state,
    } = await load([
      { id: 'p', type: 'pbx-presence-in', connection: 'c1', users: 'bob', wires: [['ha']] },
      { id: 'x', type: 'pbx-presence-in', connection: 'c1', users: 'bob', output: 'changes', wires: [['hc']] },
      {
        id: 's',
        type: 'pbx-state',
        connection: 'c1',
        kind: 'presence',
        key: 'alice',
        is: 'busy',
        forSeconds: 0,
        outputs: 2,
        wires: [['hs'], ['hs']],
      },
      { id: 'ha', type: 'helper' },
      { id: 'hc', type: 'helper' },
      { id: 'hs', type: 'helper' },
    ]);
    const first = await all.next();
    assert.strictEqual(first.previous, null);
    assert.notStrictEqual(first.payload.status, 'away');
    sim.pbx.setPresence('bob', { activity: 'away' });
    const away = await all.next((m) => m.payload.status === 'away');
    assert.strictEqual(away.previous.status, first.payload.status);
    assert.ok(away.since >= first.since);
    sim.pbx.setPresence('bob', { activity: 'away' });
    await all.next((m) => m !== away);
    await settle();
    assert.deepStrictEqual(
      changes.list.map((m) => m.payload.status),
      [first.payload.status, 'away'],
      'the repeated report is no change',
    );
    // alice is subscribed by pbx-state alone: its answer exists when asked.
    await waitFor(() => connection().store.get('presence', 'alice'), 5000, 'alice known');
    sim.pbx.setPresence('alice', { activity: 'busy' });
    await waitFor(() => connection().store.get('presence', 'alice').payload.status === 'busy');
    helper.getNode('s').receive({});
    const answer = await state.next();
    assert.deepStrictEqual([answer.topic, answer.known, answer.payload.status], ['alice', true, 'busy']);
  });

  it('RCC: one record per call for the legs of two users, missed for an outside caller', async () => {
    const { hr: records, hl: legs } = await load([
      { id: 'r', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
      { id: 'l', type: 'pbx-call-in', connection: 'c1', wires: [['hl']] },
      { id: 'hr', type: 'helper' },
      { id: 'hl', type: 'helper' },
    ]);
    await waitFor(() => sim.rcc.received.some((m) => m.mt === 'Initialize'), 5000, 'RCC initialized');
    const leg = sim.rcc.incomingCall({ from: 'alice', to: 'bob' });
    await waitFor(() => legs.list.filter((m) => m.payload.state === 'ringing').length === 2, 5000, 'both legs ring');
    sim.rcc.answer(leg);
    await legs.next((m) => m.payload.state === 'connected');
    sim.rcc.hangup(leg);
    const rec = await records.next();
    assert.deepStrictEqual(
      [rec.payload.direction, rec.payload.answered, rec.payload.missed],
      ['local', true, false],
      JSON.stringify(rec.payload),
    );
    const outside = sim.rcc.incomingCall({ from: '0711999', to: 'bob' });
    await legs.next((m) => m.payload.state === 'ringing' && m.payload.from === '0711999');
    sim.rcc.hangup(outside);
    const missed = await records.next();
    assert.deepStrictEqual(
      [missed.payload.direction, missed.payload.missed, missed.payload.from],
      ['inbound', true, '0711999'],
    );
    await settle();
    assert.strictEqual(records.list.length, 2, 'one record per call, not per leg');
    assert.strictEqual(connection().store.size('call'), 0);
  });

  it('pbx-state: a kind innovaphone cannot report fails with done(err)', async () => {
    const { errors } = await load([
      { id: 's', type: 'pbx-state', connection: 'c1', kind: 'blf', key: '', wires: [[]] },
    ]);
    helper.getNode('s').receive({});
    const err = await errors.next();
    assert.match(err.error.message, /innovaphone does not report blf state/);
  });
});
