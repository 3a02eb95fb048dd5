import { DevicesSim } from './server';

/** `npm start`: the Devices instance the example flows log in to. */
export const DEMO = { port: 18812, app: 'devices', credentials: { password: 'demo-devices' } };

/** The demo Devices app: phones going offline and online, codes redeemed after a few seconds. */
export async function startDemo(): Promise<{ stop(): Promise<void> }> {
  const sim = new DevicesSim({ app: DEMO.app, password: DEMO.credentials.password, redeemAfterMs: 5000 });
  await sim.start(DEMO.port);
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    const device = sim.devices[tick % 3];
    sim.setOnline(device.hwId, !device.online);
  }, 4000);
  return {
    async stop() {
      clearInterval(timer);
      await sim.stop();
    },
  };
}
