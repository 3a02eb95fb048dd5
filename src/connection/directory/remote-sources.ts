import type { ConnectionOptions } from 'node:tls';
import { CardDavSource } from './carddav/carddav-source';
import { LdapSource } from './ldap/ldap-source';
import type { ContactSource } from './source';

/** How a source reports what the directory should log (the directory logs its state changes itself). */
export type SourceLog = (level: 'debug' | 'info' | 'warn', text: string) => void;

/** A `carddav` source as NODES.md "Who" has it in `pbx-directory`'s `sources`. */
export interface CardDavSourceConfig {
  type: 'carddav';
  label?: string;
  url: string;
  user?: string;
  refreshMinutes?: number | string;
}

/** An `ldap` source as NODES.md "Who" has it; attribute lists as arrays or comma-separated text. */
export interface LdapSourceConfig {
  type: 'ldap';
  label?: string;
  url: string;
  bindDn?: string;
  base?: string;
  filter?: string;
  nameAttributes?: string[] | string;
  numberAttributes?: string[] | string;
  groupAttribute?: string;
  refreshMinutes?: number | string;
}

export const DEFAULT_LDAP_FILTER = '(&(objectClass=person)(|(telephoneNumber=*)(mobile=*)(homePhone=*)(ipPhone=*)))';
const DEFAULT_NAME_ATTRIBUTES = ['displayName', 'cn'];
const DEFAULT_NUMBER_ATTRIBUTES = ['telephoneNumber', 'mobile', 'homePhone', 'ipPhone'];

/** Throws a clear text for a URL that is no http(s) URL; never echoes a password written into it. */
export function createCardDavSource(
  config: CardDavSourceConfig,
  password: string,
  tls: ConnectionOptions,
  log: SourceLog,
): ContactSource {
  const url = parseUrl(config.url, ['http:', 'https:'], 'CardDAV');
  // A user written into the URL (`https://alice@host/...`) counts when the user field is empty.
  const user = config.user?.trim() || decodeURIComponent(url.username);
  url.username = '';
  url.password = '';
  return new CardDavSource(config.label || 'carddav', url, user, password, tls, refreshMs(config.refreshMinutes), log);
}

export function createLdapSource(config: LdapSourceConfig, password: string, tls: ConnectionOptions, _log: SourceLog): ContactSource {
  const url = parseUrl(config.url, ['ldap:', 'ldaps:'], 'LDAP');
  return new LdapSource({
    label: config.label || 'ldap',
    url: `${url.protocol}//${url.host}`,
    bindDn: config.bindDn?.trim() ?? '',
    password,
    base: config.base?.trim() ?? '',
    filter: config.filter?.trim() || DEFAULT_LDAP_FILTER,
    nameAttributes: attributeList(config.nameAttributes, DEFAULT_NAME_ATTRIBUTES),
    numberAttributes: attributeList(config.numberAttributes, DEFAULT_NUMBER_ATTRIBUTES),
    groupAttribute: config.groupAttribute?.trim() ?? '',
    refreshMs: refreshMs(config.refreshMinutes),
    tls,
  });
}

/** NODES.md: `refreshMinutes` may be fractional, default 15, at least 0.05 (3 s). */
function refreshMs(minutes: number | string | undefined): number {
  const given = typeof minutes === 'string' ? Number(minutes.trim() || NaN) : (minutes ?? NaN);
  const value = Number.isFinite(given) ? Math.max(0.05, given) : 15;
  return Math.round(value * 60_000);
}

function attributeList(given: string[] | string | undefined, fallback: string[]): string[] {
  const list = (Array.isArray(given) ? given : (given ?? '').split(',')).map((a) => a.trim()).filter((a) => a);
  return list.length > 0 ? list : fallback;
}

function parseUrl(text: string, protocols: string[], what: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`${what}: not a URL`);
  }
  if (!protocols.includes(url.protocol)) throw new Error(`${what}: the URL must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  return url;
}
