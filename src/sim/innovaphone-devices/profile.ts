import { urlVia, type SimProfile } from '../common/profile';
import { DEMO, DevicesSim, startDemo, type DevicesSimOptions } from './index';

export const profile: SimProfile<DevicesSim, DevicesSimOptions> = {
  vendor: 'innovaphone-devices',
  async start(options = {}) {
    const sim = new DevicesSim(options);
    await sim.start(0);
    return sim;
  },
  connection: (sim, via) => ({ vendor: 'innovaphone-devices', url: urlVia(sim.url, via), app: sim.app }),
  credentials: (sim) => ({ password: sim.password }),
  bench: [],
  demo: {
    start: startDemo,
    connection: {
      vendor: 'innovaphone-devices',
      url: `ws://127.0.0.1:${DEMO.port}/example.com/devices/innovaphone-devices`,
      app: DEMO.app,
    },
    credentials: DEMO.credentials,
  },
};
