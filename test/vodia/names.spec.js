'use strict';
// Issue 24 against the Vodia simulator, through the real nodes: `from-name`/`to-name` (v70), the
// display part of `"Name" <sip:41@dom>` (legacy), `domain-state` account names for extensions,
// lamps and presence, and the records; a "name" equal to the number is none.
const assert = require('assert');
const { loadFlow } = require('../support/red');
const { connectionTo, recordHelpers, connected, connection } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { VodiaSim } = require('../../dist/sim/vodia');

const NODES = [
  { id: 'calls', type: 'pbx-call-in', connection: 'c1', wires: [['hc']] },
  { id: 'recs', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
  { id: 'lamp', type: 'pbx-blf-in', connection: 'c1', extensions: '42', wires: [['hb']] },
  { id: 'pres', type: 'pbx-presence-in', connection: 'c1', users: '41', wires: [['hp']] },
  { id: 'hc', type: 'helper' },
  { id: 'hr', type: 'helper' },
  { id: 'hb', type: 'helper' },
  { id: 'hp', type: 'helper' },
];

for (const callShape of ['v70', 'legacy']) {
  describe(`names: vodia (${callShape} call spelling)`, function () {
    this.timeout(15000);
    let sim;
    simulatorWithFlowsEach(
      () => (sim = new VodiaSim({ domain: 'tenant.test', callShape })),
      () => sim,
    );

    async function load() {
      await loadFlow([connectionTo.vodia(sim), ...NODES], { c1: { password: 'secret' } });
      const recs = recordHelpers(NODES);
      await connected();
      return recs;
    }

    it('an outside caller with a display name rings a named extension: call, lamp and record are named', async () => {
      const { hc: calls, hr: records, hb: lamps } = await load();
      const id = sim.startCall({ from: '+4930123456', fromName: 'Müller GmbH', to: '42' });
      const ringing = await calls.next((m) => m.topic === id);
      assert.strictEqual(ringing.payload.from, '+4930123456');
      assert.strictEqual(ringing.payload.fromName, 'Müller GmbH');
      assert.strictEqual(ringing.payload.toName, 'Bob', 'the account name (sent in the frame, and domain-state)');
      const lamp = await lamps.next((m) => m.payload.state === 'ringing');
      assert.deepStrictEqual([lamp.payload.otherParty, lamp.payload.otherPartyName], ['+4930123456', 'Müller GmbH']);
      sim.endCall(id);
      const record = (await records.next()).payload;
      assert.deepStrictEqual(
        [record.from, record.fromName, record.to, record.toName],
        ['+4930123456', 'Müller GmbH', '42', 'Bob'],
      );
    });

    it('a caller without a name and one whose name is its number get no fromName', async () => {
      const { hc: calls } = await load();
      const unnamed = sim.startCall({ from: '+12125550123', to: '41' });
      const own = sim.startCall({ from: '+442071234567', fromName: '+442071234567', to: '41' });
      const a = await calls.next((m) => m.topic === unnamed);
      const b = await calls.next((m) => m.topic === own);
      for (const m of [a, b]) {
        assert.strictEqual('fromName' in m.payload, false, JSON.stringify(m.payload));
        assert.strictEqual(m.payload.toName, 'Alice');
      }
    });

    it('presence carries the account name as dn, and the connection knows every account name', async () => {
      const { hp: presence } = await load();
      const first = await presence.next();
      assert.strictEqual(first.payload.dn, 'Alice');
      assert.strictEqual(connection().names.nameOf('500'), 'Support queue');
      sim.setUser('41', { name: 'Alice Adams' });
      const renamed = await presence.next((m) => m.payload.dn === 'Alice Adams');
      assert.strictEqual(renamed.topic, '41');
      assert.strictEqual(connection().names.nameOf('41'), 'Alice Adams', 'a user-state with a new name is learned');
    });
  });
}
