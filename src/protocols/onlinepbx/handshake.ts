import type { ConnectionOptions } from 'tls';
import { AuthError } from '../common/errors';
import { httpRequest } from '../common/transport';
import { parseHandshake, type Handshake } from './codec';
import { v2HandshakeUrl, type V2Base } from './endpoints';

/**
 * The socket.io 0.9 handshake that also authenticates: `key` and `domain` travel only here.
 * A stock 0.9 server refuses an unauthorized handshake with 403 "handshake unauthorized"
 * (whether onlinePBX does the same or closes later is unknown; both end as an auth failure).
 */
export async function socketIoHandshake(opts: {
  base: V2Base;
  key: string;
  domain: string;
  tls: ConnectionOptions;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<Handshake> {
  const res = await httpRequest(v2HandshakeUrl(opts.base, opts.key, opts.domain), {
    tls: opts.tls,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  const where = opts.base.host;
  if (res.status === 401 || res.status === 403) {
    throw new AuthError(`auth failed: ${where} refused the API key for domain ${opts.domain} (HTTP ${res.status})`);
  }
  if (res.status >= 500) {
    // A stock server answers 500 "handshake error" when its authorization check itself fails.
    throw new Error(`onlinePBX handshake failed at ${where}: HTTP ${res.status} (server error)`);
  }
  if (res.status !== 200) {
    throw new Error(
      `onlinePBX handshake failed at ${where}: HTTP ${res.status} (is this the API 2.0 socket.io port, usually 8093?)`,
    );
  }
  const hs = parseHandshake(res.body);
  if (!hs) {
    throw new Error(
      `${where} did not answer like a socket.io 0.9 server (API 2.0): check the URL and port, or use apiVersion 3`,
    );
  }
  if (!hs.transports.includes('websocket')) {
    throw new Error(`${where} does not offer the websocket transport (offers ${hs.transports.join(', ')})`);
  }
  return hs;
}
