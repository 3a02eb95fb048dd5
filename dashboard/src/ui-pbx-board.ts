import {
  allTiles,
  tileNow,
  keyList,
  tileOf,
  type BoardConnection,
  type BoardKind,
  type BoardView,
  type ConnectionState,
  type Tile,
} from './board-tiles';

/**
 * The server half of the `ui-pbx-board` Dashboard 2 widget: tiles from a view of the state store
 * of a `pbx-connection` (`connection.view`), right when a page opens (the Dashboard datastore
 * holds the whole board, which Dashboard sends on every `widget-load`) and live after that (only
 * the changed tiles, as `msg-input`). A click on a tile comes back as a `widget-action` and leaves the node as
 * `{topic: key, payload: {key, ...entry payload}}`.
 */

type NodeMessage = Record<string, unknown> & { payload?: unknown; topic?: string };

interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

interface Node {
  id: string;
  type: string;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  status(status: NodeStatus): void;
  error(text: string): void;
}

interface BoardDef {
  id: string;
  type: string;
  group?: string;
  connection?: string;
  kind?: string;
  keys?: string;
  [key: string]: unknown;
}

/** Dashboard 2's ui-base node, as far as a widget uses it. */
interface DashboardBase {
  emit(event: string, msg: NodeMessage, node: Node): void;
  stores: { data: { save(base: DashboardBase, node: Node, msg: NodeMessage): void } };
}

interface DashboardGroup {
  register(node: Node, config: BoardDef, events: WidgetEvents): void;
  getBase(): DashboardBase;
}

interface WidgetEvents {
  onAction: boolean;
  beforeSend(msg: NodeMessage): NodeMessage | null;
}

interface RedApi {
  nodes: {
    createNode(node: object, def: BoardDef): void;
    getNode(id: string): unknown;
    registerType(type: string, ctor: (this: Node, def: BoardDef) => void): void;
  };
  _(key: string, substitutions?: Record<string, unknown>): string;
}

/** Changes within this window go to the browsers as one message: a burst (a resync) is one update. */
const FLUSH_MS = 50;

