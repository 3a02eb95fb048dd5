'use strict';
// The innovaphone Devices profile for the shared reliability suite (test/reliability): a device
// monitor as the watcher (each event is a DeviceUpdate), GetDomains as the request.
const { profile: sims } = require('../../dist/sim/innovaphone-devices/profile');

module.exports = {
  name: 'innovaphone-devices',
  start: () => sims.start({ password: 'Dev1ces-Pa55', redeemAfterMs: 0 }),
  credentials: { password: 'Dev1ces-Pa55' },
  wrongCredentials: { password: 'Wr0ngPassw0rd' },
  // Built from port and tls alone: the suite passes copies of the simulator pointed elsewhere.
  configNode: (sim, via) => sims.connection(sim, via),
  watcher: { type: 'pbx-device-in' },
  watcherChannel: 'device',
  /** One socket, logged in, with the device monitor established again. */
  restored: (sim) => sim.connectionCount === 1 && sim.clients.length === 1 && sim.monitorCount === 1,
  emit: (sim, i) => sim.setOnline('009033aa0001', i % 2 === 0, { seq: i }),
  seq: (m) => (m.raw && typeof m.raw.seq === 'number' ? m.raw.seq : undefined),
  wrap: (text) => text,
  request: {
    node: { type: 'pbx-command', command: 'GetDomains', timeout: 1 },
    msg: () => ({ payload: {} }),
  },
  sampleFrames: () => [
    JSON.stringify({ mt: 'DeviceUpdate', src: 'devices1', device: { id: 1, hwId: '009033aa0001', online: false } }),
    JSON.stringify({ mt: 'DeviceAdded', device: { id: 9, hwId: '009033aa0009', domainId: 1 } }),
    JSON.stringify({ mt: 'DeviceRemoved', device: { id: 9 } }),
    JSON.stringify({ mt: 'DeviceProvisioned', code: '123456789012', device: [{ id: 7, hwId: '009033aa0007' }] }),
    JSON.stringify({ mt: 'GetDevicesResult', src: 'devices1', devices: [{ id: 1 }], last: true }),
    JSON.stringify({ mt: 'GetDeviceConfigValueResult', src: 'config1', name: 'script', value: 'x' }),
  ],
};
