'use strict';
// Issue 3 through the real nodes: an innovaphone simulator (AppWebsocket, PbxApi, EpSignal), a
// pbx-connection and the user nodes.
const assert = require('assert');
const { helper, record, waitFor, waitStatus } = require('../support/red');
const { connectionTo, loadCatching, connection, connected } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { InnovaphoneSim, DEFAULT_DEVICES } = require('../../dist/sim/innovaphone');

const HW = DEFAULT_DEVICES[0];
const CREDS = { c1: { password: 'pwd' } };

function load(sim, nodes, creds = CREDS) {
  return loadCatching([connectionTo.innovaphone(sim), ...nodes], creds);
}

describe('innovaphone nodes', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new InnovaphoneSim()),
    () => sim,
  );

  describe('login', () => {
    it('logs in with the App object password and shows connected', async () => {
      await load(sim, [{ id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'alice', wires: [[]] }]);
      await waitStatus('p1', 'green');
      assert.strictEqual(sim.loginCount, 1);
      assert.strictEqual(sim.connectionCount, 1);
    });

    it('shows auth failed for a wrong password and retries only at the backoff cap', async () => {
      await load(sim, [{ id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'alice', wires: [[]] }], {
        c1: { password: 'wrong' },
      });
      await waitStatus('p1', 'red', 'authFailed');
      assert.strictEqual(sim.loginCount, 0);
      assert.match(connection().detail, /refused the login of App 'nodered'/);
    });
  });

  describe('pbx-presence-in', () => {
    it('subscribes by sip name or number and normalizes the newest presence entry', async () => {
      await load(sim, [
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'alice, 202, carol, dave', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      const alice = await rec.next((m) => m.topic === 'alice');
      assert.strictEqual(alice.vendor, 'innovaphone');
      assert.strictEqual(alice.event, 'PresenceUpdate');
      assert.strictEqual(alice.raw.mt, 'PresenceUpdate');
      assert.deepStrictEqual(
        { ...alice.payload, presence: undefined },
        { user: 'alice', sip: 'alice', num: '201', dn: 'Alice Adams', status: 'available', presence: undefined },
      );
      assert.strictEqual(alice.payload.presence.length, 2);
      const bob = await rec.next((m) => m.topic === '202');
      assert.strictEqual(bob.payload.status, 'busy');
      assert.strictEqual(bob.payload.sip, 'bob');
      assert.strictEqual((await rec.next((m) => m.topic === 'carol')).payload.status, 'offline');
      assert.strictEqual((await rec.next((m) => m.topic === 'dave')).payload.status, 'dnd');
      sim.pbx.setPresence('alice', { activity: 'away', note: 'lunch' });
      const away = await rec.next((m) => m.topic === 'alice');
      assert.strictEqual(away.payload.status, 'away');
      assert.strictEqual(away.payload.note, 'lunch');
      assert.deepStrictEqual(sim.pbx.subscriptions().sort(), ['alice', 'bob', 'carol', 'dave']);
    });

    it('an app item (a badge) never decides: the phone item does, with its activity and note (issue 26)', async () => {
      await load(sim, [
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'dave', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      assert.strictEqual((await rec.next()).payload.status, 'dnd');
      // An app posts its badge: an item of its own, first in the list, no activity (go-myapps' live lists).
      sim.pbx.setPresence('dave', { contact: 'app:badgeapp', status: 'open', activity: '', note: '#badge:3' });
      const badged = await rec.next();
      assert.strictEqual(badged.payload.presence[0].contact, 'app:badgeapp', 'the app item comes first on the wire');
      assert.strictEqual(badged.payload.status, 'dnd');
      assert.strictEqual(badged.payload.activity, 'dnd');
      assert.strictEqual(badged.payload.note, undefined, "the badge is not the person's note");
      // The person's im: item decides when the phone has none.
      sim.pbx.users.get('dave').presence = [
        { contact: 'app:badgeapp', status: 'open', activity: '', note: '#badge:4' },
      ];
      sim.pbx.setPresence('dave', { contact: 'im:', status: 'open', activity: 'away', note: 'back at 2' });
      const im = await rec.next();
      assert.deepStrictEqual([im.payload.status, im.payload.note], ['away', 'back at 2']);
    });

    it('shows a red status for a user the PBX does not know', async () => {
      await load(sim, [{ id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'nobody', wires: [[]] }]);
      await waitStatus('p1', 'red', 'no such user');
    });
  });

  describe('pbx-set-presence', () => {
    it('sets the presence (the monitor sees it) and reports PBX errors to Catch', async () => {
      const { errors } = await load(sim, [
        {
          id: 's1',
          type: 'pbx-set-presence',
          connection: 'c1',
          sip: 'bob',
          contact: '',
          activity: 'dnd',
          note: 'focus',
          wires: [['hs']],
        },
        { id: 'hs', type: 'helper' },
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'bob', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const presence = record('h1');
      const replies = record('hs');
      await presence.next();
      helper.getNode('s1').receive({ payload: {} });
      const reply = await replies.next();
      assert.deepStrictEqual(reply.payload, { sip: 'bob', contact: 'tel:', activity: 'dnd', note: 'focus' });
      assert.strictEqual(reply.raw.mt, 'SetPresenceResult');
      const dnd = await presence.next((m) => m.payload.status === 'dnd');
      assert.strictEqual(dnd.payload.note, 'focus');
      helper.getNode('s1').receive({ payload: { sip: 'nobody', activity: 'away' } });
      const err = await errors.next();
      assert.match(err.error.message, /user nobody not found \(innovaphone PbxApi SetPresence\)/);
    });
  });

  describe('pbx-profile', () => {
    it('outputs the favourites, follows ProfileContactAdded/Deleted and edits them', async () => {
      const { errors } = await load(sim, [
        { id: 'f1n', type: 'pbx-profile', connection: 'c1', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      const first = await rec.next();
      assert.strictEqual(first.event, 'SubscribeProfileResult');
      assert.deepStrictEqual(
        first.payload.contacts.map((c) => c.name),
        ['bob'],
      );
      sim.pbx.addFavourite({ sip: 'carol', num: '203', dn: 'Carol Clark' });
      const added = await rec.next((m) => m.event === 'ProfileContactAdded');
      assert.deepStrictEqual(
        added.payload.contacts.map((c) => c.name),
        ['bob', 'carol'],
      );
      helper.getNode('f1n').receive({ payload: { action: 'addContact', sip: 'dave', num: '204', dn: 'Dave Davis' } });
      const result = await rec.next((m) => m.raw.mt === 'AddProfileContactResult');
      const daveId = result.payload.id;
      // The PBX's ProfileContactAdded and the request's result come in either order.
      const withDave = await waitFor(() =>
        rec.list.find((m) => m.event === 'ProfileContactAdded' && m.payload.contacts.some((c) => c.name === 'dave')),
      );
      assert.strictEqual(withDave.payload.contacts.length, 3);
      helper.getNode('f1n').receive({ payload: { action: 'deleteContact', contactId: daveId } });
      const deleted = await rec.next((m) => m.event === 'ProfileContactDeleted');
      assert.deepStrictEqual(
        deleted.payload.contacts.map((c) => c.name),
        ['bob', 'carol'],
      );
      helper.getNode('f1n').receive({ payload: { action: 'updateContact', contact: { id: 11, dsp: 'Robert Brown' } } });
      const updated = await rec.next(
        (m) => m.event === 'ProfileContactAdded' && m.payload.contacts.some((c) => c.dsp === 'Robert Brown'),
      );
      assert.strictEqual(updated.payload.contacts.length, 2);
      helper.getNode('f1n').receive({ payload: { action: 'addProfile', name: 'Team' } });
      const newProfile = await rec.next((m) => m.raw.mt === 'AddProfileResult');
      helper
        .getNode('f1n')
        .receive({ payload: { action: 'renameProfile', id: newProfile.payload.id, name: 'Team 2' } });
      await rec.next((m) => m.raw.mt === 'UpdateProfileResult');
      assert.ok(sim.pbx.profiles.some((p) => p.name === 'Team 2'));
      helper.getNode('f1n').receive({ payload: { action: 'deleteProfile', id: newProfile.payload.id } });
      await rec.next((m) => m.raw.mt === 'DelProfileResult');
      assert.ok(!sim.pbx.profiles.some((p) => p.name === 'Team 2'));
      helper.getNode('f1n').receive({ payload: { action: 'deleteContact', contactId: 999 } });
      assert.match((await errors.next()).error.message, /favourite 999 not found/);
      helper.getNode('f1n').receive({ payload: { action: 'explode' } });
      assert.match((await errors.next()).error.message, /unknown profile action 'explode'/);
    });
  });

  describe('pbx-command', () => {
    it('sends any PbxApi message and returns the result matched by src', async () => {
      const { errors } = await load(sim, [
        { id: 'q1', type: 'pbx-command', connection: 'c1', command: 'GetNodeInfo', api: '', wires: [['hq']] },
        { id: 'q2', type: 'pbx-command', connection: 'c1', command: '', api: '', wires: [['hq']] },
        { id: 'hq', type: 'helper' },
      ]);
      const rec = record('hq');
      await connected();
      helper.getNode('q1').receive({ payload: {} });
      const info = await rec.next();
      assert.strictEqual(info.payload.mt, 'GetNodeInfoResult');
      assert.strictEqual(info.payload.country_code, '49');
      // Every PbxApi message of seed 000 is reachable by name.
      for (const [command, params] of [
        ['SubscribePresence', { sip: 'alice' }],
        ['UnsubscribePresence', { sip: 'alice' }],
        ['SubscribeProfile', {}],
        ['UnsubscribeProfile', {}],
        ['AddProfile', { name: 'X' }],
        ['UpdateProfile', { id: 1, name: 'Favourites' }],
        ['AddProfileContact', { id: 1, name: 'Favourites', contact: { sip: 'dave' } }],
      ]) {
        helper.getNode('q2').receive({ payload: { command, ...params } });
        const res = await rec.next();
        assert.strictEqual(res.payload.mt, `${command}Result`, command);
      }
      helper.getNode('q2').receive({ payload: { command: 'Bogus' } });
      assert.match((await errors.next()).error.message, /unknown message Bogus/);
      helper.getNode('q2').receive({ payload: { command: 'Anything', api: 'PbxAdminApi' } });
      assert.match((await errors.next()).error.message, /not granted/);
    });

    it('fails a request pending when the socket drops at once with a clear error', async () => {
      const { errors } = await load(sim, [
        { id: 'q1', type: 'pbx-command', connection: 'c1', command: 'GetNodeInfo', wires: [[]] },
      ]);
      await connected();
      sim.setReplyDelay(60000);
      helper.getNode('q1').receive({ payload: {} });
      await waitFor(() => sim.clients.length === 1);
      const t0 = Date.now();
      sim.dropAll();
      const err = await errors.next();
      assert.ok(Date.now() - t0 < 1000, 'at once, not by timeout');
      assert.match(err.error.message, /PbxApi GetNodeInfo: .*(closed|drop|lost|disconnect)/i);
    });
  });

  describe('pbx-event', () => {
    it('passes the messages by name, unnormalized', async () => {
      await load(sim, [
        { id: 'e1', type: 'pbx-event', connection: 'c1', events: 'PresenceState', wires: [['h1']] },
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'alice', wires: [[]] },
        { id: 'h1', type: 'helper' },
      ]);
      const msg = await record('h1').next();
      assert.strictEqual(msg.topic, 'PresenceState');
      assert.strictEqual(msg.payload.dn, 'Alice Adams');
      assert.strictEqual(msg.payload.up, true);
    });
  });

  describe('pbx-signaling', () => {
    it('monitor: relays every Signaling unchanged at the connection, and outputs copies with the call state', async () => {
      const { errors } = await load(sim, [
        { id: 'g1', type: 'pbx-signaling', connection: 'c1', hw: HW, mode: 'monitor', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      const attached = await rec.next((m) => m.topic === 'Attached');
      assert.deepStrictEqual(attached.payload, { hw: HW });
      const calls = [sim.playDeviceCall(HW, '300', 100), sim.playDeviceCall(HW, '301', 150)];
      await waitFor(() => sim.ep.sent === 8 && sim.ep.returnedUnchanged === 8, 5000, 'all relayed');
      assert.deepStrictEqual(sim.ep.fromApp, []);
      const signals = rec.list.filter((m) => m.topic === 'Signaling');
      assert.strictEqual(signals.length, 8);
      const first = signals.find((m) => m.payload.call === calls[0]);
      assert.deepStrictEqual(
        { ...first.payload, sig: undefined },
        { hw: HW, call: calls[0], to: false, sig: undefined, state: 'setup' },
      );
      assert.ok(signals.some((m) => m.payload.state === 'connected' && m.payload.to === true));
      helper.getNode('g1').receive({ payload: { call: -1, to: true, sig: { type: 'setup' } } });
      assert.match((await errors.next()).error.message, /'mode' is 'monitor'/);
    });

    it('syncs calls in progress on attach, relays even with no flow attached, and re-attaches after a reconnect', async () => {
      sim.playDeviceCall(HW, '310');
      await load(sim, [
        { id: 'g1', type: 'pbx-signaling', connection: 'c1', hw: HW, mode: 'control', wires: [['h1']] },
        { id: 'h1', type: 'helper' },
      ]);
      const rec = record('h1');
      const sync = await rec.next((m) => m.topic === 'Sync');
      assert.strictEqual(sync.payload.state, 'setup');
      const logins = sim.loginCount;
      sim.dropAll();
      await waitFor(() => sim.loginCount > logins && sim.ep.attached().includes(HW), 5000, 're-attached');
      const before = sim.ep.returnedUnchanged;
      sim.playDeviceCall(HW, '311', 50);
      await waitFor(() => sim.ep.returnedUnchanged === before + 4, 5000, 'relayed after reconnect');
      helper.getNode('g1').receive({ payload: { call: -5, to: true, sig: { type: 'setup', cg: { num: '200' } } } });
      await waitFor(() => sim.ep.fromApp.length === 1, 5000, 'control message at the PBX');
      assert.deepStrictEqual(sim.ep.fromApp[0].sig, { type: 'setup', cg: { num: '200' } });
      assert.strictEqual(sim.ep.fromApp[0].to, true);
      assert.strictEqual(sim.ep.fromApp[0].api, 'EpSignal');
      // `to` left out means toward the PBX (seed 003); the CallId goes out as an integer.
      helper.getNode('g1').receive({ payload: { call: '-5', sig: { type: 'rel' } } });
      await waitFor(() => sim.ep.fromApp.length === 2, 5000, 'second control message at the PBX');
      assert.strictEqual(sim.ep.fromApp[1].call, -5);
      assert.ok(!('to' in sim.ep.fromApp[1]));
    });

    it('shows the AttachResult error for an unknown device', async () => {
      await load(sim, [
        { id: 'g1', type: 'pbx-signaling', connection: 'c1', hw: 'nope', mode: 'monitor', wires: [[]] },
      ]);
      await waitStatus('g1', 'red', 'no device nope');
    });
  });

  describe('restore', () => {
    it('restores presence subscriptions and the profile monitor after a reconnect, without duplicates', async () => {
      await load(sim, [
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users: 'alice', wires: [['h1']] },
        { id: 'p2', type: 'pbx-presence-in', connection: 'c1', users: 'alice', wires: [['h2']] },
        { id: 'f1n', type: 'pbx-profile', connection: 'c1', wires: [[]] },
        { id: 'h1', type: 'helper' },
        { id: 'h2', type: 'helper' },
      ]);
      const rec = record('h1');
      await rec.next();
      assert.deepStrictEqual(sim.pbx.subscriptions(), ['alice'], 'one PBX subscription for two nodes');
      const logins = sim.loginCount;
      sim.dropAll();
      await waitFor(() => sim.loginCount > logins && sim.pbx.subscriptions().length === 1, 5000, 'restored');
      await waitFor(() => sim.clients[0] && sim.clients[0].state.has('profile'), 5000, 'profile monitor restored');
      // Marked, so the state the PBX repeats after the re-subscription does not count.
      sim.pbx.setPresence('alice', { activity: 'busy' }, { seq: 7 });
      const marked = () => rec.list.filter((m) => m.raw.seq === 7);
      await waitFor(() => marked().length >= 1, 5000);
      await new Promise((r) => setTimeout(r, 50));
      assert.strictEqual(marked().length, 1, 'once');
      assert.strictEqual(marked()[0].payload.status, 'busy');
    });
  });
});
