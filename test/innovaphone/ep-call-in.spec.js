'use strict';
// pbx-call-in on a connection without RCC: the calls of the EpSignal-attached devices (NODES.md:
// "RCC calls monitoring or EpSignal, whichever the connection has"); with RCC, only RCC's.
const assert = require('assert');
const { helper, loadFlow, record, waitFor } = require('../support/red');
const { InnovaphoneSim, DEFAULT_DEVICES } = require('../../dist/sim/innovaphone');

const HW = DEFAULT_DEVICES[0];

describe('innovaphone pbx-call-in from EpSignal', function () {
  this.timeout(15000);
  let sim;
  let records;
  afterEach(async () => {
    await helper.unload();
    await sim.stop();
  });

  async function load(apis) {
    sim = new InnovaphoneSim({ apis });
    await sim.start(0);
    await loadFlow(
      [
        { id: 'c1', type: 'pbx-connection', vendor: 'innovaphone', url: sim.url, app: 'nodered' },
        { id: 'g1', type: 'pbx-signaling', connection: 'c1', hw: HW, mode: 'monitor', wires: [[]] },
        { id: 'ci', type: 'pbx-call-in', connection: 'c1', wires: [['h1']] },
        { id: 'cr', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['h2']] },
        { id: 'h1', type: 'helper' },
        { id: 'h2', type: 'helper' },
      ],
      { c1: { password: 'pwd' } },
    );
    records = record('h2');
    await waitFor(() => sim.ep.attached().includes(HW), 5000, 'attached');
    return record('h1');
  }

  it('without RCC granted: ringing, connected and ended from the device signalling', async () => {
    const calls = await load(['PbxApi', 'EpSignal']);
    const call = sim.playDeviceCall(HW, '300', 50);
    const ringing = await calls.next((m) => m.payload.state === 'ringing');
    assert.strictEqual(ringing.topic, `${HW}:${call}`);
    assert.strictEqual(ringing.vendor, 'innovaphone');
    assert.strictEqual(ringing.event, 'Signaling');
    assert.deepStrictEqual(ringing.payload, {
      callId: `${HW}:${call}`,
      state: 'ringing',
      direction: 'outbound',
      to: '300',
    });
    assert.strictEqual(ringing.raw.mt, 'Signaling');
    await calls.next((m) => m.payload.state === 'connected');
    const ended = await calls.next((m) => m.payload.state === 'ended');
    assert.strictEqual(ended.payload.cause, '16');
    // Relaying goes on as before.
    await waitFor(() => sim.ep.returnedUnchanged === 4, 5000, 'relayed');
  });

  it('after a reconnect, a call the Syncs no longer list ends once, with a record marked endedWhileDisconnected', async () => {
    const calls = await load(['PbxApi', 'EpSignal']);
    const call = sim.playDeviceCall(HW, '301');
    await calls.next((m) => m.payload.state === 'connected');
    const kept = sim.playDeviceCall(HW, '302');
    await calls.next((m) => m.payload.state === 'connected' && m.payload.to === '302');
    sim.dropAll();
    // Released while no socket is there to hear it.
    sim.ep.release(HW, call);
    const ended = await calls.next((m) => m.payload.state === 'ended');
    assert.strictEqual(ended.topic, `${HW}:${call}`);
    assert.strictEqual(ended.event, 'Attached');
    await new Promise((r) => setTimeout(r, 700));
    const conn = helper.getNode('c1').connection;
    assert.deepStrictEqual(
      conn.store.entries('call').map(([id, e]) => [id, e.stale]),
      [[`${HW}:${kept}`, false]],
      'the call the Syncs listed is confirmed',
    );
    assert.strictEqual(calls.list.filter((m) => m.payload.state === 'ended').length, 1, 'one end');
    assert.deepStrictEqual(
      records.list.map((m) => [m.topic, m.payload.endedWhileDisconnected, m.payload.answered]),
      [[`${HW}:${call}`, true, true]],
      'one record',
    );
  });

  it('with RCC: the device signalling adds no second report of its calls', async () => {
    const calls = await load(undefined);
    sim.rcc.incomingCall({ from: '0711123456', to: 'bob' });
    await calls.next((m) => m.event === 'CallInfo' || m.event === 'CallAdd');
    sim.playDeviceCall(HW, '300', 10);
    await waitFor(() => sim.ep.returnedUnchanged === 4, 5000, 'relayed');
    assert.deepStrictEqual(
      calls.list.filter((m) => m.topic.startsWith(`${HW}:`)),
      [],
    );
  });
});
