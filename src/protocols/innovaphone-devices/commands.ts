import type { OperationResult } from '../common/adapter';
import { domainIdOf, type CommandParams } from '../common/operations';
import type { AppMessage, AppWebsocket } from '../innovaphone/app-websocket';
import { decryptConfig, joinParts } from './normalize';
import type { ProvisioningCodes } from './provisioning';
import type { UpdateRequests } from './updates';

/** Requests whose results come in parts until `last:true` (seed 004), with their list field. */
const MULTIPART: Record<string, string> = {
  GetProvisioningCategories: 'categories',
  GetDomains: 'domains',
  GetDevices: 'devices',
  GetFilteredDevices: 'devices',
  GetDeviceConfigs: 'configs',
};

/** What a command may need of the adapter beyond the socket. */
export interface CommandContext {
  codes: ProvisioningCodes;
  updates: UpdateRequests;
}

let nextSrc = 0;
/** GetDeviceConfig requests waiting, per socket: a chunk without src belongs to the only one. */
const configsWaiting = new WeakMap<AppWebsocket, Set<string>>();

/**
 * Any Devices request by name (`pbx-command`). Multi-part results are joined into one array;
 * `GetDeviceConfig`'s `GetDeviceConfigValueResult` chunks are concatenated per name into the
 * config (`msg.payload.decrypt: true` also decrypts the passwords of GetDeviceConfig and
 * GetDeviceConfigs with the session key).
 */
export async function devicesCommand(
  socket: AppWebsocket,
  params: CommandParams,
  timeoutMs: number,
  ctx: CommandContext,
): Promise<OperationResult> {
  const { command, api } = params;
  const fields = { ...params.params };
  const decrypt = fields.decrypt === true;
  delete fields.decrypt;
  delete fields.src;
  const msg: AppMessage = { ...seedTypes(fields), mt: command };
  if (api) msg.api = api;
  if (command === 'GetDeviceConfig') return deviceConfig(socket, msg, timeoutMs, decrypt);
  const parts = await socket.request(msg, timeoutMs, { multipart: !!MULTIPART[command] });
  ctx.updates.remember(socket, msg);
  if (command === 'GetProvisioningCode') ctx.codes.track(msg, parts[0]);
  // An undocumented request answered in parts (with `last`) is joined the same way.
  const joined = joinParts(parts);
  const list = MULTIPART[command] ?? (parts.some((p) => 'last' in p) ? onlyArrayField(joined) : undefined);
  if (!list) return { payload: parts.length > 1 ? joined : parts[0], raw: parts.length > 1 ? parts : parts[0] };
  let items = (joined[list] as unknown[] | undefined) ?? [];
  if (decrypt && command === 'GetDeviceConfigs')
    items = items.map((c) =>
      c && typeof c === 'object' ? decryptConfig(c as Record<string, unknown>, socket.sessionKey) : c,
    );
  return { payload: items, raw: parts };
}

function onlyArrayField(joined: Record<string, unknown>): string | undefined {
  const arrays = Object.keys(joined).filter((k) => Array.isArray(joined[k]));
  return arrays.length === 1 ? arrays[0] : undefined;
}

/**
 * The parameter types of seed 004, from what a flow may hand over: ids as ulong64 numbers
 * (`domainId`, `id`), the comma separated strings (`domainIds`, `categories`, `subcategories`,
 * `hwIds`) also from arrays, `types` as an array also from a comma separated string.
 */
function seedTypes(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  for (const name of ['domainId', 'id']) {
    if (typeof out[name] === 'string' && out[name] !== '')
      out[name] = name === 'domainId' ? domainIdOf(out[name]) : numeric(out[name]);
  }
  for (const name of ['domainIds', 'categories', 'subcategories', 'hwIds']) {
    if (Array.isArray(out[name])) out[name] = (out[name] as unknown[]).map(String).join(',');
  }
  if (typeof out.types === 'string')
    out.types = out.types
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  return out;
}

function numeric(v: unknown): unknown {
  return typeof v === 'string' && /^\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

async function deviceConfig(
  socket: AppWebsocket,
  msg: AppMessage,
  timeoutMs: number,
  decrypt: boolean,
): Promise<OperationResult> {
  const src = `config${++nextSrc}`;
  const values = new Map<string, string>();
  let waiting = configsWaiting.get(socket);
  if (!waiting) configsWaiting.set(socket, (waiting = new Set()));
  const mine = waiting;
  // The value chunks come before the result, with the request's src; src is optional (seed
  // 004), so a chunk without one is taken when this is the only config request waiting.
  const collect = (m: AppMessage): void => {
    if (m.mt !== 'GetDeviceConfigValueResult' || typeof m.name !== 'string') return;
    if (m.src === undefined ? mine.size !== 1 : m.src !== src) return;
    values.set(m.name, (values.get(m.name) ?? '') + String(m.value ?? ''));
  };
  const stop = socket.tap(collect);
  mine.add(src);
  let result: AppMessage;
  try {
    [result] = await socket.request(msg, timeoutMs, { src });
  } finally {
    mine.delete(src);
    stop();
  }
  const config: Record<string, unknown> = { ...((result.config as Record<string, unknown> | undefined) ?? {}) };
  for (const [name, value] of values) config[name] = value;
  return { payload: decrypt ? decryptConfig(config, socket.sessionKey) : config, raw: result };
}
