'use strict';
// Pure parts of the onlinePBX client: the socket.io 0.9 packet codec, the handshake answer,
// the command catalogue, the URLs, and the mapping of events onto the normalized payloads.
const assert = require('assert');
const codec = require('../../dist/protocols/onlinepbx/codec');
const commands = require('../../dist/protocols/onlinepbx/commands');
const endpoints = require('../../dist/protocols/onlinepbx/endpoints');
const { CallTable } = require('../../dist/protocols/onlinepbx/calls');
const model = require('../../dist/protocols/onlinepbx/normalize');
const { UnsupportedError } = require('../../dist/protocols/common/errors');
const { BLF_204, BLF_204_PAYLOAD, REGISTRATION_201 } = require('./samples');

describe('onlinepbx codec (socket.io protocol 1)', () => {
  const {
    decodePacket,
    encodePacket,
    encodeEvent,
    encodeAck,
    encodeError,
    decodePayload,
    encodePayload,
    parseHandshake,
  } = codec;

  it('decodes the packets without data: connect, heartbeat, disconnect (also a bare 0), noop', () => {
    assert.deepStrictEqual(decodePacket('1::'), { type: 'connect', endpoint: '' });
    assert.deepStrictEqual(decodePacket('2::'), { type: 'heartbeat', endpoint: '' });
    assert.deepStrictEqual(decodePacket('0::'), { type: 'disconnect', endpoint: '' });
    assert.deepStrictEqual(decodePacket('0'), { type: 'disconnect', endpoint: '' });
    assert.deepStrictEqual(decodePacket('8::'), { type: 'noop', endpoint: '' });
    assert.deepStrictEqual(decodePacket('1::/chat'), { type: 'connect', endpoint: '/chat' });
  });

  it('decodes events with and without message ids, keeping the frame object for msg.raw', () => {
    const p = decodePacket('5:::{"name":"blf","args":[{"uid":"204","status":"ringing"}]}');
    assert.strictEqual(p.type, 'event');
    assert.strictEqual(p.name, 'blf');
    assert.deepStrictEqual(p.args, [{ uid: '204', status: 'ringing' }]);
    assert.deepStrictEqual(p.frame, { name: 'blf', args: [{ uid: '204', status: 'ringing' }] });
    assert.strictEqual(p.id, undefined);
    const withAck = decodePacket('5:12+::{"name":"x","args":[1]}');
    assert.strictEqual(withAck.id, '12');
    assert.strictEqual(withAck.ackData, true);
    const autoAck = decodePacket('5:7::{"name":"x","args":[]}');
    assert.strictEqual(autoAck.id, '7');
    assert.strictEqual(autoAck.ackData, undefined);
    assert.deepStrictEqual(decodePacket('5:::{"name":"noargs"}').args, [], 'a missing args is no arguments');
    const cyrillic = decodePacket('5:::{"name":"message","args":[{"data":"Привет: всем"}]}');
    assert.strictEqual(cyrillic.args[0].data, 'Привет: всем', 'colons inside data are data');
  });

  it('decodes acks, error packets, message and json packets', () => {
    assert.deepStrictEqual(decodePacket('6:::12'), { type: 'ack', endpoint: '', ackId: '12', args: [] });
    assert.deepStrictEqual(decodePacket('6:::12+["a",{"b":1}]'), {
      type: 'ack',
      endpoint: '',
      ackId: '12',
      args: ['a', { b: 1 }],
    });
    assert.deepStrictEqual(decodePacket('7:::1+0'), { type: 'error', endpoint: '', reason: '1', advice: '0' });
    assert.deepStrictEqual(decodePacket('7:::2'), { type: 'error', endpoint: '', reason: '2', advice: '' });
    assert.deepStrictEqual(decodePacket('3:::hello:world'), { type: 'message', endpoint: '', data: 'hello:world' });
    assert.deepStrictEqual(decodePacket('4:::{"a":1}'), { type: 'json', endpoint: '', data: { a: 1 } });
  });

  it('never throws on malformed input and rejects what is not a packet', () => {
    for (const bad of [
      '',
      '9::',
      'x::',
      '12::',
      '5',
      '5:',
      '5:::',
      '5:::{',
      '5:::[]',
      '5:::{"name":1}',
      '5:::{"name":"a","args":{}}',
      '6:::x',
      '6:::1+{',
      '4:::{',
      '5:a::{}',
      '\u0000',
      '{"event":"x"}',
    ]) {
      assert.strictEqual(decodePacket(bad), undefined, JSON.stringify(bad));
    }
  });

  it('encodes packets the way a stock 0.9 server parses them', () => {
    assert.strictEqual(encodePacket('heartbeat'), '2::');
    assert.strictEqual(encodePacket('disconnect'), '0::');
    assert.strictEqual(codec.HEARTBEAT, '2::');
    assert.strictEqual(codec.DISCONNECT, '0::');
    assert.strictEqual(codec.CONNECT, '1::');
    assert.strictEqual(
      encodeEvent('make_call', [{ from: '101', to: '79990000000', callback_hash: 'q3Rk9ZbT0aLmN2xY' }]),
      '5:::{"name":"make_call","args":[{"from":"101","to":"79990000000","callback_hash":"q3Rk9ZbT0aLmN2xY"}]}',
    );
    assert.strictEqual(encodeEvent('x', [], '4'), '5:4+::{"name":"x","args":[]}');
    assert.strictEqual(encodeAck('4'), '6:::4');
    assert.strictEqual(encodeAck('4', ['ok']), '6:::4+["ok"]');
    assert.strictEqual(encodeError('1', '0'), '7:::1+0');
    for (const text of ['1::', '2::', '5:::{"name":"a","args":[{"b":"c:d"}]}', '6:::4+["ok"]', '7:::1+0']) {
      const p = decodePacket(text);
      assert.ok(p, text);
    }
  });

  it('splits batched framing, and yields nothing for a broken one', () => {
    const batch = encodePayload(['2::', '5:::{"name":"blf","args":[{"uid":"Ж"}]}']);
    assert.ok(batch.startsWith('\ufffd3\ufffd2::'));
    assert.deepStrictEqual(decodePayload(batch), ['2::', '5:::{"name":"blf","args":[{"uid":"Ж"}]}']);
    assert.deepStrictEqual(decodePayload('2::'), ['2::']);
    assert.strictEqual(encodePayload(['1::']), '1::');
    assert.deepStrictEqual(decodePayload('\ufffd9\ufffd2::'), []);
    assert.deepStrictEqual(decodePayload('\ufffdx\ufffd2::'), []);
    assert.deepStrictEqual(decodePayload('\ufffd3\ufffd2::junk'), []);
  });

  it('parses the handshake answer sid:heartbeat:close:transports', () => {
    assert.deepStrictEqual(parseHandshake('ukAhr4x_-Q:60:60:websocket,htmlfile,xhr-polling,jsonp-polling'), {
      sid: 'ukAhr4x_-Q',
      heartbeatTimeoutS: 60,
      closeTimeoutS: 60,
      transports: ['websocket', 'htmlfile', 'xhr-polling', 'jsonp-polling'],
    });
    assert.deepStrictEqual(
      parseHandshake('abc::60:websocket\n'),
      { sid: 'abc', closeTimeoutS: 60, transports: ['websocket'] },
      'empty heartbeat = off',
    );
    for (const bad of [
      '',
      'Welcome to socket.io.',
      '<html>a:b:c:d</html>',
      'a:b:60:websocket',
      'a:60:60:',
      'a b:60:60:websocket',
      '0{"sid":"x","pingInterval":25000}',
      'a:60:60:websocket:extra',
    ]) {
      assert.strictEqual(parseHandshake(bad), undefined, bad);
    }
  });
});

