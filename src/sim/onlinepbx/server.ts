import { randomBytes } from 'crypto';
import * as http from 'http';
import type { Duplex } from 'stream';
import WebSocket, { WebSocketServer } from 'ws';
import {
  CONNECT,
  decodePacket,
  DISCONNECT,
  encodeError,
  encodeEvent,
  HEARTBEAT,
} from '../../protocols/onlinepbx/codec';
import {
  blfBenchFrames,
  eventFrame,
  runV3Command,
  subscribeV2,
  subscribedTo,
  V2_FLAGS,
  type SimApiVersion,
} from './api';
import { SimPbx, type PbxEvent } from './pbx';
import type { HandshakeFault, OnlinePbxSimOptions, ReceivedCommand } from './server-options';
import { refuseUpgrade, SimHarness } from '../common/harness';
import { pushFrames } from '../common/push';

interface Client {
  ws: WebSocket;
  /** 2.0 subscription flags, all documented ones present. */
  flags: Record<string, boolean>;
  /** 3.0 event groups. */
  groups: Set<string>;
  heartbeat?: NodeJS.Timeout;
  deadline?: NodeJS.Timeout;
  /** 2.0: heartbeats this client echoed. */
  echoes: number;
}

/** Unused handshakes are forgotten after this, as a stock server does. */
const HANDSHAKE_TTL_MS = 30000;
const SOCKET_PATH = /^\/socket\.io\/1\/websocket\/([^/?]+)$/;