const STATUS: Record<ConnectionState, NodeStatus> = {
  connecting: { fill: 'yellow', shape: 'ring', text: 'node-red:common.status.connecting' },
  connected: { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' },
  disconnected: { fill: 'red', shape: 'ring', text: 'node-red:common.status.disconnected' },
  'auth-failed': {
    fill: 'red',
    shape: 'ring',
    text: '@pbxflow/node-red-pbx/pbx-connection:pbx-connection.status.authFailed',
  },
  closed: {},
};

/** The states a tile of each kind can show (NODES.md), whose words the page gets from the catalog. */
const TILE_STATES: Record<BoardKind, string[]> = {
  presence: ['available', 'away', 'busy', 'dnd', 'offline', 'unknown'],
  blf: ['idle', 'ringing', 'busy', 'held', 'unregistered', 'unknown'],
};

/** The words the page shows, in the runtime's language (the browser half has no catalogs of its own). */
interface PageTexts {
  states: Record<string, string>;
  stale: string;
  /** With `__key__` for the tile's key. */
  dial: string;
  empty: string;
}

export = function (RED: RedApi): void {
  function pageTexts(kind: BoardKind): PageTexts {
    const states: Record<string, string> = {};
    for (const state of TILE_STATES[kind]) states[state] = RED._(`ui-pbx-board.page.states.${state}`);
    return {
      states,
      stale: RED._('ui-pbx-board.page.stale'),
      dial: RED._('ui-pbx-board.page.dial', { key: '__key__' }),
      empty: RED._(`ui-pbx-board.page.empty.${kind}`),
    };
  }

  function UiPbxBoard(this: Node, def: BoardDef): void {
    RED.nodes.createNode(this, def);
    setUp(this, def);
  }

  function setUp(node: Node, def: BoardDef): void {
    const problem = (text: string): void => {
      node.status({ fill: 'red', shape: 'ring', text: text.length > 32 ? `${text.slice(0, 31)}…` : text });
      node.error(text);
    };
    const group = def.group ? (RED.nodes.getNode(def.group) as DashboardGroup | null) : null;
    if (!group) return problem(RED._('ui-pbx-board.errors.noGroup'));
    const config = def.connection
      ? (RED.nodes.getNode(def.connection) as { connection?: BoardConnection } | null)
      : null;
    const connection = config?.connection;
    const base = group.getBase();
    const kind: BoardKind = def.kind === 'blf' ? 'blf' : 'presence';
    const keys = keyList(def.keys);
    const wanted = keys ? new Set(keys) : null;
    // The view of the store, once the connection is usable (a click before then names no entry).
    const live: { view?: BoardView } = {};

    const events: WidgetEvents = {
      onAction: true,
      // A click names a key; the message is built here from the store, not from what a page sends.
      beforeSend: (msg) => {
        const key = clickedKey(msg);
        if (key === undefined || (wanted && !wanted.has(key))) return null;
        const entry = live.view?.get(kind, key);
        if (!wanted && !entry) return null;
        // Dashboard's client data (`_client`, when ui-base includes it) stays: flows may want to know who clicked.
        return { ...(msg._client ? { _client: msg._client } : {}), topic: key, payload: { key, ...entry?.payload } };
      },
    };
    // The config is what the page gets as its props: the words it shows travel with it.
    group.register(node, { ...def, texts: pageTexts(kind) }, events);

    if (!connection) {
      saveBoard(keys ? keys.map((key) => tileOf(kind, key, undefined, false)) : []);
      return problem(
        config ? RED._('ui-pbx-board.errors.unusableConnection') : RED._('ui-pbx-board.errors.noConnection'),
      );
    }
    if (!connection.supportsChannel(kind)) {
      saveBoard(keys ? keys.map((key) => tileOf(kind, key, undefined, false)) : []);
      return problem(RED._('ui-pbx-board.errors.unsupported', { vendor: connection.vendor, kind }));
    }

    const pending = new Map<string, Tile>();
    let flushTimer: NodeJS.Timeout | undefined;
    let problemText = '';

    function saveBoard(tiles: Tile[]): void {
      base.stores.data.save(base, node, { topic: 'board', payload: tiles });
    }

    // Called by the view only, which tells nothing while it starts: `board` is set by then.
    function queue(key: string): void {
      pending.set(key, tileNow(board, kind, key));
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    }

    function flush(): void {
      flushTimer = undefined;
      const changed = [...pending.values()];
      pending.clear();
      // The datastore's copy is what a page gets when it opens: kept whole, once per burst.
      saveBoard(allTiles(board, kind, keys));
      base.emit(`msg-input:${node.id}`, { topic: 'changes', payload: changed }, node);
    }

    function showState(state: ConnectionState): void {
      if (state === 'connected') problemText = '';
      if (!problemText) node.status(STATUS[state]);
    }

    // Held like an input node's keys (every key when none is configured), so the store has them;
    // told of every changed tile: entries, names, and keys the PBX never reported following the connection.
    const board = connection.view(
      { kinds: [kind], keys },
      {
        entry: (_kind, key) => queue(key),
        state: showState,
        problem: (err) => {
          if (problemText === err.message) return;
          problemText = err.message;
          problem(err.message);
        },
      },
    );
    live.view = board;
    showState(board.state);
    saveBoard(allTiles(board, kind, keys));

    node.on('close', (_removed, done) => {
      clearTimeout(flushTimer);
      board.stop();
      done();
    });
  }
  RED.nodes.registerType('ui-pbx-board', UiPbxBoard);
};

/** The key a click names (`msg.payload.key`), or undefined. */
function clickedKey(msg: NodeMessage): string | undefined {
  const p = msg.payload;
  const key = p !== null && typeof p === 'object' ? (p as Record<string, unknown>).key : undefined;
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}
