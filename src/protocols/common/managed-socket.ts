import type WebSocket from 'ws';
import { DisconnectedError } from './errors';
import { sayGoodbye } from './goodbye';
import { IdleWatchdog } from './idle-watchdog';
import { openWebSocket, type OpenOptions } from './transport';

export interface SocketHandlers {
  /** Every inbound frame; each one also tells the watchdog that the PBX is there. */
  onFrame(data: Buffer, isBinary: boolean): void;
  /** The socket went by itself (closed by the PBX, network, watchdog, `cut`): once, never after `close()`. */
  onDropped(reason: string): void;
}

/**
 * One WebSocket's life, the same for every vendor client: opened paused, so that frames the PBX
 * sends with the upgrade answer wait for the listeners; `open` until it is dropped or closed and
 * `closed` for good after that; a dropped signal that fires once; an idle watchdog that cuts a
 * half-open socket; a goodbye on close. The vendor clients keep framing, login and requests.
 */
export class ManagedSocket {
  private state: 'open' | 'closed' = 'open';
  private reason = '';
  private watchdog: IdleWatchdog | undefined;

  private constructor(private readonly ws: WebSocket) {}

  /**
   * Opens a socket, or rejects (AuthError for a 401/403 answer). An aborted `signal` (the
   * connection was closed meanwhile) rejects with DisconnectedError and leaves no socket.
   */
  static async open(url: string, opts: OpenOptions): Promise<ManagedSocket> {
    let ws: WebSocket;
    try {
      ws = await openWebSocket(url, opts);
    } catch (err) {
      if (opts.signal?.aborted) throw new DisconnectedError('connection closed during login');
      throw err;
    }
    if (opts.signal?.aborted) {
      ws.terminate();
      throw new DisconnectedError('connection closed during login');
    }
    return new ManagedSocket(ws);
  }

  /** Starts reading: from now on frames and the drop go to `handlers`. Call once. */
  listen(handlers: SocketHandlers): void {
    const ws = this.ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.watchdog?.touch();
      handlers.onFrame(data, isBinary);
    });
    ws.on('pong', () => this.watchdog?.touch());
    ws.on('error', (err) => {
      this.reason ||= err.message;
    });
    ws.on('close', (code: number) => {
      if (this.state === 'closed') return;
      this.state = 'closed';
      this.stopWatchdog();
      handlers.onDropped(this.reason || `socket closed by the PBX (${code})`);
    });
    ws.resume();
  }

  get isOpen(): boolean {
    return this.state === 'open' && this.ws.readyState === this.ws.OPEN;
  }

  /** Sends a frame; throws DisconnectedError when the socket is not open. */
  send(text: string): void {
    if (!this.isOpen) throw new DisconnectedError('not connected to the PBX');
    this.ws.send(text);
  }

  /** Sends a frame when the socket is open; on one that is going the drop reports the loss. */
  trySend(text: string): void {
    if (this.isOpen) this.ws.send(text);
  }

  /** An RFC 6455 ping: every server answers it, so its pong is a sign of life. */
  ping(): void {
    try {
      this.ws.ping();
    } catch {
      /* the close event follows */
    }
  }

  /**
   * Watches for silence (replacing any watch before): `probe` after `idleMs` without a frame or
   * pong, and the socket is cut as dropped with `reason` after `deadMs`.
   */
  watch(idleMs: number, deadMs: number, reason: string, probe: () => void = () => this.ping()): void {
    this.stopWatchdog();
    if (this.state === 'closed') return;
    this.watchdog = new IdleWatchdog(idleMs, deadMs, probe, () => this.cut(reason));
  }

  /** Ends the socket as dropped with `reason` (half-open, or the protocol said the session ended). */
  cut(reason: string): void {
    this.reason = reason;
    this.ws.terminate();
  }

  /**
   * Ends the socket for good: no frame and no drop are reported after this. Resolves once it is
   * closed, after `farewell` (a protocol's own goodbye) and the close handshake, or cut off.
   */
  close(farewell?: string): Promise<void> {
    if (this.state === 'closed') return sayGoodbye(this.ws);
    this.state = 'closed';
    this.stopWatchdog();
    return sayGoodbye(this.ws, farewell);
  }

  private stopWatchdog(): void {
    this.watchdog?.stop();
    this.watchdog = undefined;
  }
}
