import { attachConnection, NodeConnection, field, onInput, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

interface ProvisionDef extends UserNodeDef {
  category?: string;
  sip?: string;
  rollout?: string;
  domainId?: string;
}

/**
 * Provisioning codes: an input asks for a code (output 1 gets `{code, validUntil}`); output 2
 * gets `{code, device}` whenever a phone was provisioned, also with codes not asked for here.
 */
export = function (RED: NodeAPI): void {
  function DeviceProvisioned(this: Node, def: ProvisionDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    if (conn instanceof NodeConnection) conn.watch('provisioning', '*', { output: 1, outputs: 2 });
    onInput(RED, this, conn, (c, msg, send, done) => {
      const params: Record<string, unknown> = {};
      // `administrative` (seed 004) has no property: msg.payload only.
      for (const name of ['category', 'sip', 'rollout', 'domainId', 'administrative'])
        params[name] = field(msg, def, name);
      c.run('provisioningCode', params, msg, (m) => send([m as never, null]), done);
    });
  }
  RED.nodes.registerType('pbx-device-provisioned', DeviceProvisioned);
};
