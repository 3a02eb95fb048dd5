import { AuthError, DisconnectedError, PbxRequestError } from '../common/errors';
import { DEAD_AFTER_INTERVALS } from '../common/idle-watchdog';
import { ManagedSocket } from '../common/managed-socket';
import { OnceLog } from '../common/once-log';
import { PendingRequests } from '../common/pending-requests';
import {
  decodePacket,
  decodePayload,
  DISCONNECT,
  encodeAck,
  encodeEvent,
  ERROR_REASONS,
  HEARTBEAT,
  type EventFrame,
  type Handshake,
  type Packet,
} from './codec';
import { callbackHash } from './commands';
import { v2Base, v2SocketUrl } from './endpoints';
import { socketIoHandshake } from './handshake';
import type { PbxSession, Reply, SessionEvents, SessionOptions } from './session';

/** Our watchdog allows this much more than the server's heartbeat timeout (spec: hb + 5 s). */
const HEARTBEAT_SLACK_MS = 5000;

interface Callback {
  reply: Record<string, unknown>;
  frame: EventFrame;
}

function failed(status: unknown): boolean {
  return status === false || status === 'false' || status === 0 || status === '0';
}

/**
 * onlinePBX WebSockets API 2.0: socket.io protocol 1 on `ws`. Handshake over HTTP(S), then the
 * WebSocket for that sid; the session is up on `1::`. Commands are events carrying a
 * `callback_hash`; the PBX answers with a `callback` event echoing it as `hash`.
 */
export class SocketIoSession implements PbxSession {
  private readonly pending = new PendingRequests<Callback>();
  private socket: ManagedSocket | undefined;
  private abort: AbortController | undefined;
  private deadMs = 0;
  /** When the last `2::` came, and the longest gap between them (from `1::` on). */
  private heartbeats: { limitMs: number; lastAt: number; longestGapMs: number } | undefined;
  private connectWait: { resolve(): void; reject(err: Error): void; timer: NodeJS.Timeout } | undefined;
  private closed = false;
  private up = false;
  private readonly oddities: OnceLog;

  constructor(
    private readonly options: SessionOptions,
    private readonly events: SessionEvents,
  ) {
    this.oddities = new OnceLog((level, text) => events.log(level, text));
  }

