'use strict';
// Issue 5 through the real nodes: an onlinePBX simulator (API 2.0 and 3.0), a pbx-connection
// and the user nodes, for every command and event.
const assert = require('assert');
const { helper, record, waitFor, waitStatus } = require('../support/red');
const { connectionTo, loadCatching, connection, connected, makeCallFromMsg } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { OnlinePbxSim } = require('../../dist/sim/onlinepbx');
const { V2_COMMANDS } = require('./samples');

const KEY = 'node-test-key';
const CREDS = { c1: { apiKey: KEY } };

let sim;
function load(nodes, creds = CREDS) {
  return loadCatching([connectionTo.onlinepbx(sim), ...nodes], creds);
}
/** The flow of `nodes`, once `c1` is connected. */
async function loadConnected(nodes) {
  const recorders = await load(nodes);
  await connected();
  return recorders;
}

for (const version of ['2', '3']) {
  const v3 = version === '3';
  const BLF = v3 ? 'user_blf' : 'blf';
  const REG = v3 ? 'user_registration' : 'registration';

  describe(`onlinepbx nodes, API ${version}.0`, function () {
    this.timeout(15000);
    simulatorWithFlowsEach(
      () => (sim = new OnlinePbxSim({ apiVersion: version, apiKey: KEY })),
      () => sim,
    );

    /** Waits until the PBX has subscribed what the nodes watch. */
    const subscribed = (group) => waitFor(() => sim.subscribedGroups().includes(group), 5000, `subscribed ${group}`);
    /** 2.0: the users' names from the user_list asked after login (3.0 has none to ask). */
    const named = () =>
      v3 ? undefined : waitFor(() => connection().names.users().length > 0, 5000, 'user_list names');
    /** The names a 2.0 payload gains from user_list, or none. */
    const v2Only = (fields) => (v3 ? {} : fields);

    it('pbx-blf-in: one message per lamp change of the configured extensions', async () => {
      await load([
        { id: 'b1', type: 'pbx-blf-in', connection: 'c1', extensions: '101, 103', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      await subscribed(BLF);
      await waitStatus('b1', 'green');
      await named();
      sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 10, hangupAfterMs: 10 });
      const ringing = await rec.next((m) => m.topic === '101');
      assert.strictEqual(ringing.vendor, 'onlinepbx');
      assert.strictEqual(ringing.event, BLF);
      assert.strictEqual(v3 ? ringing.raw.event : ringing.raw.name, BLF);
      const { timestamp, callId, ...rest } = ringing.payload;
      assert.deepStrictEqual(rest, {
        extension: '101',
        state: 'ringing',
        direction: 'outbound',
        otherParty: '102',
        ...v2Only({ otherPartyName: 'Boris Petrov' }),
      });
      assert.match(callId, /^[0-9a-f-]{36}$/);
      assert.ok(Math.abs(timestamp - Date.now()) < 5000, 'seconds became milliseconds');
      assert.strictEqual((await rec.next((m) => m.topic === '101')).payload.state, 'busy');
      assert.strictEqual((await rec.next((m) => m.topic === '101')).payload.state, 'idle');
      sim.pbx.setRegistration('103', false);
      assert.strictEqual((await rec.next((m) => m.topic === '103')).payload.state, 'unregistered');
      assert.ok(!rec.list.some((m) => m.topic === '102'), 'only the configured extensions');
    });

    it('pbx-call-in: channel_* folded into one lifecycle per channel, with the hangup cause', async () => {
      await load([
        { id: 'ci', type: 'pbx-call-in', connection: 'c1', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      await subscribed('calls');
      await named();
      const a = sim.pbx.playCall({ from: '79161234567', to: '105', answerAfterMs: 10, hangupAfterMs: null });
      const ring = await rec.next((m) => m.topic === a);
      assert.deepStrictEqual(ring.payload, {
        callId: a,
        state: 'ringing',
        direction: 'inbound',
        from: '79161234567',
        to: '105',
        // The PBX's user in the call, not the outside caller the channel's endpoint names (issue 26).
        extension: '105',
        ...v2Only({ toName: 'Dina Kuznetsova' }),
      });
      assert.strictEqual(ring.event, 'channel_create');
      assert.strictEqual((await rec.next((m) => m.topic === a)).payload.state, 'connected');
      sim.pbx.hold(a, true);
      assert.strictEqual((await rec.next((m) => m.topic === a)).event, 'channel_hold');
      sim.pbx.hold(a, false);
      assert.strictEqual((await rec.next((m) => m.topic === a)).payload.state, 'connected');
      const legs = sim.pbx.legsOf('105');
      sim.pbx.command('hangup_call', { uuid: legs[1] });
      // The channel hung up ends first, then its partner.
      const other = await rec.next((m) => m.topic === legs[1] && m.payload.state === 'ended');
      assert.strictEqual(other.payload.extension, '105');
      const end = await rec.next((m) => m.topic === a && m.payload.state === 'ended');
      assert.strictEqual(end.event, 'channel_destroy');
      assert.strictEqual(end.payload.cause, 'MANAGER_REQUEST');
      assert.strictEqual(v3 ? end.raw.data.hangup_cause : end.raw.args[0].hangup_cause, 'MANAGER_REQUEST');
    });

    it('pbx-presence-in: registration changes of every user, or of the configured ones', async () => {
      await load([
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: '', wires: [['h1']] },
        { id: 'p2', type: 'pbx-presence-in', connection: 'c1', users: '102', wires: [['h2']] },
        { id: 'h1', type: 'helper' },
        { id: 'h2', type: 'helper' },
      ]);
      const all = record('h1');
      const only = record('h2');
      await subscribed(REG);
      await named();
      sim.pbx.setRegistration('101', false);
      const off = await all.next((m) => m.topic === '101');
      assert.deepStrictEqual(off.payload, {
        user: '101',
        num: '101',
        status: 'offline',
        registered: false,
        ...v2Only({ dn: 'Anna Ivanova' }),
      });
      assert.strictEqual(off.event, REG);
      sim.pbx.setRegistration('102', false);
      sim.pbx.setRegistration('102', true);
      assert.strictEqual((await only.next()).payload.status, 'offline');
      assert.deepStrictEqual((await only.next()).payload, {
        user: '102',
        num: '102',
        status: 'available',
        registered: true,
        ...v2Only({ dn: 'Boris Petrov' }),
      });
      sim.pbx.reRegister('104');
      assert.strictEqual((await all.next((m) => m.topic === '104')).payload.status, 'unknown', 'register_attempt');
      assert.strictEqual((await all.next((m) => m.topic === '104')).payload.status, 'available');
      assert.ok(!only.list.some((m) => m.topic !== '102'));
    });

    it('pbx-event: every event by name, or all of them', async () => {
      await load([
        { id: 'e1', type: 'pbx-event', connection: 'c1', events: 'channel_destroy', wires: [['h1']] },
        { id: 'e2', type: 'pbx-event', connection: 'c1', events: '', wires: [['h2']] },
        { id: 'h1', type: 'helper' },
        { id: 'h2', type: 'helper' },
      ]);
      const destroys = record('h1');
      const all = record('h2');
      await subscribed('calls');
      sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: null, hangupAfterMs: 10, cause: 'ORIGINATOR_CANCEL' });
      const d = await destroys.next();
      assert.strictEqual(d.topic, 'channel_destroy');
      assert.strictEqual(d.event, 'channel_destroy');
      assert.strictEqual(d.payload.hangup_cause, 'ORIGINATOR_CANCEL');
      assert.strictEqual(d.payload.state, 'CS_DESTROY');
      const names = v3
        ? ['channel_create', 'user_blf', 'channel_destroy', 'call_end']
        : ['channel_create', 'blf', 'channel_destroy'];
      for (const n of names) await all.next((m) => m.topic === n);
      sim.pbx.setRegistration('105', false);
      await all.next((m) => m.topic === REG);
      if (!v3) {
        sim.pushEvent('channel_application', { uuid: 'x', application: 'transfer', application_data: {} });
        await all.next((m) => m.topic === 'channel_application');
      }
      assert.ok(!destroys.list.some((m) => m.topic !== 'channel_destroy'));
    });

    it('pbx-call-control: hangup, transfer and bridge; unsupported actions name the vendor and action', async () => {
      const { errors } = await load([
        { id: 'ci', type: 'pbx-call-in', connection: 'c1', wires: [['h1']] },
        { id: 'cc', type: 'pbx-call-control', connection: 'c1', action: '', wires: [['h2']] },
        { id: 'h1', type: 'helper' },
        { id: 'h2', type: 'helper' },
      ]);
      const calls = record('h1');
      const out = record('h2');
      await subscribed('calls');
      const a = sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 5, hangupAfterMs: null });
      await calls.next((m) => m.topic === a && m.payload.state === 'connected');
      helper.getNode('cc').receive({ action: 'transfer', payload: { callId: a, to: '103' }, topic: 'keep me' });
      const t = await out.next();
      assert.deepStrictEqual(t.payload, { action: 'transfer', callId: a });
      assert.strictEqual(t.topic, 'keep me', 'the msg passes through');
      assert.strictEqual(t.raw[v3 ? 'event' : 'name'], v3 ? 'transferred' : 'callback');
      await calls.next((m) => m.payload.cause === 'BLIND_TRANSFER');
      const b = sim.pbx.playCall({ from: '104', to: '105', answerAfterMs: 5, hangupAfterMs: null });
      await calls.next((m) => m.topic === b && m.payload.state === 'connected');
      helper.getNode('cc').receive({ action: 'bridge', payload: { callId: a, toCallId: b } });
      assert.strictEqual((await out.next()).payload.action, 'bridge');
      helper.getNode('cc').receive({ action: 'hangup', payload: { callId: b } });
      assert.deepStrictEqual((await out.next()).payload, { action: 'hangup', callId: b });
      await calls.next((m) => m.topic === b && m.payload.state === 'ended' && m.payload.cause === 'MANAGER_REQUEST');
      helper.getNode('cc').receive({ action: 'hold', payload: { callId: a } });
      assert.match((await errors.next()).error.message, /onlinepbx does not support the call control action 'hold'/);
      helper.getNode('cc').receive({ action: 'hangup', payload: { callId: 'not-a-channel' } });
      assert.match((await errors.next()).error.message, /CHANNEL_NOT_FOUND/);
      helper.getNode('cc').receive({ action: 'eavesdrop', payload: { callId: a, from: '105' } });
      if (v3)
        assert.match(
          (await errors.next()).error.message,
          /API 3\.0 does not support the call control action eavesdrop/,
        );
      else assert.match((await out.next()).payload.listenerCallId, /^[0-9a-f-]{36}$/);
    });

    it('a wrong key shows auth failed on the nodes', async () => {
      await load([{ id: 'w1', type: 'pbx-blf-in', connection: 'c1', extensions: '', wires: [[]] }], {
        c1: { apiKey: 'wrong' },
      });
      await waitStatus('w1', 'red', 'authFailed');
      assert.strictEqual(connection().state, 'auth-failed');
      assert.match(connection().detail, /auth failed/);
      assert.ok(!connection().detail.includes('wrong'));
      assert.strictEqual(sim.loginCount, 0);
    });

    it('re-subscribes after a reconnect: lamps flow again on the new socket', async () => {
      await load([
        { id: 'b1', type: 'pbx-blf-in', connection: 'c1', extensions: '', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      await subscribed(BLF);
      sim.dropAll();
      await waitFor(() => sim.loginCount === 2 && sim.connectionCount === 1, 5000, 'a new socket');
      await subscribed(BLF);
      await connected();
      sim.pushEvent('blf', { uid: '105', status: 'ringing', seq: 1 });
      const m = await rec.next();
      assert.strictEqual(m.payload.state, 'ringing');
      assert.strictEqual(sim.count('subscribe'), 2, 'one subscribe per socket');
    });
  });
}

describe('onlinepbx nodes, API 2.0 commands', function () {
  this.timeout(15000);
  simulatorWithFlowsEach(
    () => (sim = new OnlinePbxSim({ apiVersion: '2', apiKey: KEY })),
    () => sim,
  );

  it('pbx-make-call: make_call with from/to and the other make_call fields; the call id comes back', async () => {
    const { errors } = await loadConnected([makeCallFromMsg('mc', [['h1']]), { id: 'h1', type: 'helper' }]);
    const out = record('h1');
    sim.pbx.rejecting.add('79990000000');
    helper.getNode('mc').receive({
      payload: { from: '101', to: '79161234567', from_name: 'Sales', gate_from: '74951234567' },
      topic: 'call',
    });
    const m = await out.next();
    assert.match(m.payload.callId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(m.topic, 'call');
    assert.strictEqual(m.vendor, 'onlinepbx');
    assert.deepStrictEqual(sim.received.find((r) => r.command === 'make_call').data, {
      from: '101',
      to: '79161234567',
      from_name: 'Sales',
      gate_from: '74951234567',
      callback_hash: m.raw.args[0].hash,
    });
    await waitFor(() => sim.pbx.channels.includes(m.payload.callId));
    helper.getNode('mc').receive({ payload: { from: '101', to: '79990000000' } });
    const err = await errors.next();
    assert.match(err.error.message, /onlinePBX make_call: CALL_REJECTED$/);
    helper.getNode('mc').receive({ payload: { from: '101' } });
    assert.match((await errors.next()).error.message, /'to' is missing/);
  });

  it('pbx-command: all 13 commands by name, params from msg.payload, the reply data in msg.payload', async () => {
    const { errors } = await loadConnected([
      { id: 'cmd', type: 'pbx-command', connection: 'c1', command: '', wires: [['h1']] },
      { id: 'h1', type: 'helper' },
    ]);
    const out = record('h1');
    const run = async (command, payload) => {
      helper.getNode('cmd').receive({ payload: { command, ...payload } });
      return (await out.next()).payload;
    };
    const uuid = (await run('make_call', { from: '101', to: '102' })).uuid;
    await waitFor(() => sim.pbx.channels.length >= 2);
    assert.match((await run('eavesdrop', { uuid, from: '103' })).uuid, /^[0-9a-f-]{36}$/);
    assert.deepStrictEqual(await run('transfer', { uuid, to: '105', gate_to: '74951234567' }), { status: true });
    const legs = await waitFor(() => (sim.pbx.legsOf('105').length === 2 ? sim.pbx.legsOf('105') : undefined));
    assert.deepStrictEqual(await run('bridge', { uuid: legs[0], to_uuid: legs[1] }), { status: true });
    assert.deepStrictEqual(await run('hangup_call', { uuid }), { status: true });
    const subs = await run('subscribe', { events: { calls: true } });
    assert.strictEqual(subs.calls, true);
    assert.strictEqual(subs.callback, true);
    assert.deepStrictEqual(await run('reboot_phone', { num: '102', model: 'cisco' }), { status: true });
    assert.deepStrictEqual(await run('reloadgw', { num: '78123456789' }), { status: true });
    assert.deepStrictEqual(await run('sip_message', { num: '101', text: 'Lunch?' }), { status: true });
    assert.deepStrictEqual(await run('flush_reg', { num: '101' }), { status: true });
    assert.strictEqual((await run('trunk_list', {}))[0].status, 'REGED');
    const users = await run('user_list', {});
    assert.deepStrictEqual(
      users.map((u) => u.uid),
      ['101', '102', '103', '105'],
    );
    assert.deepStrictEqual(await run('message', { data: 'Hi All!' }), { status: true });
    for (const c of V2_COMMANDS) {
      assert.ok(sim.count(c) >= 1, c);
    }
    assert.strictEqual(errors.list.length, 0);
  });

  it('pbx-command: a callback with status:false reaches a catch node with the PBX text; timeouts too', async () => {
    const { errors } = await loadConnected([
      { id: 'cmd', type: 'pbx-command', connection: 'c1', command: 'reboot_phone', timeout: 1, wires: [['h1']] },
      { id: 'h1', type: 'helper' },
    ]);
    helper.getNode('cmd').receive({ payload: { num: '104', model: 'yealink' } });
    const e = await errors.next();
    assert.match(e.error.message, /onlinePBX reboot_phone: USER_NOT_REGISTERED$/);
    helper.getNode('cmd').receive({ payload: { num: '101', model: 'polycom' } });
    assert.match((await errors.next()).error.message, /'model' must be one of yealink, cisco/);
    sim.setReplyDelay(3000);
    helper.getNode('cmd').receive({ payload: { num: '101', model: 'yealink' } });
    assert.match((await errors.next(() => true, 3000)).error.message, /onlinePBX reboot_phone: no answer within 1 s/);
  });

  it('editor suggestions come from user_list', async () => {
    await loadConnected([{ id: 'b1', type: 'pbx-blf-in', connection: 'c1', extensions: '', wires: [[]] }]);
    assert.deepStrictEqual(await connection().suggestions('extensions'), ['101', '102', '103', '105']);
  });
});

describe('onlinepbx nodes, API 3.0 commands', function () {
  this.timeout(15000);
  simulatorWithFlowsEach(
    () => (sim = new OnlinePbxSim({ apiVersion: '3', apiKey: KEY })),
    () => sim,
  );

  it('pbx-make-call says clearly that API 3.0 has no make_call over the WebSocket', async () => {
    const { errors } = await loadConnected([{ id: 'mc', type: 'pbx-make-call', connection: 'c1', wires: [[]] }]);
    helper.getNode('mc').receive({ payload: { from: '101', to: '102' } });
    const e = await errors.next();
    assert.match(
      e.error.message,
      /onlinePBX API 3\.0 has no make_call over the WebSocket: use API 2\.0 \(apiVersion "2"\) or the onlinePBX HTTP API/,
    );
    assert.deepStrictEqual(sim.received, []);
  });

  it('pbx-command: subscribe, unsubscribe, transfer, bridge, hangup_channel; error_* events reach a catch node', async () => {
    const { errors } = await loadConnected([
      { id: 'cmd', type: 'pbx-command', connection: 'c1', command: '', wires: [['h1']] },
      { id: 'h1', type: 'helper' },
    ]);
    const out = record('h1');
    const run = async (command, payload) => {
      helper.getNode('cmd').receive({ payload: { command, ...payload } });
      return out.next();
    };
    const sub = await run('subscribe', { eventGroups: ['calls', 'gateway'] });
    assert.deepStrictEqual(sub.payload, { eventGroups: ['calls', 'gateway'] });
    assert.strictEqual(sub.raw.event, 'subscribed');
    assert.deepStrictEqual((await run('unsubscribe', { eventGroups: ['gateway'] })).payload, {
      eventGroups: ['calls'],
    });
    const a = sim.pbx.playCall({ from: '101', to: '102', answerAfterMs: 5, hangupAfterMs: null });
    const b = sim.pbx.playCall({ from: '103', to: '105', answerAfterMs: 5, hangupAfterMs: null });
    assert.strictEqual((await run('transfer', { uuid: a, to: '104' })).raw.event, 'transferred');
    assert.strictEqual((await run('bridge', { uuids: [a, b] })).raw.event, 'bridged');
    assert.deepStrictEqual((await run('hangup_channel', { uuid: b })).payload, { uuid: b });
    helper.getNode('cmd').receive({ payload: { command: 'hangup_channel', uuid: b } });
    const e = await errors.next();
    assert.match(e.error.message, /onlinePBX hangup_channel: CHANNEL_NOT_FOUND$/);
    helper.getNode('cmd').receive({ payload: { command: 'reboot_phone', num: '101', model: 'cisco' } });
    assert.match((await errors.next()).error.message, /onlinePBX reboot_phone: UNKNOWN_COMMAND$/);
  });
});
