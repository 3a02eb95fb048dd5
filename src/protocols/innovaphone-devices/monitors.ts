import type { AdapterEvents } from '../common/adapter';
import { ALL } from '../common/adapter';
import type { AppMessage, AppWebsocket } from '../innovaphone/app-websocket';
import { CHANGE_BY_MT, deviceOf, joinParts, passthroughUrl, type Device } from './normalize';

interface Monitor {
  src: string;
  domainIds: string[];
}

/**
 * `GetDevices` with `recvUpdates:true`, one per filter the `pbx-device-in` nodes use (the
 * interest key is `*` or the JSON filter). Each monitor has its own `src`; updates that carry it
 * go to that monitor, updates without one to every monitor whose domains match.
 */
export class DeviceMonitors {
  /** The `GetUserInfo` key of the current socket: part of every passthrough URL. */
  key: string | undefined;
  private readonly monitors = new Map<string, Monitor>();
  private readonly devices = new Map<string, Device>();
  /**
   * One src per filter for the adapter's life: a node redeployed on the same socket asks again
   * with the same src, so the PBX can replace its monitor instead of adding one (inferred: the
   * doc does not say how a second `recvUpdates` request is treated).
   */
  private readonly srcByKey = new Map<string, string>();

  constructor(
    private readonly events: Pick<AdapterEvents, 'emit' | 'listening'>,
    private readonly base: string,
  ) {}

  /** Starts (again) the monitor of `key` and emits the snapshot it returns. */
  async start(socket: AppWebsocket, key: string, timeoutMs: number): Promise<void> {
    const filter = key === ALL ? {} : (JSON.parse(key) as { domainIds?: string[]; categories?: string[] });
    let src = this.srcByKey.get(key);
    if (!src) this.srcByKey.set(key, (src = `devices${this.srcByKey.size + 1}`));
    const monitor: Monitor = { src, domainIds: filter.domainIds ?? [] };
    this.monitors.set(key, monitor);
    const request: AppMessage = { mt: 'GetDevices', recvUpdates: true };
    if (filter.domainIds?.length) request.domainIds = filter.domainIds.join(',');
    if (filter.categories?.length) request.categories = filter.categories.join(',');
    const parts = await socket.request(request, timeoutMs, { multipart: true, src: monitor.src });
    const devices = (joinParts(parts).devices as unknown[] | undefined) ?? [];
    const list = devices.filter((d): d is Device => !!d && typeof d === 'object').map((d) => this.remember(d));
    this.events.emit('device', key, {
      topic: 'snapshot',
      payload: { change: 'snapshot', devices: list },
      event: 'GetDevicesResult',
      raw: parts,
    });
  }

  /** There is no documented way to end a monitor: its updates are just no longer routed. */
  stop(key: string): void {
    this.monitors.delete(key);
  }

  handle(msg: AppMessage): void {
    const change = CHANGE_BY_MT[String(msg.mt)];
    if (!change) return;
    const found = deviceOf(msg);
    if (!found) return;
    // The update events document no fields (seed 004): one may carry only what changed, or only
    // the id, so it is completed from the device known by hwId or id (ids compared as text).
    const known =
      found.hwId !== undefined
        ? this.devices.get(String(found.hwId))
        : found.id !== undefined
          ? [...this.devices.values()].find((d) => String(d.id) === String(found.id))
          : undefined;
    const device = this.remember(known ? { ...known, ...found } : found);
    if (change === 'removed' && device.hwId) this.devices.delete(device.hwId);
    const topic = String(device.hwId ?? device.id ?? '');
    for (const [key, monitor] of this.monitors) {
      if (!this.routes(monitor, msg, device) || !this.events.listening('device', key)) continue;
      const payload: Record<string, unknown> = { change, device };
      if (typeof device.passthrough === 'string') payload.passthrough = device.passthrough;
      this.events.emit('device', key, { topic, payload, event: String(msg.mt), raw: msg });
    }
  }

  hwIds(): string[] {
    return [...this.devices.keys()].sort();
  }

  /**
   * An update with the src of a monitor belongs to it alone; one without (or with an unknown
   * src: the PBX may treat `recvUpdates` as a flag of the session) to every monitor whose
   * domains match, or to every monitor when its domain is unknown. Category filters cannot be
   * checked here: devices do not list them.
   */
  private routes(monitor: Monitor, msg: AppMessage, device: Device): boolean {
    if (typeof msg.src === 'string' && [...this.monitors.values()].some((m) => m.src === msg.src))
      return msg.src === monitor.src;
    return (
      monitor.domainIds.length === 0 ||
      device.domainId === undefined ||
      monitor.domainIds.includes(String(device.domainId))
    );
  }

  /** Keeps the device (for removals by id and autocomplete) with its passthrough URL. */
  private remember(d: Device): Device {
    const device = { ...d };
    if (typeof device.hwId === 'string' && device.hwId) {
      if (this.key) device.passthrough = passthroughUrl(this.base, device.hwId, this.key);
      this.devices.set(device.hwId, device);
    }
    return device;
  }
}
