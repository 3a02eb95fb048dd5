import { attachConnection, onInput, payloadFields, required, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/** Acts on a call: `action` from the node or `msg.action`, the call from `msg.payload.callId`. */
export = function (RED: NodeAPI): void {
  function CallControl(this: Node, def: UserNodeDef & { action?: string }): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    onInput(RED, this, conn, (c, msg, send, done) => {
      const fields = payloadFields(msg);
      const action = required(msg.action || def.action, 'action');
      const callId = required(fields.callId, 'callId');
      c.run('callControl', { ...fields, action, callId }, msg, send, done);
    });
  }
  RED.nodes.registerType('pbx-call-control', CallControl);
};
