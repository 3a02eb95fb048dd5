/**
 * The few Node-RED runtime types the adapters use. Written here instead of @types/node-red
 * (1.x, unmaintained) so the compiler checks exactly what Node-RED 4 and 5 provide.
 */

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type NodeMessage = Record<string, unknown> & { payload?: unknown; topic?: string };
export type Send = (msg: NodeMessage | Array<NodeMessage | null> | null) => void;
export type Done = (err?: Error) => void;

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  [key: string]: unknown;
}

export interface Node {
  id: string;
  type: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', handler: (msg: NodeMessage, send: Send, done: Done) => void): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  send: Send;
  status(status: NodeStatus): void;
  log(text: string): void;
  warn(text: string): void;
  error(text: string | Error, msg?: NodeMessage): void;
  debug(text: string): void;
}

export interface TlsConfigNode extends Node {
  addTLSOptions(opts: object): void;
}

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    getNode(id: string): Node | null;
    registerType(type: string, ctor: (this: Node, def: NodeDef) => void, opts?: object): void;
  };
  settings: Record<string, unknown>;
  util: {
    evaluateNodeProperty(
      value: unknown,
      type: string,
      node: Node,
      msg: NodeMessage,
      cb: (err: Error | null, result: unknown) => void,
    ): void;
  };
  httpAdmin: {
    get(path: string, ...handlers: Array<(req: HttpRequest, res: HttpResponse, next: () => void) => void>): void;
    post(path: string, ...handlers: Array<(req: HttpRequest, res: HttpResponse, next: () => void) => void>): void;
  };
  auth: { needsPermission(permission: string): (req: HttpRequest, res: HttpResponse, next: () => void) => void };
  _(key: string, substitutions?: Record<string, unknown>): string;
}

export interface HttpRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: Record<string, unknown> | undefined;
}

export interface HttpResponse {
  json(body: unknown): void;
  status(code: number): HttpResponse;
}
