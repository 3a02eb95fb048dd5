'use strict';
// Issue 18.7: closing a config node (redeploy, shutdown) waits for its socket's goodbye, as core
// MQTT waits for its client's close: when the close is done, the PBX has had our close frame,
// so no socket of the old deploy is still open at the PBX when the next one logs in.
const assert = require('assert');
const { helper } = require('../support/red');
const { useVendor } = require('./outage');

const NODES = [
  { id: 'p', type: 'pbx-presence-in', connection: 'c1', users: '41', wires: [['hp']] },
  { id: 'hp', type: 'helper' },
];

for (const name of ['innovaphone', 'vodia', 'onlinepbx 2.0']) {
  describe(`closing the connection: ${name}`, function () {
    const v = useVendor(name);

    it('the close is done only once the PBX has seen the socket close', async () => {
      await v.load(NODES);
      assert.strictEqual(v.sim.connectionCount, 1);
      await helper.unload();
      assert.strictEqual(v.sim.connectionCount, 0, 'no open socket at the PBX once the close is done');
    });
  });
}
