import { encrypt } from '../../protocols/innovaphone/crypto';
import { AppServer, appPasswordLogin, type AppClient, type AppMessage } from '../innovaphone/app-server';
import { DEFAULT_DEVICES, expertScript, matches, plain, simDevice, type SimDevice } from './devices';

export interface DevicesSimOptions {
  /** The app name the login must carry. */
  app?: string;
  /** The instance password (admin over every domain). */
  password?: string;
  /** The phone that redeems a provisioning code does so after this long (never when 0). */
  redeemAfterMs?: number;
  /** Devices per GetDevicesResult part. */
  partSize?: number;
  /** Characters per GetDeviceConfigValueResult chunk. */
  chunkSize?: number;
  devices?: SimDevice[];
  tls?: { key: string; cert: string };
}

interface Code {
  code: string;
  domainId: number;
  category: string;
  validUntil: number;
  device?: SimDevice;
  /** The client and src to tell when a phone used the code. */
  client?: AppClient;
  src?: unknown;
}

/**
 * The innovaphone Devices app (seed 004) for tests and the demo: AppLogin with the instance
 * password (variant B: sip = app, guid of zeros, dn Admin, as the innovaphone JS client sends),
 * domains, categories, devices whose online flag changes, device configs (an EXPERT script
 * streamed in chunks, encrypted TURN/log passwords), provisioning codes redeemed by a scripted
 * phone, and DeviceAdded/Update/Removed for the monitors.
 */
export class DevicesSim extends AppServer {
  readonly app: string;
  readonly password: string;
  readonly devices: SimDevice[];
  readonly codes = new Map<string, Code>();
  readonly domains: Array<{
    id: number;
    name: string;
    hasRentalProducts: boolean;
    deployAdminPasswords: boolean;
    isInstanceDomain: boolean;
    categories: Array<{ id: number; name: string; config: boolean }>;
  }> = [
    {
      id: 1,
      name: 'example.com',
      hasRentalProducts: false,
      deployAdminPasswords: true,
      isInstanceDomain: true,
      categories: [{ id: 1, name: 'phones', config: true }],
    },
    {
      id: 2,
      name: 'branch.example.com',
      hasRentalProducts: false,
      deployAdminPasswords: false,
      isInstanceDomain: false,
      categories: [{ id: 2, name: 'warehouse', config: true }],
    },
  ];
  /** The key GetUserInfo hands out (the passthrough session key). */
  readonly userKey = '0e6ff4c7-7a88-40c4-98eb-8c91903933e6';
  /** `GetUserInfo` unknown, as on 13r1 (only `GetLoginInfo` answers). */
  oldVersion = false;
  scriptBytes = 200 * 1024;
  private readonly opts: Required<Pick<DevicesSimOptions, 'redeemAfterMs' | 'partSize' | 'chunkSize'>>;
  private nextId = 100;

  constructor(options: DevicesSimOptions = {}) {
    const app = options.app ?? 'devices';
    const password = options.password ?? 'pwd';
    // App services name their instance domain in the login result (spec §2.2).
    super({ checkLogin: appPasswordLogin(app, password), loginResult: { domain: 'example.com' }, tls: options.tls });
    this.app = app;
    this.password = password;
    this.devices = (options.devices ?? DEFAULT_DEVICES).map((x) => ({ ...x }));
    this.opts = {
      redeemAfterMs: options.redeemAfterMs ?? 200,
      partSize: options.partSize ?? 2,
      chunkSize: options.chunkSize ?? 41000,
    };
  }

  get url(): string {
    return `${this.tls ? 'wss' : 'ws'}://127.0.0.1:${this.port}/example.com/devices/innovaphone-devices`;
  }
  /** Device monitors (GetDevices with recvUpdates) on open sockets. */
  get monitorCount(): number {
    return this.clients.reduce((n, c) => n + ((c.state.get('monitors') as unknown[] | undefined)?.length ?? 0), 0);
  }

  /** A device goes online or offline: DeviceUpdate to the monitors. `extra` lands in the frame. */
  setOnline(hwId: string, online: boolean, extra: AppMessage = {}): void {
    const device = this.device(hwId);
    device.online = online;
    this.notify('DeviceUpdate', device, extra);
  }

