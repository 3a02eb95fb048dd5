'use strict';
// Issues 24 and 25 joined, end to end per vendor: a connection with a `pbx-directory` (a CSV
// written by the test) against the vendor's simulator, through the real nodes. A caller the
// phone book knows is named from the book (with its contact) even though the PBX sends another
// name for it; a caller the book does not know keeps the PBX's name; a user the PBX names not at
// all gets the book's name as presence `dn`; the lamps (Vodia, onlinePBX) and the records too.
// A book that loads or changes later renames the stored entries and the Home Assistant sensors.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { helper, waitFor } = require('../support/red');
const { connectionTo, loadCatching, recordHelpers, connected, connection } = require('../support/flow');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { InnovaphoneSim, DEFAULT_USERS: INNOVAPHONE_USERS } = require('../../dist/sim/innovaphone');
const { OnlinePbxSim, DEFAULT_USERS: ONLINEPBX_USERS } = require('../../dist/sim/onlinepbx');
const { VodiaSim, DEFAULT_ACCOUNTS } = require('../../dist/sim/vodia');

/**
 * Per vendor: the simulator (one user the PBX gives no name), the directory's number plan, the
 * phone book, and how to ring `user` from an outside number with the name the PBX sends.
 * `known`: an outside caller in the book under another name; `unknown`: one not in the book;
 * `nameless`: the user without a PBX name, in the book; `lamp`: the called extension's BLF key;
 * `changePresence`: a presence report of `nameless` with the status `changedStatus`.
 */
const VENDORS = [
  {
    vendor: 'vodia',
    create: () =>
      new VodiaSim({
        domain: 'tenant.test',
        accounts: DEFAULT_ACCOUNTS.map((a) => (a.account === '43' ? { ...a, name: '' } : a)),
      }),
    credentials: () => ({ password: 'secret' }),
    plan: { country: 'DE', areaCode: '30', outsidePrefix: '' },
    book: 'name,number,groups\n"Müller & Söhne KG",+49 30 123456,"VIP;customer"\nCarol from the book,43,\n',
    known: { number: '+4930123456', pbxName: 'Müller GmbH', key: '+4930123456' },
    unknown: { number: '+33142685300', pbxName: 'Café Lumière' },
    user: { id: '42', number: '42', pbxName: 'Bob' },
    nameless: { key: '43', dn: 'Carol from the book' },
    lamp: '42',
    ready: () => undefined,
    ring: (sim, from, fromName) => sim.startCall({ from, fromName, to: '42' }),
    changePresence: (sim) => sim.setUser('43', { dnd: true }),
    changedStatus: 'dnd',
    hangup: (sim, id) => sim.endCall(id),
  },
  {
    vendor: 'onlinepbx',
    create: () =>
      new OnlinePbxSim({
        apiVersion: '2',
        apiKey: 'wired-key',
        users: ONLINEPBX_USERS.map((u) => (u.uid === '103' ? { ...u, name: '' } : u)),
      }),
    credentials: () => ({ apiKey: 'wired-key' }),
    plan: { country: 'RU', areaCode: '', outsidePrefix: '' },
    book: 'name,number,groups\nOlga (phone book),+7 916 123-45-67,VIP\nVera from the book,103,\n',
    known: { number: '79161234567', pbxName: 'Olga Smirnova', key: '+79161234567' },
    unknown: { number: '78129876543', pbxName: 'Pyotr Ivanov' },
    user: { id: '102', number: '102', pbxName: 'Boris Petrov' },
    nameless: { key: '103', dn: 'Vera from the book' },
    lamp: '102',
    // user_list (asked after each login) has named the users.
    ready: () => waitFor(() => connection().names.nameOf('102') === 'Boris Petrov', 5000, 'user_list names'),
    ring: (sim, from, fromName) => {
      sim.pbx.callerNames.set(from, fromName);
      return sim.pbx.playCall({ from, to: '102', answerAfterMs: null, hangupAfterMs: 300 });
    },
    hangup: () => undefined,
    changePresence: (sim) => sim.pbx.setRegistration('103', false),
    changedStatus: 'offline',
  },
  {
    vendor: 'innovaphone',
    create: () =>
      new InnovaphoneSim({
        users: [
          ...INNOVAPHONE_USERS,
          { sip: 'erin', num: '205', dn: '', presence: [{ contact: 'tel:', status: 'open', activity: '', note: '' }] },
        ],
      }),
    credentials: (sim) => ({ password: sim.password }),
    // innovaphone reports outside numbers behind its outside-line prefix 0.
    plan: { country: 'DE', areaCode: '30', outsidePrefix: '0' },
    book: 'name,number,groups\n"Müller & Söhne KG",030/1234567,"VIP;customer"\nErin from the book,205,\n',
    known: { number: '00301234567', pbxName: 'Schmidt & Co.', key: '+49301234567' },
    unknown: { number: '00711123456', pbxName: 'Anna Berg' },
    user: { id: 'bob', number: '202', pbxName: 'Bob Brown' },
    nameless: { key: 'erin', dn: 'Erin from the book' },
    lamp: undefined,
    ready: async (sim) => {
      await waitFor(() => sim.rcc.received.some((m) => m.mt === 'Initialize'), 5000, 'RCC initialized');
      await waitFor(() => connection().names.nameOf('202') === 'Bob Brown', 5000, 'UserInfo names learned');
    },
    ring: (sim, from, fromName) => sim.rcc.incomingCall({ from, to: 'bob', fromName }),
    hangup: (sim, leg) => sim.rcc.hangup(leg),
    changePresence: (sim) => sim.pbx.setPresence('erin', { activity: 'away' }),
    changedStatus: 'away',
  },
];

