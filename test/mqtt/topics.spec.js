'use strict';
// The pbx-mqtt topic scheme, slugs and discovery configs (nodes/mqtt/topics), and the mirror's
// publishing rules (nodes/mqtt/mirror) on a real state store, without Node-RED or a broker.
const assert = require('assert');
const t = require('../../dist/nodes/mqtt/topics');
const { StateMirror } = require('../../dist/nodes/mqtt/mirror');
const { StateStore } = require('../../dist/connection/state-store');
const { cleanName } = require('../../dist/connection/names');
const { PartyNames } = require('../../dist/connection/names');
const { nameOfKey } = require('../../dist/connection/store-view');

const SLUG = /^[a-zA-Z0-9_-]+$/;
const scheme = {
  base: 'pbx/office',
  discoveryPrefix: 'homeassistant',
  device: { slug: 'office', name: 'Office', vendor: 'vodia' },
};

describe('pbx-mqtt topics', () => {
  it('slugKey: a slug stays, anything else becomes a readable slug with a hash of the key', () => {
    assert.strictEqual(t.slugKey('alice'), 'alice');
    assert.strictEqual(t.slugKey('204'), '204');
    assert.strictEqual(t.slugKey('a-b_C'), 'a-b_C');
    const dotted = t.slugKey('alice.smith');
    assert.match(dotted, /^alice_smith_[0-9a-f]{8}$/);
    assert.notStrictEqual(dotted, t.slugKey('alice_smith'), 'two keys that slug alike stay apart');
    assert.notStrictEqual(t.slugKey('a.b'), t.slugKey('a b'));
    assert.strictEqual(t.slugKey('alice.smith'), dotted, 'the same on every call (and start)');
    for (const key of ['Мария', 'Иван', '+49 30 123', 'x/y/#', 'sip:bob@pbx', 'a'.repeat(200), '']) {
      assert.match(t.slugKey(key), SLUG, key);
    }
    assert.notStrictEqual(t.slugKey('Мария'), t.slugKey('Иван'));
    assert.ok(t.slugKey('a'.repeat(200)).length <= 64 + 9);
  });

  it('slugName and baseTopic: readable, no wildcards, the default from the connection name', () => {
    assert.strictEqual(t.slugName('Vodia demo'), 'vodia_demo');
    assert.strictEqual(t.slugName('onlinePBX demo (API 2.0)'), 'onlinepbx_demo_api_2_0');
    assert.strictEqual(t.slugName('  '), '');
    assert.strictEqual(t.baseTopic('', 'office'), 'pbx/office');
    assert.strictEqual(t.baseTopic('tenants/acme/pbx/', 'office'), 'tenants/acme/pbx');
    assert.strictEqual(t.baseTopic('a/+/#', 'office'), 'a/_/_');
    assert.strictEqual(t.baseTopic('//', 'office'), 'pbx/office');
  });

  it('kindsOf: the listed kinds, all four when empty or unknown', () => {
    assert.deepStrictEqual([...t.kindsOf('blf, record')], ['blf', 'record']);
    assert.deepStrictEqual([...t.kindsOf('')], ['presence', 'blf', 'call', 'record']);
    assert.deepStrictEqual([...t.kindsOf('lamps')], ['presence', 'blf', 'call', 'record']);
  });

  it('topics and unique ids of the contract', () => {
    assert.strictEqual(t.statusTopic(scheme), 'pbx/office/status');
    assert.strictEqual(t.entryTopic(scheme, 'presence', 'alice'), 'pbx/office/presence/alice');
    assert.strictEqual(t.entryTopic(scheme, 'blf', '204'), 'pbx/office/blf/204');
    assert.strictEqual(t.callTopic(scheme, 'c-1'), 'pbx/office/call/c-1');
    assert.strictEqual(t.recordTopic(scheme), 'pbx/office/record');
    assert.strictEqual(t.eventTopic(scheme), 'pbx/office/event');
    assert.strictEqual(t.uniqueId(scheme, 'blf', '204'), 'pbx_office_blf_204');
    assert.strictEqual(
      t.sensorConfigTopic(scheme, 'presence', 'alice'),
      'homeassistant/sensor/pbx_office_presence_alice/config',
    );
    assert.strictEqual(t.eventConfigTopic(scheme), 'homeassistant/event/pbx_office_calls/config');
    assert.match(t.callTopic(scheme, '{uuid}/1'), /^pbx\/office\/call\/[a-zA-Z0-9_-]+$/);
  });

  it('sensor and event configs: retained JSON with the fields Home Assistant needs', () => {
    const m = t.sensorConfig(scheme, 'presence', 'alice.smith');
    assert.deepStrictEqual([m.retain, m.qos], [true, 1]);
    const c = JSON.parse(m.payload);
    assert.strictEqual(m.topic, `homeassistant/sensor/${c.unique_id}/config`);
    assert.match(c.unique_id, /^pbx_office_presence_alice_smith_[0-9a-f]{8}$/);
    assert.strictEqual(c.state_topic, `pbx/office/presence/${t.slugKey('alice.smith')}`);
    assert.strictEqual(c.json_attributes_topic, c.state_topic);
    assert.strictEqual(c.value_template, '{{ value_json.status }}');
    assert.strictEqual(c.availability_topic, 'pbx/office/status');
    assert.deepStrictEqual(c.device, { identifiers: ['pbx_office'], name: 'Office', manufacturer: 'vodia' });
    assert.strictEqual(
      JSON.parse(t.sensorConfig(scheme, 'blf', '204').payload).value_template,
      '{{ value_json.state }}',
    );
    const e = JSON.parse(t.eventConfig(scheme).payload);
    assert.deepStrictEqual(
      [e.unique_id, e.state_topic, e.event_types, e.availability_topic],
      ['pbx_office_calls', 'pbx/office/event', ['answered', 'missed'], 'pbx/office/status'],
    );
  });
});

