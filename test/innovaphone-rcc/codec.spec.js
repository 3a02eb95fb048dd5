'use strict';
// Issue 10, pure parts: RCC request builders, the call state integer, the user table.
const assert = require('assert');
const m = require('../../dist/protocols/innovaphone/rcc/messages');
const {
  decodeState,
  normalState,
  stateAfterMsg,
  withPhase,
} = require('../../dist/protocols/innovaphone/rcc/call-state');
const { UserTable } = require('../../dist/protocols/innovaphone/rcc/users');

describe('innovaphone RCC messages', () => {
  it('Initialize asks for all calls by default and clamps limit to 50', () => {
    assert.deepStrictEqual(m.initialize(), { api: 'RCC', mt: 'Initialize', calls: true });
    assert.deepStrictEqual(m.initialize({ calls: false, grp: true, limit: 500 }), {
      api: 'RCC',
      mt: 'Initialize',
      calls: false,
      grp: true,
      limit: 50,
    });
  });

  it('UserInitialize carries cn and only the options given, typed', () => {
    assert.deepStrictEqual(m.userInitialize('Alice Adams'), { api: 'RCC', mt: 'UserInitialize', cn: 'Alice Adams' });
    assert.deepStrictEqual(m.userInitialize('alice', { hw: '009033aabbcc', xfer: 'true', disc: false }), {
      api: 'RCC',
      mt: 'UserInitialize',
      cn: 'alice',
      hw: '009033aabbcc',
      xfer: true,
      disc: false,
    });
  });

  it('UserCall addresses numbers as e164, names as h323, PBX objects as cn, and passes its options typed', () => {
    assert.deepStrictEqual(m.userCall(3, m.destinationOf('+4930123')), {
      api: 'RCC',
      mt: 'UserCall',
      user: 3,
      e164: '+4930123',
    });
    assert.deepStrictEqual(m.userCall(3, m.destinationOf(' 201 ')), {
      api: 'RCC',
      mt: 'UserCall',
      user: 3,
      e164: '201',
    });
    assert.deepStrictEqual(m.userCall(3, m.destinationOf('*21#')), {
      api: 'RCC',
      mt: 'UserCall',
      user: 3,
      e164: '*21#',
    });
    assert.deepStrictEqual(m.userCall(3, m.destinationOf('bob')), { api: 'RCC', mt: 'UserCall', user: 3, h323: 'bob' });
    assert.deepStrictEqual(
      m.destinationOf('Bob Brown', (n) => n === 'Bob Brown'),
      { cn: 'Bob Brown' },
    );
    assert.deepStrictEqual(m.destinationOf('+'), { h323: '+' });
    assert.deepStrictEqual(
      m.userCall(3, { e164: '5' }, { srce164: 'R123', ftyNoCF: 1, audio: 'false', rc: '4', other: 1 }),
      {
        api: 'RCC',
        mt: 'UserCall',
        user: 3,
        e164: '5',
        srce164: 'R123',
        ftyNoCF: true,
        audio: false,
        rc: 4,
      },
    );
    assert.throws(() => m.destinationOf('  '), /destination/);
  });

  it('call requests carry integer handles; a hangup defaults to cause 16', () => {
    assert.deepStrictEqual(m.userClear(7), { api: 'RCC', mt: 'UserClear', call: 7, cause: 16 });
    assert.deepStrictEqual(m.userClear(7, '17'), { api: 'RCC', mt: 'UserClear', call: 7, cause: 17 });
    assert.deepStrictEqual(m.userConnect(7), { api: 'RCC', mt: 'UserConnect', call: 7 });
    assert.deepStrictEqual(m.userHold(7), { api: 'RCC', mt: 'UserHold', call: 7 });
    assert.deepStrictEqual(m.userHold(7, true), { api: 'RCC', mt: 'UserHold', call: 7, remote: true });
    assert.deepStrictEqual(m.userRetrieve(7), { api: 'RCC', mt: 'UserRetrieve', call: 7 });
    assert.deepStrictEqual(m.userTransfer(7, 8), { api: 'RCC', mt: 'UserTransfer', a: 7, b: 8 });
    assert.deepStrictEqual(m.userRedirect(7, { h323: 'carol' }), {
      api: 'RCC',
      mt: 'UserRedirect',
      call: 7,
      h323: 'carol',
    });
    assert.deepStrictEqual(m.userPickup(2, 7), { api: 'RCC', mt: 'UserPickup', user: 2, call: 7 });
    assert.deepStrictEqual(m.userPickup(2, undefined, 'Bob'), { api: 'RCC', mt: 'UserPickup', user: 2, cn: 'Bob' });
    assert.deepStrictEqual(m.userDtmf(7, '12#'), { api: 'RCC', mt: 'UserDTMF', call: 7, dtmf: '12#' });
  });

  it('handleOf takes integers and numeric strings, refuses the rest', () => {
    assert.strictEqual(m.handleOf('42', 'callId'), 42);
    assert.strictEqual(m.handleOf(42, 'callId'), 42);
    assert.throws(() => m.handleOf('4.5', 'callId'), /callId must be/);
    assert.throws(() => m.handleOf('abc', 'callId'), /callId must be/);
    assert.throws(() => m.handleOf('', 'callId'), /callId must be/);
  });
});

