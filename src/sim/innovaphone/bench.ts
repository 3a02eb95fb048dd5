import type { BenchProtocol } from '../common/profile';
import { InnovaphoneSim, presenceBenchFrames } from './index';

const userNames = (k: number): string[] => Array.from({ length: k }, (_, i) => `u${i}`);

/** innovaphone presence: each socket's frames carry the `src` of that socket's monitors. */
export const presenceBench: BenchProtocol = {
  name: 'innovaphone',
  async start(users) {
    const list = userNames(users).map((u, i) => ({
      sip: u,
      num: String(1000 + i),
      dn: `User ${i}`,
      presence: [{ contact: 'tel:', status: 'open', activity: '', note: '' }],
    }));
    const sim = new InnovaphoneSim({ users: list, devices: [] });
    await sim.start(0);
    return sim;
  },
  frames(users, ws, sim) {
    const client = sim instanceof InnovaphoneSim ? sim.clients.find((c) => c.ws === ws) : undefined;
    if (!client || !(sim instanceof InnovaphoneSim)) return presenceBenchFrames(userNames(users).map((u) => `p:${u}`));
    return presenceBenchFrames(userNames(users).map((u) => sim.pbx.srcOf(client, u) ?? ''));
  },
  subscriptions: (sim) => (sim instanceof InnovaphoneSim ? sim.pbx.subscriptions().length : 0),
  watcher: { type: 'pbx-presence-in', property: 'users' },
  watched: userNames,
  keyProperty: 'payload.src',
  keyValues: (users) => userNames(users).map((u) => `p:${u}`),
};
