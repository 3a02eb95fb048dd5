import type { BenchProtocol } from '../common/profile';
import { blfBenchFrames, OnlinePbxSim, type SimApiVersion } from './index';

const extensions = (k: number): string[] => Array.from({ length: k }, (_, i) => String(2000 + i));

/** onlinePBX BLF lamps over API 2.0 or 3.0: one row each. */
function blfBench(apiVersion: SimApiVersion): BenchProtocol {
  const v2 = apiVersion === '2';
  return {
    name: `onlinepbx${apiVersion}`,
    async start() {
      const sim = new OnlinePbxSim({ apiVersion, apiKey: 'bench-key', domain: 'bench.test' });
      await sim.start(0);
      return sim;
    },
    frames: (users) => blfBenchFrames(apiVersion, users),
    callerFrames: (users, numbers) => blfBenchFrames(apiVersion, users, numbers),
    watcher: { type: 'pbx-blf-in', property: 'extensions' },
    watched: () => [],
    // A 2.0 event is a socket.io frame: `5:::` before the JSON.
    framePrefix: v2 ? ':::' : undefined,
    keyProperty: v2 ? 'payload.args[0].uid' : 'payload.data.uid',
    keyValues: extensions,
  };
}

export const blfBenches: BenchProtocol[] = [blfBench('2'), blfBench('3')];
