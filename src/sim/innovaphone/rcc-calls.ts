import { randomBytes } from 'crypto';
import { Timers } from '../common/timers';
import type { RccSimClient, RccSimOptions, RccSimUser } from './rcc';
import { callAddFrame, callInfoFrame, callUpdateFrame, type Party, type SimCall, type SimLeg } from './rcc-frames';

/**
 * The calls of the simulated PBX as RCC sees them, and the reports of every change to the RCC
 * clients that watch: `CallInfo` to each user handle of the leg's user, `CallAdd` /
 * `CallUpdate` / `CallDel` to each client with the calls list [S1-RCC].
 *
 * Model: a PBX call has a caller and a callee; each end that is a local user has a leg (what
 * RCC reports). Leg states use the documented integer (phase + 128 outgoing + 256 hold + 512
 * held), counted from the PBX's side: a call the PBX offers to a phone is outgoing. The
 * signalling names follow `x-` (sent to the phone) / `r-` (received from it).
 */

const ADD_OFFSET = 100000;

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function partyOfUser(u: RccSimUser): Party {
  return { cn: u.cn, dn: u.dn, e164: u.e164, h323: u.h323 };
}

export class RccCalls {
  protected readonly users = new Map<string, RccSimUser>();
  protected readonly clients = new Set<RccSimClient>();
  protected readonly legs = new Map<number, SimLeg>();
  protected readonly timers = new Timers();
  protected readonly opts: Required<Omit<RccSimOptions, 'users' | 'firstHandle'>>;
  /** The next user handle a UserInitialize gets. */
  protected nextHandle: number;
  private nextLeg: number;

  constructor(opts: RccSimOptions = {}) {
    for (const u of opts.users ?? []) this.users.set(u.cn, { guid: hex(16), ...u });
    this.opts = {
      separateCallIds: opts.separateCallIds ?? false,
      autoAnswerMs: opts.autoAnswerMs ?? 0,
      userCallHangupMs: opts.userCallHangupMs ?? 0,
      callUpdateState: opts.callUpdateState ?? false,
      callsList: opts.callsList ?? true,
    };
    this.nextLeg = this.nextHandle = opts.firstHandle ?? 1;
  }

  /** The phone of leg `id` picks up. */
  answer(id: number): void {
    const leg = this.legs.get(id);
    if (!leg || leg.phase >= 5 || !leg.outgoing) return;
    this.setPhase(leg, 5, 'r-conn');
    this.connectFar(leg);
  }

  /** The phone of leg `id` hangs up (cause 16 unless given); the other end is cleared too. */
  hangup(id: number, cause = 16): void {
    const leg = this.legs.get(id);
    if (!leg) return;
    this.clearCall(leg.call, leg, 7, cause);
  }

  protected redirect(leg: SimLeg, dest: Party): void {
    const call = leg.call;
    const far = this.otherEnd(leg);
    this.dropLeg(leg, 'del');
    // The redirected end is replaced by the destination, which rings.
    if (leg.side === 'callee') call.callee = dest;
    else call.caller = dest;
    const target = dest.cn ? this.users.get(dest.cn) : undefined;
    if (far) {
      far.held = false;
      this.changed(far, 'transfer');
    }
    if (target) {
      const ringing = this.addLeg(call, target.cn, leg.side, true, 1, 'x-setup');
      this.setPhase(ringing, 4, 'r-alert');
    }
  }

  protected setHold(leg: SimLeg, on: boolean): void {
    if (leg.phase !== 5 || leg.hold === on) return;
    leg.hold = on;
    this.changed(leg, on ? 'hold' : 'retrieve');
    const far = this.otherEnd(leg);
    if (far) {
      far.held = on;
      this.changed(far, on ? 'hold' : 'retrieve');
    }
  }

  /** Disconnects every leg of `call`: `by` gets `byPhase` (6 cleared by the PBX/app, 7 by its phone). */
  protected clearCall(call: SimCall, by: SimLeg, byPhase: number, cause: number): void {
    for (const leg of [...call.legs]) {
      leg.cause = cause;
      const phase = leg === by ? byPhase : 6;
      this.setPhase(leg, phase, phase === 7 ? 'r-disc' : 'x-disc');
    }
    for (const leg of [...call.legs]) this.dropLeg(leg, 'del');
  }

