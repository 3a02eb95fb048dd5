import * as http from 'http';
import type { Duplex } from 'stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { CallShape, SimCall, SimCallState } from './calls';
import { callStateFrame, domainStateFrame, userStateBenchFrames, userStateFrame } from './frames';
import { DEFAULT_ACCOUNTS, VodiaPbx, type NewCall, type PbxChange } from './pbx';
import { RestLogin, type LoginCounters } from './rest';
import type { Client, ReceivedAction, VodiaSimOptions } from './server-types';
import { refuseUpgrade, SimHarness } from '../common/harness';
import { pushFrames } from '../common/push';

/**
 * A Vodia PBX as far as the websocket spec goes, on the wire: the REST login (`rest.ts`), the
 * cookie-checked `/websocket` upgrade, the subscriptions and `domain-state` / `user-state` /
 * `call-state` pushes of the model's changes (`pbx.ts`), the third-party call control actions,
 * chat, and fault controls for tests (the reply delay holds the REST answers and the answers
 * to subscriptions).
 */

const SERVER_HEADER = 'PBX/70.1 (simulator)';

export class VodiaSim extends SimHarness implements LoginCounters {
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
  private readonly pbx: VodiaPbx;
  private readonly login: RestLogin;
  private readonly clients = new Set<Client>();

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
    this.pbx = new VodiaPbx(options.accounts ?? DEFAULT_ACCOUNTS);
    this.pbx.on((change) => this.onPbxChange(change));
    this.login = new RestLogin(this.domain, this.pbx, this, options);
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
    for (const c of this.clients)
      if (c.ws.readyState === WebSocket.OPEN && (this.legacy ? c.gotUsers : c.domainCalls)) n++;
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
    return this.actions.filter((a) => a.action === action).length;
  }

  override dropAll(): void {
    super.dropAll();
    this.clients.clear();
  }

  // ---- sessions -------------------------------------------------------------------------

  /** Lifetime of sessions issued from now on (0: expired before the socket can use it). */
  setSessionTtl(ms: number): void {
    this.login.sessionTtlMs = ms;
  }

  /** Invalidates every session; by default the PBX also closes the sockets that used one. */
  expireSessions(closeSockets = true): void {
    this.login.expireAll();
    if (closeSockets) for (const c of this.clients) c.ws.close(1008, 'session expired');
  }

  // ---- state (the PBX model's; every change goes out to the sockets) --------------------

  account(account: string): Record<string, unknown> | undefined {
    return this.pbx.account(account);
  }

  /** Changes an account and pushes the change as a partial `user-state` to every socket. */
  setUser(account: string, patch: Record<string, unknown>): void {
    this.pbx.setUser(account, patch);
  }

  /** A call appears, ringing (or in `state`); returns its id. */
  startCall(c: NewCall): string {
    return this.pbx.startCall(c);
  }

  setCallState(id: string, state: SimCallState): void {
    this.pbx.setCallState(id, state);
  }

  endCall(id: string): void {
    this.pbx.endCall(id);
  }

  /** A scripted call: ringing, connected after `answerMs`, ended `talkMs` later. */
  playCall(
    c: { from: string; to: string; fromName?: string; toName?: string },
    answerMs: number,
    talkMs: number,
  ): string {
    const id = this.startCall(c);
    this.later(answerMs, () => {
      this.setCallState(id, 'connected');
      this.later(talkMs, () => this.endCall(id));
    });
    return id;
  }

  activeCalls(): SimCall[] {
    return this.pbx.activeCalls();
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
    const frame = userStateBenchFrames(this.domain, users);
    await pushFrames(this.sockets, n, (i) => frame(i));
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
      const respond = (): void => this.login.answer(req, res, Buffer.concat(chunks).toString('utf8'));
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

  // ---- websocket ------------------------------------------------------------------------

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.upgradeAttempts++;
    const url = new URL(req.url ?? '/', 'http://sim');
    const user = url.searchParams.get('user') ?? '';
    if (url.pathname !== '/websocket' || url.searchParams.get('domain') !== this.domain || !this.pbx.has(user)) {
      return refuseUpgrade(socket, 404, 'Not Found', { Server: SERVER_HEADER });
    }
    const session = this.login.sessionCookie(req.headers.cookie);
    if (!session) {
      this.upgradeRefusals++;
      return refuseUpgrade(socket, 401, 'Unauthorized', { Server: SERVER_HEADER });
    }
    if (!this.login.isLive(session, user)) {
      this.upgradeRefusals++;
      return refuseUpgrade(socket, 403, 'Forbidden', { Server: SERVER_HEADER });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, user, session));
  }

  private onSocket(ws: WebSocket, user: string, session: string): void {
    const client: Client = {
      ws,
      user,
      session,
      ownCalls: false,
      domainCalls: false,
      gotUsers: false,
      gotCalls: false,
      blf: new Set(),
    };
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
      if (frame && typeof frame === 'object' && typeof frame.action === 'string')
        this.onAction(client, frame.action, frame);
    });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => undefined);
    if (this.snapshotOnOpen) this.send(client, domainStateFrame(this.pbx, this));
  }

  private onAction(c: Client, action: string, f: Record<string, unknown>): void {
    this.actions.push({ action, frame: f, user: c.user });
    const id = String(f.id ?? '');
    switch (action) {
      case 'sip-register':
        this.sipRegisterReceived = true;
        break;
      case 'own-calls':
        c.ownCalls = f.subscribe !== false;
        break;
      case 'domain-calls':
        c.domainCalls = f.subscribe !== false;
        if (c.domainCalls && !this.legacy) this.answer(c, () => domainStateFrame(this.pbx, this));
        break;
      case 'get-users':
        c.gotUsers = true;
        this.answer(c, () => domainStateFrame(this.pbx, this));
        break;
      case 'get-calls':
        c.gotCalls = true;
        this.answer(c, () => this.callStateFor(c));
        break;
      case 'blf':
        for (const e of asList(f.add)) c.blf.add(e);
        for (const e of asList(f.remove)) c.blf.delete(e);
        break;
      case 'make-call': {
        const to = String(f.to ?? '');
        if (!to) break;
        const callId = this.pbx.startCall({ from: c.user, to });
        if (this.autoAnswerMs !== undefined)
          this.later(this.autoAnswerMs, () => this.pbx.setCallState(callId, 'connected'));
        if (this.makeCallHangupMs !== undefined) this.later(this.makeCallHangupMs, () => this.pbx.endCall(callId));
        break;
      }
      case 'accept-call':
        this.pbx.accept(id);
        break;
      case 'hold-call':
        this.pbx.toggleHold(id);
        break;
      case 'clear-call':
        this.pbx.endCall(id);
        break;
      case 'blind-transfer':
      case 'blind-transfer2':
        if (f.to !== undefined) this.pbx.blindTransfer(id, String(f.from ?? c.user), String(f.to));
        break;
      case 'att-transfer':
        if (f.to !== undefined)
          this.pbx.attendedTransfer(id, String(f.id2 ?? ''), String(f.from ?? c.user), String(f.to));
        break;
      case 'rec-call':
        if (this.pbx.hasCall(id)) {
          const recording = f.startstop !== 'off';
          this.send(c, { action: recording ? 'rec-start' : 'rec-stop', id });
          this.pbx.setRecording(id, recording);
        }
        break;
      case 'chat': {
        const dest = String(f.dest ?? '');
        const message = String(f.message ?? '');
        this.pushChat(c.user, dest, message);
        if (this.chatAutoReply && dest)
          this.later(300, () => this.pushChat(dest, c.user, `${this.pbx.nameOf(dest) ?? dest} got: ${message}`));
        break;
      }
      default:
        break;
    }
  }

  /**
   * A change of the PBX to the sockets: an account's change as a partial `user-state` to every
   * socket; after a call change a `call-state` with the complete list to each socket that wants
   * calls, and a `user-state` with the new `calls` of each local account in `parties`.
   */
  private onPbxChange(change: PbxChange): void {
    if (change.kind === 'user') {
      this.broadcast(userStateFrame(this.domain, change.account, change.patch), () => true);
      return;
    }
    for (const c of this.clients) {
      if (this.legacy ? c.gotCalls : c.domainCalls || c.ownCalls) this.send(c, this.callStateFor(c));
    }
    for (const p of new Set(change.parties)) {
      const a = this.pbx.account(p);
      if (a) this.broadcast(userStateFrame(this.domain, a, { calls: this.pbx.accountCalls(p) }), () => true);
    }
  }

  /** A socket that subscribed to the domain sees every call, others their own. */
  private callStateFor(c: Client): Record<string, unknown> {
    return callStateFrame(this.pbx, this, c.domainCalls || c.gotCalls ? undefined : c.user);
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
}

function asList(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
}
