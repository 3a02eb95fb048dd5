import type { OperationResult } from '../common/adapter';
import type { AppMessage, AppWebsocket } from '../innovaphone/app-websocket';
import { decryptConfig, joinParts } from '../../model/innovaphone-devices';

/** Requests whose results come in parts until `last:true` (seed 004), with their list field. */
const MULTIPART: Record<string, string> = {
  GetProvisioningCategories: 'categories',
  GetDomains: 'domains',
  GetDevices: 'devices',
  GetFilteredDevices: 'devices',
  GetDeviceConfigs: 'configs',
};

let nextSrc = 0;

/**
 * Any Devices request by name (`pbx-command`). Multi-part results are joined into one array;
 * `GetDeviceConfig`'s `GetDeviceConfigValueResult` chunks are concatenated per name into the
 * config (`msg.payload.decrypt: true` also decrypts its passwords with the session key).
 */
export async function devicesCommand(socket: AppWebsocket, params: Record<string, unknown>, timeoutMs: number): Promise<OperationResult> {
  const fields = params.params && typeof params.params === 'object' ? { ...(params.params as Record<string, unknown>) } : {};
  const command = String(params.command);
  const decrypt = fields.decrypt === true;
  delete fields.decrypt;
  delete fields.src;
  const msg: AppMessage = { ...fields, mt: command };
  if (params.api) msg.api = String(params.api);
  if (command === 'GetDeviceConfig') return deviceConfig(socket, msg, timeoutMs, decrypt);
  const list = MULTIPART[command];
  const parts = await socket.request(msg, timeoutMs, { multipart: !!list });
  if (!list) return { payload: parts[0], raw: parts[0] };
  return { payload: (joinParts(parts)[list] as unknown[] | undefined) ?? [], raw: parts };
}

async function deviceConfig(socket: AppWebsocket, msg: AppMessage, timeoutMs: number, decrypt: boolean): Promise<OperationResult> {
  const src = `config${++nextSrc}`;
  const values = new Map<string, string>();
  // The value chunks come before the result, with the request's src (seed 004).
  const collect = (m: AppMessage): void => {
    if (m.mt !== 'GetDeviceConfigValueResult' || m.src !== src || typeof m.name !== 'string') return;
    values.set(m.name, (values.get(m.name) ?? '') + String(m.value ?? ''));
  };
  const stop = socket.tap(collect);
  let result: AppMessage;
  try {
    [result] = await socket.request(msg, timeoutMs, { src });
  } finally {
    stop();
  }
  const config: Record<string, unknown> = { ...((result.config as Record<string, unknown> | undefined) ?? {}) };
  for (const [name, value] of values) config[name] = value;
  return { payload: decrypt ? decryptConfig(config, socket.sessionKey) : config, raw: result };
}
