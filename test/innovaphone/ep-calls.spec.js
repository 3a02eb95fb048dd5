'use strict';
// Calls of EpSignal-attached devices in pbx-call-in's shape (the source when RCC is missing).
const assert = require('assert');
const { EpCallTable } = require('../../dist/protocols/innovaphone/ep-calls');

const HW = '009033aabbcc';
const sig = (call, sigObj, to) => ({
  api: 'EpSignal',
  mt: 'Signaling',
  call,
  sig: sigObj,
  ...(to === undefined ? {} : { to }),
});

describe('innovaphone EpSignal calls', () => {
  it('follows a call the device places: ringing, connected, ended with the cause', () => {
    const t = new EpCallTable();
    const states = [
      t.apply(HW, sig(12, { type: 'setup', cg: { num: '200' }, cd: { num: '201' } })),
      t.apply(HW, sig(12, { type: 'call_proc' }, true)),
      t.apply(HW, sig(12, { type: 'alert' }, true)),
      t.apply(HW, sig(12, { type: 'conn' }, true)),
      t.apply(HW, sig(12, { type: 'facility', fty: [{ type: 'remote_hold' }] }, true)),
      t.apply(HW, sig(12, { type: 'facility', fty: [{ type: 'remote_retrieve' }] }, true)),
      t.apply(HW, sig(12, { type: 'rel', cau: { loc: 'user', num: 16 } }, true)),
      t.apply(HW, sig(12, { type: 'rel' })),
    ];
    assert.deepStrictEqual(
      states.map((s) => s && s.state),
      ['ringing', undefined, undefined, 'connected', 'held', 'connected', 'ended', undefined],
    );
    assert.deepStrictEqual(states[6], {
      callId: `${HW}:12`,
      state: 'ended',
      direction: 'outbound',
      from: '200',
      to: '201',
      extension: '200',
      cause: '16',
    });
  });

  it('a setup toward the device is inbound; Sync reports calls in progress; Detached ends them', () => {
    const t = new EpCallTable();
    const inbound = t.apply(HW, sig(-3, { type: 'setup', cg: { num: '0711' }, cd: { num: '200' } }, true));
    assert.deepStrictEqual([inbound.direction, inbound.from, inbound.extension], ['inbound', '0711', '200']);
    const sync = t.apply(HW, {
      api: 'EpSignal',
      mt: 'Sync',
      call: 7,
      info: { channel: -1, in: false, state: 'connected', remote: { num: '0711123', sip: '', dn: 'Bob' } },
    });
    assert.deepStrictEqual(sync, {
      callId: `${HW}:7`,
      state: 'connected',
      direction: 'outbound',
      to: '0711123',
      toName: 'Bob',
    });
    assert.strictEqual(t.apply(HW, { api: 'EpSignal', mt: 'Sync', call: 8, info: { state: null } }), undefined);
    assert.strictEqual(t.apply(HW, sig(99, { type: 'conn' }, true)), undefined, 'no setup, no call');
    assert.deepStrictEqual(
      t.end(HW).map((c) => [c.callId, c.state]),
      [
        [`${HW}:-3`, 'ended'],
        [`${HW}:7`, 'ended'],
      ],
    );
  });
});
