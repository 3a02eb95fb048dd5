import type { PbxMessage, StateKind } from '../model/types';

/** One key's live state (NODES.md "Live state"). Times in ms since the epoch. */
export interface StateEntry<P = unknown> {
  payload: P;
  /** When the entry entered its current `status` (presence) or `state` (BLF, call). */
  since: number;
  /** The last report. */
  updatedAt: number;
  /** The connection is down, or came back without the PBX confirming this entry yet. */
  stale: boolean;
}

/**
 * Calls whose end never arrives (onlinePBX has no call snapshot: a call that ended during an
 * outage is never reported again) must not pile up: past this many the oldest goes.
 */
const MAX_CALLS = 10000;

type Fields = Record<string, unknown>;

/** What happened to an entry, as a viewer sees it. */
export type EntryChange = 'added' | 'changed' | 'stale' | 'confirmed' | 'removed';

/**
 * Told when what a viewer of the entry sees changes: a new key, a changed payload (`timestamp`
 * aside), the entry turning stale or confirmed again, or the key leaving. A key that leaves hands
 * over its last entry (an ended call: its `ended` payload), which the store no longer holds.
 */
export type StoreObserver = (kind: StateKind, key: string, entry: Readonly<StateEntry>, change: EntryChange) => void;

/**
 * What the PBX last reported, per kind and key. Fed by every presence, BLF and call report
 * on its way to the nodes; O(1) per report, and the only allocation is the entry's own copy of
 * the payload (the nodes get the original, which a flow may change). Ended calls leave.
 */
export class StateStore {
  private readonly maps: Record<StateKind, Map<string, StateEntry<Fields>>> = {
    presence: new Map(),
    blf: new Map(),
    call: new Map(),
  };
  /**
   * Per kind, the entries sorted by key, until a key comes or goes: the entry objects change in
   * place, so a report of a known key keeps it valid, and `pbx-state` asking for all of 10,000
   * presence entries does not sort them (with a numeric collation) on every message.
   */
  private readonly sorted: Partial<Record<StateKind, ReadonlyArray<readonly [string, Readonly<StateEntry>]>>> = {};
  /** The views of the live state (`StoreView`); none in most flows, so the hot path stays one size check. */
  private readonly observers = new Set<StoreObserver>();

  /** Adds an observer; returns the function that removes it. */
  observe(observer: StoreObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Applies one report and fills the message's `previous` (the entry's payload before, which
   * the store lets go of, or null), `since` and `changed` (the payload differs, `timestamp`
   * aside). `now` is the arrival time; the PBX's own time (`message.at`) wins for `since`.
   * `unshared`: no node gets this message, so the entry takes its payload as it is instead of a
   * copy (for Vodia, the lamp of every account on every `user-state`, which few flows watch).
   */
  apply(kind: StateKind, key: string, message: PbxMessage, now: number, unshared = false): void {
    const map = this.maps[kind];
    const payload = message.payload as Fields;
    const state = stateOf(kind, payload);
    const ended = kind === 'call' && state === 'ended';
    const entry = map.get(key);
    if (!entry) {
      const since = message.at ?? now;
      message.previous = null;
      message.since = since;
      message.changed = true;
      // A call first reported as ended never enters the store; its viewers (if any: no copy without) still see it end.
      if (ended) {
        if (this.observers.size)
          this.tell(kind, key, { payload: { ...payload }, since, updatedAt: now, stale: false }, 'removed');
        return;
      }
      if (kind === 'call' && map.size >= MAX_CALLS) this.remove(kind, map.keys().next().value as string);
      const added = { payload: unshared ? payload : { ...payload }, since, updatedAt: now, stale: false };
      map.set(key, added);
      delete this.sorted[kind];
      this.tell(kind, key, added, 'added');
      return;
    }
    const previous = entry.payload;
    message.previous = previous;
    message.changed = !sameFields(previous, payload);
    if (stateOf(kind, previous) !== state) entry.since = message.at ?? now;
    message.since = entry.since;
    const confirmed = entry.stale;
    // A shallow copy: the nested parts (innovaphone `presence`, RCC `bits`) are never changed by us.
    // An ended call's entry takes its end too: it is the last entry its viewers get.
    entry.payload = unshared ? payload : { ...payload };
    entry.updatedAt = now;
    entry.stale = false;
    if (ended) this.remove(kind, key);
    else if (message.changed || confirmed) this.tell(kind, key, entry, message.changed ? 'changed' : 'confirmed');
  }

  /**
   * New names for a known entry (a phone book loaded after the PBX's report): the payload is
   * replaced, its times and staleness stay, as the PBX said nothing new.
   */
  rename(kind: StateKind, key: string, payload: object): void {
    const entry = this.maps[kind].get(key);
    if (!entry) return;
    entry.payload = payload as Fields;
    this.tell(kind, key, entry, 'changed');
  }

  /** The connection went down: nothing it knows is confirmed any more. */
  markStale(): void {
    for (const kind of Object.keys(this.maps) as StateKind[]) {
      for (const [key, entry] of this.maps[kind]) {
        if (entry.stale) continue;
        entry.stale = true;
        this.tell(kind, key, entry, 'stale');
      }
    }
  }

  private remove(kind: StateKind, key: string): void {
    const last = this.maps[kind].get(key);
    this.maps[kind].delete(key);
    delete this.sorted[kind];
    if (last) this.tell(kind, key, last, 'removed');
  }

  private tell(kind: StateKind, key: string, entry: Readonly<StateEntry>, change: EntryChange): void {
    if (this.observers.size) for (const observer of this.observers) observer(kind, key, entry, change);
  }

  get(kind: StateKind, key: string): Readonly<StateEntry> | undefined {
    return this.maps[kind].get(key);
  }

  size(kind: StateKind): number {
    return this.maps[kind].size;
  }

  /**
   * Every entry of a kind, sorted by key (numbers in numeric order: 9 before 10). The array is
   * shared until a key comes or goes: read it, do not change it.
   */
  entries(kind: StateKind): ReadonlyArray<readonly [string, Readonly<StateEntry>]> {
    let sorted = this.sorted[kind];
    if (!sorted) {
      sorted = [...this.maps[kind]].sort((a, b) => compareKeys(a[0], b[0]));
      this.sorted[kind] = sorted;
    }
    return sorted;
  }
}

/** `localeCompare(b, undefined, { numeric: true })`, without building a collator per call. */
const collator = new Intl.Collator(undefined, { numeric: true });

export function compareKeys(a: string, b: string): number {
  return collator.compare(a, b);
}

/** The value a condition (`pbx-state` `is`) compares: presence `status`, else `state`. */
export function stateOf(kind: StateKind, payload: unknown): unknown {
  const p = payload as Fields | null;
  return p === null || typeof p !== 'object' ? undefined : kind === 'presence' ? p.status : p.state;
}

/** Two payloads say the same, `timestamp` (the time of the report, not of the state) aside. */
function sameFields(a: Fields, b: Fields): boolean {
  let count = 0;
  for (const k in a) {
    if (k === 'timestamp' || a[k] === undefined) continue;
    if (!sameValue(a[k], b[k])) return false;
    count++;
  }
  for (const k in b) if (k !== 'timestamp' && b[k] !== undefined) count--;
  return count === 0;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => sameValue((a as Fields)[k], (b as Fields)[k]));
}
