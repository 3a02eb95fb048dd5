'use strict';
// Issue 10 through the real nodes: call-in, make-call and call-control over RCC on the
// innovaphone connection, against the simulator's RCC part.
const assert = require('assert');
const { helper, record, waitFor } = require('../support/red');
const { connectionTo, loadCatching, makeCallFromMsg } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { InnovaphoneSim } = require('../../dist/sim/innovaphone');

const CREDS = { c1: { password: 'pwd' } };

describe('innovaphone RCC through the nodes', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new InnovaphoneSim()),
    () => sim,
  );

  async function load() {
    const { errors } = await loadCatching(
      [
        connectionTo.innovaphone(sim),
        { id: 'ci', type: 'pbx-call-in', connection: 'c1', wires: [['hcalls']] },
        makeCallFromMsg('mk', [['hmk']]),
        { id: 'cc', type: 'pbx-call-control', connection: 'c1', action: '', wires: [['hcc']] },
        { id: 'hcalls', type: 'helper' },
        { id: 'hmk', type: 'helper' },
        { id: 'hcc', type: 'helper' },
      ],
      CREDS,
    );
    const recs = { calls: record('hcalls'), made: record('hmk'), controlled: record('hcc'), errors };
    await waitFor(
      () => sim.rcc.clientCount === 1 && sim.rcc.received.some((m) => m.mt === 'Initialize'),
      5000,
      'RCC initialized',
    );
    return recs;
  }

  const control = (action, payload) => helper.getNode('cc').receive({ action, payload });
  const sent = (mt) => sim.rcc.received.filter((m) => m.mt === mt);

  it('reports an incoming call ringing, connected and ended', async () => {
    const { calls } = await load();
    const leg = sim.rcc.incomingCall({ from: '0711123456', to: 'bob', fromName: 'Caller' });
    const ringing = await calls.next((m) => m.payload.state === 'ringing');
    assert.strictEqual(ringing.vendor, 'innovaphone');
    assert.strictEqual(ringing.payload.direction, 'inbound');
    assert.strictEqual(ringing.payload.user, 'bob');
    sim.rcc.answer(leg);
    const connected = await calls.next(
      (m) => m.payload.state === 'connected' && m.payload.callId === ringing.payload.callId,
    );
    assert.strictEqual(connected.topic, ringing.topic);
    sim.rcc.hangup(leg);
    await calls.next((m) => m.payload.state === 'ended' && m.payload.callId === ringing.payload.callId);
  });

  it('makes a call from a user to a number (UserCall) and hangs it up', async () => {
    const { made, controlled } = await load();
    helper.getNode('mk').receive({ payload: { from: 'alice', to: '202' } });
    const res = await made.next();
    assert.ok(res.payload.callId, 'call id');
    assert.strictEqual(sent('UserCall').length, 1);
    assert.strictEqual(sent('UserInitialize')[0].cn, 'alice');
    control('hangup', { callId: res.payload.callId });
    await controlled.next();
    assert.strictEqual(sent('UserClear').length, 1);
  });

  it('answers, holds, retrieves, sends DTMF, redirects, transfers and picks up calls', async () => {
    const { calls, controlled, errors } = await load();
    const ringingAt = async (to) => {
      const leg = sim.rcc.incomingCall({ from: '0711000000', to });
      const m = await calls.next((x) => x.payload.state === 'ringing' && x.payload.user === to);
      return { leg, callId: m.payload.callId };
    };
    const a = await ringingAt('bob');
    control('answer', { callId: a.callId });
    await controlled.next();
    await calls.next((m) => m.payload.callId === a.callId && m.payload.state === 'connected');
    control('hold', { callId: a.callId });
    assert.strictEqual((await controlled.next()).payload.retrieve, false);
    await calls.next((m) => m.payload.callId === a.callId && m.payload.state === 'held');
    control('hold', { callId: a.callId });
    assert.strictEqual((await controlled.next()).payload.retrieve, true);
    await calls.next((m) => m.payload.callId === a.callId && m.payload.state === 'connected');
    control('dtmf', { callId: a.callId, digits: '12#' });
    await controlled.next();
    assert.strictEqual(sim.rcc.dtmf[0].dtmf, '12#');
    control('transfer', { callId: a.callId, to: '203' });
    await controlled.next();
    assert.strictEqual(sent('UserRedirect').length, 1, 'blind transfer as redirect');
    const b = await ringingAt('dave');
    control('redirect', { callId: b.callId, to: 'carol' });
    await controlled.next();
    assert.strictEqual(sent('UserRedirect').length, 2);
    const c = await ringingAt('carol');
    control('pickup', { callId: c.callId, user: 'alice' });
    const picked = await controlled.next();
    assert.ok(picked.payload.newCallId, 'the picked-up call');
    assert.strictEqual(sent('UserPickup').length, 1);
    control('bridge', { callId: c.callId });
    assert.match((await errors.next()).error.message, /innovaphone does not support the call control action 'bridge'/);
    control('dtmf', { callId: c.callId });
    assert.match((await errors.next()).error.message, /digits/);
  });

  it('reports calls that ended while the socket was down as ended after the reconnect', async () => {
    const { calls } = await load();
    const leg = sim.rcc.incomingCall({ from: '0711123456', to: 'bob' });
    const ringing = await calls.next((m) => m.payload.state === 'ringing');
    sim.setSilent(true);
    await waitFor(() => helper.getNode('c1').connection.state !== 'connected', 5000, 'half-open noticed');
    sim.rcc.hangup(leg);
    sim.setSilent(false);
    const ended = await calls.next(
      (m) => m.payload.state === 'ended' && m.payload.callId === ringing.payload.callId,
      10000,
    );
    assert.strictEqual(ended.payload.user, 'bob');
    assert.strictEqual(calls.list.filter((m) => m.payload.state === 'ended').length, 1, 'once');
  });
});
