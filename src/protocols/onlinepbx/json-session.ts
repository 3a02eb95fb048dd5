import { AuthError, DisconnectedError, PbxRequestError } from '../common/errors';
import { DEAD_AFTER_INTERVALS } from '../common/idle-watchdog';
import { ManagedSocket } from '../common/managed-socket';
import { OnceLog } from '../common/once-log';
import { PendingRequests } from '../common/pending-requests';
import { V3_RESULTS } from './commands';
import { v3Url } from './endpoints';
import type { PbxSession, Reply, SessionEvents, SessionOptions } from './session';

/** Without a keepalive setting, ping after this much silence (3.0 clients ping every 30 s). */
const DEFAULT_PING_MS = 30000;

export interface V3Frame {
  event: string;
  reqId?: string | number;
  data?: unknown;
  /** Where an error text may also sit (the clients seen read `message`; where is not documented). */
  message?: unknown;
}

function isError(event: string): boolean {
  return event === 'error' || event.startsWith('error_');
}

/** The command a result or error event answers, for replies that come without `reqId`. */
function answeredCommand(event: string): string | undefined {
  if (event.startsWith('error_')) return event.slice(6);
  return V3_RESULTS[event];
}

/**
 * onlinePBX WebSockets API 3.0: plain JSON over one WebSocket, `?key=` authenticates. We send
 * `{command, reqId, data}`; the PBX sends `{event, reqId?, data}`. A reply is the event that
 * carries our `reqId`, or, when the PBX leaves it out, the next result event of that command.
 */
export class JsonSession implements PbxSession {
  private readonly pending = new PendingRequests<V3Frame>();
  /** Request ids in the order sent, per command: matches replies without `reqId`. */
  private readonly byCommand = new Map<string, string[]>();
  private socket: ManagedSocket | undefined;
  private abort: AbortController | undefined;
  private closed = false;
  private seq = 0;
  private readonly oddities: OnceLog;

  constructor(
    private readonly options: SessionOptions,
    private readonly events: SessionEvents,
  ) {
    this.oddities = new OnceLog((level, text) => events.log(level, text));
  }

  async open(): Promise<void> {
    const o = this.options;
    // Whether the PBX refuses a wrong key at the upgrade (401/403 -> AuthError) or later is
    // not documented; a refused upgrade is the common way and the one we can tell apart.
    this.abort = new AbortController();
    let socket: ManagedSocket;
    try {
      socket = await ManagedSocket.open(v3Url(o.url, o.domain, o.key), {
        tls: o.tls,
        timeoutMs: o.timeoutMs,
        signal: this.abort.signal,
      });
    } catch (err) {
      if (err instanceof AuthError) throw new AuthError(`auth failed: the PBX refused the API key (${err.message})`);
      throw err;
    } finally {
      this.abort = undefined;
    }
    this.socket = socket;
    socket.listen({
      onFrame: (data, isBinary) => this.onMessage(data, isBinary),
      onDropped: (reason) => this.onDropped(reason),
    });
    // Nothing about keepalive is documented for 3.0: RFC 6455 pings are answered by any
    // server, and silence after one marks the socket half-open.
    const every = o.keepaliveMs > 0 ? o.keepaliveMs : DEFAULT_PING_MS;
    socket.watch(every, every * DEAD_AFTER_INTERVALS, 'no answer to keepalive (half-open connection)');
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.abort?.abort();
    const socket = this.socket;
    this.socket = undefined;
    this.pending.rejectAll('connection closed');
    this.byCommand.clear();
    return socket ? socket.close() : Promise.resolve();
  }

  async request(command: string, data: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    const socket = this.socket;
    if (!socket?.isOpen) throw new DisconnectedError('not connected to the PBX');
    const reqId = String(++this.seq);
    const answer = this.pending.add(reqId, timeoutMs, `onlinePBX ${command}`);
    let queue = this.byCommand.get(command);
    if (!queue) this.byCommand.set(command, (queue = []));
    queue.push(reqId);
    try {
      socket.send(JSON.stringify({ command, reqId, data }));
      const frame = await answer;
      const body = frame.data;
      if (isError(frame.event)) {
        const d = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
        const why =
          [d.message, frame.message, body].find((t): t is string => typeof t === 'string' && t !== '') ?? frame.event;
        throw new PbxRequestError(`onlinePBX ${command}: ${why}`, frame);
      }
      return { data: body, reply: body, raw: frame };
    } finally {
      const i = queue.indexOf(reqId);
      if (i >= 0) queue.splice(i, 1);
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.oddities.debug('binary', 'onlinepbx: ignored a binary frame');
    let frame: V3Frame;
    try {
      frame = JSON.parse(data.toString('utf8')) as V3Frame;
    } catch {
      return this.oddities.debug('malformed', 'onlinepbx: ignored a frame that is not JSON');
    }
    if (!frame || typeof frame !== 'object' || typeof frame.event !== 'string') {
      return this.oddities.debug('shape', 'onlinepbx: ignored a frame without an event name');
    }
    const reqId = typeof frame.reqId === 'string' || typeof frame.reqId === 'number' ? String(frame.reqId) : undefined;
    const answered = reqId !== undefined ? this.pending.resolve(reqId, frame) : this.matchByCommand(frame);
    // The answer to one of our commands is a reply (as 2.0's `callback`), not an event.
    if (!answered) this.events.onEvent(frame.event, frame.data, frame);
  }

  private matchByCommand(frame: V3Frame): boolean {
    const command = answeredCommand(frame.event);
    const queue = command === undefined ? undefined : this.byCommand.get(command);
    if (!queue) return false;
    while (queue.length) {
      const id = queue.shift() as string;
      if (this.pending.resolve(id, frame)) return true;
    }
    return false;
  }

  private onDropped(reason: string): void {
    this.socket = undefined;
    this.pending.rejectAll(reason);
    this.events.onGone(reason);
  }
}
