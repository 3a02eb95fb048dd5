/**
 * The onlinePBX command catalogue for both API versions: which fields each command takes,
 * how node operations (make-call, call control) become commands, and which event groups a
 * watched channel needs. Pure functions; errors name the field a user has to set.
 */
import { randomBytes } from 'crypto';
import type { Interest } from '../common/adapter';
import type { CallControlParams, MakeCallParams } from '../common/operations';
import { UnsupportedError } from '../common/errors';

export type ApiVersion = '2' | '3';

interface CommandSpec {
  required: readonly string[];
  optional: readonly string[];
}

/** API 2.0: the 13 commands of the vendor excerpt, field names verbatim. */
export const V2_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  make_call: {
    required: ['from', 'to'],
    optional: ['from_orig_number', 'from_orig_name', 'domain_to', 'from_name', 'gate_from', 'gate_to'],
  },
  transfer: { required: ['uuid', 'to'], optional: ['gate_to', 'domain_to'] },
  bridge: { required: ['uuid', 'to_uuid'], optional: [] },
  eavesdrop: { required: ['uuid', 'from'], optional: ['gate_from'] },
  hangup_call: { required: ['uuid'], optional: [] },
  subscribe: { required: ['events'], optional: [] },
  reboot_phone: { required: ['num', 'model'], optional: [] },
  reloadgw: { required: ['num'], optional: [] },
  sip_message: { required: ['num', 'text'], optional: [] },
  flush_reg: { required: ['num'], optional: [] },
  trunk_list: { required: [], optional: [] },
  user_list: { required: [], optional: [] },
  message: { required: ['data'], optional: ['target'] },
};

/** API 3.0 commands seen in a typed client, with the event that answers each. */
export const V3_RESULTS: Readonly<Record<string, string>> = {
  subscribed: 'subscribe',
  unsubscribed: 'unsubscribe',
  transferred: 'transfer',
  bridged: 'bridge',
  hangup_channel: 'hangup_channel',
};

/** Event names a command may not use: socket.io reserves `disconnect`; `callback` is the reply. */
const RESERVED = new Set(['disconnect', 'connect', 'callback', 'error']);
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const SIP_MESSAGE_MAX = 200;
const PHONE_MODELS = ['yealink', 'cisco'];
const MESSAGE_TARGETS = ['domain', 'browser'];

export interface Request {
  command: string;
  data: Record<string, unknown>;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

/** Ids and numbers travel as strings, as in every example of the excerpt. */
function scalar(command: string, name: string, v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  throw new Error(`onlinepbx ${command}: '${name}' must be a string or number`);
}

export function commandName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!NAME.test(name)) throw new Error(`onlinepbx: '${String(raw ?? '')}' is not a command name`);
  if (RESERVED.has(name))
    throw new Error(`onlinepbx: '${name}' is reserved by the protocol and cannot be sent as a command`);
  return name;
}

/**
 * The parameters of an API 2.0 command as they go on the wire: for the 13 known commands only
 * their documented fields (strict in what we send), checked; other names pass through as given.
 */
export function v2Request(command: string, params: Record<string, unknown>): Request {
  const name = commandName(command);
  const spec = V2_COMMANDS[name];
  if (!spec) return { command: name, data: { ...params } };
  const data: Record<string, unknown> = {};
  for (const field of spec.required) {
    if (!present(params[field])) throw new Error(`onlinepbx ${name}: '${field}' is missing (msg.payload.${field})`);
  }
  for (const field of [...spec.required, ...spec.optional]) {
    const v = params[field];
    if (!present(v)) continue;
    data[field] = field === 'events' ? subscribeEvents(v) : scalar(name, field, v);
  }
  if (name === 'sip_message' && String(data.text).length > SIP_MESSAGE_MAX) {
    throw new Error(`onlinepbx sip_message: 'text' is longer than ${SIP_MESSAGE_MAX} characters`);
  }
  if (name === 'reboot_phone') {
    data.model = String(data.model).toLowerCase();
    if (!PHONE_MODELS.includes(String(data.model))) {
      throw new Error(`onlinepbx reboot_phone: 'model' must be one of ${PHONE_MODELS.join(', ')}`);
    }
  }
  if (name === 'message' && data.target !== undefined && !MESSAGE_TARGETS.includes(String(data.target))) {
    throw new Error(`onlinepbx message: 'target' must be one of ${MESSAGE_TARGETS.join(', ')}`);
  }
  return { command: name, data };
}

