import { urlVia, type SimProfile } from '../common/profile';
import { userStateBench } from './bench';
import { DEFAULT_ACCOUNTS, DEMO, VodiaSim, startDemo, type VodiaSimOptions } from './index';

/** The connection's own extension: the first default account, the one with a password. */
const OWN = DEFAULT_ACCOUNTS[0];

export const profile: SimProfile<VodiaSim, VodiaSimOptions> = {
  vendor: 'vodia',
  async start(options = {}) {
    const sim = new VodiaSim({ domain: 'tenant.test', ...options });
    await sim.start(0);
    return sim;
  },
  connection: (sim, via) => ({ vendor: 'vodia', url: urlVia(sim.url, via), domain: sim.domain, user: OWN.account }),
  credentials: () => ({ password: OWN.password }),
  bench: [userStateBench],
  demo: {
    start: startDemo,
    connection: { vendor: 'vodia', url: `ws://127.0.0.1:${DEMO.port}/websocket`, domain: DEMO.domain, user: DEMO.user },
    credentials: DEMO.credentials,
  },
};
