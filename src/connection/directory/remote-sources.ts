import type { ConnectionOptions } from 'tls';
import type { ContactSource } from './source';
import type { CardDavSourceConfig, DirectoryLog, LdapSourceConfig } from './source-config';

/** The CardDAV source of a directory; `secret` is the `carddavPassword` credential. */
export function createCardDavSource(
  config: CardDavSourceConfig,
  secret: string | undefined,
  tlsOptions: ConnectionOptions,
  log: DirectoryLog,
): ContactSource {
  void [config, secret, tlsOptions, log];
  throw new Error('the carddav source is not available in this build');
}

/** The LDAP source of a directory; `secret` is the `ldapPassword` credential. */
export function createLdapSource(
  config: LdapSourceConfig,
  secret: string | undefined,
  tlsOptions: ConnectionOptions,
  log: DirectoryLog,
): ContactSource {
  void [config, secret, tlsOptions, log];
  throw new Error('the ldap source is not available in this build');
}
