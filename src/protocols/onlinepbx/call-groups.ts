import { epochMs,  type OnlinePbxData } from './normalize';
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

  constructor(
    /** The PBX's own users known so far (events, `user_list`), for the direction of the whole call. */
    private readonly users: Set<string>,
    /** API 3.0 sums every call up in `call_end`: the record waits for it. */
    private readonly summaries: boolean,
  ) {}

  /** What the record of the call needs from this change of `call` by `event`. */
  facts(call: Call, event: string, d: OnlinePbxData): CallFacts {
    const group = this.groupOf(call, textOf(d.call_uuid));
    const facts: CallFacts = { group };
    if (event === 'channel_create') {
      facts.startedAt = epochMs(d.created_stamp);
      // A channel's endpoint `<number>@<domain>` is a phone of the PBX (the excerpt's examples).
      const endpoint = textOf(d.endpoint);
      if (endpoint && endpoint.indexOf('@') > 0 && call.extension) this.users.add(call.extension);
      // Every new leg may tell more (the callee's leg comes second): the last word counts.
      facts.direction = this.directionOf(call);
    }
    if (event === 'channel_answer') facts.answeredAt = epochMs(d.answered_stamp);
    if (this.summaries && textOf(d.call_uuid)) facts.summary = true;
    return facts;
  }

  /** `call_end` (3.0) as the PBX's summary of the whole call; stamps in seconds, times in seconds. */
  summary(d: OnlinePbxData): CallSummary | undefined {
    const group = textOf(d.call_uuid) ?? textOf(d.uuid);
    if (!group) return undefined;
    const seconds = (v: unknown): number | undefined => {
      const n = Number(v);
      return v === undefined || v === null || v === '' || !Number.isFinite(n) || n < 0 ? undefined : Math.round(n * 1000);
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

  private groupOf(call: Call, callUuid: string | undefined): string {
    const known = this.channels.get(call.callId);
    const parties = `${call.from ?? ''}\n${call.to ?? ''}`;
    const group = known?.group ?? callUuid ?? (call.from && call.to ? this.byParties.get(parties) : undefined) ?? call.callId;
    if (call.state === 'ended') {
      this.channels.delete(call.callId);
      if (this.byParties.get(parties) === group && ![...this.channels.values()].some((c) => c.group === group)) {
        this.byParties.delete(parties);
      }
      return group;
    }
    if (!known) {
      if (this.channels.size >= MAX_CHANNELS) this.channels.delete(this.channels.keys().next().value as string);
      this.channels.set(call.callId, { group, parties });
      if (call.from && call.to && !this.byParties.has(parties)) this.byParties.set(parties, group);
    }
    return group;
  }

  /** The whole call's direction by whose numbers it connects; undefined when the users are not known. */
  private directionOf(call: Call): Call['direction'] {
    const fromUser = call.from !== undefined && this.users.has(call.from);
    const toUser = call.to !== undefined && this.users.has(call.to);
    if (fromUser && toUser) return 'local';
    if (fromUser) return 'outbound';
    if (toUser) return 'inbound';
    return undefined;
  }
}
