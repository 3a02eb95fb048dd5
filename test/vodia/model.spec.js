'use strict';
// Vodia frames -> normalized presence, BLF and call shapes; the account and call tables.
const assert = require('assert');
const {
  presenceOf,
  callOf,
  callState,
  partyNumber,
  partyName,
  blfOf,
} = require('../../dist/protocols/vodia/normalize');
const { flagOf: flag } = require('../../dist/protocols/common/values');
const { AccountTable, CallTable } = require('../../dist/protocols/vodia/state');
const { decodeFrame, frameName, encodeAction } = require('../../dist/protocols/vodia/codec');
const { callControlFrame, commandFrame, makeCallFrame } = require('../../dist/protocols/vodia/commands');
const { vodiaEndpoints } = require('../../dist/protocols/vodia/login');
const { ALICE_PRESENCE } = require('./samples');

const local = (n) => ['40', '41', '42', '45'].includes(n);

describe('vodia model', () => {
  it('maps registered, dnd and chatstatus to one presence status', () => {
    assert.strictEqual(
      presenceOf({ account: '41', registered: true, dnd: false, chatstatus: 'online' }).status,
      'available',
    );
    assert.strictEqual(presenceOf({ account: '41', registered: true, dnd: true, chatstatus: 'online' }).status, 'dnd');
    assert.strictEqual(
      presenceOf({ account: '41', registered: false, dnd: false, chatstatus: 'offline' }).status,
      'offline',
    );
    assert.strictEqual(presenceOf({ account: '41', registered: true, calls: [{ from: '42' }] }).status, 'busy');
    assert.strictEqual(presenceOf({ account: '41', registered: true, code: 200 }).status, 'busy');
    assert.strictEqual(presenceOf({ account: '41', registered: true, code: null, calls: [] }).status, 'available');
    // A phone that is not registered is offline, even for a user online for chat.
    assert.strictEqual(presenceOf({ account: '41', registered: false, chatstatus: 'online' }).status, 'offline');
    assert.strictEqual(presenceOf({ account: '41', registered: 'false', dnd: 'false' }).status, 'offline');
    assert.strictEqual(presenceOf({ account: '41', chatstatus: 'away' }).status, 'away');
    assert.strictEqual(presenceOf({ account: '41' }).status, 'unknown');
    // REST spells booleans as strings.
    assert.strictEqual(presenceOf({ account: '41', registered: 'true', dnd: 'true' }).dnd, true);
    assert.deepStrictEqual(
      presenceOf({
        account: '41',
        name: 'Alice',
        type: 'extensions',
        registered: true,
        dnd: false,
        chatstatus: 'online',
      }),
      ALICE_PRESENCE,
    );
    assert.strictEqual(flag('maybe'), undefined);
  });

  it('normalizes call states: ringing, connected, held, ended', () => {
    for (const s of ['ringback', 'alerting', 'ringing', 'RINGING', 'something-new'])
      assert.strictEqual(callState(s), 'ringing', s);
    assert.strictEqual(callState('connected'), 'connected');
    for (const s of ['onhold', 'holding']) assert.strictEqual(callState(s), 'held', s);
    assert.strictEqual(callState('disconnected'), 'ended');
    assert.strictEqual(callState('', '1700000000'), 'connected');
    assert.strictEqual(callState(''), 'ringing');
  });

  it('reads parties from SIP name-addrs', () => {
    assert.strictEqual(partyNumber('"Alice" <sip:41@tenant.example.com>'), '41');
    assert.strictEqual(partyNumber('<sip:45@tenant.example.com;user=phone>'), '45');
    assert.strictEqual(partyNumber('sip:+4930123@x'), '+4930123');
    assert.strictEqual(partyNumber('tel:+4930123'), '+4930123');
    assert.strictEqual(partyNumber('45'), '45');
    assert.strictEqual(partyNumber(45), '45');
    assert.strictEqual(partyNumber(''), undefined);
    assert.strictEqual(partyName('"Alice" <sip:41@x>'), 'Alice');
    assert.strictEqual(partyName('<sip:41@x>'), undefined);
  });

  it('reads a legacy call (id/from/to/callstate)', () => {
    const c = callOf({ id: '9f3c1a', from: '"Alice" <sip:41@t>', to: '<sip:45@t>', callstate: 'onhold' }, '45', local);
    assert.deepStrictEqual(
      {
        callId: c.callId,
        state: c.state,
        from: c.from,
        to: c.to,
        fromName: c.fromName,
        direction: c.direction,
        extension: c.extension,
      },
      {
        callId: '9f3c1a',
        state: 'held',
        from: '41',
        to: '45',
        fromName: 'Alice',
        direction: 'inbound',
        extension: '45',
      },
    );
  });

  it('reads a v70 call (state/from-number/to-number/from-name/to-name/extension)', () => {
    const c = callOf(
      {
        id: 'a1',
        state: 'alerting',
        'from-number': '41',
        'to-number': '+4930123',
        'from-name': 'Alice',
        'to-name': '',
        extension: ['*41'],
      },
      '45',
      local,
    );
    assert.strictEqual(c.state, 'ringing');
    assert.strictEqual(c.from, '41');
    assert.strictEqual(c.to, '+4930123');
    assert.strictEqual(c.fromName, 'Alice');
    assert.strictEqual(c.toName, undefined);
    assert.strictEqual(c.extension, '41');
    assert.strictEqual(c.direction, 'outbound');
    assert.deepStrictEqual(c.parties.sort(), ['+4930123', '41']);
    assert.strictEqual(callOf({ from: '41' }, '45', local), undefined, 'no id, no call');
    assert.strictEqual(callOf('junk', '45', local), undefined);
    assert.strictEqual(
      callOf({ id: 'x', 'from-number': '41', 'to-number': '42', state: 'connected' }, '45', local).direction,
      'local',
    );
  });

  it('derives the lamp of an extension from its calls and account', () => {
    const calls = [
      callOf({ id: 'a', 'from-number': '41', 'to-number': '42', state: 'connected' }, '45', local),
      callOf({ id: 'b', 'from-number': '+49', 'to-number': '41', state: 'alerting' }, '45', local),
    ];
    assert.deepStrictEqual(blfOf('41', { account: '41', registered: true }, calls), {
      extension: '41',
      state: 'ringing',
      callId: 'b',
      direction: 'inbound',
      otherParty: '+49',
    });
    assert.strictEqual(blfOf('42', undefined, calls).state, 'busy');
    assert.strictEqual(blfOf('43', { account: '43', registered: false }, calls).state, 'unregistered');
    assert.strictEqual(blfOf('43', { account: '43', registered: true, code: 200 }, calls).state, 'busy');
    assert.strictEqual(
      blfOf('43', { account: '43', registered: true, code: 200 }, calls, false).state,
      'idle',
      'the call table alone',
    );
    assert.strictEqual(blfOf('44', { account: '44', registered: true }, calls).state, 'idle');
  });
});

