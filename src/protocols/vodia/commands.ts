import type { VodiaCall } from './normalize';
import { PbxRequestError, UnsupportedError } from '../common/errors';
import type { CallControlParams, MakeCallParams } from '../common/operations';
import { paramTextOf } from '../common/values';

/**
 * Operation params -> the third-party call control actions of the Vodia portal [S11]. The PBX
 * does not answer them; the outcome shows in the next `call-state`.
 */
export interface ActionFrame {
  action: string;
  fields: Record<string, unknown>;
}

function need(v: unknown, what: string): string {
  const s = paramTextOf(v);
  if (!s) throw new PbxRequestError(`vodia: ${what} is missing`);
  return s;
}

/** The extension of `user` (`41@tenant` -> `41`). */
export function extensionOf(user: string): string {
  const at = user.indexOf('@');
  return at < 0 ? user : user.slice(0, at);
}

/**
 * `make-call` rings the socket's own extension first, then `to` (click-to-dial) [S11]; it has
 * no `from`, so a call from another extension cannot be started over this socket.
 */
export function makeCallFrame({ from, to: given }: MakeCallParams, own: string): ActionFrame {
  const to = need(given, "'to'");
  if (from && extensionOf(from) !== own) {
    throw new PbxRequestError(
      `vodia: make-call rings the connection's own extension ${own}; it cannot call from ${from}`,
    );
  }
  return { action: 'make-call', fields: { to } };
}

/**
 * `call` is the call `callId` names, `consult` the one `toCallId` names (both where known). A
 * transfer with a second call (`toCallId`) is attended, as on the other vendors, unless
 * `attended` is false; its target defaults to the other party of that second call.
 */
export function callControlFrame(
  params: CallControlParams,
  own: string,
  call: VodiaCall | undefined,
  consult?: VodiaCall,
): ActionFrame {
  const { action } = params;
  const id = need(params.callId, 'callId');
  switch (action) {
    case 'answer':
      return { action: 'accept-call', fields: { id } };
    case 'hold':
      return { action: 'hold-call', fields: { id } };
    case 'hangup': {
      // The portal tells the PBX whether the call was answered ("true"/"false" as strings).
      const connected = params.connected ?? (call ? call.state === 'connected' || call.state === 'held' : true);
      return { action: 'clear-call', fields: { id, connected: String(connected) } };
    }
    case 'transfer': {
      const from = params.from ?? own;
      const second = params.toCallId ?? params.id2;
      const attended = params.attended === true || (!!second && params.attended !== false);
      if (attended) {
        const id2 = need(second, "attended transfer: the consultation call 'toCallId'");
        const other = consult && (consult.from === from ? consult.to : consult.from);
        const to = need(params.to ?? other, "attended transfer target 'to'");
        return { action: 'att-transfer', fields: { id, from, id2, to } };
      }
      const to = need(params.to, "transfer target 'to'");
      return { action: 'blind-transfer', fields: { id, from, to } };
    }
    case 'record': {
      const off = params.startstop === 'off' || params.record === false || params.stop === true;
      return { action: 'rec-call', fields: { id, startstop: off ? 'off' : 'on' } };
    }
    default:
      throw new UnsupportedError(`vodia does not support call control action '${action}'`);
  }
}

/**
 * `pbx-command`: any action with the params as its fields. `chat` gets the portal's field
 * names [S11]: `dest` (also from `to`), `message` (also from `text`), `src` defaulting to the
 * connection's extension. (`sip-register` is refused where every frame is sent: adapter.send.)
 */
export function commandFrame(command: string, params: Record<string, unknown>, own: string): ActionFrame {
  if (command !== 'chat') return { action: command, fields: params };
  const { to, text, ...rest } = params;
  const dest = need(rest.dest ?? to, "chat: the receiving extension 'dest' (or 'to')");
  const body = rest.message ?? text;
  if ((typeof body !== 'string' || !body) && typeof body !== 'number')
    throw new PbxRequestError("vodia: chat: 'message' (or 'text') is missing");
  const message = String(body);
  return { action: 'chat', fields: { ...rest, src: paramTextOf(rest.src) ?? own, dest, message } };
}
