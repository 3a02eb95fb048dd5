import type { BackoffPolicy } from '../connection/backoff';
import { PbxConnection } from '../connection/pbx-connection';
import { adapterFactory } from '../connection/vendors';
import { registerAdminRoutes } from './connection-admin';
import { connectionSettings, type ConnectionDef, type ConnectionNode } from './connection-settings';
import { localError, SHARED } from './node-errors';
import type { NodeAPI } from './red';

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
    const log = (level: string, text: string): void => {
      if (level === 'debug') this.debug(text);
      else if (level === 'info') this.log(text);
      else this.warn(text);
    };
    const connection = new PbxConnection(settings, adapterFactory(settings.vendor), {
      backoff: RED.settings.pbxConnectionBackoff as BackoffPolicy | undefined,
      log,
    });
    this.connection = connection;
    // As core MQTT waits for its client's close: the PBX sees the socket go before the next
    // deploy logs in again (the wait is capped: see GOODBYE_MS).
    this.on('close', (_removed, done) => {
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
