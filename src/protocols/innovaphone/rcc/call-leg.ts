import type { Call, CallState } from '../../../model/types';
import { decodeState, normalState, type StateBits } from './call-state';
import { textOf } from '../../common/values';

/** The normalized call payload plus what RCC adds: the user's cn, the conference id, the bits. */
export interface RccCallPayload extends Call {
  /** Long name (cn) of the PBX user this call leg belongs to. */
  user?: string;
  conf?: string;
  /** The Q.931 cause number, when the PBX gave one. */
  causeCode?: number;
  bits: StateBits;
}

/**
 * One user's leg of a call. RCC reports it twice when both sources are on: as `CallInfo` to a
 * `UserInitialize`d user (whose handle the User* requests take) and as `CallAdd`/`CallUpdate`/
 * `CallDel` to `Initialize {calls:true}`. Whether both use one id space is not documented (?),
 * so a leg is matched by id first and else by user and conference id; one leg, one lifecycle.
 */
export interface Leg {
  callId: string;
  cn?: string;
  /** CallInfo call handle on the current socket. */
  handle?: number;
  userHandle?: number;
  /** CallAdd call id on the current socket. */
  addId?: number;
  /** Ids of the socket before a reconnect, to find the leg again while restoring. */
  oldHandle?: number;
  oldAddId?: number;
  conf?: string;
  state: number;
  /** What was last reported; `undefined` until the first report. */
  reported?: CallState;
  /** Started by UserCall from this connection: outbound whatever the PBX-centric bit says. */
  originated: boolean;
  dialled?: string;
  own?: string;
  peer?: string;
  /** The names the PBX gave the parties (`dn`, else `cn`, of `local`/`peer`/`remote`). */
  ownName?: string;
  peerName?: string;
  cause?: string;
  causeCode?: number;
  /** Not yet seen again since the socket came back. */
  stale: boolean;
  ended: boolean;
}

/** A connector/endpoint `{e164, h323, cn, dn}` as the one string a flow dials back. */
export function partyOf(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const p = v as Record<string, unknown>;
  return textOf(p.e164) ?? textOf(p.h323) ?? textOf(p.cn);
}

/**
 * The name the PBX gives a connector/endpoint: `dn` (the display name) before `cn` (the login
 * name) [S1-RCC]; the connection decides whether it is a name at all (one equal to the number).
 */
export function partyNameOf(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const p = v as Record<string, unknown>;
  return textOf(p.dn) ?? textOf(p.cn);
}

/** What a flow sees of a leg; `ownNumber` gives a user's own number for its cn. */
export function payloadOf(leg: Leg, ownNumber: (cn: string) => string | undefined): RccCallPayload {
  const bits = decodeState(leg.state);
  const inbound = !leg.originated && bits.outgoing;
  const own = leg.own ?? (leg.cn ? (ownNumber(leg.cn) ?? leg.cn) : undefined);
  const other = leg.peer ?? leg.dialled;
  const p: RccCallPayload = {
    callId: leg.callId,
    state: leg.reported ?? normalState(leg.state),
    direction: inbound ? 'inbound' : 'outbound',
    bits,
  };
  const from = inbound ? other : own;
  const to = inbound ? own : other;
  if (from !== undefined) p.from = from;
  if (to !== undefined) p.to = to;
  // A number dialled from here (no peer reported yet) has no name from the PBX.
  const peerName = leg.peer !== undefined ? leg.peerName : undefined;
  const fromName = inbound ? peerName : leg.ownName;
  const toName = inbound ? leg.ownName : peerName;
  if (fromName !== undefined) p.fromName = fromName;
  if (toName !== undefined) p.toName = toName;
  if (own !== undefined) p.extension = own;
  if (leg.cn !== undefined) p.user = leg.cn;
  if (leg.conf !== undefined) p.conf = leg.conf;
  if (leg.cause !== undefined) p.cause = leg.cause;
  if (leg.causeCode !== undefined) p.causeCode = leg.causeCode;
  return p;
}
