import { randomUUID } from 'crypto';
import { Timers } from '../common/timers';
import type { Leg, PlayCall, SimCall } from './call-legs';
import { runCommand } from './commands';
import { DEFAULT_TRUNKS, DEFAULT_USERS, type SimTrunk, type SimUser } from './directory';

/**
 * The simulated onlinePBX itself, apart from any wire: users and their phones, trunks, calls
 * as FreeSWITCH channels, and what the 2.0 commands do (their checks are in `commands.ts`). It
 * reports what happens as events with their API 2.0 names and fields (the excerpt's examples);
 * the API 3.0 front renames them.
 */

export interface PbxEvent {
  name: string;
  data: Record<string, unknown>;
}

/** A command's outcome: `{status:true, data?, text?}` or `{status:false, text}` on the wire. */
export type CommandResult = { ok: true; data?: unknown; text?: string } | { ok: false; text: string };

export class SimPbx {
  readonly domain: string;
  readonly users = new Map<string, SimUser>();
  readonly trunks = new Map<string, SimTrunk>();
  /**
   * The caller ID names outside numbers arrive with (what a trunk delivers); an outside number
   * without one gets its number as `caller_name`, as onlinePBX sends it.
   */
  readonly callerNames = new Map<string, string>();
  /** `to` numbers whose calls are refused: make_call answers `CALL_REJECTED`. */
  readonly rejecting = new Set<string>();
  /** A make_call hangs up this long after it was answered (`null`: only when told); the demo's calls end. */
  makeCallHangupMs: number | null = null;
  /** How far the PBX's clock is from the machine's: every stamp it sends is off by this. */
  clockOffsetMs = 0;
  private readonly legs = new Map<string, Leg>();
  private readonly calls = new Set<SimCall>();
  private readonly listeners = new Set<(e: PbxEvent) => void>();
  private readonly timers = new Timers();

  constructor(options: { domain?: string; users?: SimUser[]; trunks?: SimTrunk[] } = {}) {
    this.domain = options.domain ?? 'demo.onpbx.ru';
    for (const u of options.users ?? DEFAULT_USERS) this.users.set(u.uid, { ...u });
    for (const t of options.trunks ?? DEFAULT_TRUNKS) this.trunks.set(t.extension, { ...t });
  }

  on(listener: (e: PbxEvent) => void): void {
    this.listeners.add(listener);
  }

  off(listener: (e: PbxEvent) => void): void {
    this.listeners.delete(listener);
  }

  /** Channels in progress (uuids). */
  get channels(): string[] {
    return [...this.legs.keys()];
  }

  /** The channels of the calls between these numbers (caller leg first), for tests. */
  legsOf(number: string): string[] {
    const out: string[] = [];
    for (const c of this.calls) {
      if (c.from === number || c.to === number) {
        out.push(c.a.uuid);
        if (c.b) out.push(c.b.uuid);
      }
    }
    return out;
  }

  stop(): void {
    this.timers.clear();
    for (const c of this.calls) for (const t of c.timers) clearTimeout(t);
    this.calls.clear();
    this.legs.clear();
  }

  emit(name: string, data: Record<string, unknown>): void {
    const e = { name, data };
    for (const l of this.listeners) l(e);
  }

  /** A phone registers or goes away: `registration` (2.0 states), and its lamp when it leaves. */
  setRegistration(uid: string, registered: boolean): void {
    const u = this.users.get(uid);
    if (!u) return;
    u.registered = registered;
    this.emit('registration', {
      uid: Number(uid),
      agent: u.agent,
      state: registered ? 'register' : 'unregister',
      ip: u.ip,
      port: u.port,
      expires: registered ? 3600 : 0,
    });
    if (!registered) this.blf(uid, 'unregistered', undefined, undefined, undefined);
  }

  /** The phone registers anew (a reboot, a flush): attempt, then registered. */
  reRegister(uid: string, afterMs = 30): void {
    const u = this.users.get(uid);
    if (!u) return;
    this.emit('registration', {
      uid,
      agent: u.agent,
      state: 'register_attempt',
      ip: u.ip,
      port: String(u.port),
      expires: '3600',
    });
    this.timers.later(afterMs, () => this.setRegistration(uid, true));
  }

