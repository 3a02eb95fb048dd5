import { createHash, randomBytes } from 'crypto';
import * as http from 'http';
import type { Duplex } from 'stream';
import WebSocket, { WebSocketServer } from 'ws';
import { renderCalls, type CallShape, type SimCall, type SimCallState } from './calls';
import { refuseUpgrade, SimHarness } from '../common/harness';
import { pushFrames } from '../common/push';

/**
 * A Vodia PBX as far as the websocket spec goes: the REST session login with its MD5 check,
 * the cookie-checked `/websocket` upgrade, `domain-state` / `user-state` / `call-state`, the
 * third-party call control actions, chat, and fault controls for tests (the reply delay holds
 * the REST answers and the answers to subscriptions).
 */

export interface SimAccount {
  account: string;
  name?: string;
  /** `extensions`, `acds`, `hunts`, `attendants`, `conferences`, ... [S11] */
  type?: string;
  /** Accounts with a password can log in. */
  password?: string;
  registered?: boolean;
  dnd?: boolean;
  chatstatus?: string;
}

/** Benchmark frames: user-state `i` over `users` accounts 2000.., dnd toggling, `seq` = i, plus `extra`. */
export function userStateBenchFrames(domain: string, users: number): (i: number, extra?: string) => string {
  const head = `{"action":"user-state","type":"extensions","domain":${JSON.stringify(domain)},"registered":true,"account":"`;
  return (i, extra = '') => `${head}${2000 + (i % users)}","dnd":${Math.floor(i / users) % 2 === 1},"seq":${i}${extra}}`;
}

export interface VodiaSimOptions {
  domain?: string;
  accounts?: SimAccount[];
  callShape?: CallShape;
  /** `calls` as an array (default) or as an object keyed by call id. */
  callsAs?: 'array' | 'map';
  /** An older PBX: initial state only on `get-users` / `get-calls`, not on the subscriptions. */
  legacy?: boolean;
  /**
   * Pushes `domain-state` right after the handshake, before the client said anything. When a
   * real PBX first sends it is not documented [S1]; a client must not lose a frame sent then.
   */
  snapshotOnOpen?: boolean;
  /** The callee of a make-call answers after this long (never when unset). */
  autoAnswerMs?: number;
  /** A make-call ends by itself this long after it started (never when unset); the demo's calls end. */
  makeCallHangupMs?: number;
  /** Answers every chat with an echo from the receiving account. */
  chatAutoReply?: boolean;
  /** HTTP Basic credentials that may mint third-party sessions (`{"name":"3rd"}`) [S5]. */
  admin?: { user: string; password: string };
  /** How the minted token is answered: quoted JSON string (default), plain text, or `{session}` [S9]. */
  tokenForm?: 'quoted' | 'plain' | 'object';
}

export interface ReceivedAction {
  action: string;
  frame: Record<string, unknown>;
  /** The extension of the socket that sent it. */
  user: string;
}

interface Session {
  user: string;
  expires: number;
  valid: boolean;
}

/** A third-party token lives about 10 s and is good for one activation [S5][S9]. */
const TOKEN_TTL_MS = 10000;

interface Token {
  user: string;
  expires: number;
}

interface Client {
  ws: WebSocket;
  user: string;
  session: string;
  ownCalls: boolean;
  domainCalls: boolean;
  /** Legacy mode: after get-users / get-calls. */
  gotUsers: boolean;
  gotCalls: boolean;
  blf: Set<string>;
}

export const DEFAULT_ACCOUNTS: SimAccount[] = [
  { account: '40', name: 'Operator', password: 'secret', registered: true, dnd: false, chatstatus: 'online' },
  { account: '41', name: 'Alice', registered: true, dnd: false, chatstatus: 'online' },
  { account: '42', name: 'Bob', registered: true, dnd: false, chatstatus: 'offline' },
  { account: '43', name: 'Carol', registered: false, dnd: false, chatstatus: 'offline' },
  { account: '500', name: 'Support queue', type: 'acds' },
];