  addDevice(device: Partial<SimDevice> & { hwId: string }): SimDevice {
    const full = {
      ...simDevice(this.nextId++, device.hwId, device.name ?? 'New phone', device.product ?? 'IP112', true),
      ...device,
    };
    this.devices.push(full);
    this.notify('DeviceAdded', full);
    return full;
  }

  /** DomainAdded / DomainEdited {domain} and DomainDeleted {id} to the sockets that asked with GetDomains recvUpdates. */
  addDomain(name: string): { id: number; name: string } {
    const domain = {
      id: this.nextId++,
      name,
      hasRentalProducts: false,
      deployAdminPasswords: false,
      isInstanceDomain: false,
      categories: [],
    };
    this.domains.push(domain);
    this.notifyDomains({ mt: 'DomainAdded', domain });
    return domain;
  }

  editDomain(id: number, name: string): void {
    const domain = this.domains.find((x) => x.id === id);
    if (!domain) throw new Error(`no domain ${id}`);
    domain.name = name;
    this.notifyDomains({ mt: 'DomainEdited', domain });
  }

  deleteDomain(id: number): void {
    this.domains.splice(
      this.domains.findIndex((x) => x.id === id),
      1,
    );
    this.notifyDomains({ mt: 'DomainDeleted', id });
  }

  removeDevice(hwId: string): void {
    const device = this.device(hwId);
    this.devices.splice(this.devices.indexOf(device), 1);
    this.notify('DeviceRemoved', device);
  }

  /** The scripted phone uses `code` now (also while no client is connected). */
  redeem(code: string, hwId = `009033bb${String(this.nextId).padStart(4, '0')}`): SimDevice {
    const entry = this.codes.get(code);
    if (!entry) throw new Error(`no code ${code}`);
    const device = {
      ...simDevice(this.nextId++, hwId, 'Provisioned phone', 'IP112', true, entry.domainId, [entry.category]),
    };
    this.devices.push(device);
    entry.device = device;
    const c = entry.client;
    if (c && this.clients.includes(c)) c.send({ mt: 'DeviceProvisioned', src: entry.src, code, device });
    this.notify('DeviceAdded', device);
    return device;
  }

  /** The device configs, with secrets encrypted for the client's session key. */
  private configs(c: AppClient): Array<Record<string, unknown>> {
    return [
      { id: 1, domainId: 1, desc: 'Expert script', type: 'EXPERT', categories: [] },
      {
        id: 2,
        domainId: 1,
        desc: 'Media',
        type: 'MEDIA',
        categories: [],
        stunServer: 'stun.example.com',
        turnServer: 'turn.example.com',
        turnUser: 'turn',
        turnPassword: encrypt('turn.example.com', 'turn-secret', c.sessionKey),
      },
      {
        id: 3,
        domainId: 1,
        desc: 'Alarms',
        type: 'ALARM_SERVER',
        categories: [{ id: 1, name: 'phones', config: true }],
        url: 'https://alarm.example.com',
        logUser: 'log',
        logPassword: encrypt('https://alarm.example.com', 'log-secret', c.sessionKey),
      },
      {
        id: 4,
        domainId: 1,
        desc: 'Time',
        type: 'NTP',
        categories: [],
        ntp1: 'pool.ntp.org',
        ntp2: '',
        tz: 'CET-1CEST-2,M3.5.0/2,M10.5.0/3',
      },
    ];
  }

