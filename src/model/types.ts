/** The normalized message model shared by every vendor (see the node contract). */

/** A phone book's answer for a number (NODES.md "Who: names for numbers"). */
export interface Contact {
  name: string;
  /** The matched number: E.164 where it could be normalized, else as the PBX gave it. */
  number: string;
  groups: string[];
  /** The label of the phone book source that matched. */
  source: string;
}

/** One user of the PBX as the PBX names it (innovaphone users, onlinePBX `user_list`, Vodia accounts). */
export interface PbxUser {
  number: string;
  name: string;
}

export type PresenceStatus = 'available' | 'away' | 'busy' | 'dnd' | 'offline' | 'unknown';
export interface Presence {
  user: string;
  num?: string;
  sip?: string;
  dn?: string;
  status: PresenceStatus;
  activity?: string;
  note?: string;
  registered?: boolean;
  dnd?: boolean;
  presence?: unknown;
}

export type BlfState = 'idle' | 'ringing' | 'busy' | 'held' | 'unregistered';
export interface Blf {
  extension: string;
  state: BlfState;
  direction?: 'inbound' | 'outbound';
  otherParty?: string;
  otherPartyName?: string;
  otherPartyContact?: Contact;
  callId?: string;
  timestamp?: number;
}

export type CallState = 'ringing' | 'connected' | 'held' | 'ended';
export interface Call {
  callId: string;
  state: CallState;
  direction?: 'inbound' | 'outbound' | 'local';
  from?: string;
  to?: string;
  fromName?: string;
  toName?: string;
  fromContact?: Contact;
  toContact?: Contact;
  extension?: string;
  cause?: string;
}

/** The kinds of live state a connection keeps (NODES.md "Live state"). */
export type StateKind = 'presence' | 'blf' | 'call';
export const STATE_KINDS: readonly StateKind[] = ['presence', 'blf', 'call'];

/** One ended call, once per call and connection (NODES.md "call record"). Times in ms since the epoch. */
export interface CallRecord {
  callId: string;
  direction?: Call['direction'];
  from?: string;
  to?: string;
  fromName?: string;
  toName?: string;
  fromContact?: Contact;
  toContact?: Contact;
  extension?: string;
  startedAt: number;
  answeredAt?: number;
  endedAt: number;
  ringMs: number;
  talkMs: number;
  durationMs: number;
  answered: boolean;
  missed: boolean;
  cause?: string;
  endedWhileDisconnected?: boolean;
  /** Whose clock every time of this record is: the PBX's own stamps, or Node-RED's arrival times. */
  clock: 'pbx' | 'local';
}

/**
 * What a call leg's report adds for the record of the whole call: the vendor's id of the call
 * it belongs to (legs of one call share it) and the PBX's own times where the frame has them.
 */
export interface CallFacts {
  group?: string;
  startedAt?: number;
  answeredAt?: number;
  /** The call's direction as the PBX sees the whole call (a leg's own direction may differ). */
  direction?: Call['direction'];
  /** The PBX sends a summary of the whole call (onlinePBX 3.0 `call_end`): the record waits for it. */
  summary?: boolean;
}

/** The PBX's own summary of a whole call (onlinePBX 3.0 `call_end`). */
export interface CallSummary {
  group: string;
  startedAt?: number;
  endedAt?: number;
  talkMs?: number;
  durationMs?: number;
  direction?: Call['direction'];
  cause?: string;
}

/**
 * What a vendor adapter emits: the connection adds `vendor`. `raw` is the vendor's original
 * frame object, never modified. The connection's state store fills `previous`, `since` and
 * `changed` for presence, BLF and call messages.
 */
export interface PbxMessage<P = unknown> {
  topic: string;
  payload: P;
  event: string;
  raw: unknown;
  /** The PBX's own time of this report (ms since the epoch), where the frame carries one. */
  at?: number;
  /** Found by comparing what the PBX reports after a reconnect with what was known before. */
  resync?: boolean;
  /** Call messages: what the call record needs. */
  call?: CallFacts;
  previous?: P | null;
  since?: number;
  changed?: boolean;
}
