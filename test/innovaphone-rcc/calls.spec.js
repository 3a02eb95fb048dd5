'use strict';
// Issue 10: the call table that folds CallInfo and CallAdd/CallUpdate/CallDel into one lifecycle.
const assert = require('assert');
const { CallTable } = require('../../dist/protocols/innovaphone/rcc/calls');
const { OUTSIDE_RINGS_ALICE } = require('./samples');

const NUMBERS = { 'Alice Adams': '201', 'Bob Brown': '202' };
const table = () => new CallTable((cn) => NUMBERS[cn]);
const info = (f) => ({ api: 'RCC', mt: 'CallInfo', ...f });
const add = (f) => ({ api: 'RCC', mt: 'CallAdd', ...f });
const upd = (f) => ({ api: 'RCC', mt: 'CallUpdate', ...f });

describe('innovaphone RCC call table', () => {
  it('CallInfo: an incoming call rings, connects, is held, ends with its cause, and del adds nothing', () => {
    const t = table();
    const peer = { e164: '0301234', h323: '', dn: 'Outside' };
    let r = t.applyCallInfo(info({ user: 1, call: 7, conf: 'c1', state: 129, peer, msg: 'x-setup' }), 'Alice Adams', 1);
    assert.deepStrictEqual(
      { ...r.payload, bits: undefined },
      {
        callId: '7',
        ...OUTSIDE_RINGS_ALICE,
        fromName: 'Outside',
        conf: 'c1',
        bits: undefined,
      },
    );
    assert.strictEqual(r.payload.bits.setup, true);
    assert.strictEqual(r.payload.bits.outgoing, true);
    r = t.applyCallInfo(info({ user: 1, call: 7, state: 132, msg: 'r-alert' }), 'Alice Adams', 1);
    assert.strictEqual(r.payload, undefined, 'still ringing: nothing new to report');
    assert.strictEqual(r.callId, '7');
    r = t.applyCallInfo(info({ user: 1, call: 7, state: 133, msg: 'r-conn' }), 'Alice Adams', 1);
    assert.strictEqual(r.payload.state, 'connected');
    r = t.applyCallInfo(info({ user: 1, call: 7, state: 133 + 512, msg: 'hold' }), 'Alice Adams', 1);
    assert.strictEqual(r.payload.state, 'held');
    assert.strictEqual(r.payload.bits.heldByPeer, true);
    r = t.applyCallInfo(info({ user: 1, call: 7, state: 133, msg: 'retrieve' }), 'Alice Adams', 1);
    assert.strictEqual(r.payload.state, 'connected');
    r = t.applyCallInfo(
      info({
        user: 1,
        call: 7,
        state: 135,
        msg: 'r-disc',
        info: [{ type: 'cause', vali: 16, vals: 'Normal call clearing' }],
      }),
      'Alice Adams',
      1,
    );
    assert.strictEqual(r.payload.state, 'ended');
    assert.strictEqual(r.payload.cause, 'Normal call clearing');
    assert.strictEqual(r.payload.causeCode, 16);
    assert.strictEqual(r.payload.bits.disconnected, true);
    r = t.applyCallInfo(info({ user: 1, call: 7, msg: 'del' }), 'Alice Adams', 1);
    assert.strictEqual(r.payload, undefined);
    assert.strictEqual(t.size, 0);
  });

  it('an outgoing call of the user (no outgoing bit) is outbound; `del:true` without disc ends it', () => {
    const t = table();
    let r = t.applyCallInfo(
      info({ user: 1, call: 3, state: 1, peer: { h323: 'bob' }, msg: 'r-setup' }),
      'Alice Adams',
      1,
    );
    assert.strictEqual(r.payload.direction, 'outbound');
    assert.strictEqual(r.payload.from, '201');
    assert.strictEqual(r.payload.to, 'bob');
    r = t.applyCallInfo(info({ user: 1, call: 3, del: true }), 'Alice Adams', 1);
    assert.strictEqual(r.payload.state, 'ended');
    assert.strictEqual(r.payload.bits.disconnected, true);
    assert.strictEqual(t.size, 0);
  });

  it('a UserCall under way claims the next new leg of its user: outbound, to the number dialled', () => {
    const t = table();
    t.beginOriginate(1, '0301234');
    const r = t.applyCallInfo(info({ user: 1, call: 9, state: 129, msg: 'x-setup' }), 'Alice Adams', 1);
    assert.strictEqual(
      r.payload.direction,
      'outbound',
      'the PBX rings the caller first: PBX-centric outgoing, but ours',
    );
    assert.strictEqual(r.payload.to, '0301234');
    t.endOriginate(1, '0301234', 9);
    // Answered before the leg shows up: the result's handle is remembered.
    t.beginOriginate(1, '555');
    t.endOriginate(1, '555', 10);
    const other = t.applyCallInfo(info({ user: 1, call: 11, state: 129 }), 'Alice Adams', 1);
    assert.strictEqual(other.payload.direction, 'inbound', 'not the dialled call');
    const mine = t.applyCallInfo(info({ user: 1, call: 10, state: 129 }), 'Alice Adams', 1);
    assert.strictEqual(mine.payload.direction, 'outbound');
    assert.strictEqual(mine.payload.to, '555');
    // A failed UserCall leaves no claim behind.
    t.beginOriginate(1, '777');
    t.endOriginate(1, '777', undefined);
    assert.strictEqual(
      t.applyCallInfo(info({ user: 1, call: 12, state: 129 }), 'Alice Adams', 1).payload.direction,
      'inbound',
    );
  });

  it('CallAdd/CallUpdate/CallDel: a lifecycle with local/remote; without `state` the phase comes from `msg`', () => {
    const t = table();
    let r = t.applyCallAdd(add({ guid: 'g', cn: 'Bob Brown', call: 100, state: 129, 'conf-id': 'cf', 'call-id': 'x' }));
    assert.strictEqual(r.payload.state, 'ringing');
    assert.strictEqual(r.payload.direction, 'inbound');
    assert.strictEqual(r.payload.to, '202');
    r = t.applyCallUpdate(
      upd({ call: 100, msg: 'x-setup', local: { e164: '202' }, remote: { e164: '0301234', h323: '' } }),
    );
    assert.strictEqual(r.payload, undefined);
    r = t.applyCallUpdate(upd({ call: 100, msg: 'r-conn' }));
    assert.strictEqual(r.payload.state, 'connected');
    assert.strictEqual(r.payload.from, '0301234');
    assert.strictEqual(r.payload.bits.outgoing, true, 'direction bits kept when only msg is known');
    r = t.applyCallUpdate(upd({ call: 100, msg: 'hold', state: 133 + 256 }));
    assert.strictEqual(r.payload.state, 'held');
    assert.strictEqual(t.applyCallUpdate(upd({ call: 999, msg: 'r-conn' })).payload, undefined, 'unknown call ignored');
    r = t.applyCallDel({ api: 'RCC', mt: 'CallDel', call: 100 });
    assert.strictEqual(r.payload.state, 'ended');
    assert.strictEqual(t.size, 0);
  });

  it('a CallAdd in state init takes its direction from the setup that follows; CallDelete is CallDel', () => {
    const t = table();
    const r = t.applyCallAdd(add({ cn: 'Alice Adams', call: 30, state: 0 }));
    assert.strictEqual(r.payload.state, 'ringing');
    t.applyCallUpdate(upd({ call: 30, msg: 'x-setup', local: { e164: '201' }, remote: { e164: '0301234' } }));
    const now = t.current('30');
    assert.strictEqual(now.direction, 'inbound');
    assert.strictEqual(now.from, '0301234');
    assert.strictEqual(now.bits.value, 129);
    const out = t.applyCallAdd(add({ cn: 'Bob Brown', call: 31, state: 0 }));
    t.applyCallUpdate(upd({ call: 31, msg: 'r-setup', remote: { h323: 'alice' } }));
    assert.strictEqual(t.current('31').direction, 'outbound');
    assert.strictEqual(t.current('31').to, 'alice');
    assert.strictEqual(out.payload.callId, '31');
    assert.strictEqual(t.applyCallDel({ mt: 'CallDelete', call: 31 }).payload.state, 'ended');
    assert.strictEqual(t.current('31'), undefined);
  });

  it('both sources with one id space report one lifecycle', () => {
    const t = table();
    const reports = [];
    const keep = (r) => r.payload && reports.push(r.payload);
    keep(t.applyCallAdd(add({ cn: 'Alice Adams', call: 5, state: 129, 'conf-id': 'cf' })));
    keep(t.applyCallInfo(info({ user: 1, call: 5, conf: 'cf', state: 129, msg: 'x-setup' }), 'Alice Adams', 1));
    keep(t.applyCallUpdate(upd({ call: 5, msg: 'r-conn', state: 133 })));
    keep(t.applyCallInfo(info({ user: 1, call: 5, conf: 'cf', state: 133, msg: 'r-conn' }), 'Alice Adams', 1));
    keep(t.applyCallInfo(info({ user: 1, call: 5, msg: 'del' }), 'Alice Adams', 1));
    keep(t.applyCallDel({ call: 5 }));
    assert.deepStrictEqual(
      reports.map((p) => `${p.callId} ${p.state}`),
      ['5 ringing', '5 connected', '5 ended'],
    );
    assert.deepStrictEqual(t.idsOf('5'), undefined);
  });

  it('both sources with separate id spaces are matched by user and conference id', () => {
    const t = table();
    const reports = [];
    const keep = (r) => r.payload && reports.push(r.payload);
    keep(t.applyCallAdd(add({ cn: 'Alice Adams', call: 100005, state: 129, 'conf-id': 'cf' })));
    keep(t.applyCallAdd(add({ cn: 'Bob Brown', call: 100006, state: 1, 'conf-id': 'cf' })));
    keep(t.applyCallInfo(info({ user: 1, call: 5, conf: 'cf', state: 132 }), 'Alice Adams', 1));
    assert.deepStrictEqual(t.idsOf('100005'), { handle: 5, addId: 100005, cn: 'Alice Adams', state: 132 });
    keep(t.applyCallInfo(info({ user: 1, call: 5, conf: 'cf', state: 133 }), 'Alice Adams', 1));
    keep(t.applyCallDel({ call: 100005 }));
    assert.deepStrictEqual(
      reports.map((p) => `${p.callId} ${p.user} ${p.state}`),
      [
        '100005 Alice Adams ringing',
        '100006 Bob Brown ringing',
        '100005 Alice Adams connected',
        '100005 Alice Adams ended',
      ],
    );
    assert.strictEqual(t.callIdOfHandle(5), undefined, 'the handle went with the leg');
  });

  it('numbers from two id spaces never share a call id', () => {
    const t = table();
    t.applyCallAdd(add({ cn: 'Bob Brown', call: 5, state: 129, 'conf-id': 'b' }));
    const r = t.applyCallInfo(info({ user: 1, call: 5, conf: 'a', state: 129 }), 'Alice Adams', 1);
    assert.strictEqual(r.payload.callId, '5.2');
    assert.strictEqual(t.callIdOfHandle(5), '5.2');
  });

  it('a handle used again after an end without del starts a new call; a call first seen ended is not reported', () => {
    const t = table();
    t.applyCallInfo(info({ user: 1, call: 4, state: 129 }), 'Alice Adams', 1);
    assert.strictEqual(
      t.applyCallInfo(info({ user: 1, call: 4, state: 134 }), 'Alice Adams', 1).payload.state,
      'ended',
    );
    const again = t.applyCallInfo(info({ user: 1, call: 4, state: 129 }), 'Alice Adams', 1);
    assert.strictEqual(again.payload.state, 'ringing');
    assert.strictEqual(t.applyCallInfo(info({ user: 1, call: 8, state: 135 }), 'Alice Adams', 1).payload, undefined);
    assert.strictEqual(t.applyCallInfo(info({ user: 1, call: 9, msg: 'del' }), 'Alice Adams', 1).payload, undefined);
    assert.strictEqual(
      t.applyCallInfo(info({ user: 1, msg: 'x-setup' }), 'Alice Adams', 1).payload,
      undefined,
      'no call handle',
    );
  });

  it('restore: legs listed again keep their call id and report only changes; the rest end in sweep', () => {
    const t = table();
    t.applyCallAdd(add({ cn: 'Alice Adams', call: 1, state: 133, 'conf-id': 'keep' }));
    t.applyCallAdd(add({ cn: 'Bob Brown', call: 2, state: 129, 'conf-id': 'gone' }));
    t.applyCallInfo(info({ user: 4, call: 3, state: 133 }), 'Alice Adams', 4);
    t.applyCallInfo(info({ user: 4, call: 6, state: 134 }), 'Alice Adams', 4);
    t.suspend();
    assert.strictEqual(t.size, 3, 'the ended leg is forgotten');
    assert.strictEqual(t.idsOf('1').addId, undefined, 'ids die with the socket');
    // The new socket numbers differently; the kept call is found by its conference id.
    let r = t.applyCallAdd(add({ cn: 'Alice Adams', call: 41, state: 133 + 256, 'conf-id': 'keep' }));
    assert.strictEqual(r.callId, '1');
    assert.strictEqual(r.payload.state, 'held', 'changed while away');
    // A CallInfo-only leg without conference id is found by its old handle.
    r = t.applyCallInfo(info({ user: 9, call: 3, state: 133 }), 'Alice Adams', 9);
    assert.strictEqual(r.callId, '3');
    assert.strictEqual(r.payload, undefined, 'unchanged: nothing to report');
    const ended = t.sweep();
    assert.deepStrictEqual(
      ended.map((p) => `${p.callId} ${p.state} ${p.bits.disconnected}`),
      ['2 ended true'],
    );
    assert.deepStrictEqual(t.sweep(), []);
    assert.strictEqual(t.size, 2);
  });
});
