import type { ConnectionOptions } from 'tls';
import type { LogLevel } from '../common/adapter';
import { AuthError, DisconnectedError, PbxRequestError } from '../common/errors';
import { DEAD_AFTER_INTERVALS } from '../common/idle-watchdog';
import { ManagedSocket } from '../common/managed-socket';
import { OnceLog } from '../common/once-log';
import { PendingRequests } from '../common/pending-requests';
import { flagOf } from '../common/values';
import { loginDigest, sessionKey as deriveSessionKey, type LoginFields } from './crypto';

/** One JSON object per text frame; every message has `mt`, PBX APIs add `api`, requests `src`. */
export type AppMessage = Record<string, unknown>;

export interface AppWebsocketOptions {
  url: string;
  tls: ConnectionOptions;
  login: LoginFields & { password: string };
  keepaliveMs: number;
  /** Aborts the opening and login (the connection was closed meanwhile). */
  signal?: AbortSignal;
  log: (level: LogLevel, text: string) => void;
}

export interface RequestOptions {
  /** The answer's `mt`; `<mt>Result` by default. */
  resultMt?: string;
  /**
   * Collects every answer frame until one carries `last:true` (Devices multi-part results).
   * A part without any `last` ends the answer when no further part follows within a short
   * quiet time. Without this option an answer with `last:false` still waits for the rest.
   */
  multipart?: boolean;
  /** The `src` to use: subscriptions pick their own, since their updates carry it. */
  src?: string;
  /**
   * The "more" paging pattern of innovaphone's JS client (`sendSrcMore`, spec §1.3): while a
   * result carries `more`, the request is sent again (same `src`) with `more` set to that
   * value, and every result is collected. Off for requests whose results use `more` otherwise.
   */
  paged?: boolean;
}

interface Waiting {
  label: string;
  resultMt: string;
  multipart: boolean;
  parts: AppMessage[];
  /** Ends a multi-part answer whose last part carried no `last` at all. */
  quiet?: NodeJS.Timeout;
  quietMs: number;
  /** The request as sent, for the next page (paged requests only). */
  paged?: AppMessage;
}

/**
 * Seed 004 says the parts come "until the last property is set", so a part without `last` may
 * be followed by more; a server may also leave `last` out of its only part (inferred). Parts
 * follow each other at once, so this much silence after a part without `last` ends the answer.
 */
const QUIET_END_MS = 1000;

/** innovaphone's JS client sends a KeepAlive after 60 s without traffic. */
const DEFAULT_KEEPALIVE_MS = 60000;

/**
 * The failure a result reports: `error`/`errorText` (PbxApi, RCC, Devices) or `err` (EpSignal,
 * PbxSignal). A numeric `error` of 0 and empty strings are success.
 */
export function resultError(msg: AppMessage): string | undefined {
  const text = msg.errorText;
  if (typeof text === 'string' && text !== '') return text;
  for (const key of ['error', 'err']) {
    const v = msg[key];
    if (v === undefined || v === null || v === false || v === '' || v === 0) continue;
    return typeof v === 'string' ? v : `${key} ${JSON.stringify(v)}`;
  }
  return undefined;
}

/**
 * An AppWebsocket connection to a PBX App object or an App Platform service: the challenge /
 * digest login (spec §2), then JSON messages. Requests are correlated by a client-chosen `src`
 * (falling back to the `<mt>Result` name when a reply omits `src`, as go-inno-appws does);
 * every other frame goes to the message handler. Keepalive: `{"mt":"KeepAlive"}` plus a
 * WebSocket ping after `keepaliveMs` of silence, the socket counts as dead after 2.5 times that.
 */
export class AppWebsocket {
  sessionKey = '';
  loginResult: AppMessage = {};
  private readonly pending = new PendingRequests<AppMessage[]>();
  private readonly waiting = new Map<string, Waiting>();
  private messageHandler: ((msg: AppMessage) => void) | undefined;
  private droppedHandler: (reason: string) => void = () => undefined;
  private readonly taps = new Set<(msg: AppMessage) => void>();
  private readonly oddities: OnceLog;
  /** Frames read before a message handler exists (during and right after the login). */
  private backlog: AppMessage[] = [];
  private login: Login | undefined;
  private gone = false;
  private nextSrc = 0;

  private constructor(
    private readonly socket: ManagedSocket,
    private readonly options: AppWebsocketOptions,
  ) {
    this.oddities = new OnceLog(options.log);
    // One set of listeners for the socket's whole life: ws may emit several frames in one tick,
    // so swapping listeners after the login could lose the frames that follow AppLoginResult.
    socket.listen({
      onFrame: (data, isBinary) => this.onFrame(data, isBinary),
      onDropped: (reason) => this.onGone(reason),
    });
  }