describe('pbx-mqtt mirror', () => {
  let store;
  let sent;
  let later;
  let names;
  /** The end of the event loop's turn: what the mirror scheduled runs. */
  const turn = () => later.splice(0).forEach((flush) => flush());
  /** A mirror wired to the store as pbx-mqtt's view wires it (every key: the view's filter is not the mirror's). */
  const mirror = (options = {}) => {
    const m = new StateMirror(
      {
        scheme,
        kinds: t.kindsOf(''),
        keys: null,
        discovery: true,
        schedule: (flush) => later.push(flush),
        nameOf: (key) => nameOfKey({ names, store }, key),
        ...options,
      },
      store,
      (msg) => sent.push(msg),
    );
    store.observe((kind, key, entry, change) => m.entryChanged(kind, key, entry, change));
    names.onNamesChanged(() => m.namesChanged());
    return m;
  };
  /** Applies a report as the connection does: the store tells its observers. */
  function report(_m, kind, key, payload) {
    store.apply(kind, key, { topic: key, event: 'test', payload }, Date.now());
  }
  const topics = () => sent.map((s) => s.topic);
  beforeEach(() => {
    store = new StateStore();
    sent = [];
    later = [];
    names = new PartyNames();
  });

  it('deploy: availability, the event config, then per key its config before its state', () => {
    store.apply('presence', 'alice', { topic: 'alice', payload: { user: 'alice', status: 'available' } }, 1000);
    mirror().republish('connecting');
    turn();
    assert.deepStrictEqual(topics(), [
      'pbx/office/status',
      'homeassistant/event/pbx_office_calls/config',
      'homeassistant/sensor/pbx_office_presence_alice/config',
      'pbx/office/presence/alice',
    ]);
    assert.strictEqual(sent[0].payload, 'offline');
    assert.deepStrictEqual(JSON.parse(sent[3].payload), {
      user: 'alice',
      status: 'available',
      since: 1000,
      stale: false,
    });
  });

  it('one publish per change: a repeated report is none; a new key gets its config once', () => {
    const m = mirror();
    m.republish('connected');
    turn();
    sent = [];
    report(m, 'blf', '204', { extension: '204', state: 'idle' });
    turn();
    report(m, 'blf', '204', { extension: '204', state: 'idle', timestamp: 5 });
    turn();
    report(m, 'blf', '204', { extension: '204', state: 'ringing' });
    turn();
    assert.deepStrictEqual(topics(), [
      'homeassistant/sensor/pbx_office_blf_204/config',
      'pbx/office/blf/204',
      'pbx/office/blf/204',
    ]);
    assert.deepStrictEqual(
      sent.map((s) => s.retain),
      [true, true, true],
    );
  });

  it('a burst of changes of one key in one turn: its latest state once; calls at once', () => {
    const m = mirror({ discovery: false });
    report(m, 'presence', 'alice', { user: 'alice', status: 'available' });
    report(m, 'presence', 'alice', { user: 'alice', status: 'busy' });
    report(m, 'call', 'c1', { callId: 'c1', state: 'ringing' });
    report(m, 'presence', 'alice', { user: 'alice', status: 'away' });
    assert.deepStrictEqual(topics(), ['pbx/office/call/c1']);
    turn();
    assert.deepStrictEqual(topics(), ['pbx/office/call/c1', 'pbx/office/presence/alice']);
    assert.strictEqual(JSON.parse(sent[1].payload).status, 'away');
    m.stop();
    report(m, 'presence', 'alice', { user: 'alice', status: 'dnd' });
    turn();
    assert.strictEqual(sent.length, 2, 'nothing after stop');
  });

  it('keys and kinds filter presence and BLF; discovery off sends no config', () => {
    const m = mirror({ keys: new Set(['alice']), kinds: t.kindsOf('presence'), discovery: false });
    m.republish('connected');
    report(m, 'presence', 'bob', { user: 'bob', status: 'away' });
    report(m, 'blf', 'alice', { extension: 'alice', state: 'idle' });
    report(m, 'presence', 'alice', { user: 'alice', status: 'away' });
    report(m, 'call', 'c1', { callId: 'c1', state: 'ringing' });
    turn();
    assert.deepStrictEqual(topics(), ['pbx/office/status', 'pbx/office/presence/alice']);
  });

  it('calls on every change (ended too), not retained; records and answered/missed events', () => {
    const m = mirror();
    report(m, 'call', 'c1', { callId: 'c1', state: 'ringing' });
    report(m, 'call', 'c1', { callId: 'c1', state: 'ended' });
    const record = {
      callId: 'c1',
      startedAt: 1,
      endedAt: 2,
      ringMs: 1,
      talkMs: 0,
      durationMs: 1,
      answered: false,
      missed: true,
    };
    m.record(record);
    m.record({ ...record, callId: 'c2', missed: false });
    assert.deepStrictEqual(topics(), [
      'pbx/office/call/c1',
      'pbx/office/call/c1',
      'pbx/office/record',
      'pbx/office/event',
      'pbx/office/record',
    ]);
    assert.ok(sent.every((s) => s.retain === false));
    assert.strictEqual(JSON.parse(sent[1].payload).state, 'ended');
    assert.deepStrictEqual(JSON.parse(sent[3].payload), { event_type: 'missed', ...record });
  });

  it('an outage: offline and the entries as stale; back: online, every config, each confirmed entry once', () => {
    const m = mirror({ kinds: t.kindsOf('presence') });
    m.connectionState('connected');
    report(m, 'presence', 'alice', { user: 'alice', status: 'available' });
    turn();
    sent = [];
    store.markStale();
    m.connectionState('disconnected');
    m.connectionState('connecting');
    m.connectionState('disconnected');
    turn();
    assert.deepStrictEqual(topics(), ['pbx/office/status', 'pbx/office/presence/alice']);
    assert.strictEqual(JSON.parse(sent[1].payload).stale, true);
    sent = [];
    m.connectionState('connected');
    report(m, 'presence', 'alice', { user: 'alice', status: 'available' });
    turn();
    assert.deepStrictEqual(topics(), [
      'pbx/office/status',
      'homeassistant/sensor/pbx_office_presence_alice/config',
      'pbx/office/presence/alice',
    ]);
    assert.strictEqual(sent[0].payload, 'online');
    assert.strictEqual(JSON.parse(sent[2].payload).stale, false, 'confirmed, unchanged: published once');
    m.connectionState('closed');
    assert.strictEqual(sent.length, 3, 'nothing for closed');
  });

  const RECORD = {
    callId: 'c1',
    startedAt: 1,
    endedAt: 2,
    ringMs: 1,
    talkMs: 0,
    durationMs: 1,
    answered: false,
    missed: true,
  };
  const EVENT_CONFIG = 'homeassistant/event/pbx_office_calls/config';

  it('the Calls config again right before the first event after a deploy and after a reconnect, once each', () => {
    const m = mirror({ kinds: t.kindsOf('record') });
    m.republish('connected');
    m.connectionState('connected');
    sent = [];
    m.record(RECORD);
    m.record({ ...RECORD, callId: 'c2' });
    assert.deepStrictEqual(topics(), [
      'pbx/office/record',
      EVENT_CONFIG,
      'pbx/office/event',
      'pbx/office/record',
      'pbx/office/event',
    ]);
    assert.strictEqual(sent[1].retain, true);
    m.connectionState('disconnected');
    m.connectionState('connected');
    sent = [];
    m.record({ ...RECORD, callId: 'c3', missed: false, answered: true });
    assert.deepStrictEqual(topics(), ['pbx/office/record', EVENT_CONFIG, 'pbx/office/event']);
    sent = [];
    m.record({ ...RECORD, callId: 'c4', missed: false }); // neither answered nor missed: no event
    m.record({ ...RECORD, callId: 'c5' });
    assert.deepStrictEqual(topics(), ['pbx/office/record', 'pbx/office/record', 'pbx/office/event']);
    const silent = mirror({ kinds: t.kindsOf('record'), discovery: false });
    silent.republish('connected');
    sent = [];
    silent.record(RECORD);
    assert.deepStrictEqual(topics(), ['pbx/office/record', 'pbx/office/event'], 'discovery off: no config');
  });

  it('the Calls event carries the names and the phone book groups of the record as attributes', () => {
    const m = mirror();
    const contact = { name: 'Mum', number: '+4930123456', groups: ['family'], source: 'phone' };
    const named = {
      ...RECORD,
      from: '+4930123456',
      to: '41',
      fromName: 'Mum',
      toName: 'Alice Adams',
      fromContact: contact,
    };
    m.record(named);
    const event = JSON.parse(sent.find((s) => s.topic === 'pbx/office/event').payload);
    assert.deepStrictEqual(event, { event_type: 'missed', ...named });
    assert.deepStrictEqual(
      [event.fromName, event.toName, event.fromContact.groups],
      ['Mum', 'Alice Adams', ['family']],
    );
  });

  it("sensors named after the person: the connection's name, else the presence dn, else as before; renamed when learned", () => {
    store.apply('presence', '41', { topic: '41', payload: { user: '41', dn: 'Alice', status: 'available' } }, 1);
    store.apply('blf', '41', { topic: '41', payload: { extension: '41', state: 'idle' } }, 1);
    store.apply('blf', '42', { topic: '42', payload: { extension: '42', state: 'idle' } }, 1);
    const m = mirror();
    m.republish('connected');
    turn();
    const nameOf = (id) => {
      const c = sent.filter((s) => s.topic === `homeassistant/sensor/pbx_office_${id}/config`).pop();
      return c && JSON.parse(c.payload).name;
    };
    assert.deepStrictEqual(['presence_41', 'blf_41', 'blf_42'].map(nameOf), ['Alice', 'Alice line', 'Line 42']);
    sent = [];
    names.learn([{ number: '41', name: 'Alice Adams' }]);
    assert.deepStrictEqual(topics(), [
      'homeassistant/sensor/pbx_office_presence_41/config',
      'homeassistant/sensor/pbx_office_blf_41/config',
    ]);
    assert.deepStrictEqual(['presence_41', 'blf_41'].map(nameOf), ['Alice Adams', 'Alice Adams line']);
    assert.deepStrictEqual(
      sent.map((s) => JSON.parse(s.payload).unique_id),
      ['pbx_office_presence_41', 'pbx_office_blf_41'],
    );
    // A presence that brings a dn names the lamp of the same key too.
    sent = [];
    report(m, 'presence', '42', { user: '42', dn: 'Bob', status: 'away' });
    turn();
    assert.deepStrictEqual(topics(), [
      'homeassistant/sensor/pbx_office_presence_42/config',
      'homeassistant/sensor/pbx_office_blf_42/config',
      'pbx/office/presence/42',
    ]);
    assert.deepStrictEqual(['presence_42', 'blf_42'].map(nameOf), ['Bob', 'Bob line']);
    sent = [];
    report(m, 'presence', '42', { user: '42', dn: 'Bob', status: 'busy' });
    turn();
    assert.deepStrictEqual(topics(), ['pbx/office/presence/42'], 'the same name: no config again');
  });

  it('any name gives valid JSON; control characters go, long names are cut at 100 characters', () => {
    const nasty = [
      '"quoted"',
      'back\\slash',
      'tab\there\u0000\u0007\u001b[0m\u2028x',
      '</script><script>alert(1)</script>',
      '{"a":1}',
    ];
    for (const name of nasty) {
      for (const kind of ['presence', 'blf']) {
        const config = JSON.parse(t.sensorConfig(scheme, kind, '41', cleanName(name)).payload);
        assert.doesNotMatch(config.name, /\p{Cc}/u);
        assert.ok(config.name.startsWith(cleanName(name)));
      }
    }
    assert.strictEqual(cleanName('</script>'), '</script>', 'text, kept as it is');
    assert.strictEqual(cleanName('a\u0000b\n'), 'ab');
    assert.strictEqual(cleanName('x'.repeat(300)).length, 100);
    assert.strictEqual(cleanName(' \u0001 '), undefined);
    assert.strictEqual(cleanName(42), undefined);
    assert.strictEqual(t.sensorName('blf', '41', undefined), 'Line 41');
  });
});
