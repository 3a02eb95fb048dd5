import { attachConnection, keysOf, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/** Busy lamp field: one output message per lamp change (`msg.topic` = extension). */
export = function (RED: NodeAPI): void {
  function BlfIn(this: Node, def: UserNodeDef & { extensions?: string }): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (typeof conn === 'string') return;
    for (const extension of keysOf(def.extensions)) conn.watch('blf', extension);
  }
  RED.nodes.registerType('pbx-blf-in', BlfIn);
};
