import type {
  AdapterEvents,
  AdapterFactory,
  Channel,
  ConnectionSettings,
  Interest,
  OperationResult,
  VendorAdapter,
} from '../common/adapter';
import { ALL } from '../common/adapter';
import { DisconnectedError } from '../common/errors';
import { type CommandParams, type OperationHandlers } from '../common/operations';
import { AppWebsocket, type AppMessage } from './app-websocket';
import { EP_SIGNAL, EpSignalMonitor, type CallSource } from './ep-signal';
import { PBX_API, ProfileState, profileRequest } from './pbx-api';
import { PresenceMonitors } from './presence';
import { RccSession } from './rcc/session';
import type { InnovaphoneOptions } from './settings';

/** Requests the connection makes on its own (subscriptions, attach) wait this long. */
const SUBSCRIBE_TIMEOUT_MS = 10000;
/**
 * How long EpSignal calls wait for RCC's Initialize to answer before pbx-call-in gets them: a PBX
 * without RCC granted may never answer (undocumented, spec §7.6), one with RCC answers at once.
 */
const RCC_GRACE_MS = 2000;

/**
 * innovaphone PBX over AppWebsocket, logged in as an App object: PbxApi (presence, favourites,
 * node info), EpSignal (signalling monitor/control) and RCC (calls) on one socket. Messages are
 * routed by `api`, then by `src` (the subscription they belong to), then by `mt`.
 */
class InnovaphoneAdapter implements VendorAdapter {
  readonly channels: ReadonlySet<Channel> = new Set<Channel>(['presence', 'profile', 'signaling', 'call', 'event']);
  readonly handlers: OperationHandlers<OperationResult> = {
    command: (params, timeoutMs) => this.command(params, timeoutMs),
    setPresence: async ({ sip, contact, activity, note }, timeoutMs) => {
      const [result] = await this.connected().request(
        { api: PBX_API, mt: 'SetPresence', sip, contact, activity, note },
        timeoutMs,
      );
      return { payload: { sip, contact, activity, note }, raw: result };
    },
    profile: async (params, timeoutMs) => {
      const [result] = await this.connected().request(profileRequest(params, this.profile.current), timeoutMs);
      return { payload: result, raw: result };
    },
    signal: async (params) => {
      const frame = this.signaling.signal(this.connected(), params);
      return { payload: { sent: true, hw: params.hw, call: frame.call, to: frame.to === true }, raw: frame };
    },
    makeCall: (params, timeoutMs) => this.rcc.makeCall(params, timeoutMs),
    callControl: (params, timeoutMs) => this.rcc.callControl(params, timeoutMs),
  };
  private socket: AppWebsocket | undefined;
  private abort: AbortController | undefined;
  private readonly presence: PresenceMonitors;
  private readonly signaling: EpSignalMonitor;
  private readonly profile = new ProfileState();
  private readonly rcc: RccSession;

  constructor(
    private readonly settings: ConnectionSettings<InnovaphoneOptions>,
    private readonly events: AdapterEvents,
  ) {
    this.presence = new PresenceMonitors(events);
    this.signaling = new EpSignalMonitor(events, () => this.callSource());
    this.rcc = new RccSession({
      request: async (msg, timeoutMs) => (await this.connected().request(msg, timeoutMs))[0],
      events,
    });
  }

  async open(): Promise<void> {
    this.close();
    const abort = new AbortController();
    this.abort = abort;
    const socket = await AppWebsocket.open({
      url: this.settings.url,
      tls: this.settings.tls,
      // The App object login (spec §2.4 A); `sip` scopes it to one user where the PBX allows it.
      login: {
        app: this.settings.app,
        domain: this.settings.domain,
        sip: this.settings.user,
        password: this.settings.password,
      },
      keepaliveMs: this.settings.keepaliveMs,
      signal: abort.signal,
      log: (level, text) => this.events.log(level, text),
    });
    this.abort = undefined;
    this.socket = socket;
    socket.onDropped((reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.rcc.disconnected();
      this.events.dropped(reason);
    });
    socket.onMessage((msg) => this.route(socket, msg));
    this.rcc.connected();
    void this.askNumbering(socket);
  }

  /** The PBX's number prefixes and country (PbxApi `GetNodeInfo`): the phone book matches numbers as the PBX writes them. */
  private async askNumbering(socket: AppWebsocket): Promise<void> {
    try {
      const [info] = await socket.request({ api: PBX_API, mt: 'GetNodeInfo' }, SUBSCRIBE_TIMEOUT_MS);
      const text = (v: unknown): string | undefined =>
        typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
      this.events.numbering?.({
        countryCode: text(info?.country_code),
        prefixIntl: text(info?.prefix_intl),
        prefixNtl: text(info?.prefix_ntl),
        prefixSubs: text(info?.prefix_subs),
      });
    } catch (err) {
      this.events.log(
        'debug',
        `innovaphone: GetNodeInfo failed (${(err as Error).message}); numbers match as the phone book says`,
      );
    }
  }

