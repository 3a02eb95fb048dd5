'use strict';
// Issue 24: the one naming seam. Which name a party gets (phone book, then the name the PBX sent,
// then the PBX's own user name, then none), what counts as no name, and that the connection fills
// every report, snapshot and call record before the store and the nodes see it.
const assert = require('assert');
const { PbxConnection } = require('../../dist/connection/pbx-connection');
const { PartyNames, cleanName, MAX_NAME_LENGTH } = require('../../dist/connection/names');
const { fakeFactory } = require('./fake-adapter');
const { waitFor } = require('../support/wait');

const ALICE = { name: 'Alice Adams (phone book)', number: '+49301234567', groups: ['VIP'], source: 'file' };
/** A phone book that knows one number. */
const book = (number = '0301234567', contact = ALICE) => ({ find: (n) => (n === number ? contact : undefined) });
const message = (payload) => ({ topic: 'k', payload, event: 'x', raw: {} });

describe('names: cleanName (what counts as a name)', () => {
  it('keeps a real name, trimmed', () => {
    assert.strictEqual(cleanName('Alice Adams', '41'), 'Alice Adams');
    assert.strictEqual(cleanName('  Müller GmbH ', '+4930123456'), 'Müller GmbH');
    assert.strictEqual(cleanName('Café Lumière'), 'Café Lumière');
  });

  it('is no name: empty, null, not text, equal to the number or of the same digits', () => {
    for (const none of ['', '   ', null, undefined, 42, {}, ['Alice']])
      assert.strictEqual(cleanName(none, '41'), undefined, String(none));
    assert.strictEqual(cleanName('204', '204'), undefined, 'onlinePBX caller_name equal to the number');
    assert.strictEqual(cleanName('+49 30 123456', '+4930123456'), undefined, 'the number written with spaces');
    assert.strictEqual(cleanName('0301234', '0301234 '), undefined);
    assert.strictEqual(
      cleanName('110', '112'),
      '110',
      'other digits than the number: kept (a name like "110" is odd but is no copy)',
    );
  });

  it('is no name: a bare SIP user part or a SIP URI', () => {
    assert.strictEqual(cleanName('alice', 'sip:alice@example.com'), undefined);
    assert.strictEqual(cleanName('alice', 'alice@example.com'), undefined);
    assert.strictEqual(cleanName('sip:41@tenant.example.com', '41'), undefined);
    assert.strictEqual(cleanName('tel:+4930123456'), undefined);
    assert.strictEqual(cleanName('Alice', 'sip:alice@example.com'), 'Alice', 'a different spelling is a name');
  });

  it('removes control characters (newlines too) and cuts at 100 characters without splitting an emoji', () => {
    assert.strictEqual(cleanName('Ali\u0000ce\r\n Adams\u001b[31m\u0085'), 'Alice Adams[31m');
    assert.strictEqual(cleanName('\u0007\u0008'), undefined);
    const long = 'x'.repeat(150);
    assert.strictEqual(cleanName(long).length, MAX_NAME_LENGTH);
    assert.strictEqual(MAX_NAME_LENGTH, 100);
    const edge = `${'y'.repeat(99)}😀z`;
    assert.strictEqual(cleanName(edge), 'y'.repeat(99), 'the emoji at the edge goes whole');
  });

  it("keeps markup as the text it is (rendering is the views' job)", () => {
    assert.strictEqual(cleanName('<img src=x onerror=alert(1)>', '41'), '<img src=x onerror=alert(1)>');
  });
});

