import type * as http from 'http';
import type * as https from 'https';
import type { Duplex } from 'stream';
import WebSocket, { type WebSocketServer } from 'ws';
import { Timers } from './timers';

/**
 * What every simulated PBX server shares: listening on 127.0.0.1, stopping with nothing left
 * behind, and the fault controls of the reliability suite (drop, clean close, reply delay,
 * silence as a half-open socket, raw frames). A simulator adds its protocol: login, requests,
 * events.
 */
export abstract class SimHarness {
  port = 0;
  /** Answers (and, where the protocol says so, logins) wait this long. */
  protected replyDelayMs = 0;
  /** Half-open: nothing is answered or sent, not even pongs; the TCP sockets stay open. */
  protected silent = false;
  /** HTTP answers and sockets held back (silent or delayed); cut off on `stop`. */
  protected readonly held = new Set<{ destroy(): void }>();
  private readonly timers = new Timers();

  protected constructor(
    protected readonly server: http.Server | https.Server,
    protected readonly wss: WebSocketServer,
  ) {}

  /** Every client socket the simulator holds, open or not. */
  protected abstract clientSockets(): Iterable<WebSocket>;

  start(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        this.port = typeof addr === 'object' && addr ? addr.port : port;
        resolve(this.port);
      });
    });
  }

  async stop(): Promise<void> {
    this.timers.clear();
    for (const h of this.held) h.destroy();
    this.held.clear();
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Open sockets (a socket being closed no longer counts). */
  get connectionCount(): number {
    let n = 0;
    for (const ws of this.clientSockets()) if (ws.readyState === WebSocket.OPEN) n++;
    return n;
  }

  /** Terminates every socket (a network drop). */
  dropAll(): void {
    for (const ws of this.clientSockets()) ws.terminate();
  }

  /** The PBX closes every socket cleanly. */
  closeAll(): void {
    for (const ws of this.clientSockets()) ws.close(1001, 'going away');
  }

  /** Delays answers by `ms` (what each simulator delays, it says). */
  setReplyDelay(ms: number): void {
    this.replyDelayMs = ms;
  }

  setSilent(silent: boolean): void {
    this.silent = silent;
  }

  /** Sends a frame as is to every open socket (malformed frames, batched framing, ...). */
  sendRaw(data: string | Buffer): void {
    for (const ws of this.clientSockets()) if (ws.readyState === WebSocket.OPEN) ws.send(data);
  }

  /** Runs `fn` after `ms`; pending runs are cancelled by `stop()`. */
  later(ms: number, fn: () => void): void {
    this.timers.later(ms, fn);
  }

  /** Runs `fn` after the reply delay, or now when there is none. */
  protected afterDelay(fn: () => void): void {
    if (this.replyDelayMs > 0) this.later(this.replyDelayMs, fn);
    else fn();
  }
}

/** Answers a WebSocket upgrade with an HTTP error (`text` as the body) and closes the socket. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${extra}Connection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
  );
}