  /** Opens the socket and logs in; rejects with AuthError when the PBX does not say `ok:true`. */
  static async open(options: AppWebsocketOptions): Promise<AppWebsocket> {
    const socket = new AppWebsocket(
      await ManagedSocket.open(options.url, { tls: options.tls, timeoutMs: 0, signal: options.signal }),
      options,
    );
    const onAbort = (): void => socket.login?.fail(new DisconnectedError('connection closed during login'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const login = new Login(options, (msg) => socket.send(msg));
    socket.login = login;
    if (options.signal?.aborted) onAbort();
    try {
      await login.done;
      // Closed while the login result was on its way: the caller no longer wants this socket.
      if (options.signal?.aborted) throw new DisconnectedError('connection closed during login');
    } catch (err) {
      socket.close();
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    socket.sessionKey = login.sessionKey;
    socket.loginResult = login.result;
    socket.login = undefined;
    socket.startKeepalive();
    return socket;
  }

  private startKeepalive(): void {
    const every = this.options.keepaliveMs > 0 ? this.options.keepaliveMs : DEFAULT_KEEPALIVE_MS;
    this.socket.watch(every, every * DEAD_AFTER_INTERVALS, 'no answer to keepalive (half-open connection)', () => {
      // Whether the PBX answers KeepAlive is not documented (spec §7.5): a ping is answered.
      this.trySend({ mt: 'KeepAlive' });
      this.socket.ping();
    });
  }

  /** Every frame that is not the answer to a pending request; frames of the login are replayed. */
  onMessage(handler: (msg: AppMessage) => void): void {
    this.messageHandler = handler;
    const backlog = this.backlog;
    this.backlog = [];
    for (const msg of backlog) this.deliver(msg);
  }

  /**
   * Also shows every frame to `handler` until the returned function is called: for requests
   * whose answer comes with other frames first (Devices config value chunks).
   */
  tap(handler: (msg: AppMessage) => void): () => void {
    this.taps.add(handler);
    return () => this.taps.delete(handler);
  }

  /** Called once when the socket is gone (not after `close()`). */
  onDropped(handler: (reason: string) => void): void {
    this.droppedHandler = handler;
  }

  get open(): boolean {
    return !this.gone;
  }

  send(msg: object): void {
    if (this.gone) throw new DisconnectedError('not connected to the PBX');
    this.socket.send(JSON.stringify(msg));
  }

  /**
   * Sends `msg` with a fresh `src` and resolves with its answer frames (one, or every part up to
   * `last:true`). Rejects with PbxRequestError when an answer reports an error, with
   * TimeoutError after `timeoutMs`, with DisconnectedError when the socket goes first.
   */
  request(msg: AppMessage, timeoutMs: number, opts: RequestOptions = {}): Promise<AppMessage[]> {
    const src = opts.src ?? `nr${++this.nextSrc}`;
    const mt = String(msg.mt);
    const label = `${msg.api ? `${String(msg.api)} ` : ''}${mt}`;
    const answer = this.pending.add(src, timeoutMs, label);
    const frame = { ...msg, src };
    this.waiting.set(src, {
      label,
      resultMt: opts.resultMt ?? `${mt}Result`,
      multipart: !!opts.multipart,
      parts: [],
      quietMs: Math.min(QUIET_END_MS, timeoutMs / 2),
      paged: opts.paged ? frame : undefined,
    });
    answer.catch(() => this.forget(src));
    try {
      this.send(frame);
    } catch (err) {
      this.pending.reject(src, err as Error);
    }
    return answer;
  }

  /** Resolves once the socket is closed (after its goodbye, or cut off). */
  close(): Promise<void> {
    if (this.gone) return Promise.resolve();
    this.gone = true;
    const closed = this.socket.close();
    this.pending.rejectAll('connection closed');
    this.forgetAll();
    return closed;
  }

  private trySend(msg: object): void {
    try {
      this.send(msg);
    } catch {
      /* the close event reports it */
    }
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.oddities.debug('binary', 'innovaphone: ignored a binary frame');
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return this.oddities.debug('json', 'innovaphone: ignored a frame that is not JSON');
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg) || typeof (msg as AppMessage).mt !== 'string') {
      return this.oddities.debug('mt', 'innovaphone: ignored a frame without a message type');
    }
    if ((msg as AppMessage).mt === 'KeepAlive') return;
    if (this.login?.take(msg as AppMessage)) return;
    if (!this.messageHandler) this.backlog.push(msg as AppMessage);
    else this.deliver(msg as AppMessage);
  }

  private deliver(msg: AppMessage): void {
    for (const tap of this.taps) tap(msg);
    if (this.waiting.size > 0) this.answer(msg);
    try {
      this.messageHandler?.(msg);
    } catch (err) {
      this.options.log('warn', `innovaphone: handling ${String(msg.mt)} failed: ${(err as Error).message}`);
    }
  }

  /** Settles the request `msg` answers: by `src`, else the oldest one waiting for that `mt`. */
  private answer(msg: AppMessage): void {
    let src = typeof msg.src === 'string' ? msg.src : undefined;
    let w = src === undefined ? undefined : this.waiting.get(src);
    if (w && w.resultMt !== msg.mt) return; // an indication of the same request (e.g. RCC UserInfo)
    if (!w && src === undefined) {
      for (const [s, candidate] of this.waiting) {
        if (candidate.resultMt === msg.mt) {
          src = s;
          w = candidate;
          break;
        }
      }
    }
    if (!w || src === undefined) return;
    const failure = resultError(msg);
    if (failure !== undefined) {
      this.forget(src);
      // The PBX's reason first: it is what a node status has room for.
      this.pending.reject(src, new PbxRequestError(`${failure} (innovaphone ${w.label})`, msg));
      return;
    }
    w.parts.push(msg);
    clearTimeout(w.quiet);
    const key = src;
    const complete = (): void => {
      // A falsy `more` (absent, 0, "", false) is the last page, as in the JS client's truthiness test (inferred).
      if (w.paged && msg.more) {
        w.paged = { ...w.paged, more: msg.more };
        try {
          this.send(w.paged);
        } catch (err) {
          this.forget(key);
          this.pending.reject(key, err as Error);
        }
        return;
      }
      this.forget(key);
      this.pending.resolve(key, w.parts);
    };
    const last = flagOf(msg.last);
    if (last === true || (!w.multipart && last === undefined)) complete();
    else if (last === undefined) w.quiet = setTimeout(complete, w.quietMs);
  }

  private forget(src: string): void {
    clearTimeout(this.waiting.get(src)?.quiet);
    this.waiting.delete(src);
  }

  private forgetAll(): void {
    for (const w of this.waiting.values()) clearTimeout(w.quiet);
    this.waiting.clear();
  }

  private onGone(reason: string): void {
    if (this.gone) return;
    this.login?.fail(new Error(`the PBX closed the socket during login: ${reason}`));
    this.gone = true;
    this.pending.rejectAll(reason);
    this.forgetAll();
    this.droppedHandler(reason);
  }
}

/**
 * AppChallenge -> AppChallengeResult -> AppLogin -> AppLoginResult. The challenge is an opaque
 * string (older builds sent a number). The session key is derived locally and never sent.
 * Frames that are not part of the login stay for the message handler (go-inno-appws does
 * the same).
 */
class Login {
  sessionKey = '';
  result: AppMessage = {};
  /** Settles with the AppLoginResult. */
  readonly done: Promise<void>;
  private challenge: string | undefined;
  private settled = false;
  private resolve: () => void = () => undefined;
  private reject: (err: Error) => void = () => undefined;