  protected override handle(c: AppClient, msg: AppMessage): void {
    const reply = (mt: string, fields: AppMessage = {}): void => c.send({ mt, src: msg.src, ...fields });
    const parts = (mt: string, field: string, items: unknown[]): void => {
      const size = this.opts.partSize;
      if (items.length === 0) return reply(mt, { [field]: [], last: true });
      for (let i = 0; i < items.length; i += size) {
        const last = i + size >= items.length;
        // Intermediate parts carry no `last` at all: "sent multiple times until the last property is set".
        reply(mt, { [field]: items.slice(i, i + size), ...(last ? { last: true } : {}) });
      }
    };
    const inDomains = (x: SimDevice): boolean => matches(msg, x);
    switch (msg.mt) {
      case 'GetUserInfo':
        if (this.oldVersion) return; // 13r1 does not know it
        return reply('GetUserInfoResult', { key: this.userKey, admin: true });
      case 'GetLoginInfo':
        return reply('GetLoginInfoResult', { key: this.userKey, admin: true });
      case 'GetProvisioningCategories':
        return parts(
          'GetProvisioningCategoriesResult',
          'categories',
          this.domains.flatMap((x) => x.categories.map((k) => ({ ...k, domainId: x.id }))),
        );
      case 'GetProvisioningCode': {
        const category = String(msg.category ?? '');
        const domainId = Number(msg.domainId ?? 1);
        if (!this.domains.some((x) => x.id === domainId && x.categories.some((k) => k.name === category))) {
          return reply('GetProvisioningCodeResult', { error: `unknown category ${category}` });
        }
        const code = String(100000000000 + Math.floor(Math.random() * 899999999999));
        const validUntil = Math.floor(Date.now() / 1000) + (msg.rollout === true ? 7 * 86400 : 15 * 60);
        this.codes.set(code, { code, domainId, category, validUntil, client: c, src: msg.src });
        reply('GetProvisioningCodeResult', { code, validUntil });
        if (this.opts.redeemAfterMs > 0)
          this.later(this.opts.redeemAfterMs, () => this.codes.get(code)?.device || this.redeem(code));
        return;
      }
      case 'GetProvisionedDevice': {
        // Looked up in the domain given, else in the login's (the instance domain, seed 004).
        const entry = this.codes.get(String(msg.code ?? ''));
        if (!entry || entry.domainId !== Number(msg.domainId ?? 1))
          return reply('GetProvisionedDeviceResult', { code: msg.code, error: 'unknown code' });
        // The seed's example wraps the device in an array.
        return reply('GetProvisionedDeviceResult', {
          code: entry.code,
          ...(entry.device ? { device: [entry.device] } : {}),
        });
      }
      case 'GetDomains':
        if (msg.recvUpdates === true) c.state.set('domains', true);
        return parts('GetDomainsResult', 'domains', this.domains);
      case 'GetDevices': {
        if (msg.recvUpdates === true) {
          // A request with the src of an earlier one replaces that monitor.
          const list = ((c.state.get('monitors') as AppMessage[] | undefined) ?? []).filter(
            (m) => m.src === undefined || m.src !== msg.src,
          );
          list.push(msg);
          c.state.set('monitors', list);
        }
        return parts('GetDevicesResult', 'devices', this.devices.filter(inDomains).map(plain));
      }
      case 'GetFilteredDevices': {
        const hw = typeof msg.hwIds === 'string' && msg.hwIds ? msg.hwIds.split(',') : undefined;
        const types = Array.isArray(msg.types) ? msg.types.map(String) : undefined;
        const list = this.devices.filter(
          (x) =>
            (!hw || hw.includes(x.hwId)) &&
            (!types || types.includes(x.type)) &&
            (msg.domainId === undefined || x.domainId === Number(msg.domainId)),
        );
        return parts('GetFilteredDevicesResult', 'devices', list.map(plain));
      }
      case 'GetDeviceConfigs':
        return parts('GetDeviceConfigsResult', 'configs', this.configs(c));
      case 'GetDeviceConfig': {
        const config = this.configs(c).find((x) => x.id === Number(msg.id));
        if (!config) return reply('GetDeviceConfigResult', { error: `no device config ${String(msg.id)}` });
        if (config.type === 'EXPERT') {
          const script = expertScript(this.scriptBytes);
          for (let i = 0; i < script.length; i += this.opts.chunkSize) {
            reply('GetDeviceConfigValueResult', { name: 'script', value: script.slice(i, i + this.opts.chunkSize) });
          }
        }
        return reply('GetDeviceConfigResult', { config });
      }
      default:
        return reply(`${String(msg.mt)}Result`, { error: `unknown message ${String(msg.mt)}` });
    }
  }

  private device(hwId: string): SimDevice {
    const device = this.devices.find((x) => x.hwId === hwId);
    if (!device) throw new Error(`no device ${hwId}`);
    return device;
  }

  /** Seed 004 documents only DomainDeleted's `id`; the others carry the domain object (inferred). */
  private notifyDomains(msg: AppMessage): void {
    for (const c of this.clients) if (c.state.get('domains')) c.send(msg);
  }

  private notify(mt: string, device: SimDevice, extra: AppMessage = {}): void {
    for (const c of this.clients) {
      for (const monitor of (c.state.get('monitors') as AppMessage[] | undefined) ?? []) {
        if (!matches(monitor, device)) continue;
        c.send({ mt, src: monitor.src, device: plain(device), ...extra });
      }
    }
  }
}
