import { urlVia, type SimProfile } from '../common/profile';
import { presenceBench } from './bench';
import { DEMO, InnovaphoneSim, startDemo, type InnovaphoneSimOptions } from './index';

export const profile: SimProfile<InnovaphoneSim, InnovaphoneSimOptions> = {
  vendor: 'innovaphone',
  async start(options = {}) {
    const sim = new InnovaphoneSim(options);
    await sim.start(0);
    return sim;
  },
  connection: (sim, via) => ({ vendor: 'innovaphone', url: urlVia(sim.url, via), app: sim.app }),
  credentials: (sim) => ({ password: sim.password }),
  bench: [presenceBench],
  demo: {
    start: startDemo,
    connection: { vendor: 'innovaphone', url: `ws://127.0.0.1:${DEMO.port}/PBX0/APPS/websocket`, app: DEMO.app },
    credentials: DEMO.credentials,
  },
};
