'use strict';
// Issue 10: the RCC session against the RCC simulator over an in-memory AppWebsocket. Operations
// get their parameters checked, as the connection hands them to the adapter.
const assert = require('assert');
const { waitFor } = require('../support/wait');
const { RccSim } = require('../../dist/sim/innovaphone/rcc');
const { link } = require('./link');
const { checkCallControl, checkMakeCall } = require('../../dist/protocols/common/operations');
const { OUTSIDE_RINGS_ALICE } = require('./samples');

const USERS = [
  { cn: 'Alice Adams', dn: 'Alice', h323: 'alice', e164: '201', hw: ['009033000201'] },
  { cn: 'Bob Brown', dn: 'Bob', h323: 'bob', e164: '202' },
  { cn: 'Carol Clark', dn: 'Carol', h323: 'carol', e164: '203' },
];
const T = 2000;

describe('innovaphone RCC session', () => {
  let sim;
  let l;
  const start = async (simOpts = {}, sessionOpts = {}) => {
    sim = new RccSim({ users: USERS, ...simOpts });
    l = link(sim, sessionOpts);
    await l.session.watchCalls();
  };
  /** Resolves with the next call report matching `pred` after `from` reports. */
  const report = (pred, what = 'a call report') => waitFor(() => l.calls().find(pred), T, what);
  const requests = (mt) => l.sent().filter((m) => m.mt === mt);
  afterEach(() => {
    if (l) l.close();
    if (sim) sim.stop();
    l = undefined;
    sim = undefined;
  });

  it('Initialize asks for every call, fills the user table and reports an incoming call from CallAdd on', async () => {
    await start();
    assert.deepStrictEqual(
      requests('Initialize').map(({ src: _src, ...m }) => m),
      [{ api: 'RCC', mt: 'Initialize', calls: true }],
    );
    assert.deepStrictEqual(l.session.suggestions('users'), ['alice', 'bob', 'carol']);
    assert.deepStrictEqual(l.session.suggestions('extensions'), ['201', '202', '203']);
    assert.deepStrictEqual(l.session.suggestions('hw'), ['009033000201']);
    assert.deepStrictEqual(l.session.suggestions('to'), ['201', 'alice', '202', 'bob', '203', 'carol']);
    const leg = sim.incomingCall({ from: '0301234', to: 'Alice Adams', fromName: 'Outside' });
    const ringing = await report((e) => e.payload.state === 'ringing');
    assert.strictEqual(ringing.key, String(leg));
    assert.strictEqual(ringing.topic, String(leg));
    assert.strictEqual(ringing.event, 'CallAdd');
    assert.strictEqual(ringing.raw.mt, 'CallAdd');
    assert.deepStrictEqual(
      { ...ringing.payload, bits: undefined, conf: typeof ringing.payload.conf },
      {
        callId: String(leg),
        ...OUTSIDE_RINGS_ALICE,
        // The names the PBX gave both parties (the caller's Name Identification, the user's dn).
        fromName: 'Outside',
        toName: 'Alice',
        conf: 'string',
        bits: undefined,
      },
    );
    sim.answer(leg);
    const connected = await report((e) => e.payload.state === 'connected');
    assert.strictEqual(connected.event, 'CallUpdate');
    sim.hangup(leg, 17);
    const ended = await report((e) => e.payload.state === 'ended');
    assert.strictEqual(ended.payload.cause, 'User busy');
    assert.strictEqual(ended.payload.causeCode, 17);
    assert.strictEqual(l.calls().length, 3, 'one report per state change');
  });

  it('makeCall: UserInitialize once per user, UserCall to a number; the call is outbound', async () => {
    await start();
    const res = await l.session.makeCall(checkMakeCall({ from: 'alice', to: '0301234' }), T);
    const [init] = requests('UserInitialize');
    assert.strictEqual(init.cn, 'Alice Adams', 'the SIP name resolved to the long name');
    const [call] = requests('UserCall');
    assert.strictEqual(call.e164, '0301234');
    assert.strictEqual(res.raw.mt, 'UserCallResult');
    assert.deepStrictEqual(res.payload, {
      callId: String(res.raw.call),
      from: 'alice',
      to: '0301234',
      user: 'Alice Adams',
    });
    const ringing = await report((e) => e.payload.callId === res.payload.callId);
    assert.strictEqual(ringing.payload.direction, 'outbound');
    assert.strictEqual(ringing.payload.from, '201');
    assert.strictEqual(ringing.payload.to, '0301234');
    sim.answer(res.raw.call);
    await report((e) => e.payload.callId === res.payload.callId && e.payload.state === 'connected');
    // Another call of Alice's, to a user by name: no second UserInitialize.
    const second = await l.session.makeCall(checkMakeCall({ from: '201', to: 'bob' }), T);
    assert.strictEqual(requests('UserInitialize').length, 1);
    assert.strictEqual(requests('UserCall')[1].h323, 'bob');
    sim.answer(Number(second.payload.callId));
    const bob = await report((e) => e.payload.user === 'Bob Brown' && e.payload.state === 'ringing');
    assert.strictEqual(bob.payload.direction, 'inbound');
  });

  it('a PBX that counts handles from 0: user 0 and call 0 are handles, not failures', async () => {
    await start({ firstHandle: 0 });
    const res = await l.session.makeCall(checkMakeCall({ from: 'alice', to: '0301234' }), T);
    assert.strictEqual(requests('UserCall')[0].user, 0);
    assert.strictEqual(res.raw.call, 0);
    assert.strictEqual(res.payload.callId, '0');
    await l.session.callControl(checkCallControl({ action: 'hangup', callId: '0' }), T);
    assert.strictEqual(requests('UserClear')[0].call, 0);
    await report((e) => e.payload.callId === '0' && e.payload.state === 'ended');
  });

  it('makeCall refusals: unknown user, missing fields, no connection', async () => {
    await start();
    await assert.rejects(l.session.makeCall(checkMakeCall({ from: 'zed', to: '1' }), T), (err) => {
      assert.strictEqual(err.name, 'PbxRequestError');
      assert.match(err.message, /UserInitialize zed/);
      return true;
    });
    await assert.rejects(l.session.makeCall(checkMakeCall({ to: '1' }), T), /"from"/);
    await assert.rejects(l.session.makeCall(checkMakeCall({ from: 'alice' }), T), /"to"/);
    l.drop();
    await assert.rejects(l.session.makeCall(checkMakeCall({ from: 'alice', to: '1' }), T), {
      name: 'DisconnectedError',
    });
  });

  it('hangup, answer and dtmf on a call first seen in the PBX-wide list (its user is initialized on demand)', async () => {
    await start();
    const leg = sim.incomingCall({ from: '0301234', to: 'Alice Adams' });
    const ringing = await report((e) => e.payload.state === 'ringing');
    const answered = await l.session.callControl(
      checkCallControl({ action: 'answer', callId: ringing.payload.callId }),
      T,
    );
    assert.deepStrictEqual(answered.payload, { callId: String(leg), action: 'answer' });
    assert.strictEqual(requests('UserInitialize')[0].cn, 'Alice Adams');
    assert.strictEqual(requests('UserConnect')[0].call, leg);
    await report((e) => e.payload.state === 'connected');
    const dtmf = await l.session.callControl(
      checkCallControl({ action: 'dtmf', callId: String(leg), digits: '12#' }),
      T,
    );
    assert.strictEqual(dtmf.payload.digits, '12#');
    assert.deepStrictEqual(sim.dtmf, [{ call: leg, dtmf: '12#', recv: false }]);
    await assert.rejects(l.session.callControl(checkCallControl({ action: 'dtmf', callId: String(leg) }), T), /digits/);
    await l.session.callControl(checkCallControl({ action: 'hangup', callId: String(leg) }), T);
    assert.deepStrictEqual(
      requests('UserClear').map(({ src: _src, ...m }) => m),
      [{ api: 'RCC', mt: 'UserClear', call: leg, cause: 16 }],
    );
    const ended = await report((e) => e.payload.state === 'ended');
    assert.strictEqual(ended.payload.cause, 'Normal call clearing');
    assert.strictEqual(requests('UserInitialize').length, 1, 'one UserInitialize for the user');
  });

  it('hold toggles with the call’s own hold bit; retrieve:true/false decides explicitly', async () => {
    await start();
    const { payload } = await l.session.makeCall(checkMakeCall({ from: 'alice', to: '0301234' }), T);
    sim.answer(Number(payload.callId));
    await report((e) => e.payload.state === 'connected');
    let r = await l.session.callControl(checkCallControl({ action: 'hold', callId: payload.callId }), T);
    assert.strictEqual(r.payload.retrieve, false);
    let held = await report((e) => e.payload.state === 'held');
    assert.strictEqual(held.payload.bits.onHold, true);
    r = await l.session.callControl(checkCallControl({ action: 'hold', callId: payload.callId }), T);
    assert.strictEqual(r.payload.retrieve, true);
    await report((e) => e.payload.state === 'connected' && e.raw.msg === 'retrieve');
    await l.session.callControl(
      checkCallControl({ action: 'hold', callId: payload.callId, retrieve: false, remote: true }),
      T,
    );
    await waitFor(() => l.calls().filter((e) => e.payload.state === 'held')[1], T, 'held again');
    r = await l.session.callControl(checkCallControl({ action: 'hold', callId: payload.callId, retrieve: 'true' }), T);
    assert.strictEqual(r.payload.retrieve, true);
    assert.deepStrictEqual(
      l
        .sent()
        .filter((m) => m.mt === 'UserHold' || m.mt === 'UserRetrieve')
        .map(({ src: _src, call: _call, ...m }) => m),
      [
        { api: 'RCC', mt: 'UserHold' },
        { api: 'RCC', mt: 'UserRetrieve' },
        { api: 'RCC', mt: 'UserHold', remote: true },
        { api: 'RCC', mt: 'UserRetrieve' },
      ],
    );
  });

  it('transfer: toCallId joins two calls of one user (UserTransfer), `to` transfers blind (UserRedirect)', async () => {
    // A PBX that sends `state` in CallUpdate: hold and transfer of Bob's leg show without CallInfo.
    await start({ callUpdateState: true });
    const inbound = sim.incomingCall({ from: 'Bob Brown', to: 'Alice Adams' });
    await report((e) => e.payload.callId === String(inbound));
    await l.session.callControl(checkCallControl({ action: 'answer', callId: String(inbound) }), T);
    await l.session.callControl(checkCallControl({ action: 'hold', callId: String(inbound) }), T);
    await report((e) => e.payload.user === 'Bob Brown' && e.payload.state === 'held' && e.payload.bits.heldByPeer);
    const out = await l.session.makeCall(checkMakeCall({ from: 'alice', to: 'carol' }), T);
    sim.answer(Number(out.payload.callId));
    const carolLeg = await report((e) => e.payload.user === 'Carol Clark' && e.payload.state === 'ringing');
    sim.answer(Number(carolLeg.payload.callId));
    await report((e) => e.payload.user === 'Carol Clark' && e.payload.state === 'connected');
    const r = await l.session.callControl(
      checkCallControl({ action: 'transfer', callId: String(inbound), toCallId: out.payload.callId }),
      T,
    );
    assert.strictEqual(r.payload.toCallId, out.payload.callId);
    const [xfer] = requests('UserTransfer');
    assert.deepStrictEqual([xfer.a, xfer.b], [inbound, Number(out.payload.callId)]);
    await report((e) => e.payload.callId === String(inbound) && e.payload.state === 'ended');
    await report((e) => e.payload.callId === out.payload.callId && e.payload.state === 'ended');
    // Bob and Carol now talk to each other; Bob (held by Alice before) is active again.
    const bobNow = await report((e) => e.payload.user === 'Bob Brown' && e.raw.msg === 'transfer');
    assert.strictEqual(bobNow.payload.state, 'connected');
    assert.strictEqual(bobNow.payload.to, '203');

    const carolCall = carolLeg.payload.callId;
    await l.session.callControl(checkCallControl({ action: 'transfer', callId: carolCall, to: '0309999' }), T);
    const [redirect] = requests('UserRedirect');
    assert.strictEqual(redirect.e164, '0309999');
    await report((e) => e.payload.callId === carolCall && e.payload.state === 'ended');
    await assert.rejects(
      l.session.callControl(checkCallControl({ action: 'transfer', callId: carolCall }), T),
      /toCallId/,
    );
  });

  it('redirect deflects a ringing call; pickup takes a call ringing elsewhere', async () => {
    await start();
    const toAlice = sim.incomingCall({ from: '0301234', to: 'Alice Adams' });
    await report((e) => e.payload.callId === String(toAlice));
    const r = await l.session.callControl(
      checkCallControl({ action: 'redirect', callId: String(toAlice), to: 'Carol Clark' }),
      T,
    );
    assert.strictEqual(r.payload.to, 'Carol Clark');
    assert.strictEqual(requests('UserRedirect')[0].cn, 'Carol Clark', 'a user’s long name is addressed as cn');
    await report((e) => e.payload.callId === String(toAlice) && e.payload.state === 'ended');
    const carol = await report((e) => e.payload.user === 'Carol Clark' && e.payload.state === 'ringing');
    assert.strictEqual(carol.payload.from, '0301234');
    await assert.rejects(
      l.session.callControl(checkCallControl({ action: 'redirect', callId: carol.payload.callId }), T),
      /payload\.to/,
    );

    const picked = await l.session.callControl(
      checkCallControl({ action: 'pickup', callId: carol.payload.callId, user: 'bob' }),
      T,
    );
    const [pickup] = requests('UserPickup');
    assert.strictEqual(pickup.cn, 'Carol Clark', 'a call Bob never saw is picked by the user it rings at');
    assert.strictEqual(pickup.call, undefined);
    assert.ok(picked.payload.newCallId);
    const bob = await report((e) => e.payload.callId === picked.payload.newCallId && e.payload.state === 'connected');
    assert.strictEqual(bob.payload.user, 'Bob Brown');
    assert.strictEqual(bob.payload.from, '0301234');
    await report((e) => e.payload.callId === carol.payload.callId && e.payload.state === 'ended');
    await assert.rejects(
      l.session.callControl(checkCallControl({ action: 'pickup', callId: '1' }), T),
      /payload\.user/,
    );
  });

  it('refuses actions RCC lacks, naming vendor and action, and reports PBX errors', async () => {
    await start();
    for (const action of ['record', 'bridge', 'eavesdrop', '']) {
      await assert.rejects(l.session.callControl(checkCallControl({ action, callId: '1' }), T), (err) => {
        assert.strictEqual(err.name, 'UnsupportedError');
        assert.match(err.message, /innovaphone/);
        assert.ok(err.message.includes(`'${action}'`));
        return true;
      });
    }
    await assert.rejects(l.session.callControl(checkCallControl({ action: 'hangup', callId: '999' }), T), (err) => {
      assert.strictEqual(err.name, 'PbxRequestError');
      assert.match(err.message, /UserClear.*unknown call/);
      assert.strictEqual(err.detail.mt, 'UserClearResult');
      return true;
    });
    await assert.rejects(
      l.session.callControl(checkCallControl({ action: 'hangup', callId: 'abc' }), T),
      /callId must be/,
    );
    await assert.rejects(l.session.callControl(checkCallControl({ action: 'hangup' }), T), /callId is required/);
  });

  it('restore: Initialize and UserInitialize again; calls that ended while away are reported ended', async () => {
    await start();
    const kept = await l.session.makeCall(checkMakeCall({ from: 'alice', to: '0301234' }), T);
    sim.answer(Number(kept.payload.callId));
    await report((e) => e.payload.callId === kept.payload.callId && e.payload.state === 'connected');
    const gone = sim.incomingCall({ from: '0305555', to: 'Bob Brown' });
    await report((e) => e.payload.callId === String(gone));
    const before = l.calls().length;
    l.drop();
    sim.hangup(gone);
    sim.incomingCall({ from: '0306666', to: 'Carol Clark' });
    l.reconnect();
    const ended = await report(
      (e) => e.payload.callId === String(gone) && e.payload.state === 'ended',
      'the vanished call ended',
    );
    assert.strictEqual(ended.event, 'InitializeResult');
    assert.strictEqual(ended.raw.mt, 'InitializeResult');
    assert.strictEqual(ended.payload.bits.disconnected, true);
    assert.strictEqual(requests('Initialize').length, 2);
    assert.deepStrictEqual(
      requests('UserInitialize').map((m) => m.cn),
      ['Alice Adams', 'Alice Adams'],
      'the controlling user is monitored again',
    );
    const after = l.calls().slice(before);
    assert.ok(!after.some((e) => e.payload.callId === kept.payload.callId), 'an unchanged call is not reported again');
    assert.ok(
      after.some((e) => e.payload.user === 'Carol Clark' && e.payload.state === 'ringing'),
      'a new call is',
    );
    // The kept call is still controllable under its call id.
    await l.session.callControl(checkCallControl({ action: 'hangup', callId: kept.payload.callId }), T);
    await report((e) => e.payload.callId === kept.payload.callId && e.payload.state === 'ended');
  });

  it('separate id spaces: reports use the CallAdd id, control uses the CallInfo handle', async () => {
    await start({ separateCallIds: true });
    const leg = sim.incomingCall({ from: '0301234', to: 'Bob Brown' });
    const ringing = await report((e) => e.payload.state === 'ringing');
    assert.strictEqual(ringing.payload.callId, String(leg + 100000));
    await l.session.callControl(checkCallControl({ action: 'answer', callId: ringing.payload.callId }), T);
    assert.strictEqual(requests('UserConnect')[0].call, leg);
    const connected = await report((e) => e.payload.state === 'connected');
    assert.strictEqual(connected.payload.callId, ringing.payload.callId, 'one call, one id');
    await l.session.callControl(checkCallControl({ action: 'hangup', callId: ringing.payload.callId }), T);
    assert.strictEqual(requests('UserClear')[0].call, leg);
    await report((e) => e.payload.state === 'ended');
    assert.strictEqual(l.calls().length, 3, 'no duplicates from the two sources');
  });

  it('without the PBX-wide call list: CallInfo of the controlled users, with restore', async () => {
    await start({ callsList: false });
    const existing = sim.incomingCall({ from: '0301234', to: 'Alice Adams' });
    sim.answer(existing);
    const out = await l.session.makeCall(checkMakeCall({ from: 'alice', to: '0307777' }), T);
    // The call in progress arrives right behind UserInitializeResult, before its promise settles.
    const known = await report((e) => e.payload.callId === String(existing));
    assert.strictEqual(known.event, 'CallInfo');
    assert.strictEqual(known.payload.user, 'Alice Adams');
    assert.strictEqual(known.payload.state, 'connected');
    assert.strictEqual(known.payload.extension, '201');
    await report((e) => e.payload.callId === out.payload.callId && e.payload.direction === 'outbound');
    l.drop();
    sim.hangup(existing);
    l.reconnect();
    await report((e) => e.payload.callId === String(existing) && e.payload.state === 'ended');
    assert.ok(!l.calls().some((e) => e.payload.callId === out.payload.callId && e.payload.state === 'ended'));
  });

  it('a CallDelete (the other spelling) ends a call too', async () => {
    await start();
    const leg = sim.incomingCall({ from: '0301234', to: 'Bob Brown' });
    await report((e) => e.payload.callId === String(leg));
    l.session.handle({ api: 'RCC', mt: 'CallDelete', call: leg });
    const ended = await report((e) => e.payload.state === 'ended');
    assert.strictEqual(ended.event, 'CallDelete');
  });

  it('an Initialize refused by the PBX rejects watchCalls with a hint, and is tried again on next use', async () => {
    sim = new RccSim({ users: USERS });
    const real = sim.onRequest.bind(sim);
    let refuse = true;
    sim.onRequest = (client, msg) => {
      if (refuse && msg.mt === 'Initialize')
        return client.send({ api: 'RCC', mt: 'InitializeResult', src: msg.src, error: 'not allowed' });
      return real(client, msg);
    };
    l = link(sim);
    await assert.rejects(l.session.watchCalls(), (err) => {
      assert.strictEqual(err.name, 'PbxRequestError');
      assert.match(err.message, /not allowed \(is RCC granted on the App object\?\)/);
      return true;
    });
    refuse = false;
    await l.session.watchCalls();
    assert.strictEqual(l.session.suggestions('users').length, 3);
  });

  it('restarts by itself after a reconnect once used, and logs when RCC is not available then', async () => {
    await start();
    l.drop();
    const real = sim.onRequest.bind(sim);
    sim.onRequest = (client, msg) => {
      if (msg.mt === 'Initialize')
        return client.send({ api: 'RCC', mt: 'InitializeResult', src: msg.src, errorText: 'RCC off' });
      return real(client, msg);
    };
    l.reconnect();
    await waitFor(() => l.logs.some((s) => /warn .*not available after reconnect.*RCC off/.test(s)), T, 'the warning');
  });
});