  /** Plays a call: channels, answer, bridge, hangup, with lamps for the PBX's own users. */
  playCall(p: PlayCall): string {
    const id = p.uuid ?? randomUUID();
    // The caller's channel and the call refer to each other: the call is complete once `a` is set.
    const call = {
      id,
      from: p.from,
      to: p.to,
      listeners: [],
      started: this.now(),
      timers: new Set(),
      ended: false,
    } as unknown as SimCall;
    call.a = this.leg(call, id, 'inbound', p.from, p.from, p.to);
    this.calls.add(call);
    this.channelCreate(call.a);
    this.blf(p.from, 'ringing', 'out', p.to, call.a.uuid);
    call.b = this.leg(call, randomUUID(), 'outbound', p.to, p.from, p.to);
    this.channelCreate(call.b);
    this.blf(p.to, 'ringing', 'in', p.from, call.b.uuid);
    const answerAfter = p.answerAfterMs === undefined ? 50 : p.answerAfterMs;
    const hangupAfter = p.hangupAfterMs === undefined ? 200 : p.hangupAfterMs;
    if (answerAfter === null) {
      if (hangupAfter !== null) this.callLater(call, hangupAfter, () => this.endCall(call, p.cause ?? 'NO_ANSWER'));
    } else {
      this.callLater(call, answerAfter, () => {
        this.answer(call);
        if (hangupAfter !== null)
          this.callLater(call, hangupAfter, () => this.endCall(call, p.cause ?? 'NORMAL_CLEARING'));
      });
    }
    return call.a.uuid;
  }

  /** Hold or resume a channel (`channel_hold` / `channel_unhold`, lamp `hold` / `answered`). */
  hold(uuid: string, on: boolean): boolean {
    const leg = this.legs.get(uuid);
    if (!leg || !leg.answered || leg.held === on) return false;
    leg.held = on;
    this.emit(on ? 'channel_hold' : 'channel_unhold', {
      uuid,
      direction: leg.direction,
      created_stamp: leg.created,
      domain: this.domain,
      caller_number: leg.caller,
      caller_name: this.nameOf(leg.caller),
      destination_number: leg.destination,
    });
    this.blf(leg.number, on ? 'hold' : 'answered', leg.direction === 'inbound' ? 'out' : 'in', this.otherOf(leg), uuid);
    return true;
  }

  /** The 2.0 commands (subscribe is the front's: subscriptions belong to a socket). */
  command(name: string, p: Record<string, unknown>): CommandResult {
    return runCommand(this, name, p);
  }

  /** Runs `fn` on the next turn: a command's answer goes out first, its events follow. */
  soon(fn: () => void): void {
    this.timers.later(0, fn);
  }

  /** The PBX's clock. */
  private now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** A channel in progress. */
  channel(uuid: string): Leg | undefined {
    return this.legs.get(uuid);
  }

  private leg(
    call: SimCall,
    uuid: string,
    direction: Leg['direction'],
    number: string,
    caller: string,
    destination: string,
  ): Leg {
    const leg: Leg = {
      uuid,
      direction,
      number,
      caller,
      destination,
      created: this.now(),
      answered: false,
      held: false,
      call,
    };
    this.legs.set(uuid, leg);
    return leg;
  }

  private endpoint(number: string): string {
    return this.users.has(number) ? `${number}@${this.domain}` : number;
  }

  private nameOf(number: string): string {
    return this.users.get(number)?.name ?? this.callerNames.get(number) ?? number;
  }

  private otherOf(leg: Leg): string {
    return leg.direction === 'inbound' ? leg.destination : leg.caller;
  }

  /**
   * A channel's `channel_create`. The caller's own channel is `inbound` (it comes in to the
   * switch): from a user's phone it names the PBX's domain as `destination_host` and no `gate`
   * (a user dialling out, as an onlinePBX Drupal module saw it on a live PBX); from outside it
   * carries the trunk in `gate` and the caller's bare number as `endpoint` (the API 2.0 doc's
   * example). Channels the switch places (`outbound`) name the trunk when they leave through it.
   */
  private channelCreate(leg: Leg): void {
    const trunk = [...this.trunks.keys()][0] ?? '';
    const fromPhone = leg.direction === 'inbound' && this.users.has(leg.caller);
    const viaTrunk = leg.direction === 'inbound' ? !fromPhone : !this.users.has(leg.number);
    this.emit('channel_create', {
      uuid: leg.uuid,
      direction: leg.direction,
      created_stamp: leg.created,
      state: 'CS_INIT',
      endpoint: this.endpoint(leg.number),
      domain: this.domain,
      caller_number: leg.caller,
      caller_name: this.nameOf(leg.caller),
      destination_number: leg.destination,
      destination_host: fromPhone || this.users.has(leg.destination) ? this.domain : 'sip.zebra.ru',
      gate: viaTrunk ? trunk : '',
      diversion: '',
      call_uuid: leg.call.id,
    });
  }

  /** The channel's phone picks up (`channel_answer`); lamps and bridging are the caller's. */
  answerLeg(leg: Leg): void {
    leg.answered = true;
    this.emit('channel_answer', {
      uuid: leg.uuid,
      answered_stamp: String(this.now()),
      read_codec: 'PCMA',
      read_rate: '8000',
      read_bitrate: '64000',
      write_codec: 'PCMA',
      write_rate: '8000',
      write_bitrate: '64000',
      call_uuid: leg.call.id,
    });
  }

