import { attachConnection, NodeConnection, keysOf, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/** Any event the PBX sends, by name (`msg.topic` = event name), unnormalized. */
export = function (RED: NodeAPI): void {
  function EventIn(this: Node, def: UserNodeDef & { events?: string }): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (!(conn instanceof NodeConnection)) return;
    for (const name of keysOf(def.events)) conn.watch('event', name);
  }
  RED.nodes.registerType('pbx-event', EventIn);
};
