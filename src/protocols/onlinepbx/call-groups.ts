import { bridgedIds, epochMs, type OnlinePbxData } from './normalize';
import { UsersPerspective, type UsersView } from './perspective';
import type { Call, CallFacts, CallSummary } from '../../model/types';
import { textOf } from '../common/values';

/** Channels in progress at most (their ends may be missed during an outage). */
const MAX_CHANNELS = 10000;

interface Channel {
  group: string;
  parties: string;
}

/**
 * Which channels make one call, for the call records. API 3.0 says so (`call_uuid`). API 2.0
 * does not: there, a channel joins the call of an earlier channel in progress with the same
 * caller and destination number (FreeSWITCH's legs of one call carry both; inferred from the
 * excerpt's examples), and is a call of its own otherwise.
 */
export class CallGroups {
  private readonly channels = new Map<string, Channel>();
  private readonly byParties = new Map<string, string>();
  private readonly perspective: UsersPerspective;

  constructor(
    /** The PBX's own users known so far (events, `user_list`), for the direction of the whole call. */
    users: Set<string>,
    /** API 3.0 sums every call up in `call_end`: the record waits for it. */
    private readonly summaries: boolean,
  ) {
    this.perspective = new UsersPerspective(users, MAX_CHANNELS);
  }

  /**
   * What the record of the call needs from this change of `call` by `event`, and the call as
   * the PBX's users see it (`view`): the live payload of every leg carries that direction and
   * extension, so that they are the record's from the first event on.
   */
  facts(call: Call, event: string, d: OnlinePbxData): { facts: CallFacts; view: UsersView } {
    const group = this.groupOf(call, textOf(d.call_uuid), event === 'channel_bridge' ? bridgedIds(d) : []);
    const view = this.perspective.see(group, call, event, d);
    if (call.state === 'ended') this.leave(call, group);
    const facts: CallFacts = { group };
    if (view.direction) facts.direction = view.direction;
    if (event === 'channel_create') facts.startedAt = epochMs(d.created_stamp);
    if (event === 'channel_answer') facts.answeredAt = epochMs(d.answered_stamp);
    if (this.summaries && textOf(d.call_uuid)) facts.summary = true;
    return { facts, view };
  }

  /** `call_end` (3.0) as the PBX's summary of the whole call; stamps in seconds, times in seconds. */
  summary(d: OnlinePbxData): CallSummary | undefined {
    const group = textOf(d.call_uuid) ?? textOf(d.uuid);
    if (!group) return undefined;
    const seconds = (v: unknown): number | undefined => {
      const n = Number(v);
      return v === undefined || v === null || v === '' || !Number.isFinite(n) || n < 0
        ? undefined
        : Math.round(n * 1000);
    };
    const s: CallSummary = { group };
    const startedAt = epochMs(d.start_stamp);
    const endedAt = epochMs(d.end_stamp);
    if (startedAt !== undefined) s.startedAt = startedAt;
    if (endedAt !== undefined) s.endedAt = endedAt;
    const talkMs = seconds(d.user_talk_time);
    if (talkMs !== undefined) s.talkMs = talkMs;
    const durationMs = seconds(d.duration);
    if (durationMs !== undefined) s.durationMs = durationMs;
    const type = textOf(d.type)?.toLowerCase();
    if (type === 'inbound' || type === 'outbound' || type === 'local') s.direction = type;
    const cause = textOf(d.hangup_cause);
    if (cause) s.cause = cause;
    return s;
  }

  /** The group of a channel: known, the 3.0 call, the call of the leg it is bridged with, an earlier leg between the same parties, or its own. */
  private groupOf(call: Call, callUuid: string | undefined, bridged: string[]): string {
    const known = this.channels.get(call.callId);
    if (known) return known.group;
    const partner = bridged.map((id) => this.channels.get(id)?.group).find(Boolean);
    const parties = `${call.from ?? ''}\n${call.to ?? ''}`;
    const group =
      callUuid ?? partner ?? (call.from && call.to ? this.byParties.get(parties) : undefined) ?? call.callId;
    if (call.state === 'ended') return group;
    if (this.channels.size >= MAX_CHANNELS) this.channels.delete(this.channels.keys().next().value as string);
    this.channels.set(call.callId, { group, parties });
    if (call.from && call.to && !this.byParties.has(parties)) this.byParties.set(parties, group);
    return group;
  }

  /** The channel ended: the call is over when it was its last. */
  private leave(call: Call, group: string): void {
    const parties = this.channels.get(call.callId)?.parties;
    this.channels.delete(call.callId);
    if ([...this.channels.values()].some((c) => c.group === group)) return;
    if (parties !== undefined && this.byParties.get(parties) === group) this.byParties.delete(parties);
    // 3.0 sums the call up after its last channel: its `type` is the PBX's word, nothing to keep for it.
    this.perspective.forget(group);
  }
}
