'use strict';
// onlinePBX wire samples several specs send or expect: the documented 2.0 event excerpts, the
// subscribe flags for every group, and the 13 commands of API 2.0.

/** A `blf` event as the 2.0 documentation shows it. */
const BLF_204 = {
  uid: '204',
  status: 'ringing',
  direction: 'out',
  rank: 'master',
  other_leg: '73432048020',
  uuid: '22c9e591',
  timestamp: 1452498750,
};
/** BLF_204 normalized. */
const BLF_204_PAYLOAD = {
  extension: '204',
  state: 'ringing',
  direction: 'outbound',
  otherParty: '73432048020',
  callId: '22c9e591',
  timestamp: 1452498750000,
};
/** A `registration` event as the 2.0 documentation shows it. */
const REGISTRATION_201 = {
  uid: 201,
  agent: 'Cisco SPA303-g2',
  state: 'register',
  ip: '8.8.8.8',
  port: 5060,
  expires: 3600,
};
/** A `channel_create` event of call `uuid` as the documentation shows it. */
function channelCreate(uuid) {
  return {
    uuid,
    direction: 'inbound',
    created_stamp: 1440864124272,
    state: 'CS_INIT',
    endpoint: '9090001122',
    caller_number: '9090001122',
    destination_number: '555',
  };
}
/** The 2.0 subscribe flags once blf, call and presence are watched. */
const SUBSCRIBED_EVENTS = {
  calls: true,
  blf: true,
  messages: false,
  callback: true,
  api: false,
  registration: true,
};
/** Every command of API 2.0. */
const V2_COMMANDS = [
  'make_call',
  'transfer',
  'bridge',
  'eavesdrop',
  'hangup_call',
  'subscribe',
  'reboot_phone',
  'reloadgw',
  'sip_message',
  'flush_reg',
  'trunk_list',
  'user_list',
  'message',
];

module.exports = { BLF_204, BLF_204_PAYLOAD, REGISTRATION_201, channelCreate, SUBSCRIBED_EVENTS, V2_COMMANDS };
