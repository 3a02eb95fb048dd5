import { urlVia, type SimProfile } from '../common/profile';
import { blfBenches } from './bench';
import { DEMO, OnlinePbxSim, startDemo, type OnlinePbxSimOptions } from './index';

export const profile: SimProfile<OnlinePbxSim, OnlinePbxSimOptions> = {
  vendor: 'onlinepbx',
  async start(options = {}) {
    const sim = new OnlinePbxSim(options);
    await sim.start(0);
    return sim;
  },
  // One simulator speaks one API version; the connection must ask for the same.
  connection: (sim, via) => ({
    vendor: 'onlinepbx',
    url: urlVia(sim.url, via),
    domain: sim.domain,
    apiVersion: sim.apiVersion,
  }),
  credentials: (sim) => ({ apiKey: sim.apiKey }),
  bench: blfBenches,
  demo: {
    start: startDemo,
    connection: { vendor: 'onlinepbx', url: `ws://127.0.0.1:${DEMO.port3}/`, domain: DEMO.domain, apiVersion: '3' },
    credentials: DEMO.credentials,
  },
};
