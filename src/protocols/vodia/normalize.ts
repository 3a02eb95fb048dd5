import type { Blf, BlfState, Call, CallState, Presence, PresenceStatus } from '../../model/types';
import { flagOf, textOf } from '../common/values';

/**
 * Vodia frames -> the normalized presence, BLF and call shapes. Pure functions; the tables that
 * hold the state between frames live in protocols/vodia/state.ts.
 */

/** One entry of `domain-state.accounts`, patched by `user-state`. Unknown fields are kept. */
export interface VodiaAccount {
  account: string;
  type?: string;
  name?: string;
  registered?: unknown;
  dnd?: unknown;
  chatstatus?: unknown;
  code?: unknown;
  calls?: unknown;
  [field: string]: unknown;
}

/** A call of `call-state` in either spelling, normalized. */
export interface VodiaCall extends Call {
  /** The PBX's own state word (`callstate` or `state`), e.g. `alerting`, `onhold`. */
  vendorState: string;
  /** Every extension/number the call involves, for BLF. */
  parties: string[];
}

/** Presence payload: the contract's fields plus the Vodia ones a flow may want. */
export interface VodiaPresence extends Presence {
  chatstatus?: string;
  type?: string;
}

/** The portal draws an account busy when it has a non-null `code` or calls [S11]. */
export function accountInCall(a: VodiaAccount): boolean {
  if (a.code !== undefined && a.code !== null && a.code !== '') return true;
  return Array.isArray(a.calls) && a.calls.length > 0;
}

/**
 * registered, dnd and chatstatus -> one status. DND wins over everything, then being on the
 * phone, then a phone that is not registered (offline: nobody can be called there, whatever
 * the chat status says). `chatstatus` values other than online/offline are not documented;
 * `away` and `busy` are taken at their word. Accounts without `registered` (queues, hunt
 * groups) go by their chat status.
 */
export function presenceStatus(a: VodiaAccount): PresenceStatus {
  // Booleans arrive as JSON booleans on the socket but as "true"/"false" strings over REST [S14].
  const registered = flagOf(a.registered);
  if (flagOf(a.dnd)) return 'dnd';
  if (accountInCall(a)) return 'busy';
  if (registered === false) return 'offline';
  const chat = typeof a.chatstatus === 'string' ? a.chatstatus.toLowerCase() : '';
  if (chat === 'away') return 'away';
  if (chat === 'busy') return 'busy';
  if (chat === 'dnd') return 'dnd';
  if (registered || chat === 'online') return 'available';
  if (chat === 'offline') return 'offline';
  return 'unknown';
}

export function presenceOf(a: VodiaAccount): VodiaPresence {
  const p: VodiaPresence = { user: a.account, num: a.account, status: presenceStatus(a) };
  if (typeof a.name === 'string' && a.name) p.dn = a.name;
  const registered = flagOf(a.registered);
  if (registered !== undefined) p.registered = registered;
  const dnd = flagOf(a.dnd);
  if (dnd !== undefined) p.dnd = dnd;
  if (typeof a.chatstatus === 'string') p.chatstatus = a.chatstatus;
  if (typeof a.type === 'string') p.type = a.type;
  return p;
}

const CALL_STATES: Record<string, CallState> = {
  ringing: 'ringing',
  ringback: 'ringing',
  alerting: 'ringing',
  early: 'ringing',
  trying: 'ringing',
  calling: 'ringing',
  connected: 'connected',
  talking: 'connected',
  active: 'connected',
  onhold: 'held',
  holding: 'held',
  hold: 'held',
  held: 'held',
  disconnected: 'ended',
  ended: 'ended',
  cleared: 'ended',
  terminated: 'ended',
  idle: 'ended',
};

/**
 * The PBX's state word -> ringing / connected / held / ended. The portal treats every word it
 * does not know as ringing [S11]; so do we. Without any state word, a non-empty v70 `connect`
 * field means the call was answered [S9].
 */
export function callState(vendorState: string, connect?: unknown): CallState {
  if (!vendorState) return connect !== undefined && connect !== null && connect !== '' ? 'connected' : 'ringing';
  return CALL_STATES[vendorState.toLowerCase()] ?? 'ringing';
}

/** `"Alice" <sip:41@dom>`, `sip:41@dom`, `41@dom` or `41` -> `41`. */
export function partyNumber(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string' || !v) return undefined;
  let s = v;
  const lt = s.lastIndexOf('<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    s = s.slice(lt + 1, gt < 0 ? undefined : gt);
  }
  const colon = s.indexOf(':');
  if (colon >= 0 && /^(sips?|tel)$/i.test(s.slice(0, colon))) s = s.slice(colon + 1);
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const semi = s.indexOf(';');
  if (semi >= 0) s = s.slice(0, semi);
  s = s.trim();
  return s || undefined;
}

