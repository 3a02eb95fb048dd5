import type { ConnectionState, ConnectionUser, PbxConnection } from '../connection/pbx-connection';
import type { StoreView, ViewListener, ViewSpec } from '../connection/store-view';
import type { PbxMessage } from '../model/types';
import type { Channel, Operation, OperationResult } from '../protocols/common/adapter';
import type { ConnectionNode } from './connection-settings';
import { messageId } from './message-id';
import { localError, NodeError, SHARED } from './node-errors';
import type { Done, Node, NodeAPI, NodeDef, NodeMessage, NodeStatus, Send } from './red';

const DEFAULT_TIMEOUT_S = 10;

const STATUS: Record<ConnectionState, NodeStatus> = {
  connecting: { fill: 'yellow', shape: 'ring', text: 'node-red:common.status.connecting' },
  connected: { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' },
  disconnected: { fill: 'red', shape: 'ring', text: 'node-red:common.status.disconnected' },
  'auth-failed': { fill: 'red', shape: 'ring', text: `${SHARED}status.authFailed` },
  closed: {},
};

export interface UserNodeDef extends NodeDef {
  connection?: string;
}

export interface WatchOptions {
  output?: number;
  outputs?: number;
  changesOnly?: boolean;
}

/** The `output` property of the input nodes: `all` (default, as before it existed), `changes`, `records`. */
export type OutputMode = 'all' | 'changes' | 'records';

export function outputModeOf(value: unknown, allowed: readonly OutputMode[]): OutputMode {
  return allowed.includes(value as OutputMode) ? (value as OutputMode) : 'all';
}

/**
 * A user node's handle on its shared connection: status on every state change, interests and
 * operations, and clean-up on close (deregister removes every interest, so a partial deploy
 * never leaves a listener behind).
 */
export class NodeConnection {
  private problem = '';
  private readonly user: ConnectionUser;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    readonly connection: PbxConnection,
  ) {
    this.user = { onState: (state) => this.onState(state) };
    connection.register(this.user);
    node.on('close', (_removed, done) => {
      connection.deregister(this.user);
      done();
    });
  }

  get vendor(): string {
    return this.connection.vendor;
  }

  /**
   * Sends every message of (channel, key) to `output` of the node (default: its only output);
   * with `changesOnly`, only those whose payload differs from the key's previous one.
   */
  watch(channel: Channel, key: string, { output = 0, outputs = 1, changesOnly = false }: WatchOptions = {}): void {
    this.connection.watch(
      this.user,
      { channel, key },
      (m) => {
        if (changesOnly && m.changed === false) return;
        this.node.send(outputs === 1 ? this.toMsg(m) : portMessage(this.toMsg(m), output, outputs));
      },
      (err) => this.showProblem(err),
    );
  }

  /**
   * A live view of the connection's state store (`PbxConnection.view`) until the node closes; a
   * failed interest shows on the node like an input node's.
   */
  view(spec: ViewSpec, listener: ViewListener): StoreView {
    const view = this.connection.view(spec, { problem: (err) => this.showProblem(err), ...listener });
    this.node.on('close', (_removed, done) => {
      view.stop();
      done();
    });
    return view;
  }

  /** Holds (channel, key) without output: the PBX reports it, so the state store knows it. */
  hold(channel: Channel, key: string): void {
    this.connection.watch(this.user, { channel, key }, null, (err) => this.showProblem(err));
  }

  /**
   * Runs `op` for an input message: the result goes into `msg.payload` (the msg passes through),
   * a failure to `done(err)` so Catch nodes see it.
   */
  run(
    op: Operation,
    params: Record<string, unknown>,
    msg: NodeMessage,
    send: Send,
    done: Done,
    timeoutS?: unknown,
  ): void {
    const timeoutMs = positiveNumber(timeoutS, DEFAULT_TIMEOUT_S) * 1000;
    this.connection.perform(op, params, timeoutMs).then(
      (result: OperationResult) => {
        if (this.problem) this.clearProblem();
        msg.payload = result.payload;
        msg.vendor = this.vendor;
        if (result.raw !== undefined) msg.raw = result.raw;
        send(msg);
        done();
      },
      (err: unknown) => {
        const error = localError(this.RED, err);
        this.node.status({ fill: 'red', shape: 'dot', text: shorten(error.message) });
        this.problem = error.message;
        done(error);
      },
    );
  }

  toMsg(m: PbxMessage): NodeMessage {
    const vendor = this.connection.vendor;
    // Presence, BLF and call messages: what the key was before, and since when it is in its state.
    // Each shape in one literal: fields added later would cost every message a second allocation.
    if (m.since === undefined)
      return { _msgid: messageId(), topic: m.topic, payload: m.payload, event: m.event, vendor, raw: m.raw };
    return {
      _msgid: messageId(),
      topic: m.topic,
      payload: m.payload,
      event: m.event,
      vendor,
      raw: m.raw,
      previous: m.previous,
      since: m.since,
    };
  }

  private onState(state: ConnectionState): void {
    // A new login clears problems of the previous socket (a failed subscribe is retried).
    if (state === 'connected') this.problem = '';
    if (!this.problem) this.node.status(STATUS[state]);
  }

  private showProblem(err: Error): void {
    const text = localError(this.RED, err).message;
    if (this.problem === text) return;
    this.problem = text;
    this.node.status({ fill: 'red', shape: 'ring', text: shorten(text) });
    this.node.error(text);
  }

  private clearProblem(): void {
    this.problem = '';
    this.node.status(STATUS[this.connection.state]);
  }
}

