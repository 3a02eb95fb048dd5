import { blfOf, dataOf, eventKind, presenceOf, userOf, type OnlinePbxData } from './normalize';
import type {
  AdapterEvents,
  AdapterFactory,
  Channel,
  ConnectionSettings,
  Interest,
  OperationResult,
  VendorAdapter,
} from '../common/adapter';
import { DisconnectedError, errorText } from '../common/errors';
import {
  type CallControlParams,
  type CommandParams,
  type MakeCallParams,
  type OperationHandlers,
} from '../common/operations';
import { CallGroups } from './call-groups';
import { CallTable } from './calls';
import type { OnlinePbxOptions } from './settings';
import {
  callControlRequest,
  groupsFor,
  makeCallRequest,
  v2Request,
  v2SubscribeFlags,
  v3Request,
  type ApiVersion,
  type Request,
} from './commands';
import { JsonSession } from './json-session';
import type { PbxSession, Reply, SessionEvents } from './session';
import { SocketIoSession } from './socketio-session';
import { textOf } from '../common/values';
import type { PbxUser } from '../../model/types';

/** How long a `user_list` answer serves editor autocomplete. */
const SUGGESTIONS_TTL_MS = 30000;

const interestKey = (i: Interest): string => `${i.channel}\n${i.key}`;

/**
 * onlinePBX: API 2.0 (socket.io 0.9) or API 3.0 (JSON WebSocket) by `apiVersion`, with the
 * same channels and operations on both. The PBX sends only the event groups we subscribe to;
 * the subscription follows the watched channels and is sent again on every new socket.
 */
class OnlinePbxAdapter implements VendorAdapter {
  readonly channels: ReadonlySet<Channel> = new Set<Channel>(['presence', 'blf', 'call', 'event']);
  readonly handlers: OperationHandlers<OperationResult> = {
    makeCall: (params, timeoutMs) => this.makeCall(params, timeoutMs),
    callControl: (params, timeoutMs) => this.callControl(params, timeoutMs),
    command: (params, timeoutMs) => this.command(params, timeoutMs),
  };
  private readonly version: ApiVersion;
  private readonly interests = new Map<string, Interest>();
  private readonly calls = new CallTable();
  /** Users seen in events and `user_list`, for autocomplete and the direction of calls. */
  private readonly users = new Set<string>();
  private readonly groups: CallGroups;
  private readonly sessionEvents: SessionEvents;
  private session: PbxSession | undefined;
  /** Groups subscribed on the current session (sorted, joined); undefined = none yet. */
  private subscribed: string | undefined;
  private subscribedGroups: string[] = [];
  private batch: Promise<void> | undefined;
  private wantCalls = false;
  private userListAt = 0;

  constructor(
    private readonly settings: ConnectionSettings<OnlinePbxOptions>,
    private readonly events: AdapterEvents,
  ) {
    this.version = String(settings.apiVersion ?? '').trim() === '3' ? '3' : '2';
    this.groups = new CallGroups(this.users, this.version === '3');
    this.sessionEvents = {
      onEvent: (name, data, raw) => this.onEvent(name, data, raw),
      onGone: (reason) => this.events.dropped(reason),
      log: (level, line) => this.events.log(level, line),
    };
  }

