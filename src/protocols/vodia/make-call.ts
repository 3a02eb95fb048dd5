import { TimeoutError } from '../common/errors';
import { PendingRequests } from '../common/pending-requests';
import type { VodiaFrame } from './codec';
import type { VodiaCall } from './normalize';

/** How long make-call waits for its call to show up in `call-state`, to report the call id. */
const MAKE_CALL_ID_WAIT_MS = 5000;

export interface MadeCall {
  call: VodiaCall;
  frame: VodiaFrame;
}

interface Wait {
  key: string;
  to: string;
  /** Calls that existed when make-call was sent: not ours. */
  known: Set<string>;
}

/**
 * make-call has no answer of its own: its call is the first new call in a call list that
 * involves its destination or our own extension. Waits that find none in time are no failure.
 */
export class MakeCallWaits {
  private readonly pending = new PendingRequests<MadeCall>();
  private readonly waits: Wait[] = [];
  private seq = 0;

  constructor(private readonly own: string) {}

  get waiting(): boolean {
    return this.waits.length > 0;
  }

  /**
   * Sends the make-call (`send` throws when it cannot) and resolves with its call, or with
   * undefined when no new call showed up in time; rejects when sending fails or the socket goes.
   */
  async wait(
    to: string,
    existing: Iterable<VodiaCall>,
    timeoutMs: number,
    send: () => void,
  ): Promise<MadeCall | undefined> {
    const key = `make-call ${++this.seq}`;
    const known = new Set<string>();
    for (const c of existing) known.add(c.callId);
    const made = this.pending.add(key, Math.min(timeoutMs, MAKE_CALL_ID_WAIT_MS), `make-call to ${to}`);
    this.waits.push({ key, to, known });
    try {
      send();
    } catch (err) {
      this.pending.reject(key, err as Error);
    }
    try {
      return await made;
    } catch (err) {
      const i = this.waits.findIndex((w) => w.key === key);
      if (i >= 0) this.waits.splice(i, 1);
      if (err instanceof TimeoutError) return undefined;
      throw err;
    }
  }

  /** A call from a call list: the oldest make-call it can belong to gets it. */
  match(call: VodiaCall, frame: VodiaFrame): void {
    const i = this.waits.findIndex(
      (w) => !w.known.has(call.callId) && (call.parties.includes(w.to) || call.parties.includes(this.own)),
    );
    if (i < 0) return;
    const [w] = this.waits.splice(i, 1);
    this.pending.resolve(w.key, { call, frame });
  }

  failAll(reason: string): void {
    this.waits.length = 0;
    this.pending.rejectAll(reason);
  }
}
