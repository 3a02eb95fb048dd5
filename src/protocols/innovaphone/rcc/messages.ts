/**
 * RCC (`"api":"RCC"`) requests on the AppWebsocket connection [S1-RCC][S8-RCC billboard copy].
 * Builders return plain frames without `src`: the AppWebsocket client adds it and matches the
 * `<mt>Result`. Every field is typed as the doc lists it (handles are integers, flags booleans),
 * so a number typed as text in a flow goes out as a JSON number.
 */

import { flagOf, integerOf, paramTextOf } from '../../common/values';

export type RccMessage = Record<string, unknown> & { mt?: unknown };

export const RCC_API = 'RCC';

/** Q.931 cause 16, "normal call clearing": what a hangup sends unless the flow gives one. */
export const NORMAL_CLEARING = 16;

/** Where a call goes: a number (`e164`), a SIP/H.323 name (`h323`) or a PBX object (`cn`). */
export interface RccDestination {
  e164?: string;
  h323?: string;
  cn?: string;
}

function frame(mt: string, fields: Record<string, unknown>): RccMessage {
  const msg: RccMessage = { api: RCC_API, mt };
  for (const key of Object.keys(fields)) if (fields[key] !== undefined) msg[key] = fields[key];
  return msg;
}

/** An integer handle, from a number or a numeric string; anything else is refused here. */
export function handleOf(value: unknown, what: string): number {
  const n = integerOf(value);
  if (n === undefined)
    throw new TypeError(`${what} must be an RCC call or user handle (an integer), got ${JSON.stringify(value)}`);
  return n;
}

/** Dialable digits (with an optional leading `+`) go as `e164`, anything else as a SIP name. */
export function destinationOf(to: unknown, isObject?: (name: string) => boolean): RccDestination {
  const text = paramTextOf(to);
  if (text === undefined) throw new TypeError('a destination (number or name) is required');
  let digits = text.length > 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || c === 42 /* * */ || c === 35 /* # */ || (c === 43 /* + */ && i === 0 && text.length > 1);
    if (!ok) {
      digits = false;
      break;
    }
  }
  if (digits) return { e164: text };
  // A PBX object's long name (with blanks, say) is addressed as `cn`; a SIP name as `h323`.
  return isObject && isObject(text) ? { cn: text } : { h323: text };
}

/**
 * `calls:true` asks for every PBX call as CallAdd/CallUpdate/CallDel; the PBX honours it on App
 * object logins only (the package always logs in as one). `grp` and `limit` pass through.
 */
export function initialize(opts: { calls?: boolean; grp?: boolean; limit?: number } = {}): RccMessage {
  const limit = integerOf(opts.limit);
  return frame('Initialize', {
    calls: opts.calls === undefined ? true : opts.calls,
    grp: opts.grp ? true : undefined,
    // The PBX sends at most 50 users per 20 ms tick and refuses more [S1-RCC].
    limit: limit === undefined ? undefined : Math.max(1, Math.min(50, limit)),
  });
}

/** Starts monitoring and control of one user; the result carries the `user` handle. */
export function userInitialize(cn: string, opts: { hw?: unknown; xfer?: unknown; disc?: unknown } = {}): RccMessage {
  return frame('UserInitialize', {
    cn,
    hw: paramTextOf(opts.hw),
    xfer: flagOf(opts.xfer),
    disc: flagOf(opts.disc),
  });
}

/** Extra UserCall fields a flow may set in `msg.payload` [S1-RCC UserCall]. */
export interface UserCallOptions {
  srce164?: unknown;
  ftyNoCF?: unknown;
  audio?: unknown;
  rc?: unknown;
}

export function userCall(user: number, to: RccDestination, opts: UserCallOptions = {}): RccMessage {
  return frame('UserCall', {
    user,
    ...to,
    srce164: paramTextOf(opts.srce164),
    ftyNoCF: flagOf(opts.ftyNoCF),
    audio: flagOf(opts.audio),
    rc: integerOf(opts.rc),
  });
}

export function userClear(call: number, cause?: unknown): RccMessage {
  return frame('UserClear', { call, cause: integerOf(cause) ?? NORMAL_CLEARING });
}

export function userConnect(call: number): RccMessage {
  return frame('UserConnect', { call });
}

/** `remote:true`: music on hold for the held party only [S8-RCC UserHold]. */
export function userHold(call: number, remote?: unknown): RccMessage {
  return frame('UserHold', { call, remote: flagOf(remote) });
}

export function userRetrieve(call: number): RccMessage {
  return frame('UserRetrieve', { call });
}

/** Connects two calls of the same user with each other; the user leaves both [S1 soap.htm]. */
export function userTransfer(a: number, b: number): RccMessage {
  return frame('UserTransfer', { a, b });
}

/** Moves `call` to another destination (deflects it while ringing, transfers it blind once connected). */
export function userRedirect(call: number, to: RccDestination): RccMessage {
  return frame('UserRedirect', { call, ...to });
}

/** Takes `call` (ringing elsewhere) to the phone of `user`; the result carries the new call handle. */
export function userPickup(user: number, call?: number, cn?: string): RccMessage {
  return frame('UserPickup', { user, call, cn });
}

export function userDtmf(call: number, digits: string): RccMessage {
  return frame('UserDTMF', { call, dtmf: digits });
}

/**
 * Handles are taken as given, 0 included: the SOAP API RCC is modelled on returns 0 for a failure,
 * but the RCC doc does not say so and a PBX may count from 0 (lenient, inferred); a failure shows
 * as a missing handle or in `error`/`errorText`.
 */
export function handleIn(res: RccMessage, field: string): number | undefined {
  return failure(res) === undefined ? integerOf(res[field]) : undefined;
}

/**
 * RCC results report failure in `error` (a string for UserRedirect/Reroute) or `errorText`
 * (trimmed, as it ends up in a message the flow shows).
 */
export function failure(res: RccMessage): string | undefined {
  const e = res.error;
  const t = paramTextOf(res.errorText);
  if (t) return t;
  if (typeof e === 'string' && e !== '') return e;
  if (typeof e === 'number' && e !== 0) return `error ${e}`;
  if (e === true) return 'error';
  return undefined;
}
