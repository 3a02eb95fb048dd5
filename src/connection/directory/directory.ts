import type { Contact } from '../../model/types';
import type { ContactFinder } from '../names';
import { isExtension, planWith, reportedKey, dialable, type NumberPlan, type PbxNumbering } from './numbers';
import type { ContactSource } from './source';
import type { DirectoryLog } from './source-config';
import { SourceRunner, type SourceStatus } from './source-runner';

/** Which rule found a contact (the editor's "try a number" shows it). */
export type MatchRule = 'extension' | 'number' | 'suffix' | 'fallback';

export interface Match {
  contact: Contact;
  rule: MatchRule;
  /** The key the number was looked up under (E.164, an extension, or the digits as written). */
  key: string;
}

/** The directory's state for a node status: a catalog key and its parameters. */
export interface DirectoryStatus {
  fill: 'green' | 'yellow' | 'red';
  shape: 'dot' | 'ring';
  /** `contacts`, `loading`, `kept` or `failed` (`directory.status.<key>` in the catalogs). */
  key: 'contacts' | 'loading' | 'kept' | 'failed';
  params: { count: number; label?: string; since?: number; error?: string };
}

export interface DirectoryOptions {
  plan: NumberPlan;
  /** 0 = off; else the last resort: the last N digits. */
  suffixDigits: number;
  log: DirectoryLog;
  /** The directory asked when this one has no match. */
  fallback?: () => ContactFinder | undefined;
}

const SEARCH_LIMIT = 20;
/**
 * Reported numbers whose keys are kept: the same callers and lamps come back event after event,
 * and reading a number (libphonenumber) costs more than the rest of the event's path. Emptied
 * when full, so a flood of distinct numbers costs memory only up to this many.
 */
const KEY_CACHE_SIZE = 10000;

/**
 * A phone book of several sources in priority order, answered from memory: each source's
 * contacts are normalized once when loaded; a lookup normalizes only the number asked for.
 */
export class Directory implements ContactFinder {
  private readonly runners: SourceRunner[];
  private readonly listeners = new Set<() => void>();
  private plan: NumberPlan;
  private askingFallback = false;
  /** Reported number -> its key under `plan` (`''`: none). */
  private readonly keys = new Map<string, string>();

  constructor(
    sources: readonly ContactSource[],
    private readonly options: DirectoryOptions,
  ) {
    this.plan = options.plan;
    const settings = (): { plan: NumberPlan; suffixDigits: number } => ({
      plan: this.plan,
      suffixDigits: options.suffixDigits,
    });
    this.runners = sources.map((source) => new SourceRunner(source, settings, options.log, () => this.tell()));
  }

  /** Starts every source; the promise settles when each has loaded or failed once. */
  start(): Promise<void> {
    return Promise.all(this.runners.map((r) => r.start())).then(() => undefined);
  }

  /** Loads every source again now (a changed number plan). */
  reload(): Promise<void> {
    return Promise.all(this.runners.map((r) => r.reload())).then(() => undefined);
  }

  find(number: string): Contact | undefined {
    return this.match(number)?.contact;
  }

  /** The contact for a number the PBX reported, and the rule that found it. */
  match(number: string): Match | undefined {
    const key = this.keyOf(String(number ?? ''));
    if (!key) return undefined;
    for (const runner of this.runners) {
      const contact = runner.index.find(key);
      if (contact) return { contact, rule: isExtension(dialable(number), this.plan) ? 'extension' : 'number', key };
    }
    if (!isExtension(key, this.plan)) {
      for (const runner of this.runners) {
        const contact = runner.index.findBySuffix(key);
        if (contact) return { contact, rule: 'suffix', key };
      }
    }
    // Two directories that name each other as fallback ask each other once, not forever.
    if (this.askingFallback) return undefined;
    this.askingFallback = true;
    try {
      const contact = this.options.fallback?.()?.find(number);
      return contact && { contact, rule: 'fallback', key };
    } finally {
      this.askingFallback = false;
    }
  }

  private keyOf(number: string): string | undefined {
    let key = this.keys.get(number);
    if (key === undefined) {
      key = reportedKey(number, this.plan) ?? '';
      if (this.keys.size >= KEY_CACHE_SIZE) this.keys.clear();
      this.keys.set(number, key);
    }
    return key || undefined;
  }

  /** Contacts whose name contains `text`, case-insensitively, sorted by name (at most 20). */
  search(text: string, limit = SEARCH_LIMIT): Contact[] {
    const wanted = text.trim().toLowerCase();
    if (!wanted) return [];
    const found: Contact[] = [];
    const seen = new Set<string>();
    for (const runner of this.runners) {
      for (const entry of runner.index.entries) {
        if (!entry.name.toLowerCase().includes(wanted)) continue;
        const id = `${entry.name}\u0000${entry.number}`;
        if (seen.has(id)) continue;
        seen.add(id);
        found.push(runner.index.contact(entry, entry.number));
      }
    }
    return found.sort((a, b) => a.name.localeCompare(b.name)).slice(0, limit);
  }

  /**
   * What the PBX reports of its numbering (innovaphone `GetNodeInfo`): fills the country and
   * outside-line prefix the user left empty; a changed plan normalizes every source again.
   */
  useNumbering(numbering: PbxNumbering | undefined): void {
    const plan = planWith(this.options.plan, numbering);
    if (plan.country === this.plan.country && plan.outsidePrefix === this.plan.outsidePrefix) return;
    this.plan = plan;
    this.keys.clear();
    void this.reload();
  }

  get numberPlan(): NumberPlan {
    return this.plan;
  }

  sources(): SourceStatus[] {
    return this.runners.map((r) => r.status());
  }

  /**
   * Green `N contacts`; yellow while loading, while a failing source's last good contacts are
   * kept, or naming a source that never loaded and why (the others answer); red when nothing
   * ever loaded.
   */
  status(): DirectoryStatus {
    const all = this.sources();
    const count = all.reduce((n, s) => n + s.contacts, 0);
    if (all.some((s) => s.state === 'loading'))
      return { fill: 'yellow', shape: 'ring', key: 'loading', params: { count } };
    // A source that never loaded has nothing kept: its error (a wrong password, an untrusted
    // certificate) says more than "unreachable, 0 contacts kept".
    const failed = all.find((s) => s.state === 'failed');
    if (failed) {
      return {
        fill: all.every((s) => s.state === 'failed') ? 'red' : 'yellow',
        shape: 'ring',
        key: 'failed',
        params: { count, label: failed.label, error: failed.error },
      };
    }
    const failing = all.find((s) => s.state === 'failing');
    if (failing) {
      return {
        fill: 'yellow',
        shape: 'dot',
        key: 'kept',
        params: { count: failing.contacts, label: failing.label, since: failing.since },
      };
    }
    return { fill: 'green', shape: 'dot', key: 'contacts', params: { count } };
  }

  /** Tells `fn` when a source loaded or failed; returns the function that stops it. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all(this.runners.map((r) => r.close()));
  }

  private tell(): void {
    for (const fn of this.listeners) fn();
  }
}
