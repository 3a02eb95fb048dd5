'use strict';
// The vendor registry and the descriptors' settings: each vendor reads its own options from the
// node's properties and credentials; the node layer adds TLS and timeouts and names the errors.
const assert = require('assert');
const { constants } = require('crypto');
const fs = require('fs');
const path = require('path');
const { vendorNamed, adapterFactory, vendorIds, vendorEditors } = require('../../dist/connection/vendors');
const { simProfile } = require('../../scripts/sim-profiles');
const { helper, loadFlow } = require('../support/red');
const { connectionSettings } = require('../../dist/nodes/connection-settings');
const { NodeError } = require('../../dist/nodes/node-errors');

/** Just what connectionSettings uses of RED: tls-config nodes by id and the runtime settings. */
function fakeRed(settings = {}, tlsNodes = {}) {
  return { settings, nodes: { getNode: (id) => tlsNodes[id] ?? null } };
}

function settingsOf(def, credentials, red = fakeRed()) {
  return connectionSettings(red, { id: 'c1', type: 'pbx-connection', ...def }, credentials);
}

function nodeError(code, key, params) {
  return (err) => {
    assert.ok(err instanceof NodeError, `a NodeError, got ${err}`);
    assert.strictEqual(err.code, code);
    assert.strictEqual(err.key, key);
    assert.deepStrictEqual(err.params, params ?? {});
    return true;
  };
}

