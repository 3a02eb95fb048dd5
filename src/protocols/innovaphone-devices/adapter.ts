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
import { DisconnectedError, PbxRequestError, TimeoutError, errorText } from '../common/errors';
import { type OperationHandlers } from '../common/operations';
import { AppWebsocket, type AppMessage } from '../innovaphone/app-websocket';
import type { InnovaphoneOptions } from '../innovaphone/settings';
import { devicesBase } from './normalize';
import { DeviceMonitors } from './monitors';
import { ProvisioningCodes } from './provisioning';
import { devicesCommand } from './commands';
import { UpdateRequests } from './updates';

/** Requests the connection makes on its own (monitors, code checks) wait this long. */
const OWN_REQUEST_TIMEOUT_MS = 10000;
/** Login variant B (spec §2.4): the innovaphone JS client logs in to App services like this. */
const SERVICE_GUID = '00000000000000000000000000000000';
const SERVICE_DN = 'Admin';

/**
 * The innovaphone Devices app (com.innovaphone.devices) over AppWebsocket: a direct AppLogin with
 * the instance (or domain) password, then `GetUserInfo` for the passthrough key. Device
 * monitors (`GetDevices` with `recvUpdates`), provisioning codes and every request by name.
 */
class DevicesAdapter implements VendorAdapter {
  readonly channels: ReadonlySet<Channel> = new Set<Channel>(['device', 'provisioning', 'event']);
  readonly handlers: OperationHandlers<OperationResult> = {
    provisioningCode: async (params, timeoutMs) => this.codes.request(this.connected(), params, timeoutMs),
    command: async (params, timeoutMs) =>
      devicesCommand(this.connected(), params, timeoutMs, { codes: this.codes, updates: this.updates }),
  };
  private socket: AppWebsocket | undefined;
  private abort: AbortController | undefined;
  private readonly monitors: DeviceMonitors;
  private readonly codes: ProvisioningCodes;
  private readonly updates: UpdateRequests;

  constructor(
    private readonly settings: ConnectionSettings<InnovaphoneOptions>,
    private readonly events: AdapterEvents,
  ) {
    this.monitors = new DeviceMonitors(events, devicesBase(settings.url));
    this.codes = new ProvisioningCodes(events);
    this.updates = new UpdateRequests((text) => events.log('warn', text));
  }

  async open(): Promise<void> {
    this.close();
    const abort = new AbortController();
    this.abort = abort;
    const app = this.settings.app;
    const socket = await AppWebsocket.open({
      url: this.settings.url,
      tls: this.settings.tls,
      login: {
        app,
        domain: this.settings.domain,
        sip: this.settings.user || app,
        guid: SERVICE_GUID,
        dn: SERVICE_DN,
        password: this.settings.password,
      },
      keepaliveMs: this.settings.keepaliveMs,
      signal: abort.signal,
      log: (level, text) => this.events.log(level, text),
    });
    socket.onMessage((msg) => this.route(msg));
    try {
      this.monitors.key = await this.userKey(socket);
    } catch (err) {
      socket.close();
      throw err;
    }
    if (abort.signal.aborted) {
      socket.close();
      throw new DisconnectedError('connection closed during login');
    }
    this.abort = undefined;
    this.socket = socket;
    socket.onDropped((reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.events.dropped(reason);
    });
    this.updates.replay(socket, OWN_REQUEST_TIMEOUT_MS);
  }

  close(): Promise<void> {
    this.abort?.abort();
    this.abort = undefined;
    const socket = this.socket;
    this.socket = undefined;
    return socket ? socket.close() : Promise.resolve();
  }

  async watch(interest: Interest): Promise<void> {
    if (interest.channel === 'device')
      await this.monitors.start(this.connected(), interest.key, OWN_REQUEST_TIMEOUT_MS);
    // Codes handed out before a reconnect may have been redeemed while the socket was down.
    else if (interest.channel === 'provisioning' && interest.key === ALL)
      await this.codes.recheck(this.connected(), OWN_REQUEST_TIMEOUT_MS);
    // Domain and device config events come only after a request with recvUpdates (seed 004).
    else if (interest.channel === 'event') {
      const socket = this.connected();
      const asked = Promise.all(
        UpdateRequests.forEvent(interest).map((msg) => this.updates.ensure(socket, msg, OWN_REQUEST_TIMEOUT_MS)),
      );
      // A node for every message did not name these updates: a refusal is no fault of it.
      if (interest.key !== ALL) await asked;
      else
        await asked.catch((err: unknown) =>
          this.events.log(
            'warn',
            `innovaphone-devices: asking for domain and config updates failed: ${errorText(err)}`,
          ),
        );
    }
  }

  unwatch(interest: Interest): void {
    if (interest.channel === 'device') this.monitors.stop(interest.key);
  }

  async suggestions(field: string): Promise<string[]> {
    return field === 'hw' ? this.monitors.hwIds() : [];
  }

  /**
   * `GetUserInfo` (13r3 and later) for the passthrough key and the admin flag; 13r1 named it
   * `GetLoginInfo` and does not know the new name, so silence or an error result falls back to
   * the old one (spec §5.1). Without a key the connection still works, only without passthrough.
   */
  private async userKey(socket: AppWebsocket): Promise<string | undefined> {
    const wait = Math.max(1000, Math.min(5000, this.settings.loginTimeoutMs / 3));
    for (const mt of ['GetUserInfo', 'GetLoginInfo']) {
      try {
        const [info] = await socket.request({ mt }, wait);
        this.events.log(
          'debug',
          `innovaphone-devices: logged in ${info.admin === true ? 'with access to all domains' : 'with access to its own domain(s)'}`,
        );
        return typeof info.key === 'string' && info.key ? info.key : undefined;
      } catch (err) {
        if (!(err instanceof TimeoutError || err instanceof PbxRequestError)) throw err;
        this.events.log('debug', `innovaphone-devices: no key from ${mt}: ${errorText(err)}`);
      }
    }
    this.events.log(
      'warn',
      'innovaphone-devices: neither GetUserInfo nor GetLoginInfo answered; passthrough URLs are not available',
    );
    return undefined;
  }

  private route(msg: AppMessage): void {
    const mt = String(msg.mt);
    if (mt === 'DeviceProvisioned') this.codes.provisioned(msg);
    else this.monitors.handle(msg);
    if (this.events.listening('event', mt))
      this.events.emit('event', mt, { topic: mt, payload: msg, event: mt, raw: msg });
  }

  private connected(): AppWebsocket {
    if (!this.socket?.open) throw new DisconnectedError('not connected to the PBX');
    return this.socket;
  }
}

export const createDevicesAdapter: AdapterFactory<InnovaphoneOptions> = (settings, events) =>
  new DevicesAdapter(settings, events);
