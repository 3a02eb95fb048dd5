import { attachConnection, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/** Call lifecycle: one output message per call state change (`msg.topic` = call id). */
export = function (RED: NodeAPI): void {
  function CallIn(this: Node, def: UserNodeDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (typeof conn === 'string') return;
    conn.watch('call', '*');
  }
  RED.nodes.registerType('pbx-call-in', CallIn);
};
