/**
 * onlinePBX events (API 2.0 `blf`/`registration`/`channel_*`, API 3.0 `user_blf`/
 * `user_registration`/`channel_*`/`call_end`) mapped onto the normalized payloads. Pure
 * functions; the PBX's types are loose (numbers arrive as strings and vice versa), so every
 * field is read leniently.
 */
import type { Blf, BlfState, Call, CallState, Presence, PresenceStatus } from '../../model/types';
import { textOf } from '../common/values';

/**
 * The hangup causes onlinePBX reports (`hangup_cause`): FreeSWITCH `switch_call_cause_t`
 * names, the set two independent onlinePBX client copies list, with FreeSWITCH's codes.
 * FreeSWITCH names code 0 `NONE`; onlinePBX says `UNSPECIFIED`. Newer FreeSWITCH versions add
 * more (808+), so a cause is an open string: unknown names pass through unchanged.
 */
export const HANGUP_CAUSES: Readonly<Record<string, number>> = {
  UNSPECIFIED: 0,
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_TRANSIT_NET: 2,
  NO_ROUTE_DESTINATION: 3,
  CHANNEL_UNACCEPTABLE: 6,
  CALL_AWARDED_DELIVERED: 7,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  REDIRECTION_TO_NEW_DESTINATION: 23,
  EXCHANGE_ROUTING_ERROR: 25,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  FACILITY_REJECTED: 29,
  RESPONSE_TO_STATUS_ENQUIRY: 30,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  ACCESS_INFO_DISCARDED: 43,
  REQUESTED_CHAN_UNAVAIL: 44,
  PRE_EMPTED: 45,
  FACILITY_NOT_SUBSCRIBED: 50,
  OUTGOING_CALL_BARRED: 52,
  INCOMING_CALL_BARRED: 54,
  BEARERCAPABILITY_NOTAUTH: 57,
  BEARERCAPABILITY_NOTAVAIL: 58,
  SERVICE_UNAVAILABLE: 63,
  BEARERCAPABILITY_NOTIMPL: 65,
  CHAN_NOT_IMPLEMENTED: 66,
  FACILITY_NOT_IMPLEMENTED: 69,
  SERVICE_NOT_IMPLEMENTED: 79,
  INVALID_CALL_REFERENCE: 81,
  INCOMPATIBLE_DESTINATION: 88,
  INVALID_MSG_UNSPECIFIED: 95,
  MANDATORY_IE_MISSING: 96,
  MESSAGE_TYPE_NONEXIST: 97,
  WRONG_MESSAGE: 98,
  IE_NONEXIST: 99,
  INVALID_IE_CONTENTS: 100,
  WRONG_CALL_STATE: 101,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  MANDATORY_IE_LENGTH_ERROR: 103,
  PROTOCOL_ERROR: 111,
  INTERWORKING: 127,
  ORIGINATOR_CANCEL: 487,
  CRASH: 700,
  SYSTEM_SHUTDOWN: 701,
  LOSE_RACE: 702,
  MANAGER_REQUEST: 703,
  BLIND_TRANSFER: 800,
  ATTENDED_TRANSFER: 801,
  ALLOTTED_TIMEOUT: 802,
  USER_CHALLENGE: 803,
  MEDIA_TIMEOUT: 804,
  PICKED_OFF: 805,
  USER_NOT_REGISTERED: 806,
  PROGRESS_TIMEOUT: 807,
};

/** The Q.850 / FreeSWITCH code of a hangup cause name, undefined for names outside the table. */
export function hangupCauseCode(cause: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(HANGUP_CAUSES, cause) ? HANGUP_CAUSES[cause] : undefined;
}

export type OnlinePbxData = Record<string, unknown>;

/** The event's data as an object (an event without an object argument has none). */
export function dataOf(v: unknown): OnlinePbxData | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as OnlinePbxData) : undefined;
}

/** A number field; numeric strings are accepted (`created_stamp` arrives both ways). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The user (extension) an event is about. API 3.0 field names are not documented: also try the obvious ones. */
export function userOf(d: OnlinePbxData): string | undefined {
  return textOf(d.uid) ?? textOf(d.user) ?? textOf(d.num) ?? textOf(d.extension) ?? textOf(d.number);
}

