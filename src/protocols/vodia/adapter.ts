import type { Call, PbxMessage, PbxUser } from '../../model/types';
import { blfOf, callPayload, presenceOf, type VodiaAccount, type VodiaCall } from './normalize';
import {
  ALL,
  type AdapterEvents,
  type AdapterFactory,
  type Channel,
  type ConnectionSettings,
  type Interest,
  type OperationResult,
  type VendorAdapter,
} from '../common/adapter';
import { AuthError, DisconnectedError, UnsupportedError, errorText } from '../common/errors';
import { DEAD_AFTER_INTERVALS } from '../common/idle-watchdog';
import { type CallControlParams, type OperationHandlers } from '../common/operations';
import { ManagedSocket } from '../common/managed-socket';
import { OnceLog } from '../common/once-log';
import { decodeFrame, encodeAction, FORBIDDEN_ACTION, frameName, KNOWN_FRAMES, type VodiaFrame } from './codec';
import { callControlFrame, commandFrame, extensionOf, makeCallFrame, type ActionFrame } from './commands';
import { obtainSession, obtainThirdPartySession, vodiaEndpoints } from './login';
import type { VodiaOptions } from './settings';
import { MakeCallWaits } from './make-call';
import { AccountTable, CallTable } from './state';

/** voip_vodia sends `avoid-disconnect` right after open and every 30 s [S9]. */
const AVOID_DISCONNECT_MS = 30000;
/**
 * A PBX that has not sent `domain-state` this long after `own-calls`/`domain-calls` is taken
 * for an older one: the 2015 portal asked with `get-users`/`get-calls` instead [S11].
 */
const LEGACY_BOOTSTRAP_MS = 2000;

/**
 * The Vodia PBX websocket: a REST session login, then one socket per (re)connect carrying
 * `domain-state` / `user-state` / `call-state` and fire-and-forget call control actions.
 */
class VodiaAdapter implements VendorAdapter {
  readonly channels: ReadonlySet<Channel> = new Set<Channel>(['presence', 'blf', 'call', 'event']);
  readonly handlers: OperationHandlers<OperationResult> = {
    makeCall: (params, timeoutMs) => this.makeCall(makeCallFrame(params, this.own), timeoutMs),
    callControl: async (params) => this.callControl(params),
    command: async ({ command, params }) => {
      this.sendFrame(commandFrame(command, params, this.own));
      return { payload: { sent: true } };
    },
  };
  private readonly own: string;
  private readonly accounts = new AccountTable();
  private readonly calls: CallTable;
  /** Last lamp state emitted per extension, so a lamp is reported when it changes. */
  private readonly lamps = new Map<string, string>();
  /** Extensions with a `blf add` on the current socket. */
  private readonly blfWatched = new Set<string>();
  private readonly makeCalls: MakeCallWaits;
  private readonly oddities: OnceLog;
  private socket: ManagedSocket | undefined;
  private abort: AbortController | undefined;
  private generation = 0;
  private keepalive: NodeJS.Timeout | undefined;
  private legacyTimer: NodeJS.Timeout | undefined;
  private sawDomainState = false;
  /** Whether the PBX ever sent a call list: from then on lamps follow the call table alone. */
  private sawCalls = false;
  /** No call list yet on this socket: the first one shows which calls ended while we were away. */
  private resyncing = false;

  constructor(
    private readonly settings: ConnectionSettings<VodiaOptions>,
    private readonly events: AdapterEvents,
  ) {
    this.own = extensionOf(settings.user);
    this.oddities = new OnceLog((level, text) => events.log(level, text));
    this.calls = new CallTable(this.own, (n) => this.accounts.has(n));
    this.makeCalls = new MakeCallWaits(this.own);
  }

