import { normalState, stateAfterMsg, withPhase } from './call-state';
import { partyNameOf, partyOf, payloadOf, type Leg, type RccCallPayload } from './call-leg';
import type { RccMessage } from './messages';
import { integerOf, textOf } from '../../common/values';

/** Calls whose end was never reported (a missed `del`) must not pile up forever. */
const MAX_LEGS = 10000;

export interface CallUpdateResult {
  /** The leg's payload when its normalized state changed, to be emitted. */
  payload?: RccCallPayload;
  /** The leg's current call id, when the message belonged to a known or new leg. */
  callId?: string;
}

function isDel(msg: RccMessage): boolean {
  return msg.msg === 'del' || msg.del === true;
}

/**
 * The calls in progress, one leg per user and call, folded into the normalized lifecycle
 * (ringing -> connected <-> held -> ended). A report goes out when the normalized state changes.
 * After a reconnect the legs are kept as stale until the PBX lists them again; `sweep` ends the
 * ones it did not list (they ended while the socket was down).
 */
export class CallTable {
  private readonly legs = new Map<string, Leg>();
  private readonly byHandle = new Map<number, Leg>();
  private readonly byAdd = new Map<number, Leg>();
  /** UserCalls under way per user handle: new legs of that user are theirs, in order. */
  private readonly originating = new Map<number, string[]>();
  /** UserCall results whose leg has not shown up yet. */
  private readonly expected = new Map<number, string>();

  constructor(
    /** The user's own number for a cn (from the user table), for `from`/`to`/`extension`. */
    private readonly ownNumber: (cn: string) => string | undefined,
  ) {}

  get size(): number {
    return this.legs.size;
  }

  /** The CallInfo handle (for User* requests) and the CallAdd id of a call, on this socket. */
  idsOf(callId: string): { handle?: number; addId?: number; cn?: string; state: number } | undefined {
    const leg = this.legs.get(callId);
    return leg && { handle: leg.handle, addId: leg.addId, cn: leg.cn, state: leg.state };
  }

  /** A call's payload as last reported, with the parties known by now. */
  current(callId: string): RccCallPayload | undefined {
    const leg = this.legs.get(callId);
    return leg && leg.reported ? payloadOf(leg, this.ownNumber) : undefined;
  }

  /** The call id of the leg with this CallInfo handle. */
  callIdOfHandle(handle: number): string | undefined {
    return this.byHandle.get(handle)?.callId;
  }

  beginOriginate(userHandle: number, dialled: string): void {
    const list = this.originating.get(userHandle);
    if (list) list.push(dialled);
    else this.originating.set(userHandle, [dialled]);
  }

