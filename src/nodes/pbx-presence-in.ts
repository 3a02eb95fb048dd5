import { attachConnection, NodeConnection, keysOf, outputModeOf, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/** Presence of users: one output message per presence report or change (`msg.topic` = user). */
export = function (RED: NodeAPI): void {
  function PresenceIn(this: Node, def: UserNodeDef & { users?: string; output?: string }): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (!(conn instanceof NodeConnection)) return;
    const changesOnly = outputModeOf(def.output, ['all', 'changes']) === 'changes';
    for (const user of keysOf(def.users)) conn.watch('presence', user, { changesOnly });
  }
  RED.nodes.registerType('pbx-presence-in', PresenceIn);
};