describe('names: PartyNames order and fill', () => {
  it('call: phone book, then the name the PBX sent, then the PBX user name, then none', () => {
    const names = new PartyNames();
    names.learn([
      { number: '41', name: 'Alice (PBX user)' },
      { number: '0301234567', name: 'Outside (PBX user)' },
    ]);
    const m = message({ callId: 'c', state: 'ringing', from: '0301234567', to: '41', fromName: 'Sent by PBX' });
    names.fill('call', m);
    assert.deepStrictEqual(m.payload, {
      callId: 'c',
      state: 'ringing',
      from: '0301234567',
      to: '41',
      fromName: 'Sent by PBX',
      toName: 'Alice (PBX user)',
    });
    names.useDirectory(book());
    const again = message({ callId: 'c', state: 'ringing', from: '0301234567', to: '41', fromName: 'Sent by PBX' });
    names.fill('call', again);
    assert.strictEqual(again.payload.fromName, ALICE.name, 'the phone book before the PBX');
    assert.deepStrictEqual(again.payload.fromContact, ALICE);
    assert.strictEqual(again.payload.toContact, undefined, 'no contact where the phone book has none');
    const none = message({ callId: 'd', state: 'ringing', from: '999', to: '998', fromName: '999', toName: '' });
    names.fill('call', none);
    assert.deepStrictEqual(
      none.payload,
      { callId: 'd', state: 'ringing', from: '999', to: '998' },
      'no-names leave the payload',
    );
  });

  it('the PBX name in the frame is cleaned, and a bad one falls back to the PBX user name', () => {
    const names = new PartyNames();
    names.learn([{ number: '204', name: 'Dave Davis' }]);
    const m = message({ callId: 'c', state: 'ringing', from: '204', fromName: '204', to: '555', toName: 'Bad\nName' });
    names.fill('call', m);
    assert.strictEqual(m.payload.fromName, 'Dave Davis');
    assert.strictEqual(m.payload.toName, 'BadName');
  });

  it('BLF: otherPartyName and otherPartyContact; an idle lamp is left as it is', () => {
    const names = new PartyNames();
    names.useDirectory(book());
    const busy = message({ extension: '41', state: 'busy', otherParty: '0301234567', otherPartyName: 'From PBX' });
    names.fill('blf', busy);
    assert.strictEqual(busy.payload.otherPartyName, ALICE.name);
    assert.deepStrictEqual(busy.payload.otherPartyContact, ALICE);
    const idle = message({ extension: '41', state: 'idle' });
    names.fill('blf', idle);
    assert.deepStrictEqual(idle.payload, { extension: '41', state: 'idle' });
    const unnamed = message({ extension: '41', state: 'ringing', otherParty: '777', otherPartyName: '777' });
    names.fill('blf', unnamed);
    assert.strictEqual('otherPartyName' in unnamed.payload, false);
  });

  it('presence dn: phone book else the PBX (the frame, else the PBX user name); a dn equal to the user is none', () => {
    const names = new PartyNames();
    const sent = message({ user: 'alice', num: '201', dn: 'Alice A', status: 'available' });
    names.fill('presence', sent);
    assert.strictEqual(sent.payload.dn, 'Alice A');
    const bare = message({ user: 'alice', num: '201', dn: 'alice', status: 'available' });
    names.fill('presence', bare);
    assert.strictEqual('dn' in bare.payload, false, 'the SIP name is no display name');
    names.learn([{ number: '42', name: 'Bob Brown' }]);
    const learned = message({ user: '42', status: 'busy' });
    names.fill('presence', learned);
    assert.strictEqual(learned.payload.dn, 'Bob Brown');
    names.useDirectory(book('201', { ...ALICE, number: '201' }));
    const booked = message({ user: 'alice', num: '201', dn: 'Alice A', status: 'available' });
    names.fill('presence', booked);
    assert.strictEqual(booked.payload.dn, ALICE.name);
  });

  it('learn: cleans names, skips no-names, signals changes once, and users() lists them', () => {
    const names = new PartyNames();
    let changes = 0;
    const stop = names.onUsersChanged(() => changes++);
    names.learn([
      { number: '41', name: 'Alice\tAdams' },
      { number: '42', name: '42' },
      { number: '', name: 'Nobody' },
    ]);
    names.learn([{ number: '41', name: 'AliceAdams' }]);
    assert.deepStrictEqual(names.users(), [{ number: '41', name: 'AliceAdams' }]);
    assert.strictEqual(changes, 1, 'the same name again is no change');
    assert.strictEqual(names.nameOf('41'), 'AliceAdams');
    stop();
    names.learn([{ number: '43', name: 'Carol' }]);
    assert.strictEqual(changes, 1);
  });

  it('renamed: a stored presence or lamp named again from the phone book, undefined when its names stay', () => {
    const names = new PartyNames();
    const presence = { user: 'alice', num: '201', status: 'available', dn: 'Alice A' };
    const lamp = { extension: '42', state: 'ringing', otherParty: '0301234567', otherPartyName: 'PBX name' };
    assert.strictEqual(names.renamed('presence', presence), undefined);
    assert.strictEqual(names.renamed('blf', lamp), undefined);
    names.useDirectory(book('201', { ...ALICE, number: '201' }));
    assert.deepStrictEqual(names.renamed('presence', presence), { ...presence, dn: ALICE.name });
    assert.strictEqual(presence.dn, 'Alice A', 'a copy: the stored payload is not changed in place');
    names.useDirectory(book());
    assert.deepStrictEqual(names.renamed('blf', lamp), {
      ...lamp,
      otherPartyName: ALICE.name,
      otherPartyContact: ALICE,
    });
    assert.strictEqual(
      names.renamed('blf', { extension: '43', state: 'idle' }),
      undefined,
      'an idle lamp names nobody',
    );
  });

  it('onNamesChanged: the PBX users and every change of the phone book; onUsersChanged the PBX users only', () => {
    const names = new PartyNames();
    const phoneBook = new Set();
    const finder = { ...book(), onChange: (fn) => (phoneBook.add(fn), () => phoneBook.delete(fn)) };
    let users = 0;
    let all = 0;
    names.onUsersChanged(() => users++);
    names.onNamesChanged(() => all++);
    names.useDirectory(finder);
    for (const fn of phoneBook) fn();
    assert.deepStrictEqual([users, all], [0, 1], 'a phone book change is no change of the PBX users');
    names.learn([{ number: '41', name: 'Alice' }]);
    assert.deepStrictEqual([users, all], [1, 2]);
    names.useDirectory(undefined);
    assert.strictEqual(phoneBook.size, 0, 'a detached phone book is no longer listened to');
  });
});

