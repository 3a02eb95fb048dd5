/** One entry as a source has it: numbers as written there; the directory normalizes them once. */
export interface RawContact {
  name: string;
  numbers: string[];
  groups: string[];
}
/** What one load of a source gave: the contacts and how many entries were skipped as malformed. */
export interface SourceLoad {
  contacts: RawContact[];
  skipped: number;
}
/** A phone book source. The directory schedules it: first load, refresh, backoff, last good data, status. */
export interface ContactSource {
  readonly type: 'pbx' | 'file' | 'carddav' | 'ldap';
  readonly label: string;
  /** Reload interval in ms (carddav, ldap); undefined = only on start and when `watch` says so. */
  readonly refreshMs?: number;
  /** The whole current set of contacts (a CardDAV source may sync incrementally inside and still return the whole set). */
  load(): Promise<SourceLoad>;
  /** Tells when the source changed by itself (a file edited, the PBX's users changed); returns the stop function. */
  watch?(onChange: () => void): () => void;
  /** Releases sockets, watchers, timers. */
  close(): Promise<void>;
}