  /** The UserCall answered (`handle`) or failed (`undefined`). */
  endOriginate(userHandle: number, dialled: string, handle: number | undefined): void {
    const list = this.originating.get(userHandle);
    const i = list ? list.indexOf(dialled) : -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      if (!list.length) this.originating.delete(userHandle);
    }
    if (handle === undefined) return;
    const leg = this.byHandle.get(handle);
    if (!leg) {
      this.expected.set(handle, dialled);
      return;
    }
    leg.originated = true;
    leg.dialled ??= dialled;
  }

  /** `CallInfo` for a user of ours (`cn`, `userHandle` from UserInitialize). */
  applyCallInfo(msg: RccMessage, cn: string | undefined, userHandle: number | undefined): CallUpdateResult {
    const h = integerOf(msg.call);
    if (h === undefined) return {};
    const conf = textOf(msg.conf);
    let leg = this.byHandle.get(h);
    if (leg?.ended && !isDel(msg)) {
      // The handle is in use again after a call that ended without its `del`.
      this.remove(leg);
      leg = undefined;
    }
    if (!leg) {
      if (isDel(msg)) return {};
      const same = this.byAdd.get(h);
      if (same && same.handle === undefined && same.cn === cn && !conflict(same.conf, conf)) leg = same;
      else
        leg = this.adopt(
          cn,
          conf,
          (l) => l.handle === undefined,
          (l) => l.oldHandle === h,
        );
      if (!leg) leg = this.create(h, cn, conf);
      leg.handle = h;
      this.byHandle.set(h, leg);
      if (userHandle !== undefined && !leg.originated) this.claimOriginate(leg, userHandle);
    }
    leg.stale = false;
    if (userHandle !== undefined) leg.userHandle = userHandle;
    if (conf) leg.conf = conf;
    if (cn) leg.cn = cn;
    const peer = partyOf(msg.peer);
    if (peer) leg.peer = peer;
    const peerName = partyNameOf(msg.peer);
    if (peerName) leg.peerName = peerName;
    this.takeCause(leg, msg.info);
    if (isDel(msg)) return this.finish(leg);
    const state = integerOf(msg.state) ?? stateAfterMsg(leg.state, msg.msg);
    if (state !== undefined) leg.state = state;
    return this.report(leg);
  }

  /** `CallAdd` (Initialize with `calls:true`): a user's leg of a PBX call. */
  applyCallAdd(msg: RccMessage): CallUpdateResult {
    const a = integerOf(msg.call);
    if (a === undefined) return {};
    const cn = textOf(msg.cn);
    const conf = textOf(msg['conf-id']);
    let leg = this.byAdd.get(a);
    if (leg?.ended) {
      this.remove(leg);
      leg = undefined;
    }
    if (!leg) {
      const same = this.byHandle.get(a);
      if (same && same.addId === undefined && same.cn === cn && !conflict(same.conf, conf)) leg = same;
      else
        leg = this.adopt(
          cn,
          conf,
          (l) => l.addId === undefined,
          (l) => l.oldAddId === a,
        );
      if (!leg) leg = this.create(a, cn, conf);
      leg.addId = a;
      this.byAdd.set(a, leg);
    }
    leg.stale = false;
    if (cn) leg.cn = cn;
    if (conf) leg.conf = conf;
    const state = integerOf(msg.state);
    if (state !== undefined) leg.state = state;
    return this.report(leg);
  }

  /** `CallUpdate`: `msg`, `local`, `remote`; a `state`, where the PBX sends one, wins over `msg`. */
  applyCallUpdate(msg: RccMessage): CallUpdateResult {
    const a = integerOf(msg.call);
    const leg = a === undefined ? undefined : this.byAdd.get(a);
    if (!leg) return {};
    if (leg.ended) return { callId: leg.callId };
    const own = partyOf(msg.local);
    if (own) leg.own = own;
    const peer = partyOf(msg.remote);
    if (peer) leg.peer = peer;
    const ownName = partyNameOf(msg.local);
    if (ownName) leg.ownName = ownName;
    const peerName = partyNameOf(msg.remote);
    if (peerName) leg.peerName = peerName;
    this.takeCause(leg, msg.info);
    const state = integerOf(msg.state) ?? stateAfterMsg(leg.state, msg.msg);
    if (state !== undefined) leg.state = state;
    return this.report(leg);
  }

  applyCallDel(msg: RccMessage): CallUpdateResult {
    const a = integerOf(msg.call);
    const leg = a === undefined ? undefined : this.byAdd.get(a);
    return leg ? this.finish(leg) : {};
  }

  /**
   * The socket is gone: ids die with it. Ended legs are forgotten, the others wait as stale
   * legs for the PBX to list them again after the reconnect.
   */
  suspend(): void {
    for (const leg of [...this.legs.values()]) {
      if (leg.ended) {
        this.remove(leg);
        continue;
      }
      leg.stale = true;
      if (leg.handle !== undefined) leg.oldHandle = leg.handle;
      if (leg.addId !== undefined) leg.oldAddId = leg.addId;
      leg.handle = undefined;
      leg.addId = undefined;
      leg.userHandle = undefined;
    }
    this.byHandle.clear();
    this.byAdd.clear();
    this.originating.clear();
    this.expected.clear();
  }

  /** The legs in progress as last reported: after a resync, what the PBX listed again. */
  listed(): RccCallPayload[] {
    const out: RccCallPayload[] = [];
    for (const leg of this.legs.values())
      if (!leg.stale && leg.reported && leg.reported !== 'ended') out.push(payloadOf(leg, this.ownNumber));
    return out;
  }

  /** Ends every leg the PBX did not list again since `suspend`: they ended while we were away. */
  sweep(): RccCallPayload[] {
    const gone: RccCallPayload[] = [];
    for (const leg of [...this.legs.values()]) {
      if (!leg.stale) continue;
      this.remove(leg);
      if (!leg.reported || leg.reported === 'ended') continue;
      leg.state = withPhase(leg.state, 7);
      leg.reported = 'ended';
      gone.push(payloadOf(leg, this.ownNumber));
    }
    return gone;
  }

  private adopt(
    cn: string | undefined,
    conf: string | undefined,
    free: (l: Leg) => boolean,
    sameOldId: (l: Leg) => boolean,
  ): Leg | undefined {
    if (!cn) return undefined;
    for (const leg of this.legs.values()) {
      if (leg.ended || leg.cn !== cn || !free(leg)) continue;
      if (conf && leg.conf === conf) return leg;
      if (leg.stale && sameOldId(leg) && !conflict(leg.conf, conf)) return leg;
    }
    return undefined;
  }

  private create(id: number, cn: string | undefined, conf: string | undefined): Leg {
    let callId = String(id);
    // Two id spaces may hand out the same number for different legs: keep call ids unique.
    for (let n = 2; this.legs.has(callId); n++) callId = `${id}.${n}`;
    if (this.legs.size >= MAX_LEGS) {
      const oldest = this.legs.values().next().value;
      if (oldest) this.remove(oldest);
    }
    const leg: Leg = { callId, cn, conf, state: 0, originated: false, stale: false, ended: false };
    this.legs.set(callId, leg);
    return leg;
  }

  private claimOriginate(leg: Leg, userHandle: number): void {
    const expected = leg.handle === undefined ? undefined : this.expected.get(leg.handle);
    if (expected !== undefined) {
      this.expected.delete(leg.handle as number);
      leg.originated = true;
      leg.dialled = expected;
      return;
    }
    const list = this.originating.get(userHandle);
    if (!list || !list.length) return;
    leg.originated = true;
    leg.dialled = list.shift();
    if (!list.length) this.originating.delete(userHandle);
  }

  private takeCause(leg: Leg, info: unknown): void {
    if (!Array.isArray(info)) return;
    for (const item of info) {
      if (!item || typeof item !== 'object' || (item as Record<string, unknown>).type !== 'cause') continue;
      const i = item as Record<string, unknown>;
      const code = integerOf(i.vali);
      leg.causeCode = code;
      leg.cause = textOf(i.vals) ?? (code === undefined ? undefined : String(code));
    }
  }

  private finish(leg: Leg): CallUpdateResult {
    this.remove(leg);
    if (!leg.reported || leg.reported === 'ended') return { callId: leg.callId };
    if (normalState(leg.state) !== 'ended') leg.state = withPhase(leg.state, 7);
    leg.reported = 'ended';
    return { callId: leg.callId, payload: payloadOf(leg, this.ownNumber) };
  }

  private report(leg: Leg): CallUpdateResult {
    const state = normalState(leg.state);
    if (state === 'ended') leg.ended = true;
    if (state === leg.reported) return { callId: leg.callId };
    // A leg first seen after its end began nothing a flow saw: nothing to report.
    if (state === 'ended' && !leg.reported) return { callId: leg.callId };
    leg.reported = state;
    return { callId: leg.callId, payload: payloadOf(leg, this.ownNumber) };
  }

  private remove(leg: Leg): void {
    if (this.legs.get(leg.callId) === leg) this.legs.delete(leg.callId);
    if (leg.handle !== undefined && this.byHandle.get(leg.handle) === leg) this.byHandle.delete(leg.handle);
    if (leg.addId !== undefined && this.byAdd.get(leg.addId) === leg) this.byAdd.delete(leg.addId);
    leg.ended = true;
  }
}

function conflict(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a !== b;
}
