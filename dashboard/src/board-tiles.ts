/**
 * What the board shows, built from a view of the state store of a `pbx-connection` of
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

/** A live view of the connection's state store (`PbxConnection.view`), as far as the board reads it. */
export interface BoardView {
  readonly state: ConnectionState;
  get(kind: BoardKind, key: string): StoreEntry | undefined;
  entries(kind: BoardKind): ReadonlyArray<readonly [string, StoreEntry]>;
  /** The user's or extension's name, where the PBX (or a phone book) knows it. */
  nameOf(key: string): string | undefined;
  stop(): void;
}

/** The part of @pbxflow/node-red-pbx's PbxConnection the board uses: it opens a view. */
export interface BoardConnection {
  readonly vendor: string;
  supportsChannel(channel: BoardKind): boolean;
  view(
    spec: { kinds: BoardKind[]; keys: string[] | null },
    listener: {
      entry(kind: string, key: string): void;
      state(state: ConnectionState): void;
      problem(err: Error): void;
    },
  ): BoardView;
}

/** One tile as the browser gets it. */
export interface Tile {
  key: string;
  /** The normalized state (presence `status`, BLF `state`); `unknown` before the first report. */
  state: string;
  stale: boolean;
  /** Since when the key is in its state (ms since the epoch); null before the first report. */
  since: number | null;
  /** The user's name, where known (the page shows it above the key). */
  name?: string;
  /** BLF: the other party's number while ringing, busy or held; presence: the note. */
  detail?: string;
  /** BLF: the other party's name, where known, while ringing, busy or held (shown above its number). */
  otherName?: string;
}

/** The message field holding the key's state, per kind. */
const STATE_FIELD: Record<BoardKind, string> = { presence: 'status', blf: 'state' };
const DETAIL_STATES = new Set(['ringing', 'busy', 'held']);

/** The tile of a key; `name` is the key's name, where known. Names are text from outside: the page shows them as text. */
export function tileOf(
  kind: BoardKind,
  key: string,
  entry: StoreEntry | undefined,
  connected: boolean,
  name?: string,
): Tile {
  const named = name && name !== key ? { name } : {};
  if (!entry) return { key, state: 'unknown', stale: !connected, since: null, ...named };
  const p = entry.payload;
  const state = text(p[STATE_FIELD[kind]]) || 'unknown';
  const tile: Tile = { key, state, stale: entry.stale, since: entry.since, ...named };
  if (kind === 'presence') {
    const note = text(p.note);
    if (note) tile.detail = note;
  } else if (DETAIL_STATES.has(state)) {
    const other = text(p.otherParty);
    const otherName = text(p.otherPartyName);
    if (other) tile.detail = other;
    if (otherName && otherName !== other) tile.otherName = otherName;
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
export function allTiles(view: BoardView, kind: BoardKind, keys: string[] | null): Tile[] {
  if (keys) return keys.map((key) => tileNow(view, kind, key));
  return view.entries(kind).map(([key]) => tileNow(view, kind, key));
}

/** The tile of a key as the store has it now. */
export function tileNow(view: BoardView, kind: BoardKind, key: string): Tile {
  return tileOf(kind, key, view.get(kind, key), view.state === 'connected', view.nameOf(key));
}

function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}
