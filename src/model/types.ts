/** The normalized message model shared by every vendor (see the node contract). */

export type VendorId = 'innovaphone' | 'innovaphone-devices' | 'onlinepbx' | 'vodia';
export const VENDORS: readonly VendorId[] = ['innovaphone', 'innovaphone-devices', 'onlinepbx', 'vodia'];

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
  extension?: string;
  cause?: string;
}

/**
 * What a vendor adapter emits: the connection adds `vendor`. `raw` is the vendor's original
 * frame object, never modified.
 */
export interface PbxMessage {
  topic: string;
  payload: unknown;
  event: string;
  raw: unknown;
}
