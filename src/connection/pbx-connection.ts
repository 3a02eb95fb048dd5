import type { Call, PbxMessage, StateKind } from '../model/types';
import type {
  AdapterFactory,
  Channel,
  ConnectionSettings,
  Interest,
  LogLevel,
  Operation,
  OperationResult,
  PbxNumbering,
  VendorAdapter,
} from '../protocols/common/adapter';
import { AuthError, DisconnectedError, UnsupportedError, errorText } from '../protocols/common/errors';
import { checkParams, handlerOf } from '../protocols/common/operations';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { CallRecords } from './call-records';
import { loginWithin } from './login-within';
import { PartyNames, type ContactFinder } from './names';
import { Router, type Listener, type Watcher } from './router';
import { StateStore } from './state-store';
import { StoreView, type ViewListener, type ViewSpec } from './store-view';

/** Orphaned legs remembered against a late second end (a bounded set). */
const MAX_ORPHANED = 1000;
/**
 * The PBX names its users one report at a time (innovaphone: one PresenceState per user), each a
 * change of names: the store is named again once for the changes of this long, not once each.
 */
const RENAME_DELAY_MS = 100;

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'auth-failed' | 'closed';

/** A node that uses the connection: it is told every state change. */
export interface ConnectionUser {
  onState(state: ConnectionState, detail: string): void;
}

export interface ConnectionOptions {
  backoff?: BackoffPolicy;
  log(level: LogLevel, text: string): void;
}

/**
 * One per `pbx-connection` config node: one socket shared by every node that uses it. It
 * connects when the first node registers, logs in within the login timeout, reconnects with
 * capped exponential backoff and jitter (an auth failure waits the cap, so a password fixed on
 * the PBX heals without a redeploy), and re-establishes every interest after each login.
 */
export class PbxConnection {
  state: ConnectionState = 'disconnected';
  detail = '';
  /** What the PBX reports now: presence, BLF and active calls (NODES.md "Live state"). */
  readonly store = new StateStore();
  /** Names for the numbers of every call, lamp and record (NODES.md "Who: names for numbers"). */
  readonly names = new PartyNames();
  /** How the PBX writes outside numbers, where it reports it (innovaphone `GetNodeInfo`). */
  numbering: PbxNumbering | undefined;
  private readonly numberingListeners = new Set<(numbering: PbxNumbering) => void>();
  /** Told after each rename pass: what shows names by key names it again once per batch, not once per user. */
  private readonly renamedListeners = new Set<() => void>();
  private readonly adapter: VendorAdapter;
  private readonly router = new Router();
  private readonly records = new CallRecords(
    (record, raw) =>
      this.router.dispatch('record', record.callId, {
        topic: record.callId,
        payload: record,
        event: 'call-record',
        raw,
      }),
    {
      isStale: (legId) => this.store.get('call', legId)?.stale ?? true,
      end: (legIds, event, raw, at) => this.endOrphanLegs(legIds, event, raw, at),
    },
  );
  /** Legs ended for lack of a report after an outage: a late end of one is no second `ended`. */
  private readonly orphaned = new Set<string>();
  private readonly users = new Map<ConnectionUser, Array<{ interest: Interest; watcher: Watcher }>>();
  private readonly backoff: BackoffPolicy;
  private failures = 0;
  private generation = 0;
  private started = false;
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private renameTimer: NodeJS.Timeout | undefined;
  private cancelLogin: (() => void) | undefined;
  private lastLogged = '';

  constructor(
    readonly settings: ConnectionSettings,
    factory: AdapterFactory,
    private readonly options: ConnectionOptions,
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.adapter = factory(settings, {
      emit: (channel, key, message) => this.onReport(channel, key, message),
      snapshot: (channel, key, message) => this.onSnapshot(channel, key, message),
      callSummary: (summary, raw) => this.records.summary(summary, raw),
      listening: (channel, key) => this.router.listening(channel, key),
      users: (list) => this.names.learn(list),
      dropped: (reason) => this.onDropped(reason),
      numbering: (numbering) => {
        this.numbering = numbering;
        for (const fn of this.numberingListeners) fn(numbering);
      },
      log: options.log,
    });
    this.names.onNamesChanged(() => {
      this.renameTimer ??= setTimeout(() => this.renameEntries(), RENAME_DELAY_MS);
    });
  }

  get vendor(): string {
    return this.settings.vendor;
  }

  supportsChannel(channel: Channel): boolean {
    return this.adapter.channels.has(channel === 'record' ? 'call' : channel);
  }

  supportsOperation(op: Operation): boolean {
    return handlerOf(this.adapter.handlers, op) !== undefined;
  }

