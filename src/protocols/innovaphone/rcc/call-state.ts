import type { CallState } from '../../../model/types';

/**
 * The RCC call `state` integer [S8-RCC CallAdd][S1 soap.htm CallInfo]: the low nibble is the
 * phase (0 init, 1 setup, 2 setup-ack, 3 call-proc, 4 alert, 5 conn, 6 disc-sent,
 * 7 disc-received, 8 parked), then +128 outgoing, +256 hold, +512 held, +1024 waiting.
 *
 * The PBX counts direction from its own side: "it considers a call from the PBX to the terminal
 * as outbound" [S1 soap.htm]. A user leg with the outgoing bit is therefore a call the PBX
 * offers to the user's phone, i.e. one the user receives: `inbound` in the normalized model.
 */

export const PHASE_MASK = 0x0f;
export const OUTGOING = 0x80;
/** The user put the call on hold. */
export const HOLD = 0x100;
/** The peer put the call on hold. */
export const HELD = 0x200;
export const WAITING = 0x400;

export const PHASES = [
  'init',
  'setup',
  'setup-ack',
  'call-proc',
  'alert',
  'conn',
  'disc-sent',
  'disc-received',
  'parked',
] as const;
export type Phase = (typeof PHASES)[number];

/** The decoded bits, kept next to the normalized state in `msg.payload.bits`. */
export interface StateBits {
  /** The integer as the PBX sent it. */
  value: number;
  phase: Phase | 'unknown';
  setup: boolean;
  alert: boolean;
  connected: boolean;
  disconnected: boolean;
  parked: boolean;
  /** The PBX-centric outgoing bit: set for calls the PBX offers to the user's phone. */
  outgoing: boolean;
  /** On hold, by either side (`onHold` or `heldByPeer`). */
  held: boolean;
  onHold: boolean;
  heldByPeer: boolean;
  waiting: boolean;
}

export function decodeState(value: number): StateBits {
  const p = value & PHASE_MASK;
  const onHold = (value & HOLD) !== 0;
  const heldByPeer = (value & HELD) !== 0;
  return {
    value,
    phase: p < PHASES.length ? PHASES[p] : 'unknown',
    setup: p >= 1 && p <= 3,
    alert: p === 4,
    connected: p === 5,
    disconnected: p === 6 || p === 7,
    parked: p === 8,
    outgoing: (value & OUTGOING) !== 0,
    held: onHold || heldByPeer,
    onHold,
    heldByPeer,
    waiting: (value & WAITING) !== 0,
  };
}

/**
 * init/setup/alert ring, conn talks unless a hold bit is set, a parked call waits like a held
 * one, a disconnect in either direction ends the call (the `del` that follows adds nothing).
 * A phase beyond the documented ones is taken for a call in progress rather than guessed away.
 */
export function normalState(value: number): CallState {
  const p = value & PHASE_MASK;
  if (p === 6 || p === 7) return 'ended';
  if (p === 8) return 'held';
  if (p === 5) return value & (HOLD | HELD) ? 'held' : 'connected';
  if (p <= 4) return 'ringing';
  return value & (HOLD | HELD) ? 'held' : 'connected';
}

/**
 * The state a signalling message name implies (`x-` sent to the user's device, `r-` received
 * from it: `x-setup`, `r-alert`, `r-conn`, `r-disc`, ...) [S1 soap.htm][S12 rccapi.php].
 * CallUpdate documents `msg` but no `state` [S8-RCC], and third-party clients read its phase
 * from `msg` alone, so the phase comes from here when the PBX leaves the state out. A setup
 * also fixes the direction: `x-setup` is the PBX offering the call to the phone (outgoing, in
 * its own terms), `r-setup` the phone placing one. Other bits are kept; `undefined` for names
 * that change nothing known (hold and transfer notifications have no documented name).
 */
export function stateAfterMsg(value: number, msg: unknown): number | undefined {
  if (typeof msg !== 'string' || msg.length < 3) return undefined;
  const sent = msg.charCodeAt(0) === 120; /* x */
  const name = msg.charCodeAt(1) === 45 /* - */ ? msg.slice(2) : msg;
  switch (name) {
    case 'setup':
      return ((sent ? value | OUTGOING : value & ~OUTGOING) & ~PHASE_MASK) | 1;
    case 'setup-ack':
    case 'setup_ack':
      return withPhase(value, 2);
    case 'call-proc':
    case 'call_proc':
      return withPhase(value, 3);
    case 'alert':
      return withPhase(value, 4);
    case 'conn':
      return withPhase(value, 5);
    case 'disc':
    case 'rel':
      return withPhase(value, sent ? 6 : 7);
    default:
      return undefined;
  }
}

/** Replaces the phase of `value`, keeping its direction and hold bits. */
export function withPhase(value: number, phase: number): number {
  return (value & ~PHASE_MASK) | phase;
}
