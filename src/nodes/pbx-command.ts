import { attachConnection, onInput, payloadFields, required, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI } from './red';

interface CommandDef extends UserNodeDef {
  command?: string;
  api?: string;
  timeout?: string | number;
}

/** Any request by name; parameters from msg.payload, the PBX's answer in msg.payload. */
export = function (RED: NodeAPI): void {
  function Command(this: Node, def: CommandDef): void {
    RED.nodes.createNode(this, def);
    const conn = attachConnection(RED, this, def);
    onInput(RED, this, conn, (c, msg, send, done) => {
      const params = { ...payloadFields(msg) };
      const command = required(def.command || params.command, 'command');
      const api = def.api || params.api;
      if (!def.command) delete params.command;
      if (!def.api) delete params.api;
      c.run('command', { command, api: api ? String(api) : undefined, params }, msg, send, done, def.timeout);
    });
  }
  RED.nodes.registerType('pbx-command', Command);
};
