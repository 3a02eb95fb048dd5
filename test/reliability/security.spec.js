'use strict';
// Issue 7.6: secrets never show (logs at every level, status, errors, messages), TLS
// verification is on by default and works with a CA from a core tls-config node.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const tlsConfig = require('@node-red/nodes/core/network/05-tls.js');
const { helper, loadFlow, record, waitFor, waitStatus } = require('../support/red');
const { startTlsProxy } = require('../support/tls-proxy');
const { flowFor, restored, everythingVisible, expectEventsOnce } = require('./suite');
const profiles = require('./profiles');

const root = path.join(__dirname, '..', '..');

describe('security: editor definition', () => {
  it('keeps the password and API key in credentials, never in defaults', () => {
    const html = fs.readFileSync(path.join(root, 'nodes', 'pbx-connection.html'), 'utf8');
    const defaults = html.match(/defaults\s*:\s*\{([\s\S]*?)\n\s*\},/);
    assert.ok(defaults, 'defaults found');
    assert.doesNotMatch(defaults[1], /password|apiKey/);
    assert.match(html, /credentials\s*:\s*\{[\s\S]*password\s*:\s*\{\s*type\s*:\s*['"]password['"]/);
    assert.match(html, /apiKey\s*:\s*\{\s*type\s*:\s*['"]password['"]/);
  });
});

for (const profile of profiles) {
  describe(`security: ${profile.name}`, function () {
    this.timeout(30000);
    let sim;
    let proxy;
    beforeEach(async () => {
      sim = await profile.start();
    });
    afterEach(async () => {
      await helper.unload();
      if (proxy) await proxy.stop();
      proxy = undefined;
      await sim.stop();
    });

    it('never shows a secret in logs, status, errors or messages', async () => {
      const { flow, credentials } = flowFor(profile, sim, { credentials: profile.wrongCredentials });
      await loadFlow(flow, credentials);
      await waitStatus('w1', 'red', 'authFailed');
      const wrong = everythingVisible([]);
      await helper.unload();
      const ok = flowFor(profile, sim);
      await loadFlow(ok.flow, ok.credentials);
      const recs = [record('h1'), record('hc')];
      await restored(profile, sim);
      sim.dropAll();
      await restored(profile, sim);
      await expectEventsOnce(profile, sim, recs[0], 1, 3);
      const all = wrong + everythingVisible(recs);
      for (const secret of [...Object.values(profile.credentials), ...Object.values(profile.wrongCredentials)]) {
        assert.ok(!all.includes(secret), `secret ${secret.slice(0, 2)}… leaked`);
      }
    });

    it('refuses a self-signed certificate by default with a clear message', async () => {
      proxy = await startTlsProxy(sim.port);
      const { flow, credentials } = flowFor(profile, sim, { via: { port: proxy.port, tls: true } });
      await loadFlow(flow, credentials);
      await waitStatus('w1', 'red');
      await waitFor(() => /certificate/i.test(helper.getNode('c1').connection.detail), 5000, 'certificate error');
      assert.match(helper.getNode('c1').connection.detail, /tls-config/);
    });

    it('trusts the server through a CA in a tls-config node', async () => {
      proxy = await startTlsProxy(sim.port);
      const base = flowFor(profile, sim, { via: { port: proxy.port, tls: true } });
      const flow = base.flow.map((n) => (n.id === 'c1' ? { ...n, tls: 't1' } : n));
      // The editor always saves the file paths, empty when the PEM text lives in the credentials.
      flow.push({
        id: 't1',
        type: 'tls-config',
        name: 'ca',
        cert: '',
        key: '',
        ca: '',
        verifyservercert: true,
        servername: '',
      });
      const support = require('../support/red');
      await support.catalogs;
      const mods = [tlsConfig, ...support.nodeModules()];
      const creds = { ...base.credentials, t1: { cadata: proxy.ca } };
      await helper.load(
        mods,
        [
          { id: 'f1', type: 'tab' },
          ...flow.map((n) => (n.type.startsWith('pbx-connection') || n.type === 'tls-config' ? n : { ...n, z: 'f1' })),
        ],
        creds,
      );
      const events = record('h1');
      await restored(profile, sim);
      await expectEventsOnce(profile, sim, events, 1, 3);
    });
  });
}
