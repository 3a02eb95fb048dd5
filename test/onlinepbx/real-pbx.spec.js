'use strict';
// Issue 26, points 1-3: what real onlinePBX installations send, as their public sources show it,
// through the simulator, a pbx-connection and pbx-call-in (live legs and call records).
const assert = require('assert');
const { helper, waitFor } = require('../support/red');
const { connectionTo, loadCatching, recordHelpers, connection } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { OnlinePbxSim } = require('../../dist/sim/onlinepbx');

const KEY = 'real-pbx-key';
const FLOW = [
  { id: 'recs', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
  { id: 'legs', type: 'pbx-call-in', connection: 'c1', output: 'all', wires: [['hl']] },
  { id: 'cc', type: 'pbx-call-control', connection: 'c1', action: 'hangup', wires: [[]] },
  { id: 'hr', type: 'helper' },
  { id: 'hl', type: 'helper' },
];
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

for (const version of ['2', '3']) {
  const v3 = version === '3';
  describe(`onlinepbx ${version}.0 as real PBXs send it (issue 26)`, function () {
    this.timeout(15000);
    let sim;
    simulatorWithFlowsEach(
      () => (sim = new OnlinePbxSim({ apiVersion: version, apiKey: KEY, v3Shapes: 'ws-types' })),
      () => sim,
    );

    async function load() {
      const { errors } = await loadCatching([connectionTo.onlinepbx(sim), ...FLOW], { c1: { apiKey: KEY } });
      const recs = recordHelpers(FLOW);
      await waitFor(
        () => connection().state === 'connected' && sim.subscribedGroups().includes('calls'),
        5000,
        'subscribed',
      );
      return { ...recs, errors };
    }

    /** One call's frames on the wire (3.0 adds `call_uuid` to each; 2.0 has none). */
    function play(callUuid, frames) {
      for (const [name, data] of frames) sim.pbx.emit(name, v3 ? { ...data, call_uuid: callUuid } : data);
    }

    it("a user's own call out is outbound on every leg and event, as in its record; extension is the caller", async () => {
      const { hr: records, hl: legs } = await load();
      const now = Date.now();
      // As an onlinePBX Drupal module saw it on a live PBX: extension 204 dials out. FreeSWITCH
      // calls the phone's channel `inbound` (it comes in to the switch); no gate, the PBX's domain.
      play('call-out', [
        [
          'channel_create',
          {
            uuid: 'out-a',
            direction: 'inbound',
            created_stamp: now,
            state: 'CS_INIT',
            domain: sim.domain,
            caller_number: '204',
            caller_name: '204',
            destination_number: '84951234567',
            destination_host: sim.domain,
            gate: '',
            diversion: '',
          },
        ],
        [
          'channel_create',
          {
            uuid: 'out-b',
            direction: 'outbound',
            created_stamp: now + 5,
            state: 'CS_INIT',
            endpoint: '84951234567',
            domain: sim.domain,
            caller_number: '204',
            destination_number: '84951234567',
            gate: '74951234567',
          },
        ],
        ['channel_answer', { uuid: 'out-b', answered_stamp: String(now + 40) }],
        ['channel_answer', { uuid: 'out-a', answered_stamp: String(now + 41) }],
        ['channel_bridge', { direction: 'inbound', aleg_uuid: 'out-a', bleg_uuid: 'out-b' }],
        [
          'channel_destroy',
          { uuid: 'out-b', direction: 'outbound', endpoint: '84951234567', hangup_cause: 'NORMAL_CLEARING' },
        ],
        ['channel_destroy', { uuid: 'out-a', direction: 'inbound', hangup_cause: 'NORMAL_CLEARING' }],
      ]);
      if (v3)
        sim.pbx.emit('call_end', {
          call_uuid: 'call-out',
          start_stamp: Math.floor(now / 1000),
          end_stamp: Math.floor(now / 1000) + 1,
          duration: 1,
          user_talk_time: 1,
          hangup_cause: 'NORMAL_CLEARING',
          type: 'outbound',
        });
      const record = (await records.next()).payload;
      assert.deepStrictEqual(
        [record.direction, record.extension, record.from, record.to],
        ['outbound', '204', '204', '84951234567'],
      );
      assert.strictEqual(record.missed, false);
      const seen = legs.list.map((m) => `${m.topic}:${m.payload.state}:${m.payload.direction}:${m.payload.extension}`);
      assert.deepStrictEqual(seen, [
        'out-a:ringing:outbound:204',
        'out-b:ringing:outbound:204',
        'out-b:connected:outbound:204',
        'out-a:connected:outbound:204',
        'out-b:ended:outbound:204',
        'out-a:ended:outbound:204',
      ]);
    });

    it("the simulator's own call out: the same on every leg as in the record", async () => {
      const { hr: records, hl: legs } = await load();
      sim.pbx.playCall({ from: '101', to: '79161234567', answerAfterMs: 20, hangupAfterMs: 40 });
      const record = (await records.next()).payload;
      assert.deepStrictEqual([record.direction, record.extension], ['outbound', '101']);
      assert.ok(legs.list.length >= 4, 'every leg reported');
      for (const m of legs.list)
        assert.deepStrictEqual(
          [m.payload.direction, m.payload.extension],
          ['outbound', '101'],
          `${m.event} ${m.topic}`,
        );
    });

    it("a call from outside: extension is the PBX's user from the first event to the record (the API 2.0 doc's frame)", async () => {
      const { hr: records, hl: legs } = await load();
      // The API 2.0 doc's own channel_create example: `endpoint` is the outside caller.
      play('call-in', [
        [
          'channel_create',
          {
            uuid: '5dc1cdca-9e80-4b94-9633-asdasdadasa',
            direction: 'inbound',
            created_stamp: Date.now(),
            state: 'CS_INIT',
            endpoint: '9090001122',
            domain: 'example.onpbx.ru',
            caller_number: '9090001122',
            caller_name: '9090001122',
            destination_number: '555',
            destination_host: '555.127.255.XXX',
            gate: '4951112233',
            diversion: '555@XXX.145.43.XXX:5061',
          },
        ],
        [
          'channel_destroy',
          {
            uuid: '5dc1cdca-9e80-4b94-9633-asdasdadasa',
            direction: 'inbound',
            created_stamp: String(Date.now()),
            state: 'CS_DESTROY',
            endpoint: '9090001122',
            hangup_cause: 'ORIGINATOR_CANCEL',
          },
        ],
      ]);
      if (v3) sim.pbx.emit('call_end', { call_uuid: 'call-in', hangup_cause: 'ORIGINATOR_CANCEL', type: 'inbound' });
      const record = (await records.next()).payload;
      assert.deepStrictEqual([record.direction, record.extension, record.missed], ['inbound', '555', true]);
      assert.deepStrictEqual(
        legs.list.map((m) => [m.payload.state, m.payload.direction, m.payload.extension]),
        [
          ['ringing', 'inbound', '555'],
          ['ended', 'inbound', '555'],
        ],
      );
    });

    it('one clock per record: a PBX clock an hour off is not used; else 3.0 records take its call_end stamps', async () => {
      const { hr: records } = await load();
      sim.pbx.clockOffsetMs = 3600 * 1000;
      const before = Date.now();
      sim.pbx.playCall({ from: '74950000001', to: '101', answerAfterMs: 60, hangupAfterMs: 100 });
      const off = (await records.next()).payload;
      assert.strictEqual(off.clock, 'local', JSON.stringify(off));
      assert.ok(off.startedAt >= before && off.endedAt <= Date.now(), 'arrival times');
      assert.ok(off.ringMs >= 40 && off.ringMs < 2000 && off.talkMs >= 80 && off.talkMs < 2000, JSON.stringify(off));
      sim.pbx.clockOffsetMs = 0;
      sim.pbx.playCall({ from: '74950000001', to: '101', answerAfterMs: 60, hangupAfterMs: 100 });
      const right = (await records.next()).payload;
      // 2.0 stamps no call's end: arrival times; 3.0's call_end stamps start and end: the PBX's.
      assert.strictEqual(right.clock, v3 ? 'pbx' : 'local');
      assert.strictEqual(right.durationMs, right.endedAt - right.startedAt);
      assert.ok(Math.abs(right.startedAt - Date.now()) < 5000);
    });

    if (!v3) return;

    it('ws-types.ts call_end (id in uuid, no call_uuid) ends a leg seen only in channel_bridge: one record', async () => {
      const { hr: records, hl: legs } = await load();
      const now = Date.now();
      play('C-1', [
        [
          'channel_create',
          {
            uuid: 'A-1',
            direction: 'inbound',
            created_stamp: now,
            endpoint: `101@${sim.domain}`,
            caller_number: '101',
            destination_number: '102',
            gate: '',
          },
        ],
        ['channel_answer', { uuid: 'A-1', answered_stamp: String(now + 30) }],
        // The callee's channel shows up only here, and its channel_destroy never comes.
        ['channel_bridge', { direction: 'inbound', aleg_uuid: 'A-1', bleg_uuid: 'B-1' }],
        [
          'channel_destroy',
          { uuid: 'A-1', direction: 'inbound', endpoint: `101@${sim.domain}`, hangup_cause: 'NORMAL_CLEARING' },
        ],
      ]);
      await waitFor(() => legs.list.some((m) => m.topic === 'A-1' && m.payload.state === 'ended'), 2000, 'A ended');
      assert.strictEqual(legs.list.find((m) => m.topic === 'B-1').payload.state, 'connected');
      // The simulator in ws-types shape sends this with the call's id in `uuid` and no `call_uuid`.
      sim.pbx.emit('call_end', {
        call_uuid: 'C-1',
        start_stamp: Math.floor(now / 1000),
        end_stamp: Math.floor(now / 1000) + 2,
        duration: 2,
        user_talk_time: 2,
        hangup_cause: 'NORMAL_CLEARING',
        type: 'local',
      });
      const end = await legs.next((m) => m.topic === 'B-1' && m.payload.state === 'ended');
      assert.strictEqual(end.event, 'call_end');
      assert.strictEqual(end.raw.data.call_uuid, undefined, 'the frame as ws-types.ts has it');
      assert.strictEqual(end.raw.data.uuid, 'C-1');
      const record = (await records.next()).payload;
      assert.deepStrictEqual(
        [record.callId, record.direction, record.answered, record.talkMs],
        ['A-1', 'local', true, 2000],
      );
      await settle();
      assert.strictEqual(records.list.length, 1, 'one record');
      assert.deepStrictEqual(connection().store.entries('call'), [], 'no leg stays connected');
    });

    it("ws-types.ts error replies carry message at the top level: the PBX's text reaches Catch", async () => {
      const { errors } = await load();
      helper.getNode('cc').receive({ payload: { callId: 'not-a-channel' } });
      const err = await errors.next();
      assert.match(err.error.message, /onlinePBX hangup_channel: CHANNEL_NOT_FOUND/);
    });
  });
}