for (const v of VENDORS) {
  describe(`phone book wired into a ${v.vendor} connection`, function () {
    this.timeout(15000);
    let sim;
    let dir;
    simulatorWithFlowsEach(
      () => (sim = v.create()),
      () => sim,
    );
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-wired-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    let book;
    async function load() {
      book = path.join(dir, 'crm.csv');
      fs.writeFileSync(book, v.book);
      const nodes = [
        {
          id: 'd1',
          type: 'pbx-directory',
          ...v.plan,
          internalDigits: 6,
          suffixDigits: 0,
          sources: [{ type: 'file', label: 'crm', path: book }],
        },
        connectionTo[v.vendor](sim, { directory: 'd1' }),
        { id: 'calls', type: 'pbx-call-in', connection: 'c1', wires: [['hc']] },
        { id: 'recs', type: 'pbx-call-in', connection: 'c1', output: 'records', wires: [['hr']] },
        { id: 'pres', type: 'pbx-presence-in', connection: 'c1', users: v.nameless.key, wires: [['hp']] },
        { id: 'st', type: 'pbx-state', connection: 'c1', kind: 'presence', key: v.nameless.key, wires: [['hs']] },
        { id: 'hs', type: 'helper' },
        ...(v.lamp ? [{ id: 'lamp', type: 'pbx-blf-in', connection: 'c1', extensions: v.lamp, wires: [['hb']] }] : []),
        { id: 'hc', type: 'helper' },
        { id: 'hr', type: 'helper' },
        { id: 'hp', type: 'helper' },
        { id: 'hb', type: 'helper' },
      ];
      const { errors } = await loadCatching(nodes, { c1: v.credentials(sim) }, 'herr');
      const recs = recordHelpers(nodes);
      await waitFor(() => helper.getNode('d1').directory.status().key === 'contacts', 5000, 'the phone book loaded');
      await connected();
      await v.ready(sim);
      return { ...recs, errors };
    }

    const contact = {
      name: v.book.split('\n')[1].split(',')[0].replace(/"/g, ''),
      number: v.known.key,
      groups: v.vendor === 'onlinepbx' ? ['VIP'] : ['VIP', 'customer'],
      source: 'crm',
    };

    it("names a caller from the phone book ahead of the PBX's name, on the call, the lamp and the record", async () => {
      const { hc: calls, hr: records, hb: lamps, errors } = await load();
      const id = v.ring(sim, v.known.number, v.known.pbxName);
      const ringing = await calls.next((m) => m.payload.state === 'ringing' && m.payload.from === v.known.number);
      const call = ringing.payload;
      assert.deepStrictEqual(
        [call.fromName, call.fromContact, call.toName, 'toContact' in call],
        [contact.name, contact, v.user.pbxName, false],
        JSON.stringify(call),
      );
      if (v.lamp) {
        const lamp = await lamps.next((m) => m.payload.state === 'ringing' && m.payload.otherParty === v.known.number);
        assert.deepStrictEqual([lamp.payload.otherPartyName, lamp.payload.otherPartyContact], [contact.name, contact]);
      }
      v.hangup(sim, id);
      const record = (await records.next((m) => m.payload.from === v.known.number)).payload;
      assert.deepStrictEqual(
        [record.fromName, record.fromContact, record.to, record.toName],
        [contact.name, contact, v.user.number, v.user.pbxName],
      );
      assert.deepStrictEqual(errors.list, []);
    });

    it("keeps the PBX's name for a caller the phone book does not know", async () => {
      const { hc: calls, hr: records, hb: lamps } = await load();
      const id = v.ring(sim, v.unknown.number, v.unknown.pbxName);
      const ringing = await calls.next((m) => m.payload.state === 'ringing' && m.payload.from === v.unknown.number);
      assert.strictEqual(ringing.payload.fromName, v.unknown.pbxName);
      assert.strictEqual('fromContact' in ringing.payload, false);
      if (v.lamp && v.vendor === 'vodia') {
        // Vodia's lamp carries the caller's display name; onlinePBX's blf event names nobody.
        const lamp = await lamps.next(
          (m) => m.payload.state === 'ringing' && m.payload.otherParty === v.unknown.number,
        );
        assert.strictEqual(lamp.payload.otherPartyName, v.unknown.pbxName);
        assert.strictEqual('otherPartyContact' in lamp.payload, false);
      }
      v.hangup(sim, id);
      const record = (await records.next((m) => m.payload.from === v.unknown.number)).payload;
      assert.strictEqual(record.fromName, v.unknown.pbxName);
      assert.strictEqual('fromContact' in record, false);
    });

    it('gives a user the PBX does not name the phone book name as presence dn; a renamed contact renames the stored entry', async () => {
      const { hp: presence, hs: state } = await load();
      // The nodes get names with the reports: one sent before the book had loaded has the PBX's only.
      v.changePresence(sim);
      const m = await presence.next((x) => x.topic === v.nameless.key && x.payload.status === v.changedStatus);
      assert.strictEqual(m.payload.dn, v.nameless.dn, JSON.stringify(m.payload));
      // The book saved with a new name: the stored entry is named again without a report from the PBX.
      fs.writeFileSync(book, v.book.replace(v.nameless.dn, 'Renamed in the book'));
      const stored = () => connection().store.get('presence', v.nameless.key).payload.dn;
      await waitFor(() => stored() === 'Renamed in the book', 5000, 'the stored presence renamed');
      helper.getNode('st').receive({ payload: 'now' });
      const answer = await state.next();
      assert.deepStrictEqual([answer.topic, answer.payload.dn], [v.nameless.key, 'Renamed in the book']);
    });
  });
}

describe('phone book wired on Vodia', function () {
  this.timeout(15000);
  let sim;
  let dir;
  simulatorWithFlowsEach(
    () => (sim = new VodiaSim({ domain: 'tenant.test' })),
    () => sim,
  );
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-wired-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('a phone book that changes renames what the store and the sensors show', () => {
    it('Home Assistant sensors get the new name from the phone book, unique ids unchanged', async () => {
      const book = path.join(dir, 'crm.csv');
      fs.writeFileSync(book, 'name,number\nCarol from the book,43\n');
      const nodes = [
        {
          id: 'd1',
          type: 'pbx-directory',
          country: 'DE',
          internalDigits: 6,
          sources: [{ type: 'file', label: 'crm', path: book }],
        },
        connectionTo.vodia(sim, { name: 'Head office', directory: 'd1' }),
        { id: 'm1', type: 'pbx-mqtt', connection: 'c1', kinds: 'presence,blf', keys: '43', wires: [['hm']] },
        { id: 'hm', type: 'helper' },
      ];
      await loadCatching(nodes, { c1: { password: 'secret' } }, 'herr');
      const { hm: out } = recordHelpers(nodes);
      await connected();
      const config = (kind) => {
        const topic = `homeassistant/sensor/pbx_head_office_${kind}_43/config`;
        const m = out.list.filter((x) => x.topic === topic).pop();
        return m && JSON.parse(m.payload);
      };
      await waitFor(() => config('presence')?.name === 'Carol from the book', 5000, 'named from the book');
      // Saved with a new name (a CRM export, a CardDAV sync): the sensors follow, without a PBX report.
      fs.writeFileSync(book, 'name,number\nCarol Clark-Meyer,43\n');
      await waitFor(() => config('presence')?.name === 'Carol Clark-Meyer', 5000, 'renamed from the book');
      await waitFor(() => config('blf')?.name === 'Carol Clark-Meyer line', 5000, 'the lamp too');
      assert.deepStrictEqual(
        [config('presence').unique_id, config('blf').unique_id],
        ['pbx_head_office_presence_43', 'pbx_head_office_blf_43'],
      );
    });

    it("a ringing lamp's other party is named again when the phone book learns the caller", async () => {
      const book = path.join(dir, 'crm.csv');
      fs.writeFileSync(book, 'name,number\nSomeone else,+4930999999\n');
      const nodes = [
        { id: 'd1', type: 'pbx-directory', country: 'DE', sources: [{ type: 'file', label: 'crm', path: book }] },
        connectionTo.vodia(sim, { directory: 'd1' }),
        { id: 'lamp', type: 'pbx-blf-in', connection: 'c1', extensions: '42', wires: [['hb']] },
        { id: 'hb', type: 'helper' },
      ];
      await loadCatching(nodes, { c1: { password: 'secret' } }, 'herr');
      const { hb: lamps } = recordHelpers(nodes);
      await waitFor(() => helper.getNode('d1').directory.status().key === 'contacts', 5000, 'the phone book loaded');
      await connected();
      sim.startCall({ from: '+4930123456', fromName: 'Müller GmbH', to: '42' });
      const ringing = await lamps.next((m) => m.payload.state === 'ringing');
      assert.strictEqual(ringing.payload.otherPartyName, 'Müller GmbH', "the PBX's name: the book does not know it");
      fs.writeFileSync(book, 'name,number,groups\nMüller & Söhne KG,+49 30 123456,VIP\n');
      const stored = () => connection().store.get('blf', '42').payload;
      await waitFor(() => stored().otherPartyName === 'Müller & Söhne KG', 5000, 'the stored lamp renamed');
      assert.deepStrictEqual(stored().otherPartyContact, {
        name: 'Müller & Söhne KG',
        number: '+4930123456',
        groups: ['VIP'],
        source: 'crm',
      });
      assert.strictEqual(stored().state, 'ringing');
    });
  });

  describe('the called party', () => {
    it('an extension in the phone book: toName and toContact from the book, the caller named by the PBX', async () => {
      const book = path.join(dir, 'colleagues.vcf');
      fs.writeFileSync(
        book,
        'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob (phone book)\r\nTEL:42\r\nCATEGORIES:sales\r\nEND:VCARD\r\n',
      );
      const nodes = [
        { id: 'd1', type: 'pbx-directory', country: 'DE', sources: [{ type: 'file', label: 'team', path: book }] },
        connectionTo.vodia(sim, { directory: 'd1' }),
        { id: 'calls', type: 'pbx-call-in', connection: 'c1', wires: [['hc']] },
        { id: 'hc', type: 'helper' },
      ];
      await loadCatching(nodes, { c1: { password: 'secret' } }, 'herr');
      const { hc: calls } = recordHelpers(nodes);
      await waitFor(() => helper.getNode('d1').directory.status().key === 'contacts', 5000, 'the phone book loaded');
      await connected();
      const id = sim.startCall({ from: '41', to: '42' });
      const call = (await calls.next((m) => m.topic === id)).payload;
      assert.deepStrictEqual(
        [call.fromName, 'fromContact' in call, call.toName, call.toContact],
        [
          'Alice',
          false,
          'Bob (phone book)',
          { name: 'Bob (phone book)', number: '42', groups: ['sales'], source: 'team' },
        ],
        JSON.stringify(call),
      );
    });
  });
});
