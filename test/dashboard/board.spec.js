'use strict';
// The server half of ui-pbx-board (dashboard/) with Dashboard 2's own ui-base/ui-page/ui-group in
// the test runtime, against the Vodia simulator: the board a page gets when it opens (Dashboard's
// datastore), the changed tiles as msg-input to every connected page, stale while the PBX is
// away, and the click message.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { helper, waitFor, waitStatus, nodeModules, boardModule, catalogs } = require('../support/red');
const { connectionTo } = require('../support/flow');
const { serverEach, simulatorEach } = require('../support/fixtures');
const { VodiaSim } = require('../../dist/sim/vodia');

const root = path.join(__dirname, '..', '..');
const DASHBOARD = path.dirname(require.resolve('@flowfuse/node-red-dashboard/package.json'));
const modules = () => [
  ...nodeModules(),
  ...['ui_base', 'ui_page', 'ui_group', 'ui_theme'].map((n) =>
    require(path.join(DASHBOARD, 'nodes', 'config', `${n}.js`)),
  ),
  boardModule(),
];

const DASHBOARD_NODES = [
  { id: 'base', type: 'ui-base', name: 'UI', path: '/dashboard', includeClientData: true, acceptsClientConfig: [] },
  { id: 'theme', type: 'ui-theme', name: 'Theme', colors: {} },
  { id: 'page', type: 'ui-page', name: 'Board', ui: 'base', path: '/board', layout: 'grid', theme: 'theme' },
  { id: 'group', type: 'ui-group', name: 'Lamps', page: 'page', width: 12, height: 1 },
];

