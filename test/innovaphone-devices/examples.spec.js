'use strict';
// The innovaphone Devices example flows: well-formed, importable, and doing what their comment
// says when deployed against the simulator (the demo instance `npm start` uses, on a free port).
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { helper, record, waitFor, NODE_TYPES } = require('../support/red');
const { DevicesSim, DEMO } = require('../../sim/innovaphone-devices');

const DIR = path.join(__dirname, '..', '..', 'examples', 'innovaphone Devices');
const CORE = ['common/20-inject', 'common/21-debug', 'common/90-comment', 'function/10-switch', 'function/15-change'];
const coreModules = () => CORE.map((m) => require(`@node-red/nodes/core/${m}.js`));
const ourModules = () => NODE_TYPES.map((t) => require(path.join(__dirname, '..', '..', 'nodes', `${t}.js`)));
const EXAMPLES = ['Provision a phone', 'Device offline alert', 'Read a device config'];
const example = (name) => JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));

describe('innovaphone Devices examples', function () {
  this.timeout(15000);
  let sim;
  beforeEach(async () => {
    sim = new DevicesSim({ app: DEMO.app, password: DEMO.credentials.password, redeemAfterMs: 50 });
    await sim.start(0);
  });
  afterEach(async () => {
    await helper.unload();
    await sim.stop();
  });

  async function deploy(name, ...ids) {
    const flow = example(name).map((n) => (n.type === 'pbx-connection' ? { ...n, url: sim.url } : { ...n, z: 'f1' }));
    await helper.load([...ourModules(), ...coreModules()], [{ id: 'f1', type: 'tab' }, ...flow], {
      'demo-innovaphone-devices': DEMO.credentials,
    });
    const recs = ids.map((id) => record(id));
    await waitFor(() => helper.getNode('demo-innovaphone-devices').connection.state === 'connected', 5000, 'connected');
    return recs;
  }

  it('every example is a flat importable array with the demo connection, a comment and a debug node', () => {
    assert.deepStrictEqual(fs.readdirSync(DIR).sort(), EXAMPLES.map((e) => `${e}.json`).sort());
    for (const name of EXAMPLES) {
      const nodes = example(name);
      const ids = new Set(nodes.map((n) => n.id));
      assert.strictEqual(ids.size, nodes.length, `${name}: unique ids`);
      const configs = nodes.filter((n) => n.type === 'pbx-connection');
      assert.strictEqual(configs.length, 1, name);
      assert.strictEqual(configs[0].url, `ws://127.0.0.1:${DEMO.port}/example.com/devices/innovaphone-devices`);
      assert.strictEqual(configs[0].app, DEMO.app);
      assert.ok(!/password"|credentials|apiKey/.test(JSON.stringify(nodes)), `${name}: no credentials`);
      assert.ok(
        nodes.some((n) => n.type === 'comment' && n.info),
        `${name}: a comment`,
      );
      assert.ok(
        nodes.some((n) => n.type === 'debug'),
        `${name}: a debug node`,
      );
      for (const n of nodes) {
        assert.ok(
          ['pbx-connection', 'inject', 'debug', 'comment', 'switch', 'change'].includes(n.type) ||
            NODE_TYPES.includes(n.type),
          `${name}: ${n.type}`,
        );
        for (const port of n.wires || []) for (const to of port) assert.ok(ids.has(to), `${name}: wire to ${to}`);
      }
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
