import type { Call, CallRecord, CallSummary, PbxMessage } from '../model/types';

/**
 * How long a call whose PBX sends a summary (onlinePBX 3.0 `call_end`) waits for it after its
 * last leg ended: the summary follows the channels' ends on the wire (inferred from the
 * excerpt's order; a summary that comes first is kept until the legs end).
 */
const SUMMARY_WAIT_MS = 1000;
/**
 * How long a call waits, after a leg ended, when every leg it still has is stale (not reported
 * since a reconnect), before those legs count as ended during the outage: their ends were lost
 * on a protocol without a call snapshot (onlinePBX), and the PBX ends the other legs of a call
 * within moments of one leg (FreeSWITCH), so a live leg would have said so by then.
 */
const ORPHAN_WAIT_MS = 1000;
/** Calls whose legs never all end (an end missed during an outage) must not pile up. */
const MAX_OPEN = 10000;
/** Calls recorded lately, so a late second end event of one of them is no second record. */
const MAX_DONE = 1000;
/**
 * A PBX stamp further than this from the arrival of the frame that carried it means the PBX's
 * clock is not Node-RED's (a wrong time zone, an unsynchronised clock, a stale stamp): its
 * stamps would turn the difference into ring or talk time, so that call is timed by arrival.
 */
const MAX_SKEW_MS = 5 * 60 * 1000;

/** The times of a call on one clock. */
interface Times {
  startedAt?: number;
  answeredAt?: number;
  endedAt?: number;
}

interface OpenCall {
  /** The record's callId: the call id of its first leg, the one flows saw first. */
  id: string;
  group: string;
  legs: Set<string>;
  first: Call;
  /** The extensions its legs named, in order: the record takes the PBX side's. */
  extensions: string[];
  /** Arrival times (Node-RED's clock). */
  local: Times & { startedAt: number };
  /** The PBX's own stamps, where its frames carry them (CallFacts, `message.at`, the summary). */
  pbx: Times;
  /** A PBX stamp was too far from its arrival: this call is timed by arrival alone. */
  skewed: boolean;
  /** Legs ended for an outage are being fed back: their ends were the call's last report. */
  endingOrphans: boolean;
  direction?: Call['direction'];
  inbound: boolean;
  outbound: boolean;
  cause?: string;
  resync: boolean;
  awaitSummary: boolean;
  summary?: CallSummary;
  raw: unknown;
  timer?: NodeJS.Timeout;
  orphanTimer?: NodeJS.Timeout;
}

/** What the records ask of the store about legs whose end may have been lost in an outage. */
export interface OrphanLegs {
  /** The leg has not been reported since the connection came back. */
  isStale(legId: string): boolean;
  /** End these legs (one `ended` each at `at`, as if reported with `event`/`raw`), feeding `leg()` back. */
  end(legIds: string[], event: string, raw: unknown, at: number | undefined): void;
}

/**
 * Folds the call legs the connection reports into one record per call: legs that share a
 * group (the vendor's id of the whole call) are one call, which ends when its last leg ends.
 * All times of one record come from one clock, or the difference between two clocks becomes
 * ring or talk time (a stamp an hour off gives an hour of ringing): the PBX's where it stamps
 * both the call's start and its end (onlinePBX 3.0's `call_end`), arrival times otherwise
 * (onlinePBX 2.0 stamps starts and answers, never ends; Vodia and innovaphone stamp nothing).
 * A PBX stamp more than MAX_SKEW_MS from its arrival is not used for that call.
 */
export class CallRecords {
  private readonly open = new Map<string, OpenCall>();
  private readonly groupOfLeg = new Map<string, string>();
  private readonly done = new Set<string>();

  constructor(
    private readonly output: (record: CallRecord, raw: unknown) => void,
    private readonly orphans?: OrphanLegs,
  ) {}

