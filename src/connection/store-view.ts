import type { CallRecord, StateKind } from '../model/types';
import { ALL, type Interest } from '../protocols/common/adapter';
import { cleanName, type PartyNames } from './names';
import type { ConnectionState, ConnectionUser } from './pbx-connection';
import type { Listener } from './router';
import type { EntryChange, StateEntry, StateStore } from './state-store';

/**
 * What a view shows: the kinds, and the users/extensions of presence and BLF (null: every key the
 * store holds). Calls are never filtered: a call's key is an id no one configures.
 */
export interface ViewSpec {
  kinds: readonly StateKind[];
  keys: readonly string[] | null;
  /** Subscribes the keys like an input node (every key without a list), so the store has them. Default true. */
  hold?: boolean;
  /** Also hands over every call record (`listener.record`). */
  records?: boolean;
}

/**
 * Besides the store's changes: `named`, the name of a presence or BLF key changed (the PBX's user
 * names, or the key's presence `dn`), and `connection`, a configured key the PBX never reported
 * follows the connection (it has no entry to turn stale).
 */
export type ViewChange = EntryChange | 'named' | 'connection';

export interface ViewListener {
  /**
   * A key of the view changed. `entry` is its entry now; for `removed` the last one, which the
   * store no longer holds (an ended call's end); undefined for a key the store does not hold.
   * Without it the view only reads (`pbx-state`) and costs the store's reports nothing.
   */
  entry?(kind: StateKind, key: string, entry: Readonly<StateEntry> | undefined, change: ViewChange): void;
  /** The connection's state changed (not told for the state it is in when the view starts). */
  state?(state: ConnectionState, detail: string): void;
  record?(record: CallRecord): void;
  /** A held interest failed (a kind or key the PBX refuses). */
  problem?(err: Error): void;
}

/** The parts of `PbxConnection` a view uses (no import of the class: it creates views). */
export interface ViewedConnection {
  readonly state: ConnectionState;
  readonly store: StateStore;
  readonly names: PartyNames;
  register(user: ConnectionUser): void;
  deregister(user: ConnectionUser): void;
  watch(user: ConnectionUser, interest: Interest, onMessage: Listener | null, onError: (e: Error) => void): void;
  /** Names changed, told once per batch after the store's entries were named again. */
  onNamesChanged(fn: () => void): () => void;
}

/**
 * The name of a user or extension: the connection's names (phone book, then the PBX's user
 * names), else the `dn` of the key's presence entry; none when it is no name for the key
 * (`cleanName`: equal to it, its digits, empty). Cleaned here as well: whoever shows it (the
 * wallboard, the sensors, the editor) gets only what `cleanName` lets through.
 */
export function nameOfKey(connection: Pick<ViewedConnection, 'names' | 'store'>, key: string): string | undefined {
  const presence = connection.store.get('presence', key)?.payload as { dn?: unknown } | undefined;
  return cleanName(connection.names.nameOf(key), key) ?? cleanName(presence?.dn, key);
}

/**
 * One live view of a connection's state store (the wallboard, `pbx-mqtt`, `pbx-state`): it holds
 * its keys like an input node, tells its listener of every change a viewer of those keys sees
 * (connection state changes included), and hands over the last entry of a key that leaves, so an
 * ended call rides on the store like presence and lamps. `stop` lets go of everything.
 */
export class StoreView {
  /** The configured keys of presence and BLF, in their order; null for every key. */
  private readonly keys: readonly string[] | null;
  private readonly user: ConnectionUser;
  private readonly wanted: ReadonlySet<string> | null;
  private readonly shows: ReadonlySet<StateKind>;
  /** The name last told per BLF key, so a presence change that keeps the name tells nothing. */
  private readonly lampNames = new Map<string, string | undefined>();
  private readonly stops: Array<() => void> = [];
  private tell: NonNullable<ViewListener['entry']> = () => undefined;
  private starting = true;
  private stopped = false;

  constructor(
    private readonly connection: ViewedConnection,
    spec: ViewSpec,
    private readonly listener: ViewListener,
  ) {
    this.shows = new Set(spec.kinds);
    this.keys = spec.keys ? [...spec.keys] : null;
    this.wanted = this.keys ? new Set(this.keys) : null;
    this.user = { onState: (state, detail) => this.onState(state, detail) };
    connection.register(this.user);
    this.starting = false;
    const tell = listener.entry?.bind(listener);
    if (tell) {
      this.tell = tell;
      this.stops.push(connection.store.observe((kind, key, entry, change) => this.onStore(kind, key, entry, change)));
      this.stops.push(connection.onNamesChanged(() => this.renameAll()));
    }
    const problem = (err: Error): void => listener.problem?.(err);
    if (spec.hold !== false) {
      for (const kind of this.shows) {
        for (const key of kind === 'call' || !this.keys ? [ALL] : this.keys)
          connection.watch(this.user, { channel: kind, key }, null, problem);
      }
    }
    if (spec.records)
      connection.watch(
        this.user,
        { channel: 'record', key: ALL },
        (m) => listener.record?.(m.payload as CallRecord),
        problem,
      );
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  get(kind: StateKind, key: string): Readonly<StateEntry> | undefined {
    return this.connection.store.get(kind, key);
  }

  /** The view's entries of a kind, sorted by key (the configured keys only, where there is a list). */
  entries(kind: StateKind): ReadonlyArray<readonly [string, Readonly<StateEntry>]> {
    const all = this.connection.store.entries(kind);
    const wanted = this.wanted;
    return wanted && kind !== 'call' ? all.filter(([key]) => wanted.has(key)) : all;
  }

  /** The name of a user or extension (`nameOfKey`). Text from outside: show it as text. */
  nameOf(key: string): string | undefined {
    return nameOfKey(this.connection, key);
  }

  /** Lets go of the keys, the store and the connection: nothing is told after this. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const stop of this.stops) stop();
    this.connection.deregister(this.user);
  }

  private shown(kind: StateKind, key: string): boolean {
    return this.shows.has(kind) && (kind === 'call' || !this.wanted || this.wanted.has(key));
  }

  private onStore(kind: StateKind, key: string, entry: Readonly<StateEntry>, change: EntryChange): void {
    if (this.shown(kind, key)) this.tell(kind, key, entry, change);
    // A lamp is named after its extension's presence: a lamp of the view is told when that name changes.
    if (kind === 'presence' && this.shown('blf', key)) this.rename(key);
  }

  private onState(state: ConnectionState, detail: string): void {
    if (this.starting || this.stopped) return;
    this.listener.state?.(state, detail);
    for (const kind of this.shows) {
      if (kind === 'call') continue;
      for (const key of this.keys ?? []) if (!this.get(kind, key)) this.tell(kind, key, undefined, 'connection');
    }
  }

  private renameAll(): void {
    for (const kind of this.shows) {
      if (kind === 'call') continue;
      const keys = this.keys ?? this.entries(kind).map(([key]) => key);
      for (const key of keys) {
        if (kind === 'blf') this.rename(key);
        else this.tell(kind, key, this.get(kind, key), 'named');
      }
    }
  }

  /** Tells a lamp of the view whose name changed (a key without a lamp entry is on the view only when configured). */
  private rename(key: string): void {
    const entry = this.get('blf', key);
    if (!entry && !this.wanted) return;
    const name = this.nameOf(key);
    if (this.lampNames.get(key) === name) return;
    this.lampNames.set(key, name);
    this.tell('blf', key, entry, 'named');
  }
}
