import { integerOf, paramTextOf } from '../../protocols/common/values';
import { hex, partyOfUser, RccCalls } from './rcc-calls';
import {
  callInfoFrame,
  legState,
  partyText,
  peerOf,
  userInfoFrame,
  type Party,
  type SimCall,
  type SimLeg,
} from './rcc-frames';

/**
 * The RCC API of the simulated PBX [S1-RCC][S8-RCC billboard copy][S1 soap.htm], as a pure
 * handler: the innovaphone simulator mounts it for `"api":"RCC"` frames with one `RccSimClient`
 * per logged-in socket (`connect(send)`, then `handle(msg)` per frame, `close()` when it goes).
 *
 * The calls and their legs are kept in `RccCalls` (`rcc-calls.ts`); this class adds the
 * scripting API of tests and demo and answers the requests.
 *
 * Assumptions where the documents are silent (?):
 * - `CallUpdate` carries `msg`, `local`, `remote` as documented; `callUpdateState` adds the
 *   `state` a PBX may send as well. Hold and retrieve are signalled with the messages `hold` and
 *   `retrieve`, transfers with `transfer` (their real names are not documented).
 * - Calls in progress are listed to a new `Initialize {calls:true}` as `CallAdd` before
 *   `InitializeResult`, and to a new `UserInitialize` as `CallInfo` right after its result.
 * - A request with an unknown `mt`, or one naming an unknown call, is answered with
 *   `<mt>Result {error}` (documented only for UserRedirect/UserReroute).
 */

export interface RccSimUser {
  cn: string;
  dn?: string;
  h323?: string;
  e164?: string;
  guid?: string;
  hw?: string[];
  pseudo?: string;
}

export interface RccSimOptions {
  users?: RccSimUser[];
  /** `CallAdd` ids in their own id space (CallInfo handle + 100000) instead of the same one. */
  separateCallIds?: boolean;
  /** A ringing phone answers by itself after this long (0: only when told). */
  autoAnswerMs?: number;
  /** A `UserCall` hangs up by itself this long after it rang (0: only when told); the demo's calls end. */
  userCallHangupMs?: number;
  /** Whether `CallUpdate` carries `state` (off: as documented, `msg` only). */
  callUpdateState?: boolean;
  /** Whether `Initialize {calls:true}` is honoured (an App object on a PBX that offers it). */
  callsList?: boolean;
  /** The first user and call handle (1; a PBX may count from 0). */
  firstHandle?: number;
}

type Send = (msg: Record<string, unknown>) => void;

interface UserHandle {
  cn: string;
  src: unknown;
}

export class RccSimClient {
  /** Initialize seen: user updates go here. */
  initialized = false;
  initSrc: unknown;
  /** Initialize had `calls:true` (and the PBX honours it). */
  callsList = false;
  readonly handles = new Map<number, UserHandle>();
  /** Legs this client got a CallAdd for. */
  readonly added = new Set<number>();

  constructor(
    private readonly sim: RccSim,
    readonly send: Send,
  ) {}

  handle(msg: Record<string, unknown>): void {
    this.sim.onRequest(this, msg);
  }

  close(): void {
    this.sim.disconnect(this);
  }
}

export class RccSim extends RccCalls {
  /** Every RCC request received, in order, as sent. */
  readonly received: Record<string, unknown>[] = [];
  /** DTMF digits sent with UserDTMF: `{call, dtmf, recv}`. */
  readonly dtmf: Array<{ call: number; dtmf: string; recv: boolean }> = [];

  connect(send: Send): RccSimClient {
    const client = new RccSimClient(this, send);
    this.clients.add(client);
    return client;
  }

