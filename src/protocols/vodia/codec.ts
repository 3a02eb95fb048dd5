/**
 * Vodia frames: one UTF-8 JSON object per text frame. Most carry an `action`; WebRTC/SIP
 * signalling from the PBX uses flat keys instead [S3].
 */
export type VodiaFrame = Record<string, unknown>;

/**
 * The official client checks the signalling keys first, in this order [S3]. The generic words
 * of the same list (`ringtones`, `response`, `info`, `change`) are checked only after `action`:
 * an account or call field of that name must not turn a `user-state` into something else.
 */
const SIGNALLING_KEYS = ['sdp', 'invitesdp', 'candidate', 'bye', 'cancel', 'cancelresponse'] as const;
const LATE_KEYS = ['ringtones', 'response', 'info', 'change'] as const;

/** Parses a text frame once; undefined for anything that is not a JSON object. */
export function decodeFrame(text: string): VodiaFrame | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as VodiaFrame) : undefined;
}

/** The name a frame goes by: its signalling key, its `action`, or `unknown`. */
export function frameName(f: VodiaFrame): string {
  for (const k of SIGNALLING_KEYS) if (f[k] !== undefined) return k;
  const action = f.action;
  if (typeof action === 'string' && action) return action;
  for (const k of LATE_KEYS) if (f[k] !== undefined) return k;
  return 'unknown';
}

/**
 * Registering the socket as a SIP endpoint makes the PBX ring it like a phone, with no media
 * behind it [S9]: this package never sends it, not even on request.
 */
export const FORBIDDEN_ACTION = 'sip-register';

/** `{"action":...,...fields}` with `action` first, as in every example of the docs. */
export function encodeAction(action: string, fields: Record<string, unknown> = {}): string {
  const frame: Record<string, unknown> = { action };
  for (const k in fields) if (k !== 'action' && fields[k] !== undefined) frame[k] = fields[k];
  return JSON.stringify(frame);
}

/**
 * Server actions of the catalogue [S1][S9][S10][S11]: passed to pbx-event without a debug line.
 * The fields of a server `blf` frame are not documented, so lamps come from `call-state` and
 * `user-state`; the frame itself still reaches pbx-event.
 */
export const KNOWN_FRAMES = new Set([
  'sdp',
  'invitesdp',
  'candidate',
  'bye',
  'cancel',
  'cancelresponse',
  'ringtones',
  'response',
  'info',
  'change',
  'sip-register',
  'callerid',
  'chat',
  'rec-start',
  'rec-stop',
  'crmcontact',
  'blf',
  'user-change',
  'missed-calls',
  'bye-response',
]);
