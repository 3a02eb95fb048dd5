import type { AdapterEvents, OperationResult } from '../common/adapter';
import { ALL } from '../common/adapter';
import { errorText } from '../common/errors';
import type { AppMessage, AppWebsocket } from '../innovaphone/app-websocket';
import { deviceOf } from '../../model/innovaphone-devices';

/**
 * Provisioning codes: `GetProvisioningCode`, then `DeviceProvisioned` when a phone used it.
 * Codes still valid are kept; after a reconnect each is checked with `GetProvisionedDevice`,
 * so a phone provisioned while the socket was down is still reported. Every code is reported
 * once, however it is learned.
 */
export class ProvisioningCodes {
  /** code -> valid until (ms). */
  private readonly pending = new Map<string, number>();
  private readonly reported = new Set<string>();

  constructor(private readonly events: Pick<AdapterEvents, 'emit' | 'log'>) {}

  async request(socket: AppWebsocket, params: Record<string, unknown>, timeoutMs: number): Promise<OperationResult> {
    const msg: AppMessage = { mt: 'GetProvisioningCode' };
    if (params.category === undefined || params.category === '') throw new TypeError("property 'category' is missing: the provisioning category name");
    msg.category = String(params.category);
    if (params.sip) msg.sip = String(params.sip);
    if (params.rollout !== undefined && params.rollout !== '') msg.rollout = params.rollout === true || params.rollout === 'true';
    if (params.domainId !== undefined && params.domainId !== '') msg.domainId = Number(params.domainId);
    if (params.administrative !== undefined) msg.administrative = params.administrative === true || params.administrative === 'true';
    const [result] = await socket.request(msg, timeoutMs);
    const code = String(result.code ?? '');
    const validUntil = Number(result.validUntil);
    // validUntil is a UTC unix timestamp in seconds (seed 004).
    if (code) this.pending.set(code, Number.isFinite(validUntil) ? validUntil * 1000 : Date.now() + 15 * 60000);
    return { payload: { code, validUntil }, raw: result };
  }

  /** `DeviceProvisioned`. */
  provisioned(msg: AppMessage): void {
    const code = String(msg.code ?? '');
    if (!code) return;
    this.report(code, deviceOf(msg), msg);
  }

  /** After a (re)connect: every pending code still valid is asked for its device. */
  async recheck(socket: AppWebsocket, timeoutMs: number): Promise<void> {
    const now = Date.now();
    for (const [code, until] of this.pending) if (until < now) this.pending.delete(code);
    await Promise.all(
      [...this.pending.keys()].map(async (code) => {
        try {
          const [result] = await socket.request({ mt: 'GetProvisionedDevice', code }, timeoutMs);
          const device = deviceOf(result);
          if (device) this.report(code, device, result);
        } catch (err) {
          this.events.log('warn', `innovaphone-devices: checking provisioning code failed: ${errorText(err)}`);
        }
      }),
    );
  }

  private report(code: string, device: unknown, raw: AppMessage): void {
    this.pending.delete(code);
    if (this.reported.has(code)) return;
    this.reported.add(code);
    this.events.emit('provisioning', ALL, { topic: code, payload: { code, device }, event: String(raw.mt), raw });
  }
}