  /** Adds a node; the first one starts the connection. */
  register(user: ConnectionUser): void {
    if (this.closing) return;
    if (!this.users.has(user)) this.users.set(user, []);
    if (this.started) {
      user.onState(this.state, this.detail);
    } else {
      this.started = true;
      this.connect();
    }
  }

  /** Removes a node and every interest it held (no duplicate events after a partial deploy). */
  deregister(user: ConnectionUser): void {
    const held = this.users.get(user);
    if (!held) return;
    this.users.delete(user);
    for (const { interest, watcher } of held) {
      if (this.router.remove(interest, watcher) && this.state === 'connected' && interest.channel !== 'record') {
        this.adapter.unwatch(interest);
      }
    }
  }

  /**
   * Lets `user` receive messages of `interest` (none with a null `onMessage`: the interest is
   * only held, so the state store has the key); subscribes on the PBX when it is the first.
   * Call records come with the `call` interest a node holds besides.
   */
  watch(user: ConnectionUser, interest: Interest, onMessage: Listener | null, onError: (e: Error) => void): void {
    const held = this.users.get(user);
    if (!held) throw new Error('watch() before register()');
    if (!this.supportsChannel(interest.channel)) {
      onError(new UnsupportedError(`${this.vendor} does not report ${interest.channel} events`));
      return;
    }
    const watcher: Watcher = { onMessage, onError };
    held.push({ interest, watcher });
    if (this.router.add(interest, watcher) && this.state === 'connected' && interest.channel !== 'record')
      this.establish(interest);
  }

  /**
   * Runs an operation with the parameters a node built; they are checked here, once, and the
   * adapter gets them typed. Fails at once (never hangs) when not connected.
   */
  perform<O extends Operation>(op: O, params: Record<string, unknown>, timeoutMs: number): Promise<OperationResult> {
    const handler = handlerOf(this.adapter.handlers, op);
    if (!handler) return Promise.reject(new UnsupportedError(`${this.vendor} does not support ${op}`));
    if (this.state !== 'connected') {
      return Promise.reject(new DisconnectedError(`not connected to the PBX (${this.describeState()})`));
    }
    try {
      return handler(checkParams(op, params), timeoutMs);
    } catch (err) {
      // A refused parameter, or a handler that threw before its first await: a rejection either way.
      return Promise.reject(err as Error);
    }
  }

  /**
   * A live view of the store (the wallboard, `pbx-mqtt`, `pbx-state`): holds its keys like an
   * input node and tells `listener` what changes for them until `stop()`.
   */
  view(spec: ViewSpec, listener: ViewListener): StoreView {
    return new StoreView(this, spec, listener);
  }

  /** Tells `fn` the PBX's numbering now (if known) and whenever it reports it; returns the function that stops it. */
  onNumbering(fn: (numbering: PbxNumbering) => void): () => void {
    this.numberingListeners.add(fn);
    if (this.numbering) fn(this.numbering);
    return () => this.numberingListeners.delete(fn);
  }

  /**
   * Tells `fn` when the names changed (the PBX's users, the phone book), once the stored presence
   * and lamps carry the new names: at most once per RENAME_DELAY_MS, however many users the PBX
   * named one report at a time. Returns the function that stops it.
   */
  onNamesChanged(fn: () => void): () => void {
    this.renamedListeners.add(fn);
    return () => this.renamedListeners.delete(fn);
  }

  /** Attaches a phone book (a `pbx-directory`), or detaches it with `undefined`. */
  useDirectory(finder: ContactFinder | undefined): void {
    this.names.useDirectory(finder);
  }

  suggestions(field: string): Promise<string[]> {
    if (this.state !== 'connected') return Promise.resolve([]);
    return this.adapter.suggestions(field);
  }

