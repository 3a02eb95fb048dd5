import { constants } from 'crypto';
import type { ConnectionOptions } from 'tls';
import { VENDORS, type VendorId } from '../model/types';
import type { ConnectionSettings } from '../protocols/common/adapter';
import type { PbxConnection } from '../connection/pbx-connection';
import type { Node, NodeAPI, NodeDef, TlsConfigNode } from './red';

export interface ConnectionNode extends Node {
  /** Undefined when the configuration is unusable; `configError` then says why. */
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
 * tls-config node. Throws a text naming the property when the configuration cannot work.
 */
export function connectionSettings(
  RED: NodeAPI,
  def: ConnectionDef,
  credentials: Record<string, string | undefined> | undefined,
): ConnectionSettings {
  const vendor = String(def.vendor ?? '') as VendorId;
  if (!VENDORS.includes(vendor)) throw new Error(`property 'vendor' must be one of ${VENDORS.join(', ')}`);
  const apiVersion = String(def.apiVersion || '2');
  const domain = String(def.domain ?? '').trim();
  const url = String(def.url ?? '').trim();
  if (!url && !(vendor === 'onlinepbx' && domain)) throw new Error(`property 'url' is missing`);
  if ((vendor === 'onlinepbx' || vendor === 'vodia') && !domain) throw new Error(`property 'domain' is missing`);
  if (vendor === 'vodia' && !String(def.user ?? '').trim()) throw new Error(`property 'user' is missing`);
  const authMode = vendor === 'vodia' && def.authMode === 'admin' ? 'admin' : 'user';
  const adminUser = String(credentials?.adminUser ?? '').trim();
  if (authMode === 'admin' && !adminUser) throw new Error(`property 'adminUser' is missing (admin login)`);
  const tls: ConnectionOptions = {};
  if (def.tls) {
    const tlsNode = RED.nodes.getNode(def.tls) as TlsConfigNode | null;
    if (!tlsNode) throw new Error(`property 'tls' names a tls-config node that does not exist`);
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

function numberSetting(RED: NodeAPI, name: string, fallback: number): number {
  const v = Number(RED.settings[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
