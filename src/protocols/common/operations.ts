import { flagOf, givenText, givenYes, integerOf, paramTextOf } from './values';

/**
 * The operations a node can ask for, and their parameters typed once. The nodes build the raw
 * parameters from node properties and `msg.payload`; the connection checks them here (after it
 * knows the vendor offers the operation and the PBX is connected) and the adapter receives the
 * typed object. Each interface carries the union of what the vendors accept: a field only one
 * vendor reads says so, and what a vendor requires of it (per action, say) it checks itself.
 * Text parameters are read as typed in the editor (`paramTextOf`: trimmed, numbers as text,
 * blank and non-text values absent), yes/no ones with `flagOf`.
 */
export type Operation =
  'command' | 'makeCall' | 'callControl' | 'setPresence' | 'profile' | 'provisioningCode' | 'signal';

/** `pbx-command`: any request by name; `params` are the request's fields, passed on as the PBX takes them. */
export interface CommandParams {
  /** The request (innovaphone `mt`, Vodia action, onlinePBX command); the vendor checks the name. */
  command: string;
  /** innovaphone: the `api` of the request (PbxApi when absent, none when empty). */
  api?: string;
  params: Record<string, unknown>;
}

/**
 * `pbx-make-call`: the phone of `from` rings first, then `to` is called. The other `msg.payload`
 * fields are the vendor's own call options, which go on the wire as its request builder reads
 * them (innovaphone UserCall `srce164`/`ftyNoCF`/`audio`/`rc`, onlinePBX make_call
 * `from_name`/`gate_from`/`gate_to`/...).
 */
export interface MakeCallParams {
  /** Absent: Vodia calls from the connection's extension; the others require it. */
  from?: string;
  /** Required by every vendor; empty when not given (the vendor says it is missing). */
  to: string;
  /** innovaphone: the device (`hw`) of `from` that places the call. */
  hw?: string;
  [option: string]: unknown;
}

/** `pbx-call-control`: `action` on the call `callId`; the rest depends on the action and vendor. */
export interface CallControlParams {
  /** Empty when not given: the vendor refuses it naming what it supports. */
  action: string;
  /** Empty when not given: the vendor says it is missing. */
  callId: string;
  /** transfer/redirect target; innovaphone pickup: who picks up (when `user` is absent). */
  to?: string;
  /** The second call: attended transfer (innovaphone, Vodia) or bridge (onlinePBX). */
  toCallId?: string;
  /** Vodia's name of `toCallId`. */
  id2?: string;
  /** onlinePBX's wire name of `toCallId`. */
  to_uuid?: string;
  /** Vodia transfer: the transferring extension; onlinePBX eavesdrop: the listening one. */
  from?: string;
  /** innovaphone dtmf. */
  digits?: string;
  /** innovaphone pickup: the user whose phone picks the call up. */
  user?: string;
  /** innovaphone hangup: the Q.931 cause. */
  cause?: number;
  /** innovaphone hold: retrieve (true) or hold (false); absent toggles. */
  retrieve?: boolean;
  /** innovaphone hold: music on hold for the held party only. */
  remote?: boolean;
  /** Vodia hangup: whether the call was answered (absent: from the call's state). */
  connected?: boolean;
  /** Vodia transfer: attended or blind (absent: attended when there is a second call). */
  attended?: boolean;
  /** Vodia record: `on` or `off`. */
  startstop?: string;
  /** Vodia record: false (or `off`) stops recording. */
  record?: boolean;
  /** Vodia record: true stops recording. */
  stop?: boolean;
  /** onlinePBX transfer options. */
  domain_to?: string;
  gate_to?: string;
  gateway_id?: string;
  /** onlinePBX eavesdrop option. */
  gate_from?: string;
}

/** `pbx-set-presence` (innovaphone SetPresence). */
export interface SetPresenceParams {
  sip: string;
  contact: string;
  activity: string;
  note: string;
}

/** `pbx-profile` (innovaphone favourites); which fields an action needs is checked by its request builder. */
export interface ProfileParams {
  action: string;
  /** The profile; absent: the monitored one. Not a number (NaN) counts as missing. */
  id?: number;
  name?: string;
  sip?: string;
  num?: string;
  dn?: string;
  dsp?: string;
  presence?: boolean;
  dialog?: boolean;
  /** A favourite given whole; it goes as given. */
  contact?: Record<string, unknown>;
  /** The favourite's id; NaN when given but not a number (counts as missing). */
  contactId?: number;
}

/** `pbx-device-provisioned` (innovaphone Devices GetProvisioningCode). */
export interface ProvisioningCodeParams {
  category: string;
  sip?: string;
  rollout?: boolean;
  domainId?: number;
  administrative?: boolean;
}

/** `pbx-signaling` in control mode (innovaphone EpSignal). */
export interface SignalParams {
  hw: string;
  /**
   * EpSignal's CallId, an integer (seed 003; negative for calls the app starts): a numeric
   * string from a flow goes out as a number, anything else is refused before it reaches the PBX.
   */
  call: number;
  /** Toward the device (true) or the PBX. */
  to: boolean;
  sig: Record<string, unknown>;
}

