import { attachConnection, NodeConnection, keysOf, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

interface DeviceInDef extends UserNodeDef {
  domainIds?: string;
  categories?: string;
}

/** Device inventory: a snapshot on start and after every reconnect, then one message per change. */
export = function (RED: NodeAPI): void {
  function DeviceIn(this: Node, def: DeviceInDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (!(conn instanceof NodeConnection)) return;
    const domainIds = keysOf(def.domainIds).filter((k) => k !== '*');
    const categories = keysOf(def.categories).filter((k) => k !== '*');
    // Nodes with the same filter share one monitor; the key carries the filter to the adapter.
    const key = domainIds.length || categories.length ? JSON.stringify({ domainIds, categories }) : '*';
    conn.watch('device', key);
  }
  RED.nodes.registerType('pbx-device-in', DeviceIn);
};
