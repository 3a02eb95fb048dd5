import type { Call, CallState } from '../../model/types';
import type { AppMessage } from './app-websocket';

/** Normalized states reached by a Signaling message type (seed 003 / Signal.htm). */
const STATE_BY_SIG: Record<string, CallState> = {
  setup: 'ringing',
  setup_ack: 'ringing',
  call_proc: 'ringing',
  alert: 'ringing',
  conn: 'connected',
  disc: 'ended',
  rel: 'ended',
};

/** Sync `info.state` (CallState) -> normalized state; `null`/idle and unknown names say nothing. */
const STATE_BY_SYNC: Record<string, CallState> = {
  setup: 'ringing',
  'setup-ack': 'ringing',
  'call-proc': 'ringing',
  alert: 'ringing',
  connected: 'connected',
  parked: 'held',
  disconnected: 'ended',
  disconnecting: 'ended',
};

/** Hold facilities (Signal.htm): `remote_hold`/`hold_notify` hold, their retrieve counterparts end it. */
const HOLD_FTY = new Set(['remote_hold', 'hold_notify']);
const RETRIEVE_FTY = new Set(['remote_retrieve', 'retrieve_notify']);

interface EpCall extends Call {
  /** The device's own number: the calling party of its own setup, the called one otherwise. */
  own?: string;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function num(v: unknown): string | undefined {
  const o = obj(v);
  const n = o ? (o.num ?? o.sip) : undefined;
  return n === undefined || n === null || n === '' ? undefined : String(n);
}

/**
 * The display name of a Remote `{num, sip, dn}` (Sync `info.remote`, seed 003). Signaling's EP
 * is documented as `{num, sip}` only; a `dn` there is taken too, as the same Remote shape
 * (assumption: the doc shows no name in a setup). A SIP user part is no name: never used here.
 */
function nameOf(v: unknown): string | undefined {
  const dn = obj(v)?.dn;
  return typeof dn === 'string' && dn !== '' ? dn : undefined;
}

/**
 * The calls of the attached devices, from EpSignal: pbx-call-in's source when the connection has
 * no RCC (NODES.md: "RCC calls monitoring or EpSignal, whichever the connection has"). The call
 * id is `<hw>:<call>`, since EpSignal CallIds are per device. A `setup` from the device (no `to`)
 * is a call it places (outbound), one toward it (`to:true`) a call it receives (inbound).
 */
export class EpCallTable {
  private readonly calls = new Map<string, EpCall>();
  /** Calls not confirmed by the device's Syncs since it was attached again. */
  private readonly unconfirmed = new Set<string>();

  /** The call payload when `msg` changes a call's normalized state, else undefined. */
  apply(hw: string, msg: AppMessage): Call | undefined {
    if (typeof msg.call !== 'number') return undefined;
    const callId = `${hw}:${msg.call}`;
    this.unconfirmed.delete(callId);
    let call = this.calls.get(callId);
    let state: CallState | undefined;
    if (msg.mt === 'Sync') {
      const info = obj(msg.info) ?? {};
      state = typeof info.state === 'string' ? STATE_BY_SYNC[info.state] : undefined;
      if (!call) {
        // An idle (`null`) call "should not happen" (seed 003): nothing to report.
        if (!state) return undefined;
        call = { callId, state, direction: info.in === true ? 'inbound' : 'outbound' };
        const remote = num(info.remote);
        const remoteName = nameOf(info.remote);
        if (call.direction === 'inbound') {
          call.from = remote;
          call.fromName = remoteName;
        } else {
          call.to = remote;
          call.toName = remoteName;
        }
      }
    } else if (msg.mt === 'Signaling') {
      const sig = obj(msg.sig) ?? {};
      const type = typeof sig.type === 'string' ? sig.type : '';
      state = STATE_BY_SIG[type];
      const fty = Array.isArray(sig.fty) ? sig.fty.map((f) => obj(f)?.type) : [];
      if (fty.some((t) => HOLD_FTY.has(String(t)))) state = 'held';
      else if (fty.some((t) => RETRIEVE_FTY.has(String(t)))) state = 'connected';
      if (!call) {
        // A call is known from its setup (or a Sync); anything else of an unknown call is not one.
        if (type !== 'setup') return undefined;
        const inbound = msg.to === true;
        call = {
          callId,
          state: 'ringing',
          direction: inbound ? 'inbound' : 'outbound',
          from: num(sig.cg),
          to: num(sig.cd),
        };
        call.fromName = nameOf(sig.cg);
        call.toName = nameOf(sig.cd);
        call.own = inbound ? call.to : call.from;
      } else if (type === 'setup' || type === 'info') {
        // Overlap dialling adds to the called number.
        call.to = num(sig.cd) ?? call.to;
        call.toName = nameOf(sig.cd) ?? call.toName;
      }
      const cau = obj(sig.cau);
      if (state === 'ended' && cau && cau.num !== undefined) call.cause = String(cau.num);
    } else return undefined;
    if (!state) state = call.state;
    const fresh = !this.calls.has(callId);
    if (!fresh && state === call.state) return undefined;
    call.state = state;
    if (state === 'ended') this.calls.delete(callId);
    else this.calls.set(callId, call);
    return payloadOf(call);
  }

  /** The payload of a call in progress, as last reported. */
  current(callId: string): Call | undefined {
    const call = this.calls.get(callId);
    return call && payloadOf(call);
  }

  /** The device is gone (Detached, or its node detached): its calls end. */
  end(hw: string): Call[] {
    return this.endWhere((id) => id.startsWith(`${hw}:`));
  }

  /** The device is attached again: its calls wait for the Syncs that report the calls it has. */
  suspend(hw: string): void {
    for (const id of this.calls.keys()) if (id.startsWith(`${hw}:`)) this.unconfirmed.add(id);
  }

  /** Ends the device's calls no Sync confirmed since `suspend`: they ended while we were away. */
  sweep(hw: string): Call[] {
    return this.endWhere((id) => this.unconfirmed.has(id) && id.startsWith(`${hw}:`));
  }

  private endWhere(match: (id: string) => boolean): Call[] {
    const out: Call[] = [];
    for (const [id, call] of this.calls) {
      if (!match(id)) continue;
      this.calls.delete(id);
      this.unconfirmed.delete(id);
      call.state = 'ended';
      out.push(payloadOf(call));
    }
    return out;
  }
}

function payloadOf(call: EpCall): Call {
  const out: Call = { callId: call.callId, state: call.state };
  if (call.direction) out.direction = call.direction;
  if (call.from !== undefined) out.from = call.from;
  if (call.to !== undefined) out.to = call.to;
  if (call.fromName !== undefined) out.fromName = call.fromName;
  if (call.toName !== undefined) out.toName = call.toName;
  if (call.own !== undefined) out.extension = call.own;
  if (call.cause !== undefined) out.cause = call.cause;
  return out;
}
