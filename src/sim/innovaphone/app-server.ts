import { randomBytes } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import WebSocket, { WebSocketServer } from 'ws';
import { loginDigest, sessionKey } from '../../protocols/innovaphone/crypto';
import { SimHarness } from '../common/harness';
import { textOf } from '../../protocols/common/values';

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
    const fields = {
      app,
      domain: textOf(login.domain) ?? '',
      sip: textOf(login.sip) ?? '',
      guid: textOf(login.guid) ?? '',
      dn: textOf(login.dn) ?? '',
    };
    return loginDigest(fields, info, challenge, password) === login.digest ? password : undefined;
  };
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
 * the reliability suite: drop, clean close, reply delay (of every answer, the login's included),
 * silence (half-open), raw frames, and 503 for new sockets (`setUnavailable`).
 */
export class AppServer extends SimHarness {
  /** Completed logins. */
  loginCount = 0;
  /** AppLogin messages received, right or wrong. */
  loginAttempts = 0;
  /** `{"mt":"KeepAlive"}` frames received. */
  keepAliveCount = 0;
  private readonly all = new Set<Client>();
  private unavailable = false;

  constructor(private readonly options: AppServerOptions) {
    const server = options.tls ? https.createServer(options.tls) : http.createServer();
    // Pongs are answered by hand, so a silent server can play a half-open socket.
    super(
      server,
      new WebSocketServer({
        server,
        autoPong: false,
        verifyClient: (_info, accept) => (this.unavailable ? accept(false, 503, 'Service Unavailable') : accept(true)),
      }),
    );
    server.on('request', (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    this.wss.on('connection', (ws) => this.accept(ws));
  }

  protected clientSockets(): Iterable<WebSocket> {
    return [...this.all].map((c) => c.ws);
  }

  get tls(): boolean {
    return !!this.options.tls;
  }

  /** Logged-in clients with an open socket. */
  get clients(): AppClient[] {
    return [...this.all].filter((c) => c.loggedIn && c.ws.readyState === WebSocket.OPEN);
  }

  /**
   * An outage with the PBX itself running (a restart, a proxy without its backend): new
   * WebSockets are refused with 503, open ones stay as they are (drop them with `dropAll`).
   */
  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
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
      this.afterDelay(() => this.receive(c, msg as AppMessage));
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