  async open(): Promise<void> {
    const o = this.options;
    const base = v2Base(o.url, o.domain);
    this.abort = new AbortController();
    let hs: Handshake;
    try {
      hs = await socketIoHandshake({
        base,
        key: o.key,
        domain: o.domain,
        tls: o.tls,
        timeoutMs: o.timeoutMs,
        signal: this.abort.signal,
      });
    } catch (err) {
      if (this.closed) throw new DisconnectedError('connection closed during login');
      throw err;
    }
    if (this.closed) throw new DisconnectedError('connection closed during login');
    // At once: a stock server forgets a handshake no transport used within about 30 s.
    let socket: ManagedSocket;
    try {
      socket = await ManagedSocket.open(v2SocketUrl(base, hs.sid, o.key, o.domain), {
        tls: o.tls,
        timeoutMs: o.timeoutMs,
        signal: this.abort.signal,
      });
    } finally {
      this.abort = undefined;
    }
    this.socket = socket;
    const confirmed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.failConnect(new Error(`the PBX did not confirm the session (no 1::) within ${o.timeoutMs} ms`)),
        o.timeoutMs,
      );
      this.connectWait = { resolve, reject, timer };
    });
    // The PBX's `1::` comes with the upgrade answer: the socket holds it until we listen.
    socket.listen({
      onFrame: (data, isBinary) => this.onMessage(data, isBinary),
      onDropped: (reason) => this.onDropped(reason),
    });
    await confirmed;
    this.up = true;
    this.startWatchdog(hs);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.abort?.abort();
    this.failConnect(new DisconnectedError('connection closed during login'));
    const socket = this.socket;
    this.socket = undefined;
    // The clean goodbye of socket.io 0.9, once logged in: `0::`, then the close handshake.
    const farewell = this.up ? DISCONNECT : undefined;
    this.up = false;
    this.pending.rejectAll('connection closed');
    return socket ? socket.close(farewell) : Promise.resolve();
  }

  async request(command: string, data: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    const socket = this.socket;
    if (!this.up || !socket?.isOpen) throw new DisconnectedError('not connected to the PBX');
    let hash = callbackHash();
    while (this.pending.has(hash)) hash = callbackHash();
    const answer = this.pending.add(hash, timeoutMs, `onlinePBX ${command}`);
    socket.send(encodeEvent(command, [{ ...data, callback_hash: hash }]));
    const { reply, frame } = await answer;
    if (failed(reply.status)) {
      const why = typeof reply.text === 'string' && reply.text ? reply.text : 'failed (no reason given)';
      throw new PbxRequestError(`onlinePBX ${command}: ${why}`, reply);
    }
    return { data: reply.data, reply, raw: frame };
  }

  private startWatchdog(hs: Handshake): void {
    // Heartbeats off (empty or 0): nothing to watch; the PBX sends nothing while idle.
    if (!hs.heartbeatTimeoutS) return;
    const limitMs = hs.heartbeatTimeoutS * 1000 + HEARTBEAT_SLACK_MS;
    this.heartbeats = { limitMs, lastAt: Date.now(), longestGapMs: 0 };
    this.armWatchdog(limitMs);
  }

  /**
   * The PBX pings (`2::`), we only listen: there is no client probe in socket.io 0.9, and a
   * WebSocket ping is answered by a stock 0.9 server with a broken pong frame that kills the
   * connection (measured against socket.io 0.9.19). So silence can only be judged against the
   * PBX's own heartbeat interval, which the handshake does not announce: until a heartbeat has
   * shown it, only `hb + 5 s` is safe (spec); then 2.5 of the longest gaps seen, or of our
   * keepalive when that is longer, so a short keepalive setting never cuts a PBX that
   * heartbeats less often.
   */
  private onHeartbeat(): void {
    const hb = this.heartbeats;
    if (!hb) return;
    const now = Date.now();
    hb.longestGapMs = Math.max(hb.longestGapMs, now - hb.lastAt);
    hb.lastAt = now;
    const keepalive = this.options.keepaliveMs > 0 ? this.options.keepaliveMs * DEAD_AFTER_INTERVALS : Infinity;
    const deadMs = Math.min(hb.limitMs, Math.max(keepalive, hb.longestGapMs * DEAD_AFTER_INTERVALS));
    if (deadMs !== this.deadMs) this.armWatchdog(deadMs);
  }

  private armWatchdog(deadMs: number): void {
    this.deadMs = deadMs;
    const reason = `no heartbeat from the PBX for ${Math.round(deadMs / 100) / 10} s (half-open connection)`;
    this.socket?.watch(deadMs, deadMs, reason, () => undefined);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.oddities.debug('binary', 'onlinepbx: ignored a binary frame');
    const text = data.toString('utf8');
    if (text.charCodeAt(0) === 0xfffd) {
      const packets = decodePayload(text);
      if (!packets.length)
        return this.oddities.debug('framing', 'onlinepbx: ignored a frame with broken batch framing');
      for (const p of packets) this.onPacket(p);
    } else {
      this.onPacket(text);
    }
  }

  private onPacket(text: string): void {
    const packet = decodePacket(text);
    if (!packet) return this.oddities.debug('malformed', 'onlinepbx: ignored a frame that is not a socket.io packet');
    try {
      this.dispatch(packet);
    } catch (err) {
      this.events.log('debug', `onlinepbx: could not handle a ${packet.type} packet: ${(err as Error).message}`);
    }
  }

  private dispatch(packet: Packet): void {
    if (packet.endpoint !== '')
      return this.oddities.debug(
        `nsp ${packet.endpoint}`,
        `onlinepbx: ignored packets for namespace ${packet.endpoint}`,
      );
    switch (packet.type) {
      case 'heartbeat':
        this.send(HEARTBEAT);
        this.onHeartbeat();
        return;
      case 'connect':
        this.settleConnect();
        return;
      case 'event':
        // A packet with an id asks for an ack (`5:1::` is auto-acked by a stock server too).
        if (packet.id !== undefined) this.send(encodeAck(packet.id, packet.ackData ? [] : undefined));
        this.onEvent(packet.name, packet.args[0], packet.frame);
        return;
      case 'disconnect':
        this.end(new Error('the PBX ended the session (0::)'));
        return;
      case 'error': {
        const reason = ERROR_REASONS[packet.reason] ?? `error ${packet.reason}`;
        const err =
          packet.reason === '2'
            ? new AuthError(`auth failed: the PBX refused the session (${reason})`)
            : new Error(`the PBX reported a socket.io error: ${reason}`);
        this.end(err);
        return;
      }
      case 'ack':
        this.oddities.debug('ack', `onlinepbx: ignored an ack for message ${packet.ackId} (we send no message ids)`);
        return;
      default:
        this.oddities.debug(packet.type, `onlinepbx: ignored ${packet.type} packets (not used by onlinePBX)`);
    }
  }

  private onEvent(name: string, arg: unknown, frame: EventFrame): void {
    // `callback` is the reply to a command, not an event: the official lib never hands one to
    // an event handler (spec §3, "What to implement" 7). One that answers nothing of ours (a
    // reply after its timeout) is dropped too.
    if (name !== 'callback') return this.events.onEvent(name, arg, frame);
    const reply = arg !== null && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
    const hash = typeof reply.hash === 'string' ? reply.hash : typeof reply.hash === 'number' ? String(reply.hash) : '';
    if (!hash || !this.pending.resolve(hash, { reply, frame })) {
      this.oddities.debug(
        'stray callback',
        'onlinepbx: ignored a callback that answers no pending command (late, or not ours)',
      );
    }
  }

  /** Before the session is up a failure fails open(); after, it ends the session. */
  private end(err: Error): void {
    this.failConnect(err);
    this.socket?.cut(err.message);
  }

  private settleConnect(): void {
    const w = this.connectWait;
    if (!w) return;
    this.connectWait = undefined;
    clearTimeout(w.timer);
    w.resolve();
  }

  private failConnect(err: Error): void {
    const w = this.connectWait;
    if (!w) return;
    this.connectWait = undefined;
    clearTimeout(w.timer);
    w.reject(err);
  }

  private onDropped(reason: string): void {
    this.failConnect(new Error(`${reason} before the PBX confirmed the session`));
    this.socket = undefined;
    this.pending.rejectAll(reason);
    if (!this.up) return;
    this.up = false;
    this.events.onGone(reason);
  }

  private send(text: string): void {
    this.socket?.trySend(text);
  }
}
