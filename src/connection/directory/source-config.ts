import type { LogLevel } from '../../protocols/common/adapter';

/** How a source tells the directory's owner something worth a log line (no secret in `text`). */
export type DirectoryLog = (level: LogLevel, text: string) => void;

/** One entry of the `sources` property of a `pbx-directory` (NODES.md "Who: names for numbers"). */
export type SourceConfig = PbxSourceConfig | FileSourceConfig | CardDavSourceConfig | LdapSourceConfig;

export interface PbxSourceConfig {
  type: 'pbx';
  label?: string;
}

export interface FileSourceConfig {
  type: 'file';
  label?: string;
  path?: string;
}

export interface CardDavSourceConfig {
  type: 'carddav';
  label?: string;
  /** An address book URL, or the account URL whose address books are discovered. */
  url?: string;
  user?: string;
  /** May be fractional; default 15, at least 0.05. */
  refreshMinutes?: number | string;
}

export interface LdapSourceConfig {
  type: 'ldap';
  label?: string;
  /** `ldap://` or `ldaps://`. */
  url?: string;
  bindDn?: string;
  base?: string;
  filter?: string;
  nameAttributes?: string | string[];
  numberAttributes?: string | string[];
  groupAttribute?: string;
  refreshMinutes?: number | string;
}

export const DEFAULT_REFRESH_MINUTES = 15;
export const MIN_REFRESH_MINUTES = 0.05;

/** `refreshMinutes` as milliseconds: default 15 minutes, at least 0.05 (3 s). */
export function refreshMsOf(minutes: number | string | undefined): number {
  const n = Number(minutes);
  const m = minutes === undefined || minutes === '' || !Number.isFinite(n) ? DEFAULT_REFRESH_MINUTES : n;
  return Math.round(Math.max(MIN_REFRESH_MINUTES, m) * 60000);
}