/**
 * Finds the node's `pbx-connection` and registers with it. Without a usable one the node shows
 * why (status and one error) and returns that error; its inputs then fail with it.
 */
export function attachConnection(RED: NodeAPI, node: Node, def: UserNodeDef): NodeConnection | NodeError {
  const config = def.connection ? (RED.nodes.getNode(def.connection) as ConnectionNode | null) : null;
  if (config?.connection) return new NodeConnection(RED, node, config.connection);
  const problem = config
    ? new NodeError('PBX_NO_CONNECTION', 'connectionUnusable', { detail: config.configError ?? '' })
    : new NodeError('PBX_NO_CONNECTION', 'noConnection');
  const text = localError(RED, problem).message;
  // A text without parameters goes as its key: the editor shows it in the browser's language.
  node.status({ fill: 'red', shape: 'ring', text: config ? shorten(text) : `${SHARED}errors.noConnection` });
  node.error(text);
  return problem;
}

/**
 * Wires the input handler of an operation node; a node without a connection fails each input.
 * Every error reaches `done` translated and with its stable code.
 */
export function onInput(
  RED: NodeAPI,
  node: Node,
  conn: NodeConnection | NodeError,
  handler: (conn: NodeConnection, msg: NodeMessage, send: Send, done: Done) => void,
): void {
  node.on('input', (msg, send, done) => {
    const fail = (err?: unknown): void => done(err === undefined ? undefined : localError(RED, err));
    if (conn instanceof NodeError) return fail(conn);
    try {
      handler(conn, msg, send, fail);
    } catch (err) {
      fail(err);
    }
  });
}

/** `msg.payload` as an object of fields (an empty one when it is not an object). */
export function payloadFields(msg: NodeMessage): Record<string, unknown> {
  const p = msg.payload;
  return p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/** The `msg.payload` field of that name when set, else the node property. */
export function field(msg: NodeMessage, def: NodeDef, name: string): unknown {
  const fromMsg = payloadFields(msg)[name];
  if (fromMsg !== undefined && fromMsg !== null && fromMsg !== '') return fromMsg;
  const prop = def[name];
  return prop === '' ? undefined : prop;
}

/** A required text parameter; the error names the property, as Catch-node users need. */
export function required(value: unknown, name: string): string {
  if (value === undefined || value === null || String(value).trim() === '') {
    throw new NodeError('PBX_MISSING_PROPERTY', 'missingProperty', { name });
  }
  if (typeof value === 'object') throw new NodeError('PBX_INVALID_INPUT', 'notText', { name });
  return String(value).trim();
}

/** Splits a comma separated list; an empty list means "all" (`*`). */
export function keysOf(list: unknown): string[] {
  const keys = String(list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return keys.length ? [...new Set(keys)] : ['*'];
}

/** The log of a connection or a directory, into the node's log: debug, info (`log`), else a warning. */
export function nodeLog(node: Node): (level: string, text: string) => void {
  return (level, text) => {
    if (level === 'debug') node.debug(text);
    else if (level === 'info') node.log(text);
    else node.warn(text);
  };
}

/** Evaluates a TypedInput property (str, msg, flow, global, env). */
export function typedValue(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessage,
  value: unknown,
  type: unknown,
): Promise<unknown> {
  return new Promise((resolve, reject) =>
    RED.util.evaluateNodeProperty(value, String(type || 'str'), node, msg, (err, v) =>
      err ? reject(err) : resolve(v),
    ),
  );
}

function portMessage(msg: NodeMessage, output: number, outputs: number): Array<NodeMessage | null> {
  const out: Array<NodeMessage | null> = new Array(outputs).fill(null);
  out[output] = msg;
  return out;
}

function positiveNumber(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function shorten(text: string): string {
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}
