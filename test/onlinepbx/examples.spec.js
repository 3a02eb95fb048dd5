'use strict';
// The onlinePBX example flows: well-formed, importable, and doing what their comment says when
// deployed against the simulators (API 2.0 and 3.0 on one PBX, as `npm start` runs them).
const assert = require('assert');
const fs = require('fs');
const { helper, record, waitFor } = require('../support/red');
const { examplesIn, deployExample, csvFileIn, csvLines } = require('../support/examples');
const { OnlinePbxSim, SimPbx, DEMO, startDemo } = require('../../dist/sim/onlinepbx');
const { createOnlinePbxAdapter } = require('../../dist/protocols/onlinepbx/adapter');
const { adapterSettings } = require('../support/adapter');

const EXAMPLES = [
  'BLF lamps',
  'Click to dial',
  'Call log',
  'Call control',
  'Commands (user_list)',
  'Events (API 3.0)',
  'Missed calls',
  'Ring whoever is free',
  'Call durations to CSV',
  'Home Assistant via MQTT',
  'Who is calling',
];
const CONFIGS = {
  'demo-onlinepbx': { vendor: 'onlinepbx', url: `http://127.0.0.1:${DEMO.port}`, domain: DEMO.domain, apiVersion: '2' },
  'demo-onlinepbx3': {
    vendor: 'onlinepbx',
    url: `ws://127.0.0.1:${DEMO.port3}/`,
    domain: DEMO.domain,
    apiVersion: '3',
  },
};
const UUID = /^[0-9a-f-]{36}$/;
const examples = examplesIn('onlinePBX');

