import {
  attachConnection,
  NodeConnection,
  field,
  onInput,
  payloadFields,
  required,
  type UserNodeDef,
} from './node-kit';
import { NodeError, SHARED } from './node-errors';
import type { Node, NodeAPI } from './red';

interface SignalingDef extends UserNodeDef {
  hw?: string;
  mode?: string;
}

/**
 * EpSignal for one device: the connection relays every Signaling unchanged (the device's calls
 * depend on it) and this node gets a copy; in `control` mode the flow may send Signaling too.
 */
export = function (RED: NodeAPI): void {
  function Signaling(this: Node, def: SignalingDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    const hw = String(def.hw ?? '').trim();
    if (conn instanceof NodeConnection) {
      if (hw) conn.watch('signaling', hw);
      else this.status({ fill: 'red', shape: 'ring', text: `${SHARED}status.hwMissing` });
    }
    onInput(RED, this, conn, (c, msg, send, done) => {
      if (def.mode !== 'control') throw new NodeError('PBX_INVALID_INPUT', 'signalingMonitor');
      const fields = payloadFields(msg);
      if (fields.call === undefined) throw new NodeError('PBX_MISSING_PROPERTY', 'missingInPayload', { name: 'call' });
      // EpSignal: `to` absent means toward the PBX, as if false (seed 003).
      if (fields.to !== undefined && typeof fields.to !== 'boolean')
        throw new NodeError('PBX_INVALID_INPUT', 'notBoolean', { name: 'to' });
      if (fields.sig === null || typeof fields.sig !== 'object')
        throw new NodeError('PBX_INVALID_INPUT', 'notObject', { name: 'sig' });
      const params = {
        hw: required(field(msg, def, 'hw'), 'hw'),
        call: fields.call,
        to: fields.to === true,
        sig: fields.sig,
      };
      c.run('signal', params, msg, send, done);
    });
  }
  RED.nodes.registerType('pbx-signaling', Signaling);
};