/**
 * `blf.status` values: the excerpt documents only `ringing`; client code shows `answered`,
 * `hangup` and `unregistered`. The rest are the FreeSWITCH/SIP dialog words a PBX of that
 * lineage may send. An unknown word lights no lamp (idle); the word itself stays in `msg.raw`.
 */
const BLF_STATES: Readonly<Record<string, BlfState>> = {
  ringing: 'ringing',
  early: 'ringing',
  trying: 'ringing',
  proceeding: 'ringing',
  progress: 'ringing',
  answered: 'busy',
  answer: 'busy',
  confirmed: 'busy',
  active: 'busy',
  busy: 'busy',
  talking: 'busy',
  bridge: 'busy',
  bridged: 'busy',
  hold: 'held',
  held: 'held',
  onhold: 'held',
  hangup: 'idle',
  terminated: 'idle',
  idle: 'idle',
  free: 'idle',
  available: 'idle',
  unregistered: 'unregistered',
  unregister: 'unregistered',
  offline: 'unregistered',
};

export function blfState(status: unknown): BlfState {
  const s = textOf(status)?.toLowerCase();
  return (s !== undefined && BLF_STATES[s]) || 'idle';
}

function direction(v: unknown): 'inbound' | 'outbound' | 'local' | undefined {
  const d = textOf(v)?.toLowerCase();
  if (d === 'in' || d === 'inbound' || d === 'incoming') return 'inbound';
  if (d === 'out' || d === 'outbound' || d === 'outgoing') return 'outbound';
  if (d === 'local' || d === 'internal') return 'local';
  return undefined;
}

/**
 * Epoch milliseconds. `blf.timestamp` is in seconds, `created_stamp` in milliseconds (the
 * excerpt's examples); a value below 10^11 cannot be a millisecond time after 1973.
 */
export function epochMs(v: unknown): number | undefined {
  const n = num(v);
  if (n === undefined || n <= 0) return undefined;
  return n < 1e11 ? Math.round(n * 1000) : n;
}

/** `blf` (2.0) / `user_blf` (3.0) -> the lamp of one extension; undefined without a user. */
export function blfOf(d: OnlinePbxData): Blf | undefined {
  const extension = userOf(d);
  if (!extension) return undefined;
  const blf: Blf = { extension, state: blfState(d.status ?? d.state) };
  const dir = direction(d.direction);
  if (dir === 'inbound' || dir === 'outbound') blf.direction = dir;
  const other = textOf(d.other_leg) ?? textOf(d.other_number);
  if (other) blf.otherParty = other;
  const callId = textOf(d.uuid) ?? textOf(d.call_uuid);
  if (callId) blf.callId = callId;
  const ts = epochMs(d.timestamp);
  if (ts !== undefined) blf.timestamp = ts;
  return blf;
}

export interface OnlinePbxPresence extends Presence {
  registered: boolean;
}

/**
 * `registration` (2.0) / `user_registration` (3.0) -> presence. `register` is registered; the
 * documented in-between states (`pre_register`, `register_attempt`) are not yet registered,
 * so their status is unknown; `unregister` (seen in a 3.0 client) and an `expires` of 0 (how
 * SIP says unregister) are offline.
 */
export function presenceOf(d: OnlinePbxData): OnlinePbxPresence | undefined {
  const user = userOf(d);
  if (!user) return undefined;
  const state = textOf(d.state ?? d.status)?.toLowerCase() ?? '';
  let status: PresenceStatus;
  let registered: boolean;
  if ((state === 'register' || state === 'registered' || state === 'reregister') && num(d.expires) !== 0) {
    status = 'available';
    registered = true;
  } else if (state === 'pre_register' || state === 'register_attempt') {
    status = 'unknown';
    registered = false;
  } else {
    status = state === '' ? 'unknown' : 'offline';
    registered = false;
  }
  return { user, num: user, status, registered };
}

/** What a `channel_*` / `call_end` event does to the call lifecycle of one channel. */
export interface ChannelChange {
  callId: string;
  state: CallState;
  fields: Partial<Call>;
}