  close(): Promise<void> {
    this.abort?.abort();
    this.abort = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.signaling.stop();
    if (!socket) return Promise.resolve();
    const closed = socket.close();
    this.rcc.disconnected();
    return closed;
  }

  async watch(interest: Interest): Promise<void> {
    const socket = this.connected();
    switch (interest.channel) {
      case 'presence':
        // `*` is every presence this connection monitors: the PBX has no "all users" monitor.
        if (interest.key !== ALL) await this.presence.subscribe(socket, interest.key, SUBSCRIBE_TIMEOUT_MS);
        return;
      case 'profile': {
        const [result] = await socket.request({ api: PBX_API, mt: 'SubscribeProfile' }, SUBSCRIBE_TIMEOUT_MS, {
          src: 'profile',
        });
        this.profile.apply(result);
        this.emitProfile(result);
        return;
      }
      case 'signaling':
        if (interest.key !== ALL) await this.signaling.attach(socket, interest.key, SUBSCRIBE_TIMEOUT_MS);
        return;
      case 'call':
        try {
          await this.rcc.watchCalls();
        } catch (err) {
          // Without RCC the attached devices' EpSignal calls are the source (NODES.md).
          if (this.signaling.hardware().length === 0) throw err;
          this.events.log(
            'info',
            `innovaphone: calls come from EpSignal, RCC is not available (${(err as Error).message})`,
          );
        } finally {
          this.signaling.releaseCalls();
        }
        return;
      default:
    }
  }

  unwatch(interest: Interest): void {
    if (interest.channel === 'presence' && interest.key !== ALL) this.presence.unsubscribe(this.socket, interest.key);
    else if (interest.channel === 'signaling') this.signaling.detach(interest.key);
    else if (interest.channel === 'profile') this.trySend({ api: PBX_API, mt: 'UnsubscribeProfile', src: 'profile' });
  }

  async suggestions(field: string): Promise<string[]> {
    const names = new Set(this.rcc.suggestions(field));
    if (field === 'users' || field === 'to') for (const u of this.presence.known()) names.add(u);
    if (field === 'hw') for (const hw of this.signaling.hardware()) names.add(hw);
    return [...names].sort();
  }

  /** Any `api`/`mt` (`api` PbxApi unless given, empty for none); the result(s) by `src`. */
  private async command(
    { command, api = PBX_API, params }: CommandParams,
    timeoutMs: number,
  ): Promise<OperationResult> {
    const msg: AppMessage = { ...params, mt: command };
    if (api !== '') msg.api = api;
    delete msg.src;
    // Results with `more` are paged (spec §1.3): every page is collected, like multi-part results.
    const parts = await this.connected().request(msg, timeoutMs, { paged: true });
    return { payload: parts.length === 1 ? parts[0] : parts, raw: parts.length === 1 ? parts[0] : parts };
  }

  private route(socket: AppWebsocket, msg: AppMessage): void {
    const api = msg.api;
    if (api === PBX_API) {
      if (!this.presence.handle(msg) && (msg.mt === 'ProfileContactAdded' || msg.mt === 'ProfileContactDeleted')) {
        if (this.profile.apply(msg)) this.emitProfile(msg);
      }
    } else if (api === EP_SIGNAL) this.signaling.handle(socket, msg);
    else if (api === 'RCC') this.rcc.handle(msg);
    const mt = String(msg.mt);
    if (this.events.listening('event', mt))
      this.events.emit('event', mt, { topic: mt, payload: msg, event: mt, raw: msg });
  }

  private emitProfile(raw: AppMessage): void {
    const current = this.profile.current;
    if (!current || !this.events.listening('profile', ALL)) return;
    const payload = { id: current.id, name: current.name, contacts: current.contacts.map((c) => ({ ...c })) };
    this.events.emit('profile', ALL, {
      topic: current.name || String(current.id),
      payload,
      event: String(raw.mt),
      raw,
    });
  }

  /** pbx-call-in's source: RCC when it runs, else the EpSignal devices (after RCC had its chance). */
  private callSource(): CallSource {
    if (this.rcc.available) return 'drop';
    const waiting = this.rcc.initializingFor();
    return waiting !== undefined && waiting < RCC_GRACE_MS ? 'hold' : 'emit';
  }

  private connected(): AppWebsocket {
    if (!this.socket?.open) throw new DisconnectedError('not connected to the PBX');
    return this.socket;
  }

  private trySend(msg: AppMessage): void {
    try {
      this.socket?.send(msg);
    } catch {
      /* gone: nothing to undo on the PBX */
    }
  }
}

export const createInnovaphoneAdapter: AdapterFactory<InnovaphoneOptions> = (settings, events) =>
  new InnovaphoneAdapter(settings, events);
