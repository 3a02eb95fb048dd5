import { answerAll, answerKey, type StateCondition } from '../connection/state-query';
import { STATE_KINDS, type StateKind } from '../model/types';
import { attachConnection, NodeConnection, onInput, payloadFields, type UserNodeDef } from './node-kit';
import { NodeError } from './node-errors';
import type { Node, NodeAPI, NodeMessage } from './red';

interface StateDef extends UserNodeDef {
  kind?: string;
  key?: string;
  is?: string;
  forSeconds?: string | number;
}

/** The payload field that names the key of each kind when the node has none. */
const KEY_FIELD: Record<StateKind, string> = { presence: 'user', blf: 'extension', call: 'callId' };

/**
 * Current state from the connection's state store, without asking the PBX. With `is` set the
 * node has two outputs: 1 = the condition holds, 2 = it does not (or the key is unknown).
 */
export = function (RED: NodeAPI): void {
  function PbxState(this: Node, def: StateDef): void {
    RED.nodes.createNode(this, def);
    const kind: StateKind = STATE_KINDS.includes(def.kind as StateKind) ? (def.kind as StateKind) : 'presence';
    const key = String(def.key ?? '').trim();
    const is = String(def.is ?? '').trim();
    const condition: StateCondition | undefined = is
      ? { is, forMs: Math.max(0, Number(def.forSeconds) || 0) * 1000 }
      : undefined;
    const conn = attachConnection(RED, this, def);
    const supported = conn instanceof NodeConnection && conn.connection.supportsChannel(kind);
    // A configured key is held like an input node's, so its answer exists when asked; the view only reads.
    const view =
      conn instanceof NodeConnection
        ? conn.view({ kinds: [kind], keys: key ? [key] : null, hold: supported && !!key }, {})
        : undefined;
    onInput(RED, this, conn, (c, msg, send, done) => {
      if (!supported || !view) throw new NodeError('PBX_UNSUPPORTED', 'notReported', { vendor: c.vendor, kind });
      const wanted = key || keyOf(msg, kind);
      const connected = view.state === 'connected';
      msg.vendor = c.vendor;
      if (wanted) {
        const answer = answerKey(view, kind, wanted, connected, condition, Date.now());
        msg.topic = wanted;
        msg.payload = answer.payload;
        msg.known = answer.known;
        msg.stale = answer.stale;
        msg.since = answer.since;
        send(condition ? (answer.holds ? [msg, null] : [null, msg]) : msg);
        return done();
      }
      const answer = answerAll(view, kind, connected, condition, Date.now());
      msg.topic = kind;
      msg.known = answer.known;
      msg.stale = answer.stale;
      delete msg.since;
      if (!condition) {
        msg.payload = answer.matching;
        send(msg);
        return done();
      }
      // Output 1 the entries that match (when any do), output 2 the rest (an empty array when none match).
      const rest = answer.rest.length || !answer.matching.length ? { ...msg, payload: answer.rest } : null;
      if (answer.matching.length) msg.payload = answer.matching;
      // Two sends, not one with both: Node-RED deep-copies every message of a send but the first,
      // which for 10,000 entries costs more than the query. Both are fresh copies already.
      if (answer.matching.length) send([msg, null]);
      if (rest) send([null, rest]);
      done();
    });
  }
  RED.nodes.registerType('pbx-state', PbxState);
};

function keyOf(msg: NodeMessage, kind: StateKind): string {
  const v = payloadFields(msg)[KEY_FIELD[kind]];
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}