describe('ui-pbx-board examples (dashboard/examples)', () => {
  const dir = path.join(root, 'dashboard', 'examples');
  for (const file of fs.readdirSync(dir)) {
    it(`${file}: boards in a group of a page of the one ui-base, on a pbx-connection, wired to click to dial`, () => {
      const nodes = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const byId = new Map(nodes.map((n) => [n.id, n]));
      assert.strictEqual(byId.size, nodes.length, 'unique ids');
      assert.ok(!/"password"|"apiKey"|credentials|demo-key/.test(JSON.stringify(nodes)), 'no credentials');
      assert.ok(
        nodes.some((n) => n.type === 'comment' && /\/dashboard\//.test(n.info)),
        'a comment with the URL',
      );
      const boards = nodes.filter((n) => n.type === 'ui-pbx-board');
      // Presence always; lamps where the vendor has a busy lamp field (innovaphone has none).
      const vendor = nodes.find((n) => n.type === 'pbx-connection').vendor;
      const kinds = vendor === 'innovaphone' ? ['presence'] : ['blf', 'presence'];
      assert.deepStrictEqual(boards.map((b) => b.kind).sort(), kinds);
      for (const b of boards) {
        const group = byId.get(b.group);
        const page = group && byId.get(group.page);
        assert.strictEqual(page && byId.get(page.ui).type, 'ui-base', `${b.id}: group, page, ui-base`);
        assert.strictEqual(byId.get(b.connection).type, 'pbx-connection');
        const dial = b.wires[0].map((id) => byId.get(id)).find((n) => n.type === 'pbx-make-call');
        assert.ok(dial && dial.to === 'payload.key' && dial.toType === 'msg', `${b.id}: wired to pbx-make-call`);
      }
    });
  }
});

describe('ui-pbx-board (server half, Dashboard 2 in the test runtime)', function () {
  this.timeout(15000);
  let sim;
  let socket;
  serverEach();
  simulatorEach(
    () => (sim = new VodiaSim({ domain: 'tenant.test' })),
    () => sim,
  );

  async function load(board, extra = []) {
    const flow = [
      { id: 'f1', type: 'tab' },
      ...DASHBOARD_NODES,
      connectionTo.vodia(sim),
      { id: 'board', type: 'ui-pbx-board', z: 'f1', group: 'group', connection: 'c1', wires: [['out']], ...board },
      { id: 'out', type: 'helper', z: 'f1' },
      ...extra,
    ];
    await catalogs;
    await helper.load(modules(), flow, { c1: { password: 'secret' } });
    // A page: Dashboard emits to every socket in this table.
    socket = { id: 'page-1', events: [], emit: (event, msg) => socket.events.push([event, msg]) };
    helper.getNode('base').uiShared.connections[socket.id] = socket;
  }
  const base = () => helper.getNode('base');
  /** What a page gets on widget-load: the datastore's copy of the board. */
  const opened = () => base().stores.data.get('board').payload;
  const changes = () => socket.events.filter(([e]) => e === 'msg-input:board').flatMap(([, m]) => m.payload);
  const lastTile = (key) =>
    changes()
      .filter((t) => t.key === key)
      .pop();

  it('has every configured key on open, in order, follows the lamps, and goes stale while the PBX is away', async () => {
    await load({ kind: 'blf', keys: '42, 41, 99' });
    await waitFor(() => helper.getNode('c1').connection.state === 'connected', 5000, 'connected');
    await waitStatus('board', 'green');
    await waitFor(() => opened()[2].stale === false, 1000, 'the unknown key follows the connection');
    assert.deepStrictEqual(
      opened().map((t) => t.key),
      ['42', '41', '99'],
    );
    assert.deepStrictEqual(opened()[2], { key: '99', state: 'unknown', stale: false, since: null });
    const widget = base().ui.widgets.get('board');
    assert.strictEqual(widget.type, 'ui-pbx-board');
    assert.strictEqual(widget.props.kind, 'blf');
    // The page's words come with its props, from the catalog in the runtime's language (issue 17).
    assert.deepStrictEqual(
      {
        ringing: widget.props.texts.states.ringing,
        held: widget.props.texts.states.held,
        dial: widget.props.texts.dial,
      },
      { ringing: 'ringing', held: 'on hold', dial: 'Call __key__' },
    );

    const before = changes().length;
    sim.startCall({ from: '41', to: '42' });
    await waitFor(() => lastTile('42') && lastTile('42').state === 'ringing', 3000, '42 ringing');
    const ringing = lastTile('42');
    assert.strictEqual(ringing.stale, false);
    assert.ok(ringing.since > Date.now() - 5000 && ringing.since <= Date.now());
    assert.strictEqual(ringing.detail, '41', 'the other party');
    assert.ok(
      changes()
        .slice(before)
        .every((t) => ['41', '42'].includes(t.key)),
      'only the changed tiles go out',
    );
    await waitFor(() => opened().find((t) => t.key === '42').state === 'ringing', 1000, 'a page opening now sees it');

    // The PBX goes away for a while (a blip shorter than the board's batching is never shown).
    const port = sim.port;
    await sim.stop();
    await waitFor(() => lastTile('42') && lastTile('42').stale === true, 3000, '42 stale');
    await waitFor(() => lastTile('99') && lastTile('99').stale === true, 3000, 'the unknown key too');
    assert.ok(opened().every((t) => t.stale));
    sim = new VodiaSim({ domain: 'tenant.test' });
    await sim.start(port);
    await waitFor(() => lastTile('42').stale === false, 5000, 'confirmed after the reconnect');
  });

  it("names the tiles: a user's name from the PBX (its key smaller on the page), a lamp after its extension, the caller of a ringing lamp", async () => {
    await load({ kind: 'blf', keys: '41, 42, 99' }, [
      { id: 'people', type: 'ui-pbx-board', z: 'f1', group: 'group', connection: 'c1', kind: 'presence', wires: [] },
    ]);
    const people = () => base().stores.data.get('people').payload;
    // Vodia's domain-state account names become presence `dn` (the simulator's accounts: Alice, Bob).
    await waitFor(
      () => (people() || []).some((t) => t.key === '41' && t.name === 'Alice'),
      5000,
      'Alice on the presence board',
    );
    await waitFor(() => opened()[0].name === 'Alice', 3000, 'the lamp of 41 is named after its user');
    assert.strictEqual(opened()[2].name, undefined, 'a key without a name shows its key');
    // The PBX renames a user (a user-state with a new name): both boards follow.
    sim.setUser('42', { name: 'Bob Brown' });
    await waitFor(
      () => people().find((t) => t.key === '42').name === 'Bob Brown',
      3000,
      '42 renamed on the presence board',
    );

    // An outside caller with a SIP display name rings 42: its name above its number.
    const call = sim.startCall({ from: '+4930123456', fromName: 'Müller GmbH', to: '42' });
    await waitFor(() => lastTile('42') && lastTile('42').state === 'ringing', 3000, '42 ringing');
    const ringing = lastTile('42');
    assert.deepStrictEqual(
      [ringing.name, ringing.otherName, ringing.detail],
      ['Bob Brown', 'Müller GmbH', '+4930123456'],
      JSON.stringify(ringing),
    );
    sim.endCall(call);
    await waitFor(() => lastTile('42').state === 'idle', 3000, '42 idle');
    assert.deepStrictEqual(
      [lastTile('42').otherName, lastTile('42').detail],
      [undefined, undefined],
      'idle names nobody',
    );
    // A caller whose "name" is its own number has none: the number alone.
    sim.startCall({ from: '+442071234567', fromName: '+442071234567', to: '42' });
    await waitFor(() => lastTile('42').state === 'ringing', 3000, '42 ringing again');
    assert.deepStrictEqual([lastTile('42').otherName, lastTile('42').detail], [undefined, '+442071234567']);
  });

  it('a click sends {topic: key, payload: {key, ...entry payload}}; keys not on the board send nothing', async () => {
    await load({ kind: 'presence', keys: '' });
    await waitFor(() => (opened() || []).some((t) => t.key === '41'), 5000, 'presence of 41');
    assert.deepStrictEqual(
      opened().map((t) => t.key),
      ['40', '41', '42', '43', '500'],
      'every user the store holds, sorted',
    );
    const hooks = base().ui.widgets.get('board').hooks;
    const msg = await hooks.beforeSend({ payload: { key: '41' } });
    assert.strictEqual(msg.topic, '41');
    assert.strictEqual(msg.payload.key, '41');
    assert.strictEqual(msg.payload.user, '41');
    assert.strictEqual(msg.payload.status, 'available');
    assert.strictEqual(await hooks.beforeSend({ payload: { key: 'nobody' } }), null);
    assert.strictEqual(await hooks.beforeSend({ payload: 'x' }), null);
  });

  it('says what is missing: no group, no connection, a kind the vendor cannot report (a page opening sees the configured keys, stale)', async () => {
    await load({ kind: 'presence', keys: '41' }, [
      { id: 'nogroup', type: 'ui-pbx-board', z: 'f1', connection: 'c1', wires: [] },
      { id: 'noconn', type: 'ui-pbx-board', z: 'f1', group: 'group', connection: '', keys: '41', wires: [] },
      {
        id: 'inno',
        type: 'pbx-connection',
        vendor: 'innovaphone',
        url: 'ws://127.0.0.1:9/PBX0/APPS/websocket',
        app: 'x',
      },
      { id: 'noblf', type: 'ui-pbx-board', z: 'f1', group: 'group', connection: 'inno', kind: 'blf', wires: [] },
    ]);
    // Both fail in their constructor: one error each (the status goes with it, before any spy could see it).
    const errors = helper
      .log()
      .args.map(([e]) => e)
      .filter((e) => e.type === 'ui-pbx-board' && e.level === helper.log().ERROR);
    assert.deepStrictEqual(
      errors.map((e) => [e.id, e.msg]),
      [
        ['nogroup', "property 'group' is missing: choose a ui-group"],
        ['noconn', "property 'connection' is missing: choose a pbx-connection"],
        ['noblf', 'innovaphone does not report blf state'],
      ],
    );
    assert.deepStrictEqual(base().stores.data.get('noconn').payload, [
      { key: '41', state: 'unknown', stale: true, since: null },
    ]);
  });
});
