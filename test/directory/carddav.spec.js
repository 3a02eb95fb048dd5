'use strict';
// The CardDAV source against a real Radicale (test/support/radicale.js): discovery, the first
// load, incremental sync, a server that goes away and comes back, a wrong password, broken
// answers and TLS with a self-signed certificate.
const assert = require('assert');
const http = require('http');
const { createCardDavSource } = require('../../dist/connection/directory/remote-sources');
const { CardDavSource } = require('../../dist/connection/directory/carddav/carddav-source');
const { startRadicale, vcard } = require('../support/radicale');
const { certificateFiles } = require('../support/servers');

const PASSWORD = 'secret';
const quiet = () => {};

function source(url, { password = PASSWORD, tls = {}, user = 'alice', log = quiet } = {}) {
  return createCardDavSource({ type: 'carddav', label: 'cloud', url, user, refreshMinutes: 1 }, password, tls, log);
}

function byName(load) {
  return Object.fromEntries(load.contacts.map((c) => [c.name, c]));
}

describe('carddav source (real Radicale)', function () {
  let server;
  const sources = [];
  function track(s) {
    sources.push(s);
    return s;
  }

  before(async function () {
    server = await startRadicale({ users: { alice: PASSWORD } });
    await server.addressBook('alice', 'family');
    await server.addressBook('alice', 'work');
    await server.putCard(
      'alice',
      'family',
      'alice.vcf',
      vcard({
        uid: 'alice',
        fn: 'Alice Adams',
        tels: ['+49 30 1234567', '0171 5550001'],
        categories: ['family', 'VIP'],
      }),
    );
    // A folded name, an escaped comma, a 4.0 tel: URI with an extension parameter.
    await server.putCard(
      'alice',
      'family',
      'bob.vcf',
      'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:bob\r\nFN:Bob\r\n  Builder\\, Jr.\r\nTEL;VALUE=uri;TYPE="voice,home":tel:+1-555-555-5555;ext=5555\r\nEND:VCARD\r\n',
    );
    // No number: no phone book entry (the directory's vCard reader skips and counts it).
    await server.putCard('alice', 'family', 'notel.vcf', vcard({ uid: 'notel', fn: 'Carl No-Phone' }));
    await server.putCard(
      'alice',
      'work',
      'mueller.vcf',
      'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:m\r\nFN:\r\nORG:Müller GmbH;Sales\r\nTEL:030/1234568\r\nEND:VCARD\r\n',
    );
  });

  afterEach(async function () {
    while (sources.length) await sources.pop().close();
  });

  after(async function () {
    await server?.destroy();
  });

  it('loads an address book URL: names (FN, folded and escaped), every TEL (4.0 tel: URIs too), CATEGORIES as groups', async function () {
    const load = await track(source(`${server.url}/alice/family/`)).load();
    assert.strictEqual(load.skipped, 1);
    assert.deepStrictEqual(byName(load), {
      'Alice Adams': { name: 'Alice Adams', numbers: ['+49 30 1234567', '0171 5550001'], groups: ['family', 'VIP'] },
      // Numbers as the server holds them (Radicale stores the URI's `;` escaped): the directory
      // reduces `tel:` URIs to what dials when it normalizes them.
      'Bob Builder, Jr.': { name: 'Bob Builder, Jr.', numbers: ['tel:+1-555-555-5555\\;ext=5555'], groups: [] },
    });
  });

  it('loads an empty address book as no contacts', async function () {
    await server.addressBook('alice', 'empty');
    assert.deepStrictEqual(await track(source(`${server.url}/alice/empty/`)).load(), { contacts: [], skipped: 0 });
  });

  it('discovers every address book of an account from the server root and from the home URL', async function () {
    for (const url of [`${server.url}/`, `${server.url}/alice/`]) {
      const logged = [];
      const load = await track(source(url, { log: (level, text) => logged.push(text) })).load();
      assert.deepStrictEqual(Object.keys(byName(load)).sort(), ['Alice Adams', 'Bob Builder, Jr.', 'Müller GmbH'], url);
      assert.match(logged.join('\n'), /\/alice\/family\/.*\/alice\/work\/|\/alice\/work\/.*\/alice\/family\//);
    }
  });

  it('syncs incrementally: a card put on the server shows in the next load, a changed one changes, a deleted one goes', async function () {
    await server.addressBook('alice', 'sync');
    await server.putCard('alice', 'sync', 'a.vcf', vcard({ uid: 'a', fn: 'Anna', tels: ['201'] }));
    await server.putCard('alice', 'sync', 'b.vcf', vcard({ uid: 'b', fn: 'Ben', tels: ['202'] }));
    const notes = [];
    const counting = track(source(`${server.url}/alice/sync/`, { log: (level, text) => notes.push(text) }));
    const first = await counting.load();
    assert.deepStrictEqual(Object.keys(byName(first)).sort(), ['Anna', 'Ben']);
    assert.match(
      notes.pop(),
      /cloud: http:\/\/127\.0\.0\.1:\d+\/alice\/sync\/: full listing of 2 cards: 0 fetched again, 0 removed/,
    );

    await server.putCard(
      'alice',
      'sync',
      'c.vcf',
      vcard({ uid: 'c', fn: 'Carla', tels: ['203'], categories: ['customer'] }),
    );
    await server.putCard('alice', 'sync', 'a.vcf', vcard({ uid: 'a', fn: 'Anna Adler', tels: ['201', '+49 30 555'] }));
    await server.deleteCard('alice', 'sync', 'b.vcf');
    const second = await counting.load();
    // Radicale offers sync-collection: only the two changed cards are fetched again.
    assert.match(notes.pop(), /\/alice\/sync\/: sync token: 2 changed, 1 deleted$/);
    assert.deepStrictEqual(byName(second), {
      'Anna Adler': { name: 'Anna Adler', numbers: ['201', '+49 30 555'], groups: [] },
      Carla: { name: 'Carla', numbers: ['203'], groups: ['customer'] },
    });
    // Nothing changed: the same set again, from the sync token's empty answer.
    assert.deepStrictEqual(byName(await counting.load()), byName(second));
    assert.match(notes.pop(), /sync token: 0 changed, 0 deleted$/);
  });

  it('lists the whole address book again when the server no longer accepts the sync token, fetching only changed cards', async function () {
    // Radicale forgets sync tokens older than --storage-max-sync-token-age seconds when it stores a new one.
    const forgetful = await startRadicale({
      users: { alice: PASSWORD },
      options: ['--storage-max-sync-token-age', '1'],
    });
    try {
      await forgetful.addressBook('alice', 'contacts');
      await forgetful.putCard('alice', 'contacts', 'a.vcf', vcard({ uid: 'a', fn: 'Anna', tels: ['201'] }));
      await forgetful.putCard('alice', 'contacts', 'b.vcf', vcard({ uid: 'b', fn: 'Ben', tels: ['202'] }));
      const notes = [];
      const cloud = track(source(`${forgetful.url}/alice/contacts/`, { log: (level, text) => notes.push(text) }));
      await cloud.load();
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await forgetful.putCard('alice', 'contacts', 'b.vcf', vcard({ uid: 'b', fn: 'Ben Berg', tels: ['202'] }));
      await forgetful.putCard('alice', 'contacts', 'c.vcf', vcard({ uid: 'c', fn: 'Carla', tels: ['203'] }));
      await forgetful.deleteCard('alice', 'contacts', 'a.vcf');
      // Another client asks for the token now: Radicale stores the new one and cleans out ours.
      const body = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:sync-token/></d:prop></d:propfind>';
      await forgetful.request('PROPFIND', '/alice/contacts/', { body, headers: { Depth: '0' } });
      const load = await cloud.load();
      assert.deepStrictEqual(Object.keys(byName(load)).sort(), ['Ben Berg', 'Carla']);
      assert.match(notes.pop(), /full listing of 2 cards: 2 fetched again, 1 removed$/);
    } finally {
      await forgetful.destroy();
    }
  });

  it('rejects a wrong password with an authentication error that holds no secret', async function () {
    await assert.rejects(track(source(`${server.url}/alice/family/`, { password: 'wrong-Pa55' })).load(), {
      message:
        /^CardDAV: authentication failed at http:\/\/127\.0\.0\.1:\d+\/alice\/family\/ \(wrong user or password\)$/,
    });
  });

  it('rejects an address book that does not exist with a not-found error', async function () {
    await assert.rejects(track(source(`${server.url}/alice/nothing-here/`)).load(), {
      message: /^CardDAV: not found: http:\/\/127\.0\.0\.1:\d+\/alice\/nothing-here\/ \(404\)$/,
    });
  });

  it('rejects a URL that is no http(s) URL when the source is made', function () {
    assert.throws(() => source('ftp://127.0.0.1/x'), /CardDAV: the URL must start with http:\/\/ or https:\/\//);
    assert.throws(() => source('not a url'), /CardDAV: not a URL/);
  });

  describe('a server of our own making (broken and large answers)', function () {
    let fake;
    let answer;
    before(async function () {
      fake = http.createServer((req, res) => answer(req, res));
      await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
    });
    after(async function () {
      fake.closeAllConnections();
      await new Promise((resolve) => fake.close(resolve));
    });
    const fakeUrl = () => `http://127.0.0.1:${fake.address().port}/book/`;

    it('reads a large answer in slices: every card of 1,234, with D: prefixes, from the first to the last', async function () {
      const ns = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"';
      const ok = '<D:status>HTTP/1.1 200 OK</D:status>';
      const book =
        `<D:response><D:href>/book/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>` +
        `<D:sync-token>tok-1</D:sync-token></D:prop>${ok}</D:propstat></D:response>`;
      const cards = Array.from(
        { length: 1234 },
        (_, i) =>
          `<D:response><D:href>/book/c${i}.vcf</D:href><D:propstat><D:prop><D:getetag>"e${i}"</D:getetag>` +
          `<C:address-data>${vcard({ uid: `c${i}`, fn: `Contact ${i}`, tels: [`+49 30 ${i}`] })}</C:address-data></D:prop>${ok}</D:propstat></D:response>`,
      ).join('\n');
      answer = (req, res) => {
        res.writeHead(207, { 'Content-Type': 'application/xml' });
        res.end(
          `<?xml version="1.0"?><D:multistatus ${ns}>${req.method === 'PROPFIND' ? book : cards}</D:multistatus>`,
        );
      };
      const load = await track(source(fakeUrl())).load();
      assert.strictEqual(load.contacts.length, 1234);
      assert.deepStrictEqual(load.contacts[0], { name: 'Contact 0', numbers: ['+49 30 0'], groups: [] });
      assert.deepStrictEqual(load.contacts[1233], { name: 'Contact 1233', numbers: ['+49 30 1233'], groups: [] });
    });

    it('discovers from a server root that is a web page through /.well-known/carddav, the principal and its home set', async function () {
      const ns = 'xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"';
      const multistatus = (...responses) =>
        `<?xml version="1.0"?><d:multistatus ${ns}>${responses.join('')}</d:multistatus>`;
      const response = (href, props) =>
        `<d:response><d:href>${href}</d:href><d:propstat><d:prop>${props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
      const book = '<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype>';
      const card = (uid, fn) =>
        response(
          `/dav/ab/alice/${uid}/${fn}.vcf`,
          `<d:getetag>"1"</d:getetag><card:address-data>${vcard({ uid: fn, fn, tels: ['201'] })}</card:address-data>`,
        );
      const asked = [];
      answer = (req, res) => {
        asked.push(`${req.method} ${req.url}`);
        if (req.url === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>Welcome</html>');
        if (req.url === '/.well-known/carddav') return res.writeHead(301, { Location: '/dav/' }).end();
        const xml = {
          '/dav/': multistatus(
            response(
              '/dav/',
              '<d:current-user-principal><d:href>/dav/principals/alice/</d:href></d:current-user-principal>',
            ),
          ),
          '/dav/principals/alice/': multistatus(
            response(
              '/dav/principals/alice/',
              '<card:addressbook-home-set><d:href>/dav/ab/alice/</d:href></card:addressbook-home-set>',
            ),
          ),
          '/dav/ab/alice/': multistatus(
            response('/dav/ab/alice/', '<d:resourcetype><d:collection/></d:resourcetype>'),
            response('/dav/ab/alice/private/', book),
            response('/dav/ab/alice/shared/', book),
          ),
          '/dav/ab/alice/private/': multistatus(
            req.method === 'REPORT' ? card('private', 'Paula') : response('/dav/ab/alice/private/', book),
          ),
          '/dav/ab/alice/shared/': multistatus(
            req.method === 'REPORT' ? card('shared', 'Sam') : response('/dav/ab/alice/shared/', book),
          ),
        }[req.url];
        if (!xml) return res.writeHead(404).end();
        res.writeHead(207, { 'Content-Type': 'application/xml' }).end(xml);
      };
      const root = `http://127.0.0.1:${fake.address().port}/`;
      const load = await track(source(root)).load();
      assert.deepStrictEqual(Object.keys(byName(load)).sort(), ['Paula', 'Sam']);
      assert.deepStrictEqual(asked.slice(0, 5), [
        'PROPFIND /.well-known/carddav',
        'PROPFIND /dav/',
        'PROPFIND /dav/principals/alice/',
        'PROPFIND /dav/ab/alice/',
        'PROPFIND /dav/ab/alice/private/',
      ]);
    });

    it('falls back to PROPFIND and multiget on a server without addressbook-query and sync-collection', async function () {
      const ns = 'xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"';
      const response = (href, props) =>
        `<d:response><d:href>${href}</d:href><d:propstat><d:prop>${props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
      const names = ['Anna', 'Ben', 'Carla'];
      const asked = [];
      answer = (req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          const kind = /<[\w:]*(addressbook-query|sync-collection|addressbook-multiget|propfind)\b/.exec(body)?.[1];
          asked.push(`${kind} ${req.headers.depth}`);
          if (kind === 'addressbook-query' || kind === 'sync-collection') return res.writeHead(501).end();
          let xml;
          if (kind === 'addressbook-multiget') {
            const hrefs = [...body.matchAll(/<d:href>([^<]+)<\/d:href>/g)].map((m) => m[1]);
            asked.push(`${asked.pop()} (${hrefs.length} cards)`);
            xml = hrefs.map((h) =>
              response(
                h,
                `<d:getetag>"1"</d:getetag><card:address-data>${vcard({ uid: h, fn: /(\w+)\.vcf$/.exec(h)[1], tels: ['201'] })}</card:address-data>`,
              ),
            );
          } else if (req.headers.depth === '0') {
            xml = [
              response(
                '/book/',
                '<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype><d:sync-token>t1</d:sync-token>',
              ),
            ];
          } else {
            xml = [
              response('/book/', '<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype>'),
              ...names.map((n) => response(`/book/${n}.vcf`, '<d:getetag>"1"</d:getetag>')),
            ];
          }
          res
            .writeHead(207, { 'Content-Type': 'application/xml' })
            .end(`<?xml version="1.0"?><d:multistatus ${ns}>${xml.join('')}</d:multistatus>`);
        });
      };
      const plain = track(source(fakeUrl()));
      assert.deepStrictEqual(Object.keys(byName(await plain.load())).sort(), names);
      assert.deepStrictEqual(asked.splice(0), [
        'propfind 0',
        'propfind 0',
        'addressbook-query 1',
        'propfind 1',
        'addressbook-multiget 1 (3 cards)',
      ]);
      names.push('Dora');
      assert.deepStrictEqual(Object.keys(byName(await plain.load())).sort(), names);
      // The refresh: sync refused, the listing by PROPFIND, only the new card fetched.
      assert.deepStrictEqual(asked, [
        'sync-collection 1',
        'propfind 0',
        'addressbook-query 1',
        'propfind 1',
        'addressbook-multiget 1 (1 cards)',
      ]);
    });

    it('rejects a 500, an answer that is not XML and XML that is no multistatus, with texts that say so', async function () {
      const cases = [
        [(req, res) => res.writeHead(500).end('boom'), /CardDAV: http:\/\/127\.0\.0\.1:\d+\/book\/ answered HTTP 500/],
        [
          (req, res) => res.writeHead(207).end('<<<not xml at all'),
          /CardDAV: .* (answered something that is not XML|answered no WebDAV multistatus)/,
        ],
        [
          (req, res) => res.writeHead(207).end('<html><body>login</body></html>'),
          /CardDAV: .* answered no WebDAV multistatus/,
        ],
      ];
      for (const [handler, expected] of cases) {
        answer = handler;
        await assert.rejects(track(source(fakeUrl())).load(), { message: expected });
      }
    });

    it('gives up on a server that accepts and never answers (request timeout)', async function () {
      answer = () => {}; // never answers
      const slow = track(new CardDavSource('cloud', new URL(fakeUrl()), 'alice', PASSWORD, {}, 60_000, quiet, 300));
      const started = Date.now();
      await assert.rejects(slow.load(), {
        message: /CardDAV: no answer from http:\/\/127\.0\.0\.1:\d+\/book\/ within 0\.3 s/,
      });
      assert.ok(Date.now() - started < 3000);
    });

    it('gives up on a server that stops in the middle of its answer', async function () {
      answer = (req, res) => {
        res.writeHead(207, { 'Content-Type': 'application/xml' });
        res.write('<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response>'); // and then nothing
      };
      const stalled = track(new CardDavSource('cloud', new URL(fakeUrl()), 'alice', PASSWORD, {}, 60_000, quiet, 300));
      await assert.rejects(stalled.load(), {
        message: /CardDAV: no answer from http:\/\/127\.0\.0\.1:\d+\/book\/ within 0\.3 s/,
      });
    });
  });

  it('fails while the server is stopped and loads again after it is back', async function () {
    const own = await startRadicale({ users: { alice: PASSWORD } });
    try {
      await own.addressBook('alice', 'contacts');
      await own.putCard('alice', 'contacts', 'a.vcf', vcard({ uid: 'a', fn: 'Anna', tels: ['201'] }));
      const cloud = track(source(`${own.url}/alice/contacts/`));
      assert.strictEqual((await cloud.load()).contacts.length, 1);
      await own.stop();
      await assert.rejects(cloud.load(), {
        message: /CardDAV: 127\.0\.0\.1:\d+ (unreachable \(connection refused\)|closed the connection)/,
      });
      await own.start();
      await own.putCard('alice', 'contacts', 'b.vcf', vcard({ uid: 'b', fn: 'Ben', tels: ['202'] }));
      assert.deepStrictEqual(Object.keys(byName(await cloud.load())).sort(), ['Anna', 'Ben']);
    } finally {
      await own.destroy();
    }
  });

  describe('over HTTPS with a self-signed certificate', function () {
    let certificate;
    let ca;
    let secure;
    before(async function () {
      certificate = certificateFiles();
      ca = certificate.ca;
      secure = await startRadicale({ users: { alice: PASSWORD }, tls: certificate });
      await secure.addressBook('alice', 'contacts', { ca });
      await secure.putCard('alice', 'contacts', 'a.vcf', vcard({ uid: 'a', fn: 'Anna', tels: ['201'] }), { ca });
    });
    after(async function () {
      await secure?.destroy();
      certificate?.remove();
    });

    it('refuses the certificate unless the tls options trust its CA or turn verification off', async function () {
      await assert.rejects(track(source(`${secure.url}/alice/contacts/`)).load(), {
        message:
          /CardDAV: certificate of 127\.0\.0\.1:\d+ not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
      });
      const trusted = await track(source(`${secure.url}/alice/contacts/`, { tls: { ca } })).load();
      assert.deepStrictEqual(trusted.contacts, [{ name: 'Anna', numbers: ['201'], groups: [] }]);
      // A tls-config with verification turned off (the user's explicit choice) accepts it too.
      const unverified = await track(
        source(`${secure.url}/alice/contacts/`, { tls: { rejectUnauthorized: false } }),
      ).load();
      assert.strictEqual(unverified.contacts.length, 1);
    });
  });
});
