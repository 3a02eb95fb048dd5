'use strict';
// The phone book as a user runs it: a `pbx-directory` with CardDAV (a real Radicale), LDAP (a real
// slapd) and file sources, asked through `pbx-lookup`; a core tls-config for self-signed servers;
// the editor's Test endpoint. The sources themselves are tested in carddav.spec.js and ldap.spec.js.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const tlsConfig = require('@node-red/nodes/core/network/05-tls.js');
const { helper, nodeModules, catalogs, record, waitFor } = require('../support/red');
const { catchAll } = require('../support/flow');
const { serverEach } = require('../support/fixtures');
const { startRadicale, vcard } = require('../support/radicale');
const { startSlapd, person, ouEntry } = require('../support/slapd');
const { certificateFiles } = require('../support/servers');

const CARD_PASSWORD = 'c4rd-Secret!';
const WRONG = 'wr0ng-Pa55word';
const ALICE = '+49301234567';

const PEOPLE = [
  ouEntry('people'),
  person('people', 'alice', { cn: 'Alice A.', displayName: 'Alice Adams (office)', telephoneNumber: '+49 30 1234567' }),
  person('people', 'mueller', {
    cn: 'Müller GmbH',
    telephoneNumber: '0049 30 7654321',
    businessCategory: ['customer', 'VIP'],
  }),
  // A local number: the directory's area code makes it +49 30 1112223.
  person('people', 'ali', { cn: 'Ali Baba', mobile: '1112223' }),
].join('\n');

const CSV = 'name,number,groups\nAlice (CRM),030/1234567,customer\nCarla Crm,+49 40 555666,\n';

/** Loads `flow` with the core tls-config and a catch-all, config nodes global as the editor makes them. */
async function load(flow, credentials = {}) {
  const nodes = [{ id: 'f1', type: 'tab' }, ...flow, ...catchAll('hc')].map((n) =>
    n.type === 'tab' || n.type === 'pbx-directory' || n.type === 'tls-config' || n.z ? n : { ...n, z: 'f1' },
  );
  await catalogs;
  await helper.load([tlsConfig, ...nodeModules()], nodes, credentials);
  return { errors: record('hc'), out: record('out') };
}

/** The status `pbx-lookup` l1 shows now. */
const statusNow = () => helper.getNode('l1').status.lastCall?.args[0] ?? {};

function waitStatusNow(fill, text, ms = 8000) {
  return waitFor(
    () => statusNow().fill === fill && text.test(statusNow().text),
    ms,
    `l1 status ${fill} ${text} (now ${JSON.stringify(statusNow())})`,
  );
}

/** What the logs said for node d1 at `level` ('warn', 'info', 'debug'). */
function logged(level) {
  const wanted = helper.log()[level.toUpperCase()];
  return helper
    .log()
    .getCalls()
    .map((c) => c.args[0])
    .filter((e) => e.id === 'd1' && e.level === wanted)
    .map((e) => String(e.msg));
}

/** Everything a user can see: logs, statuses, messages. */
function everythingVisible(recorders) {
  const texts = helper
    .log()
    .getCalls()
    .map((c) => JSON.stringify(c.args[0]));
  texts.push(
    ...helper
      .getNode('l1')
      .status.getCalls()
      .map((c) => JSON.stringify(c.args[0])),
  );
  for (const rec of recorders)
    texts.push(...rec.list.map((m) => JSON.stringify(m, (k, v) => (k === 'error' ? String(v) : v))));
  return texts.join('\n');
}

