import type { BackoffPolicy } from '../connection/backoff';
import { PbxConnection } from '../connection/pbx-connection';
import { adapterFactory } from '../connection/vendors';
import { registerAdminRoutes } from './connection-admin';
import { connectionSettings, type ConnectionDef, type ConnectionNode } from './connection-settings';
import { attachNames, type DirectoryNode } from './directory-settings';
import { nodeLog } from './node-kit';
import { localError, SHARED } from './node-errors';
import type { NodeAPI } from './red';

/** Names from the connection's `pbx-directory`, and its users into the directory's `pbx` source; returns the detach. */
function useDirectory(RED: NodeAPI, connection: PbxConnection, directoryId: unknown): () => void {
  const node = directoryId ? (RED.nodes.getNode(String(directoryId)) as DirectoryNode | null) : null;
  if (!node?.directory) return () => {};
  const directory = node.directory;
  connection.useDirectory(directory);
  const detach = attachNames(node, connection.names);
  const stopNumbering = connection.onNumbering((numbering) => directory.useNumbering(numbering));
  return () => {
    stopNumbering();
    detach();
    connection.useDirectory(undefined);
  };
}

export = function (RED: NodeAPI): void {
  function PbxConnectionNode(this: ConnectionNode, def: ConnectionDef): void {
    RED.nodes.createNode(this, def);
    let settings;
    try {
      settings = connectionSettings(RED, def, this.credentials);
    } catch (err) {
      this.configError = localError(RED, err).message;
      this.error(RED._(`${SHARED}errors.configuration`, { detail: this.configError }));
      return;
    }
    const connection = new PbxConnection(settings, adapterFactory(settings.vendor), {
      backoff: RED.settings.pbxConnectionBackoff as BackoffPolicy | undefined,
      log: nodeLog(this),
    });
    this.connection = connection;
    const detachDirectory = useDirectory(RED, connection, def.directory);
    // As core MQTT waits for its client's close: the PBX sees the socket go before the next
    // deploy logs in again (the wait is capped: see GOODBYE_MS).
    this.on('close', (_removed, done) => {
      detachDirectory();
      void connection.close().then(() => done());
    });
  }

  RED.nodes.registerType('pbx-connection', PbxConnectionNode, {
    credentials: {
      password: { type: 'password' },
      apiKey: { type: 'password' },
      adminUser: { type: 'text' },
      adminPassword: { type: 'password' },
    },
    settings: {
      pbxConnectionBackoff: { value: { baseMs: 1000, capMs: 30000, jitter: 0.5 }, exportable: false },
      pbxConnectionLoginTimeout: { value: 15000, exportable: false },
      pbxConnectionKeepalive: { value: 30000, exportable: false },
    },
  });
  registerAdminRoutes(RED);
};
