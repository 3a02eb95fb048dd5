import { channelChanges, type OnlinePbxData } from '../../model/onlinepbx';
import type { Call } from '../../model/types';

/** Calls that never got their `channel_destroy` (a missed event) must not pile up forever. */
const MAX_CALLS = 10000;

/**
 * The calls in progress, one per channel uuid: `channel_*` events folded into one lifecycle
 * (ringing -> connected <-> held -> ended). Ended calls are forgotten. A channel first seen by
 * a later event (a reconnect in the middle of a call) starts with what that event says.
 */
export class CallTable {
  private readonly calls = new Map<string, Call>();

  get size(): number {
    return this.calls.size;
  }

  /** Applies one event; returns a fresh payload for every call whose state changed. */
  apply(event: string, data: OnlinePbxData): Call[] {
    const changed: Call[] = [];
    for (const change of channelChanges(event, data)) {
      let call = this.calls.get(change.callId);
      if (!call) {
        if (change.onlyKnown) continue;
        call = { callId: change.callId, state: change.state, ...change.fields };
        if (change.state !== 'ended') this.remember(call);
        changed.push({ ...call });
        continue;
      }
      Object.assign(call, change.fields);
      if (call.state === change.state) continue;
      call.state = change.state;
      if (change.state === 'ended') this.calls.delete(call.callId);
      changed.push({ ...call });
    }
    return changed;
  }

  private remember(call: Call): void {
    if (this.calls.size >= MAX_CALLS) {
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) this.calls.delete(oldest);
    }
    this.calls.set(call.callId, call);
  }
}
