import { attachConnection, NodeConnection, keysOf, outputModeOf, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/** Busy lamp field: one output message per lamp report or change (`msg.topic` = extension). */
export = function (RED: NodeAPI): void {
  function BlfIn(this: Node, def: UserNodeDef & { extensions?: string; output?: string }): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (!(conn instanceof NodeConnection)) return;
    const changesOnly = outputModeOf(def.output, ['all', 'changes']) === 'changes';
    for (const extension of keysOf(def.extensions)) conn.watch('blf', extension, { changesOnly });
  }
  RED.nodes.registerType('pbx-blf-in', BlfIn);
};
