'use strict';
// Issue 7.5: 50 full and 50 modified-nodes redeploys leave exactly one socket per config node,
// no duplicate events and no growing listener counts. No timer may survive (mocha runs without
// --exit, so a leak keeps the process alive and fails CI).
const assert = require('assert');
const { helper, loadFlow, waitFor } = require('../support/red');
const { useSimulator, flowFor, restored, expectEventsOnce } = require('./suite');
const { record } = require('../support/red');
const profiles = require('./profiles');

const ROUNDS = 50;

/** The config node, its connection and the watcher, held weakly (a local would keep them alive). */
function weakRefsOfDeploy() {
  const config = helper.getNode('c1');
  return [new WeakRef(config), new WeakRef(config.connection), new WeakRef(helper.getNode('w1'))];
}

function watcherCount(interestChannel) {
  const router = helper.getNode('c1').connection.router;
  return router.interests().reduce((n, i) => n + (i.channel === interestChannel ? router.watchers(i).length : 0), 0);
}

for (const profile of profiles) {
  describe(`redeploy: ${profile.name}`, function () {
    this.timeout(180000);
    const current = useSimulator(profile);
    let sim;
    beforeEach(() => {
      sim = current();
    });

    it(`${ROUNDS} full and ${ROUNDS} modified-nodes redeploys: one socket, events once, no listener growth`, async () => {
      const { flow, credentials } = flowFor(profile, sim);
      const tab = [{ id: 'f1', type: 'tab' }];
      const withTab = (f) => [...tab, ...f.map((n) => (n.type === 'pbx-connection' ? n : { ...n, z: 'f1' }))];
      await require('../support/red').catalogs;
      await helper.load(require('../support/red').nodeModules(), withTab(flow), credentials);
      for (let i = 0; i < ROUNDS; i++) {
        await helper.setFlows(withTab(flow), 'full', credentials);
      }
      for (let i = 0; i < ROUNDS; i++) {
        const changed = flow.map((n) => (n.id === 'w1' ? { ...n, name: `watcher ${i}` } : n));
        await helper.setFlows(withTab(changed), 'nodes', credentials);
      }
      await restored(profile, sim, 10000);
      await waitFor(() => sim.connectionCount === 1, 5000, 'one socket at the server');
      assert.strictEqual(watcherCount(profile.watcherChannel), 1, 'one watcher after 100 redeploys');
      const events = record('h1');
      await expectEventsOnce(profile, sim, events, 2000);
    });

    it('full redeploys leave nothing of a replaced deploy reachable (nodes, connection, socket state)', async () => {
      assert.ok(global.gc, 'run mocha with --node-option expose-gc');
      const { flow: nodes, credentials } = flowFor(profile, sim);
      const flow = [{ id: 'f1', type: 'tab' }, ...nodes];
      await loadFlow(flow, credentials);
      await restored(profile, sim);
      // Whatever a deploy leaves behind (a listener on a long-lived emitter, a timer, an entry in a
      // module-level map) keeps its config node, connection or user node reachable.
      const replaced = [];
      for (let i = 0; i < 10; i++) {
        replaced.push(...weakRefsOfDeploy());
        await helper.setFlows(flow, 'full', credentials);
        await restored(profile, sim);
      }
      // The test helper's sinon spies keep every call with its arguments: the harness's references.
      helper._sandbox.resetHistory();
      // A WeakRef keeps its target until the job that made it ends.
      await new Promise(setImmediate);
      global.gc();
      assert.strictEqual(
        replaced.filter((r) => r.deref() !== undefined).length,
        0,
        'objects of replaced deploys still reachable',
      );
    });
  });
}
