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
  /** `npm start`: the simulator with demo data on the fixed port the examples name, and its credentials. */
  readonly demo: {
    start(): Promise<{ stop(): Promise<void> }>;
    readonly credentials: NodeFields;
  };
}
