import { createHash, randomBytes } from 'crypto';
import type * as http from 'http';
import type { VodiaPbx } from './pbx';

/**
 * The REST login of the simulated Vodia PBX: the session login with its MD5 check, third-party
 * tokens minted with admin credentials and turned into a session, and the sessions the
 * websocket upgrade checks.
 */

/** What the simulator counts of the logins (its public counters). */
export interface LoginCounters {
  loginCount: number;
  failedLogins: number;
  tokensMinted: number;
  tokensActivated: number;
}

export interface LoginOptions {
  /** HTTP Basic credentials that may mint third-party sessions (`{"name":"3rd"}`) [S5]. */
  admin?: { user: string; password: string };
  /** How the minted token is answered: quoted JSON string (default), plain text, or `{session}` [S9]. */
  tokenForm?: 'quoted' | 'plain' | 'object';
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

export class RestLogin {
  /** Lifetime of sessions issued from now on (0: expired before the socket can use it). */
  sessionTtlMs = 24 * 3600 * 1000;
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, Token>();
  private readonly admin: { user: string; password: string } | undefined;
  private readonly tokenForm: 'quoted' | 'plain' | 'object';

  constructor(
    private readonly domain: string,
    private readonly pbx: VodiaPbx,
    private readonly counters: LoginCounters,
    options: LoginOptions,
  ) {
    this.admin = options.admin;
    this.tokenForm = options.tokenForm ?? 'quoted';
  }

  /** The session id of a `Cookie` header, if it carries one. */
  sessionCookie(cookieHeader: string | undefined): string | undefined {
    return /(?:^|;\s*)session=([^;\s]+)/.exec(cookieHeader ?? '')?.[1];
  }

  /** Whether the session is valid, unexpired and belongs to `user`. */
  isLive(id: string, user: string): boolean {
    const session = this.sessions.get(id);
    return !!session && session.valid && session.expires > Date.now() && session.user === user;
  }

  /** Invalidates every session. */
  expireAll(): void {
    for (const s of this.sessions.values()) s.valid = false;
  }

  /** Answers one HTTP request with its complete body. */
  answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/') return reply(res, 200, 'text/html', '<html>Vodia PBX simulator</html>');
    if (path !== '/rest/system/session') return reply(res, 404, 'text/plain', 'Not found');
    if (req.method !== 'PUT' && req.method !== 'POST') return reply(res, 405, 'text/plain', 'Method not allowed');
    let msg: { name?: unknown; value?: unknown; username?: unknown; domain?: unknown };
    try {
      msg = JSON.parse(body) as typeof msg;
    } catch {
      return reply(res, 400, 'text/plain', 'Bad JSON');
    }
    if (req.method === 'POST' && msg?.name === '3rd') return this.mintToken(req, res, msg);
    if (req.method === 'POST' && msg?.name === 'session') return this.activateToken(res, msg.value);
    if (req.method !== 'PUT' || msg?.name !== 'auth' || typeof msg.value !== 'string') {
      return reply(res, 400, 'text/plain', 'Bad request');
    }
    const space = msg.value.lastIndexOf(' ');
    let user = msg.value.slice(0, space);
    const md5 = msg.value.slice(space + 1);
    const at = user.indexOf('@');
    const domainOk = at < 0 || user.slice(at + 1) === this.domain;
    if (at >= 0) user = user.slice(0, at);
    const password = this.pbx.passwordOf(user);
    if (space <= 0 || !domainOk || password === undefined || createHash('md5').update(password).digest('hex') !== md5) {
      this.counters.failedLogins++;
      // A failed login answers 200 with an empty body [S11b].
      return reply(res, 200, 'application/json', '');
    }
    const id = this.newSession(res, user);
    reply(res, 200, 'application/json', JSON.stringify(id));
  }

  /**
   * `{"name":"3rd","username":<ext>,"domain":<domain>}` with Basic admin credentials: a token,
   * `false` for bad admin credentials, 404 for an unknown domain or extension [S9].
   */
  private mintToken(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    msg: { username?: unknown; domain?: unknown },
  ): void {
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const given = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    if (!this.admin || given !== `${this.admin.user}:${this.admin.password}`) {
      this.counters.failedLogins++;
      return reply(res, 200, 'application/json', 'false');
    }
    const user = String(msg.username ?? '');
    if (msg.domain !== this.domain || !this.pbx.has(user)) return reply(res, 404, 'text/plain', 'Not found');
    const token = randomBytes(12).toString('hex');
    this.tokens.set(token, { user, expires: Date.now() + TOKEN_TTL_MS });
    this.counters.tokensMinted++;
    if (this.tokenForm === 'plain') return reply(res, 200, 'text/plain', token);
    reply(res, 200, 'application/json', JSON.stringify(this.tokenForm === 'object' ? { session: token } : token));
  }

  /** `{"name":"session","value":<token>}`: a live session in `Set-Cookie`; a token works once. */
  private activateToken(res: http.ServerResponse, value: unknown): void {
    const token = this.tokens.get(String(value));
    this.tokens.delete(String(value));
    if (!token || token.expires <= Date.now()) return reply(res, 403, 'text/plain', 'Forbidden');
    this.newSession(res, token.user);
    this.counters.tokensActivated++;
    reply(res, 200, 'text/plain', '');
  }

  /** A live session for `user`, counted as a login and set as the answer's cookie. */
  private newSession(res: http.ServerResponse, user: string): string {
    const id = randomBytes(10).toString('hex');
    this.sessions.set(id, { user, expires: Date.now() + this.sessionTtlMs, valid: true });
    this.counters.loginCount++;
    res.setHeader('Set-Cookie', `session=${id}; Path=/; HttpOnly`);
    return id;
  }
}

function reply(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