/** The display name of a name-addr: `"Alice" <sip:41@dom>` -> `Alice`. */
export function partyName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const lt = v.indexOf('<');
  if (lt <= 0) return undefined;
  const name = v
    .slice(0, lt)
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return name || undefined;
}

/** v70 `extension` is an array whose entries may carry a `*` prefix [S9]; accept a string too. */
function extensionsOf(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const out: string[] = [];
  for (const e of list) {
    const s = textOf(e);
    if (s) out.push(s.startsWith('*') ? s.slice(1) : s);
  }
  return out;
}

/**
 * One `calls[i]` in the legacy (`id/from/to/callstate`) or v70 (`state/from-number/to-number/
 * from-name/to-name/extension`) spelling -> a normalized call. `isLocal` tells extensions of
 * this domain from outside numbers; `own` is the extension of the socket. Undefined for an
 * entry without an id (nothing could address it).
 */
export function callOf(raw: unknown, own: string, isLocal: (n: string) => boolean): VodiaCall | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const c = raw as Record<string, unknown>;
  const callId = textOf(c.id) ?? textOf(c.callid);
  if (!callId) return undefined;
  const vendorState = textOf(c.state) ?? textOf(c.callstate) ?? '';
  const from = textOf(c['from-number']) ?? partyNumber(c.from);
  const to = textOf(c['to-number']) ?? partyNumber(c.to);
  const call: VodiaCall = { callId, state: callState(vendorState, c.connect), vendorState, parties: [] };
  if (from) call.from = from;
  if (to) call.to = to;
  const fromName = textOf(c['from-name']) ?? partyName(c.from);
  const toName = textOf(c['to-name']) ?? partyName(c.to);
  if (fromName) call.fromName = fromName;
  if (toName) call.toName = toName;
  const extensions = extensionsOf(c.extension);
  const parties = new Set(extensions);
  if (from) parties.add(from);
  if (to) parties.add(to);
  call.parties = [...parties];
  const fromLocal = !!from && (from === own || isLocal(from));
  const toLocal = !!to && (to === own || isLocal(to));
  if (from === own) call.direction = 'outbound';
  else if (to === own) call.direction = 'inbound';
  else if (fromLocal && toLocal) call.direction = 'local';
  else if (fromLocal) call.direction = 'outbound';
  else if (toLocal) call.direction = 'inbound';
  const extension = extensions[0] ?? (from === own || to === own ? own : fromLocal ? from : toLocal ? to : undefined);
  if (extension) call.extension = extension;
  return call;
}

/** The `pbx-call-in` payload of a call. */
export function callPayload(c: VodiaCall): Call {
  const p: Call = { callId: c.callId, state: c.state };
  if (c.direction) p.direction = c.direction;
  if (c.from !== undefined) p.from = c.from;
  if (c.to !== undefined) p.to = c.to;
  if (c.extension !== undefined) p.extension = c.extension;
  if (c.fromName) p.fromName = c.fromName;
  if (c.toName) p.toName = c.toName;
  return p;
}

const BLF_RANK: Record<CallState, number> = { ringing: 3, connected: 2, held: 1, ended: 0 };
const BLF_OF_CALL: Record<CallState, BlfState> = { ringing: 'ringing', connected: 'busy', held: 'held', ended: 'idle' };

/**
 * The lamp of `extension`: its most urgent call (ringing over busy over held), else busy when
 * the account says it is on the phone (only with `accountCalls`: once `call-state` arrives it is
 * the one source, the account's own `calls` lag behind it), unregistered when its phone is not
 * registered, else idle.
 */
export function blfOf(
  extension: string,
  account: VodiaAccount | undefined,
  calls: Iterable<VodiaCall>,
  accountCalls = true,
): Blf {
  let best: VodiaCall | undefined;
  for (const c of calls) {
    if (c.state === 'ended' || !c.parties.includes(extension)) continue;
    if (!best || BLF_RANK[c.state] > BLF_RANK[best.state]) best = c;
  }
  if (best) {
    const blf: Blf = { extension, state: BLF_OF_CALL[best.state], callId: best.callId };
    if (best.from === extension) {
      blf.direction = 'outbound';
      if (best.to) blf.otherParty = best.to;
      if (best.toName) blf.otherPartyName = best.toName;
    } else {
      blf.direction = 'inbound';
      if (best.from) blf.otherParty = best.from;
      if (best.fromName) blf.otherPartyName = best.fromName;
    }
    return blf;
  }
  if (accountCalls && account && accountInCall(account)) return { extension, state: 'busy' };
  if (account && flagOf(account.registered) === false) return { extension, state: 'unregistered' };
  return { extension, state: 'idle' };
}