describe('vendor registry and settings', function () {
  it('knows the four vendors, each with an adapter factory; an unknown one is a SettingError listing them', function () {
    for (const id of ['innovaphone', 'innovaphone-devices', 'onlinepbx', 'vodia']) {
      assert.strictEqual(vendorNamed(id).id, id);
      assert.strictEqual(typeof adapterFactory(id), 'function');
    }
    assert.throws(
      () => vendorNamed('asterisk'),
      (err) =>
        err.name === 'SettingError' &&
        err.code === 'PBX_INVALID_INPUT' &&
        err.key === 'vendorUnknown' &&
        err.params.vendors === 'innovaphone, innovaphone-devices, onlinepbx, vodia',
    );
  });

  it('innovaphone: trimmed properties, the password as given, the common part from the runtime settings', function () {
    const red = fakeRed({ pbxConnectionLoginTimeout: 5000, pbxConnectionKeepalive: 'nonsense' });
    const s = settingsOf(
      {
        vendor: 'innovaphone',
        url: ' wss://pbx/PBX0/APPS/x ',
        domain: ' example.com ',
        app: ' flows ',
        user: ' alice ',
      },
      { password: ' pw ' },
      red,
    );
    assert.deepStrictEqual(s, {
      vendor: 'innovaphone',
      url: 'wss://pbx/PBX0/APPS/x',
      domain: 'example.com',
      app: 'flows',
      user: 'alice',
      password: ' pw ',
      tls: {},
      loginTimeoutMs: 5000,
      keepaliveMs: 30000,
    });
    assert.throws(
      () => settingsOf({ vendor: 'innovaphone', url: ' ' }, {}),
      nodeError('PBX_MISSING_PROPERTY', 'missingSetting', { name: 'url' }),
    );
    assert.strictEqual(settingsOf({ vendor: 'innovaphone-devices', url: 'ws://d' }, undefined).password, '');
  });

  it('onlinepbx: the domain alone will do (cloud address), the url alone will not; API 2 by default', function () {
    const s = settingsOf({ vendor: 'onlinepbx', domain: 'tenant.onpbx.ru' }, { apiKey: 'k' });
    assert.deepStrictEqual(
      { url: s.url, domain: s.domain, apiVersion: s.apiVersion, apiKey: s.apiKey },
      { url: '', domain: 'tenant.onpbx.ru', apiVersion: '2', apiKey: 'k' },
    );
    assert.strictEqual(settingsOf({ vendor: 'onlinepbx', domain: 'd', apiVersion: '3' }, {}).apiVersion, '3');
    assert.throws(
      () => settingsOf({ vendor: 'onlinepbx' }, {}),
      nodeError('PBX_MISSING_PROPERTY', 'missingSetting', { name: 'url' }),
    );
    assert.throws(
      () => settingsOf({ vendor: 'onlinepbx', url: 'http://x' }, {}),
      nodeError('PBX_MISSING_PROPERTY', 'missingSetting', { name: 'domain' }),
    );
  });

  it('vodia: url, domain and user required in that order; admin mode needs the admin user; legacy TLS only when ticked', function () {
    const base = { vendor: 'vodia', url: 'wss://v/websocket', domain: 't.test', user: '40' };
    for (const name of ['url', 'domain', 'user']) {
      assert.throws(
        () => settingsOf({ ...base, [name]: '' }, {}),
        nodeError('PBX_MISSING_PROPERTY', 'missingSetting', { name }),
      );
    }
    assert.throws(
      () => settingsOf({ ...base, authMode: 'admin' }, { adminUser: ' ' }),
      nodeError('PBX_MISSING_PROPERTY', 'adminUserMissing'),
    );
    const admin = settingsOf({ ...base, authMode: 'admin' }, { adminUser: ' root ', adminPassword: 'apw' });
    assert.deepStrictEqual([admin.authMode, admin.adminUser, admin.adminPassword], ['admin', 'root', 'apw']);
    assert.strictEqual(settingsOf({ ...base, authMode: 'other' }, {}).authMode, 'user');

    const ca = { ca: 'CERT', secureOptions: constants.SSL_OP_NO_TICKET };
    const red = fakeRed({}, { t1: { addTLSOptions: (o) => Object.assign(o, ca) } });
    const legacy = settingsOf({ ...base, tls: 't1', legacyTls: 'true' }, {}, red).tls;
    assert.strictEqual(legacy.ca, 'CERT');
    assert.strictEqual(legacy.secureOptions, constants.SSL_OP_NO_TICKET | constants.SSL_OP_LEGACY_SERVER_CONNECT);
    assert.deepStrictEqual(settingsOf({ ...base, tls: 't1', legacyTls: false }, {}, red).tls, ca);
    // Only Vodia reads the flag.
    assert.deepStrictEqual(settingsOf({ vendor: 'innovaphone', url: 'ws://p', legacyTls: true }, {}).tls, {});
  });

  it('the node layer: an unknown vendor or tls-config node is a NodeError', function () {
    assert.throws(
      () => settingsOf({ vendor: '' }, {}),
      nodeError('PBX_INVALID_INPUT', 'vendorUnknown', {
        vendors: 'innovaphone, innovaphone-devices, onlinepbx, vodia',
      }),
    );
    assert.throws(
      () => settingsOf({ vendor: 'innovaphone', url: 'ws://p', tls: 'gone' }, {}),
      nodeError('PBX_INVALID_INPUT', 'tlsUnknown'),
    );
  });

  describe('every registered vendor, everywhere a list of vendors remains', function () {
    const root = path.join(__dirname, '..', '..');
    const catalog = (lang) =>
      JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', lang, 'pbx-connection.json'), 'utf8'))[
        'pbx-connection'
      ];

    it('has a simulator profile that starts a simulator a connection logs in to', async function () {
      for (const id of vendorIds()) {
        const profile = simProfile(id);
        assert.strictEqual(profile.vendor, id);
        const sim = await profile.start();
        try {
          await loadFlow(
            [
              { id: 'c1', type: 'pbx-connection', ...profile.connection(sim) },
              { id: 'w1', type: 'pbx-event', connection: 'c1', events: '*' },
            ],
            {
              c1: profile.credentials(sim),
            },
          );
          const node = helper.getNode('c1');
          node.connection.register({ onState: () => undefined });
          const deadline = Date.now() + 5000;
          while (node.connection.state !== 'connected' && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 20));
          assert.strictEqual(node.connection.state, 'connected', `${id}: ${node.connection.detail}`);
        } finally {
          await helper.unload();
          await sim.stop();
        }
      }
    });

    it('has a reliability profile (test/<vendor>/reliability-profile.js)', function () {
      for (const id of vendorIds()) assert.ok(fs.existsSync(path.join(root, 'test', id, 'reliability-profile.js')), id);
    });

    it('has its dialog texts in every catalog, and dialog rows for its fields', function () {
      const html = fs.readFileSync(path.join(root, 'nodes', 'pbx-connection.html'), 'utf8');
      for (const editor of vendorEditors()) {
        const fields = editor.fields.map((f) => (typeof f === 'string' ? f : f.name));
        for (const f of fields)
          assert.match(html, new RegExp(`pbx-connection-row-${f}"`), `${editor.id}: a row for ${f}`);
        for (const r of editor.required) assert.ok(fields.includes(r), `${editor.id}: required ${r} is a field`);
        for (const lang of ['en-US', 'de', 'ru']) {
          const c = catalog(lang);
          assert.ok(c.vendor[editor.id], `${lang}: vendor.${editor.id}`);
          assert.ok(c.hint[editor.id], `${lang}: hint.${editor.id}`);
          if (!editor.urlPlaceholder) assert.ok(c.placeholder.url[editor.id], `${lang}: placeholder.url.${editor.id}`);
        }
      }
    });

    it('is served to the editor by GET pbx-connection/vendors, in registry order', async function () {
      await loadFlow([]);
      const res = await helper.request().get('/pbx-connection/vendors').expect(200);
      assert.deepStrictEqual(
        res.body.map((v) => v.id),
        vendorIds(),
      );
      assert.deepStrictEqual(res.body.find((v) => v.id === 'onlinepbx').required, ['domain']);
      await helper.unload();
    });
  });
});