describe('names: PbxConnection fills every report, snapshot and record', () => {
  let conn;
  afterEach(() => conn && conn.close());

  async function connect() {
    const fake = fakeFactory();
    conn = new PbxConnection({ vendor: 'vodia', loginTimeoutMs: 200, keepaliveMs: 1000, tls: {} }, fake.factory, {
      log: () => undefined,
    });
    const adapter = fake.adapters[0];
    adapter.channels = new Set(['presence', 'blf', 'call']);
    const user = { onState: () => undefined };
    conn.register(user);
    const got = { call: [], record: [], blf: [] };
    for (const channel of Object.keys(got))
      conn.watch(user, { channel, key: '*' }, (m) => got[channel].push(m), assert.fail);
    await waitFor(() => conn.state === 'connected');
    return { adapter, got };
  }

  it('names a call before the store and the nodes, and the record carries its names and contacts', async () => {
    const { adapter, got } = await connect();
    adapter.events.users([{ number: '41', name: 'Alice Adams' }]);
    conn.useDirectory(book());
    const leg = (state, extra) => ({
      callId: 'c1',
      state,
      direction: 'inbound',
      from: '0301234567',
      to: '41',
      ...extra,
    });
    adapter.events.emit('call', 'c1', message(leg('ringing', { fromName: 'Caller ID' })));
    assert.strictEqual(conn.store.get('call', 'c1').payload.fromName, ALICE.name, 'the store has the names');
    assert.strictEqual(got.call[0].payload.toName, 'Alice Adams');
    adapter.events.emit('call', 'c1', message(leg('ended')));
    await waitFor(() => got.record.length === 1);
    const record = got.record[0].payload;
    assert.deepStrictEqual(
      [record.from, record.fromName, record.fromContact, record.to, record.toName, record.toContact],
      ['0301234567', ALICE.name, ALICE, '41', 'Alice Adams', undefined],
    );
    assert.deepStrictEqual(
      Object.keys(record).slice(0, 7),
      ['callId', 'direction', 'from', 'to', 'fromName', 'toName', 'fromContact'],
      'the documented key order',
    );
  });

  it('a record takes a name a later leg reports for the same party', async () => {
    const { adapter, got } = await connect();
    adapter.events.emit('call', 'c2', message({ callId: 'c2', state: 'ringing', from: '0309', to: '41' }));
    adapter.events.users([{ number: '41', name: 'Alice Adams' }]);
    adapter.events.emit(
      'call',
      'c2',
      message({ callId: 'c2', state: 'connected', from: '0309', to: '41', fromName: 'Late Name' }),
    );
    adapter.events.emit('call', 'c2', message({ callId: 'c2', state: 'ended', from: '0309', to: '41' }));
    await waitFor(() => got.record.length === 1);
    assert.deepStrictEqual(
      [got.record[0].payload.fromName, got.record[0].payload.toName],
      ['Late Name', 'Alice Adams'],
    );
  });

  it('snapshots are named too, and without names a record is as before', async () => {
    const { adapter, got } = await connect();
    adapter.events.users([{ number: '42', name: 'Bob Brown' }]);
    adapter.events.snapshot('blf', '41', message({ extension: '41', state: 'busy', otherParty: '42' }));
    assert.strictEqual(conn.store.get('blf', '41').payload.otherPartyName, 'Bob Brown');
    adapter.events.emit('call', 'c3', message({ callId: 'c3', state: 'ringing', from: '0309', to: '0308' }));
    adapter.events.emit('call', 'c3', message({ callId: 'c3', state: 'ended', from: '0309', to: '0308' }));
    await waitFor(() => got.record.length === 1);
    const record = got.record[0].payload;
    for (const field of ['fromName', 'toName', 'fromContact', 'toContact'])
      assert.strictEqual(field in record, false, field);
  });
});
