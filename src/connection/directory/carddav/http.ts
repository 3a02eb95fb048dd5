import * as http from 'node:http';
import * as https from 'node:https';
import type { ConnectionOptions } from 'node:tls';

/** One successful answer of a DAV server: where it came from (after redirects) and its body as text. */
export interface DavResponse {
  url: URL;
  body: string;
}

export interface DavRequest {
  method: 'PROPFIND' | 'REPORT';
  url: URL;
  depth: '0' | '1';
  body: string;
}

/**
 * Every request has an end: a server that says nothing for this long fails the load. An idle
 * time, not a total: Radicale takes 10-35 s on this project's CI machine before it starts to
 * answer a PROPFIND of 5,000 cards, and a large answer may stream for longer than that.
 */
const REQUEST_TIMEOUT_MS = 60_000;
/** A phone book answer larger than this is no phone book (and must not exhaust Node-RED's memory). */
const MAX_BODY_BYTES = 200 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * The HTTP side of a CardDAV source: Basic auth, the tls-config's options on HTTPS (verification
 * stays on unless they turn it off), kept-alive sockets, a timeout on every request, redirects
 * followed (discovery starts at `/.well-known/carddav`). Error texts name the server, never the
 * credentials.
 */
export class DavClient {
  private readonly authorization: string;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private readonly httpsAgent: https.Agent;

  constructor(
    user: string,
    password: string,
    tls: ConnectionOptions,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    this.authorization = 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
    this.httpsAgent = new https.Agent({ ...tls, keepAlive: true, maxSockets: 2 });
  }

  /** Sends the request and answers the final response (after redirects); rejects on 401, 403, 404, 5xx, network errors and timeouts. */
  async send(request: DavRequest): Promise<DavResponse> {
    let url = request.url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const answer = await this.once(request, url);
      const location = answer.location;
      if (answer.status >= 300 && answer.status < 400 && location) {
        const next = new URL(location, url);
        // Basic credentials go to HTTPS or to the host they were given for, never down to plain HTTP elsewhere.
        if (next.protocol === 'http:' && (url.protocol === 'https:' || next.host !== url.host)) {
          throw new Error(`CardDAV: ${shown(url)} redirects to insecure ${shown(next)}; not followed`);
        }
        url = next;
        continue;
      }
      if (answer.status < 200 || answer.status >= 300)
        throw new DavStatusError(statusText(answer.status, url), answer.status);
      return { url, body: answer.body };
    }
    throw new Error(`CardDAV: too many redirects from ${shown(request.url)}`);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private once(request: DavRequest, url: URL): Promise<{ status: number; location?: string; body: string }> {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:')
      return Promise.reject(new Error(`CardDAV: not an http(s) URL: ${shown(url)}`));
    const body = Buffer.from(request.body, 'utf8');
    return new Promise((resolve, reject) => {
      const options: http.RequestOptions = {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: url.pathname + url.search,
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: {
          Authorization: this.authorization,
          Depth: request.depth,
          'Content-Type': 'application/xml; charset=utf-8',
          'Content-Length': body.length,
          Accept: 'application/xml, text/xml',
        },
      };
      const req = (secure ? https : http).request(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new Error(`CardDAV: answer from ${shown(url)} larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const location = res.headers.location;
          resolve({ status: res.statusCode ?? 0, location, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
      });
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`CardDAV: no answer from ${shown(url)} within ${this.timeoutMs / 1000} s`)),
      );
      function fail(err: Error): void {
        reject(new Error(describeNetworkError(err, url)));
      }
      req.on('error', fail);
      req.end(body);
    });
  }
}

function statusText(status: number, url: URL): string {
  if (status === 401) return `CardDAV: authentication failed at ${shown(url)} (wrong user or password)`;
  if (status === 403) return `CardDAV: access denied at ${shown(url)} (403)`;
  if (status === 404) return `CardDAV: not found: ${shown(url)} (404)`;
  return `CardDAV: ${shown(url)} answered HTTP ${status}`;
}

/** A non-2xx answer, with its status for the callers that handle some (discovery's 404, an expired sync token). */
export class DavStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The URL as an error or log may show it: no user, no password, no query. */
export function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function describeNetworkError(err: Error, url: URL): string {
  if (err.message.startsWith('CardDAV:')) return err.message;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return `CardDAV: ${url.host} unreachable (connection refused)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `CardDAV: host ${url.hostname} not found`;
  if (code === 'ECONNRESET') return `CardDAV: ${url.host} closed the connection`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `CardDAV: certificate of ${url.host} not trusted (${code}); add its CA in the tls-config`;
  }
  return `CardDAV: ${url.host}: ${err.message}`;
}
