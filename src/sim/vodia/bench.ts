import type { BenchProtocol } from '../common/profile';
import { DEFAULT_ACCOUNTS, userStateBenchFrames, VodiaSim } from './index';

const DOMAIN = 'bench.test';

/** Vodia presence: `user-state` of extensions 2000 and up. */
export const userStateBench: BenchProtocol = {
  name: 'vodia',
  async start(users) {
    const accounts = [
      ...DEFAULT_ACCOUNTS,
      ...Array.from({ length: users }, (_, i) => ({
        account: String(2000 + i),
        name: `User ${i}`,
        registered: true,
        dnd: false,
      })),
    ];
    const sim = new VodiaSim({ domain: DOMAIN, accounts });
    await sim.start(0);
    return sim;
  },
  frames: (users) => userStateBenchFrames(DOMAIN, users),
  watcher: { type: 'pbx-presence-in', property: 'users' },
  watched: () => [],
  keyProperty: 'payload.account',
  keyValues: (users) => Array.from({ length: users }, (_, i) => String(2000 + i)),
};