  /**
   * After `leg` connected: the other end connects as well; for a UserCall (the caller's phone
   * rang first) the destination is called now. An outside caller needs nothing.
   */
  protected connectFar(leg: SimLeg): void {
    const call = leg.call;
    const far = this.otherEnd(leg);
    if (far) {
      if (far.phase < 5) this.setPhase(far, 5, far.outgoing ? 'r-conn' : 'x-conn');
      else this.changed(far, 'x-conn');
      return;
    }
    if (leg.side !== 'caller') return;
    const otherParty = call.callee;
    const user = otherParty.cn ? this.users.get(otherParty.cn) : undefined;
    if (!user) {
      // An outside number (or an unknown name) answers at once.
      this.changed(leg, 'x-conn');
      return;
    }
    const ringing = this.addLeg(call, user.cn, 'callee', true, 1, 'x-setup');
    this.setPhase(ringing, 4, 'r-alert');
    this.changed(leg, 'x-alert');
  }

  protected addLeg(
    call: SimCall,
    cn: string,
    side: 'caller' | 'callee',
    outgoing: boolean,
    phase: number,
    msg: string,
  ): SimLeg {
    const leg = this.createLeg(call, cn, side, outgoing, phase, msg);
    this.announce(leg);
    return leg;
  }

  protected createLeg(
    call: SimCall,
    cn: string,
    side: 'caller' | 'callee',
    outgoing: boolean,
    phase: number,
    msg: string,
  ): SimLeg {
    const leg: SimLeg = {
      id: this.nextLeg++,
      cn,
      call,
      side,
      phase,
      outgoing,
      hold: false,
      held: false,
      start: Date.now(),
      lastMsg: msg,
      callIdHex: hex(16),
    };
    call.legs.push(leg);
    this.legs.set(leg.id, leg);
    if (outgoing && phase < 5 && this.opts.autoAnswerMs > 0)
      this.timers.later(this.opts.autoAnswerMs, () => this.answer(leg.id));
    return leg;
  }

  /** Tells every interested client about a new leg. */
  protected announce(leg: SimLeg): void {
    for (const c of this.clients) {
      for (const [handle, h] of c.handles) if (h.cn === leg.cn) c.send(callInfoFrame(leg, handle, h.src, leg.lastMsg));
      if (c.callsList) this.sendAdd(c, leg);
    }
  }

  protected setPhase(leg: SimLeg, phase: number, msg: string): void {
    leg.phase = phase;
    this.changed(leg, msg);
    // A phone ringing makes the calling side hear it.
    if (phase === 4 && leg.side === 'callee') {
      const far = this.otherEnd(leg);
      if (far && far.phase < 4) this.setPhase(far, 4, far.outgoing ? 'r-alert' : 'x-alert');
    }
  }

  protected changed(leg: SimLeg, msg: string): void {
    leg.lastMsg = msg;
    for (const c of this.clients) {
      for (const [handle, h] of c.handles) if (h.cn === leg.cn) c.send(callInfoFrame(leg, handle, h.src, msg));
      if (c.callsList && c.added.has(leg.id)) c.send(this.callUpdate(leg, c.initSrc, msg));
    }
  }

  protected dropLeg(leg: SimLeg, msg: string): void {
    if (!this.legs.delete(leg.id)) return;
    const i = leg.call.legs.indexOf(leg);
    if (i >= 0) leg.call.legs.splice(i, 1);
    for (const c of this.clients) {
      for (const [handle, h] of c.handles) if (h.cn === leg.cn) c.send(callInfoFrame(leg, handle, h.src, msg));
      if (c.added.delete(leg.id)) c.send({ api: 'RCC', mt: 'CallDel', src: c.initSrc, call: this.addId(leg) });
    }
  }

  protected sendAdd(client: RccSimClient, leg: SimLeg): void {
    client.added.add(leg.id);
    client.send(callAddFrame(leg, this.users.get(leg.cn), client.initSrc, this.addId(leg)));
    client.send(this.callUpdate(leg, client.initSrc, leg.lastMsg));
  }

  private callUpdate(leg: SimLeg, src: unknown, msg: string): Record<string, unknown> {
    return callUpdateFrame(leg, this.users.get(leg.cn), src, msg, this.addId(leg), this.opts.callUpdateState === true);
  }

  private addId(leg: SimLeg): number {
    return this.opts.separateCallIds ? leg.id + ADD_OFFSET : leg.id;
  }

  protected otherEnd(leg: SimLeg): SimLeg | undefined {
    return leg.call.legs.find((l) => l !== leg && l.side !== leg.side);
  }
}
