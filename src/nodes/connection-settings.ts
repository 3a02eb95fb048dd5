import { constants } from 'crypto';
import type { ConnectionOptions } from 'tls';
import { VENDORS, type VendorId } from '../model/types';
import type { ConnectionSettings } from '../protocols/common/adapter';
import type { PbxConnection } from '../connection/pbx-connection';
import { NodeError } from './node-errors';
import type { Node, NodeAPI, NodeDef, TlsConfigNode } from './red';

export interface ConnectionNode extends Node {
  /** Undefined when the configuration is unusable; `configError` then says why (translated). */
  connection?: PbxConnection;
  configError?: string;
}

export interface ConnectionDef extends NodeDef {
  vendor?: string;
  url?: string;
  domain?: string;
  app?: string;
  user?: string;
  apiVersion?: string;
  tls?: string;
  /** vodia: `user` (the extension's password, default) or `admin` (third-party login). */
  authMode?: string;
  /** vodia: accept a PBX without secure TLS renegotiation (Vodia 67). */
  legacyTls?: boolean | string;
}

const DEFAULT_LOGIN_TIMEOUT_MS = 15000;
const DEFAULT_KEEPALIVE_MS = 30000;

/**
 * Builds the adapter settings from the editor properties, the credentials and the optional
 * tls-config node. Throws a NodeError naming the property when the configuration cannot work.
 */
export function connectionSettings(
  RED: NodeAPI,
  def: ConnectionDef,
  credentials: Record<string, string | undefined> | undefined,
): ConnectionSettings {
  const vendor = String(def.vendor ?? '') as VendorId;
  if (!VENDORS.includes(vendor)) throw new NodeError('PBX_INVALID_INPUT', 'vendorUnknown', { vendors: VENDORS.join(', ') });
  const apiVersion = String(def.apiVersion || '2');
  const domain = String(def.domain ?? '').trim();
  const url = String(def.url ?? '').trim();
  if (!url && !(vendor === 'onlinepbx' && domain)) throw missing('url');
  if ((vendor === 'onlinepbx' || vendor === 'vodia') && !domain) throw missing('domain');
  if (vendor === 'vodia' && !String(def.user ?? '').trim()) throw missing('user');
  const authMode = vendor === 'vodia' && def.authMode === 'admin' ? 'admin' : 'user';
  const adminUser = String(credentials?.adminUser ?? '').trim();
  if (authMode === 'admin' && !adminUser) throw new NodeError('PBX_MISSING_PROPERTY', 'adminUserMissing');
  const tls: ConnectionOptions = {};
  if (def.tls) {
    const tlsNode = RED.nodes.getNode(def.tls) as TlsConfigNode | null;
    if (!tlsNode) throw new NodeError('PBX_INVALID_INPUT', 'tlsUnknown');
    tlsNode.addTLSOptions(tls);
  }
  // Vodia 67 lacks RFC 5746 secure renegotiation, which OpenSSL 3 refuses by default [S9][S13]:
  // allowed only when the user asks for it, as it weakens TLS for this connection.
  if (vendor === 'vodia' && (def.legacyTls === true || def.legacyTls === 'true')) {
    tls.secureOptions = (tls.secureOptions ?? 0) | constants.SSL_OP_LEGACY_SERVER_CONNECT;
  }
  return {
    vendor,
    url,
    domain,
    app: String(def.app ?? '').trim(),
    user: String(def.user ?? '').trim(),
    apiVersion,
    password: credentials?.password ?? '',
    apiKey: credentials?.apiKey ?? '',
    authMode,
    adminUser,
    adminPassword: credentials?.adminPassword ?? '',
    tls,
    loginTimeoutMs: numberSetting(RED, 'pbxConnectionLoginTimeout', DEFAULT_LOGIN_TIMEOUT_MS),
    keepaliveMs: numberSetting(RED, 'pbxConnectionKeepalive', DEFAULT_KEEPALIVE_MS),
  };
}

function missing(name: string): NodeError {
  return new NodeError('PBX_MISSING_PROPERTY', 'missingSetting', { name });
}

function numberSetting(RED: NodeAPI, name: string, fallback: number): number {
  const v = Number(RED.settings[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