  /**
   * Every open logs in anew over REST and uses that fresh session for the socket: a session
   * may have expired while we were away (or the PBX closed the socket because it did), and a
   * new one costs one request. The session id is never kept beyond the handshake.
   */
  async open(): Promise<void> {
    this.close();
    const generation = ++this.generation;
    const endpoints = vodiaEndpoints(this.settings.url, this.settings.domain, this.settings.user);
    const abort = new AbortController();
    this.abort = abort;
    let session: string;
    try {
      session = await this.login(endpoints.session, abort.signal);
    } catch (err) {
      if (abort.signal.aborted) throw new DisconnectedError('connection closed during login');
      throw err;
    }
    if (generation !== this.generation) throw new DisconnectedError('connection closed during login');
    let socket: ManagedSocket;
    try {
      // A PBX may push `domain-state` right after the handshake, in the same TCP segment as
      // the 101: the managed socket holds it until we listen.
      socket = await ManagedSocket.open(endpoints.socket, {
        tls: this.settings.tls,
        timeoutMs: this.settings.loginTimeoutMs,
        headers: { Cookie: `session=${session}` },
        signal: abort.signal,
      });
    } catch (err) {
      // The password was just accepted, so a refused upgrade means the session is not (or no
      // longer) valid for the socket: not an auth failure; the next connect logs in again.
      if (err instanceof AuthError) {
        throw new Error(`the PBX refused the WebSocket for a fresh session (${err.message}); logging in again`, {
          cause: err,
        });
      }
      throw err;
    }
    if (generation !== this.generation) {
      void socket.close();
      throw new DisconnectedError('connection closed during login');
    }
    this.abort = undefined;
    this.attach(socket);
    this.bootstrap();
  }

  /** A fresh session: the extension's own login, or a third-party one minted by an admin. */
  private login(url: string, signal: AbortSignal): Promise<string> {
    const s = this.settings;
    const common = { url, tls: s.tls, timeoutMs: s.loginTimeoutMs, signal };
    if (s.authMode === 'admin') {
      return obtainThirdPartySession({
        ...common,
        extension: this.own,
        domain: s.domain,
        adminUser: s.adminUser,
        adminPassword: s.adminPassword,
      });
    }
    return obtainSession({ ...common, user: s.user, password: s.password });
  }

  close(): Promise<void> {
    this.generation++;
    this.abort?.abort();
    this.abort = undefined;
    this.stopTimers();
    const socket = this.socket;
    this.socket = undefined;
    this.makeCalls.failAll('connection closed');
    return socket ? socket.close() : Promise.resolve();
  }

  async watch(interest: Interest): Promise<void> {
    if (interest.channel !== 'blf' || interest.key === ALL) return;
    this.blfWatched.add(interest.key);
    this.send('blf', { add: [interest.key] });
  }

  unwatch(interest: Interest): void {
    if (interest.channel !== 'blf' || interest.key === ALL) return;
    this.blfWatched.delete(interest.key);
    this.lamps.delete(interest.key);
    // The unsubscribe key is not documented; `remove` mirrors `add` [S3 lists blf as subscribe/unsubscribe].
    if (this.socket) this.trySend('blf', { remove: [interest.key] });
  }

  private async callControl(params: CallControlParams): Promise<OperationResult> {
    const consult = params.toCallId ?? params.id2;
    const frame = callControlFrame(
      params,
      this.own,
      this.calls.get(params.callId),
      consult === undefined ? undefined : this.calls.get(consult),
    );
    this.sendFrame(frame);
    return { payload: { sent: true, callId: frame.fields.id, action: params.action } };
  }

  async suggestions(field: string): Promise<string[]> {
    return field === 'users' || field === 'extensions' || field === 'to' ? this.accounts.names() : [];
  }

  private attach(socket: ManagedSocket): void {
    this.socket = socket;
    socket.listen({
      onFrame: (data, isBinary) => this.onMessage(socket, data, isBinary),
      onDropped: (reason) => this.onGone(socket, reason),
    });
    const every = Math.min(
      AVOID_DISCONNECT_MS,
      this.settings.keepaliveMs > 0 ? this.settings.keepaliveMs : AVOID_DISCONNECT_MS,
    );
    this.keepalive = setInterval(() => this.trySend('avoid-disconnect'), every);
    // Whether the PBX answers avoid-disconnect is not documented; a WebSocket ping is answered
    // by every RFC 6455 server, so silence after a ping is what marks the socket half-open.
    socket.watch(every, every * DEAD_AFTER_INTERVALS, 'no answer to keepalive (half-open connection)');
  }

