'use strict';
// The Vodia profile for the shared reliability suite (test/reliability): how to run the
// simulator, what a node watches, how an event is triggered and recognized. There is no
// request profile: Vodia actions are fire-and-forget, nothing answers them.
const { profile: sims } = require('../../dist/sim/vodia/profile');

module.exports = {
  name: 'vodia',
  start: () => sims.start(),
  credentials: { password: 'secret' },
  wrongCredentials: { password: 'Wr0ngPassw0rd' },
  configNode: (sim, via) => sims.connection(sim, via),
  watcher: { type: 'pbx-presence-in', users: '41' },
  watcherChannel: 'presence',
  /** The socket is back and subscribed to the domain (presence needs no other subscription). */
  restored: (sim) => sim.connectionCount === 1 && sim.subscribedCount === 1,
  emit: (sim, i) => sim.setUser('41', { seq: i }),
  seq: (m) => (m.raw && typeof m.raw.seq === 'number' ? m.raw.seq : undefined),
  wrap: (text) => text,
  sampleFrames: () => [
    JSON.stringify({
      action: 'domain-state',
      messages: [],
      calls: [
        { id: '9f3c1a', from: '"Alice" <sip:41@tenant.test>', to: '<sip:40@tenant.test>', callstate: 'connected' },
      ],
      accounts: [
        { type: 'extensions', account: '41', name: 'Alice', registered: true, dnd: false, chatstatus: 'online' },
      ],
    }),
    JSON.stringify({
      action: 'user-state',
      type: 'extensions',
      account: '41',
      domain: 'tenant.test',
      registered: true,
      dnd: true,
      chatstatus: 'offline',
      code: null,
      calls: [],
    }),
    JSON.stringify({
      action: 'call-state',
      calls: [
        {
          id: 'a1',
          state: 'alerting',
          'from-number': '41',
          'to-number': '40',
          'from-name': 'Alice',
          extension: ['*41'],
        },
      ],
    }),
    JSON.stringify({
      action: 'call-state',
      calls: { id: 'a1', from: '<sip:41@tenant.test>', to: '<sip:40@tenant.test>', callstate: 'onhold' },
    }),
    JSON.stringify({ action: 'chat', dest: '41', message: 'hello' }),
    JSON.stringify({ invitesdp: 'v=0', callid: 'c1', cseq: 1, from: '41' }),
  ],
};
