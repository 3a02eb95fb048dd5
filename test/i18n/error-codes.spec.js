'use strict';
// Issue 17.4: an error that reaches a Catch node keeps a stable English code in msg.error.code, so
// a flow that branches on it works whatever language the runtime speaks; the text is translated,
// and the protocol's (the PBX's) own text stays in it.
const assert = require('assert');
const { i18n } = require('@node-red/util');
const { helper, loadFlow, record, catalogs } = require('../support/red');
const { localError } = require('../../dist/nodes/node-errors');
const { TimeoutError, PbxRequestError } = require('../../dist/protocols/common/errors');

const config = {
  id: 'c1',
  type: 'pbx-connection',
  vendor: 'vodia',
  url: 'ws://127.0.0.1:9/websocket',
  domain: 'd',
  user: '40',
};

/** A RED whose `_` speaks `lng`, as a runtime started with that language. */
const speaking = (lng) => ({ _: (key, subs) => i18n._(key, { ...subs, lng }) });

describe('i18n: error codes for Catch nodes', () => {
  afterEach(() => helper.unload());

  it('a Catch node gets msg.error.code with the English text of the default runtime language', async () => {
    await loadFlow([
      config,
      { id: 'n1', type: 'pbx-make-call', connection: 'c1', wires: [[]] },
      { id: 'n2', type: 'pbx-state', connection: 'c1', wires: [[]] },
      { id: 'n3', type: 'pbx-make-call', wires: [[]] },
      { id: 'k1', type: 'catch', scope: null, uncaught: false, wires: [['hc']] },
      { id: 'hc', type: 'helper' },
    ]);
    const errors = record('hc');
    helper.getNode('n1').receive({ payload: { from: '40' } });
    const missing = await errors.next();
    assert.strictEqual(missing.error.code, 'PBX_MISSING_PROPERTY');
    assert.match(missing.error.message, /property 'to' is missing: set it on the node or in msg\.payload\.to/);
    helper.getNode('n1').receive({ payload: { from: '40', to: '41' } });
    assert.strictEqual((await errors.next()).error.code, 'PBX_DISCONNECTED');
    helper.getNode('n3').receive({ payload: { from: '40', to: '41' } });
    const none = await errors.next();
    assert.strictEqual(none.error.code, 'PBX_NO_CONNECTION');
    assert.match(none.error.message, /property 'connection' is missing/);
  });

  it('a German or Russian runtime translates the text, keeps the code and the PBX text', async () => {
    await catalogs;
    // A runtime loads the catalogs of its own language; this one started in en-US.
    await i18n.i.loadLanguages(['de', 'ru']);
    const timeout = new TimeoutError('onlinePBX reboot_phone: no answer within 1 s');
    const rejected = new PbxRequestError('onlinePBX make_call: CALL_REJECTED');
    for (const [lng, pattern] of [
      ['de', /^keine Antwort der PBX: onlinePBX reboot_phone: no answer within 1 s$/],
      ['ru', /^АТС не ответила: onlinePBX reboot_phone: no answer within 1 s$/],
    ]) {
      const err = localError(speaking(lng), timeout);
      assert.strictEqual(err.code, 'PBX_TIMEOUT');
      assert.strictEqual(err.name, 'TimeoutError');
      assert.match(err.message, pattern);
      const other = localError(speaking(lng), rejected);
      assert.strictEqual(other.code, 'PBX_REJECTED');
      assert.match(other.message, /CALL_REJECTED$/);
    }
    const en = localError(speaking('en-US'), timeout);
    assert.strictEqual(en.message, timeout.message, 'en-US: the text as it always was');
  });
});
