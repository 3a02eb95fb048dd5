'use strict';
// Issue 24 against the innovaphone simulator, through the real nodes: RCC `CallInfo` peers and
// `CallUpdate` endpoints (`dn` before `cn`), the users' own names from `UserInfo` for the `to`
// side of an inbound call, presence `PresenceState.dn`, and the call records. EpSignal's
// `remote.dn` is covered where the Sync frames are read (ep-calls.spec.js).
const assert = require('assert');
const { waitFor } = require('../support/red');
const { connectionTo, loadCatching, recordHelpers, connection } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { InnovaphoneSim } = require('../../dist/sim/innovaphone');
const { EpCallTable } = require('../../dist/protocols/innovaphone/ep-calls');

const NODES = [
  { id: 'calls', type: 'pbx-call-in', connection: 'c1', wires: [['hc']] },
  { id: 'recs', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
  { id: 'pres', type: 'pbx-presence-in', connection: 'c1', users: 'bob', wires: [['hp']] },
  { id: 'hc', type: 'helper' },
  { id: 'hr', type: 'helper' },
  { id: 'hp', type: 'helper' },
];

describe('names: innovaphone', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new InnovaphoneSim()),
    () => sim,
  );

  async function load() {
    const recs = recordHelpers(
      NODES,
      await loadCatching([connectionTo.innovaphone(sim), ...NODES], { c1: { password: 'pwd' } }, 'herr'),
    );
    await waitFor(() => connection().state === 'connected', 5000, 'connected');
    await waitFor(() => sim.rcc.received.some((m) => m.mt === 'Initialize'), 5000, 'RCC initialized');
    await waitFor(() => connection().names.nameOf('202') === 'Bob Brown', 5000, 'UserInfo names learned');
    return recs;
  }

  it("RCC: a named outside caller rings a user: the caller's dn and the user's own name, in call and record", async () => {
    const { hc: calls, hr: records } = await load();
    const leg = sim.rcc.incomingCall({ from: '0711123456', to: 'bob', fromName: 'Schmidt & Co.' });
    const ringing = await calls.next((m) => m.payload.state === 'ringing' && m.payload.from === '0711123456');
    assert.deepStrictEqual(
      [ringing.payload.direction, ringing.payload.fromName, ringing.payload.to, ringing.payload.toName],
      ['inbound', 'Schmidt & Co.', '202', 'Bob Brown'],
      JSON.stringify(ringing.payload),
    );
    sim.rcc.hangup(leg);
    const record = (await records.next()).payload;
    assert.deepStrictEqual(
      [record.from, record.fromName, record.to, record.toName, record.missed],
      ['0711123456', 'Schmidt & Co.', '202', 'Bob Brown', true],
    );
  });

  it('RCC: an unnamed caller and one whose name is its number get no fromName; a call between users names both', async () => {
    const { hc: calls } = await load();
    sim.rcc.incomingCall({ from: '0897654321', to: 'bob' });
    sim.rcc.incomingCall({ from: '0221555777', to: 'carol', fromName: '0221555777' });
    for (const from of ['0897654321', '0221555777']) {
      const m = await calls.next((x) => x.payload.state === 'ringing' && x.payload.from === from);
      assert.strictEqual('fromName' in m.payload, false, JSON.stringify(m.payload));
      assert.ok(m.payload.toName, 'the called user is named');
    }
    sim.rcc.incomingCall({ from: 'alice', to: 'bob' });
    const local = await calls.next(
      (m) => m.payload.state === 'ringing' && m.payload.from === '201' && m.payload.to === '202',
    );
    assert.deepStrictEqual([local.payload.fromName, local.payload.toName], ['Alice Adams', 'Bob Brown']);
  });

  it('presence: PresenceState.dn is the dn of the presence payload', async () => {
    const { hp: presence } = await load();
    sim.pbx.setPresence('bob', { activity: 'away' });
    const m = await presence.next((x) => x.payload.status === 'away');
    assert.strictEqual(m.payload.dn, 'Bob Brown');
    assert.strictEqual(m.payload.user, 'bob');
  });

  it("EpSignal: Sync `remote.dn` names the other party, a setup's calling party `dn` too (assumed spelling)", () => {
    const t = new EpCallTable();
    const sync = t.apply('hw1', {
      api: 'EpSignal',
      mt: 'Sync',
      call: 1,
      info: { in: true, state: 'alert', remote: { num: '0711', sip: '', dn: 'Anna Berg' } },
    });
    assert.deepStrictEqual([sync.direction, sync.from, sync.fromName], ['inbound', '0711', 'Anna Berg']);
    const unnamed = t.apply('hw1', {
      api: 'EpSignal',
      mt: 'Sync',
      call: 2,
      info: { in: true, state: 'alert', remote: { num: '0712', sip: '', dn: '' } },
    });
    assert.strictEqual('fromName' in unnamed, false);
    const setup = t.apply('hw1', {
      api: 'EpSignal',
      mt: 'Signaling',
      call: 3,
      to: true,
      sig: { type: 'setup', cg: { num: '0713', dn: 'Carl' }, cd: { num: '200' } },
    });
    assert.deepStrictEqual([setup.from, setup.fromName, setup.toName], ['0713', 'Carl', undefined]);
  });
});
