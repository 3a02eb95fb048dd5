'use strict';
// The phone book example flows: well-formed, importable, on the innovaphone demo connection with
// the demo phone book (the shipped vCard and CSV files), and doing what their comment says.
const assert = require('assert');
const path = require('path');
const { helper, record, waitFor } = require('../support/red');
const { simulatorWithFlowsEach } = require('../support/fixtures');
const { examplesIn, deployExample } = require('../support/examples');
const { InnovaphoneSim, DEMO } = require('../../dist/sim/innovaphone');

const EXAMPLES = ['Who is calling (phone book)', 'VIP callers ring everyone', 'Look up a number'];
const PHONE_BOOK = path.join(__dirname, '..', '..', 'examples', 'phone-book');
const examples = examplesIn('Phone book');

/** The example with the phone book's relative file paths pointed at the shipped files. */
function read(name) {
  return examples.read(name).map((n) =>
    n.type === 'pbx-directory'
      ? {
          ...n,
          sources: n.sources.map((s) =>
            s.type === 'file' ? { ...s, path: path.join(PHONE_BOOK, path.basename(s.path)) } : s,
          ),
        }
      : n,
  );
}

describe('phone book examples', function () {
  this.timeout(15000);
  let sim;
  simulatorWithFlowsEach(
    () => (sim = new InnovaphoneSim({ app: DEMO.app, password: DEMO.credentials.password })),
    () => sim,
  );
  const connection = () => helper.getNode('demo-innovaphone').connection;

  async function deploy(name, ...ids) {
    await deployExample(read(name), sim.url, DEMO.credentials);
    const recs = ids.map((id) => record(id));
    await waitFor(() => connection().state === 'connected', 5000, 'connected');
    await waitFor(() => helper.getNode('demo-phonebook').directory.status().key === 'contacts', 5000, 'the phone book');
    return recs;
  }

  it('every example is importable, explains itself and uses the demo connection with the demo phone book', () => {
    assert.deepStrictEqual(examples.names().sort(), [...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      const c = examples.check(name);
      assert.deepStrictEqual([c.id, c.directory], ['demo-innovaphone', 'demo-phonebook'], name);
      const book = examples.read(name).find((n) => n.type === 'pbx-directory');
      assert.deepStrictEqual(
        book.sources.map((s) => s.path || s.type),
        ['phone-book/family.vcf', 'phone-book/crm.csv', 'pbx'],
      );
    }
  });

  it("Who is calling: the simulator's outside caller is Müller GmbH, and the line names the contact", async () => {
    const [out] = await deploy('Who is calling (phone book)', 'd1');
    // The PBX writes outside numbers behind its outside prefix; GetNodeInfo told the directory.
    await waitFor(() => connection().names.contactOf('0711123456'), 5000, 'the PBX numbering');
    assert.deepStrictEqual(connection().names.contactOf('0711123456'), {
      name: 'Müller GmbH',
      number: '+49711123456',
      groups: ['customer', 'VIP'],
      source: 'family',
    });
    helper.getNode('ch').receive({
      payload: {
        state: 'ringing',
        from: '0711123456',
        to: 'bob',
        fromContact: connection().names.contactOf('0711123456'),
      },
    });
    assert.strictEqual((await out.next()).payload, 'Müller GmbH (customer, VIP) -> bob');
    helper
      .getNode('ch')
      .receive({ payload: { state: 'ringing', from: '0301', fromName: 'Somebody', to: '201', toName: 'Alice Adams' } });
    assert.strictEqual((await out.next()).payload, 'Somebody -> Alice Adams');
  });

  it('VIP callers ring everyone: one call per free user for a VIP, none for others', async () => {
    const [rung, other] = await deploy('VIP callers ring everyone', 'd1', 'd2');
    await waitFor(() => connection().store.entries('presence').length === 4, 5000, 'presence of the four users');
    const vip = connection().names.contactOf('+49 711 123456');
    helper.getNode('sw').receive({ payload: { state: 'ringing', from: '0711123456', to: 'bob', fromContact: vip } });
    const first = await rung.next();
    assert.strictEqual(first.topic, 'Müller GmbH');
    const free = connection()
      .store.entries('presence')
      .filter(([, e]) => e.payload.status === 'available').length;
    await waitFor(() => rung.list.length >= free, 5000, `${free} calls`);
    assert.ok(free > 0, 'somebody is free in the demo');
    helper.getNode('sw').receive({
      payload: {
        state: 'ringing',
        from: '0897654321',
        to: 'bob',
        fromContact: connection().names.contactOf('0897654321'),
      },
    });
    assert.ok(
      await other.next((m) => m.payload.from === '0897654321' && m.payload.fromContact.name === 'Schmidt Logistik'),
    );
  });

  it('Look up a number: numbers as people write them, and names', async () => {
    const [out] = await deploy('Look up a number', 'd1');
    helper.getNode('i1').receive({ payload: '0711 123456' });
    assert.deepStrictEqual((await out.next()).payload, {
      name: 'Müller GmbH',
      number: '+49711123456',
      groups: ['customer', 'VIP'],
      source: 'family',
    });
    helper.getNode('i2').receive({ payload: '+49 89 7654321' });
    assert.strictEqual((await out.next()).payload.name, 'Schmidt Logistik');
    helper.getNode('lk').receive({ payload: { name: 'an' } });
    assert.deepStrictEqual(
      (await out.next()).payload.map((c) => c.name),
      ['Anna Becker'],
    );
  });
});