/** `subscribe.events`: an object of flags, or the string `list` (reads the subscriptions). */
function subscribeEvents(v: unknown): unknown {
  if (typeof v === 'string') return v.trim();
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const flags: Record<string, boolean> = {};
    for (const [k, f] of Object.entries(v)) flags[k] = f === true || f === 'true' || f === 1 || f === '1';
    return flags;
  }
  throw new Error(`onlinepbx subscribe: 'events' must be an object of flags or 'list'`);
}

const MAKE_CALL_V3 =
  'onlinePBX API 3.0 has no make_call over the WebSocket: use API 2.0 (apiVersion "2") or the onlinePBX HTTP API';

/**
 * An API 3.0 command. The 2.0 names of the same operations are translated (`hangup_call` ->
 * `hangup_channel`, `bridge {uuid, to_uuid}` -> `{uuids}`); other names pass through.
 */
export function v3Request(command: string, params: Record<string, unknown>): Request {
  const name = commandName(command);
  if (name === 'make_call') throw new UnsupportedError(MAKE_CALL_V3);
  if (name === 'hangup_call')
    return { command: 'hangup_channel', data: { uuid: needField('hangup_channel', 'uuid', params.uuid) } };
  if (name === 'bridge' && !Array.isArray(params.uuids)) {
    return {
      command: 'bridge',
      data: { uuids: [needField('bridge', 'uuid', params.uuid), needField('bridge', 'to_uuid', params.to_uuid)] },
    };
  }
  return { command: name, data: { ...params } };
}

/** make-call: API 2.0 only; the make_call options come from the other `msg.payload` fields. */
export function makeCallRequest(version: ApiVersion, params: MakeCallParams): Request {
  if (version === '3') throw new UnsupportedError(MAKE_CALL_V3);
  return v2Request('make_call', params);
}

export const CALL_CONTROL_ACTIONS = ['hangup', 'transfer', 'bridge', 'eavesdrop'];

/** A field a command or call control action requires, as it goes on the wire. */
function needField(command: string, field: string, v: unknown): string {
  if (!present(v)) throw new Error(`onlinepbx ${command}: '${field}' is missing (msg.payload.${field})`);
  return scalar(command, field, v);
}

/** Sets an optional field when given. */
function optionalField(data: Record<string, unknown>, command: string, field: string, v: string | undefined): void {
  if (present(v)) data[field] = scalar(command, field, v);
}

/**
 * pbx-call-control: `callId` is the channel uuid. `bridge` takes the other channel from
 * `toCallId` (or the wire name `to_uuid`); `transfer` the destination from `to`; `eavesdrop`
 * the listening extension from `from`.
 */