describe('vodia state tables', () => {
  it('keeps the domain-state accounts and applies user-state as a partial patch', () => {
    const t = new AccountTable();
    t.replace([
      { account: '41', name: 'Alice', registered: true, dnd: false, chatstatus: 'online' },
      { name: 'no account' },
      'junk',
    ]);
    assert.deepStrictEqual(t.names(), ['41']);
    const a = t.patch({ action: 'user-state', account: '41', dnd: true });
    assert.deepStrictEqual(a, { account: '41', name: 'Alice', registered: true, dnd: true, chatstatus: 'online' });
    assert.strictEqual(t.patch({ action: 'user-state' }), undefined);
    t.patch({ action: 'user-state', account: 42, registered: true });
    assert.deepStrictEqual(t.names(), ['41', '42']);
    t.replace([{ account: '500' }]);
    assert.deepStrictEqual(t.names(), ['500'], 'domain-state replaces the table');
  });

  it('a call missing from the list has ended; calls as array, as an object keyed by id, or one call object', () => {
    const t = new CallTable('45', local);
    const touched = new Set();
    let changed = t.apply([{ id: 'a', from: '<sip:41@t>', to: '<sip:45@t>', callstate: 'alerting' }], touched);
    assert.deepStrictEqual(
      changed.map((c) => `${c.callId}:${c.state}`),
      ['a:ringing'],
    );
    assert.deepStrictEqual([...touched].sort(), ['41', '45']);
    changed = t.apply([{ id: 'a', from: '<sip:41@t>', to: '<sip:45@t>', callstate: 'alerting' }], new Set());
    assert.deepStrictEqual(changed, [], 'no change, no message');
    changed = t.apply(
      {
        a: { id: 'a', 'from-number': '41', 'to-number': '45', state: 'connected' },
        b: { id: 'b', 'from-number': '42', 'to-number': '40', state: 'alerting' },
      },
      new Set(),
    );
    assert.deepStrictEqual(
      changed.map((c) => `${c.callId}:${c.state}`),
      ['a:connected', 'b:ringing'],
    );
    changed = t.apply({ id: 'b', 'from-number': '42', 'to-number': '40', state: 'holding' }, new Set());
    assert.deepStrictEqual(
      changed.map((c) => `${c.callId}:${c.state}`),
      ['b:held'],
      'a single call object updates that call only',
    );
    changed = t.apply([{ id: 'b', 'from-number': '42', 'to-number': '40', state: 'holding' }], new Set());
    assert.deepStrictEqual(
      changed.map((c) => `${c.callId}:${c.state}`),
      ['a:ended'],
    );
    changed = t.apply([], new Set());
    assert.deepStrictEqual(
      changed.map((c) => `${c.callId}:${c.state}`),
      ['b:ended'],
    );
    assert.deepStrictEqual(t.apply(undefined, new Set()), []);
  });

  it('a transfer (new party, same state) is a change and touches old and new parties', () => {
    const t = new CallTable('45', local);
    t.apply([{ id: 'a', 'from-number': '41', 'to-number': '45', state: 'connected' }], new Set());
    const touched = new Set();
    const changed = t.apply([{ id: 'a', 'from-number': '41', 'to-number': '42', state: 'connected' }], touched);
    assert.strictEqual(changed.length, 1);
    assert.deepStrictEqual([...touched].sort(), ['41', '42', '45']);
  });
});