  /** A call leg's report, after the store applied it. */
  leg(message: PbxMessage<Call>, now: number): void {
    const leg = message.payload;
    const facts = message.call;
    const group = this.groupOfLeg.get(leg.callId) ?? facts?.group ?? leg.callId;
    const ended = leg.state === 'ended';
    let call = this.open.get(group);
    if (!call) {
      // A late end of a call already recorded (one call, several end events).
      if (ended && (this.done.has(group) || this.done.has(leg.callId))) return;
      call = this.start(group, leg, now, message.raw);
      this.stamp(call, 'startedAt', facts?.startedAt ?? (leg.state === 'ringing' ? message.at : undefined), now);
    }
    clearTimeout(call.orphanTimer);
    if (facts?.direction) call.direction = facts.direction;
    if (facts?.summary) call.awaitSummary = true;
    if (leg.direction === 'inbound') call.inbound = true;
    else if (leg.direction === 'outbound') call.outbound = true;
    call.raw = message.raw;
    // The parties of the call as its first leg named them, completed by later reports.
    namePartiesOf(call.first, leg);
    if (leg.extension !== undefined && !call.extensions.includes(leg.extension)) call.extensions.push(leg.extension);
    if ((leg.state === 'connected' || leg.state === 'held') && call.local.answeredAt === undefined) {
      call.local.answeredAt = now;
      this.stamp(call, 'answeredAt', facts?.answeredAt ?? message.at, now);
    }
    if (!ended) {
      call.legs.add(leg.callId);
      this.groupOfLeg.set(leg.callId, group);
      return;
    }
    call.legs.delete(leg.callId);
    this.groupOfLeg.delete(leg.callId);
    if (leg.cause !== undefined) call.cause = leg.cause;
    if (message.resync) call.resync = true;
    if (!call.endingOrphans) {
      call.local.endedAt = now;
      this.stamp(call, 'endedAt', message.at, now);
    }
    if (call.legs.size === 0) this.settle(call);
    else if (this.orphans && [...call.legs].every((id) => this.orphans?.isStale(id)))
      this.awaitOrphans(call, message.event);
  }

  /** The PBX's summary of a call (it may come before or after the ends of its legs). */
  summary(summary: CallSummary, raw: unknown): void {
    const call = this.open.get(summary.group);
    if (!call) return;
    call.summary = summary;
    call.raw = raw;
    if (call.legs.size === 0) this.finish(call);
  }

  /** The connection is closed for good: no timer outlives it. */
  stop(): void {
    for (const call of this.open.values()) {
      clearTimeout(call.timer);
      clearTimeout(call.orphanTimer);
    }
    this.open.clear();
    this.groupOfLeg.clear();
  }

  /** A PBX stamp of `key`, carried by a frame that arrived at `arrival`: the first start and answer, the last end. */
  private stamp(call: OpenCall, key: keyof Times, at: number | undefined, arrival: number): void {
    if (at === undefined) return;
    if (Math.abs(at - arrival) > MAX_SKEW_MS) call.skewed = true;
    if (key === 'endedAt' || call.pbx[key] === undefined) call.pbx[key] = at;
  }

  private start(group: string, leg: Call, arrival: number, raw: unknown): OpenCall {
    if (this.open.size >= MAX_OPEN) {
      const oldest = this.open.values().next().value as OpenCall;
      this.forget(oldest);
    }
    this.done.delete(group);
    const call: OpenCall = {
      id: leg.callId,
      group,
      legs: new Set(),
      first: { ...leg },
      extensions: [],
      local: { startedAt: arrival },
      pbx: {},
      skewed: false,
      endingOrphans: false,
      inbound: false,
      outbound: false,
      resync: false,
      awaitSummary: false,
      raw,
    };
    this.open.set(group, call);
    return call;
  }

  private settle(call: OpenCall): void {
    if (!call.awaitSummary || call.summary) return this.finish(call);
    clearTimeout(call.timer);
    call.timer = setTimeout(() => this.finish(call), SUMMARY_WAIT_MS);
    call.timer.unref();
  }

  /**
   * The rest of the call is legs not heard of since the reconnect: unless one of them reports
   * within ORPHAN_WAIT_MS, they ended during the outage. They end (one `ended` each) and the
   * call gets its one record; its end time is that of its last reported leg, so the record is
   * not marked `endedWhileDisconnected` (the call itself ended while connected).
   */
  private awaitOrphans(call: OpenCall, event: string): void {
    const orphans = this.orphans;
    if (!orphans) return;
    call.orphanTimer = setTimeout(() => {
      // A leg confirmed meanwhile (a resync snapshot that changed nothing) keeps the call going.
      if (this.open.get(call.group) !== call || ![...call.legs].every((id) => orphans.isStale(id))) return;
      call.endingOrphans = true;
      orphans.end([...call.legs], event, call.raw, call.local.endedAt);
      call.endingOrphans = false;
      // A leg the store no longer holds cannot be ended there: the record goes out regardless.
      if (this.open.get(call.group) === call) {
        for (const id of call.legs) this.groupOfLeg.delete(id);
        call.legs.clear();
        this.settle(call);
      }
    }, ORPHAN_WAIT_MS);
    call.orphanTimer.unref();
  }

  private finish(call: OpenCall): void {
    if (this.open.get(call.group) !== call) return;
    this.forget(call);
    for (const id of [call.group, call.id]) {
      this.done.delete(id);
      this.done.add(id);
    }
    while (this.done.size > MAX_DONE) this.done.delete(this.done.values().next().value as string);
    this.output(recordOf(call), call.raw);
  }

  private forget(call: OpenCall): void {
    clearTimeout(call.timer);
    clearTimeout(call.orphanTimer);
    this.open.delete(call.group);
    for (const leg of call.legs) this.groupOfLeg.delete(leg);
  }
}

