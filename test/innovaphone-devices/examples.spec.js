'use strict';
// The innovaphone Devices example flows: well-formed, importable, and doing what their comment
// says when deployed against the simulator (the demo instance `npm start` uses, on a free port).
const assert = require('assert');
const { helper, record, waitFor } = require('../support/red');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { examplesIn, deployExample } = require('../support/examples');
const { DevicesSim, DEMO } = require('../../dist/sim/innovaphone-devices');

const EXAMPLES = ['Provision a phone', 'Device offline alert', 'Read a device config'];
const examples = examplesIn('innovaphone Devices');

describe('innovaphone Devices examples', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new DevicesSim({ app: DEMO.app, password: DEMO.credentials.password, redeemAfterMs: 50 })),
    () => sim,
  );

  async function deploy(name, ...ids) {
    await deployExample(examples.read(name), sim.url, DEMO.credentials);
    const recs = ids.map((id) => record(id));
    await waitFor(() => helper.getNode('demo-innovaphone-devices').connection.state === 'connected', 5000, 'connected');
    return recs;
  }

  it('every example is importable, explains itself and uses the demo connection', () => {
    assert.deepStrictEqual(examples.names().sort(), [...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      const c = examples.check(name);
      assert.strictEqual(c.id, 'demo-innovaphone-devices');
      assert.strictEqual(c.url, `ws://127.0.0.1:${DEMO.port}/example.com/devices/innovaphone-devices`);
      assert.strictEqual(c.app, DEMO.app);
    }
  });

  it('Provision a phone: a code, then the phone that used it', async () => {
    const [code, done] = await deploy('Provision a phone', 'd1', 'd2');
    helper.getNode('i1').receive({ payload: { sip: 'alice' } });
    const { payload } = await code.next();
    assert.match(payload.code, /^\d{12}$/);
    assert.strictEqual((await done.next()).payload.code, payload.code);
  });

  it('Device offline alert: an alert line when a device goes offline', async () => {
    const [alert, all] = await deploy('Device offline alert', 'd1', 'd2');
    await all.next((m) => m.topic === 'snapshot');
    sim.setOnline('009033aa0001', false);
    assert.strictEqual((await alert.next()).payload, 'Reception (009033aa0001) is offline');
    sim.setOnline('009033aa0001', true);
    await all.next((m) => m.topic === '009033aa0001' && m.payload.device.online === true);
    assert.strictEqual(alert.list.length, 1);
  });

  it('Read a device config: the list, the whole script, the decrypted media config', async () => {
    const [result] = await deploy('Read a device config', 'd1');
    helper.getNode('i1').receive({ payload: { command: 'GetDeviceConfigs' } });
    assert.strictEqual((await result.next()).payload.length, 4);
    helper.getNode('i2').receive({ payload: { command: 'GetDeviceConfig', id: 1 } });
    assert.strictEqual((await result.next()).payload.script.length, 200 * 1024);
    helper.getNode('i3').receive({ payload: { command: 'GetDeviceConfig', id: 2, decrypt: true } });
    assert.strictEqual((await result.next()).payload.turnPassword, 'turn-secret');
  });
});
