import { attachConnection, onInput, payloadFields, required, typedValue, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

interface MakeCallDef extends UserNodeDef {
  from?: string;
  fromType?: string;
  to?: string;
  toType?: string;
}

const blank = (v: unknown): boolean => v === undefined || v === null || String(v).trim() === '';

/** Starts a call from `from` (whose phone rings first) to `to`; result `{callId}` where known. */
export = function (RED: NodeAPI): void {
  function MakeCall(this: Node, def: MakeCallDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    onInput(RED, this, conn, (c, msg, send, done) => {
      Promise.all([
        typedValue(RED, this, msg, def.from ?? 'payload.from', def.fromType ?? 'msg'),
        typedValue(RED, this, msg, def.to ?? 'payload.to', def.toType ?? 'msg'),
      ]).then(([from, to]) => {
        let params;
        try {
          // `from` may be empty here: Vodia calls from the connection's extension; the vendors
          // that need it (onlinePBX, innovaphone RCC) fail with a text naming it.
          params = {
            ...payloadFields(msg),
            from: blank(from) ? undefined : required(from, 'from'),
            to: required(to, 'to'),
          };
        } catch (err) {
          return done(err as Error);
        }
        c.run('makeCall', params, msg, send, done);
      }, done);
    });
  }
  RED.nodes.registerType('pbx-make-call', MakeCall);
};