const SERVER_HEADER = 'PBX/70.1 (simulator)';

export class VodiaSim extends SimHarness {
  readonly domain: string;
  callShape: CallShape;
  callsAs: 'array' | 'map';
  legacy: boolean;
  snapshotOnOpen: boolean;
  autoAnswerMs: number | undefined;
  readonly makeCallHangupMs: number | undefined;
  chatAutoReply: boolean;
  /** REST login requests, answered or not. */
  loginAttempts = 0;
  /** Successful REST logins. */
  loginCount = 0;
  /** REST logins refused for a wrong user or password. */
  failedLogins = 0;
  /** Third-party tokens minted (`{"name":"3rd"}` with valid admin credentials). */
  tokensMinted = 0;
  /** Third-party tokens turned into a session. */
  tokensActivated = 0;
  /** WebSocket upgrade requests, accepted or not. */
  upgradeAttempts = 0;
  /** WebSocket upgrades refused (no, unknown or expired session). */
  upgradeRefusals = 0;
  /** Whether a `sip-register` was ever received: a monitoring client must never send it. */
  sipRegisterReceived = false;
  /** Every action received on any socket, in order. */
  readonly actions: ReceivedAction[] = [];
  /** The session of every accepted socket, in order. */
  readonly acceptedSessions: string[] = [];
  private readonly accounts = new Map<string, Record<string, unknown> & { account: string }>();
  private readonly passwords = new Map<string, string>();
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, Token>();
  private readonly admin: { user: string; password: string } | undefined;
  private readonly tokenForm: 'quoted' | 'plain' | 'object';
  private readonly calls = new Map<string, SimCall>();
  private readonly clients = new Set<Client>();
  private sessionTtlMs = 24 * 3600 * 1000;
  private callSeq = 0;

