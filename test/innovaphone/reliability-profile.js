'use strict';
// The innovaphone profile for the shared reliability suite (test/reliability): a presence
// monitor as the watcher, GetNodeInfo as the request the PBX answers.
const { profile: sims } = require('../../dist/sim/innovaphone/profile');

module.exports = {
  name: 'innovaphone',
  start: () => sims.start({ password: 'App-Pa55word' }),
  credentials: { password: 'App-Pa55word' },
  wrongCredentials: { password: 'Wr0ngPassw0rd' },
  // Built from port and tls alone: the suite passes copies of the simulator pointed elsewhere.
  configNode: (sim, via) => sims.connection(sim, via),
  watcher: { type: 'pbx-presence-in', users: 'alice' },
  watcherChannel: 'presence',
  /** One socket, logged in, with the presence monitor established again. */
  restored: (sim) => sim.connectionCount === 1 && sim.clients.length === 1 && sim.pbx.subscriptions().length === 1,
  emit: (sim, i) => sim.pbx.setPresence('alice', { activity: i % 2 ? 'busy' : '' }, { seq: i }),
  seq: (m) => (m.raw && typeof m.raw.seq === 'number' ? m.raw.seq : undefined),
  wrap: (text) => text,
  request: {
    node: { type: 'pbx-command', command: 'GetNodeInfo', timeout: 1 },
    msg: () => ({ payload: {} }),
  },
  sampleFrames: () => [
    JSON.stringify({
      api: 'PbxApi',
      mt: 'PresenceUpdate',
      src: 'p:alice',
      presence: [{ contact: 'tel:', status: 'open', activity: 'busy', note: '' }],
    }),
    JSON.stringify({
      api: 'PbxApi',
      mt: 'PresenceState',
      src: 'p:alice',
      up: true,
      sip: 'alice',
      num: '201',
      dn: 'Alice',
    }),
    JSON.stringify({
      api: 'PbxApi',
      mt: 'ProfileContactAdded',
      src: 'profile',
      profile: { id: 1, contact: { id: 5, name: 'x' } },
    }),
    JSON.stringify({
      api: 'EpSignal',
      mt: 'Signaling',
      src: 'ep:009033aabb01',
      call: 3,
      to: true,
      sig: { type: 'alert' },
    }),
    JSON.stringify({ api: 'RCC', mt: 'CallInfo', src: 'x', user: 1, call: 2, state: 4, peer: { e164: '201' } }),
    JSON.stringify({ api: 'PbxApi', mt: 'GetNodeInfoResult', src: 'nr1', name: 'root' }),
  ],
};
