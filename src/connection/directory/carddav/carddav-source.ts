import type { ConnectionOptions } from 'node:tls';
import type { ContactSource, SourceLoad } from '../source';
import type { DirectoryLog } from '../source-config';
import { AddressBook } from './address-book';
import { discoverAddressBooks } from './discovery';
import { DavClient, DavStatusError, shown } from './http';

/**
 * A CardDAV account or address book (NODES.md "Who", source `carddav`). The address books are
 * discovered on the first load and kept with their cards in memory, so each refresh asks the
 * server only for what changed; a load returns the whole set, as the contract wants.
 */
export class CardDavSource implements ContactSource {
  readonly type = 'carddav';
  private readonly client: DavClient;
  private books: AddressBook[] | undefined;
  private running: Promise<SourceLoad> | undefined;

  constructor(
    readonly label: string,
    private readonly url: URL,
    user: string,
    password: string,
    tls: ConnectionOptions,
    readonly refreshMs: number,
    private readonly log: DirectoryLog,
    requestTimeoutMs?: number,
  ) {
    this.client = new DavClient(user, password, tls, requestTimeoutMs);
  }

  /** One load at a time: a refresh that comes while one runs gets that one's result. */
  load(): Promise<SourceLoad> {
    this.running ??= this.loadAll().finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private async loadAll(): Promise<SourceLoad> {
    if (!this.books) {
      const urls = await discoverAddressBooks(this.client, this.url);
      this.log('debug', `${this.label}: address books ${urls.map(shown).join(', ')}`);
      this.books = urls.map(
        (url) => new AddressBook(this.client, url, (text) => this.log('debug', `${this.label}: ${text}`)),
      );
    }
    const contacts = [];
    let skipped = 0;
    try {
      for (const book of this.books) {
        const load = await book.refresh();
        for (const contact of load.contacts) contacts.push(contact);
        skipped += load.skipped;
      }
    } catch (err) {
      // An address book that went away (deleted, renamed): the next load discovers the account again.
      if (err instanceof DavStatusError && err.status === 404) this.books = undefined;
      throw err;
    }
    return { contacts, skipped };
  }
}
