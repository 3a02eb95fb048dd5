import { renderCalls, type CallShape, type SimCall } from './calls';
import type { AccountState, VodiaPbx } from './pbx';

/** The frames the simulated Vodia PBX pushes on its websocket, rendered from the PBX model. */

/** How the simulated PBX version writes calls. */
export interface CallSpelling {
  domain: string;
  callShape: CallShape;
  /** `calls` as an array or as an object keyed by call id. */
  callsAs: 'array' | 'map';
}

/** `domain-state`: every account with its calls, and every call. */
export function domainStateFrame(pbx: VodiaPbx, spelling: CallSpelling): Record<string, unknown> {
  return {
    action: 'domain-state',
    messages: [],
    calls: callsField(pbx, pbx.allCalls(), spelling),
    accounts: [...pbx.allAccounts()].map((a) => ({ ...a, calls: pbx.accountCalls(a.account) })),
  };
}

/** `call-state` with every call, or with `ownOf`'s calls only. */
export function callStateFrame(pbx: VodiaPbx, spelling: CallSpelling, ownOf?: string): Record<string, unknown> {
  const all = [...pbx.allCalls()];
  const visible = ownOf === undefined ? all : all.filter((x) => x.from === ownOf || x.to === ownOf);
  return { action: 'call-state', calls: callsField(pbx, visible, spelling) };
}

/** A `user-state` of one account with the fields that changed. */
export function userStateFrame(
  domain: string,
  a: AccountState,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return { action: 'user-state', type: a.type, account: a.account, domain, ...fields };
}

/** Benchmark frames: user-state `i` over `users` accounts 2000.., dnd toggling, `seq` = i, plus `extra`. */
export function userStateBenchFrames(domain: string, users: number): (i: number, extra?: string) => string {
  const head = `{"action":"user-state","type":"extensions","domain":${JSON.stringify(domain)},"registered":true,"account":"`;
  return (i, extra = '') =>
    `${head}${2000 + (i % users)}","dnd":${Math.floor(i / users) % 2 === 1},"seq":${i}${extra}}`;
}

function callsField(pbx: VodiaPbx, calls: Iterable<SimCall>, spelling: CallSpelling): unknown {
  return renderCalls(calls, spelling.callShape, spelling.callsAs, spelling.domain, (n) => pbx.has(n));
}
