import { bridgedIds, channelChanges, type ChannelChange, type OnlinePbxData } from './normalize';
import type { Call } from '../../model/types';
import { textOf } from '../common/values';

/** Calls that never got their `channel_destroy` (a missed event) must not pile up forever. */
const MAX_CALLS = 10000;
/** Ended ids remembered, so that a second report of one end (`channel_destroy`, then `call_end`) is no second `ended`. */
const MAX_ENDED = 1000;

/**
 * The calls in progress, one per channel uuid: `channel_*` events folded into one lifecycle
 * (ringing -> connected <-> held -> ended). Ended calls are forgotten. A channel first seen by
 * a later event (a reconnect in the middle of a call) starts with what that event says.
 */
export class CallTable {
  private readonly calls = new Map<string, Call>();
  /** The API 3.0 `call_uuid` of each channel that carried one: `call_end` may name only that. */
  private readonly callOf = new Map<string, string>();
  private readonly ended = new Set<string>();

  get size(): number {
    return this.calls.size;
  }

  /** Applies one event; returns a fresh payload for every call whose state changed. */
  apply(event: string, data: OnlinePbxData): Call[] {
    // A leg first seen in a bridge belongs to the call of the leg it is bridged with.
    const callUuid =
      textOf(data.call_uuid) ?? (event === 'channel_bridge' ? this.callOfAny(bridgedIds(data)) : undefined);
    const changes = event === 'call_end' ? this.callEnd(channelChanges(event, data)) : channelChanges(event, data);
    const changed: Call[] = [];
    for (const change of changes) {
      let call = this.calls.get(change.callId);
      if (!call) {
        if (change.state === 'ended' && this.ended.has(change.callId)) continue;
        call = { callId: change.callId, state: change.state, ...change.fields };
        if (change.state === 'ended') this.markEnded(call.callId, callUuid);
        else this.remember(call, event === 'call_end' ? undefined : callUuid);
        changed.push({ ...call });
        continue;
      }
      if (callUuid && event !== 'call_end') this.callOf.set(call.callId, callUuid);
      Object.assign(call, change.fields);
      if (call.state === change.state) continue;
      call.state = change.state;
      if (change.state === 'ended') {
        this.calls.delete(call.callId);
        this.markEnded(call.callId, this.callOf.get(call.callId));
      }
      changed.push({ ...call });
    }
    return changed;
  }

  /**
   * `call_end` sums up a whole call: it ends every channel known under its ids or belonging to
   * the call they name. The documented shape names the call in `call_uuid` (and a channel in
   * `uuid`); a typed 3.0 client of a working amoCRM integration (`ws-types.ts`) shows the call's
   * id in `uuid` and no `call_uuid`: either id may be the call's. A call none of whose channels
   * is known (events missed, or only `call_end` subscribed) is reported once under its first id,
   * unless it has ended already.
   */
  private callEnd(changes: ChannelChange[]): ChannelChange[] {
    if (!changes.length) return [];
    const named = new Set(changes.map((c) => c.callId));
    const ids = new Set(named);
    for (const [id, of] of this.callOf) if (named.has(of)) ids.add(id);
    const { fields } = changes[0];
    const known = [...ids].filter((id) => this.calls.has(id));
    if (known.length) return known.map((callId) => ({ callId, state: 'ended', fields }));
    return [...ids].some((id) => this.ended.has(id)) ? [] : [changes[0]];
  }

  /** The call (API 3.0 `call_uuid`) of the first of these channels that has one. */
  private callOfAny(ids: string[]): string | undefined {
    for (const id of ids) {
      const of = this.callOf.get(id);
      if (of) return of;
    }
    return undefined;
  }

  private markEnded(callId: string, callUuid: string | undefined): void {
    this.callOf.delete(callId);
    for (const id of [callId, callUuid]) {
      if (!id) continue;
      this.ended.delete(id);
      this.ended.add(id);
    }
    while (this.ended.size > MAX_ENDED) this.ended.delete(this.ended.values().next().value as string);
  }

  private remember(call: Call, callUuid: string | undefined): void {
    if (this.calls.size >= MAX_CALLS) {
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) {
        this.calls.delete(oldest);
        this.callOf.delete(oldest);
      }
    }
    this.calls.set(call.callId, call);
    if (callUuid) this.callOf.set(call.callId, callUuid);
  }
}
