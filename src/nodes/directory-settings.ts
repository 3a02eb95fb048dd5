import type { Directory } from '../connection/directory/directory';
import { countryNamed, DEFAULT_INTERNAL_DIGITS } from '../connection/directory/numbers';
import type { PbxSource } from '../connection/directory/pbx-source';
import type { PartyNames } from '../connection/names';
import { isAbsolute, resolve } from 'path';
import type { Node, NodeAPI, NodeDef } from './red';

export interface DirectoryDef extends NodeDef {
  country?: string;
  areaCode?: string;
  outsidePrefix?: string;
  internalDigits?: string | number;
  suffixDigits?: string | number;
  sources?: unknown;
  tls?: string;
  fallback?: string;
}

export interface DirectoryNode extends Node {
  /** Undefined when the configuration is unusable (the error says why). */
  directory?: Directory;
  pbxSource?: PbxSource;
}

/** The directory's settings as the editor stores them (numbers arrive as text). */
export function directorySettings(def: DirectoryDef): { plan: Directory['numberPlan']; suffixDigits: number } {
  return {
    plan: {
      country: countryNamed(def.country),
      areaCode: String(def.areaCode ?? '').replace(/\D/g, ''),
      outsidePrefix: String(def.outsidePrefix ?? '').replace(/[^0-9*#]/g, ''),
      internalDigits: wholeNumber(def.internalDigits, DEFAULT_INTERNAL_DIGITS),
    },
    suffixDigits: wholeNumber(def.suffixDigits, 0),
  };
}

function wholeNumber(value: unknown, fallback: number): number {
  const n = Number(value);
  return value === '' || value === undefined || !Number.isFinite(n) || n < 0 ? fallback : Math.floor(n);
}

/** A connection's names join the directory's `pbx` source (when it has one) until `detach`. */
export function attachNames(node: DirectoryNode, names: PartyNames): () => void {
  node.pbxSource?.attach(names);
  return () => node.pbxSource?.detach(names);
}

/**
 * The sources with each relative file path resolved as the core file node does: against
 * `fileWorkingDirectory` when set, else Node-RED's working directory.
 */
export function sourcesOf(RED: NodeAPI, sources: unknown): unknown[] {
  const base = String(RED.settings.fileWorkingDirectory || process.cwd());
  return (Array.isArray(sources) ? sources : []).map((s: unknown) => {
    const source = s as { type?: unknown; path?: unknown } | null;
    if (source?.type !== 'file' || typeof source.path !== 'string' || !source.path.trim() || isAbsolute(source.path))
      return s;
    return { ...source, path: resolve(base, source.path.trim()) };
  });
}