export interface OperationParams {
  command: CommandParams;
  makeCall: MakeCallParams;
  callControl: CallControlParams;
  setPresence: SetPresenceParams;
  profile: ProfileParams;
  provisioningCode: ProvisioningCodeParams;
  signal: SignalParams;
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

export function checkCommand(raw: Raw): CommandParams {
  const p = raw.params;
  return {
    command: paramTextOf(raw.command) ?? '',
    api: givenText(raw.api),
    params: isObject(p) && !Array.isArray(p) ? p : {},
  };
}

export function checkMakeCall(raw: Raw): MakeCallParams {
  return { ...raw, from: paramTextOf(raw.from), to: paramTextOf(raw.to) ?? '', hw: paramTextOf(raw.hw) };
}

export function checkCallControl(raw: Raw): CallControlParams {
  return {
    action: paramTextOf(raw.action) ?? '',
    callId: paramTextOf(raw.callId) ?? '',
    to: paramTextOf(raw.to),
    toCallId: paramTextOf(raw.toCallId),
    id2: paramTextOf(raw.id2),
    to_uuid: paramTextOf(raw.to_uuid),
    from: paramTextOf(raw.from),
    digits: paramTextOf(raw.digits),
    user: paramTextOf(raw.user),
    cause: integerOf(raw.cause),
    retrieve: flagOf(raw.retrieve),
    remote: flagOf(raw.remote),
    connected: flagOf(raw.connected),
    attended: flagOf(raw.attended),
    startstop: paramTextOf(raw.startstop),
    record: raw.record === 'off' ? false : flagOf(raw.record),
    stop: flagOf(raw.stop),
    domain_to: paramTextOf(raw.domain_to),
    gate_to: paramTextOf(raw.gate_to),
    gateway_id: paramTextOf(raw.gateway_id),
    gate_from: paramTextOf(raw.gate_from),
  };
}

export function checkSetPresence(raw: Raw): SetPresenceParams {
  const sip = paramTextOf(raw.sip);
  if (!sip) throw new TypeError("property 'sip' is missing: the user whose presence is set");
  return {
    sip,
    contact: givenText(raw.contact) ?? 'tel:',
    activity: givenText(raw.activity) ?? '',
    note: givenText(raw.note) ?? '',
  };
}

export function checkProfile(raw: Raw): ProfileParams {
  const contact = isObject(raw.contact) ? raw.contact : undefined;
  const contactId = raw.contactId !== undefined ? raw.contactId : contact?.id;
  return {
    action: givenText(raw.action) ?? '',
    id: raw.id === undefined ? undefined : Number(raw.id),
    name: givenText(raw.name),
    sip: givenText(raw.sip),
    num: givenText(raw.num),
    dn: givenText(raw.dn),
    dsp: givenText(raw.dsp),
    presence: typeof raw.presence === 'boolean' ? raw.presence : undefined,
    dialog: typeof raw.dialog === 'boolean' ? raw.dialog : undefined,
    contact,
    contactId: contactId === undefined ? undefined : contactId === '' ? NaN : Number(contactId),
  };
}

/**
 * A Devices domain id: an unsigned integer, from a number or a string of digits (ulong64 in
 * seed 004); anything else is refused naming the property.
 */
export function domainIdOf(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new TypeError(`property 'domainId' must be a domain id number, not ${JSON.stringify(v)}`);
  return n;
}

export function checkProvisioningCode(raw: Raw): ProvisioningCodeParams {
  if (raw.category === undefined || raw.category === '')
    throw new TypeError("property 'category' is missing: the provisioning category name");
  return {
    category: String(raw.category),
    sip: raw.sip ? String(raw.sip) : undefined,
    rollout: givenYes(raw.rollout),
    domainId: raw.domainId === undefined || raw.domainId === '' ? undefined : domainIdOf(raw.domainId),
    administrative: givenYes(raw.administrative),
  };
}

export function checkSignal(raw: Raw): SignalParams {
  const hw = paramTextOf(raw.hw);
  if (!hw) throw new TypeError("property 'hw' is missing: the device (hw id) the Signaling is for");
  const call = integerOf(raw.call);
  if (call === undefined)
    throw new TypeError(
      `property 'call' in msg.payload must be an integer (EpSignal CallId), got ${JSON.stringify(raw.call)}`,
    );
  if (!isObject(raw.sig)) throw new TypeError("property 'sig' in msg.payload must be an object");
  return { hw, call, to: raw.to === true, sig: raw.sig };
}

const CHECKS: { [O in Operation]: (raw: Raw) => OperationParams[O] } = {
  command: checkCommand,
  makeCall: checkMakeCall,
  callControl: checkCallControl,
  setPresence: checkSetPresence,
  profile: checkProfile,
  provisioningCode: checkProvisioningCode,
  signal: checkSignal,
};

/**
 * The typed parameters of `op` from those a node built; throws (a TypeError, shown as invalid
 * input) where a parameter cannot be what the operation needs.
 */
export function checkParams<O extends Operation>(op: O, raw: Raw): OperationParams[O] {
  const check: (raw: Raw) => OperationParams[O] = CHECKS[op];
  return check(raw);
}

/** How a vendor runs the operations it offers, each with its typed parameters. */
export type OperationHandlers<Result> = {
  [O in Operation]?: (params: OperationParams[O], timeoutMs: number) => Promise<Result>;
};

/** The handler a table holds for `op`, typed for that operation's parameters; undefined where the vendor has none. */
export function handlerOf<O extends Operation, Result>(
  handlers: OperationHandlers<Result>,
  op: O,
): ((params: OperationParams[O], timeoutMs: number) => Promise<Result>) | undefined {
  return handlers[op];
}
