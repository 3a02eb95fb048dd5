import type { RccSimUser } from './rcc';

/** The frames of the RCC simulator (`rcc.ts`), rendered from its model of calls and legs. */

export interface Party {
  cn?: string;
  dn?: string;
  e164?: string;
  h323?: string;
}

export interface SimCall {
  conf: string;
  caller: Party;
  callee: Party;
  legs: SimLeg[];
}

export interface SimLeg {
  id: number;
  cn: string;
  call: SimCall;
  /** Whose end of the call this leg is. */
  side: 'caller' | 'callee';
  phase: number;
  /** PBX-centric: the PBX offered this call to the phone. */
  outgoing: boolean;
  hold: boolean;
  held: boolean;
  start: number;
  lastMsg: string;
  callIdHex: string;
  cause?: number;
}

const CAUSES: Record<number, string> = {
  1: 'Unallocated (unassigned) number',
  16: 'Normal call clearing',
  17: 'User busy',
  19: 'No answer from user (user alerted)',
  21: 'Call rejected',
  26: 'Non-selected user clearing',
  31: 'Normal, unspecified',
  88: 'Incompatible destination',
};

/** The documented state integer: phase + 128 outgoing (PBX-centric) + 256 hold + 512 held. */
export function legState(leg: SimLeg): number {
  return leg.phase | (leg.outgoing ? 0x80 : 0) | (leg.hold ? 0x100 : 0) | (leg.held ? 0x200 : 0);
}

/** The other party of a leg's call. */
export function peerOf(leg: SimLeg): Party {
  return leg.side === 'caller' ? leg.call.callee : leg.call.caller;
}

export function partyText(p: Party): string | undefined {
  return p.e164 || p.h323 || p.cn;
}

function causeInfo(leg: SimLeg): Array<Record<string, unknown>> | undefined {
  if (leg.cause === undefined) return undefined;
  return [{ type: 'cause', vali: leg.cause, vals: CAUSES[leg.cause] ?? `Cause ${leg.cause}` }];
}

/** A user monitor's view of a leg. */
export function callInfoFrame(leg: SimLeg, user: number, src: unknown, msg: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    api: 'RCC',
    mt: 'CallInfo',
    src,
    user,
    call: leg.id,
    conf: leg.call.conf,
    state: legState(leg),
    time: Math.floor((Date.now() - leg.start) / 1000),
    peer: peerOf(leg),
    no: [],
    msg,
  };
  const info = causeInfo(leg);
  if (info) out.info = info;
  return out;
}

/** A call in the `Initialize {calls:true}` list (`addId`: its id there). */
export function callAddFrame(
  leg: SimLeg,
  u: RccSimUser | undefined,
  src: unknown,
  addId: number,
): Record<string, unknown> {
  return {
    api: 'RCC',
    mt: 'CallAdd',
    src,
    guid: u?.guid,
    cn: leg.cn,
    call: addId,
    state: legState(leg),
    'conf-id': leg.call.conf,
    'call-id': leg.callIdHex,
  };
}

/** A change of a listed call; `withState` adds the `state` a PBX may send too. */
export function callUpdateFrame(
  leg: SimLeg,
  u: RccSimUser | undefined,
  src: unknown,
  msg: string,
  addId: number,
  withState: boolean,
): Record<string, unknown> {
  const peer = peerOf(leg);
  const out: Record<string, unknown> = {
    api: 'RCC',
    mt: 'CallUpdate',
    src,
    call: addId,
    msg,
    local: named({ h323: u?.h323 ?? '', e164: u?.e164 ?? '' }, u?.dn),
    remote: named({ h323: peer.h323 ?? '', e164: peer.e164 ?? '' }, peer.dn),
  };
  if (withState) out.state = legState(leg);
  const info = causeInfo(leg);
  if (info) out.info = info;
  return out;
}

/** An endpoint with the display name the PBX knows for it (none for an unnamed outside caller). */
function named(endpoint: Record<string, string>, dn: string | undefined): Record<string, string> {
  return dn ? { ...endpoint, dn } : endpoint;
}

export function userInfoFrame(u: RccSimUser, src: unknown, update?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    api: 'RCC',
    mt: 'UserInfo',
    src,
    guid: u.guid,
    cn: u.cn,
    dn: u.dn ?? u.cn,
    h323: u.h323 ?? '',
    e164: u.e164 ?? '',
    node: 'root',
    pbx: 'master',
    pseudo: u.pseudo ?? '',
    regs: (u.hw ?? []).map((hw) => ({ hw })),
  };
  if (update) out.update = update;
  return out;
}
