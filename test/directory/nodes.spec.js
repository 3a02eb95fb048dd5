'use strict';
// pbx-directory and pbx-lookup as nodes: lookups by number and by name, the status from the
// directory, a connection that names its parties from the phone book (PartyNames: the seam the
// names work fills into every payload), the PBX-users source, and the editor's endpoints.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { helper, waitFor, waitStatus } = require('../support/red');
const { connectionTo, loadCatching, recordHelpers, connected } = require('../support/flow');
const { serverEach, simulatorWithFlowsEach } = require('../support/fixtures');
const { InnovaphoneSim } = require('../../dist/sim/innovaphone');

const CSV =
  'name,number,mobile,groups\nMüller GmbH,030/1234567,,"VIP;customer"\nAlice Adams,+49 171 2345678,,family\nAli Baba,0302222222,,\nBad row,,,\n';
const VCF =
  'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoe Zimmer\r\nTEL;VALUE=uri:tel:+49-30-3333333\r\nCATEGORIES:VIP\r\nEND:VCARD\r\n';

describe('pbx-directory and pbx-lookup nodes', function () {
  let dir;
  let csv;
  let vcf;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-lookup-'));
    csv = path.join(dir, 'crm.csv');
    vcf = path.join(dir, 'family.vcf');
    fs.writeFileSync(csv, CSV);
    fs.writeFileSync(vcf, VCF);
  });
  afterEach(async () => {
    await helper.unload();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const directoryNode = (extra = {}) => ({
    id: 'd1',
    type: 'pbx-directory',
    country: 'DE',
    areaCode: '30',
    outsidePrefix: '0',
    internalDigits: 6,
    suffixDigits: 0,
    sources: [
      { type: 'file', label: 'family', path: vcf },
      { type: 'file', label: 'crm', path: csv },
    ],
    ...extra,
  });
  const lookupFlow = (lookup = {}) => [
    directoryNode(),
    {
      id: 'l1',
      type: 'pbx-lookup',
      directory: 'd1',
      number: 'payload',
      numberType: 'msg',
      wires: [['out']],
      ...lookup,
    },
    { id: 'out', type: 'helper' },
  ];

  it('answers a number with the contact, an unknown one with null', async () => {
    const nodes = lookupFlow();
    const { errors } = await loadCatching(nodes);
    const rec = recordHelpers(nodes);
    await waitStatus('l1', 'green', '^4 contacts$');
    const lookup = helper.getNode('l1');
    lookup.receive({ payload: '00301234567' });
    const hit = await rec.out.next();
    assert.deepStrictEqual(hit.payload, {
      name: 'Müller GmbH',
      number: '+49301234567',
      groups: ['VIP', 'customer'],
      source: 'crm',
    });
    assert.strictEqual(hit.known, true);
    lookup.receive({ payload: '0004930 3333333' });
    assert.deepStrictEqual((await rec.out.next()).payload, {
      name: 'Zoe Zimmer',
      number: '+49303333333',
      groups: ['VIP'],
      source: 'family',
    });
    lookup.receive({ payload: 4930999 });
    const miss = await rec.out.next();
    assert.deepStrictEqual([miss.payload, miss.known], [null, false]);
    assert.strictEqual(errors.list.length, 0);
  });

  it('searches names: {name} -> the contacts containing it, sorted, at most 20', async () => {
    const nodes = lookupFlow();
    await loadCatching(nodes);
    const rec = recordHelpers(nodes);
    await waitStatus('l1', 'green');
    helper.getNode('l1').receive({ payload: { name: 'ALI' } });
    const msg = await rec.out.next();
    assert.deepStrictEqual(
      msg.payload.map((c) => `${c.name} ${c.number}`),
      ['Ali Baba +49302222222', 'Alice Adams +491712345678'],
    );
    assert.strictEqual(msg.known, true);
  });

  it('reads the number from where the node says, and fails clearly on an object', async () => {
    const nodes = lookupFlow({ number: 'call.from', numberType: 'msg' });
    const { errors } = await loadCatching(nodes);
    const rec = recordHelpers(nodes);
    await waitStatus('l1', 'green');
    helper.getNode('l1').receive({ call: { from: '00171 2345678' } });
    assert.strictEqual((await rec.out.next()).payload.name, 'Alice Adams');
    helper.getNode('l1').receive({ call: { from: { x: 1 } } });
    const err = await errors.next();
    assert.strictEqual(err.error.code, 'PBX_INVALID_INPUT');
  });

  it('shows a failing source in yellow while its contacts are kept, red when nothing loaded', async () => {
    const nodes = lookupFlow();
    await loadCatching(nodes);
    await waitStatus('l1', 'green', '^4 contacts$');
    fs.writeFileSync(csv, 'garbage without a name column\n1\n');
    await waitStatus('l1', 'yellow', '^crm: unreachable since \\d\\d:\\d\\d, 3 contacts kept$');
    await helper.unload();
    await loadCatching([
      directoryNode({ sources: [{ type: 'file', path: path.join(dir, 'missing.csv') }] }),
      ...lookupFlow().slice(1),
    ]);
    await waitStatus('l1', 'red', '^file: ');
  });

  describe('on a connection', function () {
    let sim;
    simulatorWithFlowsEach(
      () => (sim = new InnovaphoneSim()),
      () => sim,
    );

    it('names the parties from the phone book ahead of the PBX, and lists the PBX users as a source', async () => {
      const nodes = [
        directoryNode({
          sources: [
            { type: 'file', label: 'crm', path: csv },
            { type: 'pbx', label: 'colleagues' },
          ],
        }),
        connectionTo.innovaphone(sim, { directory: 'd1' }),
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', user: 'alice', wires: [[]] },
        { id: 'l1', type: 'pbx-lookup', directory: 'd1', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ];
      await loadCatching(nodes, { c1: { password: sim.password } });
      await connected();
      const names = helper.getNode('c1').connection.names;
      // Not waitStatus: the helper's status spy also sees the presence node's "connected".
      await waitFor(() => helper.getNode('d1').directory.status().key === 'contacts', 5000, 'the phone book');
      assert.deepStrictEqual(names.contactOf('00301234567'), {
        name: 'Müller GmbH',
        number: '+49301234567',
        groups: ['VIP', 'customer'],
        source: 'crm',
      });
      // What the innovaphone adapter reports of its users (the names work feeds this from the PBX).
      names.learn([
        { number: '201', name: 'Alice Adams (PBX)' },
        { number: '202', name: 'Bob Brown' },
      ]);
      await waitFor(() => names.contactOf('202'), 2000, 'the PBX users in the directory');
      assert.deepStrictEqual(names.contactOf('202'), {
        name: 'Bob Brown',
        number: '202',
        groups: [],
        source: 'colleagues',
      });
      assert.strictEqual(names.nameOf('00301234567'), 'Müller GmbH');
      const rec = recordHelpers(nodes);
      helper.getNode('l1').receive({ payload: '201' });
      assert.strictEqual((await rec.out.next()).payload.source, 'colleagues');
    });

    it('reads numbers as the PBX writes them when the directory leaves country and prefix empty (innovaphone GetNodeInfo)', async () => {
      const nodes = [
        directoryNode({
          country: '',
          areaCode: '',
          outsidePrefix: '',
          sources: [{ type: 'file', label: 'crm', path: csv }],
        }),
        connectionTo.innovaphone(sim, { directory: 'd1' }),
        { id: 'p1', type: 'pbx-presence-in', connection: 'c1', user: 'alice', wires: [[]] },
      ];
      await loadCatching(nodes, { c1: { password: sim.password } });
      const directory = helper.getNode('d1').directory;
      await waitFor(() => directory.status().key === 'contacts', 5000, 'loaded');
      await connected();
      // The simulator answers prefix_intl 000, prefix_ntl 00, country_code 49: outside prefix 0 in Germany.
      await waitFor(
        () => helper.getNode('c1').connection.names.contactOf('0004930 1234567'),
        5000,
        'the PBX numbering',
      );
      assert.deepStrictEqual([directory.numberPlan.country, directory.numberPlan.outsidePrefix], ['DE', '0']);
      assert.strictEqual(helper.getNode('c1').connection.names.nameOf('00301234567'), 'Müller GmbH');
    });
  });

  describe('editor endpoints', function () {
    serverEach();

    it('tests one source as the dialog has it: count and three samples, or the error', async () => {
      await loadCatching([directoryNode()]);
      const ok = await helper
        .request()
        .post('/pbx-directory/test-source')
        .send({ country: 'DE', areaCode: '30', source: { type: 'file', label: 'crm', path: csv } })
        .expect(200);
      assert.deepStrictEqual(
        { ...ok.body, samples: ok.body.samples.map((c) => c.name) },
        { ok: true, count: 3, skipped: 1, samples: ['Müller GmbH', 'Alice Adams', 'Ali Baba'] },
      );
      const bad = await helper
        .request()
        .post('/pbx-directory/test-source')
        .send({ source: { type: 'file', path: path.join(dir, 'nope.csv') } });
      assert.strictEqual(bad.body.ok, false);
      assert.match(bad.body.error, /ENOENT/);
    });

    it('tries a number against the deployed directory and names the rule', async () => {
      await loadCatching([directoryNode({ suffixDigits: 7 })]);
      await waitFor(() => helper.getNode('d1').directory.status().key === 'contacts', 5000, 'loaded');
      const exact = await helper.request().get('/pbx-directory/d1/try').query({ number: '00301234567' }).expect(200);
      assert.deepStrictEqual(
        [exact.body.contact.name, exact.body.rule, exact.body.key],
        ['Müller GmbH', 'number', '+49301234567'],
      );
      const suffix = await helper.request().get('/pbx-directory/d1/try').query({ number: '+43 1 1234567' });
      assert.deepStrictEqual([suffix.body.contact.name, suffix.body.rule], ['Müller GmbH', 'suffix']);
      const none = await helper.request().get('/pbx-directory/nope/try').query({ number: '1' });
      assert.deepStrictEqual(none.body, { deployed: false });
    });
  });
});
