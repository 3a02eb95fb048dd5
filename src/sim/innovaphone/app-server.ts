import { randomBytes } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import WebSocket, { WebSocketServer } from 'ws';
import { loginDigest, sessionKey } from '../../protocols/innovaphone/crypto';

export type AppMessage = Record<string, unknown>;

/** One logged-in client socket, as a message handler sees it. */
export interface AppClient {
  send(msg: object): void;
  /** The socket itself, for benchmark pushes that pace themselves on its write callbacks. */
  readonly ws: WebSocket;
  readonly sessionKey: string;
  readonly login: AppMessage;
  /** Per-socket state of the handlers (subscriptions, attachments, ...). */
  readonly state: Map<string, unknown>;
}

export interface AppServerOptions {
  /** The password the AppLogin's digest was made with, or undefined to refuse the login. */
  checkLogin(login: AppMessage, challenge: string): string | undefined;
  /** `AppLoginResult` fields besides `ok` (App services add their `domain`). */
  loginResult?: AppMessage;
  /** For a bare server; simulators extend AppServer and override `handle` / `closed` instead. */
  onMessage?(client: AppClient, msg: AppMessage): void;
  onClose?(client: AppClient): void;
  tls?: { key: string; cert: string };
}

/** Variant A: an App object named `app` with `password`; `info` counts when the client sends it. */
export function appPasswordLogin(app: string, password: string): AppServerOptions['checkLogin'] {
  return (login, challenge) => {
    if (login.app !== app) return undefined;
    const info = login.info === undefined ? undefined : JSON.stringify(login.info);
    const fields = { app, domain: str(login.domain), sip: str(login.sip), guid: str(login.guid), dn: str(login.dn) };
    return loginDigest(fields, info, challenge, password) === login.digest ? password : undefined;
  };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

class Client implements AppClient {
  challenge = '';
  loggedIn = false;
  sessionKey = '';
  login: AppMessage = {};
  readonly state = new Map<string, unknown>();

  constructor(
    readonly ws: WebSocket,
    private readonly server: AppServer,
  ) {}

  send(msg: object): void {
    this.server.deliver(this, JSON.stringify(msg));
  }
}

/**
 * The AppWebsocket side of an innovaphone PBX or App service, for tests and the demo: the
 * challenge/digest login (a wrong digest gets an AppLoginResult without `ok`, then the socket is
 * closed, as the JS client expects), then every message goes to `onMessage`. Fault controls for
 * the reliability suite: drop, clean close, reply delay, silence (half-open), raw frames.
 */
export class AppServer {
  port = 0;
  /** Completed logins. */
  loginCount = 0;
  /** AppLogin messages received, right or wrong. */
  loginAttempts = 0;
  /** `{"mt":"KeepAlive"}` frames received. */
  keepAliveCount = 0;
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly all = new Set<Client>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private replyDelayMs = 0;
  private silent = false;
  private unavailable = false;

  constructor(private readonly options: AppServerOptions) {
    this.http = options.tls ? https.createServer(options.tls) : http.createServer();
    this.http.on('request', (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    // Pongs are answered by hand, so a silent server can play a half-open socket.
    this.wss = new WebSocketServer({
      server: this.http,
      autoPong: false,
      verifyClient: (_info, accept) => (this.unavailable ? accept(false, 503, 'Service Unavailable') : accept(true)),
    });
    this.wss.on('connection', (ws) => this.accept(ws));
  }

  get tls(): boolean {
    return !!this.options.tls;
  }

  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.all) c.ws.terminate();
    this.all.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Logged-in clients with an open socket. */
  get clients(): AppClient[] {
    return [...this.all].filter((c) => c.loggedIn && c.ws.readyState === WebSocket.OPEN);
  }

  /** Open sockets, logged in or not. */
  get connectionCount(): number {
    let n = 0;
    for (const c of this.all) if (c.ws.readyState === WebSocket.OPEN) n++;
    return n;
  }

  dropAll(): void {
    for (const c of this.all) c.ws.terminate();
  }

  closeAll(): void {
    for (const c of this.all) c.ws.close(1001, 'going away');
  }

  /** Delays every answer, the login's included. */
  setReplyDelay(ms: number): void {
    this.replyDelayMs = ms;
  }

  /** Half-open: nothing is answered or sent, not even pongs; the TCP sockets stay open. */
  setSilent(silent: boolean): void {
    this.silent = silent;
  }

  /**
   * An outage with the PBX itself running (a restart, a proxy without its backend): new
   * WebSockets are refused with 503, open ones stay as they are (drop them with `dropAll`).
   */
  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
  }

  sendRaw(data: string | Buffer): void {
    for (const c of this.all) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(data);
  }

  /** Runs `fn` after `ms`; pending runs are cancelled by `stop()`. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** A message from a logged-in client. */
  protected handle(c: AppClient, msg: AppMessage): void {
    this.options.onMessage?.(c, msg);
  }

  /** A logged-in client's socket closed. */
  protected closed(c: AppClient): void {
    this.options.onClose?.(c);
  }

  /** @internal Client.send goes through here so that silence applies to every frame. */
  deliver(c: Client, text: string): void {
    if (this.silent || c.ws.readyState !== WebSocket.OPEN) return;
    c.ws.send(text);
  }

  private accept(ws: WebSocket): void {
    const c = new Client(ws, this);
    this.all.add(c);
    ws.on('ping', (data: Buffer) => {
      if (!this.silent) ws.pong(data);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.silent || isBinary) return;
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      if (msg === null || typeof msg !== 'object') return;
      if (this.replyDelayMs > 0) this.later(this.replyDelayMs, () => this.receive(c, msg as AppMessage));
      else this.receive(c, msg as AppMessage);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.all.delete(c);
      if (c.loggedIn) this.closed(c);
    });
  }

  private receive(c: Client, msg: AppMessage): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (msg.mt === 'KeepAlive') {
      this.keepAliveCount++;
      return;
    }
    if (!c.loggedIn) return this.loginStep(c, msg);
    this.handle(c, msg);
  }

  private loginStep(c: Client, msg: AppMessage): void {
    if (msg.mt === 'AppChallenge') {
      c.challenge = randomBytes(8).toString('hex');
      c.send({ mt: 'AppChallengeResult', challenge: c.challenge });
    } else if (msg.mt === 'AppLogin') {
      this.loginAttempts++;
      const password = c.challenge ? this.options.checkLogin(msg, c.challenge) : undefined;
      if (password === undefined) {
        c.send({ mt: 'AppLoginResult' });
        c.ws.close(1000, 'login failed');
        return;
      }
      c.loggedIn = true;
      c.login = msg;
      c.sessionKey = sessionKey(c.challenge, password);
      this.loginCount++;
      c.send({ mt: 'AppLoginResult', ok: true, ...this.options.loginResult });
    }
  }
}
