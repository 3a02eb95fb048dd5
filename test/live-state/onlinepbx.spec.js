'use strict';
// Live state through the real nodes against the onlinePBX simulator (API 2.0 and 3.0): call
// records from several legs with the PBX's own times, missed calls, and the 2.0 registration
// resync after an outage.
const assert = require('assert');
const { helper, loadFlow, waitFor } = require('../support/red');
const { connectionTo, recordHelpers, connection } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { OnlinePbxSim } = require('../../dist/sim/onlinepbx');

const KEY = 'live-key';
/** pbx-call-in twice: call records to the helper `hr`, leg changes to `hl`. */
const recordsAndLegs = () => [
  { id: 'recs', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
  { id: 'legs', type: 'pbx-call-in', connection: 'c1', output: 'changes', wires: [['hl']] },
  { id: 'hr', type: 'helper' },
  { id: 'hl', type: 'helper' },
];
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

for (const version of ['2', '3']) {
  describe(`live state: onlinepbx ${version}.0`, function () {
    this.timeout(15000);
    let sim;
    simulatorWithFlowsEach(
      () => (sim = new OnlinePbxSim({ apiVersion: version, apiKey: KEY })),
      () => sim,
    );

    async function load(nodes, group) {
      await loadFlow([connectionTo.onlinepbx(sim), ...nodes], { c1: { apiKey: KEY } });
      const recs = recordHelpers(nodes);
      await waitFor(
        () => connection().state === 'connected' && sim.subscribedGroups().includes(group),
        5000,
        'subscribed',
      );
      return recs;
    }

    it('one record per call for its two channels, answered with talk time, and a missed inbound call', async () => {
      const { hr: records, hl: legs } = await load(recordsAndLegs(), 'calls');
      const started = Date.now();
      const a = sim.pbx.playCall({ from: '74950000001', to: '101', answerAfterMs: 80, hangupAfterMs: 150 });
      const rec = await records.next();
      assert.strictEqual(rec.event, 'call-record');
      assert.strictEqual(rec.topic, a, "the record's id is the call's first channel");
      const r = rec.payload;
      assert.deepStrictEqual(
        [r.direction, r.from, r.to, r.answered, r.missed, r.cause],
        ['inbound', '74950000001', '101', true, false, 'NORMAL_CLEARING'],
      );
      if (version === '3') {
        // call_end's own times, in whole seconds.
        assert.strictEqual(r.startedAt % 1000, 0, JSON.stringify(r));
        assert.strictEqual(r.endedAt % 1000, 0);
      } else {
        // created_stamp and answered_stamp are milliseconds: ring time is the PBX's.
        assert.ok(r.startedAt >= started - 5 && r.ringMs >= 70 && r.talkMs >= 100, JSON.stringify(r));
      }
      assert.strictEqual(r.durationMs, r.endedAt - r.startedAt);
      assert.strictEqual(r.ringMs + r.talkMs, r.durationMs);
      await settle();
      assert.strictEqual(records.list.length, 1, 'one record for both channels');
      assert.ok(
        legs.list.filter((m) => m.payload.state === 'ended').length >= 2,
        'while pbx-call-in sees each channel',
      );

      sim.pbx.playCall({ from: '74950000002', to: '102', answerAfterMs: null, hangupAfterMs: 60 });
      const missed = await records.next();
      assert.deepStrictEqual(
        [missed.payload.missed, missed.payload.answered, missed.payload.talkMs, missed.payload.cause],
        [true, false, 0, 'NO_ANSWER'],
      );
      sim.pbx.playCall({ from: '101', to: '74950000003', answerAfterMs: null, hangupAfterMs: 60 });
      const out = await records.next();
      assert.deepStrictEqual(
        [out.payload.direction, out.payload.missed],
        ['outbound', false],
        'an unanswered outbound call is not missed',
      );
      sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: null, hangupAfterMs: 60 });
      const local = await records.next();
      assert.deepStrictEqual([local.payload.direction, local.payload.missed], ['local', false]);
      await settle(version === '3' ? 1200 : 150);
      assert.strictEqual(records.list.length, 4, 'exactly one record per call');
      assert.strictEqual(connection().store.size('call'), 0);
    });

    it('pbx-blf-in changes: msg.previous and since from the lamp, no repeats; pbx-state knows the lamp', async () => {
      const { hb: lamps, hs: state } = await load(
        [
          { id: 'b', type: 'pbx-blf-in', connection: 'c1', extensions: '101', output: 'changes', wires: [['hb']] },
          {
            id: 's',
            type: 'pbx-state',
            connection: 'c1',
            kind: 'blf',
            key: '101',
            is: 'idle',
            outputs: 2,
            wires: [['hs'], ['hs']],
          },
          { id: 'hb', type: 'helper' },
          { id: 'hs', type: 'helper' },
        ],
        version === '3' ? 'user_blf' : 'blf',
      );
      sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 30, hangupAfterMs: 30 });
      const ringing = await lamps.next((m) => m.payload.state === 'ringing');
      assert.strictEqual(ringing.previous, null);
      assert.strictEqual(ringing.since % 1000, 0, "the lamp's own timestamp (seconds)");
      const busy = await lamps.next((m) => m.payload.state === 'busy');
      assert.strictEqual(busy.previous.state, 'ringing');
      await lamps.next((m) => m.payload.state === 'idle');
      helper.getNode('s').receive({});
      const answer = await state.next();
      assert.deepStrictEqual(
        [answer.topic, answer.known, answer.payload.state, answer.stale],
        ['101', true, 'idle', false],
      );
    });

    it('a leg whose end was lost in an outage ends with the rest of its call: one ended each, one record', async () => {
      const { hr: records, hl: legs } = await load(recordsAndLegs(), 'calls');
      const parties = { domain: sim.domain, caller_number: '74950000009', destination_number: '101' };
      const started = Date.now();
      sim.pushEvent('channel_create', {
        uuid: 'leg-a',
        direction: 'inbound',
        created_stamp: started,
        state: 'CS_INIT',
        endpoint: '74950000009',
        ...parties,
      });
      sim.pushEvent('channel_create', {
        uuid: 'leg-b',
        direction: 'outbound',
        created_stamp: started,
        state: 'CS_INIT',
        endpoint: `101@${sim.domain}`,
        ...parties,
      });
      for (const uuid of ['leg-b', 'leg-a']) sim.pushEvent('channel_answer', { uuid, answered_stamp: started + 50 });
      await waitFor(
        () => legs.list.filter((m) => m.payload.state === 'connected').length === 2,
        5000,
        'both legs connected',
      );
      sim.setHandshakeFault('unavailable');
      sim.dropAll();
      await waitFor(() => connection().state !== 'connected');
      // The callee's leg ends during the outage: its channel_destroy never reaches us.
      sim.setHandshakeFault(undefined);
      await waitFor(() => connection().state === 'connected' && sim.subscribedGroups().includes('calls'), 5000, 'back');
      assert.strictEqual(connection().store.get('call', 'leg-b').stale, true);
      const ended = Date.now();
      sim.pushEvent('channel_destroy', {
        uuid: 'leg-a',
        direction: 'inbound',
        created_stamp: started,
        state: 'CS_DESTROY',
        endpoint: '74950000009',
        hangup_cause: 'NORMAL_CLEARING',
      });
      const rec = await records.next();
      assert.deepStrictEqual(
        [rec.topic, rec.payload.answered, rec.payload.endedWhileDisconnected],
        ['leg-a', true, undefined],
        JSON.stringify(rec.payload),
      );
      assert.ok(
        rec.payload.endedAt >= ended - 5 && rec.payload.endedAt < ended + 500,
        'ended when its last reported leg ended',
      );
      const orphan = legs.list.filter((m) => m.topic === 'leg-b' && m.payload.state === 'ended');
      assert.strictEqual(orphan.length, 1, 'the lost leg ends once');
      assert.strictEqual(orphan[0].previous.state, 'connected');
      assert.strictEqual(connection().store.size('call'), 0, 'the store lets go of it');
      // A late end of that leg after all is no second `ended` and no second record.
      sim.pushEvent('channel_destroy', {
        uuid: 'leg-b',
        direction: 'outbound',
        created_stamp: started,
        state: 'CS_DESTROY',
        endpoint: `101@${sim.domain}`,
        hangup_cause: 'NORMAL_CLEARING',
      });
      await settle(version === '3' ? 1200 : 300);
      assert.strictEqual(legs.list.filter((m) => m.topic === 'leg-b' && m.payload.state === 'ended').length, 1);
      assert.strictEqual(records.list.length, 1, 'one record for the call');
    });

    if (version === '2') {
      it('after an outage, user_list resyncs registrations: a change reported once with its previous', async () => {
        const { hp: presence, hx: changes } = await load(
          [
            { id: 'p', type: 'pbx-presence-in', connection: 'c1', users: '', wires: [['hp']] },
            { id: 'x', type: 'pbx-presence-in', connection: 'c1', users: '103', output: 'changes', wires: [['hx']] },
            { id: 'hp', type: 'helper' },
            { id: 'hx', type: 'helper' },
          ],
          'registration',
        );
        await waitFor(() => connection().store.get('presence', '103'), 5000, 'registrations known from user_list');
        assert.strictEqual(presence.list.length, 0, 'the first login reports nothing: nothing changed');
        sim.setHandshakeFault('unavailable');
        sim.dropAll();
        await waitFor(() => connection().state !== 'connected');
        assert.strictEqual(connection().store.get('presence', '103').stale, true);
        sim.pbx.setRegistration('103', false);
        sim.setHandshakeFault(undefined);
        const change = await changes.next();
        assert.deepStrictEqual(
          [change.event, change.payload.status, change.previous.status],
          ['user_list', 'offline', 'available'],
        );
        await waitFor(
          () => connection().store.get('presence', '101') && !connection().store.get('presence', '101').stale,
        );
        await settle();
        assert.deepStrictEqual(
          presence.list.map((m) => m.topic),
          ['103'],
          'only what changed during the outage',
        );
      });
    }
  });
}
