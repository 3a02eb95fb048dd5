import type { ConnectionOptions } from 'tls';
import { CardDavSource } from './carddav/carddav-source';
import { LdapSource } from './ldap/ldap-source';
import type { ContactSource } from './source';
import { refreshMsOf, type CardDavSourceConfig, type DirectoryLog, type LdapSourceConfig } from './source-config';

/** NODES.md "Who", source `ldap`: people with any phone attribute. */
const DEFAULT_LDAP_FILTER = '(&(objectClass=person)(|(telephoneNumber=*)(mobile=*)(homePhone=*)(ipPhone=*)))';
const DEFAULT_NAME_ATTRIBUTES = ['displayName', 'cn'];
const DEFAULT_NUMBER_ATTRIBUTES = ['telephoneNumber', 'mobile', 'homePhone', 'ipPhone'];

/**
 * The CardDAV source of a directory; `secret` is the `carddavPassword` credential. Throws a clear
 * text for a URL that is no http(s) URL (a user written into it counts when `user` is empty; a
 * password written into it is dropped, never shown).
 */
export function createCardDavSource(
  config: CardDavSourceConfig,
  secret: string | undefined,
  tlsOptions: ConnectionOptions,
  log: DirectoryLog,
): ContactSource {
  const url = parseUrl(config.url, ['http:', 'https:'], 'CardDAV');
  const user = config.user?.trim() || decodeURIComponent(url.username);
  url.username = '';
  url.password = '';
  const label = config.label || 'carddav';
  return new CardDavSource(label, url, user, secret ?? '', tlsOptions, refreshMsOf(config.refreshMinutes), log);
}

/** The LDAP source of a directory; `secret` is the `ldapPassword` credential. */
export function createLdapSource(
  config: LdapSourceConfig,
  secret: string | undefined,
  tlsOptions: ConnectionOptions,
  _log: DirectoryLog,
): ContactSource {
  const url = parseUrl(config.url, ['ldap:', 'ldaps:'], 'LDAP');
  return new LdapSource({
    label: config.label || 'ldap',
    url: `${url.protocol}//${url.host}`,
    bindDn: config.bindDn?.trim() ?? '',
    password: secret ?? '',
    base: config.base?.trim() ?? '',
    filter: config.filter?.trim() || DEFAULT_LDAP_FILTER,
    nameAttributes: attributeList(config.nameAttributes, DEFAULT_NAME_ATTRIBUTES),
    numberAttributes: attributeList(config.numberAttributes, DEFAULT_NUMBER_ATTRIBUTES),
    groupAttribute: config.groupAttribute?.trim() ?? '',
    refreshMs: refreshMsOf(config.refreshMinutes),
    tls: tlsOptions,
  });
}

function attributeList(given: string[] | string | undefined, fallback: string[]): string[] {
  const list = (Array.isArray(given) ? given : (given ?? '').split(',')).map((a) => String(a).trim()).filter((a) => a);
  return list.length > 0 ? list : fallback;
}

function parseUrl(text: string | undefined, protocols: string[], what: string): URL {
  let url: URL;
  try {
    url = new URL(String(text ?? '').trim());
  } catch {
    throw new Error(`${what}: not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new Error(`${what}: the URL must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  }
  return url;
}
