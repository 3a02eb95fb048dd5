import type { ConnectionOptions } from 'tls';
import { FileSource } from './file-source';
import { PbxSource } from './pbx-source';
import { createCardDavSource, createLdapSource } from './remote-sources';
import type { ContactSource } from './source';
import type { DirectoryLog, SourceConfig } from './source-config';

/** The `pbx-directory` credentials. */
export interface DirectorySecrets {
  carddavPassword?: string;
  ldapPassword?: string;
}

/** At most one of these per directory: they have one credential (or one PBX list) each. */
const ONCE: ReadonlySet<string> = new Set(['pbx', 'carddav', 'ldap']);

export interface BuiltSources {
  sources: ContactSource[];
  /** The `pbx` source, which the connections that use the directory attach to. */
  pbx?: PbxSource;
  /** One text per source that could not be built (it is left out; the others work). */
  problems: string[];
}

/** Builds the sources of a directory in the user's order; a bad entry is left out and named. */
export function createSources(
  configs: unknown,
  secrets: DirectorySecrets,
  tls: ConnectionOptions,
  log: DirectoryLog,
): BuiltSources {
  const built: BuiltSources = { sources: [], problems: [] };
  const seen = new Set<string>();
  for (const config of Array.isArray(configs) ? (configs as SourceConfig[]) : []) {
    try {
      const type = String(config?.type ?? '');
      if (ONCE.has(type) && seen.has(type)) throw new Error(`only one ${type} source per directory`);
      seen.add(type);
      const source = createSource(config, secrets, tls, log);
      if (source instanceof PbxSource) built.pbx = source;
      built.sources.push(source);
    } catch (err) {
      built.problems.push(`source ${built.sources.length + built.problems.length + 1}: ${(err as Error).message}`);
    }
  }
  return built;
}

/** One source from its editor entry; `label` defaults to the type. */
export function createSource(
  config: SourceConfig,
  secrets: DirectorySecrets,
  tls: ConnectionOptions,
  log: DirectoryLog,
): ContactSource {
  const label = String(config.label ?? '').trim() || config.type;
  switch (config.type) {
    case 'pbx':
      return new PbxSource(label);
    case 'file':
      return new FileSource(label, String(config.path ?? '').trim());
    case 'carddav':
      return createCardDavSource({ ...config, label }, secrets.carddavPassword, tls, log);
    case 'ldap':
      return createLdapSource({ ...config, label }, secrets.ldapPassword, tls, log);
    default:
      throw new Error(`unknown source type "${String((config as { type?: unknown }).type)}"`);
  }
}
