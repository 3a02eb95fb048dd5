'use strict';
// Bad input never crashes Node-RED: each operation node answers a message with missing or wrongly
// typed properties with done(err) naming the property (so Catch nodes see it), and a node without
// a usable connection says why.
const assert = require('assert');
const { helper, loadFlow, record, waitStatus } = require('../support/red');

// A connection to a port nobody listens on: validation must not depend on the PBX.
const config = {
  id: 'c1',
  type: 'pbx-connection',
  vendor: 'vodia',
  url: 'ws://127.0.0.1:9/websocket',
  domain: 'd',
  user: '40',
};

const cases = [
  { node: { type: 'pbx-make-call' }, payload: { from: { nested: 1 }, to: '204' }, property: 'from' },
  { node: { type: 'pbx-make-call' }, payload: { from: '201' }, property: 'to' },
  { node: { type: 'pbx-make-call', to: '', toType: 'str' }, payload: { from: '201' }, property: 'to' },
  { node: { type: 'pbx-call-control', action: 'hangup' }, payload: {}, property: 'callId' },
  { node: { type: 'pbx-call-control' }, payload: { callId: 'x' }, property: 'action' },
  { node: { type: 'pbx-call-control', action: 'hangup' }, payload: { callId: { nested: 1 } }, property: 'callId' },
  { node: { type: 'pbx-set-presence' }, payload: { activity: 'busy' }, property: 'sip' },
  { node: { type: 'pbx-profile' }, payload: {}, property: 'action' },
  { node: { type: 'pbx-profile' }, payload: 'not an object', property: 'action' },
  { node: { type: 'pbx-command' }, payload: {}, property: 'command' },
  {
    node: { type: 'pbx-signaling', hw: '0090333f0001', mode: 'monitor' },
    payload: { call: 1, to: true, sig: {} },
    property: 'mode',
  },
  {
    node: { type: 'pbx-signaling', hw: '0090333f0001', mode: 'control' },
    payload: { call: 1, to: 'yes', sig: {} },
    property: 'to',
  },
  {
    node: { type: 'pbx-signaling', hw: '0090333f0001', mode: 'control' },
    payload: { call: 1, to: true },
    property: 'sig',
  },
];

describe('node input validation', () => {
  afterEach(() => helper.unload());

  for (const c of cases) {
    it(`${c.node.type} without a valid '${c.property}' fails with done(err) naming it`, async () => {
      await loadFlow([
        config,
        { id: 'n1', connection: 'c1', wires: [['h1']], ...c.node },
        { id: 'h1', type: 'helper' },
        { id: 'k1', type: 'catch', scope: null, uncaught: false, wires: [['hc']] },
        { id: 'hc', type: 'helper' },
      ]);
      const errors = record('hc');
      const out = record('h1');
      helper.getNode('n1').receive({ payload: c.payload });
      const err = await errors.next();
      assert.match(err.error.message, new RegExp(`'${c.property}'`));
      assert.strictEqual(err.error.source.id, 'n1');
      assert.strictEqual(out.list.length, 0);
    });
  }

  it('an operation while the PBX is unreachable fails fast, not by timeout', async () => {
    await loadFlow([
      config,
      { id: 'n1', type: 'pbx-make-call', connection: 'c1', wires: [['h1']] },
      { id: 'h1', type: 'helper' },
      { id: 'k1', type: 'catch', scope: null, uncaught: false, wires: [['hc']] },
      { id: 'hc', type: 'helper' },
    ]);
    const errors = record('hc');
    const started = Date.now();
    helper.getNode('n1').receive({ payload: { from: '40', to: '41' } });
    const err = await errors.next(() => true, 2000);
    assert.match(err.error.message, /not connected/);
    assert.ok(Date.now() - started < 1000);
  });

  it('a node without a connection shows why and fails its inputs', async () => {
    await loadFlow([
      { id: 'n1', type: 'pbx-command', command: 'x', wires: [['h1']] },
      { id: 'h1', type: 'helper' },
      { id: 'k1', type: 'catch', scope: null, uncaught: false, wires: [['hc']] },
      { id: 'hc', type: 'helper' },
    ]);
    await waitStatus('n1', 'red');
    const errors = record('hc');
    helper.getNode('n1').receive({ payload: {} });
    const err = await errors.next();
    assert.match(err.error.message, /'connection'/);
  });

  it('a connection with a missing required property reports it and its nodes fail with that text', async () => {
    await loadFlow([
      { id: 'c1', type: 'pbx-connection', vendor: 'onlinepbx', url: '', domain: '' },
      { id: 'n1', type: 'pbx-command', connection: 'c1', command: 'user_list', wires: [['h1']] },
      { id: 'h1', type: 'helper' },
      { id: 'k1', type: 'catch', scope: null, uncaught: false, wires: [['hc']] },
      { id: 'hc', type: 'helper' },
    ]);
    const errors = record('hc');
    helper.getNode('n1').receive({ payload: {} });
    const err = await errors.next();
    assert.match(err.error.message, /'url'/);
  });
});
