'use strict';
// Issue 24 against the onlinePBX simulator (API 2.0 and 3.0), through the real nodes: the
// `caller_name` of channel events (none when it is the number, as onlinePBX sends for a caller
// without a name), and in 2.0 the users' names from the `user_list` asked after each login, for
// the extensions' side of a call, their lamps' other party and their presence.
const assert = require('assert');
const { loadFlow, waitFor } = require('../support/red');
const { connectionTo, recordHelpers, connection } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { OnlinePbxSim } = require('../../dist/sim/onlinepbx');

const KEY = 'names-key';
const NODES = [
  { id: 'calls', type: 'pbx-call-in', connection: 'c1', wires: [['hc']] },
  { id: 'recs', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
  { id: 'lamp', type: 'pbx-blf-in', connection: 'c1', extensions: '102', wires: [['hb']] },
  { id: 'pres', type: 'pbx-presence-in', connection: 'c1', users: '', wires: [['hp']] },
  { id: 'hc', type: 'helper' },
  { id: 'hr', type: 'helper' },
  { id: 'hb', type: 'helper' },
  { id: 'hp', type: 'helper' },
];

for (const version of ['2', '3']) {
  const v2 = version === '2';
  describe(`names: onlinepbx ${version}.0`, function () {
    this.timeout(15000);
    let sim;
    simulatorWithFlowsEach(
      () => (sim = new OnlinePbxSim({ apiVersion: version, apiKey: KEY })),
      () => sim,
    );

    async function load() {
      await loadFlow([connectionTo.onlinepbx(sim), ...NODES], { c1: { apiKey: KEY } });
      const recs = recordHelpers(NODES);
      await waitFor(
        () => connection().state === 'connected' && sim.subscribedGroups().includes('calls'),
        5000,
        'subscribed',
      );
      // 2.0: the user_list after login has named the users.
      if (v2) await waitFor(() => connection().names.nameOf('101') === 'Anna Ivanova', 5000, 'user_list names');
      return recs;
    }

    it('an outside caller with a caller_name rings an extension: call, lamp and record are named', async () => {
      const { hc: calls, hr: records, hb: lamps } = await load();
      sim.pbx.callerNames.set('79161234567', 'Olga Smirnova');
      const id = sim.pbx.playCall({ from: '79161234567', to: '102', answerAfterMs: 60, hangupAfterMs: 120 });
      const ringing = await calls.next((m) => m.topic === id && m.payload.state === 'ringing');
      assert.strictEqual(ringing.payload.fromName, 'Olga Smirnova');
      assert.strictEqual(ringing.payload.toName, v2 ? 'Boris Petrov' : undefined, 'the user_list name (2.0 only)');
      const lamp = await lamps.next((m) => m.payload.state === 'ringing');
      assert.strictEqual(lamp.payload.otherParty, '79161234567');
      // The lamp event carries no name: the connection knows none for an outside number here.
      assert.strictEqual(lamp.payload.otherPartyName, undefined);
      const record = (await records.next()).payload;
      assert.deepStrictEqual([record.from, record.fromName], ['79161234567', 'Olga Smirnova']);
      assert.strictEqual(record.toName, v2 ? 'Boris Petrov' : undefined);
    });

    it('caller_name equal to the number (a caller without a name) is no name; an extension calling is named', async () => {
      const { hc: calls, hb: lamps } = await load();
      const outside = sim.pbx.playCall({ from: '78129876543', to: '101', answerAfterMs: null, hangupAfterMs: 150 });
      const ringing = await calls.next((m) => m.topic === outside);
      assert.strictEqual(ringing.payload.from, '78129876543');
      assert.strictEqual('fromName' in ringing.payload, false, JSON.stringify(ringing.payload));
      const inside = sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: null, hangupAfterMs: 150 });
      const local = await calls.next((m) => m.topic === inside);
      assert.strictEqual(local.payload.fromName, 'Anna Ivanova', 'caller_name of an extension');
      if (v2) {
        const lamp = await lamps.next((m) => m.payload.state === 'ringing' && m.payload.otherParty === '101');
        assert.strictEqual(lamp.payload.otherPartyName, 'Anna Ivanova', 'the lamp names a user from user_list');
      }
    });

    it(v2 ? 'presence dn from user_list' : 'presence has no dn (3.0 has no user_list over the socket)', async () => {
      const { hp: presence } = await load();
      sim.pbx.setRegistration('103', false);
      const off = await presence.next((m) => m.topic === '103');
      assert.strictEqual(off.payload.dn, v2 ? 'Vera Sokolova' : undefined);
    });
  });
}