describe('vodia codec and commands', () => {
  it('names frames by signalling key first, then action', () => {
    assert.strictEqual(frameName({ action: 'user-state', info: 'x' }), 'user-state');
    assert.strictEqual(frameName({ sdp: 'v=0', callid: 'x' }), 'sdp');
    assert.strictEqual(frameName({ invitesdp: 'v=0', action: 'x' }), 'invitesdp');
    assert.strictEqual(frameName({ ringtones: [] }), 'ringtones');
    assert.strictEqual(frameName({ foo: 1 }), 'unknown');
    assert.strictEqual(decodeFrame('[1,2]'), undefined);
    assert.strictEqual(decodeFrame('{bad'), undefined);
    assert.strictEqual(decodeFrame('null'), undefined);
    assert.deepStrictEqual(decodeFrame('{"action":"chat"}'), { action: 'chat' });
    assert.strictEqual(
      encodeAction('blf', { add: ['41'], action: 'evil', skip: undefined }),
      '{"action":"blf","add":["41"]}',
    );
  });

  it('builds the call control actions of the portal', () => {
    const connected = { state: 'connected' };
    assert.deepStrictEqual(callControlFrame({ action: 'answer', callId: 'c1' }, '45'), {
      action: 'accept-call',
      fields: { id: 'c1' },
    });
    assert.deepStrictEqual(callControlFrame({ action: 'hold', callId: 'c1' }, '45'), {
      action: 'hold-call',
      fields: { id: 'c1' },
    });
    assert.deepStrictEqual(callControlFrame({ action: 'hangup', callId: 'c1' }, '45', connected), {
      action: 'clear-call',
      fields: { id: 'c1', connected: 'true' },
    });
    assert.deepStrictEqual(callControlFrame({ action: 'hangup', callId: 'c1' }, '45', { state: 'ringing' }), {
      action: 'clear-call',
      fields: { id: 'c1', connected: 'false' },
    });
    assert.deepStrictEqual(callControlFrame({ action: 'transfer', callId: 'c1', to: '46' }, '45'), {
      action: 'blind-transfer',
      fields: { id: 'c1', from: '45', to: '46' },
    });
    assert.deepStrictEqual(
      callControlFrame({ action: 'transfer', callId: 'c1', to: '46', attended: true, toCallId: 'c2' }, '45'),
      {
        action: 'att-transfer',
        fields: { id: 'c1', from: '45', id2: 'c2', to: '46' },
      },
    );
    assert.deepStrictEqual(callControlFrame({ action: 'record', callId: 'c1' }, '45'), {
      action: 'rec-call',
      fields: { id: 'c1', startstop: 'on' },
    });
    assert.deepStrictEqual(callControlFrame({ action: 'record', callId: 'c1', startstop: 'off' }, '45'), {
      action: 'rec-call',
      fields: { id: 'c1', startstop: 'off' },
    });
    assert.throws(() => callControlFrame({ action: 'bridge', callId: 'c1' }, '45'), {
      name: 'UnsupportedError',
      message: /vodia.*bridge/,
    });
    assert.throws(() => callControlFrame({ action: 'transfer', callId: 'c1' }, '45'), /'to'/);
    assert.throws(
      () => callControlFrame({ action: 'transfer', callId: 'c1', to: '46', attended: true }, '45'),
      /toCallId/,
    );
    // A second call makes it attended (as on the other vendors); the target defaults to its other party.
    assert.deepStrictEqual(
      callControlFrame({ action: 'transfer', callId: 'c1', toCallId: 'c2' }, '45', connected, { from: '45', to: '47' }),
      { action: 'att-transfer', fields: { id: 'c1', from: '45', id2: 'c2', to: '47' } },
    );
    assert.deepStrictEqual(
      callControlFrame({ action: 'transfer', callId: 'c1', toCallId: 'c2', to: '46', attended: false }, '45'),
      { action: 'blind-transfer', fields: { id: 'c1', from: '45', to: '46' } },
    );
    assert.throws(() => callControlFrame({ action: 'transfer', callId: 'c1', toCallId: 'c2' }, '45'), /'to'/);
  });

  it('make-call rings the own extension; chat gets the portal field names', () => {
    assert.deepStrictEqual(makeCallFrame({ from: '45', to: '0123' }, '45'), {
      action: 'make-call',
      fields: { to: '0123' },
    });
    assert.deepStrictEqual(makeCallFrame({ from: '45@t', to: 123 }, '45'), {
      action: 'make-call',
      fields: { to: '123' },
    });
    assert.throws(() => makeCallFrame({ from: '41', to: '0123' }, '45'), /own extension 45/);
    assert.deepStrictEqual(commandFrame('chat', { to: '41', text: 'hi ' }, '45'), {
      action: 'chat',
      fields: { src: '45', dest: '41', message: 'hi ' },
    });
    assert.deepStrictEqual(commandFrame('add-to-crm', { id: 'c', sub: 's' }, '45'), {
      action: 'add-to-crm',
      fields: { id: 'c', sub: 's' },
    });
    assert.throws(() => commandFrame('chat', { to: '41' }, '45'), /message/);
  });

  it('derives the REST login and socket URLs from the configured URL', () => {
    assert.deepStrictEqual(vodiaEndpoints('wss://pbx.example.com/websocket', 'tenant.example.com', '45'), {
      session: 'https://pbx.example.com/rest/system/session',
      socket: 'wss://pbx.example.com/websocket?domain=tenant.example.com&user=45',
    });
    assert.deepStrictEqual(vodiaEndpoints('ws://127.0.0.1:18815', 'demo.vodia', '40@demo.vodia'), {
      session: 'http://127.0.0.1:18815/rest/system/session',
      socket: 'ws://127.0.0.1:18815/websocket?domain=demo.vodia&user=40',
    });
    assert.throws(() => vodiaEndpoints('ftp://x', 'd', '1'), /must start with/);
    assert.throws(() => vodiaEndpoints('not a url', 'd', '1'), /not a URL/);
  });
});
