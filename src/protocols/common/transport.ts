import * as http from 'http';
import * as https from 'https';
import type { ConnectionOptions } from 'tls';
import WebSocket from 'ws';
import { AuthError } from './errors';

/** Frames larger than this close the socket (ws answers with 1009) instead of filling memory. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface OpenOptions {
  tls: ConnectionOptions;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Aborts the opening (the connection was closed meanwhile): rejects and leaves no socket. */
  signal?: AbortSignal;
}

/**
 * Opens a WebSocket and resolves once it is open, paused: the caller attaches its listeners,
 * then calls `ws.resume()`. Servers may speak first (socket.io's `1::`, Vodia's `domain-state`
 * come with the upgrade answer), and frames read before a 'message' listener exists are lost.
 * An HTTP 401/403 upgrade answer is an
 * AuthError; anything else (refused, TLS failure, timeout) a plain Error with a clear text.
 */
export function openWebSocket(url: string, opts: OpenOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      ...tlsOptions(url, opts.tls),
      headers: opts.headers,
      handshakeTimeout: opts.timeoutMs,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
    });
    const onAbort = (): void => fail(new Error('connection closed while opening the WebSocket'));
    const fail = (err: Error): void => {
      opts.signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(err);
    };
    ws.once('open', () => {
      opts.signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners();
      ws.pause();
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      fail(
        status === 401 || status === 403
          ? new AuthError(`server refused the WebSocket (HTTP ${status})`)
          : new Error(`server answered the WebSocket upgrade with HTTP ${status}`),
      );
    });
    ws.once('error', (err) => fail(new Error(describeNetworkError(err, url))));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A small HTTP(S) request for login/handshake endpoints, bounded in time and size. */
export function httpRequest(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    tls: ConnectionOptions;
    timeoutMs: number;
    /** Aborts the request, e.g. when the connection is closed while a login is under way. */
    signal?: AbortSignal;
  },
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(
      target,
      {
        method: opts.method ?? 'GET',
        headers:
          opts.body === undefined ? opts.headers : { 'content-length': Buffer.byteLength(opts.body), ...opts.headers },
        ...tlsOptions(url, opts.tls),
        timeout: opts.timeoutMs,
        signal: opts.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > 1024 * 1024) req.destroy(new Error('answer larger than 1 MB'));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => reject(new Error(describeNetworkError(err, url))));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.host} within ${opts.timeoutMs} ms`)));
    req.on('error', (err) => reject(new Error(describeNetworkError(err, url))));
    req.end(opts.body);
  });
}

function tlsOptions(url: string, tls: ConnectionOptions): ConnectionOptions {
  if (!/^(wss|https):/i.test(url)) return {};
  // Verification stays on unless a tls-config node said otherwise.
  return { ...tls, rejectUnauthorized: tls.rejectUnauthorized !== false };
}

/** Turns socket errors into texts an integrator can act on. */
export function describeNetworkError(err: Error & { code?: string }, url: string): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* keep the raw text */
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${host}`;
    case 'ETIMEDOUT':
      return `connection to ${host} timed out`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS certificate of ${host} not trusted (${err.code}): add its CA in a tls-config node`;
    default:
      return `${host}: ${err.message}`;
  }
}