  /** Clears the timers of scripted calls. Calls and users stay. */
  stop(): void {
    this.timers.clear();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The legs in progress, as the PBX sees them. */
  calls(): Array<{ id: number; cn: string; state: number; conf: string; side: string; peer: string | undefined }> {
    return [...this.legs.values()].map((l) => ({
      id: l.id,
      cn: l.cn,
      state: legState(l),
      conf: l.call.conf,
      side: l.side,
      peer: partyText(peerOf(l)),
    }));
  }

  leg(id: number): SimLeg | undefined {
    return this.legs.get(id);
  }

  /** The ringing legs of user `cn`, newest last. */
  ringingLegs(cn: string): SimLeg[] {
    return [...this.legs.values()].filter((l) => l.cn === cn && l.phase < 5);
  }

  addUser(user: RccSimUser): void {
    const known = this.users.has(user.cn);
    const u = { guid: this.users.get(user.cn)?.guid ?? hex(16), ...user };
    this.users.set(u.cn, u);
    for (const c of this.clients) if (c.initialized) c.send(userInfoFrame(u, c.initSrc, known ? 'upd' : 'add'));
  }

  removeUser(cn: string): void {
    const u = this.users.get(cn);
    if (!u) return;
    this.users.delete(cn);
    for (const c of this.clients) if (c.initialized) c.send(userInfoFrame(u, c.initSrc, 'del'));
  }

  /**
   * A call from `from` (a local user's cn, or an outside number) to user `to`: the callee's phone
   * rings. Returns the callee's leg id (its CallInfo handle).
   */
  incomingCall(opts: { from: string; to: string; fromName?: string }): number {
    const callee = this.users.get(opts.to);
    if (!callee) throw new Error(`rcc sim: no user ${opts.to}`);
    const local = this.users.get(opts.from);
    const caller: Party = local ? partyOfUser(local) : { e164: opts.from, dn: opts.fromName };
    const call: SimCall = { conf: hex(16), caller, callee: partyOfUser(callee), legs: [] };
    if (local) this.addLeg(call, local.cn, 'caller', false, 1, 'r-setup');
    const leg = this.addLeg(call, callee.cn, 'callee', true, 1, 'x-setup');
    this.setPhase(leg, 4, 'r-alert');
    return leg.id;
  }

  /** A demo call: rings `ringMs`, talks `talkMs`, then the callee hangs up. */
  playCall(opts: { from: string; to: string; fromName?: string }, ringMs: number, talkMs: number): number {
    const id = this.incomingCall(opts);
    this.timers.later(ringMs, () => {
      const leg = this.legs.get(id);
      if (!leg || leg.phase >= 5) return;
      this.answer(id);
      this.timers.later(talkMs, () => this.hangup(id));
    });
    return id;
  }

  /** @internal the entry point of `RccSimClient.handle`. */
  onRequest(client: RccSimClient, msg: Record<string, unknown>): void {
    if (!this.clients.has(client)) return;
    this.received.push(msg);
    const mt = String(msg.mt ?? '');
    const reply = (fields: Record<string, unknown> = {}) =>
      client.send({ api: 'RCC', mt: `${mt}Result`, src: msg.src, ...fields });
    switch (mt) {
      case 'Initialize':
        return this.onInitialize(client, msg, reply);
      case 'UserInitialize':
        return this.onUserInitialize(client, msg, reply);
      case 'UserEnd':
        client.handles.delete(integerOf(msg.user) ?? -1);
        return reply();
      case 'Devices': {
        const u = this.users.get(String(msg.cn ?? ''));
        return reply({ devices: (u?.hw ?? []).map((hw) => ({ hw, text: hw })) });
      }
      case 'UserCall':
        return this.onUserCall(client, msg, reply);
      default:
    }
    if (
      !mt.startsWith('User') ||
      !['Clear', 'Connect', 'Hold', 'Retrieve', 'Transfer', 'Redirect', 'Pickup', 'DTMF'].includes(mt.slice(4))
    ) {
      return reply({ error: `unknown message ${mt}` });
    }
    if (mt === 'UserPickup') return this.onPickup(client, msg, reply);
    if (mt === 'UserTransfer') return this.onTransfer(msg, reply);
    const leg = this.legs.get(integerOf(msg.call) ?? -1);
    if (!leg) return reply({ error: 'unknown call' });
    switch (mt) {
      case 'UserClear':
        this.clearCall(leg.call, leg, 6, integerOf(msg.cause) ?? 16);
        return reply();
      case 'UserConnect':
        reply();
        return this.answer(leg.id);
      case 'UserHold':
        reply();
        return this.setHold(leg, true);
      case 'UserRetrieve':
        reply();
        return this.setHold(leg, false);
      case 'UserRedirect': {
        const dest = this.partyOfRequest(msg);
        if (!dest) return reply({ error: 'no destination' });
        reply();
        return this.redirect(leg, dest);
      }
      default:
        this.dtmf.push({ call: leg.id, dtmf: String(msg.dtmf ?? ''), recv: msg.recv === true });
        return reply();
    }
  }

  /** @internal */
  disconnect(client: RccSimClient): void {
    this.clients.delete(client);
  }

  private onInitialize(
    client: RccSimClient,
    msg: Record<string, unknown>,
    reply: (f?: Record<string, unknown>) => void,
  ): void {
    client.initialized = true;
    client.initSrc = msg.src;
    client.callsList = msg.calls === true && this.opts.callsList;
    client.added.clear();
    for (const u of this.users.values()) client.send(userInfoFrame(u, msg.src));
    if (client.callsList) for (const leg of this.legs.values()) this.sendAdd(client, leg);
    reply();
  }

  private onUserInitialize(
    client: RccSimClient,
    msg: Record<string, unknown>,
    reply: (f?: Record<string, unknown>) => void,
  ): void {
    const u = this.users.get(String(msg.cn ?? ''));
    if (!u) return reply();
    const handle = this.nextHandle++;
    client.handles.set(handle, { cn: u.cn, src: msg.src });
    reply({ user: handle, prefixIntl: '000', prefixNtl: '00', prefixSubs: '', area: '30', country: '49' });
    for (const leg of this.legs.values())
      if (leg.cn === u.cn) client.send(callInfoFrame(leg, handle, msg.src, leg.lastMsg));
  }

  /** The PBX rings the user's phone first; once it answers, it calls the destination. */
  private onUserCall(
    client: RccSimClient,
    msg: Record<string, unknown>,
    reply: (f?: Record<string, unknown>) => void,
  ): void {
    const owner = client.handles.get(integerOf(msg.user) ?? -1);
    const user = owner && this.users.get(owner.cn);
    if (!user) return reply({ error: 'unknown user' });
    const dest = this.partyOfRequest(msg);
    if (!dest) return reply({ error: 'no destination' });
    const call: SimCall = { conf: hex(16), caller: partyOfUser(user), callee: dest, legs: [] };
    const leg = this.createLeg(call, user.cn, 'caller', true, 1, 'x-setup');
    reply({ call: leg.id });
    this.announce(leg);
    this.setPhase(leg, 4, 'r-alert');
    if (this.opts.userCallHangupMs > 0) this.timers.later(this.opts.userCallHangupMs, () => this.hangup(leg.id));
  }

  private onPickup(
    client: RccSimClient,
    msg: Record<string, unknown>,
    reply: (f?: Record<string, unknown>) => void,
  ): void {
    const owner = client.handles.get(integerOf(msg.user) ?? -1);
    if (!owner) return reply({ error: 'unknown user' });
    const byCall = integerOf(msg.call);
    const target =
      byCall !== undefined
        ? this.legs.get(byCall)
        : this.ringingLegs(String(msg.cn ?? '')).find((l) => l.side === 'callee');
    if (!target || target.phase >= 5 || target.side !== 'callee') return reply({ error: 'no call to pick up' });
    const call = target.call;
    this.dropLeg(target, 'del');
    const picker = this.users.get(owner.cn);
    if (picker) call.callee = partyOfUser(picker);
    const leg = this.createLeg(call, owner.cn, 'callee', true, 5, 'r-conn');
    reply({ call: leg.id });
    this.announce(leg);
    this.connectFar(leg);
  }

  /** UserTransfer {a, b}: the user leaves both calls; their far ends talk to each other. */
  private onTransfer(msg: Record<string, unknown>, reply: (f?: Record<string, unknown>) => void): void {
    const a = this.legs.get(integerOf(msg.a) ?? -1);
    const b = this.legs.get(integerOf(msg.b) ?? -1);
    if (!a || !b || a === b || a.cn !== b.cn) return reply({ error: 'unknown call' });
    reply();
    const farA = this.otherEnd(a);
    const farB = this.otherEnd(b);
    const partyB = peerOf(b);
    this.dropLeg(a, 'del');
    this.dropLeg(b, 'del');
    // The far ends now share one call: the one of a, with b's far end moved in.
    const joined = a.call;
    if (a.side === 'caller') joined.caller = partyB;
    else joined.callee = partyB;
    if (farB) {
      const old = farB.call.legs.indexOf(farB);
      if (old >= 0) farB.call.legs.splice(old, 1);
      joined.legs.push(farB);
      farB.call = joined;
      farB.side = a.side;
    }
    for (const far of [farA, farB]) {
      if (!far) continue;
      far.hold = false;
      far.held = false;
      this.changed(far, 'transfer');
    }
  }

  /** `cn`, `h323` or `e164` of a request, resolved to a local user where one matches. */
  private partyOfRequest(msg: Record<string, unknown>): Party | undefined {
    const cn = paramTextOf(msg.cn);
    const h323 = paramTextOf(msg.h323);
    const e164 = paramTextOf(msg.e164);
    for (const u of this.users.values()) {
      if ((cn && u.cn === cn) || (h323 && u.h323 === h323) || (e164 && u.e164 === e164)) return partyOfUser(u);
    }
    if (cn) return undefined;
    if (h323) return { h323 };
    return e164 ? { e164 } : undefined;
  }
}