  /**
   * Ends the connection for good (redeploy or shutdown). Nothing reaches the nodes after this
   * call; the promise resolves once the socket has said goodbye to the PBX (capped).
   */
  close(): Promise<void> {
    this.closing = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.renameTimer);
    this.cancelLogin?.();
    const closed = this.adapter.close();
    this.records.stop();
    this.setState('closed', '');
    return closed;
  }

  /** A snapshot confirms the store's entry; only a change of a known entry goes on to the nodes. */
  private onSnapshot(channel: StateKind, key: string, message: PbxMessage): void {
    this.names.fill(channel, message);
    const known = this.store.get(channel, key) !== undefined;
    const now = Date.now();
    this.store.apply(channel, key, message, now, this.unshared(channel, key));
    if (known && message.changed) this.deliver(channel, key, message, now);
  }

  /**
   * Every adapter report: presence, BLF and call reports get their parties' names (the one
   * naming seam), update the store (which adds `previous`/`since`/`changed` to the message), then
   * go to the watching nodes; a call leg's report then feeds the call records, so a call's
   * `ended` goes out before its record.
   */
  private onReport(channel: Channel, key: string, message: PbxMessage): void {
    if (channel !== 'presence' && channel !== 'blf' && channel !== 'call')
      return this.router.dispatch(channel, key, message);
    if (channel === 'call' && this.orphaned.delete(key) && (message.payload as Call).state === 'ended') return;
    this.names.fill(channel, message);
    const now = Date.now();
    this.store.apply(channel, key, message, now, this.unshared(channel, key));
    this.deliver(channel, key, message, now);
  }

  /**
   * No node gets a presence or BLF report of this key: its payload is the store's alone (a call's
   * also goes to the call records). The adapters build each payload afresh and keep none.
   */
  private unshared(channel: StateKind, key: string): boolean {
    return channel !== 'call' && !this.router.listening(channel, key);
  }

  /**
   * Legs of a call whose other legs ended after a reconnect, and which the PBX has not
   * reported since: their ends were lost in the outage (no call snapshot on that protocol).
   * Each ends once, so the store lets go of it and the call gets its one record.
   */
  private endOrphanLegs(legIds: string[], event: string, raw: unknown, at: number | undefined): void {
    for (const legId of legIds) {
      const entry = this.store.get('call', legId);
      if (!entry) continue;
      const message: PbxMessage<Call> = {
        topic: legId,
        payload: { ...(entry.payload as Call), state: 'ended' },
        event,
        raw,
      };
      if (at !== undefined) message.at = at;
      this.onReport('call', legId, message);
      this.orphaned.add(legId);
      if (this.orphaned.size > MAX_ORPHANED) this.orphaned.delete(this.orphaned.values().next().value as string);
    }
  }

  /**
   * The names changed (a phone book loaded after the PBX's first reports, a file saved, a user
   * renamed): the stored presence and lamps are named again, so `pbx-state`, the MQTT payloads
   * and the wallboard show it before the next report; the nodes get the names with that report.
   */
  private renameEntries(): void {
    this.renameTimer = undefined;
    for (const kind of ['presence', 'blf'] as const) {
      for (const [key, entry] of [...this.store.entries(kind)]) {
        const payload = this.names.renamed(kind, entry.payload as object);
        if (payload) this.store.rename(kind, key, payload);
      }
    }
    for (const fn of this.renamedListeners) fn();
  }

  private deliver(channel: StateKind, key: string, message: PbxMessage, now: number): void {
    this.router.dispatch(channel, key, message);
    if (channel === 'call') this.records.leg(message as PbxMessage<Call>, now);
  }

  private connect(): void {
    if (this.closing) return;
    const generation = ++this.generation;
    this.setState('connecting', '');
    const login = loginWithin(this.adapter, this.settings.loginTimeoutMs);
    this.cancelLogin = login.cancel;
    login.opened.then(
      () => {
        if (generation !== this.generation) return;
        this.failures = 0;
        this.setState('connected', '');
        for (const interest of this.router.interests()) if (interest.channel !== 'record') this.establish(interest);
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.adapter.close();
        const auth = err instanceof AuthError;
        this.setState(auth ? 'auth-failed' : 'disconnected', errorText(err));
        this.scheduleRetry(auth ? this.backoff.capMs : backoffDelay(this.failures++, this.backoff));
      },
    );
  }

  private onDropped(reason: string): void {
    if (this.closing || this.state !== 'connected') return;
    this.generation++;
    this.adapter.close();
    this.store.markStale();
    this.setState('disconnected', reason);
    this.scheduleRetry(backoffDelay(this.failures++, this.backoff));
  }

  private scheduleRetry(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  private establish(interest: Interest): void {
    this.adapter.watch(interest).catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const w of this.router.watchers(interest)) w.onError(error);
    });
  }

  private setState(state: ConnectionState, detail: string): void {
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    // One log line per state change, none per retry: a PBX down for a day logs one line.
    const line = `${state}${detail ? `: ${detail}` : ''}`;
    if (state !== 'connecting' && line !== this.lastLogged) {
      this.lastLogged = line;
      this.options.log(state === 'closed' ? 'debug' : state === 'connected' ? 'info' : 'warn', line);
    }
    for (const user of this.users.keys()) user.onState(state, detail);
  }

  private describeState(): string {
    return this.detail ? `${this.state}: ${this.detail}` : this.state;
  }
}
