'use strict';
// What a Devices server written from seed 004 alone may do differently from our simulator, and
// what the client must then still get right: `last` or `src` left out, partial or id-only
// updates, ids as strings, an error answer to GetUserInfo, codes of another domain, domain events
// and recvUpdates requests that must survive a reconnect. The variants come from a subclass of
// the simulator that rewrites its frames.
const assert = require('assert');
const { helper, record, waitFor } = require('../support/red');
const { connectionTo, loadCatching, connected } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { DevicesSim } = require('../../dist/sim/innovaphone-devices');

/** The simulator with every received message recorded and every sent frame passed through `rewrite`. */
class VariantSim extends DevicesSim {
  constructor(options) {
    super(options);
    this.received = [];
    this.rewrite = (m) => m;
    this.answer = undefined;
  }
  handle(c, msg) {
    this.received.push(msg);
    if (this.answer && this.answer(c, msg)) return;
    super.handle(c, msg);
  }
  deliver(c, text) {
    const msg = this.rewrite(JSON.parse(text));
    if (msg) super.deliver(c, JSON.stringify(msg));
  }
  sent(mt) {
    return this.received.filter((m) => m.mt === mt);
  }
}

const without = (m, ...keys) => {
  const out = { ...m };
  for (const k of keys) delete out[k];
  return out;
};