  /** `sip-register` is never part of it: that would make the socket ring as a phone [S9]. */
  private bootstrap(): void {
    this.blfWatched.clear();
    this.sawDomainState = false;
    this.resyncing = true;
    this.send('avoid-disconnect');
    this.send('own-calls', { subscribe: true });
    this.send('domain-calls', { subscribe: true });
    this.legacyTimer = setTimeout(
      () => {
        if (this.sawDomainState) return;
        this.events.log(
          'debug',
          'vodia: no domain-state after subscribing; asking the older way (get-users, get-calls)',
        );
        this.trySend('get-users');
        this.trySend('get-calls');
      },
      Math.min(LEGACY_BOOTSTRAP_MS, this.settings.keepaliveMs > 0 ? this.settings.keepaliveMs : LEGACY_BOOTSTRAP_MS),
    );
  }

  private onGone(socket: ManagedSocket, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.stopTimers();
    this.makeCalls.failAll(reason);
    this.events.dropped(reason);
  }

  private stopTimers(): void {
    clearInterval(this.keepalive);
    clearTimeout(this.legacyTimer);
    this.keepalive = undefined;
    this.legacyTimer = undefined;
  }

  private send(action: string, fields?: Record<string, unknown>): void {
    if (action.trim().toLowerCase() === FORBIDDEN_ACTION) {
      throw new UnsupportedError(
        `vodia: ${FORBIDDEN_ACTION} is never sent, it would make this connection ring as a phone`,
      );
    }
    const socket = this.socket;
    if (!socket?.isOpen) throw new DisconnectedError('not connected to the PBX');
    socket.send(encodeAction(action, fields));
  }

  private sendFrame(f: ActionFrame): void {
    this.send(f.action, f.fields);
  }

  private trySend(action: string, fields?: Record<string, unknown>): void {
    try {
      this.send(action, fields);
    } catch (err) {
      this.events.log('debug', `vodia: ${action} not sent: ${errorText(err)}`);
    }
  }

  /**
   * The PBX assigns the call id of a make-call and does not answer the action [S9]: the first
   * new call with the destination or our own extension in it is taken for ours.
   */
  private async makeCall(frame: ActionFrame, timeoutMs: number): Promise<OperationResult> {
    const to = String(frame.fields.to);
    const made = await this.makeCalls.wait(to, this.calls.values(), timeoutMs, () => this.sendFrame(frame));
    return made ? { payload: { callId: made.call.callId, to }, raw: made.frame } : { payload: { to } };
  }

  private onMessage(socket: ManagedSocket, data: Buffer, isBinary: boolean): void {
    if (socket !== this.socket) return;
    if (isBinary) return this.oddities.debug('binary', 'vodia: ignored a binary frame');
    const frame = decodeFrame(data.toString('utf8'));
    if (!frame) return this.oddities.debug('malformed', 'vodia: ignored a frame that is not a JSON object');
    const name = frameName(frame);
    try {
      switch (name) {
        case 'domain-state':
          this.onDomainState(frame);
          break;
        case 'user-state':
          this.onUserState(frame);
          break;
        case 'call-state':
          this.onCallState(frame, name);
          break;
        default:
          if (!KNOWN_FRAMES.has(name)) this.oddities.debug(name, `vodia: '${name}' frames only go to pbx-event`);
      }
    } catch (err) {
      this.events.log('debug', `vodia: could not apply a '${name}' frame: ${errorText(err)}`);
    }
    if (this.events.listening('event', name))
      this.events.emit('event', name, { topic: name, payload: frame, event: name, raw: frame });
  }