/**
 * The PBX user a channel's endpoint names (`222@example.onpbx.ru` -> `222`). A bare number is
 * no phone of the PBX: the API 2.0 doc's `channel_create` of a call from outside has the
 * caller's number there (`endpoint: "9090001122"`, with `gate` set), and that is never an
 * extension.
 */
function endpointUser(v: unknown): string | undefined {
  const e = textOf(v);
  const at = e ? e.indexOf('@') : -1;
  return e && at > 0 ? e.slice(0, at) : undefined;
}

function callFields(d: OnlinePbxData): Partial<Call> {
  const f: Partial<Call> = {};
  const dir = direction(d.direction ?? d.type);
  if (dir) f.direction = dir;
  const from = textOf(d.caller_number) ?? textOf(d.caller_id_number) ?? textOf(d.from);
  if (from) f.from = from;
  const to = textOf(d.destination_number) ?? textOf(d.to);
  if (to) f.to = to;
  // `caller_name` is documented (2.0 `channel_create`, 3.0 typings); the called party's name is
  // not: `destination_name`/`callee_name` are FreeSWITCH's spellings, taken where a PBX sends them
  // (assumption). The connection drops a "name" equal to the number (`caller_name: "204"`).
  const fromName = textOf(d.caller_name) ?? textOf(d.caller_id_name);
  if (fromName) f.fromName = fromName;
  const toName = textOf(d.destination_name) ?? textOf(d.callee_name) ?? textOf(d.callee_id_name);
  if (toName) f.toName = toName;
  const ext = endpointUser(d.endpoint) ?? textOf(d.uid);
  if (ext) f.extension = ext;
  const cause = textOf(d.hangup_cause);
  if (cause) f.cause = cause;
  return f;
}

/** The channels a `channel_bridge` joins: 2.0 names both legs (`aleg_uuid`, `bleg_uuid`); 3.0's `bridge` takes `uuids`, its event may too. */
export function bridgedIds(d: OnlinePbxData): string[] {
  const ids = [textOf(d.aleg_uuid), textOf(d.bleg_uuid)];
  if (Array.isArray(d.uuids)) for (const u of d.uuids) ids.push(textOf(u));
  if (!ids.some(Boolean)) ids.push(textOf(d.uuid) ?? textOf(d.channel_uuid));
  return [...new Set(ids.filter((id): id is string => Boolean(id)))];
}

/**
 * The changes one channel event makes, one per channel it names (a bridge names two). A
 * `channel_*` event is about one FreeSWITCH channel (`uuid`): that uuid is the call id.
 * `channel_application` and `channel_unbridge` change no state (the call goes on).
 */
export function channelChanges(event: string, d: OnlinePbxData): ChannelChange[] {
  const uuid = textOf(d.uuid) ?? textOf(d.channel_uuid);
  switch (event) {
    case 'channel_create':
      return uuid ? [{ callId: uuid, state: 'ringing', fields: callFields(d) }] : [];
    case 'channel_answer':
    case 'channel_unhold':
      return uuid ? [{ callId: uuid, state: 'connected', fields: callFields(d) }] : [];
    case 'channel_hold':
      return uuid ? [{ callId: uuid, state: 'held', fields: callFields(d) }] : [];
    case 'channel_bridge':
      return bridgedIds(d).map((id) => ({ callId: id, state: 'connected', fields: {} }));
    case 'channel_destroy':
      return uuid ? [{ callId: uuid, state: 'ended', fields: callFields(d) }] : [];
    case 'call_end': {
      // The summary of a whole call (3.0), under its channel uuid and/or its `call_uuid`: the
      // call table decides which of its channels that ends (see CallTable).
      const out: ChannelChange[] = [];
      for (const id of new Set([uuid, textOf(d.call_uuid)]))
        if (id) out.push({ callId: id, state: 'ended', fields: callFields(d) });
      return out;
    }
    default:
      return [];
  }
}

/** What a call event is about, for either API version. */
export type EventKind = 'blf' | 'registration' | 'call' | undefined;

export function eventKind(name: string): EventKind {
  if (name === 'blf' || name === 'user_blf') return 'blf';
  if (name === 'registration' || name === 'user_registration') return 'registration';
  if (name === 'call_end' || name.startsWith('channel_')) return 'call';
  return undefined;
}
