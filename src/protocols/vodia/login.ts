import { createHash } from 'crypto';
import type { ConnectionOptions } from 'tls';
import { AuthError } from '../common/errors';
import { httpRequest, type HttpResponse } from '../common/transport';

/** Where the socket and the REST login live, derived from the configured websocket URL. */
export interface VodiaEndpoints {
  /** `http(s)://host[:port]/rest/system/session` on the same host as the socket. */
  session: string;
  /** `ws(s)://host[:port]/websocket?domain=..&user=..` */
  socket: string;
}

/**
 * `url` is the websocket URL without query (`wss://pbx/websocket`); `http(s)` and a bare host
 * path are accepted too. `user` may be `ext@domain` for the login; the socket query takes the
 * extension alone.
 */
export function vodiaEndpoints(url: string, domain: string, user: string): VodiaEndpoints {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`property 'url' is not a URL: ${url}`);
  }
  const secure = u.protocol === 'wss:' || u.protocol === 'https:';
  if (!secure && u.protocol !== 'ws:' && u.protocol !== 'http:') {
    throw new Error(`property 'url' must start with wss://, ws://, https:// or http://`);
  }
  const path = u.pathname === '/' || u.pathname === '' ? '/websocket' : u.pathname;
  const ext = user.includes('@') ? user.slice(0, user.indexOf('@')) : user;
  const query = new URLSearchParams({ domain, user: ext });
  return {
    session: `${secure ? 'https' : 'http'}://${u.host}/rest/system/session`,
    socket: `${secure ? 'wss' : 'ws'}://${u.host}${path}?${query.toString()}`,
  };
}

export interface SessionLogin {
  url: string;
  user: string;
  password: string;
  tls: ConnectionOptions;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * The user login: `PUT /rest/system/session {"name":"auth","value":"<user> <md5hex(password)>"}`
 * answers the session id as a JSON string; an empty body (or `false`) is a refused login
 * [S4][S11b]. The account is sent as configured: a multi-tenant PBX reached under a host name
 * other than the tenant's may need `ext@domain` in the user field.
 */
export async function obtainSession(login: SessionLogin): Promise<string> {
  const md5 = createHash('md5').update(login.password, 'utf8').digest('hex');
  const res = await rest(login, 'PUT', { name: 'auth', value: `${login.user} ${md5}` });
  if (res.status === 401 || res.status === 403) throw new AuthError(`login refused by the PBX (HTTP ${res.status})`);
  if (res.status === 404) throw new Error(`no REST login at ${login.url} (HTTP 404): is this a Vodia PBX?`);
  if (res.status < 200 || res.status >= 300) throw new Error(`login answered HTTP ${res.status}`);
  const session = sessionFrom(res.body);
  if (!session) throw new AuthError('login refused: wrong user or password');
  return session;
}

/**
 * An id in a REST answer: plain text or a JSON string, or with `fields` the first of them in a
 * JSON object; only in the characters of a token. `false`, `""`, an empty body, or an HTML or
 * text page that some PBX or proxy answers a refused login with, give undefined.
 */
function idFrom(body: string, fields: string[] = []): string | undefined {
  const text = body.trim();
  let v: unknown = text;
  try {
    v = JSON.parse(text);
  } catch {
    /* plain text */
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    v = fields.map((f) => o[f]).find((x) => x !== undefined && x !== null);
  }
  if (typeof v !== 'string') return undefined;
  const id = v.trim();
  return /^[\w.~+/=:-]+$/.test(id) ? id : undefined;
}

/** The user login's body is `"<id>"` (a bare id is accepted too, lenient) [S11b]. */
function sessionFrom(body: string): string | undefined {
  return idFrom(body);
}

export interface ThirdPartyLogin {
  url: string;
  /** The extension the session is for. */
  extension: string;
  domain: string;
  adminUser: string;
  adminPassword: string;
  tls: ConnectionOptions;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * The admin-minted third-party login [S5][S7][S8]: `POST {"name":"3rd","username":<ext>,
 * "domain":<domain>}` with HTTP Basic admin credentials mints a token valid about 10 s, which
 * `POST {"name":"session","value":<token>}` turns into a live session (`Set-Cookie: session=`).
 * Tokens are single-use: every (re)connect mints a new one. Body `false` means bad admin
 * credentials, 404 an unknown domain or extension [S9]; both are configuration the user must fix.
 */
export async function obtainThirdPartySession(login: ThirdPartyLogin): Promise<string> {
  const basic = Buffer.from(`${login.adminUser}:${login.adminPassword}`, 'utf8').toString('base64');
  const minted = await rest(
    login,
    'POST',
    { name: '3rd', username: login.extension, domain: login.domain },
    `Basic ${basic}`,
  );
  if (minted.status === 401 || minted.status === 403)
    throw new AuthError(`admin login refused by the PBX (HTTP ${minted.status})`);
  if (minted.status === 404) {
    throw new AuthError(`the PBX knows no extension ${login.extension} in domain ${login.domain} (HTTP 404)`);
  }
  if (minted.status < 200 || minted.status >= 300) throw new Error(`third-party login answered HTTP ${minted.status}`);
  const token = tokenFrom(minted.body);
  if (!token) throw new AuthError('admin login refused: wrong admin user or password');
  const activated = await rest(login, 'POST', { name: 'session', value: token });
  if (activated.status < 200 || activated.status >= 300) {
    throw new Error(`activating the third-party session answered HTTP ${activated.status}`);
  }
  // The cookie is what the docs name [S5]; a session id in the body is taken as well (lenient).
  const session = sessionCookie(activated.headers['set-cookie']) ?? sessionFrom(activated.body);
  if (!session) throw new Error('activating the third-party session set no session cookie');
  return session;
}

/** A JSON REST call to the session endpoint. */
function rest(
  login: Pick<SessionLogin, 'url' | 'tls' | 'timeoutMs' | 'signal'>,
  method: 'PUT' | 'POST',
  body: Record<string, unknown>,
  authorization?: string,
): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  return httpRequest(login.url, {
    method,
    headers,
    body: JSON.stringify(body),
    tls: login.tls,
    timeoutMs: login.timeoutMs,
    signal: login.signal,
  });
}

/** The token: plain text, a JSON string, or `{session|value|token}` [S9]; `false` is a refusal. */
function tokenFrom(body: string): string | undefined {
  return idFrom(body, ['session', 'value', 'token']);
}

/** `session=<id>` from the Set-Cookie header(s). */
function sessionCookie(header: string[] | undefined): string | undefined {
  for (const line of header ?? []) {
    const m = /^\s*session=([^;\s]+)/i.exec(line);
    if (m) return m[1];
  }
  return undefined;
}
