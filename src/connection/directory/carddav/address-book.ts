import type { SourceLoad } from '../source';
import { VCardReader } from '../vcard-contacts';
import { DavClient, DavStatusError, shown } from './http';
import {
  multigetBody,
  parseMultistatus,
  propfindBody,
  queryAllBody,
  syncCollectionBody,
  text,
  type DavResource,
} from './xml';

/** What one card on the server gave, and the etag it had then. */
interface Card {
  etag: string;
  load: SourceLoad;
}

/** Hrefs per `addressbook-multiget`: small enough for any server's request limit, large enough for 5,000 cards in a few requests. */
const MULTIGET_BATCH = 250;
/** vCards read between two turns of the event loop (about 5 ms of work). */
const CARDS_PER_TURN = 500;

/**
 * One address book, kept in memory between loads. With a sync token (RFC 6578) a refresh asks
 * only for what changed since the last one; without (or when the server has forgotten the token)
 * it lists every card's etag and fetches only the cards whose etag is new, so even a server
 * without sync sends the vCards themselves once.
 */
export class AddressBook {
  private readonly cards = new Map<string, Card>();
  private syncToken: string | undefined;
  private readonly selfKey: string;

  constructor(
    private readonly client: DavClient,
    readonly url: URL,
    /** Says how each refresh went (sync token or etag comparison, and how much changed): a debug line. */
    private readonly note: (text: string) => void,
  ) {
    this.selfKey = this.keyOf(url.href);
  }

  async refresh(): Promise<SourceLoad> {
    if (this.syncToken === undefined || !(await this.syncChanges(this.syncToken))) await this.listAll();
    const contacts = [];
    let skipped = 0;
    for (const card of this.cards.values()) {
      for (const contact of card.load.contacts) contacts.push(contact);
      skipped += card.load.skipped;
    }
    return { contacts, skipped };
  }

  /** `sync-collection` from the token; false when the server no longer accepts it (then a full comparison follows). */
  private async syncChanges(token: string): Promise<boolean> {
    let answer;
    try {
      answer = await this.client.send({ method: 'REPORT', url: this.url, depth: '1', body: syncCollectionBody(token) });
    } catch (err) {
      // RFC 6578 3.2: an invalid or expired token is a 403 (valid-sync-token precondition); some servers
      // say 400 or 409; a server that names a token but has no sync-collection says 405 or 501.
      if (err instanceof DavStatusError && [400, 403, 405, 409, 501].includes(err.status)) {
        this.syncToken = undefined;
        return false;
      }
      throw err;
    }
    const { resources, syncToken } = await parseMultistatus(answer.body, shown(this.url));
    const changed: DavResource[] = [];
    let deleted = 0;
    for (const resource of this.members(resources)) {
      const key = this.keyOf(resource.href);
      if (resource.status === 404) deleted += this.cards.delete(key) ? 1 : 0;
      else if (this.cards.get(key)?.etag !== etagOf(resource) || !etagOf(resource)) changed.push(resource);
    }
    await this.fetchCards(changed.map((r) => r.href));
    this.syncToken = syncToken;
    this.note(`${shown(this.url)}: sync token: ${changed.length} changed, ${deleted} deleted`);
    return true;
  }

  /**
   * Every card's etag, with the cards themselves on the first load: one `addressbook-query`
   * (Radicale answers it for 5,000 cards in half a second; a PROPFIND Depth 1 of the same cards
   * takes it 15 s), PROPFIND where a server refuses the query. The sync token is read first, so
   * what changes during the listing comes with the next sync.
   */
  private async listAll(): Promise<void> {
    const token = await this.currentSyncToken();
    const listed = await this.listMembers(this.cards.size === 0);
    const present = new Set<string>();
    const changed: string[] = [];
    for (const [index, resource] of this.members(listed).entries()) {
      // Reading the vCards of a large first load takes turns with Node-RED's events too.
      if (index % CARDS_PER_TURN === CARDS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
      const key = this.keyOf(resource.href);
      present.add(key);
      const etag = etagOf(resource);
      const vcard = text(resource.props['address-data']);
      if (vcard) this.keep(resource, vcard);
      else if (!etag || this.cards.get(key)?.etag !== etag) changed.push(resource.href);
    }
    let removed = 0;
    for (const key of this.cards.keys()) {
      if (present.has(key)) continue;
      this.cards.delete(key);
      removed++;
    }
    await this.fetchCards(changed);
    this.syncToken = token;
    this.note(
      `${shown(this.url)}: full listing of ${present.size} cards: ${changed.length} fetched again, ${removed} removed`,
    );
  }

  private async currentSyncToken(): Promise<string | undefined> {
    const answer = await this.client.send({
      method: 'PROPFIND',
      url: this.url,
      depth: '0',
      body: propfindBody(['d:sync-token']),
    });
    const { resources } = await parseMultistatus(answer.body, shown(this.url));
    return text(resources[0]?.props['sync-token']).trim() || undefined;
  }

  private async listMembers(withCards: boolean): Promise<DavResource[]> {
    let answer;
    try {
      answer = await this.client.send({ method: 'REPORT', url: this.url, depth: '1', body: queryAllBody(withCards) });
    } catch (err) {
      // A server without addressbook-query (400, 403, 405, 501, ...) still lists its members with PROPFIND.
      if (!(err instanceof DavStatusError) || err.status === 401 || err.status === 404) throw err;
      answer = await this.client.send({
        method: 'PROPFIND',
        url: this.url,
        depth: '1',
        body: propfindBody(['d:getetag']),
      });
    }
    return (await parseMultistatus(answer.body, shown(this.url))).resources;
  }

  private async fetchCards(hrefs: string[]): Promise<void> {
    for (let start = 0; start < hrefs.length; start += MULTIGET_BATCH) {
      const batch = hrefs.slice(start, start + MULTIGET_BATCH);
      const answer = await this.client.send({ method: 'REPORT', url: this.url, depth: '1', body: multigetBody(batch) });
      const { resources } = await parseMultistatus(answer.body, shown(this.url));
      for (const resource of resources) {
        const key = this.keyOf(resource.href);
        if (resource.status === 404) {
          this.cards.delete(key);
          continue;
        }
        this.keep(resource, text(resource.props['address-data']));
      }
    }
  }

  /** A card as the server gave it; one without its vCard counts as skipped. */
  private keep(resource: DavResource, vcard: string): void {
    const load = vcard ? readVCards(vcard) : { contacts: [], skipped: 1 };
    this.cards.set(this.keyOf(resource.href), { etag: etagOf(resource), load });
  }

  /** The members of the collection: the collection itself and sub-collections are no cards. */
  private members(resources: DavResource[]): DavResource[] {
    return resources.filter((r) => this.keyOf(r.href) !== this.selfKey && !r.href.endsWith('/'));
  }

  /** Servers write an href as a path or a full URL, encoded their way, a collection with or without its slash: one key each. */
  private keyOf(href: string): string {
    const path = new URL(href, this.url).pathname.replace(/\/$/, '');
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  }
}

/** The directory's vCard reader (the same one as for `.vcf` files) over one card's `address-data`. */
function readVCards(text: string): SourceLoad {
  const reader = new VCardReader();
  reader.write(text);
  return reader.end();
}

function etagOf(resource: DavResource): string {
  return text(resource.props.getetag).trim();
}