export function callControlRequest(version: ApiVersion, params: CallControlParams): Request {
  const { action } = params;
  const uuid = needField(action || 'call control', 'callId', params.callId);
  switch (action) {
    case 'hangup':
      return version === '3'
        ? { command: 'hangup_channel', data: { uuid } }
        : { command: 'hangup_call', data: { uuid } };
    case 'transfer': {
      const data: Record<string, unknown> = { uuid, to: needField('transfer', 'to', params.to) };
      optionalField(data, 'transfer', 'domain_to', params.domain_to);
      if (version === '3') optionalField(data, 'transfer', 'gateway_id', params.gateway_id);
      else optionalField(data, 'transfer', 'gate_to', params.gate_to);
      return { command: 'transfer', data };
    }
    case 'bridge': {
      const other = present(params.toCallId) ? params.toCallId : params.to_uuid;
      if (!present(other)) throw new Error(`onlinepbx bridge: 'toCallId' is missing (msg.payload.toCallId)`);
      const to = scalar('bridge', 'toCallId', other);
      return version === '3'
        ? { command: 'bridge', data: { uuids: [uuid, to] } }
        : { command: 'bridge', data: { uuid, to_uuid: to } };
    }
    case 'eavesdrop': {
      if (version === '3')
        throw new UnsupportedError('onlinepbx API 3.0 does not support the call control action eavesdrop');
      const data: Record<string, unknown> = { uuid, from: needField('eavesdrop', 'from', params.from) };
      optionalField(data, 'eavesdrop', 'gate_from', params.gate_from);
      return { command: 'eavesdrop', data };
    }
    default:
      throw new UnsupportedError(
        `onlinepbx does not support the call control action '${action}' (supported: ${CALL_CONTROL_ACTIONS.join(', ')})`,
      );
  }
}

const HASH_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A `callback_hash`: 16 characters of [0-9A-Za-z], uniformly (bytes >= 248 are redrawn so the
 * modulo has no bias), and without the official generator's off-by-one "undefined".
 */
export function callbackHash(): string {
  let out = '';
  while (out.length < 16) {
    for (const b of randomBytes(24)) {
      if (b < 248 && out.length < 16) out += HASH_CHARS[b % 62];
    }
  }
  return out;
}

/** API 2.0 subscription flags; `callback` is always on (whether replies need it is unknown). */
export const V2_FLAGS = ['calls', 'blf', 'messages', 'callback', 'api', 'registration'] as const;
/** API 3.0 event groups seen in clients. */
export const V3_GROUPS = ['calls', 'user_blf', 'user_registration', 'gateway', 'user_status'] as const;

/** Flags the subscribe answer also lists (server side): an event of that name needs its flag. */
const V2_OTHER_FLAGS = new Set<string>(['callback', 'api', 'fax', 'conference']);

/** The API 2.0 flag an event name needs. */
function v2FlagOf(event: string): string | undefined {
  if (event === 'blf' || event === 'user_blf') return 'blf';
  if (event === 'registration' || event === 'user_registration') return 'registration';
  if (event.startsWith('channel_') || event === 'call_end') return 'calls';
  if (event === 'message') return 'messages';
  return V2_OTHER_FLAGS.has(event) ? event : undefined;
}

function v3GroupOf(event: string): string | undefined {
  if (event === 'blf' || event === 'user_blf') return 'user_blf';
  if (event === 'registration' || event === 'user_registration') return 'user_registration';
  if (event.startsWith('channel_') || event === 'call_end') return 'calls';
  if (event.startsWith('gateway')) return 'gateway';
  if (event === 'user_status') return 'user_status';
  return undefined;
}

/** The groups the watched channels need, sorted (a stable signature). */
export function groupsFor(version: ApiVersion, interests: Iterable<Interest>): string[] {
  const all = version === '3' ? V3_GROUPS : V2_FLAGS;
  const groups = new Set<string>(version === '2' ? ['callback'] : []);
  const [blf, presence] = version === '3' ? ['user_blf', 'user_registration'] : ['blf', 'registration'];
  for (const { channel, key } of interests) {
    if (channel === 'blf') groups.add(blf);
    else if (channel === 'presence') groups.add(presence);
    else if (channel === 'call') groups.add('calls');
    else if (channel === 'event') {
      if (key === '*') for (const g of all) groups.add(g);
      else {
        const g = version === '3' ? v3GroupOf(key) : v2FlagOf(key);
        if (g) groups.add(g);
      }
    }
  }
  return [...groups].sort();
}

/** API 2.0 `subscribe.events`: every documented flag, on or off, plus any other flag wanted. */
export function v2SubscribeFlags(groups: readonly string[]): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const f of V2_FLAGS) flags[f] = groups.includes(f);
  for (const g of groups) flags[g] = true;
  return flags;
}
