import type { Call, PbxMessage } from '../../../model/types';
import type { AdapterEvents } from '../../common/adapter';
import type { RccCallPayload } from './call-leg';
import type { CallTable } from './calls';
import type { RccMessage } from './messages';

/**
 * Sends call reports on the `call` channel. A new call from `CallAdd` is reported once the
 * frames read with it are applied (its `CallUpdate` names the other party), unless a later
 * report of the same call comes first.
 */
export class CallReports {
  private readonly firstReports = new Map<string, { payload: RccCallPayload; raw: RccMessage }>();
  private firstTimer: NodeJS.Immediate | undefined;

  constructor(
    private readonly calls: CallTable,
    private readonly events: Pick<AdapterEvents, 'emit' | 'snapshot'>,
  ) {}

  /** `resync`: a call the PBX no longer listed after a reconnect (it ended while we were away). */
  report(payload: RccCallPayload | undefined, raw: RccMessage, resync = false): void {
    if (!payload) return;
    const first = this.firstReports.get(payload.callId);
    if (first) {
      this.firstReports.delete(payload.callId);
      this.emitCall(first.payload, first.raw);
    }
    this.emitCall(payload, raw, resync);
  }

  reportLater(payload: RccCallPayload, raw: RccMessage): void {
    this.firstReports.set(payload.callId, { payload, raw });
    this.firstTimer ??= setImmediate(() => this.flush());
  }

  /** A leg listed again after a reconnect: its record is true again, no event. */
  confirm(payload: RccCallPayload, raw: RccMessage): void {
    this.events.snapshot('call', payload.callId, callMessage(payload, raw));
  }

  flush(): void {
    if (this.firstTimer) clearImmediate(this.firstTimer);
    this.firstTimer = undefined;
    for (const [callId, first] of this.firstReports) {
      const now = this.calls.current(callId);
      this.emitCall(now && now.state === first.payload.state ? now : first.payload, first.raw);
    }
    this.firstReports.clear();
  }

  /** Every leg's report goes to the connection (its state store), whoever watches. */
  private emitCall(payload: RccCallPayload, raw: RccMessage, resync = false): void {
    const message = callMessage(payload, raw);
    if (resync) message.resync = true;
    this.events.emit('call', payload.callId, message);
  }
}

function callMessage(payload: RccCallPayload, raw: RccMessage): PbxMessage<Call> {
  const message: PbxMessage<Call> = { topic: payload.callId, payload, event: String(raw.mt), raw };
  // The legs of one call share its conference id: one call record for all of them.
  if (payload.conf !== undefined) message.call = { group: payload.conf };
  return message;
}
