import { backoffDelay } from '../backoff';
import { errorText } from '../../protocols/common/errors';
import { ContactIndex } from './contact-index';
import type { NumberPlan } from './numbers';
import type { ContactSource } from './source';
import type { DirectoryLog } from './source-config';

export type SourceState = 'loading' | 'ok' | 'failing' | 'failed';

/** What the editor and the status show of one source. */
export interface SourceStatus {
  label: string;
  type: ContactSource['type'];
  state: SourceState;
  contacts: number;
  skipped: number;
  /** When the source started failing (ms since the epoch). */
  since?: number;
  error?: string;
}

const RETRY_BASE_MS = 1000;
const MIN_RETRY_CAP_MS = 5000;

/**
 * One source of a directory over time: the first load, a refresh every `refreshMs`, a reload when
 * the source says it changed; on failure the last good contacts stay and it retries with
 * backoff capped at the refresh interval (at least 5 s). One log line per change of state.
 */
export class SourceRunner {
  index: ContactIndex;
  state: SourceState = 'loading';
  private skipped = 0;
  private since: number | undefined;
  private error: string | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private stopWatching: (() => void) | undefined;

  constructor(
    readonly source: ContactSource,
    private readonly settings: () => { plan: NumberPlan; suffixDigits: number },
    private readonly log: DirectoryLog,
    private readonly changed: () => void,
  ) {
    this.index = ContactIndex.empty(source.label);
  }

  start(): Promise<void> {
    this.stopWatching = this.source.watch?.(() => void this.reload());
    return this.reload();
  }

  /** Loads now (after the load under way, if any); the promise settles when the contacts are in. */
  reload(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    clearTimeout(this.timer);
    this.loading = this.loadOnce().finally(() => {
      this.loading = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reload();
      }
    });
    return this.loading;
  }

  status(): SourceStatus {
    const { label, type } = this.source;
    return {
      label,
      type,
      state: this.state,
      contacts: this.index.size,
      skipped: this.skipped,
      since: this.since,
      error: this.error,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.stopWatching?.();
    await this.source.close();
  }

  private async loadOnce(): Promise<void> {
    const { label } = this.source;
    try {
      const { contacts, skipped } = await this.source.load();
      const { plan, suffixDigits } = this.settings();
      const index = await ContactIndex.build(label, contacts, plan, suffixDigits);
      if (this.closed) return;
      const wasOk = this.state === 'ok';
      this.index = index;
      this.skipped = skipped + index.unusable;
      this.attempt = 0;
      this.since = undefined;
      this.error = undefined;
      this.state = 'ok';
      const text = `phone book source ${label}: ${index.size} contacts${this.skipped ? `, ${this.skipped} entries skipped` : ''}`;
      this.log(wasOk ? 'debug' : 'info', text);
      this.schedule(this.source.refreshMs);
    } catch (err) {
      if (this.closed) return;
      const error = errorText(err);
      const previous = this.state;
      this.state = this.index.size || previous === 'failing' ? 'failing' : 'failed';
      this.since ??= Date.now();
      if (previous !== this.state) {
        this.log('warn', `phone book source ${label}: ${error}; ${this.index.size} contacts kept, retrying`);
      }
      this.error = error;
      const capMs = Math.max(MIN_RETRY_CAP_MS, this.source.refreshMs ?? MIN_RETRY_CAP_MS);
      this.schedule(backoffDelay(this.attempt++, { baseMs: RETRY_BASE_MS, capMs, jitter: 0.5 }));
    }
    this.changed();
  }

  private schedule(delayMs: number | undefined): void {
    if (delayMs === undefined || this.closed) return;
    this.timer = setTimeout(() => void this.reload(), delayMs);
    this.timer.unref?.();
  }
}
