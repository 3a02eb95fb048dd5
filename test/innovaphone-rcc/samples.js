'use strict';
// What the RCC specs expect for the same call: an outside number (0301234) ringing Alice Adams (201).

/** The payload fields of that call while it rings, besides its callId, conf and bits. */
const OUTSIDE_RINGS_ALICE = {
  state: 'ringing',
  direction: 'inbound',
  from: '0301234',
  to: '201',
  extension: '201',
  user: 'Alice Adams',
};

module.exports = { OUTSIDE_RINGS_ALICE };
