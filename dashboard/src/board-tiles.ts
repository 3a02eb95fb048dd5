/**
 * What the board shows, built from the state store of a `pbx-connection` of
 * @pbxflow/node-red-pbx. Only the shapes this package reads are written here: the two packages are
 * joined at run time (the config node's `connection`), not by an import.
 */

export type BoardKind = 'presence' | 'blf';

export interface StoreEntry {
  payload: Record<string, unknown>;
  since: number;
  stale: boolean;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'auth-failed' | 'closed';

export interface ConnectionUser {
  onState(state: ConnectionState, detail: string): void;
}

/** The part of @pbxflow/node-red-pbx's PbxConnection the board uses. */
export interface BoardConnection {
  readonly state: ConnectionState;
  readonly vendor: string;
  readonly store: {
    get(kind: BoardKind, key: string): StoreEntry | undefined;
    entries(kind: BoardKind): ReadonlyArray<readonly [string, StoreEntry]>;
    observe(observer: (kind: string, key: string, entry: StoreEntry | undefined) => void): () => void;
  };
  supportsChannel(channel: BoardKind): boolean;
  register(user: ConnectionUser): void;
  deregister(user: ConnectionUser): void;
  watch(
    user: ConnectionUser,
    interest: { channel: BoardKind; key: string },
    onMessage: null,
    onError: (err: Error) => void,
  ): void;
}

/** One tile as the browser gets it. */
export interface Tile {
  key: string;
  /** The normalized state (presence `status`, BLF `state`); `unknown` before the first report. */
  state: string;
  stale: boolean;
  /** Since when the key is in its state (ms since the epoch); null before the first report. */
  since: number | null;
  /** The display name, where the PBX reports one (presence). */
  name?: string;
  /** BLF: the other party while ringing, busy or held; presence: the note. */
  detail?: string;
}

/** The message field holding the key's state, per kind. */
const STATE_FIELD: Record<BoardKind, string> = { presence: 'status', blf: 'state' };
const DETAIL_STATES = new Set(['ringing', 'busy', 'held']);

/**
 * The tile of a key. `presence` is the key's presence entry, where the store has one: its display
 * name also names a BLF tile (Vodia reports both under the extension).
 */
export function tileOf(
  kind: BoardKind,
  key: string,
  entry: StoreEntry | undefined,
  connected: boolean,
  presence: StoreEntry | undefined = kind === 'presence' ? entry : undefined,
): Tile {
  const name = presence ? text(presence.payload.dn) : '';
  if (!entry)
    return { key, state: 'unknown', stale: !connected, since: null, ...(name && name !== key ? { name } : {}) };
  const p = entry.payload;
  const state = text(p[STATE_FIELD[kind]]) || 'unknown';
  const tile: Tile = { key, state, stale: entry.stale, since: entry.since };
  if (name && name !== key) tile.name = name;
  if (kind === 'presence') {
    const note = text(p.note);
    if (note) tile.detail = note;
  } else {
    const other = text(p.otherParty);
    if (other && DETAIL_STATES.has(state)) tile.detail = other;
  }
  return tile;
}

/** The configured keys (comma separated), or null for every key the store holds. */
export function keyList(value: unknown): string[] | null {
  const keys = String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return keys.length ? [...new Set(keys)] : null;
}

/** Every tile of the board now: the configured keys in their order, else the store's, sorted. */
export function allTiles(connection: BoardConnection, kind: BoardKind, keys: string[] | null): Tile[] {
  if (keys) return keys.map((key) => tileNow(connection, kind, key));
  return connection.store.entries(kind).map(([key]) => tileNow(connection, kind, key));
}

/** The tile of a key as the store has it now. */
export function tileNow(connection: BoardConnection, kind: BoardKind, key: string): Tile {
  const { store } = connection;
  return tileOf(kind, key, store.get(kind, key), connection.state === 'connected', store.get('presence', key));
}

function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}