describe('onlinepbx examples', function () {
  this.timeout(15000);
  let pbx;
  let v2;
  let v3;
  beforeEach(async () => {
    pbx = new SimPbx({ domain: DEMO.domain, users: DEMO.users });
    pbx.rejecting.add('79990000000');
    v2 = new OnlinePbxSim({ apiVersion: '2', pbx, apiKey: DEMO.credentials.apiKey });
    v3 = new OnlinePbxSim({ apiVersion: '3', pbx, apiKey: DEMO.credentials.apiKey });
    await v2.start(0);
    await v3.start(0);
  });
  afterEach(async () => {
    await helper.unload();
    pbx.stop();
    await v2.stop();
    await v3.stop();
  });

  /** Deploys the example (each node through `patch`), connected and subscribed to `group`. */
  async function deploy(name, group, patch = (n) => n) {
    const nodes = examples.read(name).map(patch);
    const v3demo = nodes.some((n) => n.type === 'pbx-connection' && n.apiVersion === '3');
    const config = await deployExample(nodes, v3demo ? v3.url : v2.url, DEMO.credentials);
    const sim = config.apiVersion === '3' ? v3 : v2;
    await waitFor(
      () =>
        helper.getNode(config.id).connection.state === 'connected' &&
        (!group || sim.subscribedGroups().includes(group)),
      5000,
      'connected and subscribed',
    );
  }

  it('every example is importable, explains itself and uses one of the demo connections', () => {
    assert.deepStrictEqual(examples.names().sort(), [...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      const c = examples.check(name);
      assert.ok(CONFIGS[c.id], `${name}: config id ${c.id}`);
      assert.deepStrictEqual(
        { vendor: c.vendor, url: c.url, domain: c.domain, apiVersion: c.apiVersion },
        CONFIGS[c.id],
        name,
      );
      assert.strictEqual(
        c.id === 'demo-onlinepbx3',
        name.includes('API 3.0'),
        `${name}: the 3.0 example uses the 3.0 demo`,
      );
    }
    examples.checkCsv('Call durations to CSV');
  });

  it('BLF lamps: a lamp word per extension', async () => {
    await deploy('BLF lamps', 'blf');
    const lamps = record('d1');
    const full = record('d2');
    pbx.playCall({ from: '101', to: '102', answerAfterMs: 10, hangupAfterMs: 10 });
    for (const state of ['ringing', 'busy', 'idle']) {
      const m = await lamps.next((x) => x.topic === '101');
      assert.strictEqual(m.payload, state);
    }
    assert.strictEqual((await full.next((x) => x.topic === '102')).payload.direction, 'inbound');
  });

  it('Click to dial: make_call answers with the call id; a rejected call reaches the catch node', async () => {
    await deploy('Click to dial');
    const ids = record('d1');
    const errors = record('d2');
    helper.getNode('i2').receive({});
    const m = await ids.next();
    assert.match(m.payload.callId, UUID);
    assert.strictEqual(v2.received.find((r) => r.command === 'make_call').data.from_name, 'Sales');
    helper.getNode('i3').receive({});
    assert.match((await errors.next()).error.message, /CALL_REJECTED/);
  });

  it('Call log: ended calls with their hangup cause, and a line per channel_destroy', async () => {
    await deploy('Call log', 'calls');
    const ended = record('d1');
    const log = record('d2');
    const a = pbx.playCall({
      from: '79161234567',
      to: '103',
      answerAfterMs: null,
      hangupAfterMs: 10,
      cause: 'USER_BUSY',
    });
    const e = await ended.next((m) => m.topic === a);
    assert.strictEqual(e.payload.state, 'ended');
    assert.strictEqual(e.payload.cause, 'USER_BUSY');
    const line = await log.next((m) => m.payload.channel === a);
    assert.deepStrictEqual(Object.keys(line.payload), ['channel', 'endpoint', 'direction', 'started', 'cause']);
    assert.strictEqual(line.payload.cause, 'USER_BUSY');
    assert.match(line.payload.started, /^\d{4}-\d\d-\d\dT/);
    assert.ok(!ended.list.some((m) => m.payload.state !== 'ended'));
  });

  it('Call control: transfer, listen in, bridge and hang up the remembered calls; hold is refused', async () => {
    await deploy('Call control', 'calls');
    const done = record('d1');
    const answered = record('d2');
    const errors = record('d3');
    const first = pbx.playCall({ from: '79161234567', to: '101', answerAfterMs: 5, hangupAfterMs: null });
    await answered.next((m) => m.payload.callId === first);
    const second = pbx.playCall({ from: '102', to: '104', answerAfterMs: 5, hangupAfterMs: null });
    await answered.next((m) => m.payload.callId === second);
    const flow = helper.getNode('ch1').context().flow;
    assert.deepStrictEqual([flow.get('previousCall'), flow.get('lastCall')], [first, second]);
    helper.getNode('i2').receive({});
    assert.deepStrictEqual((await done.next()).payload, { action: 'transfer', callId: second });
    helper.getNode('i3').receive({});
    assert.match((await done.next()).payload.listenerCallId, UUID);
    helper.getNode('i4').receive({});
    assert.deepStrictEqual((await done.next()).payload, { action: 'bridge', callId: second });
    assert.deepStrictEqual(v2.received.find((r) => r.command === 'bridge').data.to_uuid, first);
    helper.getNode('i5').receive({});
    assert.match((await errors.next()).error.message, /onlinepbx does not support the call control action 'hold'/);
    helper.getNode('i1').receive({});
    assert.deepStrictEqual((await done.next()).payload, { action: 'hangup', callId: second });
    await waitFor(() => !pbx.channels.includes(second));
  });

  it('Commands (user_list): the registered phones, other commands by name, PBX errors to the catch node', async () => {
    await deploy('Commands (user_list)');
    const phones = record('d1');
    const replies = record('d2');
    const errors = record('d3');
    helper.getNode('i1').receive({});
    assert.deepStrictEqual(
      (await phones.next()).payload.map((u) => u.uid),
      ['101', '102', '103', '104', '105'],
      'not 106, unregistered',
    );
    helper.getNode('i2').receive({});
    assert.strictEqual((await replies.next()).payload[0].extension, '74951234567');
    helper.getNode('i3').receive({});
    assert.deepStrictEqual((await replies.next()).payload, { status: true });
    assert.deepStrictEqual(v2.received.find((r) => r.command === 'sip_message').data.text, 'Lunch at one?');
    helper.getNode('i4').receive({});
    assert.deepStrictEqual((await replies.next()).payload, { status: true });
    helper.getNode('i5').receive({});
    assert.match((await errors.next()).error.message, /onlinePBX reboot_phone: USER_NOT_REGISTERED/);
  });

  it('Events (API 3.0): every event, call_end, lamps and registrations over the 3.0 socket', async () => {
    await deploy('Events (API 3.0)', 'calls');
    await waitFor(() => ['user_blf', 'user_registration'].every((g) => v3.subscribedGroups().includes(g)));
    const events = record('d1');
    const lamps = record('d2');
    const regs = record('d3');
    const ends = record('d4');
    pbx.playCall({ from: '101', to: '105', answerAfterMs: 5, hangupAfterMs: 5 });
    await events.next((m) => m.topic === 'channel_create');
    const end = await ends.next();
    assert.strictEqual(end.topic, 'call_end');
    assert.strictEqual(end.payload.hangup_cause, 'NORMAL_CLEARING');
    assert.strictEqual((await lamps.next((m) => m.topic === '105')).event, 'user_blf');
    pbx.setRegistration('103', false);
    const r = await regs.next((m) => m.topic === '103');
    assert.strictEqual(r.payload.status, 'offline');
    assert.strictEqual(r.event, 'user_registration');
    assert.strictEqual(v2.connectionCount, 0, 'the 3.0 example uses the 3.0 socket only');
  });

  it('Who is calling: one line per call (not per channel), named from caller_name and the user_list', async () => {
    await deploy('Who is calling', 'calls');
    await waitFor(
      () => helper.getNode('demo-onlinepbx').connection.names.nameOf('102') === 'Boris Petrov',
      5000,
      'user_list',
    );
    const lines = record('d1');
    pbx.callerNames.set('79161234567', 'Olga Smirnova');
    pbx.playCall({ from: '79161234567', to: '102', answerAfterMs: 100, hangupAfterMs: 100 });
    const first = await lines.next();
    assert.strictEqual(first.payload, 'Olga Smirnova (79161234567) is calling Boris Petrov');
    assert.strictEqual(first.topic, 'Call from Olga Smirnova');
    pbx.playCall({ from: '78129876543', to: '101', answerAfterMs: null, hangupAfterMs: 100 });
    assert.strictEqual(
      (await lines.next()).payload,
      '78129876543 is calling Anna Ivanova',
      'caller_name equal to the number is none',
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(lines.list.length, 2, 'the two channels of a call are one line');
  });

  it('Missed calls: a record with missed: true per unanswered inbound call, counted in flow.missedCalls', async () => {
    await deploy('Missed calls', 'calls');
    const missed = record('d1');
    const counts = record('d2');
    const flow = helper.getNode('fn').context().flow;
    // Answered, and over before the missed ones end: the switch must hold it back.
    pbx.playCall({ from: '79161234567', to: '101', answerAfterMs: 5, hangupAfterMs: 5 });
    const a = pbx.playCall({
      from: '74957654321',
      to: '103',
      answerAfterMs: null,
      hangupAfterMs: 150,
      cause: 'NO_ANSWER',
    });
    const m = await missed.next();
    assert.deepStrictEqual(
      [m.event, m.topic, m.payload.direction, m.payload.from, m.payload.to, m.payload.answered, m.payload.missed],
      ['call-record', a, 'inbound', '74957654321', '103', false, true],
    );
    assert.strictEqual((await counts.next()).payload, 1);
    assert.strictEqual(flow.get('missedCalls'), 1);
    pbx.playCall({
      from: '78129876543',
      to: '105',
      answerAfterMs: null,
      hangupAfterMs: 20,
      cause: 'ORIGINATOR_CANCEL',
    });
    assert.strictEqual((await counts.next()).payload, 2);
    assert.strictEqual(flow.get('missedCalls'), 2);
    assert.strictEqual(missed.list.length, 2, 'the answered call is not a missed one');
  });

  it('Ring whoever is free: the first registered phone gets the door on the phone; nobody registered, nobody rung', async () => {
    await deploy('Ring whoever is free', 'registration');
    const picked = record('pk');
    const ringing = record('d1');
    const notFree = record('d2');
    const store = helper.getNode('demo-onlinepbx').connection.store;
    const status = (u) => store.get('presence', u)?.payload.status;
    await waitFor(() => status('101') === 'available', 5000, 'presence from user_list');
    helper.getNode('in').receive({ payload: 'ding' });
    const m = await ringing.next();
    assert.match(m.payload.callId, UUID);
    const { from, to } = v2.received.find((r) => r.command === 'make_call').data;
    assert.deepStrictEqual([from, to], ['101', '100']);
    await waitFor(() => pbx.channels.includes(m.payload.callId), 5000, 'the PBX rings 101');

    const people = ['101', '102', '103', '104', '105'];
    for (const u of people) pbx.setRegistration(u, false);
    await waitFor(() => people.every((u) => status(u) === 'offline'), 5000, 'everyone offline');
    helper.getNode('in').receive({ payload: 'ding' });
    const none = await notFree.next((x) => x.payload.length === people.length);
    assert.deepStrictEqual(
      none.payload.map((p) => [p.user, p.status]),
      people.map((u) => [u, 'offline']),
    );
    assert.strictEqual(picked.list.length, 1, 'output 1 stays silent');
    assert.strictEqual(v2.count('make_call'), 1);
  });

  it('Call durations to CSV: one line per call record, in the columns the comment names', async () => {
    const file = csvFileIn();
    await deploy('Call durations to CSV', 'calls', (n) => (n.type === 'file' ? { ...n, filename: file.path } : n));
    const written = record('d1');
    try {
      const answered = pbx.playCall({ from: '101', to: '102', answerAfterMs: 20, hangupAfterMs: 30 });
      await written.next();
      const missed = pbx.playCall({ from: '79031112233', to: '104', answerAfterMs: null, hangupAfterMs: 20 });
      await written.next();
      const [a, b] = csvLines(file.path);
      assert.deepStrictEqual(
        [a.callId, a.from, a.to, a.answered, a.missed, a.cause],
        [answered, '101', '102', 'true', 'false', 'NORMAL_CLEARING'],
      );
      assert.ok(Number(a.talkMs) > 0 && Number(a.durationMs) >= Number(a.talkMs), JSON.stringify(a));
      assert.deepStrictEqual(
        [b.callId, b.direction, b.answeredAt, b.talkMs, b.missed, b.cause],
        [missed, 'inbound', '', '0', 'true', 'NO_ANSWER'],
      );
      assert.strictEqual(Number(b.endedAt) - Number(b.startedAt), Number(b.durationMs));
      assert.strictEqual(written.list[1].payload, fs.readFileSync(file.path, 'utf8').split('\n')[1] + '\n');
    } finally {
      file.remove();
    }
  });
});

describe('onlinepbx demo (npm start)', function () {
  this.timeout(15000);

  it('serves API 2.0 and 3.0 on the demo ports with the demo key, with live calls every few seconds', async () => {
    const demo = await startDemo();
    const adapters = [];
    try {
      const seen = { 2: [], 3: [] };
      for (const [version, url] of [
        ['2', `http://127.0.0.1:${DEMO.port}`],
        ['3', `ws://127.0.0.1:${DEMO.port3}/`],
      ]) {
        const a = createOnlinePbxAdapter(
          adapterSettings('onlinepbx', {
            url,
            domain: DEMO.domain,
            apiVersion: version,
            apiKey: DEMO.credentials.apiKey,
            keepaliveMs: 30000,
          }),
          {
            emit: (channel, key, m) => seen[version].push(m.event),
            listening: () => true,
            callSummary: () => undefined,
            users: () => undefined,
            snapshot: () => undefined,
            dropped: () => undefined,
            log: () => undefined,
          },
        );
        adapters.push(a);
        await a.open();
        await a.watch({ channel: 'event', key: '*' });
      }
      await waitFor(
        () => seen[2].includes('channel_create') && seen[3].includes('channel_create'),
        8000,
        'a demo call on both sockets',
      );
      assert.ok(seen[2].includes('blf') || seen[2].includes('registration'));
      assert.ok(seen[3].includes('user_blf') || seen[3].includes('user_registration'));
    } finally {
      for (const a of adapters) a.close();
      await demo.stop();
    }
  });
});
