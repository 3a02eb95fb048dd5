'use strict';
// The directory over real files in a temporary folder: CSV and vCard parsing, priority order,
// groups, suffix and fallback, bad entries skipped and counted, a changed file reloaded, a
// failing source keeping its last good contacts, and the status and log lines that say so.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Directory } = require('../../dist/connection/directory/directory');
const { FileSource } = require('../../dist/connection/directory/file-source');
const { PbxSource } = require('../../dist/connection/directory/pbx-source');
const { PartyNames, cleanName } = require('../../dist/connection/names');
const { waitFor } = require('../support/wait');

const berlin = { country: 'DE', areaCode: '30', outsidePrefix: '', internalDigits: 6 };

const CSV = [
  'name;number;mobile;email;groups',
  '"Müller GmbH";030/1234567;;info@mueller.example;"VIP,customer"',
  'Alice Adams;+49 171 2345678;0171 999 888;;family;extra',
  ';0301111111;;;',
  'Nobody;;;;',
  'Bob Brown;(030) 555-0100;;;customer;friend',
].join('\n');

const VCF = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Carol',
  '  Clark',
  'TEL;TYPE=work,voice:+49 30 9876',
  ' 543',
  'CATEGORIES:VIP,fam\\,ily',
  'PHOTO;ENCODING=b;TYPE=JPEG:AAAA',
  ' AAAAAAAA',
  'X-ABLabel:secret:stuff',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:',
  'ORG:ACME\\; Inc;Sales',
  'TEL;VALUE=uri;TYPE="voice,home":tel:+1-555-555-5555;ext=5555',
  'item1.TEL:0301234567',
  'END:VCARD',
  'BEGIN:VCARD',
  'FN:No Number',
  'END:VCARD',
  'BEGIN:VCARD',
  'FN:Unterminated',
  'TEL:0307777777',
  '',
].join('\r\n');