describe('onlinepbx commands', () => {
  it('knows the 13 commands of API 2.0 and sends only their documented fields, as strings', () => {
    assert.deepStrictEqual(Object.keys(commands.V2_COMMANDS).sort(), [
      'bridge',
      'eavesdrop',
      'flush_reg',
      'hangup_call',
      'make_call',
      'message',
      'reboot_phone',
      'reloadgw',
      'sip_message',
      'subscribe',
      'transfer',
      'trunk_list',
      'user_list',
    ]);
    assert.deepStrictEqual(
      commands.v2Request('make_call', {
        from: 101,
        to: '79990000000',
        gate_from: '73432048020',
        topic: 'x',
        callId: 'y',
      }),
      {
        command: 'make_call',
        data: { from: '101', to: '79990000000', gate_from: '73432048020' },
      },
    );
    assert.deepStrictEqual(commands.v2Request('trunk_list', { anything: 1 }), { command: 'trunk_list', data: {} });
    assert.deepStrictEqual(commands.v2Request('reboot_phone', { num: '222', model: 'Yealink' }).data, {
      num: '222',
      model: 'yealink',
    });
    assert.deepStrictEqual(commands.v2Request('subscribe', { events: { blf: true, calls: 'true', api: 0 } }).data, {
      events: { blf: true, calls: true, api: false },
    });
    assert.deepStrictEqual(commands.v2Request('subscribe', { events: 'list' }).data, { events: 'list' });
    assert.deepStrictEqual(
      commands.v2Request('some_future_command', { a: 1 }),
      { command: 'some_future_command', data: { a: 1 } },
      'unknown names pass through',
    );
  });

  it('refuses bad commands with a text naming the field', () => {
    assert.throws(
      () => commands.v2Request('make_call', { from: '101' }),
      /make_call: 'to' is missing \(msg\.payload\.to\)/,
    );
    assert.throws(() => commands.v2Request('transfer', { uuid: ' ', to: '1' }), /transfer: 'uuid' is missing/);
    assert.throws(() => commands.v2Request('sip_message', { num: '1', text: 'x'.repeat(201) }), /longer than 200/);
    assert.throws(() => commands.v2Request('reboot_phone', { num: '1', model: 'polycom' }), /yealink, cisco/);
    assert.throws(() => commands.v2Request('message', { data: 'hi', target: 'all' }), /domain, browser/);
    assert.throws(
      () => commands.v2Request('make_call', { from: { a: 1 }, to: '1' }),
      /'from' must be a string or number/,
    );
    assert.throws(() => commands.v2Request('subscribe', { events: [1] }), /object of flags or 'list'/);
    for (const name of ['callback', 'disconnect', '', '1abc', 'a b', 'x:y', undefined]) {
      assert.throws(() => commands.v2Request(name, {}), /onlinepbx/, String(name));
    }
  });

  it('maps API 3.0 commands and refuses make_call there clearly', () => {
    assert.throws(
      () => commands.v3Request('make_call', { from: '1', to: '2' }),
      (e) => e instanceof UnsupportedError && /API 3.0 has no make_call over the WebSocket/.test(e.message),
    );
    assert.throws(() => commands.makeCallRequest('3', { from: '1', to: '2' }), UnsupportedError);
    assert.deepStrictEqual(commands.makeCallRequest('2', { from: '1', to: '2' }), {
      command: 'make_call',
      data: { from: '1', to: '2' },
    });
    assert.deepStrictEqual(commands.v3Request('hangup_call', { uuid: 'u' }), {
      command: 'hangup_channel',
      data: { uuid: 'u' },
    });
    assert.deepStrictEqual(commands.v3Request('bridge', { uuid: 'a', to_uuid: 'b' }), {
      command: 'bridge',
      data: { uuids: ['a', 'b'] },
    });
    assert.deepStrictEqual(commands.v3Request('bridge', { uuids: ['a', 'b'] }), {
      command: 'bridge',
      data: { uuids: ['a', 'b'] },
    });
    assert.deepStrictEqual(commands.v3Request('subscribe', { eventGroups: ['calls'] }), {
      command: 'subscribe',
      data: { eventGroups: ['calls'] },
    });
  });

  it('turns call control actions into commands of either version', () => {
    const cc = commands.callControlRequest;
    assert.deepStrictEqual(cc('2', { action: 'hangup', callId: 'u1' }), {
      command: 'hangup_call',
      data: { uuid: 'u1' },
    });
    assert.deepStrictEqual(cc('3', { action: 'hangup', callId: 'u1' }), {
      command: 'hangup_channel',
      data: { uuid: 'u1' },
    });
    assert.deepStrictEqual(cc('2', { action: 'transfer', callId: 'u1', to: 104, gate_to: 'g', gateway_id: 'x' }), {
      command: 'transfer',
      data: { uuid: 'u1', to: '104', gate_to: 'g' },
    });
    assert.deepStrictEqual(cc('3', { action: 'transfer', callId: 'u1', to: '104', domain_to: 'd', gateway_id: 7 }), {
      command: 'transfer',
      data: { uuid: 'u1', to: '104', domain_to: 'd', gateway_id: '7' },
    });
    assert.deepStrictEqual(cc('2', { action: 'bridge', callId: 'a', toCallId: 'b' }), {
      command: 'bridge',
      data: { uuid: 'a', to_uuid: 'b' },
    });
    assert.deepStrictEqual(cc('3', { action: 'bridge', callId: 'a', to_uuid: 'b' }), {
      command: 'bridge',
      data: { uuids: ['a', 'b'] },
    });
    assert.deepStrictEqual(cc('2', { action: 'eavesdrop', callId: 'a', from: '222', gate_from: '' }), {
      command: 'eavesdrop',
      data: { uuid: 'a', from: '222' },
    });
    assert.throws(
      () => cc('3', { action: 'eavesdrop', callId: 'a', from: '222' }),
      (e) => e instanceof UnsupportedError && /API 3.0.*eavesdrop/.test(e.message),
    );
    for (const action of ['hold', 'answer', 'record']) {
      assert.throws(
        () => cc('2', { action, callId: 'a' }),
        (e) => e instanceof UnsupportedError && e.message.includes('onlinepbx') && e.message.includes(`'${action}'`),
      );
    }
    assert.throws(() => cc('2', { action: 'transfer', callId: 'a' }), /'to' is missing/);
    assert.throws(() => cc('2', { action: 'bridge', callId: 'a' }), /'toCallId' is missing/);
    assert.throws(() => cc('2', { action: 'hangup' }), /'callId' is missing/);
  });

  it('subscribes to the groups the watched channels need, callback always on in 2.0', () => {
    const g = commands.groupsFor;
    assert.deepStrictEqual(g('2', []), ['callback']);
    assert.deepStrictEqual(g('3', []), []);
    const i = [
      { channel: 'blf', key: '101' },
      { channel: 'call', key: '*' },
      { channel: 'presence', key: '*' },
    ];
    assert.deepStrictEqual(g('2', i), ['blf', 'callback', 'calls', 'registration']);
    assert.deepStrictEqual(g('3', i), ['calls', 'user_blf', 'user_registration']);
    assert.deepStrictEqual(
      g('2', [
        { channel: 'event', key: 'channel_destroy' },
        { channel: 'event', key: 'message' },
        { channel: 'event', key: 'fax' },
        { channel: 'event', key: 'whatever' },
      ]),
      ['callback', 'calls', 'fax', 'messages'],
    );
    assert.deepStrictEqual(
      g('3', [
        { channel: 'event', key: 'call_end' },
        { channel: 'event', key: 'user_blf' },
        { channel: 'event', key: 'subscribed' },
      ]),
      ['calls', 'user_blf'],
    );
    assert.deepStrictEqual(g('2', [{ channel: 'event', key: '*' }]), [
      'api',
      'blf',
      'callback',
      'calls',
      'messages',
      'registration',
    ]);
    assert.deepStrictEqual(g('3', [{ channel: 'event', key: '*' }]), [
      'calls',
      'gateway',
      'user_blf',
      'user_registration',
      'user_status',
    ]);
    assert.deepStrictEqual(commands.v2SubscribeFlags(['blf', 'callback', 'fax']), {
      calls: false,
      blf: true,
      messages: false,
      callback: true,
      api: false,
      registration: false,
      fax: true,
    });
  });

  it('makes 16-character [0-9A-Za-z] callback hashes, all characters reachable', () => {
    const seen = new Set();
    const hashes = new Set();
    for (let i = 0; i < 2000; i++) {
      const h = commands.callbackHash();
      assert.match(h, /^[0-9A-Za-z]{16}$/);
      hashes.add(h);
      for (const ch of h) seen.add(ch);
    }
    assert.strictEqual(hashes.size, 2000);
    assert.strictEqual(seen.size, 62, 'Z and 0 included (the official generator never makes Z)');
  });
});

