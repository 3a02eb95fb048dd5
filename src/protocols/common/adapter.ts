import type { ConnectionOptions } from 'tls';
import type { OperationHandlers } from './operations';
import type { Blf, Call, CallRecord, CallSummary, PbxMessage, PbxUser, Presence } from '../../model/types';

/**
 * The seam between the generic connection (src/connection) and a vendor. One adapter lives as
 * long as its `pbx-connection`; it opens a fresh socket for every (re)connect. The connection
 * owns backoff, the login timeout, interest bookkeeping and state; the adapter owns the wire.
 */

/**
 * What a node can watch. `key` is a user, extension, hw id, event name, ... or `*` for all.
 * `record` (call records) is made by the connection from `call` reports, never by an adapter.
 */
export type Channel =
  'presence' | 'blf' | 'call' | 'record' | 'event' | 'signaling' | 'profile' | 'device' | 'provisioning';
export const ALL = '*';

/** The normalized payload each channel carries: what the nodes and the state store can rely on. */
export interface ChannelPayloads {
  presence: Presence;
  blf: Blf;
  call: Call;
  record: CallRecord;
  event: unknown;
  signaling: unknown;
  profile: unknown;
  device: unknown;
  provisioning: unknown;
}

export interface Interest {
  channel: Channel;
  key: string;
}

/** What a node can ask for, with its parameters typed per operation (see `operations.ts`). */
export type { Operation, OperationParams } from './operations';

export interface OperationResult {
  payload: unknown;
  /** The vendor's reply frame(s), for `msg.raw`. */
  raw?: unknown;
}

export type LogLevel = 'debug' | 'info' | 'warn';

/** How the PBX writes outside numbers (innovaphone `GetNodeInfo`), for the phone book's matching. */
export interface PbxNumbering {
  countryCode?: string;
  prefixIntl?: string;
  prefixNtl?: string;
  prefixSubs?: string;
}

export interface AdapterEvents {
  /** Delivers a normalized message to the nodes that watch (channel, key) or (channel, `*`). */
  emit<C extends Channel>(channel: C, key: string, message: PbxMessage<ChannelPayloads[C]>): void;
  /**
   * What a snapshot command (not an event) says a key is now: the state store takes it, and the
   * nodes hear of it only when it changes what the store knew (a change during an outage).
   */
  snapshot<C extends 'presence' | 'blf' | 'call'>(
    channel: C,
    key: string,
    message: PbxMessage<ChannelPayloads[C]>,
  ): void;
  /** The PBX summed up a whole call (onlinePBX 3.0 `call_end`): completes its call record. */
  callSummary(summary: CallSummary, raw: unknown): void;
  /**
   * Whether any node watches (channel, key) or (channel, `*`): lets hot paths skip work. Not
   * for presence, BLF and call reports: the state store takes those whoever watches.
   */
  listening(channel: Channel, key: string): boolean;
  /**
   * The PBX's own users and the names it gives them (innovaphone users, onlinePBX `user_list`,
   * Vodia accounts): the connection names their numbers with these where a report names nobody.
   * Adapters report names; they never decide which name a party gets (the connection's PartyNames).
   */
  users(list: readonly PbxUser[]): void;
  /** The PBX said how it writes outside numbers (where it says: innovaphone after each login). */
  numbering?(numbering: PbxNumbering): void;
  /** The logged-in socket is gone; the connection schedules a reconnect. Not called for a failed `open`. */
  dropped(reason: string): void;
  log(level: LogLevel, text: string): void;
}

/** What every connection has, whatever its vendor. */
export interface CommonSettings {
  /** The id of the vendor's descriptor (`src/protocols/<vendor>/index.ts`). */
  vendor: string;
  /** Filled by a core tls-config node (`addTLSOptions`); verification stays on unless it says otherwise. */
  tls: ConnectionOptions;
  /** Handshake and login must finish within this. */
  loginTimeoutMs: number;
  /** Keepalive interval; the socket counts as dead after about twice this without traffic. */
  keepaliveMs: number;
}

/**
 * One connection's settings: the common part and the vendor's own options (`O`, made by its
 * descriptor's `settings`), side by side so an adapter reads both the same way.
 */
export type ConnectionSettings<O extends object = object> = CommonSettings & O;

export interface VendorAdapter {
  readonly channels: ReadonlySet<Channel>;
  /**
   * How it runs each operation it offers, with the parameters the connection checked
   * (`checkParams`): the operations it offers are the keys. The connection looks a handler up
   * once and refuses, naming vendor and operation, one the table lacks.
   */
  readonly handlers: OperationHandlers<OperationResult>;
  /** Opens the socket and logs in; resolves when usable. Rejects with AuthError for bad credentials. */
  open(): Promise<void>;
  /**
   * Ends the socket now: pending requests reject with DisconnectedError at once, events stop.
   * Resolves once the socket has said goodbye (the close handshake, capped at a second), for a
   * config node's close to wait on. Idempotent.
   */
  close(): Promise<void>;
  /**
   * Establishes an interest on the PBX side. Called while connected: for every interest right
   * after `open` (so subscriptions survive reconnects) and for each new one. A rejection is
   * shown on the nodes that hold the interest.
   */
  watch(interest: Interest): Promise<void>;
  /** The last node holding `interest` went away (only called while connected). */
  unwatch(interest: Interest): void;
  /** Names the PBX reports for editor autocomplete, for a node field (`users`, `extensions`, `hw`, `to`). */
  suggestions(field: string): Promise<string[]>;
}

export type AdapterFactory<O extends object = object> = (
  settings: ConnectionSettings<O>,
  events: AdapterEvents,
) => VendorAdapter;