function objectOf(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * A simulated onlinePBX WebSockets API endpoint (2.0 or 3.0) on 127.0.0.1, faithful to the
 * spec: the key check, every command with its replies and errors, subscriptions per socket,
 * events of scripted calls, heartbeats, and fault controls for tests (the reply delay holds the
 * command answers and the login: the 2.0 handshake, the 3.0 upgrade; silence stops heartbeats too).
 */
export class OnlinePbxSim extends SimHarness {
  readonly apiVersion: SimApiVersion;
  readonly domain: string;
  readonly apiKey: string;
  readonly pbx: SimPbx;
  /** Handshakes (2.0) / upgrade attempts (3.0) seen, accepted or not. */
  handshakeCount = 0;
  /** Refused for a wrong key or domain. */
  refusedCount = 0;
  /** Sessions that went up (2.0: `1::` sent; 3.0: socket accepted). */
  loginCount = 0;
  readonly received: ReceivedCommand[] = [];
  private readonly ownPbx: boolean;
  private readonly heartbeatIntervalMs: number;
  private readonly heartbeatTimeoutS: number;
  private readonly closeTimeoutS: number;
  private readonly clients = new Set<Client>();
  private readonly sids = new Map<string, NodeJS.Timeout>();
  private readonly onPbxEvent = (e: PbxEvent): void => this.broadcast(e.name, e.data);
  private readonly wsTypes: boolean;
  private echoReqId = true;
  private handshakeFault: HandshakeFault;

  constructor(options: OnlinePbxSimOptions = {}) {
    // Pongs are answered by hand, so a silent simulator can play a half-open socket.
    super(http.createServer(), new WebSocketServer({ noServer: true, autoPong: false }));
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.apiVersion = options.apiVersion ?? '2';
    this.domain = options.pbx?.domain ?? options.domain ?? 'demo.onpbx.ru';
    this.apiKey = options.apiKey ?? 'test-key';
    this.ownPbx = !options.pbx;
    this.pbx = options.pbx ?? new SimPbx({ domain: this.domain, users: options.users, trunks: options.trunks });
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 250;
    this.heartbeatTimeoutS = options.heartbeatTimeoutS ?? 60;
    this.closeTimeoutS = options.closeTimeoutS ?? 60;
    this.wsTypes = options.v3Shapes === 'ws-types';
  }

  override async start(port = 0): Promise<number> {
    await super.start(port);
    this.pbx.on(this.onPbxEvent);
    return this.port;
  }

  /** The URL as the config node takes it: 2.0 the socket.io base, 3.0 the WebSocket URL (the client adds `?key=`). */
  get url(): string {
    return this.apiVersion === '3' ? `ws://127.0.0.1:${this.port}/` : `http://127.0.0.1:${this.port}`;
  }

  override async stop(): Promise<void> {
    this.pbx.off(this.onPbxEvent);
    if (this.ownPbx) this.pbx.stop();
    for (const t of this.sids.values()) clearTimeout(t);
    this.sids.clear();
    await super.stop();
  }

  protected clientSockets(): Iterable<WebSocket> {
    return [...this.clients].map((c) => c.ws);
  }

  // ---- fault controls and inspection -----------------------------------------------------

  /** Login attempts (handshakes or upgrades), accepted or not. */
  get loginAttempts(): number {
    return this.handshakeCount;
  }

  /** 2.0: heartbeats echoed on the open sockets (a client learns the PBX's heartbeat interval from them). */
  get echoedHeartbeats(): number {
    let n = 0;
    for (const c of this.clients) if (c.ws.readyState === WebSocket.OPEN) n += c.echoes;
    return n;
  }

  /** Commands received with that name. */
  count(command: string): number {
    let n = 0;
    for (const r of this.received) if (r.command === command) n++;
    return n;
  }

  /** The groups the open sockets subscribed (2.0: flags that are on; 3.0: event groups). */
  subscribedGroups(): string[] {
    const all = new Set<string>();
    for (const c of this.clients) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      if (this.apiVersion === '3') for (const g of c.groups) all.add(g);
      else for (const [f, on] of Object.entries(c.flags)) if (on) all.add(f);
    }
    return [...all].sort();
  }

  /** Terminates every socket (a network drop); their heartbeats stop. */
  override dropAll(): void {
    for (const c of this.clients) this.forget(c, true);
  }

  /** The server ends every session cleanly (2.0: `0::`, then close). */
  override closeAll(): void {
    for (const c of [...this.clients]) {
      if (this.apiVersion === '2' && c.ws.readyState === WebSocket.OPEN) c.ws.send(DISCONNECT);
      c.ws.close(1001, 'going away');
      this.forget(c, false);
    }
  }

  /** 3.0: leave `reqId` out of the answers (the client then matches by command). */
  setEchoReqId(echo: boolean): void {
    this.echoReqId = echo;
  }

  setHandshakeFault(fault: HandshakeFault): void {
    this.handshakeFault = fault;
  }

  /** Sends an event (2.0 name; 3.0 renames blf/registration) to the sockets subscribed to it. */
  pushEvent(name: string, data: Record<string, unknown>): void {
    this.broadcast(name, data);
  }

  /** Open client sockets, for benchmark pushes that pace themselves on the socket. */
  get sockets(): WebSocket[] {
    return [...this.clients].filter((c) => c.ws.readyState === WebSocket.OPEN).map((c) => c.ws);
  }

  /**
   * Benchmarks: `n` blf (3.0: user_blf) events over `extensions` extensions (ringing / hangup
   * alternating, `seq` counting), as fast as the sockets take them; resolves when all are written.
   */
  async pushBlf(n: number, extensions = 50): Promise<void> {
    const targets = [...this.clients].filter(
      (c) => c.ws.readyState === WebSocket.OPEN && subscribedTo(this.apiVersion, c.flags, c.groups, 'blf'),
    );
    const frame = blfBenchFrames(this.apiVersion, extensions);
    await pushFrames(
      targets.map((c) => c.ws),
      n,
      (i) => frame(i),
    );
  }

  // ---- HTTP: the 2.0 handshake ---------------------------------------------------------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (this.apiVersion === '3' || !/^\/socket\.io\/1\/?$/.test(url.pathname)) {
      res.writeHead(this.apiVersion === '3' ? 426 : 404, { 'Content-Type': 'text/plain' });
      res.end(this.apiVersion === '3' ? 'Upgrade Required' : 'Not Found');
      return;
    }
    this.handshakeCount++;
    if (this.silent) {
      this.held.add(res);
      return;
    }
    this.afterDelay(() => this.answerHandshake(url, res));
  }

  private answerHandshake(url: URL, res: http.ServerResponse): void {
    const q = url.searchParams;
    if (this.handshakeFault === 'unavailable') return this.plain(res, 503, 'Service Unavailable');
    if (this.handshakeFault === 'garbage') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE html><html><body><h1>It works!</h1></body></html>');
      return;
    }
    // A stock 0.9 server's authorization refusal, with its text.
    if (q.get('key') !== this.apiKey || q.get('domain') !== this.domain) {
      this.refusedCount++;
      return this.plain(res, 403, 'handshake unauthorized');
    }
    const sid = randomBytes(15).toString('base64').replace(/\//g, '_').replace(/\+/g, '-');
    const forget = setTimeout(() => this.sids.delete(sid), HANDSHAKE_TTL_MS);
    this.sids.set(sid, forget);
    const transports =
      this.handshakeFault === 'no-websocket'
        ? 'xhr-polling,jsonp-polling'
        : 'websocket,htmlfile,xhr-polling,jsonp-polling';
    this.plain(res, 200, `${sid}:${this.heartbeatTimeoutS || ''}:${this.closeTimeoutS || ''}:${transports}`);
  }

  private plain(res: http.ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(body);
  }

  // ---- WebSocket ---------------------------------------------------------------------------

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://sim');
    if (this.silent) {
      this.held.add(socket);
      return;
    }
    if (this.apiVersion === '3') {
      this.handshakeCount++;
      // Assumed: a wrong key is refused at the upgrade (the 3.0 refusal is not documented).
      if (url.searchParams.get('key') !== this.apiKey) {
        this.refusedCount++;
        return refuseUpgrade(socket, 403, 'Forbidden');
      }
      // A slow PBX answers the upgrade late (the login of 3.0 is the upgrade).
      this.held.add(socket);
      this.afterDelay(() => {
        this.held.delete(socket);
        if (!socket.destroyed) this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
      });
      return;
    }
    const m = SOCKET_PATH.exec(url.pathname);
    if (!m) return refuseUpgrade(socket, 400, 'Bad Request');
    const sid = m[1];
    const known = this.sids.get(sid);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!known) {
        // A stock server answers an unknown sid with "client not handshaken" and closes (measured).
        ws.send(encodeError('1', '0'));
        ws.close();
        return;
      }
      clearTimeout(known);
      this.sids.delete(sid);
      this.attach(ws);
    });
  }

  private attach(ws: WebSocket): void {
    const flags: Record<string, boolean> = {};
    for (const f of V2_FLAGS) flags[f] = false;
    const c: Client = { ws, flags, groups: new Set(), echoes: 0 };
    this.clients.add(c);
    this.loginCount++;
    ws.on('error', () => undefined);
    ws.on('close', () => this.forget(c, false));
    ws.on('ping', (data) => {
      // A stock 0.9 server answers a WebSocket ping with a broken pong frame, which ends the
      // session (measured against socket.io 0.9.19): a 2.0 client must never ping.
      if (this.apiVersion === '2') this.forget(c, true);
      else if (!this.silent) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => {
      if (this.silent || isBinary) return;
      const text = data.toString();
      if (this.apiVersion === '3') this.onV3Frame(c, text);
      else this.onV2Packet(c, text);
    });
    if (this.apiVersion === '2') {
      ws.send(CONNECT);
      this.scheduleHeartbeat(c);
    }
  }

  private forget(c: Client, terminate: boolean): void {
    clearTimeout(c.heartbeat);
    clearTimeout(c.deadline);
    this.clients.delete(c);
    if (terminate) c.ws.terminate();
  }

  /** Stock socket.io 0.9: `2::` every interval; no echo within the heartbeat timeout ends the session. */
  private scheduleHeartbeat(c: Client): void {
    if (!this.heartbeatTimeoutS) return;
    clearTimeout(c.heartbeat);
    c.heartbeat = setTimeout(() => {
      if (this.silent || c.ws.readyState !== WebSocket.OPEN) return this.scheduleHeartbeat(c);
      c.ws.send(HEARTBEAT);
      clearTimeout(c.deadline);
      c.deadline = setTimeout(() => {
        if (!this.silent) this.forget(c, true);
      }, this.heartbeatTimeoutS * 1000);
    }, this.heartbeatIntervalMs);
  }

  // ---- API 2.0 -----------------------------------------------------------------------------

  private onV2Packet(c: Client, text: string): void {
    const p = decodePacket(text);
    if (!p || p.endpoint !== '') return;
    switch (p.type) {
      case 'heartbeat':
        c.echoes++;
        clearTimeout(c.deadline);
        this.scheduleHeartbeat(c);
        return;
      case 'disconnect':
        c.ws.close();
        this.forget(c, false);
        return;
      case 'event': {
        const args = objectOf(p.args[0]);
        this.received.push({ command: p.name, data: args, id: args.callback_hash });
        const result = p.name === 'subscribe' ? subscribeV2(c.flags, args.events) : this.pbx.command(p.name, args);
        const hash = args.callback_hash;
        // Assumed: without a hash (`false`, as the official lib sends without a callback) no callback comes.
        if (hash === undefined || hash === false || hash === null) return;
        const reply: Record<string, unknown> = { status: result.ok };
        if (result.ok && result.data !== undefined) reply.data = result.data;
        if (result.text !== undefined) reply.text = result.text;
        reply.hash = hash;
        this.afterDelay(() => this.send(c, encodeEvent('callback', [reply])));
        return;
      }
      default:
    }
  }

  // ---- API 3.0 -----------------------------------------------------------------------------

  private onV3Frame(c: Client, text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = objectOf(JSON.parse(text));
    } catch {
      return this.afterDelay(() => this.send(c, JSON.stringify({ event: 'error', data: { message: 'INVALID_JSON' } })));
    }
    const command = typeof frame.command === 'string' ? frame.command : '';
    const data = objectOf(frame.data);
    this.received.push({ command, data, id: frame.reqId });
    const [event, body] = runV3Command(this.pbx, c.groups, command, data);
    const answer: Record<string, unknown> = { event };
    if (this.echoReqId && frame.reqId !== undefined) answer.reqId = frame.reqId;
    if (this.wsTypes && event.startsWith('error')) answer.message = objectOf(body).message;
    else answer.data = body;
    this.afterDelay(() => this.send(c, JSON.stringify(answer)));
  }

  // ---- events ------------------------------------------------------------------------------

  private broadcast(name: string, data: Record<string, unknown>): void {
    if (this.silent) return;
    const frame = eventFrame(this.apiVersion, this.wsTypes, name, data);
    if (frame === undefined) return;
    for (const c of this.clients)
      if (c.ws.readyState === WebSocket.OPEN && subscribedTo(this.apiVersion, c.flags, c.groups, name))
        c.ws.send(frame);
  }

  private send(c: Client, text: string): void {
    if (!this.silent && c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
  }
}