describe('innovaphone RCC call state bits', () => {
  it('decodes phase, direction, hold, held and waiting bits', () => {
    const s = decodeState(5 + 128 + 256 + 1024);
    assert.deepStrictEqual(s, {
      value: 1413,
      phase: 'conn',
      setup: false,
      alert: false,
      connected: true,
      disconnected: false,
      parked: false,
      outgoing: true,
      held: true,
      onHold: true,
      heldByPeer: false,
      waiting: true,
    });
    assert.strictEqual(decodeState(1).setup, true);
    assert.strictEqual(decodeState(2).phase, 'setup-ack');
    assert.strictEqual(decodeState(3).setup, true);
    assert.strictEqual(decodeState(4).alert, true);
    assert.strictEqual(decodeState(6).disconnected, true);
    assert.strictEqual(decodeState(7).phase, 'disc-received');
    assert.strictEqual(decodeState(8).parked, true);
    assert.strictEqual(decodeState(5 + 512).heldByPeer, true);
    assert.strictEqual(decodeState(5 + 512).held, true);
    assert.strictEqual(decodeState(12).phase, 'unknown');
  });

  it('maps every phase onto the normalized lifecycle', () => {
    const expect = {
      0: 'ringing',
      1: 'ringing',
      2: 'ringing',
      3: 'ringing',
      4: 'ringing',
      5: 'connected',
      6: 'ended',
      7: 'ended',
      8: 'held',
    };
    for (const [phase, state] of Object.entries(expect)) {
      assert.strictEqual(normalState(Number(phase)), state, `phase ${phase}`);
      assert.strictEqual(normalState(Number(phase) + 128), state, `phase ${phase} outgoing`);
    }
    assert.strictEqual(normalState(5 + 256), 'held');
    assert.strictEqual(normalState(5 + 512 + 128), 'held');
    assert.strictEqual(normalState(4 + 1024), 'ringing');
    assert.strictEqual(normalState(9), 'connected', 'an undocumented phase is a call in progress');
  });

  it('derives states from signalling names: phase, and the direction from a setup', () => {
    assert.strictEqual(stateAfterMsg(0, 'x-setup'), 129, 'the PBX offers the call to the phone');
    assert.strictEqual(stateAfterMsg(128, 'r-setup'), 1, 'the phone places a call');
    assert.strictEqual(stateAfterMsg(129, 'r-alert'), 132);
    assert.strictEqual(stateAfterMsg(4, 'x-conn'), 5);
    assert.strictEqual(stateAfterMsg(133, 'x-disc'), 134);
    assert.strictEqual(stateAfterMsg(133, 'r-disc'), 135);
    assert.strictEqual(stateAfterMsg(5, 'r-rel'), 7);
    assert.strictEqual(stateAfterMsg(1, 'x-call-proc'), 3);
    assert.strictEqual(stateAfterMsg(1, 'setup-ack'), 2);
    assert.strictEqual(stateAfterMsg(133 + 256, 'r-conn'), 133 + 256, 'hold bits kept');
    assert.strictEqual(stateAfterMsg(133, 'hold'), undefined);
    assert.strictEqual(stateAfterMsg(133, undefined), undefined);
    assert.strictEqual(withPhase(4 + 128 + 256, 5), 5 + 128 + 256);
  });
});

describe('innovaphone RCC user table', () => {
  const info = (f) => ({ api: 'RCC', mt: 'UserInfo', ...f });

  it('keeps users from UserInfo and finds them by cn, SIP name or number', () => {
    const t = new UserTable();
    t.apply(
      info({ guid: 'g1', cn: 'Alice Adams', dn: 'Alice', h323: 'alice', e164: '201', regs: [{ hw: '0090331' }, {}] }),
    );
    t.apply(info({ cn: 'Bob Brown', h323: 'bob', e164: 202 }));
    assert.strictEqual(t.size, 2);
    assert.strictEqual(t.find('Alice Adams').e164, '201');
    assert.strictEqual(t.find('ALICE').cn, 'Alice Adams');
    assert.strictEqual(t.find('202').cn, 'Bob Brown', 'a number sent as JSON number');
    assert.deepStrictEqual(t.find('alice').hw, ['0090331']);
    assert.strictEqual(t.find('carol'), undefined);
    assert.strictEqual(t.apply({ mt: 'UserInfo' }), undefined, 'no cn, no user');
  });

  it('applies updates and deletions', () => {
    const t = new UserTable();
    t.apply(info({ cn: 'Alice A', h323: 'alice', e164: '201' }));
    t.apply(info({ cn: 'Alice A', h323: 'alice2', e164: '211', update: 'upd' }));
    assert.strictEqual(t.find('201'), undefined);
    assert.strictEqual(t.find('alice'), undefined);
    assert.strictEqual(t.find('alice2').e164, '211');
    t.apply(info({ cn: 'Alice A', update: 'del' }));
    assert.strictEqual(t.size, 0);
    assert.strictEqual(t.find('211'), undefined);
  });
});
