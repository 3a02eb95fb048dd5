import { attachConnection, NodeConnection, onInput, payloadFields, required, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/**
 * Favourites: outputs the whole current profile on start and after every change; an input with
 * `msg.payload.action` edits it.
 */
export = function (RED: NodeAPI): void {
  function Profile(this: Node, def: UserNodeDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (conn instanceof NodeConnection) conn.watch('profile', '*');
    onInput(RED, this, conn, (c, msg, send, done) => {
      const fields = payloadFields(msg);
      required(fields.action, 'action');
      c.run('profile', fields, msg, send, done);
    });
  }
  RED.nodes.registerType('pbx-profile', Profile);
};
