/**
 * socket.io protocol revision 1 ("0.9"), the subset onlinePBX WebSockets API 2.0 uses: the
 * handshake answer and the packet grammar `type ":" [id ["+"]] ":" [endpoint] [":" data]`.
 * Pure functions, no I/O.
 */

export type PacketType =
  'disconnect' | 'connect' | 'heartbeat' | 'message' | 'json' | 'event' | 'ack' | 'error' | 'noop';

const TYPES: readonly PacketType[] = [
  'disconnect',
  'connect',
  'heartbeat',
  'message',
  'json',
  'event',
  'ack',
  'error',
  'noop',
];
const CODES: Record<PacketType, number> = {
  disconnect: 0,
  connect: 1,
  heartbeat: 2,
  message: 3,
  json: 4,
  event: 5,
  ack: 6,
  error: 7,
  noop: 8,
};

interface PacketBase {
  /** Message id: the sender wants an ack (`6:::<id>`) for it. */
  id?: string;
  /** `+` after the id: the ack carries data. */
  ackData?: boolean;
  /** The namespace; empty for onlinePBX. */
  endpoint: string;
}

export type Packet =
  | (PacketBase & { type: 'disconnect' | 'connect' | 'heartbeat' | 'noop' })
  | (PacketBase & { type: 'message'; data: string })
  | (PacketBase & { type: 'json'; data: unknown })
  | (PacketBase & { type: 'event'; name: string; args: unknown[]; frame: EventFrame })
  | (PacketBase & { type: 'ack'; ackId: string; args: unknown[] })
  | (PacketBase & { type: 'error'; reason: string; advice: string });

/** The JSON body of an event packet, as the PBX sent it (for `msg.raw`). */
export interface EventFrame {
  name: string;
  args: unknown[];
}

/** Reasons and advice of error packets (`7:::<reason>+<advice>`). */
export const ERROR_REASONS: Record<string, string> = {
  '0': 'transport not supported',
  '1': 'client not handshaken',
  '2': 'unauthorized',
};

/**
 * Parses one packet; undefined for anything that is not one (never throws). An event whose
 * data is not `{"name": string, "args"?: array}` is not a packet either.
 */
export function decodePacket(text: string): Packet | undefined {
  // The hot path: an event without id on the default namespace, as every onlinePBX event is.
  if (text.startsWith('5:::')) return decodeEvent(undefined, false, '', text.slice(4));
  // Hand-written rather than the reference client's regex: this runs once per packet.
  const c1 = text.indexOf(':');
  // The spec allows a bare type (`0`); the reference client would not parse it, we do.
  const typeText = c1 < 0 ? text : text.slice(0, c1);
  if (typeText.length !== 1) return undefined;
  const type = TYPES[typeText.charCodeAt(0) - 48];
  if (!type) return undefined;
  let id: string | undefined;
  let ackData = false;
  let endpoint = '';
  let data = '';
  if (c1 >= 0) {
    const c2 = text.indexOf(':', c1 + 1);
    if (c2 < 0) return undefined;
    if (c2 > c1 + 1) {
      let idText = text.slice(c1 + 1, c2);
      if (idText.endsWith('+')) {
        ackData = true;
        idText = idText.slice(0, -1);
      }
      if (!/^[0-9]+$/.test(idText)) return undefined;
      id = idText;
    }
    const c3 = text.indexOf(':', c2 + 1);
    if (c3 < 0) endpoint = text.slice(c2 + 1);
    else {
      endpoint = text.slice(c2 + 1, c3);
      data = text.slice(c3 + 1);
    }
  }
  if (type === 'event') return decodeEvent(id, ackData, endpoint, data);
  const base: PacketBase = { endpoint };
  if (id !== undefined) {
    base.id = id;
    if (ackData) base.ackData = true;
  }
  switch (type) {
    case 'message':
      return { ...base, type, data };
    case 'json': {
      const value = parseJson(data);
      return value === undefined ? undefined : { ...base, type, data: value };
    }
    case 'ack':
      return decodeAck(base, data);
    case 'error': {
      const plus = data.indexOf('+');
      return plus < 0
        ? { ...base, type, reason: data, advice: '' }
        : { ...base, type, reason: data.slice(0, plus), advice: data.slice(plus + 1) };
    }
    default:
      return { ...base, type };
  }
}

