/**
 * Where the two API generations live. 2.0: the socket.io base `https://<domain>:8093` (8094
 * without TLS), 3.0: `wss://<domain>:3342/`. The config node's `url` may be empty; then it is
 * derived from the domain.
 */

export const V2_PORT = 8093;
export const V3_PORT = 3342;

function parse(url: string, what: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new Error(`onlinepbx: '${url}' is not a valid ${what} URL`);
  }
}

function requireDomain(domain: string): string {
  const d = domain.trim();
  if (!d) throw new Error(`onlinepbx: property 'domain' is missing (the PBX domain, e.g. example.onpbx.ru)`);
  return d;
}

export interface V2Base {
  secure: boolean;
  /** host[:port] */
  host: string;
  /** A path in front of `/socket.io` (a reverse proxy), '' or '/prefix'. */
  prefix: string;
}

/** The socket.io server of API 2.0; a ws(s) URL names the same server (the handshake is HTTP). */
export function v2Base(url: string, domain: string): V2Base {
  const u = parse(url.trim() || `https://${requireDomain(domain)}:${V2_PORT}`, 'socket.io');
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  if (!secure && u.protocol !== 'http:' && u.protocol !== 'ws:') {
    throw new Error(`onlinepbx: the API 2.0 URL must start with https:// or http:// (got ${u.protocol})`);
  }
  const prefix = u.pathname.replace(/\/+$/, '').replace(/\/socket\.io(\/1)?$/, '');
  return { secure, host: u.host, prefix };
}

/** The key and domain go only as query parameters, each encoded (the reference client did not). */
function authQuery(key: string, domain: string): string {
  return `key=${encodeURIComponent(key)}&domain=${encodeURIComponent(domain)}`;
}

/** `GET /socket.io/1/?key=&domain=&t=<ms>`: the `t` defeats caches, as the reference client does. */
export function v2HandshakeUrl(base: V2Base, key: string, domain: string): string {
  const scheme = base.secure ? 'https:' : 'http:';
  return `${scheme}//${base.host}${base.prefix}/socket.io/1/?${authQuery(key, domain)}&t=${Date.now()}`;
}

export function v2SocketUrl(base: V2Base, sid: string, key: string, domain: string): string {
  const scheme = base.secure ? 'wss:' : 'ws:';
  return `${scheme}//${base.host}${base.prefix}/socket.io/1/websocket/${sid}?${authQuery(key, domain)}`;
}

/** `wss://<domain>:3342/?key=<API key>`; other query parameters of a given URL are kept. */
export function v3Url(url: string, domain: string, key: string): string {
  const u = parse(url.trim() || `wss://${requireDomain(domain)}:${V3_PORT}/`, 'API 3.0');
  if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol !== 'wss:' && u.protocol !== 'ws:') {
    throw new Error(`onlinepbx: the API 3.0 URL must start with wss:// or ws:// (got ${u.protocol})`);
  }
  u.hash = '';
  u.searchParams.set('key', key);
  return u.toString();
}
