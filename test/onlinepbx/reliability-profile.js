'use strict';
// The onlinePBX profiles for the shared reliability suite (test/reliability), one per API
// version: how to run the simulator, what a node watches (a BLF lamp), how an event is
// triggered and recognized, and a request that the PBX answers (pbx-command).
const { profile: sims } = require('../../dist/sim/onlinepbx/profile');
const { REGISTRATION_201, channelCreate } = require('./samples');

function profile(version) {
  const v3 = version === '3';
  const blf = (seq) => ({
    uid: '101',
    status: 'ringing',
    direction: 'in',
    other_leg: '79161234567',
    uuid: `u-${seq}`,
    timestamp: 1452498750,
    seq,
  });
  const frame = (name, data) => JSON.stringify(v3 ? { event: name, data } : { name, args: [data] });
  return {
    name: `onlinepbx ${version}.0`,
    start: () => sims.start({ apiVersion: version, apiKey: 'Api-K3y-s3cret' }),
    credentials: { apiKey: 'Api-K3y-s3cret' },
    wrongCredentials: { apiKey: 'Wr0ngApiK3y' },
    configNode: (sim, via) => sims.connection(sim, via),
    watcher: { type: 'pbx-blf-in', extensions: '101' },
    watcherChannel: 'blf',
    /** The socket is back and subscribed to the lamps again. */
    // 2.0 judges silence only once a heartbeat has shown the PBX's interval: until then a
    // half-open socket is noticed after the heartbeat timeout + 5 s (spec).
    restored: (sim) =>
      sim.connectionCount === 1 &&
      sim.subscribedGroups().includes(v3 ? 'user_blf' : 'blf') &&
      (v3 || sim.echoedHeartbeats > 0),
    emit: (sim, i) => sim.pushEvent('blf', blf(i)),
    seq: (m) => {
      const data = m.raw && (v3 ? m.raw.data : Array.isArray(m.raw.args) && m.raw.args[0]);
      return data && typeof data.seq === 'number' ? data.seq : undefined;
    },
    // 2.0 frames are socket.io event packets around the JSON.
    wrap: (text) => (v3 ? text : `5:::${text}`),
    request: {
      node: { type: 'pbx-command', command: v3 ? 'subscribe' : 'trunk_list', timeout: 1 },
      msg: () => ({ payload: v3 ? { eventGroups: ['gateway'] } : {} }),
    },
    sampleFrames: () => [
      frame(v3 ? 'user_blf' : 'blf', blf(0)),
      frame(v3 ? 'user_registration' : 'registration', REGISTRATION_201),
      frame('channel_create', channelCreate('c1')),
      frame('channel_bridge', { direction: 'inbound', aleg_uuid: 'c1', bleg_uuid: 'c2' }),
      frame('channel_destroy', {
        uuid: 'c1',
        direction: 'inbound',
        created_stamp: '1375466463124',
        state: 'CS_DESTROY',
        endpoint: '222@example.onpbx.ru',
        hangup_cause: 'NORMAL_CLEARING',
      }),
      v3
        ? JSON.stringify({ event: 'subscribed', reqId: '1', data: { eventGroups: ['calls'] } })
        : frame('callback', { status: false, text: 'CALL_REJECTED', hash: 'mAXgxFJvspIYGfc1' }),
    ],
  };
}

module.exports = [profile('2'), profile('3')];
