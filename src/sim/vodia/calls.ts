/** A call as the simulator keeps it, and its two wire spellings [S1][S11] / [S9]. */
export type SimCallState = 'ringing' | 'connected' | 'held';

export interface SimCall {
  id: string;
  from: string;
  to: string;
  fromName?: string;
  toName?: string;
  state: SimCallState;
  recording: boolean;
  /** Epoch seconds of the start. */
  start: number;
}

/** `legacy`: id/from/to/callstate (portal 2015-16); `v70`: state/from-number/to-number/... (70.1). */
export type CallShape = 'legacy' | 'v70';

const LEGACY_STATE: Record<SimCallState, string> = { ringing: 'alerting', connected: 'connected', held: 'holding' };

function nameAddr(name: string | undefined, num: string, domain: string): string {
  return name ? `"${name}" <sip:${num}@${domain}>` : `<sip:${num}@${domain}>`;
}

export function renderCall(
  c: SimCall,
  shape: CallShape,
  domain: string,
  isLocal: (n: string) => boolean,
): Record<string, unknown> {
  if (shape === 'legacy') {
    const out: Record<string, unknown> = {
      id: c.id,
      from: nameAddr(c.fromName, c.from, domain),
      to: nameAddr(c.toName, c.to, domain),
      callstate: LEGACY_STATE[c.state],
      start: c.start,
    };
    if (c.recording) out.rec = 'adhoc';
    return out;
  }
  const out: Record<string, unknown> = {
    id: c.id,
    state: LEGACY_STATE[c.state],
    'from-number': c.from,
    'to-number': c.to,
    'from-name': c.fromName ?? '',
    'to-name': c.toName ?? '',
    extension: [c.from, c.to].filter(isLocal).map((n) => `*${n}`),
    connect: c.state === 'ringing' ? '' : String(c.start),
  };
  if (c.recording) out.rec = 'adhoc';
  return out;
}

/** A `calls` field: an array, or an object keyed by call id (the excerpt shows braces [S1]). */
export function renderCalls(
  calls: Iterable<SimCall>,
  shape: CallShape,
  container: 'array' | 'map',
  domain: string,
  isLocal: (n: string) => boolean,
): unknown {
  const list = [...calls].map((c) => renderCall(c, shape, domain, isLocal));
  if (container === 'array') return list;
  const map: Record<string, unknown> = {};
  for (const c of list) map[String(c.id)] = c;
  return map;
}
