import type { AdapterEvents, OperationResult } from '../common/adapter';
import type { ProvisioningCodeParams } from '../common/operations';
import { ALL } from '../common/adapter';
import { errorText } from '../common/errors';
import type { AppMessage, AppWebsocket } from '../innovaphone/app-websocket';
import { deviceOf } from './normalize';

/**
 * Provisioning codes: `GetProvisioningCode`, then `DeviceProvisioned` when a phone used it.
 * Codes still valid are kept; after a reconnect each is checked with `GetProvisionedDevice`,
 * so a phone provisioned while the socket was down is still reported. Every code is reported
 * once, however it is learned.
 */
interface Pending {
  /** Valid until (ms). */
  until: number;
  /** The domain the code was asked for: GetProvisionedDevice looks in the login's otherwise. */
  domainId?: number;
}

/**
 * How many reported codes are remembered: enough to drop the second report of one code (a
 * `DeviceProvisioned` crossing the `GetProvisionedDevice` answer after a reconnect), bounded so
 * that a connection provisioning phones for years keeps a flat memory.
 */
export const REMEMBERED_CODES = 1000;

export class ProvisioningCodes {
  private readonly pending = new Map<string, Pending>();
  /** Reported codes, oldest first. */
  private readonly reported = new Set<string>();

  constructor(private readonly events: Pick<AdapterEvents, 'emit' | 'log'>) {}

  async request(socket: AppWebsocket, params: ProvisioningCodeParams, timeoutMs: number): Promise<OperationResult> {
    const msg: AppMessage = { mt: 'GetProvisioningCode', category: params.category };
    if (params.sip) msg.sip = params.sip;
    if (params.rollout !== undefined) msg.rollout = params.rollout;
    if (params.domainId !== undefined) msg.domainId = params.domainId;
    if (params.administrative !== undefined) msg.administrative = params.administrative;
    const [result] = await socket.request(msg, timeoutMs);
    const { code, validUntil } = this.track(msg, result);
    return { payload: { code, validUntil }, raw: result };
  }

  /**
   * Keeps the code of a `GetProvisioningCodeResult` (also one asked for with pbx-command) until
   * it is redeemed or expires. validUntil is a UTC unix timestamp in seconds (seed 004).
   */
  track(request: AppMessage, result: AppMessage): { code: string; validUntil: number } {
    const code = String(result.code ?? '');
    const validUntil = Number(result.validUntil);
    if (code) {
      const until = Number.isFinite(validUntil) ? validUntil * 1000 : Date.now() + 15 * 60000;
      this.pending.set(code, typeof request.domainId === 'number' ? { until, domainId: request.domainId } : { until });
    }
    return { code, validUntil };
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
    for (const [code, { until }] of this.pending) if (until < now) this.pending.delete(code);
    await Promise.all(
      [...this.pending].map(async ([code, { domainId }]) => {
        const msg: AppMessage = { mt: 'GetProvisionedDevice', code };
        if (domainId !== undefined) msg.domainId = domainId;
        try {
          const [result] = await socket.request(msg, timeoutMs);
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
    if (this.reported.size > REMEMBERED_CODES) this.reported.delete(this.reported.values().next().value as string);
    this.events.emit('provisioning', ALL, { topic: code, payload: { code, device }, event: String(raw.mt), raw });
  }
}