describe('innovaphone Devices: a server that fills seed 004 in differently', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new VariantSim({ redeemAfterMs: 0 })),
    () => sim,
  );

  async function load(nodes, ids = []) {
    const { errors } = await loadCatching([connectionTo['innovaphone-devices'](sim), ...nodes], {
      c1: { password: 'pwd' },
    });
    return [errors, ...ids.map((id) => record(id))];
  }
  const reconnect = async () => {
    const logins = sim.loginCount;
    sim.dropAll();
    await waitFor(
      () => sim.loginCount > logins && helper.getNode('c1').connection.state === 'connected',
      8000,
      'reconnected',
    );
  };
  async function command(name = '') {
    const [errors, out] = await load(
      [
        { id: 'q1', type: 'pbx-command', connection: 'c1', command: name, api: '', timeout: 5, wires: [['hq']] },
        { id: 'hq', type: 'helper' },
      ],
      ['hq'],
    );
    await connected();
    const run = (payload) => {
      helper.getNode('q1').receive({ payload });
      return out.next();
    };
    return { errors, run };
  }

  it('ends a multi-part result whose only part has no `last` (and takes `last` sent as text)', async () => {
    sim.rewrite = (m) =>
      m.mt === 'GetDevicesResult'
        ? without(m, 'last')
        : m.mt === 'GetDomainsResult' && m.last
          ? { ...m, last: 'true' }
          : m;
    const { run } = await command();
    const devices = await run({ command: 'GetDevices' });
    // Parts without `last` that follow each other are still all collected.
    assert.strictEqual(devices.payload.length, 5);
    assert.strictEqual(devices.raw.length, 3);
    assert.strictEqual((await run({ command: 'GetDomains' })).payload.length, 2);
  });

  it('completes an update that carries only what changed (no src, no domainId) from the known device', async () => {
    const [, out] = await load(
      [
        { id: 'd1', type: 'pbx-device-in', connection: 'c1', domainIds: '1', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ],
      ['h1'],
    );
    await out.next((m) => m.topic === 'snapshot');
    sim.rewrite = (m) => {
      if (m.mt === 'DeviceUpdate')
        return { mt: 'DeviceUpdate', device: { hwId: m.device.hwId, online: m.device.online } };
      if (m.mt === 'DeviceRemoved') return { mt: 'DeviceRemoved', id: String(m.device.id) };
      return m;
    };
    sim.setOnline('009033aa0002', false);
    const update = await out.next();
    assert.strictEqual(update.topic, '009033aa0002');
    assert.strictEqual(update.payload.change, 'updated');
    assert.strictEqual(update.payload.device.online, false);
    assert.strictEqual(update.payload.device.name, 'Office 1');
    sim.removeDevice('009033aa0003');
    const removed = await out.next();
    assert.strictEqual(removed.topic, '009033aa0003', 'an id sent as text still finds the device');
    assert.strictEqual(removed.payload.change, 'removed');
  });

  it('falls back to GetLoginInfo when GetUserInfo is answered with an error', async () => {
    sim.answer = (c, msg) =>
      msg.mt === 'GetUserInfo' && (c.send({ mt: 'GetUserInfoResult', src: msg.src, error: 'unknown message' }), true);
    const [, out] = await load(
      [
        { id: 'd1', type: 'pbx-device-in', connection: 'c1', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ],
      ['h1'],
    );
    const snap = await out.next((m) => m.topic === 'snapshot');
    assert.strictEqual(sim.sent('GetLoginInfo').length, 1);
    assert.match(snap.payload.devices[0].passthrough, new RegExp(`/passthrough/009033aa0001/${sim.userKey}/$`));
  });

  it('checks a code of another domain in that domain after a reconnect', async () => {
    const [, codes, done] = await load(
      [
        {
          id: 'p1',
          type: 'pbx-device-provisioned',
          connection: 'c1',
          category: 'warehouse',
          sip: '',
          rollout: '',
          domainId: '2',
          wires: [['hcode'], ['hdone']],
        },
        { id: 'hcode', type: 'helper' },
        { id: 'hdone', type: 'helper' },
      ],
      ['hcode', 'hdone'],
    );
    await connected();
    helper.getNode('p1').receive({ payload: { administrative: true } });
    const { payload } = await codes.next();
    const request = sim.sent('GetProvisioningCode')[0];
    assert.deepStrictEqual(without(request, 'src'), {
      mt: 'GetProvisioningCode',
      category: 'warehouse',
      domainId: 2,
      administrative: true,
    });
    sim.rewrite = (m) => (m.mt === 'DeviceProvisioned' ? undefined : m); // lost with the socket
    const device = sim.redeem(payload.code);
    await reconnect();
    const provisioned = await done.next();
    assert.strictEqual(provisioned.payload.device.hwId, device.hwId);
    assert.deepStrictEqual(without(sim.sent('GetProvisionedDevice')[0], 'src'), {
      mt: 'GetProvisionedDevice',
      code: payload.code,
      domainId: 2,
    });
  });

  it('also checks a code asked for with pbx-command after a reconnect', async () => {
    const [, out, done] = await load(
      [
        { id: 'q1', type: 'pbx-command', connection: 'c1', command: 'GetProvisioningCode', api: '', wires: [['hq']] },
        { id: 'hq', type: 'helper' },
        { id: 'p1', type: 'pbx-device-provisioned', connection: 'c1', category: 'phones', wires: [[], ['hdone']] },
        { id: 'hdone', type: 'helper' },
      ],
      ['hq', 'hdone'],
    );
    await connected();
    helper.getNode('q1').receive({ payload: { category: 'phones' } });
    const { code } = (await out.next()).payload;
    sim.rewrite = (m) => (m.mt === 'DeviceProvisioned' ? undefined : m);
    sim.redeem(code);
    await reconnect();
    assert.strictEqual((await done.next()).payload.code, code);
  });

  it('asks for domain updates for a pbx-event that names them, again after a reconnect', async () => {
    const [, out] = await load(
      [
        { id: 'e1', type: 'pbx-event', connection: 'c1', events: 'DomainAdded,DomainDeleted', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ],
      ['h1'],
    );
    await waitFor(() => sim.sent('GetDomains').length === 1, 5000, 'GetDomains');
    assert.strictEqual(sim.sent('GetDomains')[0].recvUpdates, true);
    const domain = sim.addDomain('new.example.com');
    const added = await out.next();
    assert.strictEqual(added.topic, 'DomainAdded');
    assert.strictEqual(added.payload.domain.name, 'new.example.com');
    await reconnect();
    await waitFor(() => sim.sent('GetDomains').length === 2, 5000, 'GetDomains again');
    sim.deleteDomain(domain.id);
    assert.strictEqual((await out.next()).payload.id, domain.id);
  });

  it('sends a recvUpdates request of a pbx-command again after a reconnect', async () => {
    const [, out, events] = await load(
      [
        { id: 'q1', type: 'pbx-command', connection: 'c1', command: 'GetDevices', api: '', wires: [['hq']] },
        { id: 'hq', type: 'helper' },
        { id: 'e1', type: 'pbx-event', connection: 'c1', events: 'DeviceUpdate', wires: [['he']] },
        { id: 'he', type: 'helper' },
      ],
      ['hq', 'he'],
    );
    await connected();
    helper.getNode('q1').receive({ payload: { recvUpdates: true, domainIds: [1] } });
    assert.strictEqual((await out.next()).payload.length, 4);
    assert.strictEqual(sim.sent('GetDevices')[0].domainIds, '1', 'a list is sent as the comma separated string');
    await reconnect();
    await waitFor(() => sim.monitorCount === 1, 5000, 'monitor again');
    assert.deepStrictEqual(without(sim.sent('GetDevices')[1], 'src'), {
      mt: 'GetDevices',
      recvUpdates: true,
      domainIds: '1',
    });
    sim.setOnline('009033aa0001', false);
    assert.strictEqual((await events.next()).payload.device.hwId, '009033aa0001');
  });

  it('decrypts the passwords of GetDeviceConfigs on request and joins config chunks that carry no src', async () => {
    sim.scriptBytes = 100 * 1024;
    sim.rewrite = (m) => (m.mt === 'GetDeviceConfigValueResult' ? without(m, 'src') : m);
    const { run, errors } = await command();
    const configs = (await run({ command: 'GetDeviceConfigs', decrypt: true })).payload;
    assert.strictEqual(configs.find((c) => c.type === 'MEDIA').turnPassword, 'turn-secret');
    assert.strictEqual(configs.find((c) => c.type === 'ALARM_SERVER').logPassword, 'log-secret');
    const expert = await run({ command: 'GetDeviceConfig', id: '1' });
    assert.strictEqual(expert.payload.script.length, 100 * 1024);
    assert.strictEqual(sim.sent('GetDeviceConfig')[0].id, 1, 'the ulong64 id as a number');
    helper.getNode('q1').receive({ payload: { command: 'GetProvisioningCategories', domainId: 'two' } });
    assert.match((await errors.next()).error.message, /domainId/);
  });
});