  async open(): Promise<void> {
    this.close();
    // The connection calls watch() again for every interest it holds after each open, and
    // unwatch() only while connected: start from nothing so no stale interest survives.
    this.interests.clear();
    this.wantCalls = false;
    this.subscribed = undefined;
    this.subscribedGroups = [];
    const s = this.settings;
    const options = {
      url: s.url,
      domain: s.domain,
      key: s.apiKey,
      tls: s.tls,
      timeoutMs: s.loginTimeoutMs,
      keepaliveMs: s.keepaliveMs,
    };
    const session =
      this.version === '3'
        ? new JsonSession(options, this.sessionEvents)
        : new SocketIoSession(options, this.sessionEvents);
    this.session = session;
    await session.open();
    if (this.session !== session) throw new DisconnectedError('connection closed during login');
    // 2.0: subscribe even when no node watches anything, so command replies (`callback`)
    // flow; the watch() calls that follow this open join the same subscribe.
    if (this.version === '2') {
      const subscribed = this.sync();
      subscribed.catch((err: unknown) => this.events.log('warn', `onlinepbx: subscribe failed: ${errorText(err)}`));
      // Once per login, whatever is watched: user_list names the users (for calls and lamps too)
      // and confirms the registrations.
      subscribed.then(() => this.resyncRegistrations()).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    return session ? session.close() : Promise.resolve();
  }

  watch(interest: Interest): Promise<void> {
    this.interests.set(interestKey(interest), interest);
    if (interest.channel === 'call') this.wantCalls = true;
    return this.sync();
  }

  unwatch(interest: Interest): void {
    this.interests.delete(interestKey(interest));
    if (interest.channel === 'call') this.wantCalls = [...this.interests.values()].some((i) => i.channel === 'call');
    this.sync().catch((err: unknown) =>
      this.events.log('debug', `onlinepbx: subscribe after unwatch failed: ${errorText(err)}`),
    );
  }

  private async makeCall(params: MakeCallParams, timeoutMs: number): Promise<OperationResult> {
    const reply = await this.request(makeCallRequest(this.version, params), timeoutMs);
    const callId = textOf(dataOf(reply.data)?.uuid);
    return { payload: callId ? { callId } : {}, raw: reply.raw };
  }

  private async callControl(params: CallControlParams, timeoutMs: number): Promise<OperationResult> {
    const req = callControlRequest(this.version, params);
    const reply = await this.request(req, timeoutMs);
    const payload: Record<string, unknown> = { action: params.action, callId: params.callId };
    // eavesdrop answers with the listener's new channel.
    const listener = req.command === 'eavesdrop' ? textOf(dataOf(reply.data)?.uuid) : undefined;
    if (listener) payload.listenerCallId = listener;
    return { payload, raw: reply.raw };
  }

  private async command({ command, params }: CommandParams, timeoutMs: number): Promise<OperationResult> {
    const req = this.version === '3' ? v3Request(command, params) : v2Request(command, params);
    if (this.version === '2' && req.command === 'subscribe') this.keepOurFlags(req);
    const reply = await this.request(req, timeoutMs);
    if (req.command === 'user_list') this.learnUsers(reply.data);
    return { payload: this.resultOf(reply), raw: reply.raw };
  }

  async suggestions(field: string): Promise<string[]> {
    if (field !== 'users' && field !== 'extensions' && field !== 'to') return [];
    if (this.version === '2' && Date.now() - this.userListAt > SUGGESTIONS_TTL_MS) {
      try {
        const reply = await this.request({ command: 'user_list', data: {} }, this.settings.loginTimeoutMs);
        this.userListAt = Date.now();
        this.learnUsers(reply.data);
      } catch (err) {
        this.events.log('debug', `onlinepbx: user_list for suggestions failed: ${errorText(err)}`);
      }
    }
    return [...this.users].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  }

  private request(req: Request, timeoutMs: number): Promise<Reply> {
    const session = this.session;
    if (!session) return Promise.reject(new DisconnectedError('not connected to the PBX'));
    return session.request(req.command, req.data, timeoutMs);
  }

  /** A command's payload: the reply's data; a reply without data says what it can. */
  private resultOf(reply: Reply): unknown {
    if (reply.data !== undefined) return reply.data;
    const r = dataOf(reply.reply);
    const out: Record<string, unknown> = { status: true };
    if (r && typeof r.text === 'string') out.text = r.text;
    return out;
  }

  /** A `subscribe` sent by a flow must not switch off what our nodes watch. */
  private keepOurFlags(req: Request): void {
    const events = req.data.events;
    if (events === null || typeof events !== 'object') return;
    const ours = v2SubscribeFlags(groupsFor('2', this.interests.values()));
    for (const [flag, on] of Object.entries(ours)) if (on) (events as Record<string, boolean>)[flag] = true;
    this.subscribed = undefined;
  }

  /**
   * API 2.0 has no presence snapshot, but `user_list` lists the registered phones: after every
   * login each listed user is registered and every other user known so far offline (not listed
   * = not registered), so presence is right again after an outage; the nodes hear only of what
   * changed. 3.0 has no `user_list` over the socket: its entries stay stale until reported.
   */
  private async resyncRegistrations(): Promise<void> {
    const session = this.session;
    let reply: Reply;
    try {
      reply = await this.request({ command: 'user_list', data: {} }, this.settings.loginTimeoutMs);
    } catch (err) {
      this.events.log('debug', `onlinepbx: user_list after login failed: ${errorText(err)}`);
      return;
    }
    if (session !== this.session || !Array.isArray(reply.data)) return;
    // The names first, so the presence snapshots below carry them.
    this.learnUsers(reply.data);
    const listed = new Map<string, unknown>();
    for (const entry of reply.data) {
      const uid = textOf(dataOf(entry)?.uid);
      if (uid) listed.set(uid, entry);
    }
    for (const user of new Set([...this.users, ...listed.keys()])) {
      const raw = listed.get(user) ?? reply.raw;
      const payload = presenceOf({ uid: user, state: listed.has(user) ? 'register' : 'unregister' });
      if (payload) this.events.snapshot('presence', user, { topic: user, payload, event: 'user_list', raw });
    }
  }

  /**
   * `user_list` entries `{name, uid, ...}`: the extensions, and the names the PBX gives them.
   * The excerpt does not say whether `name` is a display name or the SIP user (often the number
   * again): the connection drops one equal to the number. `caller_name`/`display_name` are taken
   * too where a PBX sends them instead (assumption).
   */
  private learnUsers(data: unknown): void {
    if (!Array.isArray(data)) return;
    const named: PbxUser[] = [];
    for (const u of data) {
      const d = dataOf(u);
      const uid = d && (textOf(d.uid) ?? textOf(d.num) ?? textOf(d.extension));
      if (!uid) continue;
      this.users.add(uid);
      const name = textOf(d.name) ?? textOf(d.display_name) ?? textOf(d.caller_name);
      if (name) named.push({ number: uid, name });
    }
    if (named.length) this.events.users(named);
  }

  /**
   * Sends the subscription the watched channels need, once for every watch()/unwatch() of
   * the same turn (after an open that is all of them): one subscribe per reconnect.
   */
  private sync(): Promise<void> {
    if (!this.batch) {
      this.batch = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batch = undefined;
        return this.subscribe();
      });
    }
    return this.batch;
  }

  private async subscribe(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const groups = groupsFor(this.version, this.interests.values());
    const signature = groups.join(',');
    if (signature === this.subscribed) return;
    const timeoutMs = this.settings.loginTimeoutMs;
    const previous = this.subscribedGroups;
    this.subscribed = signature;
    this.subscribedGroups = groups;
    try {
      if (this.version === '2') {
        await session.request('subscribe', { events: v2SubscribeFlags(groups) }, timeoutMs);
        return;
      }
      // 3.0: whether subscribe adds or replaces groups is not documented; sending the whole
      // list and unsubscribing what is no longer needed is right either way.
      const gone = previous.filter((g) => !groups.includes(g));
      if (gone.length) await session.request('unsubscribe', { eventGroups: gone }, timeoutMs);
      if (groups.length) await session.request('subscribe', { eventGroups: groups }, timeoutMs);
    } catch (err) {
      if (this.session === session) {
        this.subscribed = undefined;
        this.subscribedGroups = previous;
      }
      throw err;
    }
  }

  private onEvent(name: string, data: unknown, raw: unknown): void {
    const d = dataOf(data);
    if (d) {
      try {
        switch (eventKind(name)) {
          case 'blf':
            this.onBlf(name, d, raw);
            break;
          case 'registration':
            this.onRegistration(name, d, raw);
            break;
          case 'call':
            if (this.wantCalls) this.onCall(name, d, raw);
            break;
        }
      } catch (err) {
        this.events.log('debug', `onlinepbx: could not apply a '${name}' event: ${errorText(err)}`);
      }
    }
    if (this.events.listening('event', name))
      this.events.emit('event', name, { topic: name, payload: data, event: name, raw });
  }

  /** Every lamp goes to the connection (its state store), whoever watches; `timestamp` is the PBX's time. */
  private onBlf(name: string, d: OnlinePbxData, raw: unknown): void {
    const ext = userOf(d);
    if (!ext) return;
    this.users.add(ext);
    const blf = blfOf(d);
    if (blf) this.events.emit('blf', ext, { topic: ext, payload: blf, event: name, raw, at: blf.timestamp });
  }

  private onRegistration(name: string, d: OnlinePbxData, raw: unknown): void {
    const user = userOf(d);
    if (!user) return;
    this.users.add(user);
    const presence = presenceOf(d);
    if (presence) this.events.emit('presence', user, { topic: user, payload: presence, event: name, raw });
  }

  /** Calls only while a node wants them (the subscription has them only then). */
  private onCall(name: string, d: OnlinePbxData, raw: unknown): void {
    for (const call of this.calls.apply(name, d)) {
      const { facts, view } = this.groups.facts(call, name, d);
      // The leg's FreeSWITCH direction is the switch's: the payload says the users' (see perspective.ts).
      if (view.direction) call.direction = view.direction;
      else delete call.direction;
      if (view.extension) call.extension = view.extension;
      const at = call.state === 'ringing' ? facts.startedAt : call.state === 'connected' ? facts.answeredAt : undefined;
      this.events.emit('call', call.callId, { topic: call.callId, payload: call, event: name, raw, at, call: facts });
    }
    if (name === 'call_end') {
      const summary = this.groups.summary(d);
      if (summary) this.events.callSummary(summary, raw);
    }
  }
}

export const createOnlinePbxAdapter: AdapterFactory<OnlinePbxOptions> = (settings, events) =>
  new OnlinePbxAdapter(settings, events);
