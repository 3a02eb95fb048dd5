import { decrypt } from '../innovaphone/crypto';

/** innovaphone Devices objects -> the `pbx-device-in` / `pbx-device-provisioned` payloads. */

export type DeviceChange = 'added' | 'updated' | 'removed';

export const CHANGE_BY_MT: Record<string, DeviceChange> = {
  DeviceAdded: 'added',
  DeviceUpdate: 'updated',
  DeviceRemoved: 'removed',
};

export type Device = Record<string, unknown> & { hwId?: string; id?: unknown };

/**
 * The device a message carries. `GetProvisionedDeviceResult` documents an object but shows an
 * array with one device (seed 004); the update events document no fields at all, so `device`,
 * then the message itself, is taken.
 */
export function deviceOf(msg: Record<string, unknown>): Device | undefined {
  let d = msg.device;
  if (Array.isArray(d)) d = d[0];
  if (d && typeof d === 'object') return d as Device;
  if (msg.hwId !== undefined || msg.id !== undefined) {
    const rest: Device = { ...msg };
    delete rest.mt;
    delete rest.src;
    return rest;
  }
  return undefined;
}

/** The Devices web base (the instance URL without its last segment), as http(s). */
export function devicesBase(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/\/[^/]*\/?$/, '');
  return u.toString().replace(/\/$/, '');
}

/** `<devices base>/passthrough/<hwId>/<key>/`: HTTP to the device through Devices (seed 004). */
export function passthroughUrl(base: string, hwId: string, key: string): string {
  return `${base}/passthrough/${encodeURIComponent(hwId)}/${encodeURIComponent(key)}/`;
}

/**
 * Decrypts the passwords in a device config with the AppWebsocket encryption function: MEDIA
 * `turnPassword` with the `turnServer` as seed, ALARM_SERVER `logPassword` with the `url`; an
 * explicit `seed` field (older SDK texts) wins.
 */
export function decryptConfig(config: Record<string, unknown>, sessionKey: string): Record<string, unknown> {
  const out = { ...config };
  const seedOr = (field: string): string => String(config.seed ?? config[field] ?? '');
  if (typeof config.turnPassword === 'string' && config.turnPassword)
    out.turnPassword = decrypt(seedOr('turnServer'), config.turnPassword, sessionKey);
  if (typeof config.logPassword === 'string' && config.logPassword)
    out.logPassword = decrypt(seedOr('url'), config.logPassword, sessionKey);
  return out;
}

/** Joins the parts of a multi-part result: array fields concatenated, the rest from the last part. */
export function joinParts(parts: Array<Record<string, unknown>>): Record<string, unknown> {
  const joined: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      if (Array.isArray(v)) joined[k] = [...((joined[k] as unknown[]) ?? []), ...v];
      else joined[k] = v;
    }
  }
  return joined;
}