  constructor(options: VodiaSimOptions = {}) {
    // Pongs are answered by hand, so a silent simulator can play a half-open socket.
    super(http.createServer(), new WebSocketServer({ noServer: true, autoPong: false }));
    this.server.on('request', (req, res) => this.onRest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.domain = options.domain ?? 'localhost';
    this.callShape = options.callShape ?? 'v70';
    this.callsAs = options.callsAs ?? 'array';
    this.legacy = options.legacy ?? false;
    this.snapshotOnOpen = options.snapshotOnOpen ?? false;
    this.autoAnswerMs = options.autoAnswerMs;
    this.makeCallHangupMs = options.makeCallHangupMs;
    this.chatAutoReply = options.chatAutoReply ?? false;
    this.admin = options.admin;
    this.tokenForm = options.tokenForm ?? 'quoted';
    for (const a of options.accounts ?? DEFAULT_ACCOUNTS) {
      const { password, ...rest } = a;
      this.accounts.set(a.account, { type: 'extensions', ...rest });
      if (password !== undefined) this.passwords.set(a.account, password);
    }
  }

  protected clientSockets(): Iterable<WebSocket> {
    return [...this.clients].map((c) => c.ws);
  }

  /** The websocket URL without query, as the config node takes it. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/websocket`;
  }

  // ---- fault controls -------------------------------------------------------------------

  /** Sockets that subscribed to the domain (`domain-calls`, or `get-users` on a legacy PBX). */
  get subscribedCount(): number {
    let n = 0;
    for (const c of this.clients) if (c.ws.readyState === WebSocket.OPEN && (this.legacy ? c.gotUsers : c.domainCalls)) n++;
    return n;
  }

  /** REST requests held unanswered (silent or delayed). */
  get pendingRestCount(): number {
    return this.held.size;
  }

  /** The extensions the open sockets watch with `blf add`. */
  get blfWatched(): string[] {
    const all = new Set<string>();
    for (const c of this.clients) for (const e of c.blf) all.add(e);
    return [...all];
  }

  /** How many actions of that name were received. */
  count(action: string): number {
    let n = 0;
    for (const a of this.actions) if (a.action === action) n++;
    return n;
  }

  override dropAll(): void {
    super.dropAll();
    this.clients.clear();
  }

  // ---- sessions -------------------------------------------------------------------------

  /** Lifetime of sessions issued from now on (0: expired before the socket can use it). */
  setSessionTtl(ms: number): void {
    this.sessionTtlMs = ms;
  }

  /** Invalidates every session; by default the PBX also closes the sockets that used one. */
  expireSessions(closeSockets = true): void {
    for (const s of this.sessions.values()) s.valid = false;
    if (closeSockets) for (const c of this.clients) c.ws.close(1008, 'session expired');
  }

  // ---- state ----------------------------------------------------------------------------

  account(account: string): Record<string, unknown> | undefined {
    const a = this.accounts.get(account);
    return a && { ...a };
  }

  /** Changes an account and pushes the change as a partial `user-state` to every socket. */
  setUser(account: string, patch: Record<string, unknown>): void {
    let a = this.accounts.get(account);
    if (!a) this.accounts.set(account, (a = { account, type: 'extensions' }));
    Object.assign(a, patch);
    this.broadcast({ action: 'user-state', type: a.type, account, domain: this.domain, ...patch }, () => true);
  }

  /** A call appears, ringing (or in `state`); returns its id. */
  startCall(c: { from: string; to: string; fromName?: string; toName?: string; id?: string; state?: SimCallState }): string {
    const id = c.id ?? `${(++this.callSeq).toString(16).padStart(4, '0')}${randomBytes(3).toString('hex')}`;
    const call: SimCall = {
      id,
      from: c.from,
      to: c.to,
      fromName: c.fromName ?? this.nameOf(c.from),
      toName: c.toName ?? this.nameOf(c.to),
      state: c.state ?? 'ringing',
      recording: false,
      start: Math.floor(Date.now() / 1000),
    };
    this.calls.set(id, call);
    this.callsChanged([call.from, call.to]);
    return id;
  }

  setCallState(id: string, state: SimCallState): void {
    const c = this.calls.get(id);
    if (!c || c.state === state) return;
    c.state = state;
    this.callsChanged([]);
  }

  endCall(id: string): void {
    const c = this.calls.get(id);
    if (!c) return;
    this.calls.delete(id);
    this.callsChanged([c.from, c.to]);
  }

  /** A scripted call: ringing, connected after `answerMs`, ended `talkMs` later. */
  playCall(c: { from: string; to: string; fromName?: string; toName?: string }, answerMs: number, talkMs: number): string {
    const id = this.startCall(c);
    this.later(answerMs, () => {
      this.setCallState(id, 'connected');
      this.later(talkMs, () => this.endCall(id));
    });
    return id;
  }

  activeCalls(): SimCall[] {
    return [...this.calls.values()].map((c) => ({ ...c }));
  }

  /** Sends `{action, ...fields}` to every socket that subscribed to the domain. */
  pushEvent(action: string, fields: Record<string, unknown> = {}): void {
    this.broadcast({ ...fields, action }, (c) => this.subscribed(c));
  }

  /** An incoming chat from `from` to the sockets of `to` (`dest` names the other party [S11]). */
  pushChat(from: string, to: string, message: string): void {
    this.broadcast({ action: 'chat', dest: from, src: from, message }, (c) => c.user === to);
  }

  /** Open client sockets, for benchmark pushes that pace themselves on the socket. */
  get sockets(): WebSocket[] {
    return [...this.clients].filter((c) => c.ws.readyState === WebSocket.OPEN).map((c) => c.ws);
  }

  /**
   * Benchmarks: `n` user-state frames over `users` accounts (dnd toggling, `seq` counting), as
   * fast as the sockets take them; resolves when every frame is written.
   */
  async pushUserStates(n: number, users = 50): Promise<void> {
    const targets = [...this.clients].filter((c) => c.ws.readyState === WebSocket.OPEN);
    const frame = userStateBenchFrames(this.domain, users);
    await pushFrames(
      targets.map((c) => c.ws),
      n,
      (i) => frame(i),
    );
  }

  // ---- REST -----------------------------------------------------------------------------

  private onRest(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.setHeader('Server', SERVER_HEADER);
    if ((req.url ?? '').startsWith('/rest/system/session')) this.loginAttempts++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.silent) {
        this.hold(res);
        return;
      }
      const respond = (): void => this.answerRest(req, res, Buffer.concat(chunks).toString('utf8'));
      if (this.replyDelayMs > 0) {
        this.hold(res);
        this.later(this.replyDelayMs, () => {
          this.held.delete(res);
          respond();
        });
      } else respond();
    });
  }

  private hold(res: http.ServerResponse): void {
    this.held.add(res);
    res.on('close', () => this.held.delete(res));
  }

  private answerRest(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/') return this.reply(res, 200, 'text/html', '<html>Vodia PBX simulator</html>');
    if (path !== '/rest/system/session') return this.reply(res, 404, 'text/plain', 'Not found');
    if (req.method !== 'PUT' && req.method !== 'POST') return this.reply(res, 405, 'text/plain', 'Method not allowed');
    let msg: { name?: unknown; value?: unknown; username?: unknown; domain?: unknown };
    try {
      msg = JSON.parse(body) as typeof msg;
    } catch {
      return this.reply(res, 400, 'text/plain', 'Bad JSON');
    }
    if (req.method === 'POST' && msg?.name === '3rd') return this.mintToken(req, res, msg);
    if (req.method === 'POST' && msg?.name === 'session') return this.activateToken(res, msg.value);
    if (req.method !== 'PUT' || msg?.name !== 'auth' || typeof msg.value !== 'string') {
      return this.reply(res, 400, 'text/plain', 'Bad request');
    }
    const space = msg.value.lastIndexOf(' ');
    let user = msg.value.slice(0, space);
    const md5 = msg.value.slice(space + 1);
    const at = user.indexOf('@');
    const domainOk = at < 0 || user.slice(at + 1) === this.domain;
    if (at >= 0) user = user.slice(0, at);
    const password = this.passwords.get(user);
    if (space <= 0 || !domainOk || password === undefined || createHash('md5').update(password).digest('hex') !== md5) {
      this.failedLogins++;
      // A failed login answers 200 with an empty body [S11b].
      return this.reply(res, 200, 'application/json', '');
    }
    const id = randomBytes(10).toString('hex');
    this.sessions.set(id, { user, expires: Date.now() + this.sessionTtlMs, valid: true });
    this.loginCount++;
    res.setHeader('Set-Cookie', `session=${id}; Path=/; HttpOnly`);
    this.reply(res, 200, 'application/json', JSON.stringify(id));
  }

  /**
   * `{"name":"3rd","username":<ext>,"domain":<domain>}` with Basic admin credentials: a token,
   * `false` for bad admin credentials, 404 for an unknown domain or extension [S9].
   */
  private mintToken(req: http.IncomingMessage, res: http.ServerResponse, msg: { username?: unknown; domain?: unknown }): void {
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const given = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    if (!this.admin || given !== `${this.admin.user}:${this.admin.password}`) {
      this.failedLogins++;
      return this.reply(res, 200, 'application/json', 'false');
    }
    const user = String(msg.username ?? '');
    if (msg.domain !== this.domain || !this.accounts.has(user)) return this.reply(res, 404, 'text/plain', 'Not found');
    const token = randomBytes(12).toString('hex');
    this.tokens.set(token, { user, expires: Date.now() + TOKEN_TTL_MS });
    this.tokensMinted++;
    if (this.tokenForm === 'plain') return this.reply(res, 200, 'text/plain', token);
    this.reply(res, 200, 'application/json', JSON.stringify(this.tokenForm === 'object' ? { session: token } : token));
  }

  /** `{"name":"session","value":<token>}`: a live session in `Set-Cookie`; a token works once. */
  private activateToken(res: http.ServerResponse, value: unknown): void {
    const token = this.tokens.get(String(value));
    this.tokens.delete(String(value));
    if (!token || token.expires <= Date.now()) return this.reply(res, 403, 'text/plain', 'Forbidden');
    const id = randomBytes(10).toString('hex');
    this.sessions.set(id, { user: token.user, expires: Date.now() + this.sessionTtlMs, valid: true });
    this.tokensActivated++;
    this.loginCount++;
    res.setHeader('Set-Cookie', `session=${id}; Path=/; HttpOnly`);
    this.reply(res, 200, 'text/plain', '');
  }

  private reply(res: http.ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  // ---- websocket ------------------------------------------------------------------------

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.upgradeAttempts++;
    const url = new URL(req.url ?? '/', 'http://sim');
    const user = url.searchParams.get('user') ?? '';
    if (url.pathname !== '/websocket' || url.searchParams.get('domain') !== this.domain || !this.accounts.has(user)) {
      return refuseUpgrade(socket, 404, 'Not Found', { Server: SERVER_HEADER });
    }
    const cookie = /(?:^|;\s*)session=([^;\s]+)/.exec(req.headers.cookie ?? '');
    if (!cookie) {
      this.upgradeRefusals++;
      return refuseUpgrade(socket, 401, 'Unauthorized', { Server: SERVER_HEADER });
    }
    const session = this.sessions.get(cookie[1]);
    if (!session || !session.valid || session.expires <= Date.now() || session.user !== user) {
      this.upgradeRefusals++;
      return refuseUpgrade(socket, 403, 'Forbidden', { Server: SERVER_HEADER });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, user, cookie[1]));
  }

  private onSocket(ws: WebSocket, user: string, session: string): void {
    const client: Client = { ws, user, session, ownCalls: false, domainCalls: false, gotUsers: false, gotCalls: false, blf: new Set() };
    this.clients.add(client);
    this.acceptedSessions.push(session);
    ws.on('ping', (data) => {
      if (!this.silent) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => {
      if (this.silent || isBinary) return;
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof frame.action === 'string') this.onAction(client, frame.action, frame);
    });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => undefined);
    if (this.snapshotOnOpen) this.send(client, this.domainState());
  }

  private onAction(c: Client, action: string, f: Record<string, unknown>): void {
    this.actions.push({ action, frame: f, user: c.user });
    const id = String(f.id ?? '');
    const call = this.calls.get(id);
    switch (action) {
      case 'sip-register':
        this.sipRegisterReceived = true;
        break;
      case 'own-calls':
        c.ownCalls = f.subscribe !== false;
        break;
      case 'domain-calls':
        c.domainCalls = f.subscribe !== false;
        if (c.domainCalls && !this.legacy) this.answer(c, () => this.domainState());
        break;
      case 'get-users':
        c.gotUsers = true;
        this.answer(c, () => this.domainState());
        break;
      case 'get-calls':
        c.gotCalls = true;
        this.answer(c, () => ({ action: 'call-state', calls: this.renderFor(c) }));
        break;
      case 'blf':
        for (const e of asList(f.add)) c.blf.add(e);
        for (const e of asList(f.remove)) c.blf.delete(e);
        break;
      case 'make-call': {
        const to = String(f.to ?? '');
        if (!to) break;
        const callId = this.startCall({ from: c.user, to });
        if (this.autoAnswerMs !== undefined) this.later(this.autoAnswerMs, () => this.setCallState(callId, 'connected'));
        if (this.makeCallHangupMs !== undefined) this.later(this.makeCallHangupMs, () => this.endCall(callId));
        break;
      }
      case 'accept-call':
        if (call?.state === 'ringing') this.setCallState(id, 'connected');
        break;
      case 'hold-call':
        if (call) this.setCallState(id, call.state === 'held' ? 'connected' : 'held');
        break;
      case 'clear-call':
        if (call) this.endCall(id);
        break;
      case 'blind-transfer':
      case 'blind-transfer2':
        if (call && f.to !== undefined) this.transfer(call, String(f.from ?? c.user), String(f.to), 'ringing');
        break;
      case 'att-transfer':
        if (call && f.to !== undefined) {
          this.calls.delete(String(f.id2 ?? ''));
          this.transfer(call, String(f.from ?? c.user), String(f.to), 'connected');
        }
        break;
      case 'rec-call':
        if (call) {
          call.recording = f.startstop !== 'off';
          this.send(c, { action: call.recording ? 'rec-start' : 'rec-stop', id });
          this.callsChanged([]);
        }
        break;
      case 'chat': {
        const dest = String(f.dest ?? '');
        const message = String(f.message ?? '');
        this.pushChat(c.user, dest, message);
        if (this.chatAutoReply && dest) this.later(300, () => this.pushChat(dest, c.user, `${this.nameOf(dest) ?? dest} got: ${message}`));
        break;
      }
      default:
        break;
    }
  }

  /** The transferring party leaves; the target takes its side of the call. */
  private transfer(call: SimCall, from: string, to: string, state: SimCallState): void {
    const before = [call.from, call.to];
    if (call.from === from) {
      call.from = to;
      call.fromName = this.nameOf(to);
    } else {
      call.to = to;
      call.toName = this.nameOf(to);
    }
    call.state = state;
    this.callsChanged([...before, to]);
  }

  private domainState(): Record<string, unknown> {
    return {
      action: 'domain-state',
      messages: [],
      calls: renderCalls(this.calls.values(), this.callShape, this.callsAs, this.domain, (n) => this.accounts.has(n)),
      accounts: [...this.accounts.values()].map((a) => ({ ...a, calls: this.accountCalls(a.account) })),
    };
  }

  private renderFor(c: Client): unknown {
    const visible = c.domainCalls || c.gotCalls ? [...this.calls.values()] : [...this.calls.values()].filter((x) => x.from === c.user || x.to === c.user);
    return renderCalls(visible, this.callShape, this.callsAs, this.domain, (n) => this.accounts.has(n));
  }

  private accountCalls(account: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const c of this.calls.values()) if (c.from === account || c.to === account) out.push({ id: c.id, from: c.from, to: c.to });
    return out;
  }

  /**
   * After every call change: a `call-state` with the complete list to each socket that wants
   * calls, and a `user-state` with the new `calls` of each local account in `parties`.
   */
  private callsChanged(parties: string[]): void {
    for (const c of this.clients) {
      if (this.legacy ? c.gotCalls : c.domainCalls || c.ownCalls) this.send(c, { action: 'call-state', calls: this.renderFor(c) });
    }
    for (const p of new Set(parties)) {
      const a = this.accounts.get(p);
      if (a) this.broadcast({ action: 'user-state', type: a.type, account: p, domain: this.domain, calls: this.accountCalls(p) }, () => true);
    }
  }

  private subscribed(c: Client): boolean {
    return this.legacy ? c.gotUsers : c.domainCalls || c.ownCalls;
  }

  /** An answer to a client request, after the reply delay. */
  private answer(c: Client, frame: () => Record<string, unknown>): void {
    this.afterDelay(() => this.send(c, frame()));
  }

  private broadcast(frame: Record<string, unknown>, to: (c: Client) => boolean): void {
    const text = JSON.stringify(frame);
    for (const c of this.clients) if (to(c)) this.sendText(c, text);
  }

  private send(c: Client, frame: Record<string, unknown>): void {
    this.sendText(c, JSON.stringify(frame));
  }

  private sendText(c: Client, text: string): void {
    if (this.silent || c.ws.readyState !== WebSocket.OPEN) return;
    c.ws.send(text);
  }

  private nameOf(n: string): string | undefined {
    const name = this.accounts.get(n)?.name;
    return typeof name === 'string' ? name : undefined;
  }
}

function asList(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
}