function decodeEvent(id: string | undefined, ackData: boolean, endpoint: string, data: string): Packet | undefined {
  const value = parseJson(data) as { name?: unknown; args?: unknown } | undefined;
  if (!value || typeof value !== 'object' || typeof value.name !== 'string') return undefined;
  // A stock server sends `args` always; a missing one is taken as no arguments.
  if (value.args !== undefined && !Array.isArray(value.args)) return undefined;
  const frame = value as EventFrame;
  if (frame.args === undefined) frame.args = [];
  if (id === undefined) return { type: 'event', endpoint, name: frame.name, args: frame.args, frame };
  return ackData
    ? { type: 'event', id, ackData, endpoint, name: frame.name, args: frame.args, frame }
    : { type: 'event', id, endpoint, name: frame.name, args: frame.args, frame };
}

function decodeAck(base: PacketBase, data: string): Packet | undefined {
  const plus = data.indexOf('+');
  const ackId = plus < 0 ? data : data.slice(0, plus);
  if (!/^[0-9]+$/.test(ackId)) return undefined;
  if (plus < 0) return { ...base, type: 'ack', ackId, args: [] };
  const args = parseJson(data.slice(plus + 1));
  return Array.isArray(args) ? { ...base, type: 'ack', ackId, args } : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Encodes a packet without data (`2::`, `1::`, `0::`, `8::`) or with raw data. */
export function encodePacket(type: PacketType, data?: string, id?: string, ackData = false, endpoint = ''): string {
  const head = `${CODES[type]}:${id ?? ''}${ackData ? '+' : ''}:${endpoint}`;
  return data === undefined ? head : `${head}:${data}`;
}

export const HEARTBEAT = '2::';
export const DISCONNECT = '0::';
export const CONNECT = '1::';

/** `5:::{"name":…,"args":[…]}`: one event, as onlinePBX commands and events travel. */
export function encodeEvent(name: string, args: unknown[], id?: string): string {
  return encodePacket('event', JSON.stringify({ name, args }), id, id !== undefined);
}

/** `6:::<id>+[args]`: the answer to a packet sent with an id and `+`. */
export function encodeAck(ackId: string, args?: unknown[]): string {
  return encodePacket('ack', args === undefined ? ackId : `${ackId}+${JSON.stringify(args)}`);
}

/** `7:::<reason>+<advice>`. */
export function encodeError(reason: string, advice = ''): string {
  return encodePacket('error', advice ? `${reason}+${advice}` : reason);
}

const FRAME_MARK = '\ufffd';

/**
 * Splits the `\ufffd<length>\ufffd<packet>…` framing of polling transports into packets. Over
 * a WebSocket every frame holds one packet (a stock server even drops batched WS frames,
 * measured), but a server that batches anyway is understood. Lengths count UTF-16 code units,
 * as the reference implementation's `String.length` does. A broken framing yields [].
 */
export function decodePayload(text: string): string[] {
  if (text.charAt(0) !== FRAME_MARK) return [text];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.charAt(i) !== FRAME_MARK) return [];
    const end = text.indexOf(FRAME_MARK, i + 1);
    if (end < 0) return [];
    const len = Number(text.slice(i + 1, end));
    if (!Number.isInteger(len) || len < 0 || end + 1 + len > text.length) return [];
    out.push(text.slice(end + 1, end + 1 + len));
    i = end + 1 + len;
  }
  return out;
}

/** The batched framing, for the simulator and tests. */
export function encodePayload(packets: string[]): string {
  if (packets.length === 1) return packets[0];
  return packets.map((p) => `${FRAME_MARK}${p.length}${FRAME_MARK}${p}`).join('');
}

export interface Handshake {
  sid: string;
  /** Seconds the server waits for our heartbeat echo; undefined = heartbeats off. */
  heartbeatTimeoutS?: number;
  closeTimeoutS?: number;
  transports: string[];
}

/**
 * Parses the handshake answer `sid:heartbeat:close:transports`. Undefined when the body is not
 * one (a web page, a socket.io 1+ answer, ...).
 */
export function parseHandshake(body: string): Handshake | undefined {
  const parts = body.trim().split(':');
  if (parts.length !== 4) return undefined;
  const [sid, hb, close, transports] = parts;
  // The sid goes into the WebSocket path unencoded, as the reference client sends it.
  if (!/^[A-Za-z0-9_\-+=.~]+$/.test(sid)) return undefined;
  const heartbeatTimeoutS = seconds(hb);
  const closeTimeoutS = seconds(close);
  if (heartbeatTimeoutS === null || closeTimeoutS === null) return undefined;
  const list = transports
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (!list.length) return undefined;
  const out: Handshake = { sid, transports: list };
  if (heartbeatTimeoutS !== undefined) out.heartbeatTimeoutS = heartbeatTimeoutS;
  if (closeTimeoutS !== undefined) out.closeTimeoutS = closeTimeoutS;
  return out;
}

/** Empty = off (undefined); a non-number = not a handshake (null). */
function seconds(text: string): number | undefined | null {
  if (text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : null;
}
