import { attachConnection, onInput, payloadFields, required, typedValue, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

interface MakeCallDef extends UserNodeDef {
  from?: string;
  fromType?: string;
  to?: string;
  toType?: string;
}

/** Starts a call from `from` (whose phone rings first) to `to`; result `{callId}` where known. */
export = function (RED: NodeAPI): void {
  function MakeCall(this: Node, def: MakeCallDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    onInput(this, conn, (c, msg, send, done) => {
      Promise.all([
        typedValue(RED, this, msg, def.from ?? 'payload.from', def.fromType ?? 'msg'),
        typedValue(RED, this, msg, def.to ?? 'payload.to', def.toType ?? 'msg'),
      ]).then(([from, to]) => {
        let params;
        try {
          params = { ...payloadFields(msg), from: required(from, 'from'), to: required(to, 'to') };
        } catch (err) {
          return done(err as Error);
        }
        c.run('makeCall', params, msg, send, done);
      }, done);
    });
  }
  RED.nodes.registerType('pbx-make-call', MakeCall);
};