/**
 * The record's times, all on one clock: the PBX's when it stamped the call's start and end (its
 * summary's pair wins as a whole) and no stamp of the call was skewed, arrival times otherwise.
 * An answer the PBX did not stamp is placed on its clock by the offset between the two clocks
 * at the end of the call.
 */
function timesOf(call: OpenCall): Pick<CallRecord, 'startedAt' | 'answeredAt' | 'endedAt' | 'clock'> {
  const s = call.summary;
  const pbx: Times = { ...call.pbx };
  if (s?.startedAt !== undefined && s.endedAt !== undefined) {
    pbx.startedAt = s.startedAt;
    pbx.endedAt = s.endedAt;
    // Its talk time is in whole seconds: a shorter answered call still counts as answered.
    if (s.talkMs) pbx.answeredAt = s.endedAt - s.talkMs;
  }
  const local = call.local;
  const localEnd = local.endedAt ?? local.startedAt;
  // The PBX's end, against the arrival of the call's last end (its summary follows within moments).
  const skewed = call.skewed || (pbx.endedAt !== undefined && Math.abs(pbx.endedAt - localEnd) > MAX_SKEW_MS);
  if (!skewed && pbx.startedAt !== undefined && pbx.endedAt !== undefined) {
    let answeredAt = pbx.answeredAt;
    if (answeredAt === undefined && local.answeredAt !== undefined)
      answeredAt = local.answeredAt + (pbx.endedAt - localEnd);
    return { startedAt: pbx.startedAt, answeredAt, endedAt: pbx.endedAt, clock: 'pbx' };
  }
  const answeredAt = local.answeredAt ?? (s?.talkMs ? localEnd - s.talkMs : undefined);
  return { startedAt: local.startedAt, answeredAt, endedAt: localEnd, clock: 'local' };
}

function recordOf(call: OpenCall): CallRecord {
  const s = call.summary;
  const times = timesOf(call);
  const startedAt = times.startedAt;
  const endedAt = Math.max(times.endedAt, startedAt);
  let answeredAt = times.answeredAt;
  if (answeredAt !== undefined) answeredAt = Math.min(Math.max(answeredAt, startedAt), endedAt);
  const direction = s?.direction ?? call.direction ?? (call.inbound && call.outbound ? 'local' : call.first.direction);
  const cause = s?.cause ?? call.cause;
  // Built in the documented key order, so a debug sidebar or a CSV reads the same for every vendor.
  const record = { callId: call.id } as CallRecord;
  if (direction) record.direction = direction;
  if (call.first.from !== undefined) record.from = call.first.from;
  if (call.first.to !== undefined) record.to = call.first.to;
  const { fromName, toName, fromContact, toContact } = call.first;
  if (fromName !== undefined) record.fromName = fromName;
  if (toName !== undefined) record.toName = toName;
  if (fromContact !== undefined) record.fromContact = fromContact;
  if (toContact !== undefined) record.toContact = toContact;
  const extension = pbxSide(call.extensions, direction, call.first);
  if (extension !== undefined) record.extension = extension;
  record.startedAt = startedAt;
  if (answeredAt !== undefined) record.answeredAt = answeredAt;
  record.endedAt = endedAt;
  record.ringMs = (answeredAt ?? endedAt) - startedAt;
  record.talkMs = answeredAt === undefined ? 0 : endedAt - answeredAt;
  record.durationMs = endedAt - startedAt;
  record.answered = answeredAt !== undefined;
  record.missed = direction === 'inbound' && !record.answered;
  if (cause !== undefined) record.cause = cause;
  if (call.resync) record.endedWhileDisconnected = true;
  record.clock = times.clock;
  return record;
}

/**
 * Completes the call's parties from a later leg: a party still unknown takes the leg's number and
 * name together; a known party takes a name the leg has for the same number (a name learned after
 * the call began, or a leg that reports the other party's name where the first did not).
 */
function namePartiesOf(first: Call, leg: Call): void {
  if (first.from === undefined && leg.from !== undefined) first.from = leg.from;
  if (first.to === undefined && leg.to !== undefined) first.to = leg.to;
  if (first.from === leg.from) {
    first.fromName ??= leg.fromName;
    first.fromContact ??= leg.fromContact;
  }
  if (first.to === leg.to) {
    first.toName ??= leg.toName;
    first.toContact ??= leg.toContact;
  }
}

/**
 * The extension of the PBX's own party: a trunk leg is named by the outside number (onlinePBX
 * `endpoint` of a gateway channel), which is the caller of an inbound and the callee of an
 * outbound call, so a leg naming that number gives way to one of the PBX's own users.
 */
function pbxSide(extensions: string[], direction: Call['direction'] | undefined, first: Call): string | undefined {
  const outside = direction === 'inbound' ? first.from : direction === 'outbound' ? first.to : undefined;
  return extensions.find((e) => e !== outside) ?? extensions[0];
}