  private onDomainState(frame: VodiaFrame): void {
    this.sawDomainState = true;
    const event = 'domain-state';
    const accounts = Array.isArray(frame.accounts) ? this.accounts.replace(frame.accounts) : [...this.accounts.all()];
    const touched = new Set<string>();
    const resync = this.takeResync(frame);
    const changed = this.calls.apply(frame.calls, touched);
    this.learnNames(accounts);
    // A snapshot: every account's presence and lamp, so nodes start (and restart) in step.
    for (const a of accounts) {
      this.emitPresence(a, frame, event);
      this.lamps.delete(a.account);
      this.emitLamp(a.account, frame, event);
    }
    this.emitCalls(changed, touched, frame, event, resync);
  }

  /** Whether this frame's call list is the first since the (re)connect. */
  private takeResync(frame: VodiaFrame): boolean {
    if (frame.calls === undefined) return false;
    this.sawCalls = true;
    const first = this.resyncing;
    this.resyncing = false;
    return first;
  }

  private onUserState(frame: VodiaFrame): void {
    const a = this.accounts.patch(frame);
    if (!a) return;
    if (typeof frame.name === 'string') this.learnNames([a]);
    this.emitPresence(a, frame, 'user-state');
    this.emitLamp(a.account, frame, 'user-state');
  }

  private onCallState(frame: VodiaFrame, event: string): void {
    this.sawCalls = true;
    const resync = this.takeResync(frame);
    const touched = new Set<string>();
    this.emitCalls(this.calls.apply(frame.calls, touched), touched, frame, event, resync);
  }

  /** The accounts' `name`s (extensions, queues, ...): the PBX's own names for their numbers [S11]. */
  private learnNames(accounts: Iterable<VodiaAccount>): void {
    const named: PbxUser[] = [];
    for (const a of accounts) if (typeof a.name === 'string' && a.name) named.push({ number: a.account, name: a.name });
    if (named.length) this.events.users(named);
  }

  /** `resync`: the first call list after a reconnect, so a call it ends ended while we were away. */
  private emitCalls(
    changed: VodiaCall[],
    touched: Set<string>,
    frame: VodiaFrame,
    event: string,
    resync: boolean,
  ): void {
    for (const call of changed) {
      if (this.makeCalls.waiting && call.state !== 'ended') this.makeCalls.match(call, frame);
      const message: PbxMessage<Call> = { topic: call.callId, payload: callPayload(call), event, raw: frame };
      if (resync && call.state === 'ended') message.resync = true;
      this.events.emit('call', call.callId, message);
    }
    // The first list after a reconnect also confirms the calls it kept unchanged (not stale any more).
    if (resync) {
      for (const call of this.calls.values()) {
        this.events.snapshot('call', call.callId, {
          topic: call.callId,
          payload: callPayload(call),
          event,
          raw: frame,
        });
      }
    }
    for (const ext of touched) {
      // Outside numbers have no lamp unless a node asked for that number.
      if (this.accounts.has(ext) || ext === this.own || this.blfWatched.has(ext)) this.emitLamp(ext, frame, event);
    }
  }

  /** Every account's presence and lamp go to the connection (its state store), whoever watches. */
  private emitPresence(a: VodiaAccount, frame: VodiaFrame, event: string): void {
    this.events.emit('presence', a.account, { topic: a.account, payload: presenceOf(a), event, raw: frame });
  }

  private emitLamp(ext: string, frame: VodiaFrame, event: string): void {
    const blf = blfOf(ext, this.accounts.get(ext), this.calls.values(), !this.sawCalls);
    if (this.events.listening('blf', ext)) {
      // Watched lamps are reported when they change; an unwatched one is not remembered, so a
      // node that starts watching later gets its next report in any case.
      const summary = `${blf.state}|${blf.callId ?? ''}|${blf.otherParty ?? ''}`;
      if (this.lamps.get(ext) === summary) return;
      this.lamps.set(ext, summary);
    } else this.lamps.delete(ext);
    this.events.emit('blf', ext, { topic: ext, payload: blf, event, raw: frame });
  }
}

export const createVodiaAdapter: AdapterFactory<VodiaOptions> = (settings, events) =>
  new VodiaAdapter(settings, events);
