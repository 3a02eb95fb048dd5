import { watch as watchFs, type FSWatcher } from 'fs';
import { open } from 'fs/promises';
import { basename, dirname } from 'path';
import { readCsvContacts } from './csv-contacts';
import type { ContactSource, SourceLoad } from './source';
import { readVCardContacts } from './vcard-contacts';

/** Editors save in several writes (or write a temporary file and rename it): one reload for them all. */
const SETTLE_MS = 200;

/** A CSV or vCard file; a `.vcf`/`.vcard` name, or a text that starts with BEGIN:VCARD, is vCard. */
export class FileSource implements ContactSource {
  readonly type = 'file';

  constructor(
    readonly label: string,
    private readonly path: string,
  ) {}

  async load(): Promise<SourceLoad> {
    if (!this.path) throw new Error('no file path set');
    return (await this.isVCard()) ? readVCardContacts(this.path) : readCsvContacts(this.path);
  }

  /** Watches the folder, not the file: a file replaced by rename keeps being watched. */
  watch(onChange: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | undefined;
    const name = basename(this.path);
    try {
      watcher = watchFs(dirname(this.path), (_event, file) => {
        if (file && file.toString() !== name) return;
        clearTimeout(timer);
        timer = setTimeout(onChange, SETTLE_MS);
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      // A folder that does not exist (yet): the retries of the failed load find the file when it comes.
    }
    return () => {
      clearTimeout(timer);
      watcher?.close();
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async isVCard(): Promise<boolean> {
    if (/\.(vcf|vcard)$/i.test(this.path)) return true;
    const file = await open(this.path, 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(64), 0, 64, 0);
      return /^\uFEFF?\s*BEGIN:VCARD/i.test(buffer.toString('utf8', 0, bytesRead));
    } finally {
      await file.close();
    }
  }
}
