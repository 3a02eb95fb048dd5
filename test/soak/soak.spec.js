'use strict';
// `npm run soak`: the reliability faults in random order for SOAK_MINUTES (default 2) per vendor,
// checking after every restore that fresh events arrive exactly once and that memory stays flat.
const assert = require('assert');
const { helper, waitFor } = require('../support/red');
const { start, restored, expectEventsOnce } = require('../reliability/suite');
const profiles = require('../reliability/profiles');

const MINUTES = Number(process.env.SOAK_MINUTES) || 2;

function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

for (const profile of profiles) {
  describe(`soak: ${profile.name}`, function () {
    this.timeout(MINUTES * 60000 + 120000);
    let sim;
    before(async () => {
      sim = await profile.start();
    });
    after(async () => {
      await helper.unload();
      await sim.stop();
    });

    it(`survives ${MINUTES} min of random faults with exactly-once delivery after every restore`, async () => {
      const rand = rng(42);
      const { events } = await start(profile, sim);
      await restored(profile, sim);
      const heapStart = process.memoryUsage().heapUsed;
      const end = Date.now() + MINUTES * 60000;
      let seq = 10000;
      let rounds = 0;
      while (Date.now() < end) {
        const fault = Math.floor(rand() * 4);
        if (fault === 0) sim.dropAll();
        else if (fault === 1) sim.closeAll();
        else if (fault === 2) {
          sim.setSilent(true);
          await waitFor(() => helper.getNode('c1').connection.state !== 'connected', 10000, 'half-open detected');
          sim.setSilent(false);
        } else for (let i = 0; i < 200; i++) sim.sendRaw(profile.wrap(`{"x":${i}`));
        await restored(profile, sim, 15000);
        await expectEventsOnce(profile, sim, events, seq, 20);
        seq += 20;
        rounds++;
        events.list.length = 0;
        // The test helper's sinon spies (node.status, the log) keep every call with its stack,
        // and the stacks keep the objects of each round alive: that would be the harness's
        // memory, not the package's.
        helper._sandbox.resetHistory();
      }
      global.gc?.();
      const growthMb = (process.memoryUsage().heapUsed - heapStart) / 2 ** 20;
      console.log(`      ${profile.name}: ${rounds} fault rounds, heap ${growthMb.toFixed(1)} MB`);
      assert.ok(rounds > 0);
      assert.ok(growthMb < 32, `heap grew ${growthMb.toFixed(1)} MB`);
    });
  });
}
