'use strict';
// Issue 7.4: 10,000+ malformed, truncated, wrongly typed, oversized and unknown frames per
// protocol. The process stays up, memory stays bounded, and the connection either ignores the
// frame or reconnects; afterwards events still arrive exactly once.
const assert = require('assert');
const { useSimulator, start, restored, expectEventsOnce } = require('./suite');
const profiles = require('./profiles');

const FRAMES = 10000;
const OVERSIZED_BYTES = 4 * 1024 * 1024;

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function* badFrames(profile, count) {
  const rand = rng(0x5eed);
  const samples = profile.sampleFrames();
  const wrongTypes = [null, 0, -1, 1e308, true, 'x', [], {}, [1, 2], { a: { b: { c: [] } } }];
  for (let i = 0; i < count; i++) {
    const sample = samples[i % samples.length];
    const kind = i % 8;
    if (kind === 0)
      yield profile.wrap(sample.slice(0, Math.floor(rand() * sample.length))); // truncated
    else if (kind === 1)
      yield profile.wrap('{"' + String.fromCharCode(...Array.from({ length: 20 }, () => 32 + Math.floor(rand() * 90))));
    else if (kind === 2) yield profile.wrap(JSON.stringify(wrongTypes[i % wrongTypes.length]));
    else if (kind === 3) {
      // A known frame with every field replaced by a wrongly typed value.
      const obj = JSON.parse(sample);
      for (const k of Object.keys(obj)) obj[k] = wrongTypes[Math.floor(rand() * wrongTypes.length)];
      yield profile.wrap(JSON.stringify(obj));
    } else if (kind === 4)
      yield profile.wrap(
        JSON.stringify({ mt: `Unknown${i}`, event: `unknown_${i}`, action: `unknown-${i}`, api: 'X' }),
      );
    else if (kind === 5)
      yield Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))); // binary noise
    else if (kind === 6)
      yield profile.wrap(sample.replace(/"/, '')); // broken quoting
    else yield i % 2000 === 7 ? profile.wrap(`{"junk":"${'x'.repeat(OVERSIZED_BYTES)}"}`) : profile.wrap('');
  }
}

for (const profile of profiles) {
  describe(`fuzz: ${profile.name}`, function () {
    this.timeout(120000);
    const current = useSimulator(profile);
    let sim;
    beforeEach(() => {
      sim = current();
    });

    it(`survives ${FRAMES} bad frames with bounded memory and keeps delivering events`, async () => {
      const { events } = await start(profile, sim);
      await restored(profile, sim);
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let sent = 0;
      for (const frame of badFrames(profile, FRAMES)) {
        sim.sendRaw(frame);
        if (++sent % 500 === 0) await new Promise((r) => setImmediate(r));
      }
      assert.strictEqual(sent, FRAMES);
      // The connection either ignored everything or reconnected; both must end restored.
      await restored(profile, sim, 15000);
      await expectEventsOnce(profile, sim, events, 1000);
      global.gc?.();
      const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      assert.ok(growthMb < 64, `heap grew ${growthMb.toFixed(1)} MB`);
    });
  });
}