describe('onlinepbx endpoints', () => {
  it('derives the 2.0 base from the domain and builds encoded handshake and socket URLs', () => {
    const base = endpoints.v2Base('', 'demo.onpbx.ru');
    assert.deepStrictEqual(base, { secure: true, host: 'demo.onpbx.ru:8093', prefix: '' });
    const hs = endpoints.v2HandshakeUrl(base, 'k&y=1 2', 'demo.onpbx.ru');
    assert.match(
      hs,
      /^https:\/\/demo\.onpbx\.ru:8093\/socket\.io\/1\/\?key=k%26y%3D1%202&domain=demo\.onpbx\.ru&t=\d+$/,
    );
    assert.strictEqual(
      endpoints.v2SocketUrl(base, 'SID_1', 'k', 'd'),
      'wss://demo.onpbx.ru:8093/socket.io/1/websocket/SID_1?key=k&domain=d',
    );
    assert.deepStrictEqual(endpoints.v2Base('http://127.0.0.1:18813/', 'x'), {
      secure: false,
      host: '127.0.0.1:18813',
      prefix: '',
    });
    assert.deepStrictEqual(endpoints.v2Base('wss://pbx.example:8094/proxy/socket.io/1/?a=b', 'x'), {
      secure: true,
      host: 'pbx.example:8094',
      prefix: '/proxy',
    });
    assert.throws(() => endpoints.v2Base('', ' '), /property 'domain' is missing/);
    assert.throws(() => endpoints.v2Base('ftp://x', 'd'), /https:\/\/ or http:\/\//);
    assert.throws(() => endpoints.v2Base('not a url', 'd'), /not a valid/);
  });

  it('derives the 3.0 URL and puts the key in the query', () => {
    assert.strictEqual(endpoints.v3Url('', 'demo.onpbx.ru', 'a b&c'), 'wss://demo.onpbx.ru:3342/?key=a+b%26c');
    assert.strictEqual(endpoints.v3Url('ws://127.0.0.1:18814/', 'x', 'k'), 'ws://127.0.0.1:18814/?key=k');
    assert.strictEqual(endpoints.v3Url('https://h:1/path?x=1&key=old', 'x', 'k'), 'wss://h:1/path?x=1&key=k');
    assert.throws(() => endpoints.v3Url('ftp://h', 'x', 'k'), /wss:\/\/ or ws:\/\//);
  });
});

describe('onlinepbx model', () => {
  it('has the 63 hangup causes with their FreeSWITCH codes; others pass through', () => {
    assert.strictEqual(Object.keys(model.HANGUP_CAUSES).length, 63);
    assert.strictEqual(model.hangupCauseCode('NORMAL_CLEARING'), 16);
    assert.strictEqual(model.hangupCauseCode('CALL_REJECTED'), 21);
    assert.strictEqual(model.hangupCauseCode('UNSPECIFIED'), 0);
    assert.strictEqual(model.hangupCauseCode('MANAGER_REQUEST'), 703);
    assert.strictEqual(model.hangupCauseCode('PROGRESS_TIMEOUT'), 807);
    assert.strictEqual(model.hangupCauseCode('GATEWAY_DOWN'), undefined);
    assert.strictEqual(model.hangupCauseCode('toString'), undefined);
  });

  it('maps blf events (2.0 excerpt example, lenient types, seconds to ms)', () => {
    assert.deepStrictEqual(model.blfOf(BLF_204), BLF_204_PAYLOAD);
    assert.deepStrictEqual(model.blfOf({ uid: 204, status: 'ANSWERED', direction: 'in', timestamp: '1452498750' }), {
      extension: '204',
      state: 'busy',
      direction: 'inbound',
      timestamp: 1452498750000,
    });
    const states = {
      hangup: 'idle',
      unregistered: 'unregistered',
      hold: 'held',
      early: 'ringing',
      confirmed: 'busy',
      terminated: 'idle',
      'something new': 'idle',
    };
    for (const [status, state] of Object.entries(states))
      assert.strictEqual(model.blfOf({ uid: '1', status }).state, state, status);
    assert.strictEqual(model.blfOf({ status: 'ringing' }), undefined);
    assert.strictEqual(model.blfOf({ uid: '', status: 'ringing' }), undefined);
    assert.strictEqual(model.blfOf({ uid: '1', timestamp: 'x' }).timestamp, undefined);
  });

  it('maps registration events to presence', () => {
    assert.deepStrictEqual(model.presenceOf(REGISTRATION_201), {
      user: '201',
      num: '201',
      status: 'available',
      registered: true,
    });
    assert.deepStrictEqual(model.presenceOf({ uid: '201', state: 'register', expires: '0' }), {
      user: '201',
      num: '201',
      status: 'offline',
      registered: false,
    });
    assert.deepStrictEqual(model.presenceOf({ uid: '201', state: 'unregister' }), {
      user: '201',
      num: '201',
      status: 'offline',
      registered: false,
    });
    assert.strictEqual(model.presenceOf({ uid: '201', state: 'register_attempt' }).status, 'unknown');
    assert.strictEqual(model.presenceOf({ uid: '201', state: 'pre_register' }).registered, false);
    assert.strictEqual(model.presenceOf({ uid: '201' }).status, 'unknown');
    assert.strictEqual(model.presenceOf({ state: 'register' }), undefined);
  });

  it('names the kind of every event of both versions', () => {
    const kinds = {
      blf: 'blf',
      user_blf: 'blf',
      registration: 'registration',
      user_registration: 'registration',
      channel_create: 'call',
      channel_hold: 'call',
      call_end: 'call',
      callback: undefined,
      subscribed: undefined,
    };
    for (const [name, kind] of Object.entries(kinds)) assert.strictEqual(model.eventKind(name), kind, name);
  });
});

describe('onlinepbx call table', () => {
  const create = (uuid, extra = {}) => ({
    uuid,
    direction: 'inbound',
    created_stamp: 1440864124272,
    state: 'CS_INIT',
    endpoint: '222@example.onpbx.ru',
    caller_number: '222',
    destination_number: '555',
    ...extra,
  });

  it('folds channel_* into one lifecycle per uuid and forgets ended calls', () => {
    const t = new CallTable();
    assert.deepStrictEqual(t.apply('channel_create', create('a')), [
      { callId: 'a', state: 'ringing', direction: 'inbound', from: '222', to: '555', extension: '222' },
    ]);
    assert.deepStrictEqual(
      t
        .apply('channel_create', create('b', { direction: 'outbound', endpoint: '555@example.onpbx.ru' }))
        .map((c) => c.state),
      ['ringing'],
    );
    assert.deepStrictEqual(
      t
        .apply('channel_answer', { uuid: 'a', answered_stamp: '1375466463124', read_codec: 'PCMU' })
        .map((c) => `${c.callId}:${c.state}:${c.from}`),
      ['a:connected:222'],
    );
    assert.deepStrictEqual(
      t
        .apply('channel_bridge', { direction: 'inbound', aleg_uuid: 'a', bleg_uuid: 'b' })
        .map((c) => `${c.callId}:${c.state}`),
      ['b:connected'],
      'a is connected already',
    );
    assert.deepStrictEqual(
      t.apply('channel_application', { uuid: 'a', application: 'transfer', application_data: {} }),
      [],
    );
    assert.deepStrictEqual(
      t.apply('channel_hold', { uuid: 'a' }).map((c) => c.state),
      ['held'],
    );
    assert.deepStrictEqual(
      t.apply('channel_unhold', { uuid: 'a' }).map((c) => c.state),
      ['connected'],
    );
    assert.strictEqual(t.size, 2);
    assert.deepStrictEqual(
      t.apply('channel_destroy', {
        uuid: 'a',
        direction: 'inbound',
        created_stamp: '1375466463124',
        state: 'CS_DESTROY',
        endpoint: '222@example.onpbx.ru',
        hangup_cause: 'NORMAL_CLEARING',
      }),
      [
        {
          callId: 'a',
          state: 'ended',
          direction: 'inbound',
          from: '222',
          to: '555',
          extension: '222',
          cause: 'NORMAL_CLEARING',
        },
      ],
    );
    assert.strictEqual(t.size, 1);
    assert.deepStrictEqual(
      t.apply('channel_destroy', { uuid: 'a', hangup_cause: 'NORMAL_CLEARING' }),
      [],
      'one end per channel',
    );
    assert.deepStrictEqual(
      t.apply('channel_destroy', { uuid: 'z', hangup_cause: 'NORMAL_CLEARING' }).map((c) => c.state),
      ['ended'],
      'an unknown channel ending still reports it',
    );
    assert.strictEqual(t.size, 1, 'and is not remembered');
  });

  it('starts a call from a later event after a reconnect; call_end ends the known channels of its call', () => {
    const t = new CallTable();
    assert.deepStrictEqual(t.apply('channel_answer', { uuid: 'x' }), [{ callId: 'x', state: 'connected' }]);
    assert.deepStrictEqual(t.apply('call_end', { call_uuid: 'x', hangup_cause: 'USER_BUSY', type: 'local' }), [
      { callId: 'x', state: 'ended', direction: 'local', cause: 'USER_BUSY' },
    ]);
    assert.deepStrictEqual(t.apply('channel_create', {}), [], 'no uuid, no call');
    assert.deepStrictEqual(
      t.apply('channel_bridge', { uuids: ['p', 'q'] }).map((c) => c.callId),
      ['p', 'q'],
    );
  });

  it('call_end (3.0): ends every channel of its call_uuid, reports an unseen call once, never a second end', () => {
    const t = new CallTable();
    const states = (event, d) => t.apply(event, d).map((c) => `${c.callId}:${c.state}${c.cause ? ':' + c.cause : ''}`);
    // A call seen only through its summary (events missed, or a PBX that sends call_end alone).
    assert.deepStrictEqual(states('call_end', { call_uuid: 'c-2', hangup_cause: 'USER_BUSY', type: 'outbound' }), [
      'c-2:ended:USER_BUSY',
    ]);
    assert.deepStrictEqual(states('call_end', { call_uuid: 'c-2', hangup_cause: 'USER_BUSY' }), [], 'reported once');
    // Two legs of call c-1; call_end names only the call.
    states('channel_create', { uuid: 'a', call_uuid: 'c-1', caller_number: '101' });
    states('channel_create', { uuid: 'b', call_uuid: 'c-1' });
    assert.deepStrictEqual(states('call_end', { call_uuid: 'c-1', hangup_cause: 'NORMAL_CLEARING' }), [
      'a:ended:NORMAL_CLEARING',
      'b:ended:NORMAL_CLEARING',
    ]);
    assert.deepStrictEqual(
      states('channel_destroy', { uuid: 'a', hangup_cause: 'NORMAL_CLEARING' }),
      [],
      'destroy after call_end',
    );
    // channel_destroy first, then call_end of the same call: one end.
    states('channel_create', { uuid: 'd', call_uuid: 'c-3' });
    assert.deepStrictEqual(
      states('channel_destroy', { uuid: 'd', call_uuid: 'c-3', hangup_cause: 'NORMAL_CLEARING' }),
      ['d:ended:NORMAL_CLEARING'],
    );
    assert.deepStrictEqual(states('call_end', { uuid: 'd', call_uuid: 'c-3', hangup_cause: 'NORMAL_CLEARING' }), []);
    assert.deepStrictEqual(states('call_end', { call_uuid: 'c-3', hangup_cause: 'NORMAL_CLEARING' }), []);
    assert.strictEqual(t.size, 0);
  });

  it('call_end as ws-types.ts has it (the call in uuid, no call_uuid) ends a leg seen only in a bridge (issue 26)', () => {
    const t = new CallTable();
    const states = (event, d) => t.apply(event, d).map((c) => `${c.callId}:${c.state}`);
    states('channel_create', { uuid: 'a', call_uuid: 'c-9', caller_number: '101' });
    // The bridge names the other leg for the first time, without the call's id: it joins a's call.
    assert.deepStrictEqual(states('channel_bridge', { aleg_uuid: 'a', bleg_uuid: 'b' }), [
      'a:connected',
      'b:connected',
    ]);
    assert.deepStrictEqual(states('channel_destroy', { uuid: 'a', call_uuid: 'c-9' }), ['a:ended']);
    assert.deepStrictEqual(states('call_end', { uuid: 'c-9', hangup_cause: 'NORMAL_CLEARING' }), ['b:ended']);
    assert.deepStrictEqual(states('call_end', { uuid: 'c-9' }), [], 'one end');
    assert.strictEqual(t.size, 0, 'no leg left connected');
  });
});
