import { attachConnection, field, onInput, payloadFields, required, type UserNodeDef } from './node-kit';
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
    if (typeof conn !== 'string') {
      if (hw) conn.watch('signaling', hw);
      else this.status({ fill: 'red', shape: 'ring', text: "property 'hw' is missing" });
    }
    onInput(this, conn, (c, msg, send, done) => {
      if (def.mode !== 'control') throw new Error("property 'mode' is 'monitor': set it to 'control' to send Signaling");
      const fields = payloadFields(msg);
      if (fields.call === undefined) throw new Error("property 'call' is missing in msg.payload");
      // EpSignal: `to` absent means toward the PBX, as if false (seed 003).
      if (fields.to !== undefined && typeof fields.to !== 'boolean') throw new Error("property 'to' in msg.payload must be true or false");
      if (fields.sig === null || typeof fields.sig !== 'object') throw new Error("property 'sig' in msg.payload must be an object");
      const params = { hw: required(field(msg, def, 'hw'), 'hw'), call: fields.call, to: fields.to === true, sig: fields.sig };
      c.run('signal', params, msg, send, done);
    });
  }
  RED.nodes.registerType('pbx-signaling', Signaling);
};
