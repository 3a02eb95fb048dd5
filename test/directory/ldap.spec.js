'use strict';
// The LDAP source against a real OpenLDAP slapd (test/support/slapd.js): the default filter and
// attributes, given attributes and groups, a paged search larger than the server's size limit,
// a wrong password, a missing base, a server that goes away and comes back, and ldaps:// with a
// self-signed certificate.
const assert = require('assert');
const { Client, SizeLimitExceededError } = require('ldapts');
const net = require('net');
const { createLdapSource } = require('../../dist/connection/directory/remote-sources');
const { LdapSource } = require('../../dist/connection/directory/ldap/ldap-source');
const { startSlapd, person, ouEntry } = require('../support/slapd');
const { certificateFiles } = require('../support/servers');

const quiet = () => {};
const MANY = 1234;

function byName(load) {
  return Object.fromEntries(load.contacts.map((c) => [c.name, c]));
}

function fixtures() {
  const people = [
    ouEntry('people'),
    person('people', 'alice', {
      cn: 'Alice A.',
      displayName: 'Alice Adams',
      telephoneNumber: '+49 30 1234567',
      mobile: '0171 5550001',
    }),
    person('people', 'mueller', {
      cn: 'Müller GmbH',
      homePhone: '030/1234568',
      businessCategory: ['customer', 'VIP'],
      seeAlso: 'cn=Key Accounts,ou=groups,dc=example,dc=org',
    }),
    person('people', 'nophone', { cn: 'No Phone' }),
  ];
  const many = [ouEntry('many')];
  for (let i = 0; i < MANY; i++)
    many.push(person('many', `u${i}`, { cn: `User ${i}`, telephoneNumber: `+49 30 9${String(i).padStart(6, '0')}` }));
  return [...people, ...many].join('\n');
}

