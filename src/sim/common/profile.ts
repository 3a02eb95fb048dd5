import type WebSocket from 'ws';
import type { SimHarness } from './harness';

/** A `pbx-connection` node's properties, or its credentials: plain JSON as a flow holds them. */
export type NodeFields = Record<string, unknown>;

/** Another way to the same simulator: a proxy in front of it (the reliability suite's TLS proxy). */
export interface Via {
  port: number;
  tls: boolean;
}

/** `url` (a simulator's own) through `via`: its port, and the secure scheme where `via` is TLS. */
export function urlVia(url: string, via?: Via): string {
  if (!via) return url;
  return url.replace(/^(wss?|https?):\/\/([^/:]+):\d+/, (_all, scheme: string, host: string) => {
    const secure = via.tls ? scheme.replace(/^(ws|http)$/, '$1s') : scheme;
    return `${secure}://${host}:${via.port}`;
  });
}

/**
 * How to point a connection at a vendor's simulator, once, beside the simulator
 * (`src/sim/<vendor>/profile.ts`): the test fixtures, the reliability suite, the bench and
 * `npm start` read it. Its `vendor` is the id in the registry (`src/connection/vendors.ts`),
 * which is how they find it.
 */
export interface SimProfile<S extends SimHarness = SimHarness, O extends object = object> {
  readonly vendor: string;
  /** A simulator listening on a free loopback port: the tests' defaults, or what `options` says. */
  start(options?: O): Promise<S>;
  /**
   * The node properties that reach `sim`, whatever options it was made with, or reach it
   * through `via` (no id or type).
   */
  connection(sim: S, via?: Via): NodeFields;
  /** The credentials a simulator made with default login options accepts. */
  credentials(sim: S): NodeFields;
  /** The protocols the bench (`bench/`) measures through this vendor's simulator; none is fine. */
  readonly bench: readonly BenchProtocol[];
  /**
   * `npm start`: the simulator with demo data on the fixed port the examples name, the node
   * properties that reach it (as the examples have them) and its credentials.
   */
  readonly demo: {
    start(): Promise<{ stop(): Promise<void> }>;
    readonly connection: NodeFields;
    readonly credentials: NodeFields;
  };
}

/** Makes the text of event `i`; `extra` is JSON fields added to it (`,"t":...` for the latency). */
export type FrameBuilder = (i: number, extra?: string) => string;

/**
 * One protocol the bench measures (`bench/`), one row of bench/results.json: how to run a bench
 * simulator, what frames it pushes, what ours watches, and where the core-node peer finds the key.
 */
export interface BenchProtocol {
  /** The row's name: the vendor id, or the vendor and its API version (`onlinepbx3`). */
  readonly name: string;
  /** A simulator on a free port whose events cycle through `users` users or extensions. */
  start(users: number): Promise<SimHarness>;
  /** The frames for the socket `ws`, of `sim` (bench/sim-host.js), or of a plain frame server (no sim). */
  frames(users: number, ws: WebSocket, sim?: SimHarness): FrameBuilder;
  /**
   * Frames whose other party (a caller, a BLF lamp's other leg) cycles through `numbers`, for
   * the socket `ws` of `sim`: the phone book bench, where the names seam looks each one up.
   * Protocols whose bench frames name no other party leave it out.
   */
  callerFrames?(users: number, numbers: readonly string[], ws: WebSocket, sim?: SimHarness): FrameBuilder;
  /** The subscriptions the simulator has confirmed, where the protocol shows them (the bench waits for them). */
  subscriptions?(sim: SimHarness): number;
  /** Ours' input node: its type, and the property that names the keys it watches. */
  readonly watcher: { readonly type: string; readonly property: string };
  /** The keys ours watches for `users` bench users: empty for every one. */
  watched(users: number): string[];
  /** The core peer: what precedes the JSON in a frame (cut before parsing), if anything. */
  readonly framePrefix?: string;
  /** The core peer: where the parsed frame holds the key (a `switch` property), and the keys' values. */
  readonly keyProperty: string;
  keyValues(users: number): string[];
}