  private answer(call: SimCall): void {
    if (call.ended || !call.b) return;
    call.answeredAt = this.now();
    this.answerLeg(call.b);
    this.answerLeg(call.a);
    this.emit('channel_bridge', {
      direction: 'inbound',
      aleg_uuid: call.a.uuid,
      bleg_uuid: call.b.uuid,
      call_uuid: call.id,
    });
    this.blf(call.from, 'answered', 'out', call.to, call.a.uuid);
    this.blf(call.to, 'answered', 'in', call.from, call.b.uuid);
  }

  /** Blind transfer: the transferred channel gets a new partner at `to`. */
  transfer(leg: Leg, to: string): void {
    const call = leg.call;
    if (call.ended) return;
    this.emit('channel_application', {
      uuid: leg.uuid,
      application: 'transfer',
      application_data: { destination: to },
    });
    const old = leg === call.a ? call.b : call.a;
    if (old) this.destroy(old, 'BLIND_TRANSFER');
    const next = this.leg(call, randomUUID(), 'outbound', to, leg.caller, to);
    call.b = next;
    call.a = leg;
    call.to = to;
    this.channelCreate(next);
    this.blf(to, 'ringing', 'in', leg.caller, next.uuid);
    this.callLater(call, 60, () => {
      this.answerLeg(next);
      this.emit('channel_bridge', {
        direction: 'inbound',
        aleg_uuid: leg.uuid,
        bleg_uuid: next.uuid,
        call_uuid: call.id,
      });
      this.blf(to, 'answered', 'in', leg.caller, next.uuid);
    });
  }

  /** `from` listens in on the call of `target` with a channel of its own, `uuid`. */
  eavesdrop(target: Leg, from: string, uuid: string): void {
    const call = target.call;
    if (call.ended) return;
    const leg = this.leg(call, uuid, 'outbound', from, from, target.number);
    call.listeners.push(leg);
    this.channelCreate(leg);
    this.answerLeg(leg);
    this.emit('channel_application', { uuid, application: 'eavesdrop', application_data: { target: target.uuid } });
    this.blf(from, 'answered', 'out', target.number, uuid);
  }

  /** Ends a call: channel `first` (the one hung up) is destroyed first, the others follow. */
  endCall(call: SimCall, cause: string, first?: string): void {
    if (call.ended) return;
    call.ended = true;
    for (const t of call.timers) clearTimeout(t);
    call.timers.clear();
    const legs = [...call.listeners, ...(call.b ? [call.b] : []), call.a].sort((x, y) =>
      x.uuid === first ? -1 : y.uuid === first ? 1 : 0,
    );
    for (const leg of legs) this.destroy(leg, cause);
    this.calls.delete(call);
    const end = this.now();
    const talk = call.answeredAt ? Math.round((end - call.answeredAt) / 1000) : 0;
    this.emit('call_end', {
      call_uuid: call.id,
      uuid: call.a.uuid,
      caller_number: call.from,
      destination_number: call.to,
      start_stamp: Math.floor(call.started / 1000),
      end_stamp: Math.floor(end / 1000),
      duration: Math.round((end - call.started) / 1000),
      user_talk_time: talk,
      hangup_cause: cause,
      type:
        this.users.has(call.from) && this.users.has(call.to)
          ? 'local'
          : this.users.has(call.from)
            ? 'outbound'
            : 'inbound',
    });
  }

  private destroy(leg: Leg, cause: string): void {
    if (!this.legs.delete(leg.uuid)) return;
    this.emit('channel_destroy', {
      uuid: leg.uuid,
      direction: leg.direction,
      created_stamp: String(leg.created),
      state: 'CS_DESTROY',
      endpoint: this.endpoint(leg.number),
      hangup_cause: cause,
      call_uuid: leg.call.id,
    });
    this.blf(leg.number, 'hangup', leg.direction === 'inbound' ? 'out' : 'in', this.otherOf(leg), leg.uuid);
  }

  /** `blf` for the PBX's own users only (outside numbers have no lamp). */
  private blf(
    uid: string,
    status: string,
    direction: string | undefined,
    other: string | undefined,
    uuid: string | undefined,
  ): void {
    if (!this.users.has(uid)) return;
    const data: Record<string, unknown> = { uid, status };
    if (direction) data.direction = direction;
    data.rank = direction === 'in' ? 'slave' : 'master';
    if (other) data.other_leg = other;
    if (uuid) data.uuid = uuid;
    data.timestamp = Math.floor(this.now() / 1000);
    this.emit('blf', data);
  }

  private callLater(call: SimCall, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      call.timers.delete(t);
      fn();
    }, ms);
    call.timers.add(t);
  }
}