  constructor(
    private readonly options: AppWebsocketOptions,
    private readonly send: (msg: AppMessage) => void,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    send({ mt: 'AppChallenge' });
  }

  /** Consumes the frames of the login; false for anything else. */
  take(msg: AppMessage): boolean {
    if (msg.mt === 'AppChallengeResult' && this.challenge === undefined) {
      this.challenge = String(msg.challenge ?? '');
      const { password, ...fields } = this.options.login;
      this.sessionKey = deriveSessionKey(this.challenge, password);
      this.send({
        mt: 'AppLogin',
        app: fields.app,
        domain: fields.domain ?? '',
        sip: fields.sip ?? '',
        guid: fields.guid ?? '',
        dn: fields.dn ?? '',
        digest: loginDigest(fields, undefined, this.challenge, password),
      });
      return true;
    }
    if (msg.mt !== 'AppLoginResult') return false;
    if (msg.ok === true) {
      this.result = msg;
      this.settle();
      this.resolve();
    } else {
      const why = resultError(msg);
      this.fail(
        new AuthError(
          `the PBX refused the login of App '${this.options.login.app}'${why ? ` (${why})` : ''}: check App name and password`,
        ),
      );
    }
    return true;
  }

  fail(err: Error): void {
    if (this.settle()) this.reject(err);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}
