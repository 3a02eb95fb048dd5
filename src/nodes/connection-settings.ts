import type { ConnectionOptions } from 'tls';
import type { PbxConnection } from '../connection/pbx-connection';
import { vendorNamed } from '../connection/vendors';
import type { ConnectionSettings } from '../protocols/common/adapter';
import { SettingError } from '../protocols/common/vendor';
import { NodeError } from './node-errors';
import type { Node, NodeAPI, NodeDef, TlsConfigNode } from './red';

export interface ConnectionNode extends Node {
  /** Undefined when the configuration is unusable; `configError` then says why (translated). */
  connection?: PbxConnection;
  configError?: string;
}

/** The editor properties: `vendor` and `tls` here; the rest is the vendor's (its descriptor reads them). */
export interface ConnectionDef extends NodeDef {
  vendor?: string;
  /** The id of a core tls-config node. */
  tls?: string;
}

const DEFAULT_LOGIN_TIMEOUT_MS = 15000;
const DEFAULT_KEEPALIVE_MS = 30000;

/**
 * Builds the adapter settings from the editor properties, the credentials (both read by the
 * vendor's descriptor), the optional tls-config node and the runtime settings. Throws a
 * NodeError naming the property when the configuration cannot work.
 */
export function connectionSettings(
  RED: NodeAPI,
  def: ConnectionDef,
  credentials: Record<string, string | undefined> | undefined,
): ConnectionSettings {
  let vendor;
  let options;
  try {
    vendor = vendorNamed(def.vendor);
    options = vendor.settings(def, credentials ?? {});
  } catch (err) {
    throw err instanceof SettingError ? new NodeError(err.code, err.key, err.params) : err;
  }
  const tls = tlsOptions(RED, def.tls);
  return {
    ...options,
    vendor: vendor.id,
    tls: vendor.adjustTls ? vendor.adjustTls(options, tls) : tls,
    loginTimeoutMs: numberSetting(RED, 'pbxConnectionLoginTimeout', DEFAULT_LOGIN_TIMEOUT_MS),
    keepaliveMs: numberSetting(RED, 'pbxConnectionKeepalive', DEFAULT_KEEPALIVE_MS),
  };
}

export function tlsOptions(RED: NodeAPI, tlsNodeId: string | undefined): ConnectionOptions {
  const tls: ConnectionOptions = {};
  if (tlsNodeId) {
    const tlsNode = RED.nodes.getNode(tlsNodeId) as TlsConfigNode | null;
    if (!tlsNode) throw new NodeError('PBX_INVALID_INPUT', 'tlsUnknown');
    tlsNode.addTLSOptions(tls);
  }
  return tls;
}

function numberSetting(RED: NodeAPI, name: string, fallback: number): number {
  const v = Number(RED.settings[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