describe('ldap source (real slapd)', function () {
  let server;
  const sources = [];
  function source(overrides = {}, { password = server.reader.password, tls = {}, url = server.url } = {}) {
    const config = {
      type: 'ldap',
      label: 'office',
      url,
      bindDn: server.reader.dn,
      base: `ou=people,${server.base}`,
      refreshMinutes: 1,
      ...overrides,
    };
    const made = createLdapSource(config, password, tls, quiet);
    sources.push(made);
    return made;
  }

  before(async function () {
    server = await startSlapd({ ldif: fixtures(), sizeLimit: 500 });
  });
  afterEach(async function () {
    while (sources.length) await sources.pop().close();
  });
  after(async function () {
    await server?.destroy();
  });

  it('loads people with a phone: displayName else cn, numbers from the phone attributes, no groups by default', async function () {
    const office = source();
    assert.strictEqual(office.type, 'ldap');
    assert.strictEqual(office.label, 'office');
    assert.strictEqual(office.refreshMs, 60_000);
    const load = await office.load();
    assert.deepStrictEqual(byName(load), {
      'Alice Adams': { name: 'Alice Adams', numbers: ['+49 30 1234567', '0171 5550001'], groups: [] },
      'Müller GmbH': { name: 'Müller GmbH', numbers: ['030/1234568'], groups: [] },
    });
    assert.strictEqual(load.skipped, 0);
  });

  it('takes the given name and number attributes and a group attribute (a DN value gives its first RDN)', async function () {
    const load = await source({
      nameAttributes: 'cn',
      numberAttributes: ['homePhone', 'mobile'],
      groupAttribute: 'businessCategory',
    }).load();
    assert.deepStrictEqual(byName(load), {
      'Alice A.': { name: 'Alice A.', numbers: ['0171 5550001'], groups: [] },
      'Müller GmbH': { name: 'Müller GmbH', numbers: ['030/1234568'], groups: ['customer', 'VIP'] },
    });
    const byDn = await source({ groupAttribute: 'seeAlso' }).load();
    assert.deepStrictEqual(byName(byDn)['Müller GmbH'].groups, ['Key Accounts']);
  });

  it('skips and counts entries without a number that a wider filter lets through', async function () {
    const load = await source({ filter: '(objectClass=inetOrgPerson)' }).load();
    assert.deepStrictEqual(Object.keys(byName(load)).sort(), ['Alice Adams', 'Müller GmbH']);
    assert.strictEqual(load.skipped, 1);
  });

  it('reads more entries than the server returns in one answer through a paged search', async function () {
    // The server really limits a plain search to 500 entries...
    const plain = new Client({ url: server.url });
    await plain.bind(server.reader.dn, server.reader.password);
    const refused = await plain.search(`ou=many,${server.base}`, { filter: '(objectClass=person)' }).then(
      () => null,
      (e) => e,
    );
    await plain.unbind();
    assert.ok(refused instanceof SizeLimitExceededError, `expected a size limit error, got ${refused}`);
    // ...and the source still reads them all, page by page.
    const load = await source({ base: `ou=many,${server.base}` }).load();
    assert.strictEqual(load.contacts.length, MANY);
    assert.strictEqual(new Set(load.contacts.map((c) => c.name)).size, MANY);
    assert.deepStrictEqual(byName(load)['User 1233'].numbers, ['+49 30 9001233']);
  });

  it('binds anonymously when no bind DN is given', async function () {
    const load = await source({ bindDn: '' }).load();
    assert.strictEqual(load.contacts.length, 2);
  });

  it('rejects a wrong password with an authentication error that holds no secret', async function () {
    await assert.rejects(source({}, { password: 'wrong-Pa55' }).load(), {
      message: `LDAP: authentication failed for ${server.reader.dn} at ldap://127.0.0.1:${server.port} (wrong bind DN or password)`,
    });
  });

  it('rejects a base that does not exist, and an URL that is no LDAP URL', async function () {
    await assert.rejects(source({ base: `ou=nowhere,${server.base}` }).load(), {
      message: /^LDAP: base ou=nowhere,dc=example,dc=org not found at ldap:\/\/127\.0\.0\.1:\d+$/,
    });
    assert.throws(() => source({ url: 'http://127.0.0.1:1' }), /LDAP: the URL must start with ldap:\/\/ or ldaps:\/\//);
  });

  it('fails while the server is stopped and loads again after it is back', async function () {
    const office = source();
    assert.strictEqual((await office.load()).contacts.length, 2);
    await server.stop();
    try {
      await assert.rejects(office.load(), {
        message: /^LDAP: ldap:\/\/127\.0\.0\.1:\d+ unreachable \(connection refused\)$/,
      });
    } finally {
      await server.start();
    }
    assert.strictEqual((await office.load()).contacts.length, 2);
  });

  it('gives up on a server that accepts the connection and never answers (operation timeout)', async function () {
    const accepted = new Set();
    const silent = net.createServer((socket) => accepted.add(socket));
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `ldap://127.0.0.1:${silent.address().port}`;
    const mute = new LdapSource({
      label: 'office',
      url,
      bindDn: server.reader.dn,
      password: server.reader.password,
      base: server.base,
      filter: '(objectClass=person)',
      nameAttributes: ['cn'],
      numberAttributes: ['telephoneNumber'],
      groupAttribute: '',
      refreshMs: 60_000,
      tls: {},
      timeoutMs: 300,
    });
    sources.push(mute);
    try {
      const started = Date.now();
      await assert.rejects(mute.load(), { message: `LDAP: no answer from ${url} within 0.3 s` });
      assert.ok(Date.now() - started < 3000);
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  describe('over ldaps:// with a self-signed certificate', function () {
    let certificate;
    let ca;
    let secure;
    before(async function () {
      certificate = certificateFiles();
      ca = certificate.ca;
      secure = await startSlapd({ ldif: fixtures().split('\ndn: ou=many')[0], tls: certificate });
    });
    after(async function () {
      await secure?.destroy();
      certificate?.remove();
    });

    it('refuses the certificate unless the tls options trust its CA or turn verification off', async function () {
      await assert.rejects(source({}, { url: secure.url }).load(), {
        message:
          /^LDAP: certificate of ldaps:\/\/127\.0\.0\.1:\d+ not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
      });
      const load = await source({}, { url: secure.url, tls: { ca } }).load();
      assert.strictEqual(load.contacts.length, 2);
      const unverified = await source({}, { url: secure.url, tls: { rejectUnauthorized: false } }).load();
      assert.strictEqual(unverified.contacts.length, 2);
    });
  });
});