describe('phone book directory', () => {
  let dir;
  let directory;
  let logs;
  const file = (name, text) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const make = (sources, options = {}) => {
    logs = [];
    directory = new Directory(sources, {
      plan: berlin,
      suffixDigits: 0,
      log: (level, text) => logs.push(`${level} ${text}`),
      ...options,
    });
    return directory;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-directory-'));
  });
  afterEach(async () => {
    if (directory) await directory.close();
    directory = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a CSV file: every number column, groups, bad rows skipped and counted', async () => {
    make([new FileSource('crm', file('crm.csv', CSV))]);
    await directory.start();
    assert.deepStrictEqual(directory.find('0301234567'), {
      name: 'Müller GmbH',
      number: '+49301234567',
      groups: ['VIP', 'customer'],
      source: 'crm',
    });
    assert.strictEqual(directory.find('0171999888').name, 'Alice Adams', 'the second number column');
    assert.deepStrictEqual(directory.find('+4917123456 78').groups, ['family']);
    assert.strictEqual(directory.find('555-0100').name, 'Bob Brown', 'a local number gets the area code');
    assert.strictEqual(directory.find('0301111111'), undefined, 'a row without a name is no contact');
    const [status] = directory.sources();
    assert.deepStrictEqual([status.state, status.contacts, status.skipped], ['ok', 3, 2]);
    assert.deepStrictEqual(directory.status(), { fill: 'green', shape: 'dot', key: 'contacts', params: { count: 3 } });
    assert.deepStrictEqual(logs, ['info phone book source crm: 3 contacts, 2 entries skipped']);
  });

  it("cleans a phone book's names and groups as the PBX's names: no controls, at most 100, an emoji at the edge whole", async () => {
    const long = `${'a'.repeat(99)}\u{1F600}tail`;
    make([
      new FileSource(
        'crm',
        file('long.csv', `name;number;groups\n"  Eve\u0007 Evans ";0302222222;" VIP\u0001 "\n${long};0303333333;\n`),
      ),
    ]);
    await directory.start();
    assert.deepStrictEqual(directory.find('0302222222'), {
      name: 'Eve Evans',
      number: '+49302222222',
      groups: ['VIP'],
      source: 'crm',
    });
    assert.strictEqual(directory.find('0303333333').name, 'a'.repeat(99), 'the emoji at the edge goes whole, not half');
    assert.strictEqual(directory.find('0303333333').name, cleanName(long));
  });

  it('reads a comma separated CSV whose groups are separated by semicolons', async () => {
    make([
      new FileSource(
        'crm',
        file('comma.csv', 'name,number,groups\r\nCarl Comma,030 1234567,VIP;family\r\n"Quoted, Name",030 7654321,\r\n'),
      ),
    ]);
    await directory.start();
    assert.deepStrictEqual(directory.find('0301234567').groups, ['VIP', 'family']);
    assert.strictEqual(directory.find('0307654321').name, 'Quoted, Name');
  });

  it('reads vCard 3.0 and 4.0: folded lines, escapes, tel: URIs, groups; photos and X- skipped', async () => {
    make([new FileSource('cards', file('cards.vcf', VCF))]);
    await directory.start();
    assert.deepStrictEqual(directory.find('+49 30 9876543'), {
      name: 'Carol Clark',
      number: '+49309876543',
      groups: ['VIP', 'fam,ily'],
      source: 'cards',
    });
    assert.deepStrictEqual(directory.find('+1 555 555 5555'), {
      name: 'ACME; Inc',
      number: '+15555555555',
      groups: [],
      source: 'cards',
    });
    assert.strictEqual(directory.find('030 1234567').name, 'ACME; Inc', 'a grouped TEL (item1.TEL)');
    assert.strictEqual(directory.find('0307777777'), undefined, 'a card without END');
    assert.strictEqual(directory.sources()[0].skipped, 2);
  });

  it('asks the sources in order, then the last digits, then the fallback; extensions as they are', async () => {
    const fallback = make([new FileSource('second', file('second.csv', 'name,number\nFallback Fred,+4940123456\n'))]);
    await fallback.start();
    directory = undefined;
    const first = make(
      [
        new FileSource('first', file('first.csv', 'name,number\nFirst Anna,0301234567\nDesk,204\n')),
        new FileSource('other', file('other.csv', 'name,number\nOther Anna,+49301234567\nOther Otto,+49309999999\n')),
      ],
      { suffixDigits: 7, fallback: () => fallback },
    );
    await first.start();
    try {
      assert.deepStrictEqual(first.match('030 123 4567'), {
        contact: { name: 'First Anna', number: '+49301234567', groups: [], source: 'first' },
        rule: 'number',
        key: '+49301234567',
      });
      assert.strictEqual(first.match('0309999999').contact.source, 'other');
      assert.strictEqual(first.match('204').rule, 'extension');
      assert.strictEqual(first.match('2040'), undefined, 'an extension matches exactly');
      const bySuffix = first.match('+33 1 99999999');
      assert.deepStrictEqual(
        [bySuffix.rule, bySuffix.contact.name, bySuffix.contact.number],
        ['suffix', 'Other Otto', '+49309999999'],
      );
      assert.deepStrictEqual(first.match('040123456').rule, 'fallback');
      assert.strictEqual(first.find('040123456').name, 'Fallback Fred');
      assert.deepStrictEqual(
        first.search('ANNA').map((c) => `${c.name}/${c.source}`),
        ['First Anna/first', 'Other Anna/other'],
      );
    } finally {
      await fallback.close();
    }
  });

  it('hands out copies: a flow that changes a contact changes no other', async () => {
    make([new FileSource('crm', file('crm.csv', CSV))]);
    await directory.start();
    directory.find('0301234567').groups.push('hacked');
    assert.deepStrictEqual(directory.find('0301234567').groups, ['VIP', 'customer']);
  });

  it('keeps the keys of at most 10,000 reported numbers: a flood of distinct callers neither grows it nor misleads it', async () => {
    make([new FileSource('crm', file('crm.csv', 'name,number\nMüller GmbH,030/1234567\n'))]);
    await directory.start();
    assert.strictEqual(directory.find('030 1234567').name, 'Müller GmbH');
    for (let i = 0; i < 25000; i++) assert.strictEqual(directory.find(`0301${String(i).padStart(6, '0')}`), undefined);
    assert.ok(directory.keys.size <= 10000, `${directory.keys.size} keys kept`);
    assert.strictEqual(directory.find('030 1234567').name, 'Müller GmbH');
    assert.strictEqual(directory.find('+49 30 1234567').name, 'Müller GmbH');
  });

  it('reloads a file that changes', async () => {
    const p = file('live.csv', 'name,number\nOld Name,0301234567\n');
    make([new FileSource('live', p)]);
    await directory.start();
    assert.strictEqual(directory.find('0301234567').name, 'Old Name');
    fs.writeFileSync(p, 'name,number\nNew Name,0301234567\nAdded,0302222222\n');
    await waitFor(() => directory.find('0302222222'), 5000, 'the changed file');
    assert.strictEqual(directory.find('0301234567').name, 'New Name');
  });

  it('keeps the last good contacts while a source fails, says so, and recovers', async () => {
    const p = file('flaky.csv', 'name,number\nKept Karl,0301234567\n');
    make([new FileSource('flaky', p)]);
    await directory.start();
    fs.writeFileSync(p, 'no header of ours\n1,2\n');
    await waitFor(() => directory.sources()[0].state === 'failing', 5000, 'the failing state');
    assert.strictEqual(directory.find('0301234567').name, 'Kept Karl');
    const status = directory.status();
    assert.deepStrictEqual(
      [status.fill, status.key, status.params.label, status.params.count],
      ['yellow', 'kept', 'flaky', 1],
    );
    assert.ok(status.params.since <= Date.now());
    fs.writeFileSync(p, 'name,number\nBack Again,0301234567\n');
    await waitFor(() => directory.find('0301234567').name === 'Back Again', 5000, 'the recovered file');
    assert.strictEqual(directory.status().key, 'contacts');
    assert.deepStrictEqual(
      logs.map((l) => l.replace(/: .*?;/, ': …;')),
      [
        'info phone book source flaky: 1 contacts',
        'warn phone book source flaky: …; 1 contacts kept, retrying',
        'info phone book source flaky: 1 contacts',
      ],
      'one line per change of state',
    );
  });

  it('is red while nothing could ever be loaded, retries with backoff and one log line, until the file comes', async () => {
    // A folder that does not exist yet: nothing watches it, only the retries can find the file.
    const folder = path.join(dir, 'later');
    const p = path.join(folder, 'later.csv');
    make([new FileSource('later', p)]);
    await directory.start();
    assert.deepStrictEqual(
      [directory.status().fill, directory.status().key, directory.status().params.label],
      ['red', 'failed', 'later'],
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.deepStrictEqual(
      logs.map((l) => l.split(':')[0]),
      ['warn phone book source later'],
      'several attempts in 2.5 s (1 s, then 2 s at most), one line',
    );
    fs.mkdirSync(folder);
    fs.writeFileSync(p, 'name,number\nLate Lisa,0301234567\n');
    await waitFor(() => directory.find('0301234567'), 8000, 'the file that came later');
    assert.strictEqual(directory.status().fill, 'green');
    assert.strictEqual(logs.length, 2);
  }).timeout(15000);

  it('names a source that never loaded and its error in yellow while the others answer', async () => {
    const good = file('good.csv', 'name,number\nGood Gina,0301234567\n');
    make([new FileSource('good', good), new FileSource('missing', path.join(dir, 'missing.csv'))]);
    await directory.start();
    const status = directory.status();
    assert.deepStrictEqual(
      [status.fill, status.key, status.params.label, status.params.count],
      ['yellow', 'failed', 'missing', 1],
    );
    assert.match(status.params.error, /ENOENT/);
    assert.strictEqual(directory.find('0301234567').name, 'Good Gina');
  });

  it("serves the PBX's own users and follows their changes", async () => {
    const names = new PartyNames();
    names.learn([{ number: '204', name: 'Alice Adams' }]);
    const pbx = new PbxSource('pbx');
    make([pbx]);
    await directory.start();
    pbx.attach(names);
    await waitFor(() => directory.find('204'), 2000, 'the attached users');
    assert.deepStrictEqual(directory.find('204'), { name: 'Alice Adams', number: '204', groups: [], source: 'pbx' });
    names.learn([{ number: '205', name: 'Bob Brown' }]);
    await waitFor(() => directory.find('205'), 2000, 'the changed users');
    pbx.detach(names);
    await waitFor(() => !directory.find('204'), 2000, 'the detached users');
  });

  it('normalizes again when the PBX reports its numbering', async () => {
    make([new FileSource('crm', file('crm.csv', 'name,number\nMüller GmbH,030/1234567\n'))], {
      plan: { areaCode: '', outsidePrefix: '', internalDigits: 6 },
    });
    await directory.start();
    assert.strictEqual(directory.find('0004930 1234567'), undefined);
    directory.useNumbering({ countryCode: '49', prefixIntl: '000', prefixNtl: '00', prefixSubs: '' });
    await waitFor(() => directory.find('0004930 1234567'), 2000, 'the renormalized numbers');
    assert.strictEqual(directory.find('0004930 1234567').number, '+49301234567');
  });
});
