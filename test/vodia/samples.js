'use strict';
// What several Vodia specs expect from the simulator's tenant: Alice's presence as domain-state
// reports it, and the frames one call-control sequence sends.

/** Account 41 (Alice) normalized from domain-state. */
const ALICE_PRESENCE = {
  user: '41',
  num: '41',
  dn: 'Alice',
  status: 'available',
  registered: true,
  dnd: false,
  chatstatus: 'online',
  type: 'extensions',
};

/** The frames for accept, hold, record, blind transfer to 42, attended transfer to call `id2` (43), hang-up of `id`. */
function callControlFrames(id, id2) {
  return [
    { action: 'accept-call', id },
    { action: 'hold-call', id },
    { action: 'rec-call', id, startstop: 'on' },
    { action: 'blind-transfer', id, from: '40', to: '42' },
    { action: 'att-transfer', id, from: '40', id2, to: '43' },
    { action: 'clear-call', id, connected: 'true' },
  ];
}

module.exports = { ALICE_PRESENCE, callControlFrames };
