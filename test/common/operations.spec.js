'use strict';
// Typed operation parameters (issue 18 point 5): what each check makes of the parameters the
// nodes build, what it refuses with which text, and that the connection checks once, before
// the adapter.
const assert = require('assert');
const ops = require('../../dist/protocols/common/operations');
const { PbxConnection } = require('../../dist/connection/pbx-connection');
const { fakeFactory } = require('../connection/fake-adapter');
const { waitFor } = require('../support/wait');

describe('operation parameters', function () {
  it('command: the name trimmed, api as given, the request fields as an object', function () {
    assert.deepStrictEqual(ops.checkCommand({ command: ' GetDomains ', api: 'PbxAdminApi', params: { a: 1 } }), {
      command: 'GetDomains',
      api: 'PbxAdminApi',
      params: { a: 1 },
    });
    // innovaphone: an empty api means "none", so it stays as given.
    assert.strictEqual(ops.checkCommand({ command: 'X', api: '' }).api, '');
    const bare = ops.checkCommand({ command: 7, params: ['not', 'fields'] });
    assert.deepStrictEqual(bare, { command: '7', api: undefined, params: {} });
    // A missing name is empty: each vendor refuses it in its own words.
    assert.strictEqual(ops.checkCommand({}).command, '');
  });

  it('makeCall: from and to as text, blank from absent, the vendor options passed on', function () {
    const p = ops.checkMakeCall({ from: ' 201 ', to: 301234, hw: '', from_name: 'Desk', srce164: '99' });
    assert.deepStrictEqual(p, { from: '201', to: '301234', hw: undefined, from_name: 'Desk', srce164: '99' });
    assert.strictEqual(ops.checkMakeCall({ from: '  ', to: 'bob' }).from, undefined);
    assert.strictEqual(ops.checkMakeCall({ from: 'alice' }).to, '');
    assert.strictEqual(ops.checkMakeCall({ to: { no: 'text' } }).to, '');
  });

  it('callControl: text, integer and yes/no fields read once; each vendor name kept apart', function () {
    const p = ops.checkCallControl({
      action: ' transfer ',
      callId: 12,
      to: ' 104 ',
      toCallId: '',
      id2: 'c2',
      to_uuid: 'u2',
      cause: '17',
      retrieve: 'false',
      remote: 1,
      connected: 'true',
      attended: false,
      gateway_id: 7,
    });
    assert.strictEqual(p.action, 'transfer');
    assert.strictEqual(p.callId, '12');
    assert.strictEqual(p.to, '104');
    assert.strictEqual(p.toCallId, undefined, 'blank is absent');
    assert.strictEqual(p.id2, 'c2');
    assert.strictEqual(p.to_uuid, 'u2');
    assert.strictEqual(p.cause, 17);
    assert.strictEqual(p.retrieve, false);
    assert.strictEqual(p.remote, true);
    assert.strictEqual(p.connected, true);
    assert.strictEqual(p.attended, false);
    assert.strictEqual(p.gateway_id, '7');
    const empty = ops.checkCallControl({ to: {}, cause: 'x', retrieve: 'maybe' });
    assert.deepStrictEqual(
      [empty.action, empty.callId, empty.to, empty.cause, empty.retrieve],
      ['', '', undefined, undefined, undefined],
    );
    // Vodia record: `off` and false stop it, `on` and true start it.
    assert.strictEqual(ops.checkCallControl({ record: 'off' }).record, false);
    assert.strictEqual(ops.checkCallControl({ record: false }).record, false);
    assert.strictEqual(ops.checkCallControl({ record: 'true' }).record, true);
    assert.strictEqual(ops.checkCallControl({ stop: true, startstop: ' off ' }).startstop, 'off');
  });

  it('setPresence: sip required, contact defaults to tel:', function () {
    assert.deepStrictEqual(ops.checkSetPresence({ sip: ' alice ', activity: 'busy' }), {
      sip: 'alice',
      contact: 'tel:',
      activity: 'busy',
      note: '',
    });
    assert.throws(() => ops.checkSetPresence({ activity: 'busy' }), {
      name: 'TypeError',
      message: "property 'sip' is missing: the user whose presence is set",
    });
  });

  it('profile: ids as numbers, the favourite id from contactId or contact.id, flags only as booleans', function () {
    const p = ops.checkProfile({
      action: 'updateContact',
      id: '2',
      contact: { id: 11 },
      sip: 'bob',
      num: 202,
      presence: 'yes',
      dialog: true,
    });
    assert.deepStrictEqual(p, {
      action: 'updateContact',
      id: 2,
      name: undefined,
      sip: 'bob',
      num: '202',
      dn: undefined,
      dsp: undefined,
      presence: undefined,
      dialog: true,
      contact: { id: 11 },
      contactId: 11,
    });
    assert.strictEqual(
      ops.checkProfile({ action: 'deleteContact', contactId: '10', contact: { id: 12 } }).contactId,
      10,
    );
    assert.ok(
      Number.isNaN(ops.checkProfile({ action: 'deleteContact', contactId: '' }).contactId),
      'given but empty counts as missing',
    );
    assert.strictEqual(ops.checkProfile({ action: 'addProfile' }).id, undefined);
  });

  it('provisioningCode: category required, domainId a domain id, yes/no only when given', function () {
    assert.deepStrictEqual(
      ops.checkProvisioningCode({
        category: 'phones',
        sip: '',
        rollout: 'true',
        domainId: ' 12 ',
        administrative: 'no',
      }),
      {
        category: 'phones',
        sip: undefined,
        rollout: true,
        domainId: 12,
        administrative: false,
      },
    );
    const bare = ops.checkProvisioningCode({ category: 'phones', rollout: '', domainId: '' });
    assert.deepStrictEqual([bare.rollout, bare.domainId, bare.administrative], [undefined, undefined, undefined]);
    assert.throws(() => ops.checkProvisioningCode({ category: '' }), {
      name: 'TypeError',
      message: "property 'category' is missing: the provisioning category name",
    });
    assert.throws(() => ops.checkProvisioningCode({ category: 'phones', domainId: '-1' }), {
      name: 'TypeError',
      message: 'property \'domainId\' must be a domain id number, not "-1"',
    });
  });

  it('signal: the CallId an integer, sig an object, to only when true', function () {
    assert.deepStrictEqual(ops.checkSignal({ hw: 'dev1', call: '-3', to: 'true', sig: { type: 'conn' } }), {
      hw: 'dev1',
      call: -3,
      to: false,
      sig: { type: 'conn' },
    });
    assert.throws(() => ops.checkSignal({ hw: 'dev1', call: 'one', sig: {} }), {
      name: 'TypeError',
      message: 'property \'call\' in msg.payload must be an integer (EpSignal CallId), got "one"',
    });
    assert.throws(
      () => ops.checkSignal({ hw: 'dev1', call: 1, sig: 'conn' }),
      /property 'sig' in msg.payload must be an object/,
    );
    assert.throws(() => ops.checkSignal({ call: 1, sig: {} }), /property 'hw' is missing/);
  });

  it('checkParams picks the check of the operation', function () {
    assert.strictEqual(ops.checkParams('makeCall', { to: ' 1 ' }).to, '1');
    assert.throws(() => ops.checkParams('signal', { hw: 'x', sig: {} }), TypeError);
  });

  describe('in the connection', function () {
    let conn;
    afterEach(() => conn && conn.close());

    it('looks the handler up once: one the adapter lacks is refused naming vendor and operation, one that throws rejects', async function () {
      const fake = fakeFactory();
      conn = new PbxConnection({ vendor: 'acme', loginTimeoutMs: 200, keepaliveMs: 1000, tls: {} }, fake.factory, {
        backoff: { baseMs: 10, capMs: 80, jitter: 0.5 },
        log: () => undefined,
      });
      fake.adapters[0].handlers = {
        makeCall: async (p, t) => ({ payload: [p.to, t] }),
        command: () => {
          throw new TypeError('sync');
        },
      };
      conn.register({ onState: () => undefined });
      await waitFor(() => conn.state === 'connected');
      assert.strictEqual(conn.supportsOperation('makeCall'), true);
      assert.strictEqual(conn.supportsOperation('signal'), false);
      assert.deepStrictEqual(await conn.perform('makeCall', { to: '1' }, 5), { payload: ['1', 5] });
      await assert.rejects(conn.perform('signal', { hw: 'x', call: 1, sig: {} }, 5), {
        name: 'UnsupportedError',
        message: 'acme does not support signal',
      });
      await assert.rejects(conn.perform('command', { command: 'x' }, 5), { name: 'TypeError', message: 'sync' });
    });

    it('checks once, after the connected check, and hands the adapter the typed parameters', async function () {
      const fake = fakeFactory();
      conn = new PbxConnection(
        { vendor: 'innovaphone', loginTimeoutMs: 200, keepaliveMs: 1000, tls: {} },
        fake.factory,
        {
          backoff: { baseMs: 10, capMs: 80, jitter: 0.5 },
          log: () => undefined,
        },
      );
      const adapter = fake.adapters[0];
      let performed = 0;
      const handler = (op) => (params) => {
        performed++;
        return Promise.resolve({ payload: { op, params } });
      };
      adapter.handlers = { command: handler('command'), signal: handler('signal') };
      await assert.rejects(conn.perform('signal', { hw: 'x', call: 'y', sig: {} }, 1000), {
        name: 'DisconnectedError',
      });
      conn.register({ onState: () => undefined });
      await waitFor(() => conn.state === 'connected');
      const r = await conn.perform('command', { command: ' Ping ', params: { a: 1 } }, 1000);
      assert.deepStrictEqual(r.payload, {
        op: 'command',
        params: { command: 'Ping', api: undefined, params: { a: 1 } },
      });
      await assert.rejects(conn.perform('signal', { hw: 'x', call: 'y', sig: {} }, 1000), {
        name: 'TypeError',
        message: /must be an integer/,
      });
      assert.strictEqual(performed, 1, 'a refused parameter never reaches the adapter');
    });
  });
});
