import { attachConnection, NodeConnection, outputModeOf, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

/**
 * Call lifecycle: one output message per call state change (`msg.topic` = call id), or with
 * `output: records` one call record per ended call.
 */
export = function (RED: NodeAPI): void {
  function CallIn(this: Node, def: UserNodeDef & { output?: string }): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (!(conn instanceof NodeConnection)) return;
    const mode = outputModeOf(def.output, ['all', 'changes', 'records']);
    if (mode !== 'records') return conn.watch('call', '*', { changesOnly: mode === 'changes' });
    // Records come from the calls the PBX reports, so the calls are subscribed all the same.
    conn.hold('call', '*');
    conn.watch('record', '*');
  }
  RED.nodes.registerType('pbx-call-in', CallIn);
};
