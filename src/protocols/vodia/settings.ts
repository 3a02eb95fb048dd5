import { constants } from 'crypto';
import type { ConnectionOptions } from 'tls';
import { flagSetting, requiredSetting, SettingError, type SettingSecrets, type SettingSource } from '../common/vendor';

export interface VodiaOptions {
  url: string;
  domain: string;
  /** The extension whose view the connection has. */
  user: string;
  /** The extension's own password (`authMode` `user`). */
  password: string;
  /**
   * `user` logs in with the extension's own password (MD5 `auth`, the default);
   * `admin` mints a third-party session for the extension with `adminUser`/`adminPassword`.
   */
  authMode: 'user' | 'admin';
  adminUser: string;
  adminPassword: string;
  /** Accept a PBX without secure TLS renegotiation (Vodia 67). */
  legacyTls: boolean;
}

export function vodiaOptions(def: SettingSource, credentials: SettingSecrets): VodiaOptions {
  const url = requiredSetting(def, 'url');
  const domain = requiredSetting(def, 'domain');
  const user = requiredSetting(def, 'user');
  const authMode = def.authMode === 'admin' ? 'admin' : 'user';
  const adminUser = String(credentials.adminUser ?? '').trim();
  if (authMode === 'admin' && !adminUser) throw new SettingError('PBX_MISSING_PROPERTY', 'adminUserMissing');
  return {
    url,
    domain,
    user,
    password: credentials.password ?? '',
    authMode,
    adminUser,
    adminPassword: credentials.adminPassword ?? '',
    legacyTls: flagSetting(def, 'legacyTls'),
  };
}

/**
 * Vodia 67 lacks RFC 5746 secure renegotiation, which OpenSSL 3 refuses by default [S9][S13]:
 * allowed only when the user asks for it, as it weakens TLS for this connection.
 */
export function vodiaTls(options: VodiaOptions, tls: ConnectionOptions): ConnectionOptions {
  if (!options.legacyTls) return tls;
  return { ...tls, secureOptions: (tls.secureOptions ?? 0) | constants.SSL_OP_LEGACY_SERVER_CONNECT };
}