describe('pbx-directory with CardDAV and LDAP through pbx-lookup (real Radicale and slapd)', function () {
  this.timeout(30000);
  let radicale;
  let slapd;
  let dir;
  let csv;

  before(async function () {
    [radicale, slapd] = await Promise.all([
      startRadicale({ users: { alice: CARD_PASSWORD } }),
      startSlapd({ ldif: PEOPLE }),
    ]);
    await radicale.addressBook('alice', 'family');
    await radicale.putCard(
      'alice',
      'family',
      'alice.vcf',
      vcard({ uid: 'alice', fn: 'Alice Adams', tels: ['(030) 123-4567'], categories: ['family', 'VIP'] }),
    );
    await radicale.putCard(
      'alice',
      'family',
      'bob.vcf',
      vcard({ uid: 'bob', fn: 'Bob Berger', tels: ['0171 5550001'] }),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-remote-nodes-'));
    csv = path.join(dir, 'crm.csv');
    fs.writeFileSync(csv, CSV);
  });
  afterEach(async function () {
    await helper.unload();
  });
  after(async function () {
    await Promise.all([radicale?.destroy(), slapd?.destroy()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const cloud = (extra = {}) => ({
    type: 'carddav',
    label: 'cloud',
    url: `${radicale.url}/alice/family/`,
    user: 'alice',
    ...extra,
  });
  const office = (extra = {}) => ({
    type: 'ldap',
    label: 'office',
    url: slapd.url,
    bindDn: slapd.reader.dn,
    base: `ou=people,${slapd.base}`,
    groupAttribute: 'businessCategory',
    ...extra,
  });
  const crm = { type: 'file', label: 'crm', path: '' };

  /** d1 with `sources`, l1 on it wired to `out`. */
  function flow(sources, extra = {}) {
    return [
      {
        id: 'd1',
        type: 'pbx-directory',
        country: 'DE',
        areaCode: '30',
        outsidePrefix: '0',
        internalDigits: 4,
        suffixDigits: 0,
        sources: sources.map((s) => (s === crm ? { ...crm, path: csv } : s)),
        ...extra,
      },
      { id: 'l1', type: 'pbx-lookup', directory: 'd1', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
  }
  const secrets = { d1: { carddavPassword: CARD_PASSWORD, ldapPassword: 'reader-pw' } };

  /** Asks l1 for `payload`; resolves the message it sends. */
  async function ask(rec, payload) {
    helper.getNode('l1').receive({ payload });
    return rec.out.next();
  }
  const names = (msg) => msg.payload.map((c) => c.name);

  it('finds CardDAV contacts by every way a PBX writes the number, and by name', async function () {
    const rec = await load(flow([cloud()]), secrets);
    await waitStatusNow('green', /^2 contacts$/);
    // The card holds (030) 123-4567; the PBX (outside prefix 0) writes it in each of these ways.
    for (const number of ['00301234567', '0004930 1234567', '+49 30 1234567', '01234567']) {
      const msg = await ask(rec, number);
      assert.deepStrictEqual(
        [msg.payload, msg.known],
        [{ name: 'Alice Adams', number: ALICE, groups: ['family', 'VIP'], source: 'cloud' }, true],
        number,
      );
    }
    assert.strictEqual((await ask(rec, '001715550001')).payload.name, 'Bob Berger');
    const miss = await ask(rec, '00309999999');
    assert.deepStrictEqual([miss.payload, miss.known], [null, false]);
    assert.deepStrictEqual(names(await ask(rec, { name: 'ali' })), ['Alice Adams']);
    assert.strictEqual(rec.errors.list.length, 0);
  });

  it('finds LDAP entries by number, with groups from the group attribute, and by name', async function () {
    const rec = await load(flow([office()]), secrets);
    await waitStatusNow('green', /^3 contacts$/);
    assert.deepStrictEqual((await ask(rec, '0004930 7654321')).payload, {
      name: 'Müller GmbH',
      number: '+49307654321',
      groups: ['customer', 'VIP'],
      source: 'office',
    });
    assert.deepStrictEqual((await ask(rec, '0030 765 4321')).payload.name, 'Müller GmbH');
    assert.deepStrictEqual((await ask(rec, '01112223')).payload, {
      name: 'Ali Baba',
      number: '+49301112223',
      groups: [],
      source: 'office',
    });
    assert.deepStrictEqual(names(await ask(rec, { name: 'ALI' })), ['Ali Baba', 'Alice Adams (office)']);
  });

  it('answers from the first source with a match, in the order the user set', async function () {
    let rec = await load(flow([crm, cloud(), office()]), secrets);
    await waitStatusNow('green', /^7 contacts$/);
    assert.deepStrictEqual((await ask(rec, '00301234567')).payload, {
      name: 'Alice (CRM)',
      number: ALICE,
      groups: ['customer'],
      source: 'crm',
    });
    // Numbers only one source has come from that source, whatever its place.
    assert.strictEqual((await ask(rec, '001715550001')).payload.source, 'cloud');
    assert.deepStrictEqual((await ask(rec, '0004930 7654321')).payload.groups, ['customer', 'VIP']);
    assert.strictEqual((await ask(rec, '0040555666')).payload.source, 'crm');
    // A name in several sources: each once.
    assert.deepStrictEqual(names(await ask(rec, { name: 'alice' })), [
      'Alice (CRM)',
      'Alice Adams',
      'Alice Adams (office)',
    ]);

    await helper.unload();
    rec = await load(flow([office(), cloud(), crm]), secrets);
    await waitStatusNow('green', /^7 contacts$/);
    assert.deepStrictEqual(
      [(await ask(rec, '00301234567')).payload.name, (await ask(rec, '00301234567')).payload.source],
      ['Alice Adams (office)', 'office'],
    );
    await helper.unload();
    rec = await load(flow([cloud(), office(), crm]), secrets);
    await waitStatusNow('green', /^7 contacts$/);
    assert.deepStrictEqual((await ask(rec, '+49 30 1234567')).payload.groups, ['family', 'VIP']);
  });

  it('picks up a card put on the server within one refresh, by the sync token', async function () {
    await radicale.addressBook('alice', 'sync');
    await radicale.putCard('alice', 'sync', 'a.vcf', vcard({ uid: 'a', fn: 'Anna', tels: ['030 2010201'] }));
    const rec = await load(flow([cloud({ url: `${radicale.url}/alice/sync/`, refreshMinutes: 0.05 })]), secrets);
    await waitStatusNow('green', /^1 contacts$/);
    assert.strictEqual((await ask(rec, '02010202')).known, false);
    const put = Date.now();
    await radicale.putCard(
      'alice',
      'sync',
      'b.vcf',
      vcard({ uid: 'b', fn: 'Ben', tels: ['030 2010202'], categories: ['VIP'] }),
    );
    const directory = helper.getNode('d1').directory;
    // refreshMinutes 0.05 = 3 s.
    await waitFor(() => directory.find('02010202'), 4500, 'the new card');
    assert.ok(Date.now() - put < 4500);
    assert.deepStrictEqual((await ask(rec, '02010202')).payload, {
      name: 'Ben',
      number: '+49302010202',
      groups: ['VIP'],
      source: 'cloud',
    });
    await waitStatusNow('green', /^2 contacts$/);
    assert.ok(
      logged('debug').some((t) => /cloud: .*\/alice\/sync\/: sync token: 1 changed, 0 deleted$/.test(t)),
      logged('debug').join('\n'),
    );
  });

  it('keeps the last good contacts while the server is stopped, says so once, and recovers', async function () {
    this.timeout(40000);
    const own = await startRadicale({ users: { alice: CARD_PASSWORD } });
    try {
      await own.addressBook('alice', 'contacts');
      for (const [uid, tel] of [
        ['anna', '030 3010301'],
        ['ben', '030 3010302'],
        ['carla', '030 3010303'],
      ])
        await own.putCard('alice', 'contacts', `${uid}.vcf`, vcard({ uid, fn: uid, tels: [tel] }));
      const rec = await load(flow([cloud({ url: `${own.url}/alice/contacts/`, refreshMinutes: 0.05 })]), secrets);
      await waitStatusNow('green', /^3 contacts$/);
      await own.stop();
      const stopped = new Date();
      await waitStatusNow('yellow', /^cloud: unreachable since \d\d:\d\d, 3 contacts kept$/);
      const since = /since (\d\d:\d\d)/.exec(statusNow().text)[1];
      const hhmm = (d) => d.toTimeString().slice(0, 5);
      assert.ok([hhmm(stopped), hhmm(new Date())].includes(since), `${since} at ${hhmm(stopped)}`);
      assert.deepStrictEqual((await ask(rec, '03010302')).payload.name, 'ben');
      // Retries at about 1, 2 and 4 s (capped at 5 s): still the one line.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const warnings = logged('warn').filter((t) => t.includes('cloud'));
      assert.strictEqual(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /^phone book source cloud: CardDAV: .*127\.0\.0\.1:\d+.*; 3 contacts kept, retrying$/);
      assert.strictEqual(statusNow().fill, 'yellow');

      await own.start();
      await waitStatusNow('green', /^3 contacts$/, 8000);
      const infos = logged('info').filter((t) => t.startsWith('phone book source cloud'));
      assert.deepStrictEqual(infos, ['phone book source cloud: 3 contacts', 'phone book source cloud: 3 contacts']);
      assert.strictEqual(logged('warn').filter((t) => t.includes('cloud')).length, 1);
      assert.strictEqual((await ask(rec, '03010301')).payload.name, 'anna');
    } finally {
      await own.destroy();
    }
  });

  it('keeps the LDAP entries while slapd is stopped, says so once, and recovers', async function () {
    const rec = await load(flow([crm, office({ refreshMinutes: 0.05 })]), secrets);
    await waitStatusNow('green', /^5 contacts$/);
    await slapd.stop();
    try {
      await waitStatusNow('yellow', /^office: unreachable since \d\d:\d\d, 3 contacts kept$/);
      assert.strictEqual((await ask(rec, '0004930 7654321')).payload.name, 'Müller GmbH');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.deepStrictEqual(logged('warn'), [
        `phone book source office: LDAP: ${slapd.url} unreachable (connection refused); 3 contacts kept, retrying`,
      ]);
    } finally {
      await slapd.start();
    }
    await waitStatusNow('green', /^5 contacts$/, 8000);
    assert.strictEqual(logged('warn').length, 1);
    assert.strictEqual(logged('info').filter((t) => t === 'phone book source office: 3 contacts').length, 2);
  });

  it('shows a wrong password clearly and no secret anywhere: status, log, messages', async function () {
    const rec = await load(flow([cloud(), office()]), { d1: { carddavPassword: WRONG, ldapPassword: WRONG } });
    await waitStatusNow(
      'red',
      /^cloud: CardDAV: authentication failed at http:\/\/127\.0\.0\.1:\d+\/alice\/family\/ \(wrong user or password\)$/,
    );
    await waitFor(() => logged('warn').length === 2, 5000, 'a line per source');
    assert.match(
      logged('warn').find((t) => t.includes('office')),
      /LDAP: authentication failed for cn=reader,dc=example,dc=org at ldap:\/\/127\.0\.0\.1:\d+ \(wrong bind DN or password\)/,
    );
    const miss = await ask(rec, '00301234567');
    assert.deepStrictEqual([miss.payload, miss.known], [null, false]);
    const visible = everythingVisible([rec.out, rec.errors]);
    assert.ok(!visible.includes(WRONG), 'the wrong password shows');

    // One wrong source among good ones: the others answer, the status names the failing one and why.
    await helper.unload();
    const mixed = await load(flow([crm, cloud()]), { d1: { carddavPassword: WRONG } });
    await waitStatusNow('yellow', /^cloud: CardDAV: authentication failed at .* \(wrong user or password\)$/);
    assert.strictEqual((await ask(mixed, '00301234567')).payload.source, 'crm');
    assert.ok(!everythingVisible([mixed.out, mixed.errors]).includes(WRONG));
  });

  describe('with self-signed certificates (HTTPS Radicale, ldaps:// slapd)', function () {
    let certificate;
    let secureDav;
    let secureLdap;
    before(async function () {
      certificate = certificateFiles();
      [secureDav, secureLdap] = await Promise.all([
        startRadicale({ users: { alice: CARD_PASSWORD }, tls: certificate }),
        startSlapd({ ldif: PEOPLE, tls: certificate }),
      ]);
      await secureDav.addressBook('alice', 'family', { ca: certificate.ca });
      await secureDav.putCard(
        'alice',
        'family',
        'a.vcf',
        vcard({ uid: 'a', fn: 'Anna Secure', tels: ['030 4010401'] }),
        {
          ca: certificate.ca,
        },
      );
    });
    after(async function () {
      await Promise.all([secureDav?.destroy(), secureLdap?.destroy()]);
      certificate?.remove();
    });

    const secureSources = () => [cloud({ url: `${secureDav.url}/alice/family/` }), office({ url: secureLdap.url })];

    it('refuses them by default and trusts them through a tls-config with the CA', async function () {
      await load(flow(secureSources()), secrets);
      await waitStatusNow('red', /^cloud: CardDAV: certificate of 127\.0\.0\.1:\d+ not trusted/);
      await waitFor(() => logged('warn').length === 2, 5000, 'a line per source');
      assert.match(
        logged('warn').find((t) => t.includes('office')),
        /LDAP: certificate of ldaps:\/\/127\.0\.0\.1:\d+ not trusted .*tls-config/,
      );

      await helper.unload();
      // The editor saves the file paths, empty when the PEM text lives in the credentials.
      const tlsNode = { id: 't1', type: 'tls-config', name: 'ca', cert: '', key: '', ca: '', verifyservercert: true };
      const rec = await load([...flow(secureSources(), { tls: 't1' }), tlsNode], {
        ...secrets,
        t1: { cadata: certificate.ca },
      });
      await waitStatusNow('green', /^4 contacts$/);
      assert.strictEqual((await ask(rec, '04010401')).payload.name, 'Anna Secure');
      assert.strictEqual((await ask(rec, '0004930 7654321')).payload.source, 'office');
    });
  });

  describe("the editor's Test button", function () {
    serverEach();

    const test = (body) => helper.request().post('/pbx-directory/test-source').send(body).expect(200);
    const settings = { country: 'DE', areaCode: '30', outsidePrefix: '0', internalDigits: '4' };

    it('loads a CardDAV and an LDAP source as the dialog has them: count and three samples, or the error', async function () {
      await load(flow([crm]));
      const dav = await test({ ...settings, source: cloud(), credentials: { carddavPassword: CARD_PASSWORD } });
      assert.deepStrictEqual(
        { ...dav.body, samples: dav.body.samples.map((c) => `${c.name} ${c.number} ${c.source}`).sort() },
        {
          ok: true,
          count: 2,
          skipped: 0,
          samples: ['Alice Adams +49301234567 cloud', 'Bob Berger +491715550001 cloud'],
        },
      );
      const ldap = await test({ ...settings, source: office(), credentials: { ldapPassword: 'reader-pw' } });
      assert.deepStrictEqual(
        { ...ldap.body, samples: ldap.body.samples.map((c) => c.name).sort() },
        { ok: true, count: 3, skipped: 0, samples: ['Ali Baba', 'Alice Adams (office)', 'Müller GmbH'] },
      );
      const wrong = await test({ ...settings, source: cloud(), credentials: { carddavPassword: WRONG } });
      assert.deepStrictEqual(Object.keys(wrong.body).sort(), ['error', 'ok']);
      assert.strictEqual(wrong.body.ok, false);
      assert.match(wrong.body.error, /^CardDAV: authentication failed at .* \(wrong user or password\)$/);
      const wrongLdap = await test({ ...settings, source: office(), credentials: { ldapPassword: WRONG } });
      assert.match(wrongLdap.body.error, /^LDAP: authentication failed for cn=reader/);
      const down = await test({ ...settings, source: office({ url: 'ldap://127.0.0.1:1' }), credentials: {} });
      assert.match(down.body.error, /^LDAP: ldap:\/\/127\.0\.0\.1:1 unreachable \(connection refused\)$/);
      assert.ok(!JSON.stringify([wrong.body, wrongLdap.body]).includes(WRONG));
    });

    it("uses the deployed directory's stored passwords when the dialog sends them unchanged", async function () {
      await load(flow([cloud(), office()]), secrets);
      const unchanged = { carddavPassword: '__PWRD__', ldapPassword: '__PWRD__' };
      const dav = await test({ ...settings, id: 'd1', source: cloud(), credentials: unchanged });
      assert.deepStrictEqual([dav.body.ok, dav.body.count], [true, 2]);
      const ldap = await test({ ...settings, id: 'd1', source: office(), credentials: unchanged });
      assert.deepStrictEqual([ldap.body.ok, ldap.body.count], [true, 3]);
      // Not deployed: nothing stored to use, and the placeholder is no password.
      const fresh = await test({ ...settings, id: 'new', source: cloud(), credentials: unchanged });
      assert.match(fresh.body.error, /authentication failed/);
    });
  });
});
