'use strict';
// Issue 4 through the real nodes: the Devices simulator, a pbx-connection (vendor
// innovaphone-devices) and pbx-device-in, pbx-device-provisioned and pbx-command.
const assert = require('assert');
const { helper, record, waitFor, waitStatus } = require('../support/red');
const { connectionTo, loadCatching, connected } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { DevicesSim, DEFAULT_DEVICES } = require('../../dist/sim/innovaphone-devices');

const CREDS = { c1: { password: 'pwd' } };

describe('innovaphone Devices nodes', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new DevicesSim({ redeemAfterMs: 0 })),
    () => sim,
  );

  /** Loads the nodes; recorders on `ids` are attached before the connection comes up. */
  async function load(nodes, ids = [], creds = CREDS) {
    const { errors } = await loadCatching([connectionTo['innovaphone-devices'](sim), ...nodes], creds);
    return [errors, ...ids.map((id) => record(id))];
  }

  it('logs in with the instance password (sip = app, guid of zeros, dn Admin) and shows auth failed for a wrong one', async () => {
    await load([{ id: 'd1', type: 'pbx-device-in', connection: 'c1', wires: [[]] }]);
    await waitStatus('d1', 'green');
    const login = sim.clients[0].login;
    assert.deepStrictEqual(
      { app: login.app, sip: login.sip, guid: login.guid, dn: login.dn },
      { app: 'devices', sip: 'devices', guid: '00000000000000000000000000000000', dn: 'Admin' },
    );
    await helper.unload();
    await load([{ id: 'd1', type: 'pbx-device-in', connection: 'c1', wires: [[]] }], [], { c1: { password: 'wrong' } });
    await waitStatus('d1', 'red', 'authFailed');
  });

  describe('pbx-device-in', () => {
    it('emits a snapshot of every device (joined from several parts, with passthrough URLs), then each change', async () => {
      const [, out] = await load(
        [
          { id: 'd1', type: 'pbx-device-in', connection: 'c1', wires: [['h1']] },
          { id: 'h1', type: 'helper' },
        ],
        ['h1'],
      );
      const snap = await out.next();
      assert.strictEqual(snap.topic, 'snapshot');
      assert.strictEqual(snap.payload.change, 'snapshot');
      assert.deepStrictEqual(
        snap.payload.devices.map((d) => d.hwId),
        DEFAULT_DEVICES.map((d) => d.hwId),
      );
      assert.strictEqual(snap.raw.length, 3, 'three GetDevicesResult parts');
      assert.strictEqual(
        snap.payload.devices[0].passthrough,
        `http://127.0.0.1:${sim.port}/example.com/devices/passthrough/009033aa0001/${sim.userKey}/`,
      );
      sim.setOnline('009033aa0002', false);
      const offline = await out.next();
      assert.strictEqual(offline.topic, '009033aa0002');
      assert.strictEqual(offline.event, 'DeviceUpdate');
      assert.strictEqual(offline.payload.change, 'updated');
      assert.strictEqual(offline.payload.device.online, false);
      assert.match(offline.payload.passthrough, /passthrough\/009033aa0002\//);
      sim.addDevice({ hwId: '009033aa0099', name: 'New' });
      assert.strictEqual((await out.next()).payload.change, 'added');
      sim.removeDevice('009033aa0099');
      const removed = await out.next();
      assert.strictEqual(removed.payload.change, 'removed');
      assert.strictEqual(removed.topic, '009033aa0099');
    });

    it('filters by domain ids and categories', async () => {
      const [, a, b] = await load(
        [
          { id: 'd1', type: 'pbx-device-in', connection: 'c1', domainIds: '2', wires: [['h1']] },
          { id: 'd2', type: 'pbx-device-in', connection: 'c1', categories: 'phones', wires: [['h2']] },
          { id: 'h1', type: 'helper' },
          { id: 'h2', type: 'helper' },
        ],
        ['h1', 'h2'],
      );
      assert.deepStrictEqual(
        (await a.next()).payload.devices.map((d) => d.hwId),
        ['009033aa0004'],
      );
      assert.deepStrictEqual(
        (await b.next()).payload.devices.map((d) => d.hwId),
        ['009033aa0001', '009033aa0002', '009033aa0003'],
      );
      sim.setOnline('009033aa0004', false);
      assert.strictEqual((await a.next()).topic, '009033aa0004');
      await new Promise((r) => setTimeout(r, 50));
      assert.strictEqual(b.list.length, 1, 'not in the other monitor');
    });

    it('re-establishes the monitor and emits a fresh snapshot after a reconnect', async () => {
      const [, out] = await load(
        [
          { id: 'd1', type: 'pbx-device-in', connection: 'c1', wires: [['h1']] },
          { id: 'h1', type: 'helper' },
        ],
        ['h1'],
      );
      await out.next((m) => m.topic === 'snapshot');
      const logins = sim.loginCount;
      sim.dropAll();
      sim.devices[0].online = false; // changed while the socket was down
      const again = await out.next((m) => m.topic === 'snapshot');
      assert.ok(sim.loginCount > logins);
      assert.strictEqual(again.payload.devices[0].online, false);
      assert.strictEqual(sim.monitorCount, 1);
      sim.setOnline('009033aa0003', true);
      assert.strictEqual((await out.next()).topic, '009033aa0003');
    });

    it('falls back to GetLoginInfo on an old Devices version', async () => {
      sim.oldVersion = true;
      const [, out] = await load(
        [
          { id: 'd1', type: 'pbx-device-in', connection: 'c1', wires: [['h1']] },
          { id: 'h1', type: 'helper' },
        ],
        ['h1'],
      );
      const snap = await out.next();
      assert.match(snap.payload.devices[0].passthrough, new RegExp(sim.userKey));
    });
  });

  describe('pbx-device-provisioned', () => {
    const nodes = [
      {
        id: 'p1',
        type: 'pbx-device-provisioned',
        connection: 'c1',
        category: 'phones',
        sip: 'alice',
        rollout: '',
        domainId: '',
        wires: [['hcode'], ['hdone']],
      },
      { id: 'hcode', type: 'helper' },
      { id: 'hdone', type: 'helper' },
    ];

    it('returns a code on output 1 and the provisioned phone on output 2', async () => {
      const [errors, codes, done] = await load(nodes, ['hcode', 'hdone']);
      await connected();
      helper.getNode('p1').receive({ payload: {} });
      const { payload } = await codes.next();
      assert.match(payload.code, /^\d{12}$/);
      assert.ok(payload.validUntil > Date.now() / 1000);
      const device = sim.redeem(payload.code);
      const provisioned = await done.next();
      assert.strictEqual(provisioned.topic, payload.code);
      assert.strictEqual(provisioned.payload.device.hwId, device.hwId);
      helper.getNode('p1').receive({ payload: { category: 'nope' } });
      assert.match((await errors.next()).error.message, /unknown category nope/);
    });

    it('reports a code redeemed while the socket was down exactly once after the reconnect', async () => {
      const [, codes, done] = await load(nodes, ['hcode', 'hdone']);
      await connected();
      helper.getNode('p1').receive({ payload: {} });
      const { payload } = await codes.next();
      sim.setSilent(true);
      await waitFor(() => helper.getNode('c1').connection.state !== 'connected', 5000, 'half-open noticed');
      const device = sim.redeem(payload.code);
      sim.setSilent(false);
      const provisioned = await done.next(() => true, 10000);
      assert.strictEqual(provisioned.payload.device.hwId, device.hwId);
      assert.strictEqual(provisioned.event, 'GetProvisionedDeviceResult');
      const logins = sim.loginCount;
      sim.dropAll();
      await waitFor(() => sim.loginCount > logins && helper.getNode('c1').connection.state === 'connected');
      await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(done.list.length, 1, 'exactly once');
    });
  });

  describe('pbx-command', () => {
    async function commands() {
      const [errors, out] = await load(
        [
          { id: 'q1', type: 'pbx-command', connection: 'c1', command: '', api: '', wires: [['hq']] },
          { id: 'hq', type: 'helper' },
        ],
        ['hq'],
      );
      await connected();
      const run = async (command, params = {}) => {
        helper.getNode('q1').receive({ payload: { command, ...params } });
        return out.next();
      };
      return { errors, run };
    }

    it('runs every request of the Devices API and joins multi-part results', async () => {
      const { run } = await commands();
      assert.strictEqual((await run('GetUserInfo')).payload.key, sim.userKey);
      assert.deepStrictEqual(
        (await run('GetProvisioningCategories', { type: 'PHONE' })).payload.map((c) => c.name),
        ['phones', 'warehouse'],
      );
      assert.deepStrictEqual(
        (await run('GetDomains')).payload.map((d) => d.name),
        ['example.com', 'branch.example.com'],
      );
      const devices = await run('GetDevices');
      assert.strictEqual(devices.payload.length, 5);
      assert.strictEqual(devices.raw.length, 3);
      assert.deepStrictEqual(
        (await run('GetFilteredDevices', { hwIds: '009033aa0001,009033aa0005' })).payload.map((d) => d.hwId),
        ['009033aa0001', '009033aa0005'],
      );
      assert.strictEqual((await run('GetDeviceConfigs')).payload.length, 4);
      const code = (await run('GetProvisioningCode', { category: 'phones' })).payload.code;
      assert.ok(code);
      assert.strictEqual((await run('GetProvisionedDevice', { code })).payload.code, code);
    });

    it('joins a 200 kB config value from 5 chunks and decrypts the config passwords on request', async () => {
      const { run } = await commands();
      const expert = await run('GetDeviceConfig', { id: 1 });
      const { expertScript } = require('../../dist/sim/innovaphone-devices');
      assert.strictEqual(expert.payload.script.length, 200 * 1024);
      assert.strictEqual(expert.payload.script, expertScript(200 * 1024));
      assert.strictEqual(Math.ceil((200 * 1024) / 41000), 5);
      const media = await run('GetDeviceConfig', { id: 2 });
      assert.notStrictEqual(media.payload.turnPassword, 'turn-secret', 'encrypted unless asked');
      assert.strictEqual((await run('GetDeviceConfig', { id: 2, decrypt: true })).payload.turnPassword, 'turn-secret');
      assert.strictEqual((await run('GetDeviceConfig', { id: 3, decrypt: true })).payload.logPassword, 'log-secret');
    });

    it('sends results with an error to Catch', async () => {
      const { errors } = await commands();
      helper.getNode('q1').receive({ payload: { command: 'GetDeviceConfig', id: 99 } });
      assert.match((await errors.next()).error.message, /no device config 99/);
      helper.getNode('q1').receive({ payload: { command: 'Nonsense' } });
      assert.match((await errors.next()).error.message, /unknown message Nonsense/);
    });
  });
});
