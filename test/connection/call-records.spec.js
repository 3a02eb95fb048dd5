'use strict';
const assert = require('assert');
const { CallRecords } = require('../../dist/connection/call-records');
const { waitFor } = require('../support/wait');

function tracker() {
  const records = [];
  const t = new CallRecords((r) => records.push(r));
  const leg = (payload, now, extra = {}) =>
    t.leg({ topic: payload.callId, payload, event: 'e', raw: {}, ...extra }, now);
  return { t, records, leg };
}

describe('CallRecords', () => {
  let t;
  afterEach(() => t && t.t.stop());

  it('one record for an answered call, with ring and talk times from arrival times', () => {
    t = tracker();
    t.leg({ callId: 'c1', state: 'ringing', direction: 'inbound', from: '0301', to: '204', extension: '204' }, 1000);
    t.leg({ callId: 'c1', state: 'connected', direction: 'inbound' }, 3000);
    t.leg({ callId: 'c1', state: 'held', direction: 'inbound' }, 4000);
    t.leg({ callId: 'c1', state: 'ended', direction: 'inbound', cause: 'normal' }, 10000);
    assert.deepStrictEqual(t.records, [
      {
        callId: 'c1',
        direction: 'inbound',
        from: '0301',
        to: '204',
        extension: '204',
        startedAt: 1000,
        answeredAt: 3000,
        endedAt: 10000,
        ringMs: 2000,
        talkMs: 7000,
        durationMs: 9000,
        answered: true,
        missed: false,
        cause: 'normal',
        clock: 'local',
      },
    ]);
  });

  it('missed = inbound and never answered; outbound unanswered is not missed', () => {
    t = tracker();
    t.leg({ callId: 'in', state: 'ringing', direction: 'inbound' }, 0);
    t.leg({ callId: 'in', state: 'ended', direction: 'inbound' }, 5000);
    t.leg({ callId: 'out', state: 'ringing', direction: 'outbound' }, 0);
    t.leg({ callId: 'out', state: 'ended', direction: 'outbound' }, 5000);
    assert.deepStrictEqual(
      t.records.map((r) => [r.callId, r.missed, r.ringMs, r.talkMs, r.answered]),
      [
        ['in', true, 5000, 0, false],
        ['out', false, 5000, 0, false],
      ],
    );
  });

  it("names the PBX user's extension, not the trunk leg's outside number", () => {
    t = tracker();
    const g = { call: { group: 'g1', direction: 'inbound' } };
    const caller = { callId: 'a', direction: 'inbound', from: '0301', to: '204', extension: '0301' };
    const callee = { callId: 'b', direction: 'outbound', from: '0301', to: '204', extension: '204' };
    t.leg({ ...caller, state: 'ringing' }, 0, g);
    t.leg({ ...callee, state: 'ringing' }, 10, g);
    t.leg({ ...callee, state: 'ended' }, 900, g);
    t.leg({ ...caller, state: 'ended' }, 1000, g);
    const out = { call: { group: 'g2', direction: 'outbound' } };
    t.leg({ callId: 'c', direction: 'outbound', from: '204', to: '0302', extension: '204', state: 'ringing' }, 0, out);
    t.leg({ callId: 'c', direction: 'outbound', from: '204', to: '0302', extension: '204', state: 'ended' }, 9, out);
    assert.deepStrictEqual(
      t.records.map((r) => [r.callId, r.direction, r.extension]),
      [
        ['a', 'inbound', '204'],
        ['c', 'outbound', '204'],
      ],
    );
  });

  it('one record for a multi-leg call, when its last leg ends; both directions make it local', () => {
    t = tracker();
    const g = { call: { group: 'conf-1' } };
    t.leg({ callId: 'a', state: 'ringing', direction: 'outbound', from: '201', to: '202' }, 0, g);
    t.leg({ callId: 'b', state: 'ringing', direction: 'inbound', from: '201', to: '202' }, 10, g);
    t.leg({ callId: 'b', state: 'connected', direction: 'inbound' }, 2000, g);
    t.leg({ callId: 'a', state: 'connected', direction: 'outbound' }, 2000, g);
    t.leg({ callId: 'a', state: 'ended', direction: 'outbound' }, 9000, g);
    assert.strictEqual(t.records.length, 0, 'leg b still runs');
    t.leg({ callId: 'b', state: 'ended', direction: 'inbound' }, 9100, g);
    t.leg({ callId: 'b', state: 'ended', direction: 'inbound' }, 9200, g);
    assert.strictEqual(t.records.length, 1, 'one record, a second end event changes nothing');
    assert.deepStrictEqual(
      [t.records[0].callId, t.records[0].direction, t.records[0].talkMs, t.records[0].endedAt],
      ['a', 'local', 7100, 9100],
    );
  });

  it("one clock per record: the PBX's stamps only where it stamps start and end; marks ends found by a resync (issue 26)", () => {
    t = tracker();
    // The PBX stamps start and answer (onlinePBX 2.0 created_stamp, answered_stamp) but not the
    // end: its start with Node-RED's end would make the clocks' difference ring or talk time.
    const facts = { call: { startedAt: 500, direction: 'inbound' } };
    t.leg({ callId: 'x', state: 'ringing', direction: 'outbound' }, 900, facts);
    t.leg({ callId: 'x', state: 'connected' }, 2000, { call: { answeredAt: 1500 } });
    t.leg({ callId: 'x', state: 'ended' }, 60000, { resync: true });
    // Start and end stamped: the PBX's clock throughout.
    t.leg({ callId: 'y', state: 'ringing' }, 1000, { at: 400 });
    t.leg({ callId: 'y', state: 'connected' }, 2000, { at: 1400 });
    t.leg({ callId: 'y', state: 'ended' }, 9000, { at: 8400 });
    // An hour off (a clock in another time zone): not used for that call.
    const hour = 3600 * 1000;
    t.leg({ callId: 'z', state: 'ringing' }, 1000, { at: 1000 - hour });
    t.leg({ callId: 'z', state: 'ended' }, 4000, { at: 4000 - hour });
    assert.deepStrictEqual(
      t.records.map((r) => [r.callId, r.clock, r.startedAt, r.answeredAt, r.endedAt, r.ringMs, r.talkMs]),
      [
        ['x', 'local', 900, 2000, 60000, 1100, 58000],
        ['y', 'pbx', 400, 1400, 8400, 1000, 7000],
        ['z', 'local', 1000, undefined, 4000, 3000, 0],
      ],
    );
    assert.deepStrictEqual([t.records[0].direction, t.records[0].endedWhileDisconnected], ['inbound', true]);
  });

  it("waits for the PBX's summary of a call and takes its times as a whole", async () => {
    t = tracker();
    const facts = { call: { group: 'g', summary: true } };
    t.leg({ callId: 'a', state: 'ringing', direction: 'inbound' }, 1000, facts);
    t.leg({ callId: 'a', state: 'ended' }, 5000, facts);
    assert.strictEqual(t.records.length, 0, 'waits for call_end');
    t.t.summary({ group: 'g', startedAt: 1000, endedAt: 9000, talkMs: 3000, direction: 'outbound', cause: 'X' }, {});
    assert.deepStrictEqual(
      [t.records.length, t.records[0].answeredAt, t.records[0].talkMs, t.records[0].direction, t.records[0].missed],
      [1, 6000, 3000, 'outbound', false],
    );
    assert.strictEqual(t.records[0].clock, 'pbx');
    t.t.summary({ group: 'g', startedAt: 1000, endedAt: 9000 }, {});
    assert.strictEqual(t.records.length, 1, 'a late summary is no second record');
    // Without the summary the record still comes, after a short wait.
    t.leg({ callId: 'b', state: 'ringing', direction: 'inbound' }, 0, { call: { group: 'h', summary: true } });
    t.leg({ callId: 'b', state: 'ended' }, 100, { call: { group: 'h', summary: true } });
    await waitFor(() => t.records.length === 2, 3000);
    assert.strictEqual(t.records[1].missed, true);
  });

  it('a summary an hour off the arrival times is not used: arrival times, talk time from the summary (issue 26)', () => {
    t = tracker();
    const hour = 3600 * 1000;
    const facts = { call: { group: 'g', summary: true } };
    t.leg({ callId: 'a', state: 'ringing', direction: 'inbound' }, hour + 1000, facts);
    t.leg({ callId: 'a', state: 'ended' }, hour + 9000, facts);
    t.t.summary({ group: 'g', startedAt: 1000, endedAt: 9000, talkMs: 3000, direction: 'inbound' }, {});
    const [r] = t.records;
    assert.deepStrictEqual(
      [r.clock, r.startedAt, r.endedAt, r.ringMs, r.talkMs, r.answered],
      ['local', hour + 1000, hour + 9000, 5000, 3000, true],
    );
  });

  it('stays bounded after 100,000 calls, and caps calls whose end never comes', () => {
    t = tracker();
    for (let i = 0; i < 100000; i++) {
      t.leg({ callId: `c${i}`, state: 'ringing', direction: 'inbound' }, i);
      t.leg({ callId: `c${i}`, state: 'ended' }, i + 1);
    }
    assert.strictEqual(t.records.length, 100000);
    assert.strictEqual(t.t.open.size, 0);
    assert.ok(t.t.done.size <= 1000);
    for (let i = 0; i < 20000; i++) t.leg({ callId: `o${i}`, state: 'connected' }, i);
    assert.strictEqual(t.t.open.size, 10000);
    assert.ok(t.t.groupOfLeg.size <= 10000);
  });
});
