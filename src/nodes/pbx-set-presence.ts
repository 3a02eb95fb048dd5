import { attachConnection, field, onInput, required, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

interface SetPresenceDef extends UserNodeDef {
  sip?: string;
  contact?: string;
  activity?: string;
  note?: string;
}

/** Sets a user's presence (innovaphone SetPresence); each property overridable from msg.payload. */
export = function (RED: NodeAPI): void {
  function SetPresence(this: Node, def: SetPresenceDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    onInput(RED, this, conn, (c, msg, send, done) => {
      const params = {
        sip: required(field(msg, def, 'sip'), 'sip'),
        contact: String(field(msg, def, 'contact') ?? 'tel:'),
        activity: String(field(msg, def, 'activity') ?? ''),
        note: String(field(msg, def, 'note') ?? ''),
      };
      c.run('setPresence', params, msg, send, done);
    });
  }
  RED.nodes.registerType('pbx-set-presence', SetPresence);
};
